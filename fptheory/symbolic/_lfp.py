"""The Linear Frequency Principle's multiplier for wide two-layer ReLU networks in d = 1, derived by sympy (Zhang, Xu,
Luo, Ma 2019, *Explicitizing an implicit bias of the frequency principle in two-layer neural networks*,
arXiv:1905.10264; Fourier convention ĝ(ξ) = ∫ g(x) e^{-2πiξx} dx).

Network, NTK scaling: h(x) = m^{-1/2} Σ_j a_j σ(w_j x + b_j), σ = ReLU; neuron j's kink at s_j = -b_j/w_j. Its tangent
kernel Θ(x, x') = (1/m) Σ_j ∇_θ h_j(x)·∇_θ h_j(x') has three parts, one per parameter:

* a: σ(w x + b) = |w| ReLU(±(x - s)), transform -|w| e^{-2πiξs}/(4π²ξ²);
* b: a H(±(x - s)), transform ∓i a e^{-2πiξs}/(2πξ);
* w: a x H(±(x - s)) = a[±ReLU(±(x - s)) + s H(±(x - s))], transform a(-1 - 2πiξs) e^{-2πiξs}/(4π²ξ²) (for +).

Each is derived here as the limit ε → 0 of the transform of g(x) e^{-εx} on [s, ∞). With the kinks spread with density
q(s) per neuron (b uniform on [-B, B]: q = |w|/(2B) where |s| < B/|w|), the phases e^{-2πi(ξ-ξ')s} average to
q δ(ξ - ξ'), so on functions that live where q is flat the kernel acts as the multiplier

    γ²(ξ) = p_b(0) ⟨|w| [(w² + a²)/(16π⁴ξ⁴) + a² (1 + s²)/(4π²ξ²)]⟩,

s² standing for x² at the residual's place (the w-gradient's factor x x' is a multiplication, not a multiplier: near the
diagonal it weighs the ξ^{-2} term by 1 + x²). Zhang et al.'s γ² = ⟨|w|³⟩/(16π⁴|ξ|^{d+3}) + ⟨a²|w|⟩/(4π²|ξ|^{d+1}) is the
a- and b-gradients' part: the w-gradient adds ⟨a²|w|⟩/(16π⁴ξ⁴) and ⟨a²|w|⟩x²/(4π²ξ²), the second as large as the
b-gradient's term wherever |x| ~ 1. The kernel also has a polynomial part (degree ≤ 3 in each of x, x': the ramps
between the data and the kinks far away), which acts on the lowest frequencies only.

Rate: under gradient flow on ½ E_ρ(h - f)² with data density ρ, a residual r = cos(2πξx + φ) on the data falls at
the initial rate λ(ξ) = γ²(ξ) ∫ρ² dx · (1 + O(e^{-(2πξσ)²})) for a Gaussian ρ of width σ, with x² → ∫x²ρ²/∫ρ² = σ²/2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import sympy as sp

from fptheory.symbolic._stored import stored

__all__ = ["gradient_transforms", "gradient_powers", "lfp_multiplier", "gaussian_data_rate"]

_x, _s, _eps, _xi = sp.symbols("x s epsilon xi", positive=True)


def _transform(g: sp.Expr) -> sp.Expr:
    """lim_{ε→0} ∫_s^∞ g(x) e^{-εx} e^{-2πiξx} dx: the transform of g(x) H(x - s) at ξ ≠ 0."""
    damped = sp.integrate(g * sp.exp(-_eps * _x) * sp.exp(-2 * sp.pi * sp.I * _xi * _x), (_x, _s, sp.oo), conds="none")
    return sp.simplify(sp.limit(damped, _eps, 0))


@cache
def gradient_transforms() -> dict[str, sp.Expr]:
    """The transforms (ξ > 0; symbols x, s, ξ) of one neuron's three gradients for w > 0 and a = |w| = 1, by
    parameter: "a" the transform of ReLU(x - s), "b" of H(x - s), "w" of x H(x - s)."""
    return {"a": _transform(_x - _s), "b": _transform(sp.Integer(1)), "w": _transform(_x)}


@stored("lfp_gradient_powers")
def gradient_powers() -> dict[str, sp.Expr]:
    """|transform|² of each gradient (module docstring), simplified: the per-neuron contributions to γ²(ξ). Stored
    (:mod:`fptheory.symbolic._stored`): the integrals take 4 s in every process's first call."""
    return {name: sp.simplify(sp.expand(e * sp.conjugate(e))) for name, e in gradient_transforms().items()}


@cache
def _compiled_powers() -> dict[str, Callable[[float, np.ndarray], np.ndarray]]:
    return {name: sp.lambdify((_s, _xi), p, "numpy") for name, p in gradient_powers().items()}


def lfp_multiplier(w: np.ndarray, a: np.ndarray, xi: np.ndarray, *, bias_density: float, position_moment: float,
                   include_w: bool = True) -> np.ndarray:
    """γ²(ξ) = p_b(0)(1/m) Σ_j |w_j| [w_j² P_a + a_j² P_b + a_j² P_w] with P the gradients' powers from sympy
    (:func:`gradient_powers`), s² in P_w replaced by ``position_moment`` (the mean x² where the residual lives).

    Args:
        w, a: the first- and second-layer weights, shape (m,).
        xi: frequencies, ξ > 0, shape (K,).
        bias_density: p_b(0), the biases' density at 0 (b uniform on [-B, B]: 1/(2B)).
        position_moment: the x² that stands for s² in the w-gradient's power.
        include_w: False gives Zhang et al.'s a- and b-gradient terms only.

    Returns:
        γ²(ξ), shape (K,).
    """
    powers = _compiled_powers()
    xi = np.asarray(xi, dtype=np.float64)
    w, a = np.asarray(w, dtype=np.float64), np.asarray(a, dtype=np.float64)
    root = math.sqrt(position_moment)
    weight_a, weight_b = np.mean(np.abs(w) * w**2), np.mean(np.abs(w) * a**2)
    total = weight_a * powers["a"](0.0, xi) + weight_b * powers["b"](0.0, xi)
    if include_w:
        total = total + weight_b * powers["w"](root, xi)
    return bias_density * np.asarray(total, dtype=np.float64)


def gaussian_data_rate(w: np.ndarray, a: np.ndarray, xi: np.ndarray, *, bias_density: float, sigma: float,
                       include_w: bool = True) -> np.ndarray:
    """λ(ξ) = γ²(ξ) ∫ρ² for data x ~ N(0, σ²) (∫ρ² = 1/(2σ√π), the residual's x² = σ²/2): the initial decay rate
    of a cosine residual of frequency ξ under gradient flow on ½ E_ρ(h - f)² (module docstring), ξσ ≳ 1."""
    return lfp_multiplier(w, a, xi, bias_density=bias_density, position_moment=sigma**2 / 2,
                          include_w=include_w) / (2 * sigma * math.sqrt(math.pi))
