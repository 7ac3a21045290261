"""The frequency shifts of PhaseDNN (Cai, Li, Liu 2020, *A phase shift deep neural network for high frequency
approximation and wave problems*, SIAM J. Sci. Comput. 42(5), arXiv:1909.11759, Sec. 3): a band of a target's
spectrum around ω is moved down to around 0 by multiplying by e^{-iωx}, learnt there by a network (which learns
low frequencies fast), and moved back by e^{iωx}.

On the periodic grid x_j = x0 + L j/n with the DFT coefficients c_q (frequency 2πq/L, q = -⌊n/2⌋ … ⌈n/2⌉-1) of a
real y, :func:`band_split` cuts the nonnegative frequencies into bands ``[e_{b-1}, e_b)`` (edges in cycles per
period, e_0 = 0): band 0 (holding q = 0) stays at ω_0 = 0 as its real low-pass part; band b ≥ 1 becomes the complex
``g_b(x) = 2 e^{-iω_b x} Σ_{q in band b} c_q e^{2πiqx/L}`` with ω_b = 2π q_b/L, q_b the band's centre rounded to an
integer (so that g_b stays periodic on the grid), so that g_b holds frequencies within about half the band's width
of 0. Then ``y = Σ_b Re(e^{iω_b x} g_b(x))`` exactly
(:func:`band_sum`; the Nyquist coefficient of an even n, real, is not doubled).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._typing import Float

__all__ = ["band_split", "band_sum", "check_band_edges", "phase_shift", "phase_unshift"]


def phase_shift(values: Any, x: Any, omega: float) -> np.ndarray:
    """``values · e^{-iωx}``: moves frequency ω to 0.

    Args:
        values: shape (..., n), real or complex.
        x: the points, shape (n,).
        omega: the angular frequency ω.

    Returns:
        the shifted values, complex, shape (..., n).
    """
    return np.asarray(values) * np.exp(-1j * omega * np.asarray(x, dtype=float))


def phase_unshift(values: Any, x: Any, omega: float) -> np.ndarray:
    """``values · e^{iωx}``, the inverse of :func:`phase_shift`.

    Args:
        values: shape (..., n), complex.
        x: the points, shape (n,).
        omega: the angular frequency ω.

    Returns:
        the values moved back, complex, shape (..., n).
    """
    return np.asarray(values) * np.exp(1j * omega * np.asarray(x, dtype=float))


def check_band_edges(edges: tuple[float, ...], n: int, *, name: str = "edges") -> None:
    """The inner band edges of :func:`band_split` must increase strictly within (0, n/2] (cycles per period).

    Args:
        edges: the edges e_1 < … < e_{B-1}.
        n: the number of grid points.
        name: the argument's name in the error.

    Returns:
        None; ``InputError`` naming ``name`` and the range otherwise.
    """
    inner = list(edges)
    if any(not (0 < e <= n / 2) for e in inner) or inner != sorted(inner) or len(set(inner)) != len(inner):
        raise InputError(f"{name} must increase strictly within (0, n/2 = {n / 2:g}]; got {edges}")


def band_split(
    y: Float[np.ndarray, " n"], x: Float[np.ndarray, " n"], edges: tuple[float, ...], *, length: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split a real y on a periodic grid into shifted bands (module docstring).

    Args:
        y: real values on the periodic grid, shape (n,).
        x: the grid x_j = x0 + length·j/n, shape (n,).
        edges: the inner band edges e_1 < … < e_{B-1} in cycles per period, in (0, n/2]; the last band ends
            above the Nyquist frequency.
        length: the period L.

    Returns:
        (g, omegas): g of shape (B, n), complex (band 0 real-valued), and ω_b of shape (B,), ω_0 = 0.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n = y.size
    if y.ndim != 1 or x.shape != y.shape or n < 2:
        raise InputError(f"y and x must be 1-d of one length >= 2; got shapes {y.shape} and {x.shape}")
    if not (math.isfinite(length) and length > 0):
        raise InputError(f"length must be a finite number > 0; got {length!r}")
    check_band_edges(edges, n)
    inner = list(edges)
    coefficients = np.fft.fft(y) * np.exp(-2j * np.pi * np.fft.fftfreq(n, d=1.0 / n) * x[0] / length) / n
    q = np.fft.fftfreq(n, d=1.0 / n)  # integer frequencies, Nyquist (even n) as -n/2
    bounds = [0.0, *inner, math.inf]
    g, omegas = [], []
    for b, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
        if b == 0:
            keep = np.abs(q) < hi
            band = np.where(keep, coefficients, 0)
            values = (np.exp(2j * np.pi * np.outer(x, q) / length) @ band).real.astype(complex)
            omega = 0.0
        else:
            keep = ((q >= lo) & (q < hi)) | ((n % 2 == 0) & (q == -n / 2) & (lo <= n / 2 < hi))
            weight = np.where((n % 2 == 0) & (q == -n / 2), 1.0, 2.0)  # the real Nyquist term is not doubled
            band = np.where(keep, weight * coefficients, 0)
            centre = round((lo + min(hi, n / 2)) / 2)  # an integer frequency: g_b stays periodic on the grid
            omega = 2 * np.pi * centre / length
            values = phase_shift(np.exp(2j * np.pi * np.outer(x, np.abs(q)) / length) @ band, x, omega)
        g.append(values)
        omegas.append(omega)
    return np.array(g), np.array(omegas)


def band_sum(g: Any, x: Any, omegas: Any) -> np.ndarray:
    """``Σ_b Re(e^{iω_b x} g_b(x))``: the bands moved back and summed (the inverse of :func:`band_split`).

    Args:
        g: the bands, shape (..., B, n), complex (or real and imaginary parts stacked last: shape (..., B, n, 2)).
        x: the points, shape (n,).
        omegas: ω_b, shape (B,).

    Returns:
        the real sum, shape (..., n).
    """
    g = np.asarray(g)
    if g.ndim >= 3 and g.shape[-1] == 2 and not np.iscomplexobj(g):
        g = g[..., 0] + 1j * g[..., 1]
    x = np.asarray(x, dtype=float)
    phases = np.exp(1j * np.asarray(omegas, dtype=float)[:, None] * x[None, :])
    return np.sum((phases * g).real, axis=-2)
