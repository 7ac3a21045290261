"""The filtering method: Gaussian smoothing over the points, its split and errors."""

import math

import numpy as np
import pytest

from fptheory.spectral import smooth, split, split_errors


def _direct(X, Y, delta):
    d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    w = np.exp(-d2 / (2 * delta))
    return (w @ Y) / w.sum(1, keepdims=True)


@pytest.mark.parametrize("block", [7, 64, 1000])
def test_blocked_smoothing_equals_the_formula(rng, block):
    X = rng.standard_normal((150, 4))
    Y = rng.standard_normal((150, 3))
    np.testing.assert_allclose(smooth(X, Y, 0.7, block=block), _direct(X, Y, 0.7), rtol=1e-12, atol=1e-13)


def test_limits(rng):
    """Constants are kept exactly; δ → 0 keeps y (each point weighs only itself); δ → ∞ gives the mean."""
    X = rng.standard_normal((80, 3))
    y = rng.standard_normal(80)
    np.testing.assert_allclose(smooth(X, np.full(80, 2.5), 0.3), 2.5, rtol=1e-14)
    np.testing.assert_allclose(smooth(X, y, 1e-6), y, atol=1e-12)
    np.testing.assert_allclose(smooth(X, y, 1e8), y.mean(), atol=1e-6)


def test_small_delta_does_not_underflow(rng):
    """With δ far below the squared distances, the plain weights all underflow; the row-shifted ones do not."""
    X = 100 * rng.standard_normal((50, 2))
    y = rng.standard_normal(50)
    low = smooth(X, y, 1e-3)
    assert np.all(np.isfinite(low))
    np.testing.assert_allclose(low, y, atol=1e-12)


def test_split_errors(rng):
    """h = y gives (0, 0). h = y + c (a constant) is smoothed to y^low + c, so e_high = 0 and
    e_low = |c| sqrt(n) / |y^low| exactly."""
    X = rng.standard_normal((120, 3))
    y = np.sin(2 * X[:, 0]) + 0.3 * rng.standard_normal(120)
    assert split_errors(X, y, y, 0.5) == pytest.approx((0.0, 0.0), abs=1e-12)
    low, high = split(X, y, 0.5)
    np.testing.assert_allclose(low + high, y, rtol=1e-14)
    e_low, e_high = split_errors(X, y, y + 0.2, 0.5)
    assert e_high < 1e-12
    assert math.isclose(e_low, 0.2 * math.sqrt(120) / np.linalg.norm(low), rel_tol=1e-10)


@pytest.mark.slow
def test_blocked_smoothing_equals_the_dense_formula(rng):
    """n = 20,000 points of dimension 784 would need 3.2 GB as a full distance matrix; blocks of rows keep it at
    block × n. The blocks (256 rows, the last one padded) give the dense formula Σ_j y_j G(x_i - x_j) / Σ_j G,
    computed here in numpy from the definition, to 1e-12 on 2,000 × 784 points with two outputs."""
    X = rng.random((2000, 784))
    Y = rng.standard_normal((2000, 2))
    from scipy.spatial.distance import cdist

    d2 = cdist(X, X, "sqeuclidean")
    G = np.exp(-(d2 - d2.min(axis=1, keepdims=True)) / (2 * 10.0))
    np.testing.assert_allclose(smooth(X, Y, 10.0, block=256), G @ Y / G.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-12)


def test_filtering_bad_input(rng):
    with pytest.raises(ValueError, match="delta must be"):
        smooth(np.zeros((3, 2)), np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="same length"):
        smooth(np.zeros((3, 2)), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="finite"):
        smooth(np.array([[np.nan, 0.0]]), np.zeros(1), 1.0)
