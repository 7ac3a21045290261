"""Parity against digits (paper Sec. 7): the closed-form transform of parity, the aliasing of a small
sample, and the generalization gap of the same tanh MLP on the two tasks."""

import math

import numpy as np
import pytest

from fptheory.experiments import parity


def test_closed_form_equals_the_sum_over_the_hypercube(rng):
    """(-i sin θ)^d against the direct sum 2^{-d} Σ_x Π x_j e^{-i2πξ p·x} at random ξ, d = 3…8, to 1e-13."""
    for d in range(3, 9):
        X = parity.hypercube(d)
        xi = rng.uniform(-2, 2, 7)
        direct = np.mean(np.prod(X, axis=1)[:, None] * np.exp(-2j * math.pi * np.outer(X.sum(axis=1) / math.sqrt(d), xi)), axis=0)
        np.testing.assert_allclose(parity.parity_transform(xi, d), direct, rtol=0, atol=1e-13)


def test_parity_does_not_generalize_while_digits_do(tmp_path):
    result = parity.run(parity.make_config(quick=True))
    acc = {key: value[:, -1] for key, value in result.accuracy.items()}
    test_points = 2**result.config.dims - result.config.train_points
    assert np.all(acc["parity_train"] == 1.0)
    # chance is 1/2; "no generalization" means not above it by 3 binomial standard errors
    assert np.all(acc["parity_test"] < 0.5 + 3 * math.sqrt(0.25 / test_points))
    assert np.all(acc["real_test"] > 0.9)
    assert result.closed_form_error() < 1e-11  # the NUDFT over all 2^d points is the closed form
    assert result.aliasing_ratio() > 5  # the sample's low band holds power the full function lacks
    distance = result.spectral_distance()
    assert distance["parity"] > 0.5 and distance["real"] < 0.2
    parity.save(result, tmp_path)
    assert (tmp_path / "parity.png").stat().st_size > 0


@pytest.mark.slow
def test_full_scale_generalization_gap():
    """Full scale (README: 44 s, 4 seeds)."""
    result = parity.run(parity.make_config())
    assert np.all(result.accuracy["parity_train"][:, -1] == 1.0) and np.all(result.accuracy["parity_test"][:, -1] < 0.5)
    assert np.all(result.accuracy["real_test"][:, -1] > 0.94)
