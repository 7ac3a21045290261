"""Globally adaptive activations (Jagtap, Kawaguchi, Karniadakis 2020, *Adaptive activation functions accelerate
convergence in deep and physics-informed neural networks*, Journal of Computational Physics 404, 109136,
arXiv:1906.01170, Sec. 2): every hidden neuron computes ``σ(n a z)`` with one trainable slope a shared by all
neurons and a fixed scale factor n ≥ 1, initialised at ``n a = 1`` (so the network starts as the plain MLP). The
factor n multiplies a's gradient by n, so a, and with it the slope of every activation, moves n times faster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import jax.numpy as jnp

from fptheory._checks import InputError
from fptheory.train._models import MLP, NONLINEARITIES, dense_layers

__all__ = ["AdaptiveMLP"]


@dataclass(frozen=True)
class AdaptiveMLP:
    """An MLP ``widths`` whose hidden activations are ``σ(n a z)`` (module docstring).

    Args (fields):
        widths: (d_in, h_1, …, d_out), as :class:`fptheory.train.MLP`.
        activation: σ (:data:`fptheory.train.NONLINEARITIES`).
        n: the fixed scale factor, ≥ 1.
    """

    widths: tuple[int, ...]
    activation: str = "tanh"
    n: float = 10.0

    def __post_init__(self) -> None:
        if not (isinstance(self.n, (int, float)) and math.isfinite(self.n) and self.n >= 1):
            raise InputError(f"n (the adaptive activation's scale factor) must be a finite number >= 1; got {self.n!r}")
        _ = self.network

    @property
    def network(self) -> MLP:
        return MLP(self.widths, self.activation)

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> dict[str, Any]:
        return {"net": self.network.init(key=key, dtype=dtype), "a": jnp.asarray(1.0 / self.n, dtype=dtype)}

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        act = NONLINEARITIES[self.activation]
        slope = self.n * params["a"]
        return dense_layers(params["net"], x, lambda z: act(slope * z), squeeze=self.widths[-1] == 1)
