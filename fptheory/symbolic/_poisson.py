"""Poisson's equation of Xu et al. (2020), derived: the exact solution of the paper's problem and the spectrum
of the Jacobi iteration on its central-difference system, in one and two dimensions.

Zhi-Qin John Xu, Yaoyu Zhang, Tao Luo, Yanyang Xiao, Zheng Ma (2020), *Frequency Principle: Fourier Analysis
Sheds Light on Deep Neural Networks*, Communications in Computational Physics 28(5), arXiv:1901.06523, Sec. 5
(Eqs. 10-15, Fig. 4).

* The problem: ``-u'' = g`` on (-1, 1), ``u(-1) = u(1) = 0``, with the paper's source
  ``g = sin x + 4 sin 4x - 8 sin 8x + 16 sin 24x``. :func:`poisson_solution` integrates twice and fixes the
  two constants from the boundary conditions, then checks symbolically that the result solves the problem.
* Jacobi: the central-difference system on N interior points, ``(1/h²) tridiag(-1, 2, -1) u = g``, is split
  as A = D - L - U; weighted Jacobi iterates ``u ← u + ω D^{-1}(g - A u)``, so the error is multiplied by
  ``M_ω = I - ω D^{-1} A = (1 - ω) I + (ω/2)(shift up + shift down)`` each sweep.
  :func:`jacobi_spectrum` derives its eigenpairs for general N: ``v_j[i] = sin(i j π/(N+1))`` with
  ``λ_j = 1 - ω + ω cos(jπ/(N+1)) = 1 - 2ω sin²(jπ/(2(N+1)))`` (ω = 1: ``cos(jπ/(N+1))``). The error's mode j
  shrinks by |λ_j| per sweep: for ω = 1, modes near j = 1 and j = N (the lowest and highest frequencies, which
  share |λ|) are the slowest, while ω = 2/3 damps every high mode fast and leaves the low ones slow.
* Two dimensions: ``-Δu = g`` on the unit square with u = 0 on its boundary, for a solution planted as a sum of
  sine modes ``Σ a_pq sin(pπx) sin(qπy)`` (:func:`planted_poisson_2d` derives g = -Δu). For the 5-point
  Laplacian on an N × N interior grid, weighted Jacobi has eigenvectors ``sin(i p π/(N+1)) sin(l q π/(N+1))``
  and eigenvalues ``1 - ω (sin²(pπ/(2(N+1))) + sin²(qπ/(2(N+1))))`` (:func:`jacobi_spectrum_2d`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

__all__ = ["JacobiSpectrum", "POISSON_SOURCE", "jacobi_spectrum", "jacobi_spectrum_2d", "planted_poisson_2d",
           "poisson_solution"]

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
#: The paper's source term g(x) (Sec. 5).
POISSON_SOURCE: sp.Expr = sp.sin(x) + 4 * sp.sin(4 * x) - 8 * sp.sin(8 * x) + 16 * sp.sin(24 * x)

# indices and sizes of the Jacobi derivation: grid index i (and l in 2-d), mode j (p, q), interior points N
i, l, j, p, q = sp.symbols("i l j p q", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
omega = sp.Symbol("omega", positive=True)


def _is_zero(expr: sp.Expr) -> bool:
    return sp.simplify(sp.expand_trig(sp.expand(expr))) == 0


@cache
def poisson_solution(source: sp.Expr = POISSON_SOURCE) -> sp.Expr:
    """The solution of ``-u'' = source`` on (-1, 1) with ``u(-1) = u(1) = 0``, derived and checked.

    ``u = -∫∫ source + c1 x + c0`` with (c0, c1) solved from the two boundary conditions; the result is checked
    symbolically (``-u'' - source`` and ``u(±1)`` simplify to 0). For the paper's source this is
    ``g0 + c1 x + c0`` with ``g0 = sin x + sin(4x)/4 - sin(8x)/8 + sin(24x)/36``,
    ``c1 = (g0(-1) - g0(1))/2``, ``c0 = -(g0(-1) + g0(1))/2``.

    Args:
        source: g, a sympy expression in the real symbol ``x`` of this module.

    Returns:
        u as a sympy expression in ``x``; ``RuntimeError`` if the check fails.
    """
    c0, c1 = sp.symbols("c0 c1")
    general = -sp.integrate(sp.integrate(source, x), x) + c1 * x + c0
    constants = sp.solve([general.subs(x, -1), general.subs(x, 1)], [c0, c1], dict=True)[0]
    u = sp.expand(general.subs(constants))
    if sp.simplify(-sp.diff(u, x, 2) - source) != 0 or any(sp.simplify(u.subs(x, e)) != 0 for e in (-1, 1)):
        raise RuntimeError(f"the derived u does not solve -u'' = {source} with u(±1) = 0: {u}")
    return u


@dataclass(frozen=True)
class JacobiSpectrum:
    """Eigenpairs of weighted Jacobi's error propagator: ``eigenvalue`` in (mode, N, ω), ``eigenvector`` the
    entry at grid index (i, or i and l) of the mode, and the symbols they use (``modes``, ``indices``)."""

    eigenvalue: sp.Expr
    eigenvector: sp.Expr
    modes: tuple[sp.Symbol, ...]
    indices: tuple[sp.Symbol, ...]


@cache
def jacobi_spectrum() -> JacobiSpectrum:
    """Eigenpairs of ``M_ω = (1 - ω) I + (ω/2)(shift up + shift down)`` (N × N) for general N, derived.

    With θ = jπ/(N+1) and v_j[i] = sin(iθ), row i of ``M_ω v_j`` is ``(1 - ω) sin(iθ) + (ω/2)(sin((i-1)θ) +
    sin((i+1)θ))``; the sum-to-product identity makes it ``(1 - ω + ω cos θ) sin(iθ)`` for every i, and the
    two end rows (which lack a neighbour) follow because the missing neighbours, sin(0) and sin((N+1)θ) =
    sin(jπ), vanish. Each step is checked symbolically.

    Returns:
        a :class:`JacobiSpectrum` with modes (j,) and indices (i,), 1 ≤ i, j ≤ N; ``RuntimeError`` if a step
        fails.
    """
    theta = j * sp.pi / (N + 1)
    v = sp.sin(i * theta)
    lam = 1 - omega + omega * sp.cos(theta)
    row = (1 - omega) * v + omega / 2 * (v.subs(i, i - 1) + v.subs(i, i + 1))
    if not _is_zero(row - lam * v):
        raise RuntimeError("the interior rows of M v = λ v do not hold")
    if v.subs(i, 0) != 0 or sp.simplify(v.subs(i, N + 1)) != 0:
        raise RuntimeError("the end rows' missing neighbours do not vanish")
    if not _is_zero(lam - (1 - 2 * omega * sp.sin(theta / 2) ** 2)):
        raise RuntimeError("the half-angle form of the eigenvalue does not hold")
    return JacobiSpectrum(lam, v, (j,), (i,))


@cache
def jacobi_spectrum_2d() -> JacobiSpectrum:
    """Eigenpairs of weighted Jacobi for the 5-point Laplacian on an N × N interior grid, derived.

    ``M_ω = I - (ω/4)(4I - shifts in i and l)``; with v[i, l] = sin(ipπ/(N+1)) sin(lqπ/(N+1)) each shift pair
    acts as in 1-d (:func:`jacobi_spectrum`), so ``λ_pq = 1 - ω (sin²(pπ/(2(N+1))) + sin²(qπ/(2(N+1))))``.
    The row identity is checked symbolically; the end rows follow as in 1-d.

    Returns:
        a :class:`JacobiSpectrum` with modes (p, q) and indices (i, l); ``RuntimeError`` if the check fails.
    """
    a, b = p * sp.pi / (N + 1), q * sp.pi / (N + 1)
    v = sp.sin(i * a) * sp.sin(l * b)
    lam = 1 - omega * (sp.sin(a / 2) ** 2 + sp.sin(b / 2) ** 2)
    neighbours = v.subs(i, i - 1) + v.subs(i, i + 1) + v.subs(l, l - 1) + v.subs(l, l + 1)
    row = v - omega / 4 * (4 * v - neighbours)
    if not _is_zero((row - lam * v).rewrite(sp.cos)):
        raise RuntimeError("the interior rows of M v = λ v do not hold in 2-d")
    return JacobiSpectrum(lam, v, (p, q), (i, l))


@cache
def planted_poisson_2d(modes: tuple[tuple[int, int], ...], amplitudes: tuple[float, ...]) -> tuple[sp.Expr, sp.Expr]:
    """A planted problem ``-Δu = g`` on the unit square, u = 0 on its boundary: u and its source g, derived.

    ``u = Σ a_pq sin(pπx) sin(qπy)`` (each term vanishes on the square's four sides, which is checked), and
    ``g = -(u_xx + u_yy) = Σ a_pq π² (p² + q²) sin(pπx) sin(qπy)`` by sympy's differentiation.

    Args:
        modes: the planted (p, q), positive integers.
        amplitudes: a_pq, one per mode (exact rationals are kept exact: pass e.g. 0.5, converted by sympy).

    Returns:
        (u, g), sympy expressions in the real symbols ``x`` and ``y`` of this module; ``ValueError`` if the
        modes and amplitudes do not match; ``RuntimeError`` if a boundary check fails.
    """
    if len(modes) != len(amplitudes) or not modes:
        raise ValueError(f"modes and amplitudes must be non-empty and of one length; got {modes} and {amplitudes}")
    u = sum((sp.nsimplify(a) * sp.sin(pp * sp.pi * x) * sp.sin(qq * sp.pi * y) for (pp, qq), a in zip(modes, amplitudes)),
            sp.Integer(0))
    for side in (u.subs(x, 0), u.subs(x, 1), u.subs(y, 0), u.subs(y, 1)):
        if sp.simplify(side) != 0:
            raise RuntimeError("the planted u does not vanish on the boundary")
    g = -(sp.diff(u, x, 2) + sp.diff(u, y, 2))
    return u, sp.expand(g)
