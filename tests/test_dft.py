"""The DFT bookkeeping: numpy.fft on the periodic grid, exact amplitudes of pure sines, bad input."""

import math

import numpy as np
import pytest

from fptheory.spectral import dft, grid_frequencies, periodic_grid


@pytest.mark.parametrize("n", [64, 201])
def test_dft_equals_numpy_fft_on_the_periodic_grid(n, rng):
    """ŷ(k) = e^{-ik x0} fft(y)[k]/n for integer k on x_j = x0 + 2πj/n, to 1e-13."""
    x = periodic_grid(n)
    y = rng.standard_normal(n)
    k = grid_frequencies(n)
    expected = np.exp(-1j * k * x[0]) * np.fft.fft(y)[: k.size] / n
    np.testing.assert_allclose(dft(y, x, k), expected, rtol=0, atol=1e-13)


def test_pure_sines_have_exact_amplitudes():
    """A sin(kx + φ) on the periodic grid of 201 points: ŷ(k) = A e^{iφ}/(2i), ŷ at other integer
    frequencies 0, to 1e-14 (sines are exactly orthogonal on the grid)."""
    x = periodic_grid(201)
    y = 2.0 * np.sin(3 * x + 0.4) + 0.5 * np.sin(7 * x)
    k = np.arange(0, 12, dtype=float)
    got = dft(y, x, k)
    expected = np.zeros(k.size, dtype=complex)
    expected[3] = 2.0 * np.exp(0.4j) / 2j
    expected[7] = 0.5 / 2j
    np.testing.assert_allclose(got, expected, atol=1e-14)


def test_dft_jax_matches_numpy(rng, x64):
    x = rng.uniform(-3, 3, 50)
    y = rng.standard_normal((2, 50))
    k = np.array([0.5, 1.7, 4.0])
    np.testing.assert_allclose(np.asarray(dft(y, x, k, backend="jax")), dft(y, x, k), rtol=1e-13)


def test_dft_bad_input():
    with pytest.raises(ValueError, match="must match"):
        dft(np.zeros(5), np.zeros(4), np.zeros(2))
    with pytest.raises(ValueError, match="finite"):
        dft(np.array([1.0, math.nan]), np.zeros(2), np.zeros(1))
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        periodic_grid(1)
