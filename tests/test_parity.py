"""Parity against digits (paper Sec. 7): the closed-form transform of parity, the aliasing of a small
sample, and the generalization gap of the same tanh MLP on the two tasks."""

import math

import numpy as np

from fptheory.experiments import parity


def test_closed_form_equals_the_sum_over_the_hypercube(rng):
    """(-i sin θ)^d against the direct sum 2^{-d} Σ_x Π x_j e^{-i2πξ p·x} at random ξ, d = 3…8, to 1e-13."""
    for d in range(3, 9):
        X = parity.hypercube(d)
        xi = rng.uniform(-2, 2, 7)
        direct = np.mean(np.prod(X, axis=1)[:, None] * np.exp(-2j * math.pi * np.outer(X.sum(axis=1) / math.sqrt(d), xi)), axis=0)
        np.testing.assert_allclose(parity.parity_transform(xi, d), direct, rtol=0, atol=1e-13)


def test_parity_spectrum_aliasing_and_distance(quick_claim):
    """The Fourier side of the parity experiment (its accuracies are the parity claim's)."""
    result, folder = quick_claim("parity-no-generalization")
    assert result.closed_form_error() < 1e-11  # the NUDFT over all 2^d points is the closed form
    assert result.aliasing_ratio() > 5  # the sample's low band holds power the full function lacks
    distance = result.spectral_distance()
    assert distance["parity"] > 0.5 and distance["real"] < 0.2
    assert (folder / "parity.png").stat().st_size > 0
