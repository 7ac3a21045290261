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


# The counter-based stream of the jax plain counter (sample_ball_hashed).


def _hashed(seed: int, first: int, n: int, dim: int, radius: float, transposed: bool = False) -> np.ndarray:
    import jax
    import jax.numpy as jnp

    from fptheory.numeric._ball import sample_ball_hashed, stream_words

    words = jnp.asarray(stream_words(seed), dtype=jnp.uint64)
    draw = jax.jit(lambda w, f: sample_ball_hashed(w, f, n, dim, radius, transposed=transposed))
    return np.asarray(draw(words, jnp.uint64(first)))


def test_splitmix64_finaliser_gives_the_published_stream():
    """SplitMix64 from state 0 (Steele, Lea, Flood 2014; Vigna's splitmix64.c) outputs 0xe220a8397b1dcdaf,
    0x6e789e6aa1b965f4, 0x06c45d188009454f: the finaliser of 1, 2, 3 times the golden gamma, on the host and in jax."""
    import jax
    import jax.numpy as jnp

    from fptheory.numeric._ball import _GOLDEN_GAMMA, _mix64, _mix64_int

    published = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    states = [(i * _GOLDEN_GAMMA) % 2**64 for i in (1, 2, 3)]
    assert [_mix64_int(s) for s in states] == published
    with jax.enable_x64(True):
        assert [int(x) for x in np.asarray(_mix64(jnp.asarray(states, dtype=jnp.uint64)))] == published


def test_hashed_points_depend_on_their_index_only(x64):
    """Point i is the same however the points are batched, and the transposed layout draws the same points (to
    rounding of the norm); different seeds draw different points."""
    whole = _hashed(5, 0, 3000, 12, 2.0)
    parts = np.concatenate([_hashed(5, 0, 1000, 12, 2.0), _hashed(5, 1000, 2000, 12, 2.0)])
    assert np.array_equal(whole, parts)
    np.testing.assert_allclose(_hashed(5, 0, 3000, 12, 2.0, transposed=True).T, whole, rtol=1e-14, atol=0)
    assert not np.any(whole == _hashed(6, 0, 3000, 12, 2.0))


@pytest.mark.parametrize("dim", [3, 30])
def test_hashed_points_are_uniform_in_the_ball(x64, dim):
    """KS against the radius law (|θ|/δ)^d and the coordinate's Beta law (p > 0.001 each, on 40,000 points), mean
    within 4.5 standard errors of 0 and covariance within 4.5 of δ²/(d + 2) I."""
    delta, n = 0.7, 40000
    x = _hashed(11, 123456789, n, dim, delta)
    r = np.linalg.norm(x, axis=1)
    assert np.all(r <= delta * (1 + 1e-15))
    assert stats.kstest(r, lambda s: (np.clip(s, 0, delta) / delta) ** dim).pvalue > 1e-3
    cdf = lambda s: 0.5 + 0.5 * np.sign(s) * special.betainc(0.5, (dim + 1) / 2, np.minimum((s / delta) ** 2, 1))
    for j in (0, dim - 1):
        assert stats.kstest(x[:, j], cdf).pvalue > 1e-3
    var = delta**2 / (dim + 2)
    assert np.all(np.abs(x.mean(axis=0)) < 4.5 * math.sqrt(var / n))
    cov = x.T @ x / n
    off = cov[~np.eye(dim, dtype=bool)]
    assert np.all(np.abs(off) < 4.5 * var / math.sqrt(n))
    assert np.all(np.abs(np.diag(cov) - var) < 4.5 * var * math.sqrt(2 / n) * 1.5)


def test_hashed_points_are_independent_within_points_across_points_and_seeds(x64):
    """Chi-square on a 16 x 16 grid (p > 0.001), 60,000 points of B^4, for three pairs that must be uniform on the
    square: within a point, the CDF of ρ² = x0² + x1² (Beta(1, d/2) for two coordinates of the uniform d-ball) and
    the angle of (x0, x1), independent of it; one coordinate's CDF (its Beta law) at points i and i + 1; and at the
    same point of seeds 0 and 1. Each pair also uncorrelated within 4.5/sqrt(n)."""
    n, dim = 60000, 4
    pts = {seed: _hashed(seed, 0, n, dim, 1.0) for seed in (0, 1)}
    cdf = lambda s: 0.5 + 0.5 * np.sign(s) * special.betainc(0.5, (dim + 1) / 2, np.minimum(s**2, 1))
    x = pts[0]
    rho_cdf = stats.beta(1, dim / 2).cdf(x[:, 0] ** 2 + x[:, 1] ** 2)
    angle = np.arctan2(x[:, 1], x[:, 0]) / (2 * math.pi) + 0.5
    pairs = {
        "ρ and angle of slots 0 and 1": (rho_cdf, angle),
        "points i and i+1": (cdf(x[:-1, 2]), cdf(x[1:, 2])),
        "seeds 0 and 1": (cdf(x[:, 3]), cdf(pts[1][:, 3])),
    }
    for name, (u, v) in pairs.items():
        counts, _, _ = np.histogram2d(u, v, bins=16, range=[[0, 1], [0, 1]])
        assert stats.chisquare(counts.ravel()).pvalue > 1e-3, name
        assert abs(np.corrcoef(u, v)[0, 1]) < 4.5 / math.sqrt(u.size), name
