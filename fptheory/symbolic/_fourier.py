"""Fourier convention of fptheory and the transform rules derived from it.

Convention (docs/theory.md §1, the paper's): ``f̂(k) = ∫ f(x) e^{-ikx} dx`` and
``f(x) = (1/2π) ∫ f̂(k) e^{ikx} dk``.

Everything here is derived by sympy from the definition, never typed in as a result:
the scaling-and-shift rule comes from the substitution ``u = w x + b`` in the Fourier integral,
done separately for ``w > 0`` and ``w < 0``.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

__all__ = [
    "x",
    "u",
    "k",
    "w",
    "b",
    "fourier_integral",
    "derivative_factor",
    "scaling_shift_factor",
]

#: Spatial variable, integration variable, frequency and the neuron's weight and bias.
x = sp.Symbol("x", real=True)
u = sp.Symbol("u", real=True)
k = sp.Symbol("k", real=True, nonzero=True)
w = sp.Symbol("w", real=True, nonzero=True)
b = sp.Symbol("b", real=True)


def fourier_integral(f: sp.Expr, var: sp.Symbol = x, freq: sp.Expr = k) -> sp.Integral:
    """The unevaluated integral ``∫ f(var) e^{-i freq var} d var`` over the real line.

    Args:
        f: the integrand, a sympy expression in ``var``.
        var: the integration variable (x by default).
        freq: the frequency (k by default); convention f̂(k) = ∫ f(x) e^{-ikx} dx, no 1/√(2π).

    Returns:
        the unevaluated ``sympy.Integral`` (evaluate it with ``.doit()`` or by the residue derivation).
    """
    return sp.Integral(f * sp.exp(-sp.I * freq * var), (var, -sp.oo, sp.oo))


def derivative_factor() -> sp.Expr:
    """Factor of the derivative rule ``FT[f'](k) = i k f̂(k)``.

    Integration by parts with ``f`` vanishing at ±∞:
    ``∫ f'(x) e^{-ikx} dx = [f e^{-ikx}] - ∫ f(x) (-ik) e^{-ikx} dx = ik f̂(k)``.
    The tests check it by sympy on a Gaussian.
    """
    return sp.I * k


@cache
def scaling_shift_factor() -> sp.Expr:
    """Derive ``FT[σ(w x + b)](k) = (1/|w|) e^{i b k / w} σ̂(k / w)`` (docs/theory.md §1).

    Returns the factor ``e^{i b k / w} / |w|`` that multiplies ``σ̂(k/w)``. sympy performs the
    substitution ``x = (u - b)/w`` in the Fourier integral of an undefined function σ for a positive
    and for a negative weight (the orientation of the limits flips for ``w < 0``); both branches
    are checked to equal the single expression returned.
    """
    unified = sp.exp(sp.I * b * k / w) / sp.Abs(w)
    for sign in ("positive", "negative"):
        ws, factor = substitution_factor(sign)
        if sp.simplify(factor - unified.subs(w, ws)) != 0:
            raise RuntimeError(f"branch {sign} gave {factor}, not {unified}")
    return unified


def substitution_factor(sign: str) -> tuple[sp.Symbol, sp.Expr]:
    """For a weight of the given sign ("positive" or "negative"), the symbol w_s and the factor that sympy's
    substitution ``x = (u - b)/w_s`` in ``∫ σ(w_s x + b) e^{-ikx} dx`` leaves in front of ``σ̂(k/w_s)``."""
    sigma = sp.Function("sigma")
    ws = sp.Symbol("w_s", real=True, **{sign: True})
    moved = fourier_integral(sigma(ws * x + b)).transform(x, ((u - b) / ws, u))
    (var, lower, upper), = moved.limits
    if (var, lower, upper) != (u, -sp.oo, sp.oo):
        raise RuntimeError(f"unexpected limits after substitution: {moved.limits}")
    factor, rest = sp.expand(moved.function, power_exp=True).as_independent(u, as_Add=False)
    if sp.simplify(rest - fourier_integral(sigma(u), u, k / ws).function) != 0:
        raise RuntimeError(f"substitution did not isolate σ̂(k/w): {moved}")
    return ws, factor
