"""The two-layer ReLU network's neural tangent kernel in closed form, derived by sympy (the arc-cosine kernels of
Cho and Saul 2009, *Kernel methods for deep learning*, NeurIPS; the NTK of Jacot, Gabriel, Hongler 2018,
arXiv:1806.07572).

Network: h(x) = m^{-1/2} Σ_j a_j relu(w_j·x + b_j) with a_j, w_j, b_j standard normal; x̃ = (x, 1). Its NTK as
m → ∞ is the expectation of one neuron's gradient products:

    Θ(x, x') = E[relu(u) relu(u')] + E[a²] E[H(u) H(u')] x̃·x̃',    (u, u') = ((w, b)·x̃, (w, b)·x̃'),
             = ‖x̃‖‖x̃'‖ κ1(θ) + (x̃·x̃') κ0(θ),    cos θ = x̃·x̃'/(‖x̃‖‖x̃'‖),

with κ1(θ) = E[relu(z1) relu(z1 cos θ + z2 sin θ)] and κ0(θ) = E[H(z1) H(z1 cos θ + z2 sin θ)], z standard normal
in R². Derivation: in polar coordinates z = r(cos φ, sin φ) both factors are positive for φ in [θ - π/2, π/2]
(0 ≤ θ ≤ π); the radial parts are ∫ r^{2n+1} e^{-r²/2} dr / (2π) for n = 1, 0. sympy integrates both.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import sympy as sp

__all__ = ["relu_ntk_kappas", "relu_ntk"]

theta = sp.Symbol("theta", real=True)


@cache
def relu_ntk_kappas() -> tuple[sp.Expr, sp.Expr]:
    """(κ1(θ), κ0(θ)) derived by sympy (module docstring): (sin θ + (π - θ) cos θ)/(2π) and (π - θ)/(2π)."""
    phi = sp.Symbol("phi", real=True)
    r = sp.Symbol("r", positive=True)
    radial = [sp.integrate(r ** (2 * n + 1) * sp.exp(-r**2 / 2), (r, 0, sp.oo)) / (2 * sp.pi) for n in (0, 1)]
    window = (phi, theta - sp.pi / 2, sp.pi / 2)
    kappa1 = sp.simplify(radial[1] * sp.integrate(sp.cos(phi) * sp.cos(phi - theta), window))
    kappa0 = sp.simplify(radial[0] * sp.integrate(sp.Integer(1), window))
    return kappa1, kappa0


@cache
def _compiled() -> tuple[Callable, Callable]:
    kappa1, kappa0 = relu_ntk_kappas()
    return sp.lambdify(theta, kappa1, "numpy"), sp.lambdify(theta, kappa0, "numpy")


def relu_ntk(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Θ(x_i, y_j) of the infinitely wide two-layer ReLU network (module docstring), from the derived κ1, κ0.

    Args:
        x: points, shape (n, d).
        y: points, shape (n', d).

    Returns:
        Θ, shape (n, n'), float64.
    """
    xt = np.hstack([np.asarray(x, dtype=np.float64), np.ones((len(x), 1))])
    yt = np.hstack([np.asarray(y, dtype=np.float64), np.ones((len(y), 1))])
    dot = xt @ yt.T
    norms = np.outer(np.linalg.norm(xt, axis=1), np.linalg.norm(yt, axis=1))
    angle = np.arccos(np.clip(dot / norms, -1.0, 1.0))
    kappa1, kappa0 = _compiled()
    return norms * kappa1(angle) + dot * kappa0(angle)
