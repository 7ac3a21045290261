"""Fourier feature inputs (Tancik, Srinivasan, Mildenhall, Fridovich-Keil, Raghavan, Singhal, Ramamoorthi, Barron,
Ng 2020, *Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains*, NeurIPS,
arXiv:2006.10739, Sec. 5 and Table 1): an MLP applied to ``γ(v) = [cos(2π B v), sin(2π B v)]`` instead of v.

* ``mapping="gaussian"``: B is an m × d matrix with entries drawn N(0, σ²), fixed (not trained).
* ``mapping="positional"``: B stacks ``σ^{j/m} e_i``, j = 0 … m-1, for each input axis e_i (log-linear frequencies
  from 1 to σ, the "positional encoding" of their Table 1), so γ has 2 m d entries.

The network's own first layer sees 2m (gaussian) or 2md (positional) inputs. B lives in the parameters under
``"B"`` so that every seed draws its own, and enters ``apply`` through ``jax.lax.stop_gradient``: its gradient is
zero and gradient-based optimisers leave it where it was drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp

from fptheory._checks import InputError, check_counts
from fptheory.train._models import MLP

__all__ = ["FourierFeatures", "MAPPINGS"]

MAPPINGS = ("gaussian", "positional")


@dataclass(frozen=True)
class FourierFeatures:
    """An MLP ``hidden`` (activation between layers) on Fourier features of the ``d_in``-dimensional input.

    Args (fields):
        d_in: the input dimension d ≥ 1.
        features: m ≥ 1, the number of rows of B (gaussian) or of frequencies per axis (positional).
        sigma: σ > 0: the Gaussian B's standard deviation, or the positional encoding's highest frequency.
        hidden: the MLP's hidden widths.
        activation: the MLP's nonlinearity (:data:`fptheory.train.NONLINEARITIES`).
        mapping: ``"gaussian"`` or ``"positional"``.
        d_out: the output dimension.
    """

    d_in: int
    features: int
    sigma: float
    hidden: tuple[int, ...]
    activation: str = "relu"
    mapping: str = "gaussian"
    d_out: int = 1

    def __post_init__(self) -> None:
        if self.mapping not in MAPPINGS:
            raise InputError(f"mapping must be one of {', '.join(MAPPINGS)}; got {self.mapping!r}")
        if not (isinstance(self.sigma, (int, float)) and math.isfinite(self.sigma) and self.sigma > 0):
            raise InputError(f"sigma must be a finite number > 0; got {self.sigma!r}")
        check_counts(d_in=self.d_in, features=self.features)
        _ = self.network  # checks hidden, activation and d_out

    @property
    def width(self) -> int:
        """The length of γ(v): 2m (gaussian) or 2md (positional)."""
        return 2 * self.features * (1 if self.mapping == "gaussian" else self.d_in)

    @property
    def network(self) -> MLP:
        return MLP((self.width, *self.hidden, self.d_out), self.activation)

    def init(self, *, key: Any, dtype: Any = jnp.float32) -> dict[str, Any]:
        k_b, k_net = jax.random.split(key)
        if self.mapping == "gaussian":
            B = self.sigma * jax.random.normal(k_b, (self.features, self.d_in), dtype=dtype)
        else:
            scales = jnp.asarray([self.sigma ** (j / self.features) for j in range(self.features)], dtype=dtype)
            B = jnp.kron(jnp.eye(self.d_in, dtype=dtype), scales[:, None])  # (m d, d): axis i, scale j
        return {"B": B, "net": self.network.init(key=k_net, dtype=dtype)}

    def encode(self, params: dict[str, Any], x: Any) -> Any:
        """γ(x) = [cos(2π x Bᵀ), sin(2π x Bᵀ)], shape (n, width), for x of shape (n, d_in)."""
        phase = 2 * jnp.pi * x @ jax.lax.stop_gradient(params["B"]).T
        return jnp.concatenate([jnp.cos(phase), jnp.sin(phase)], axis=-1)

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        return self.network.apply(params["net"], self.encode(params, x))
