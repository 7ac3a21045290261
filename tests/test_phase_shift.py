"""PhaseDNN's shifts (Cai, Li, Liu 2020, arXiv:1909.11759): shift and unshift are exact inverses; the band split
of a real signal, on grids, offsets and edges drawn at random, sums back to it (1e-12), each band holds only
frequencies near 0 after its shift, and a pure sine lands at its offset from the band's centre."""

import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.spectral import band_split, band_sum, phase_shift, phase_unshift


def test_shift_and_unshift_are_inverse(rng):
    x = rng.uniform(-3, 3, 50)
    v = rng.normal(size=50) + 1j * rng.normal(size=50)
    omega = float(rng.uniform(-100, 100))
    np.testing.assert_allclose(phase_unshift(phase_shift(v, x, omega), x, omega), v, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(phase_shift(np.ones(50), x, omega), np.exp(-1j * omega * x), rtol=1e-15)


@pytest.mark.parametrize("draw", range(4))
def test_bands_sum_back_and_are_shifted_low(rng, draw):
    n = int(rng.integers(40, 300))
    length = float(rng.uniform(0.5, 3.0))
    x = float(rng.uniform(-2, 2)) + length * np.arange(n) / n
    y = rng.normal(size=n)
    edges = tuple(sorted(set(int(e) for e in rng.integers(1, n // 2 + 1, 3))))
    g, omegas = band_split(y, x, edges, length=length)
    assert g.shape == (len(edges) + 1, n) and omegas[0] == 0.0
    np.testing.assert_allclose(band_sum(g, x, omegas), y, atol=1e-12 * np.abs(y).max())
    assert np.max(np.abs(g[0].imag)) == 0.0
    q = np.abs(np.fft.fftfreq(n, d=1.0 / n))
    bounds = [0, *edges, n / 2]
    for b in range(1, len(g)):
        half = (bounds[b + 1] - bounds[b]) / 2 + 1
        content = np.abs(np.fft.fft(g[b])) / n
        assert np.all(content[q > half] < 1e-12), (b, edges)


def test_a_sine_lands_at_its_offset():
    """sin(2π·23x) on 128 points of [0, 1) with edges (10, 30): band 1 is centred at q = 20, so g_1 = -i e^{2πi·3x}
    (2 · (1/2i) e^{2πi·23x} shifted by 20), and the other bands are empty."""
    x = np.arange(128) / 128
    g, omegas = band_split(np.sin(2 * np.pi * 23 * x), x, (10, 30), length=1.0)
    assert omegas[1] == pytest.approx(2 * np.pi * 20)
    np.testing.assert_allclose(g[1], -1j * np.exp(2j * np.pi * 3 * x), atol=1e-12)
    assert np.abs(g[0]).max() < 1e-12 and np.abs(g[2]).max() < 1e-12


def test_bad_edges_are_refused():
    x = np.arange(64) / 64
    with pytest.raises(InputError, match="edges must increase strictly within"):
        band_split(np.zeros(64), x, (20, 10), length=1.0)
    with pytest.raises(InputError, match="edges must increase strictly within"):
        band_split(np.zeros(64), x, (40,), length=1.0)
