"""Models as pure functions of (params, x): MLPs of any widths and depth, and the theory's two-layer network.

Parameters are pytrees of float arrays, so jax.grad, optax and jax.vmap apply directly. Inputs x have
shape (n, d_in); outputs shape (n,) when d_out = 1, else (n, d_out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp

from fptheory._checks import InputError

__all__ = ["NONLINEARITIES", "MLP", "TwoLayer", "CNN", "conv3x3", "srelu", "s2relu", "relu2"]

def srelu(x: Any) -> Any:
    """sReLU(x) = ReLU(x) ReLU(1 - x), supported on [0, 1] (Liu, Cai, Xu 2020, arXiv:2007.11207, MscaleDNN)."""
    return jax.nn.relu(x) * jax.nn.relu(1 - x)


def s2relu(x: Any) -> Any:
    """s2ReLU(x) = sin(2πx) ReLU(x) ReLU(1 - x) (Liu, Cai, Xu 2020, arXiv:2007.11207, MscaleDNN)."""
    return jnp.sin(2 * jnp.pi * x) * srelu(x)


def relu2(x: Any) -> Any:
    """ReLU²(x) = max(0, x)²: continuously differentiable, its second derivative jumps at 0 (C¹, not C²)."""
    return jnp.square(jax.nn.relu(x))


NONLINEARITIES: dict[str, Callable[[Any], Any]] = {
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "relu2": relu2,
    "sigmoid": jax.nn.sigmoid,
    "sin": jnp.sin,
    "srelu": srelu,
    "s2relu": s2relu,
}


def _check_activation(name: str) -> None:
    if name not in NONLINEARITIES:
        raise InputError(f"activation must be one of {', '.join(NONLINEARITIES)}; got {name!r}")


@dataclass(frozen=True)
class MLP:
    """Fully connected network ``widths = (d_in, h_1, …, h_L, d_out)`` with ``activation`` between layers.

    Initialisation: LeCun normal (weights N(0, 1/fan_in), biases 0) — or, for ReLU, He normal (2/fan_in) —
    every parameter then multiplied by ``init_scale`` (1 is the standard init; small values are the
    small-initialisation regime of the theorems, where the F-Principle is strongest).
    """

    widths: tuple[int, ...]
    activation: str = "tanh"
    init_scale: float = 1.0

    def __post_init__(self) -> None:
        if len(self.widths) < 2:
            raise InputError(f"widths must list at least the input and output sizes; got {self.widths!r}")
        for w in self.widths:
            if not isinstance(w, int) or isinstance(w, bool) or w <= 0:
                raise InputError(f"widths must be positive integers; got {self.widths!r}")
        _check_activation(self.activation)
        if not (math.isfinite(self.init_scale) and self.init_scale > 0):
            raise InputError(f"init_scale must be a finite number > 0; got {self.init_scale!r}")

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> list[dict[str, Any]]:
        gain = 2.0 if self.activation == "relu" else 1.0
        params = []
        for fan_in, fan_out in zip(self.widths[:-1], self.widths[1:]):
            key, sub = jax.random.split(key)
            weight = jax.random.normal(sub, (fan_in, fan_out), dtype=dtype) * math.sqrt(gain / fan_in)
            params.append({"W": self.init_scale * weight, "b": jnp.zeros(fan_out, dtype=dtype)})
        return params

    def apply(self, params: list[dict[str, Any]], x: Any) -> Any:
        return dense_layers(params, x, NONLINEARITIES[self.activation], squeeze=self.widths[-1] == 1)


def dense_layers(layers: list[dict[str, Any]], h: Any, act: Callable[[Any], Any], *, squeeze: bool) -> Any:
    """``act(h W + b)`` through every layer but the last, which is linear; the trailing axis dropped when
    ``squeeze`` (one output). The part every network here shares after its own first layer."""
    for layer in layers[:-1]:
        h = act(h @ layer["W"] + layer["b"])
    out = h @ layers[-1]["W"] + layers[-1]["b"]
    return out[..., 0] if squeeze else out


@dataclass(frozen=True)
class TwoLayer:
    """``h(x) = Σ_j a_j σ(w_j x + b_j)`` (docs/theory.md §1), θ = (a, w, b) ∈ R^{3m} drawn uniform in the ball B_δ
    (``delta``, the theorems' init scale)."""

    m: int
    delta: float
    activation: str = "tanh"

    def __post_init__(self) -> None:
        if not isinstance(self.m, int) or isinstance(self.m, bool) or self.m < 1:
            raise InputError(f"m (number of neurons) must be an integer >= 1; got {self.m!r}")
        if not (math.isfinite(self.delta) and self.delta > 0):
            raise InputError(f"delta must be a finite number > 0; got {self.delta!r}")
        _check_activation(self.activation)

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> dict[str, Any]:
        k_dir, k_rad = jax.random.split(key)
        dim = 3 * self.m
        direction = jax.random.normal(k_dir, (dim,), dtype=dtype)
        theta = direction / jnp.linalg.norm(direction) * self.delta * jax.random.uniform(k_rad, dtype=dtype) ** (1.0 / dim)
        return {"a": theta[: self.m], "w": theta[self.m : 2 * self.m], "b": theta[2 * self.m :]}

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        x = jnp.reshape(x, (-1, 1))
        return jnp.sum(params["a"] * NONLINEARITIES[self.activation](params["w"] * x + params["b"]), axis=-1)


def conv3x3(h: Any, kernel: Any) -> Any:
    """3×3 convolution with zero padding (SAME, stride 1) of NHWC images by an HWIO kernel, as one matmul
    of the nine shifted copies (im2col). Same values as ``lax.conv_general_dilated``, but XLA's CPU
    convolution runs about 20× slower inside ``lax.scan``, where the training loop runs it (a VGG-like step
    on 500 digits; ``benchmarks/bench_train.py`` measures both)."""
    n, height, width, c = h.shape
    padded = jnp.pad(h, ((0, 0), (1, 1), (1, 1), (0, 0)))
    patches = jnp.concatenate([padded[:, i : i + height, j : j + width, :] for i in range(3) for j in range(3)], axis=-1)
    return patches @ jnp.reshape(kernel, (9 * c, kernel.shape[-1]))


@dataclass(frozen=True)
class CNN:
    """A ReLU CNN: ``len(channels)`` blocks of ``convs_per_block`` 3×3 convolutions (SAME) + ReLU, each block
    ending in 2×2 average pooling, then a dense ReLU layer of ``dense`` units and ``classes`` outputs (logits).
    ``convs_per_block = 1`` is the small CNN; 2 with widening channels is VGG-like (Simonyan and Zisserman's
    stacked 3×3 convolutions, at a size a CPU trains). Inputs are flattened images of
    ``image_shape = (H, W, C)``; He-normal init times ``init_scale``."""

    image_shape: tuple[int, int, int]
    channels: tuple[int, ...] = (16, 32)
    dense: int = 64
    classes: int = 10
    init_scale: float = 1.0
    convs_per_block: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.convs_per_block, int) or self.convs_per_block < 1:
            raise InputError(f"convs_per_block must be an integer >= 1; got {self.convs_per_block!r}")
        if len(self.image_shape) != 3 or any(not isinstance(v, int) or v <= 0 for v in self.image_shape):
            raise InputError(f"image_shape must be three positive integers (H, W, C); got {self.image_shape!r}")
        for v in (*self.channels, self.dense, self.classes):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise InputError(f"channels, dense and classes must be positive integers; got {self!r}")
        if not (math.isfinite(self.init_scale) and self.init_scale > 0):
            raise InputError(f"init_scale must be a finite number > 0; got {self.init_scale!r}")

    def _flat_size(self) -> int:
        h, w, _ = self.image_shape
        for _ in self.channels:
            h, w = h // 2, w // 2
        return h * w * self.channels[-1]

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> dict[str, Any]:
        params: dict[str, Any] = {"conv": [], "dense": []}
        cin = self.image_shape[2]
        for cout in self.channels:
            for _ in range(self.convs_per_block):
                key, sub = jax.random.split(key)
                kernel = jax.random.normal(sub, (3, 3, cin, cout), dtype=dtype) * math.sqrt(2.0 / (9 * cin))
                params["conv"].append({"W": self.init_scale * kernel, "b": jnp.zeros(cout, dtype=dtype)})
                cin = cout
        for fan_in, fan_out in ((self._flat_size(), self.dense), (self.dense, self.classes)):
            key, sub = jax.random.split(key)
            weight = jax.random.normal(sub, (fan_in, fan_out), dtype=dtype) * math.sqrt(2.0 / fan_in)
            params["dense"].append({"W": self.init_scale * weight, "b": jnp.zeros(fan_out, dtype=dtype)})
        return params

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        h = jnp.reshape(x, (-1, *self.image_shape))
        for i, layer in enumerate(params["conv"]):
            h = jax.nn.relu(conv3x3(h, layer["W"]) + layer["b"])
            if (i + 1) % self.convs_per_block:
                continue
            n, hh, ww, c = h.shape
            h = h[:, : hh // 2 * 2, : ww // 2 * 2].reshape(n, hh // 2, 2, ww // 2, 2, c).mean(axis=(2, 4))
        h = h.reshape(h.shape[0], -1)
        h = jax.nn.relu(h @ params["dense"][0]["W"] + params["dense"][0]["b"])
        return h @ params["dense"][1]["W"] + params["dense"][1]["b"]
