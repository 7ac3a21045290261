"""Nonuniform DFT (finufft against the direct sum), projection, principal directions and peak selection."""

import math

import numpy as np
import pytest

from fptheory.spectral import dft, nudft, principal_directions, project, select_peaks


@pytest.mark.parametrize("n, K", [(1000, 200), (5000, 700)])
def test_finufft_equals_direct_sum(rng, n, K):
    """Relative agreement 1e-9 (in the max norm over k, relative to max |direct|), values of shape (2, n)."""
    t = rng.uniform(-40, 40, n)
    y = rng.standard_normal((2, n))
    k = np.sort(rng.uniform(-3, 3, K))
    fast, slow = nudft(y, t, k), nudft(y, t, k, method="direct")
    assert np.max(np.abs(fast - slow)) <= 1e-9 * np.max(np.abs(slow))


def test_direct_sum_is_the_dft_convention(rng):
    t = rng.uniform(-3, 3, 50)
    y = rng.standard_normal(50)
    k = np.array([0.0, 0.7, 2.5])
    np.testing.assert_allclose(nudft(y, t, k, method="direct"), dft(y, t, k), rtol=1e-13)


def test_projection_recovers_a_planted_frequency(rng):
    """y = cos(2π·3 p·x) on Gaussian points in R^5: along p, |ŷ_p(k)| peaks at k = 3 (up to sampling noise)."""
    X = rng.standard_normal((4000, 5))
    p = np.array([1.0, 2.0, 0.0, -1.0, 0.5])
    y = np.cos(2 * math.pi * 3 * project(X, p))
    k = np.linspace(0.05, 6, 120)
    mag = np.abs(nudft(y, 2 * math.pi * project(X, p), k))
    assert abs(select_peaks(mag, k, 1)[0] - 3) < 0.1


def test_principal_directions(rng):
    """Data stretched along a known unit vector: the first principal direction is that vector (to 1e-3)."""
    u = np.array([3.0, -4.0, 0.0]) / 5
    X = rng.standard_normal((3000, 1)) * 10 * u + rng.standard_normal((3000, 3))
    d = principal_directions(X, 2)
    assert abs(abs(d[0] @ u) - 1) < 1e-3 and abs(d[0] @ d[1]) < 1e-12


def test_select_peaks_orders_by_frequency():
    k = np.arange(10.0)
    mag = np.array([0, 5, 0, 1, 0, 0, 9, 0, 2, 0], dtype=float)
    np.testing.assert_array_equal(select_peaks(mag, k, 2), [1.0, 6.0])
    with pytest.raises(ValueError, match="only 4 peaks"):
        select_peaks(mag, k, 5)


def test_nudft_bad_input():
    with pytest.raises(ValueError, match="must match"):
        nudft(np.zeros(3), np.zeros(4), np.zeros(2))
    with pytest.raises(ValueError, match="method must be"):
        nudft(np.zeros(3), np.zeros(3), np.zeros(2), method="fft")
    with pytest.raises(ValueError, match="direction must be a finite nonzero"):
        project(np.zeros((3, 2)), np.zeros(2))
