"""Multi-scale DNNs (Liu, Cai, Xu 2020, *Multi-scale Deep Neural Network (MscaleDNN) for Solving
Poisson-Boltzmann Equation in Complex Domains*, Communications in Computational Physics 28(5), arXiv:2007.11207;
the two kinds as the overview names them, Xu, Zhang, Luo 2024, arXiv:2201.07395, Applications): a high frequency
k of the target is a low frequency k/a of the function seen through the input scaled by a, so parts of the
network see the input at scales a_1 < … < a_N.

* ``kind=1`` (MscaleDNN-1): one MLP whose first hidden layer is ``σ(K ⊙ (x W⁰) + b⁰)``, the first layer's m
  neurons split into N consecutive groups of (nearly) equal size, group i scaled by a_i (K = (a_1, …, a_1, a_2,
  …, a_N)).
* ``kind=2`` (MscaleDNN-2): a sum of N sub-networks, the i-th applied to a_i x (every weight matrix block
  diagonal); each has the hidden widths divided by N.

Scales (:func:`mscale_scales`): ``"powers"`` {1, 2, 4, …, 2^{N-1}} or ``"linear"`` {1, 2, …, N}. The authors'
activations are sReLU and s2ReLU (:func:`fptheory.train.srelu`, :func:`fptheory.train.s2relu`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp

from fptheory._checks import InputError
from fptheory.train._models import MLP, NONLINEARITIES, dense_layers

__all__ = ["MscaleDNN", "mscale_scales", "SCALINGS"]

SCALINGS = ("powers", "linear")


def mscale_scales(n: int, scaling: str = "powers") -> tuple[float, ...]:
    """The scales a_1 … a_N of a MscaleDNN.

    Args:
        n: N ≥ 1, the number of scales.
        scaling: ``"powers"`` (1, 2, 4, …, 2^{N-1}) or ``"linear"`` (1, 2, …, N).

    Returns:
        the N scales, ascending.
    """
    if not (isinstance(n, int) and not isinstance(n, bool) and n >= 1):
        raise InputError(f"the number of scales must be an integer >= 1; got {n!r}")
    if scaling not in SCALINGS:
        raise InputError(f"scaling must be one of {', '.join(SCALINGS)}; got {scaling!r}")
    return tuple(float(2**i if scaling == "powers" else i + 1) for i in range(n))


@dataclass(frozen=True)
class MscaleDNN:
    """A MscaleDNN of ``kind`` 1 or 2 (module docstring).

    Args (fields):
        d_in: the input dimension.
        hidden: the hidden widths (the whole network's: kind 2 divides each by N, which must divide it).
        scales: a_1 … a_N, finite and > 0 (:func:`mscale_scales`).
        kind: 1 (scaled first-layer groups) or 2 (sum of scaled sub-networks).
        activation: the nonlinearity (:data:`fptheory.train.NONLINEARITIES`; the authors use s2relu or srelu).
        d_out: the output dimension.
    """

    d_in: int
    hidden: tuple[int, ...]
    scales: tuple[float, ...]
    kind: int = 1
    activation: str = "s2relu"
    d_out: int = 1

    def __post_init__(self) -> None:
        if not self.scales:
            raise InputError("scales must list at least one scale a_i > 0; got none")
        if not all(isinstance(a, (int, float)) and math.isfinite(a) and a > 0 for a in self.scales):
            raise InputError(f"scales must be finite numbers > 0; got {self.scales!r}")
        if self.kind not in (1, 2):
            raise InputError(f"kind must be 1 (MscaleDNN-1) or 2 (MscaleDNN-2); got {self.kind!r}")
        if not self.hidden:
            raise InputError("hidden must list at least one hidden width")
        if self.kind == 2 and any(w % len(self.scales) for w in self.hidden):
            raise InputError(f"for kind 2 every hidden width must be a multiple of the number of scales "
                             f"({len(self.scales)}); got {self.hidden}")
        _ = self.network

    @property
    def network(self) -> MLP:
        """kind 1: the one MLP; kind 2: one sub-network (all N share its shape)."""
        n = 1 if self.kind == 1 else len(self.scales)
        return MLP((self.d_in, *(w // n for w in self.hidden), self.d_out), self.activation)

    def group_scales(self) -> Any:
        """K, the scale of each first-layer neuron (kind 1), shape (hidden[0],): neuron j in group ⌊jN/m⌋."""
        m, n = self.hidden[0], len(self.scales)
        return jnp.asarray([self.scales[j * n // m] for j in range(m)])

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> Any:
        if self.kind == 1:
            return self.network.init(key=key, dtype=dtype)
        return [self.network.init(key=k, dtype=dtype) for k in jax.random.split(key, len(self.scales))]

    def apply(self, params: Any, x: Any) -> Any:
        if self.kind == 2:
            return sum(self.network.apply(p, a * x) for p, a in zip(params, self.scales))
        act = NONLINEARITIES[self.activation]
        first, rest = params[0], params[1:]
        h = act(self.group_scales().astype(x.dtype) * (x @ first["W"]) + first["b"])
        return dense_layers(rest, h, act, squeeze=self.d_out == 1)
