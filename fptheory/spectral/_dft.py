"""The discrete Fourier transform the experiments record, at chosen frequencies and any sample points.

Convention (the paper's, docs/theory.md §7.1 and §7.5): for values y_j at points x_j, j = 1..n,

    ŷ(k) = (1/n) Σ_j y_j e^{-i k x_j}.

On the periodic grid x_j = x0 + 2πj/n (j = 0..n-1) and integer k this is numpy's FFT up to a phase:
``ŷ(k) = e^{-ik x0} fft(y)[k mod n] / n``; a pure sine A sin(k x) there has |ŷ(±k)| = A/2 exactly
(|k| < n/2). For points that are not a grid it is the nonuniform DFT (direct O(nK) sum here).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["dft", "periodic_grid", "grid_frequencies"]


def periodic_grid(n: int, *, start: float = -math.pi, length: float = 2 * math.pi) -> np.ndarray:
    """n evenly spaced points x_j = start + length·j/n (the end point left out, so the grid is periodic).

    Args:
        n: the number of points, ≥ 2.
        start: the first point.
        length: the period.

    Returns:
        the points, shape (n,).
    """
    if not isinstance(n, int) or n < 2:
        raise InputError(f"n must be an integer >= 2; got {n!r}")
    return start + length * np.arange(n) / n


def grid_frequencies(n: int, *, length: float = 2 * math.pi) -> np.ndarray:
    """The nonnegative frequencies k = 2π q/length, q = 0..⌊(n-1)/2⌋, that the periodic grid resolves.

    Args:
        n: the number of grid points, ≥ 1.
        length: the period.

    Returns:
        the frequencies, shape (⌊(n-1)/2⌋ + 1,), ascending from 0.
    """
    return 2 * math.pi / length * np.arange((n - 1) // 2 + 1)


def dft(values: Any, x: Any, k: Any, *, backend: str = "numpy") -> Any:
    """The discrete Fourier transform at chosen frequencies, ``ŷ(k) = (1/n) Σ_j y_j e^{-i k x_j}`` (the
    convention of Xu et al. 2020, arXiv:1901.06523, Sec. 2; docs/theory.md §7).

    Args:
        values: y, shape (..., n).
        x: the points x_j, shape (n,).
        k: the frequencies, shape (K,).
        backend: "numpy" (complex128), or "jax" for use inside jitted code, in the precision of its inputs
            (float32 in a float32 training run).

    Returns:
        ŷ, shape (..., K), complex.
    """
    if backend == "numpy":
        xp: Any = np
    elif backend == "jax":
        import jax.numpy as xp
    else:
        raise InputError(f"backend must be 'numpy' or 'jax'; got {backend!r}")
    x = xp.asarray(x)
    k = xp.asarray(k)
    if backend == "numpy":
        values = np.asarray(values)
        if x.ndim != 1 or k.ndim != 1:
            raise InputError(f"x and k must be 1-d; got shapes {x.shape} and {k.shape}")
        if values.shape[-1] != x.shape[0]:
            raise InputError(f"values (last axis {values.shape[-1]}) and x ({x.shape[0]} points) must match")
        if not np.all(np.isfinite(values)):
            raise InputError("values must be finite")
    kernel = xp.exp(-1j * k[None, :] * x[:, None])  # (n, K)
    return values @ kernel / x.shape[0]
