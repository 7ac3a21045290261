"""The Fourier transform of an affine function on a polygon, in closed form (the divergence theorem; Rahaman et al.
2019, arXiv:1806.08734, Sec. 2, Lemma 1), derived by sympy.

Convention: ĝ(k) = ∫_P g(x) e^{-ik·x} dx, k ∈ R² \\ {0}, g(x) = W·x + c. With F = i k e^{-ik·x}/|k|², div F = e^{-ik·x},
and div(g F) = g e^{-ik·x} + (i W·k/|k|²) e^{-ik·x}, so

    ∫_P g e^{-ik·x} dx = ∮ g (i k·n̂/|k|²) e^{-ik·x} dl - (i W·k/|k|²) ∮ (i k·n̂/|k|²) e^{-ik·x} dl.

Along the edge from p to q (t = q - p, traversed counter-clockwise, n = (t_y, -t_x) its outward normal scaled by
|t|), x = p + s t and dl = |t| ds, so each edge contributes through

    E0(α) = ∫_0^1 e^{-iαs} ds,   E1(α) = ∫_0^1 s e^{-iαs} ds,   α = k·t,

as (i k·n/|k|²) e^{-ik·p} [g(p) E0(α) + (W·t) E1(α)] and -(iW·k/|k|²)(i k·n/|k|²) e^{-ik·p} E0(α). E0 and E1 are
entire; where |α| is small they are evaluated from their Taylor series (sympy), elsewhere from the closed forms, so
that directions orthogonal to an edge (α = 0 exactly: Rahaman's special directions, where the edge's term does not
decay) are as accurate as any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import sympy as sp

from fptheory.symbolic._stored import stored

__all__ = ["edge_integrals", "edge_integral_fns", "divergence_identity_holds", "SERIES_BELOW"]

alpha = sp.Symbol("alpha", real=True)
s = sp.Symbol("s", real=True)

#: Below this |α| the series (to order α^25) is used: its truncation error there is below 1e-30, and above it the
#: closed forms lose at most eps/α² ~ 1e-15 to cancellation.
SERIES_BELOW = 0.5
_ORDER = 26


@stored("polygon_edge_integrals")
def edge_integrals() -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """(E0, E1) in closed form for α ≠ 0 and their Taylor polynomials about α = 0, all derived by sympy. Stored
    (:mod:`fptheory.symbolic._stored`): 3 s of every process's first call otherwise."""
    closed = [sp.simplify(sp.integrate(s**n * sp.exp(-sp.I * alpha * s), (s, 0, 1), conds="none")) for n in (0, 1)]
    series = [sp.expand(sp.integrate(sp.series(s**n * sp.exp(-sp.I * alpha * s), alpha, 0, _ORDER).removeO(), (s, 0, 1)))
              for n in (0, 1)]
    return closed[0], closed[1], series[0], series[1]


@cache
def edge_integral_fns() -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """E0(α), E1(α) as vectorised NumPy functions (complex): the closed forms where |α| ≥ SERIES_BELOW and the Taylor
    polynomials (their sympy coefficients, by Horner's rule) below, each evaluated only where it applies."""
    e0, e1, p0, p1 = edge_integrals()
    closed = [sp.lambdify(alpha, e, "numpy") for e in (e0, e1)]
    coefficients = [np.array([complex(c) for c in sp.Poly(p, alpha).all_coeffs()]) for p in (p0, p1)]

    def make(closed: Callable, coeffs: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        def fn(a: np.ndarray) -> np.ndarray:
            a = np.asarray(a, dtype=np.float64)
            out = np.empty(a.shape, dtype=complex)
            small = np.abs(a) < SERIES_BELOW
            out[~small] = closed(a[~small])
            out[small] = np.polyval(coeffs, a[small])
            return out

        return fn

    return make(closed[0], coefficients[0]), make(closed[1], coefficients[1])


@cache
def divergence_identity_holds() -> bool:
    """sympy's check of the identity the closed form rests on: div(g F) = g e^{-ik·x} + (i W·k/|k|²) e^{-ik·x} with
    F = i k e^{-ik·x}/|k|² and g = W·x + c."""
    x1, x2, k1, k2, w1, w2, c = sp.symbols("x1 x2 k1 k2 w1 w2 c", real=True)
    phase = sp.exp(-sp.I * (k1 * x1 + k2 * x2))
    norm2 = k1**2 + k2**2
    g = w1 * x1 + w2 * x2 + c
    field = (sp.I * k1 * phase / norm2, sp.I * k2 * phase / norm2)
    div = sp.diff(g * field[0], x1) + sp.diff(g * field[1], x2)
    return sp.simplify(div - g * phase - sp.I * (w1 * k1 + w2 * k2) / norm2 * phase) == 0
