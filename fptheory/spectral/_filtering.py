"""The filtering method (Xu, Zhang, Luo, Xiao, Ma 2020, arXiv:1901.06523, Sec. 4; docs/theory.md §7.6):
Gaussian smoothing over the data points.

    y^{low,δ}_i = Σ_j y_j G^δ(x_i - x_j) / Σ_j G^δ(x_i - x_j),   G^δ(x) = exp(-|x|²/(2δ)),
    y^{high,δ} = y - y^{low,δ},
    e_low = (Σ_i |y^{low}_i - h^{low}_i|² / Σ_i |y^{low}_i|²)^{1/2},   e_high likewise.

The smoothing is computed in blocks of rows (jitted, float64), so memory stays at block × n distances:
n = 20,000 points of dimension 784 with the default block of 512 needs about 80 MB besides the data. The
weights are formed as exp(-(d² - min_j d²)/(2δ)) per row, so a small δ does not underflow every weight.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["smooth", "split", "split_errors"]


@cache
def _block_fn(block: int) -> Callable:
    import jax
    import jax.numpy as jnp

    @jax.jit
    def smooth_block(xb: Any, X: Any, sq: Any, Y: Any, delta: Any) -> Any:
        d2 = jnp.maximum(jnp.sum(xb * xb, axis=1)[:, None] + sq[None, :] - 2 * xb @ X.T, 0.0)
        w = jnp.exp(-(d2 - jnp.min(d2, axis=1, keepdims=True)) / (2 * delta))
        return (w @ Y) / jnp.sum(w, axis=1, keepdims=True)

    return smooth_block


def smooth(X: Any, Y: Any, delta: float, *, block: int = 512) -> np.ndarray:
    """The low-frequency part ``y^{low,δ}_i = Σ_j y_j G^δ(x_i - x_j) / Σ_j G^δ(x_i - x_j)``, G^δ(x) =
    exp(-|x|²/(2δ)) (Xu et al. 2020, arXiv:1901.06523, Sec. 4): Gaussian smoothing over the data points.

    Args:
        X: inputs, shape (n, d), finite.
        Y: values at the inputs, shape (n,) or (n, c), finite.
        delta: the filter's variance δ > 0 (larger δ keeps lower frequencies only).
        block: rows smoothed per jitted pass (memory ∝ block · n).

    Returns:
        ``y^{low,δ}``, Y's shape, float64.
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if X.ndim != 2:
        raise InputError(f"X must have shape (n, d); got {X.shape}")
    if Y.shape[0] != X.shape[0]:
        raise InputError(f"X ({X.shape[0]} points) and Y ({Y.shape[0]} values) must have the same length")
    if not (math.isfinite(delta) and delta > 0):
        raise InputError(f"delta must be a finite number > 0; got {delta!r}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise InputError("X and Y must be finite")
    if not isinstance(block, int) or block < 1:
        raise InputError(f"block must be an integer >= 1; got {block!r}")
    vector = Y.ndim == 1
    Y2 = Y[:, None] if vector else Y
    n = X.shape[0]
    block = min(block, n)
    fn = _block_fn(block)
    import jax
    import jax.numpy as jnp

    out = np.empty_like(Y2)
    with jax.enable_x64(True):  # float64 for this computation only
        Xj, Yj = jnp.asarray(X), jnp.asarray(Y2)  # on the device once, not once per block
        sq = jnp.sum(Xj * Xj, axis=1)
        for start in range(0, n, block):
            stop = min(start + block, n)
            xb = X[start:stop]
            if stop - start < block:  # pad the last block to the compiled shape
                xb = np.concatenate([xb, np.repeat(xb[-1:], block - (stop - start), axis=0)])
            out[start:stop] = np.asarray(fn(xb, Xj, sq, Yj, float(delta)))[: stop - start]
    return out[:, 0] if vector else out


def split(X: Any, Y: Any, delta: float, *, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """The split ``y = y^{low,δ} + y^{high,δ}`` of Xu et al. 2020 (arXiv:1901.06523, Sec. 4).

    Args:
        X, Y, delta, block: as for :func:`smooth`.

    Returns:
        ``(y^{low,δ}, y^{high,δ} = Y - y^{low,δ})``, each of Y's shape.
    """
    low = smooth(X, Y, delta, block=block)
    return low, np.asarray(Y, dtype=float) - low


def split_errors(X: Any, Y: Any, H: Any, delta: float, *, block: int = 512) -> tuple[Any, Any]:
    """The filtering method's errors ``e_low = (Σ_i |y^{low}_i - h^{low}_i|² / Σ_i |y^{low}_i|²)^{1/2}`` and
    ``e_high`` likewise (Xu et al. 2020, arXiv:1901.06523, Sec. 4).

    Args:
        X: inputs, shape (n, d).
        Y: targets, shape (n,) or (n, c).
        H: the network's outputs: Y's shape, or (n, *runs, *Y.shape[1:]) for several runs or records at once
            (Y and every run are smoothed in one pass).
        delta, block: as for :func:`smooth`.

    Returns:
        ``(e_low, e_high)``: two floats, or two arrays of shape ``runs``.
    """
    Y, H = np.asarray(Y, dtype=float), np.asarray(H, dtype=float)
    n, tail = Y.shape[0], Y.shape[1:]
    if H.shape[:1] != (n,) or H.shape[H.ndim - len(tail):] != tail or H.ndim < Y.ndim:
        raise InputError(f"H must have Y's shape {Y.shape} or (n, *runs, *{tail}); got {H.shape}")
    runs = H.shape[1 : H.ndim - len(tail)]
    Y2 = Y.reshape(n, -1)
    c = Y2.shape[1]
    low = smooth(X, np.concatenate([Y2, H.reshape(n, -1)], axis=1), delta, block=block)
    y_low, h_low = low[:, :c], low[:, c:].reshape(n, -1, c)
    y_high, h_high = Y2 - y_low, H.reshape(n, -1, c) - h_low
    e_low = np.sqrt(((y_low[:, None] - h_low) ** 2).sum(axis=(0, 2)) / (y_low**2).sum()).reshape(runs)
    e_high = np.sqrt(((y_high[:, None] - h_high) ** 2).sum(axis=(0, 2)) / (y_high**2).sum()).reshape(runs)
    return (float(e_low), float(e_high)) if not runs else (e_low, e_high)
