"""Uniform sampling in B_δ ⊂ R^d and the one-coordinate marginal."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from fptheory.numeric._ball import chunks, log_coordinate_density, sample_ball


@pytest.mark.parametrize("dim", [1, 3, 30])
def test_radius_law(rng, dim):
    """P(|θ| ≤ r) = (r/δ)^d: Kolmogorov-Smirnov against that law does not reject (p > 0.001)."""
    delta = 0.7
    x = sample_ball(20000, dim, delta, rng)
    r = np.linalg.norm(x, axis=1)
    assert np.all(r <= delta)
    assert stats.kstest(r, lambda s: (np.clip(s, 0, delta) / delta) ** dim).pvalue > 1e-3


@pytest.mark.parametrize("dim", [2, 3, 30])
def test_coordinate_density(rng, dim):
    """The marginal density integrates to 1, matches the Beta law of x², and the samples follow it (KS)."""
    delta = 1.3
    density = lambda t: math.exp(float(log_coordinate_density(np.array(t), dim, delta)))
    total, _ = integrate.quad(density, -delta, delta)
    assert abs(total - 1) < 1e-8
    # closed form: (x/δ)² ~ Beta(1/2, (d+1)/2) for one coordinate of a uniform point of the d-ball
    x = sample_ball(20000, dim, delta, rng)[:, 0]
    cdf = lambda s: 0.5 + 0.5 * np.sign(s) * special.betainc(0.5, (dim + 1) / 2, np.minimum((s / delta) ** 2, 1))
    assert stats.kstest(x, cdf).pvalue > 1e-3
    for t in (-0.9, 0.2, 1.1):
        assert abs(integrate.quad(density, -delta, t)[0] - cdf(t)) < 1e-8


def test_chunks_and_errors():
    assert list(chunks(10, 4)) == [4, 4, 2]
    with pytest.raises(ValueError, match="dim must be an integer >= 1"):
        sample_ball(3, 0, 1.0, np.random.default_rng(0))
