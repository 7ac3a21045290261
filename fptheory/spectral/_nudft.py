"""Nonuniform DFT along a direction (the paper's projection method, docs/theory.md §7.5), and the tools around it.

For data {(x_i, y_i)} ⊂ R^d × R^c, a unit direction p and frequencies k:

    ŷ_p(k) = (1/n) Σ_i y_i e^{-i 2π k p·x_i}.

:func:`nudft` evaluates it through finufft's type-3 transform (nonuniform points to nonuniform
frequencies, tolerance ``eps``) or by the direct O(nK) sum (blocked over k, so memory stays bounded);
the two agree to about ``eps`` relative to Σ|y| (tests: 1e-9).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory.spectral._dft import dft

__all__ = ["nudft", "project", "principal_directions", "select_peaks", "noise_level", "significant_peaks"]

_DIRECT_BLOCK = 256  # frequencies per block of the direct sum: n × 256 complex numbers in memory


def _check(values: np.ndarray, t: np.ndarray, k: np.ndarray) -> None:
    if t.ndim != 1 or k.ndim != 1:
        raise InputError(f"points and frequencies must be 1-d; got shapes {t.shape} and {k.shape}")
    if values.shape[-1] != t.shape[0]:
        raise InputError(f"values (last axis {values.shape[-1]}) and points ({t.shape[0]}) must match")
    for name, arr in (("values", values), ("points", t), ("frequencies", k)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name} must be finite")


def nudft(values: Any, t: Any, k: Any, *, method: str = "finufft", eps: float = 1e-12) -> np.ndarray:
    """The nonuniform DFT ``ŷ(k) = (1/n) Σ_j values[..., j] e^{-i k t_j}`` at arbitrary points and
    frequencies; for the projection method (Xu et al. 2020, arXiv:1901.06523, Sec. 3) pass ``t = 2π p·x``.

    Args:
        values: shape (..., n).
        t: the points, shape (n,).
        k: the frequencies, shape (K,).
        method: "finufft" (type-3 NUFFT, relative accuracy ``eps``) or "direct" (the sum, O(nK)).
        eps: finufft's requested accuracy.

    Returns:
        ŷ, shape (..., K), complex128.
    """
    values = np.asarray(values)
    t, k = np.asarray(t, dtype=float), np.asarray(k, dtype=float)
    _check(values, t, k)
    lead = values.shape[:-1]
    flat = values.reshape(-1, t.size).astype(complex)
    n = t.size
    if method == "direct":  # fptheory.spectral._dft, a block of frequencies at a time
        blocks = [dft(flat, t, k[start : start + _DIRECT_BLOCK]) for start in range(0, k.size, _DIRECT_BLOCK)]
        return np.concatenate(blocks, axis=1).reshape(*lead, k.size)
    if method == "finufft":
        import finufft

        if not (0 < eps < 1):
            raise InputError(f"eps must lie in (0, 1); got {eps!r}")
        out = np.stack([finufft.nufft1d3(t, np.ascontiguousarray(row), k, isign=-1, eps=eps) for row in flat])
        return (out / n).reshape(*lead, k.size)
    raise InputError(f"method must be 'finufft' or 'direct'; got {method!r}")


def project(X: Any, direction: Any) -> np.ndarray:
    """``p·x_i`` for the rows of X (n, d) and a direction p (d,), normalised to unit length.

    Args:
        X: the data, shape (n, d).
        direction: p, shape (d,), nonzero.

    Returns:
        the projections, shape (n,).
    """
    X, p = np.asarray(X, dtype=float), np.asarray(direction, dtype=float)
    if X.ndim != 2 or p.shape != (X.shape[1],):
        raise InputError(f"X must have shape (n, d) and direction (d,); got {X.shape} and {p.shape}")
    norm = np.linalg.norm(p)
    if not (math.isfinite(norm) and norm > 0):
        raise InputError("direction must be a finite nonzero vector")
    return X @ (p / norm)


def principal_directions(X: Any, count: int = 1) -> np.ndarray:
    """The first ``count`` principal directions of the rows of X (unit vectors, rows of the result), from the
    SVD of the centred data; each oriented so that its largest component is positive.

    Args:
        X: the data, shape (n, d).
        count: how many directions, 1 ≤ count ≤ min(n, d).

    Returns:
        the unit directions, shape (count, d), by decreasing variance.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise InputError(f"X must have shape (n >= 2, d); got {X.shape}")
    if not (isinstance(count, int) and 1 <= count <= min(X.shape)):
        raise InputError(f"count must be an integer in [1, {min(X.shape)}]; got {count!r}")
    _, _, vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    dirs = vt[:count]
    signs = np.sign(dirs[np.arange(count), np.argmax(np.abs(dirs), axis=1)])
    return dirs * signs[:, None]


def select_peaks(magnitude: Any, k: Any, count: int) -> np.ndarray:
    """The ``count`` frequencies with the largest local maxima of ``magnitude`` (|ŷ| on the grid k,
    ascending), returned in ascending order of frequency. The grid's end points count as peaks when they
    exceed their one neighbour.

    Args:
        magnitude: |ŷ| on the grid, shape (K,).
        k: the grid, shape (K,), ascending.
        count: how many peaks, ≥ 1.

    Returns:
        up to ``count`` frequencies, ascending.
    """
    mag, k = np.asarray(magnitude, dtype=float), np.asarray(k, dtype=float)
    if mag.shape != k.shape or mag.ndim != 1 or mag.size < 3:
        raise InputError("magnitude and k must be 1-d arrays of the same length >= 3")
    padded = np.concatenate([[-np.inf], mag, [-np.inf]])
    is_peak = (padded[1:-1] > padded[:-2]) & (padded[1:-1] >= padded[2:])
    idx = np.flatnonzero(is_peak)
    if idx.size < count:
        raise InputError(f"only {idx.size} peaks in the spectrum; asked for {count}")
    best = idx[np.argsort(-mag[idx])[:count]]
    return np.sort(k[best])


def noise_level(values: Any) -> np.ndarray:
    """``σ_y/√n`` (σ_y the population standard deviation): the root-mean-square of ``|ŷ(k)|`` that a random
    relabelling of the same points gives. Over permutations of the centred values,
    ``E|(1/n) Σ_j (y_j - ȳ) e^{-i k t_j}|² = σ_y² (1 - |W(k)|²)/(n - 1)`` exactly, with W(k) = (1/n) Σ_j e^{-ik t_j}
    the points' window, which is small beyond the main lobe. (The mean adds ȳ W(k), the DC's leakage.) A
    peak of the target's spectrum well above this level is structure along the direction; one near it is
    what any relabelling would give. Shape: values' leading axes.

    Args:
        values: the values y at the n points, shape (..., n).

    Returns:
        σ_y/√n, shape (...).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim < 1 or values.shape[-1] < 2 or not np.all(np.isfinite(values)):
        raise InputError("values must be finite, with at least 2 points on the last axis")
    return values.std(axis=-1) / math.sqrt(values.shape[-1])


def significant_peaks(magnitude: Any, k: Any, *, level: float, count: int) -> np.ndarray:
    """The frequencies the projection method follows (the rule is ours; the paper says "selected important
    frequencies"): on a grid k starting at 0, the DC peak k[0] when ``magnitude[0]`` is the spectrum's
    maximum, plus up to ``count - 1`` of the largest interior strict local maxima whose magnitude exceeds
    ``level`` (e.g. a multiple of :func:`noise_level`); in ascending order.

    Args:
        magnitude: |ŷ| on the grid, shape (K,).
        k: the grid, shape (K,), ascending from 0.
        level: the magnitude an interior peak must exceed.
        count: the most peaks returned, ≥ 1.

    Returns:
        the selected frequencies, ascending (possibly empty).
    """
    mag, k = np.asarray(magnitude, dtype=float), np.asarray(k, dtype=float)
    if mag.shape != k.shape or mag.ndim != 1 or mag.size < 3:
        raise InputError("magnitude and k must be 1-d arrays of the same length >= 3")
    if not (isinstance(count, int) and count >= 1):
        raise InputError(f"count must be an integer >= 1; got {count!r}")
    if not (math.isfinite(level) and level >= 0):
        raise InputError(f"level must be a finite number >= 0; got {level!r}")
    inner = np.flatnonzero((mag[1:-1] > mag[:-2]) & (mag[1:-1] > mag[2:])) + 1
    inner = inner[mag[inner] > level]
    chosen = list(inner[np.argsort(-mag[inner])[: count - 1]])
    if mag[0] >= mag.max():
        chosen.append(0)
    else:
        chosen = list(inner[np.argsort(-mag[inner])[:count]])
    return np.sort(k[np.asarray(chosen, dtype=int)])
