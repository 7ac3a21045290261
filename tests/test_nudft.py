"""Nonuniform DFT (finufft against the direct sum), projection, principal directions and peak selection."""

import math

import numpy as np
import pytest

from fptheory.spectral import dft, noise_level, nudft, principal_directions, project, select_peaks, significant_peaks


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


def test_noise_level_is_the_rms_of_a_relabelled_spectrum(rng):
    """Over random relabellings (permutations) of centred values, E|ŷ(k)|² = σ²(1 - |W(k)|²)/(n - 1) exactly,
    W(k) = (1/n) Σ e^{-ikt_j} the points' window; σ_y/√n is that to O(1/n) where W is small. Checked against
    the Monte-Carlo mean over 300 permutations at k = 5, 7, 9 (the rms of 900 draws: about 2% standard
    error; tolerance 8%)."""
    t = rng.uniform(-2, 2, 2000)
    y = (rng.uniform(size=2000) < 0.1).astype(float)
    k = np.array([5.0, 7.0, 9.0])
    centred = y - y.mean()
    draws = nudft(np.stack([rng.permutation(centred) for _ in range(300)]), 2 * math.pi * t, k, method="direct")
    window = np.abs(nudft(np.ones_like(t), 2 * math.pi * t, k)) ** 2
    exact = math.sqrt(np.mean(y.var() * (1 - window) / (t.size - 1)))
    rms = math.sqrt(np.mean(np.abs(draws) ** 2))
    assert abs(rms / exact - 1) < 0.08
    assert abs(exact / noise_level(y) - 1) < 2e-3
    np.testing.assert_allclose(noise_level(np.stack([y, 2 * y])), [noise_level(y), 2 * noise_level(y)], rtol=1e-14)


def test_significant_peaks_rule():
    k = np.linspace(0, 1, 11)
    mag = np.array([9, 5, 1, 3, 1, 2.5, 1, 0.5, 1, 0.2, 2])  # interior maxima 3 (k=.3), 2.5 (.5), 1 (.8)
    np.testing.assert_allclose(significant_peaks(mag, k, level=0.9, count=3), [0.0, 0.3, 0.5])
    np.testing.assert_allclose(significant_peaks(mag, k, level=2.7, count=4), [0.0, 0.3])  # level drops 2.5 and 1
    np.testing.assert_allclose(significant_peaks(mag, k, level=5.0, count=4), [0.0])
    np.testing.assert_allclose(significant_peaks(mag[::-1][:-1], k[:-1], level=0, count=2), [0.5, 0.7])  # no DC peak
    with pytest.raises(ValueError, match="level must be"):
        significant_peaks(mag, k, level=-1.0, count=2)
