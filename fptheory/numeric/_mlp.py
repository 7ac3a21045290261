"""An MLP's outputs in float64 from its layers, as the training models store them (``{"W": (d_in, d_out),
"b": (d_out,)}`` per layer, the activation after every layer but the last): the reference evaluation that the
exact ReLU transform and the regularity experiment's fine-grid spectra compare with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._typing import Float

__all__ = ["mlp_values", "NUMPY_ACTIVATIONS"]


def _relu2(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    out = np.maximum(z, 0.0, out=out)
    return np.square(out, out=out)


#: σ(z), or σ(z) written into ``out`` (``out=z`` overwrites its argument: no temporary)
NUMPY_ACTIVATIONS: dict[str, Callable[..., np.ndarray]] = {
    "tanh": np.tanh, "relu": lambda z, out=None: np.maximum(z, 0.0, out=out), "relu2": _relu2}
_CHUNK = 4096  # points per block: memory bounded by 4096 × the widest layer


def mlp_values(layers: list[dict[str, Any]], x: np.ndarray, activation: str = "relu") -> Float[np.ndarray, " n"]:
    """h(x) of the MLP with these layers, in float64, in blocks of points.

    Args:
        layers: the layers' weights ``W`` (d_in, d_out) and biases ``b`` (d_out,), the last with d_out = 1.
        x: the points, shape (n, d), or (n,) for d = 1.
        activation: "tanh", "relu" or "relu2" (max(z, 0)²).

    Returns:
        the outputs, shape (n,).
    """
    if activation not in NUMPY_ACTIVATIONS:
        raise InputError(f"activation must be one of {sorted(NUMPY_ACTIVATIONS)}; got {activation!r}")
    sigma = NUMPY_ACTIVATIONS[activation]
    weights = [(np.asarray(layer["W"], dtype=np.float64), np.asarray(layer["b"], dtype=np.float64)) for layer in layers]
    points = np.asarray(x, dtype=np.float64)
    points = points[:, None] if points.ndim == 1 else points
    out = np.empty(points.shape[0])
    for i in range(0, points.shape[0], _CHUNK):
        h = points[i : i + _CHUNK]
        for W, b in weights[:-1]:
            # into a fresh block, in place after: the same operations and bits as sigma(h @ W + b), without the
            # temporaries (a product with one input column is the outer product h W: no sum to round)
            z = np.multiply(h, W) if W.shape[0] == 1 else h @ W
            np.add(z, b, out=z)
            h = sigma(z, out=z)
        out[i : i + _CHUNK] = (h @ weights[-1][0] + weights[-1][1])[:, 0]
    return out

