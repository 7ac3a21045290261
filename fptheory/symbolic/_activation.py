"""Fourier transforms of activation functions, derived by sympy (docs/theory.md §1).

All transforms follow the convention of :mod:`fptheory.symbolic._fourier` and hold for real
``k ≠ 0``. tanh and ReLU are not integrable: their transforms are tempered distributions, and the
expressions here are their values away from ``k = 0`` (tanh: principal value, odd; sigmoid drops
its ``π δ(k)``; ReLU: the regular part ``-1/k²`` of a distribution with singular support at 0).

* tanh: ``σ̂(k) = -iπ csch(πk/2)`` — exponential decay. Route: ``tanh' = sech²``; the transform of
  ``sech²`` is summed from its residues at ``x = -i(2n+1)π/2`` (contour closed below for ``k > 0``),
  the geometric series in ``q = e^{-πk}``, then extended to ``k < 0`` by evenness, and divided by
  the derivative factor ``ik``.
* sigmoid: ``ŝ(k) = -iπ csch(πk)`` from ``s(x) = (1 + tanh(x/2))/2`` and the scaling rule.
* ReLU: ``-1/k²`` — power-law decay — from ``relu'' = δ`` and the derivative rule twice.
* ReLU² (``max(0, x)²``, C¹ but not C²): ``2i/k³`` from its third derivative ``2δ`` and the derivative rule three
  times.

:func:`decay_law` reads the decay off a derived transform with sympy limits: the rate c of
``|σ̂(k)| = e^{-c|k| + o(|k|)}``, or the power p of ``|σ̂(k)| ~ |k|^p``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from fptheory._checks import InputError
from fptheory.symbolic._fourier import (
    derivative_factor,
    fourier_integral,
    k,
    scaling_shift_factor,
    x,
)

__all__ = ["ACTIVATIONS", "ActivationTransform", "activation_transform", "sech2_transform", "decay_law"]

ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu", "relu2")


@dataclass(frozen=True)
class ActivationTransform:
    """An activation σ(x), its transform σ̂(k) for real k ≠ 0, and the derivation's named steps."""

    name: str
    activation: sp.Expr
    transform: sp.Expr
    decay: str  # "exponential" or "power"
    steps: tuple[tuple[str, sp.Expr], ...]


def _check_zero(expr: sp.Expr, what: str) -> None:
    if sp.simplify(sp.expand(expr.rewrite(sp.exp))) != 0:
        raise RuntimeError(f"derivation step failed: {what} is not identically 0: {expr}")


@cache
def sech2_transform() -> tuple[sp.Expr, tuple[tuple[str, sp.Expr], ...]]:
    """Derive ``∫ sech²(x) e^{-ikx} dx = πk / sinh(πk/2)`` by residues; valid for all real k ≠ 0.

    Returns the transform (in the symbol ``k``) and the named intermediate results.
    """
    kp = sp.Symbol("k_p", positive=True)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    q = sp.Symbol("q", positive=True)
    integrand = sp.sech(x) ** 2 * sp.exp(-sp.I * kp * x)
    pole0 = -sp.I * sp.pi / 2
    residue0 = sp.simplify(sp.residue(integrand, x, pole0))
    # Poles x_n = x_0 - iπn: sech² has period iπ, so the integrand at x + (x_n - x_0) is the
    # integrand at x times e^{-ik(x_n - x_0)} = q^n with q = e^{-πk}.
    ratio = sp.exp(-sp.I * kp * (-sp.I * sp.pi * n))
    _check_zero(integrand.subs(x, x - sp.I * sp.pi * n) - ratio * integrand, "sech² periodicity")
    _check_zero(ratio - sp.exp(-sp.pi * kp) ** n, "ratio = q^n")
    series = sp.summation(q**n, (n, 0, sp.oo))
    # summation returns Piecewise((1/(1-q), q < 1), ...); q = e^{-πk} < 1 because log q = -πk < 0.
    if not isinstance(series, sp.Piecewise) or series.args[0][1] != (q < 1):
        raise RuntimeError(f"unexpected form of the geometric series: {series}")
    if not sp.log(sp.exp(-sp.pi * kp)).is_negative:
        raise RuntimeError("geometric series does not converge for q = e^{-πk}")
    geometric = series.args[0][0]
    residue_sum = residue0 * geometric.subs(q, sp.exp(-sp.pi * kp))
    # Contour closed in the lower half plane (e^{-ikx} decays there for k > 0): clockwise, -2πi Σ Res.
    positive_k = sp.simplify(-2 * sp.pi * sp.I * residue_sum)
    # sech² is real and even, so its transform is real and even: the k > 0 result, if even, is
    # the transform for all k ≠ 0.
    _check_zero(positive_k.subs(kp, -kp) - positive_k, "evenness of the k > 0 result")
    transform = sp.simplify(positive_k.subs(kp, k))
    steps = (
        ("residue of sech²(x) e^{-ikx} at x = -iπ/2 (k > 0)", residue0),
        ("sum of residues over x_n = -i(2n+1)π/2", sp.simplify(residue_sum)),
        ("-2πi Σ Res (contour closed below)", positive_k),
        ("FT[sech²](k) for all k ≠ 0 (even)", transform),
    )
    return transform, steps


def _tanh() -> ActivationTransform:
    ft_sech2, steps = sech2_transform()
    # tanh' = sech²: check it, then divide by the derivative factor ik.
    _check_zero(sp.diff(sp.tanh(x), x) - sp.sech(x) ** 2, "tanh' - sech²")
    transform = sp.simplify(ft_sech2 / derivative_factor())
    return ActivationTransform(
        name="tanh",
        activation=sp.tanh(x),
        transform=transform,
        decay="exponential",
        steps=steps + (("σ̂(k) = FT[sech²](k) / (ik)", transform),),
    )


def _sigmoid() -> ActivationTransform:
    sigmoid = 1 / (1 + sp.exp(-x))
    _check_zero(sigmoid - (1 + sp.tanh(x / 2)) / 2, "sigmoid - (1 + tanh(x/2))/2")
    tanh_hat = _tanh().transform
    half = sp.Rational(1, 2)
    # For k ≠ 0 the constant 1/2 contributes only π δ(k); tanh(x/2) is tanh(wx + b), w = 1/2, b = 0.
    scaled = scaling_shift_factor().subs({sp.Symbol("b", real=True): 0}).subs(
        sp.Symbol("w", real=True, nonzero=True), half
    )
    transform = sp.simplify(half * scaled * tanh_hat.subs(k, k / half))
    return ActivationTransform(
        name="sigmoid",
        activation=sigmoid,
        transform=transform,
        decay="exponential",
        steps=(("s(x) = (1 + tanh(x/2))/2", (1 + sp.tanh(x / 2)) / 2), ("ŝ(k), k ≠ 0", transform)),
    )


def _truncated_power(name: str, power: int) -> ActivationTransform:
    """σ(x) = x^power H(x): its derivative of order power + 1 is a multiple of δ (sympy differentiates the
    distribution), whose transform divided by (ik)^{power+1} is σ̂ for k ≠ 0."""
    sigma = x**power * sp.Heaviside(x)
    order = power + 1
    derivative = sp.diff(sigma, x, order)
    ft_derivative = sp.simplify(sp.integrate(fourier_integral(derivative).function, (x, -sp.oo, sp.oo)))
    transform = sp.simplify(ft_derivative / derivative_factor() ** order)
    return ActivationTransform(
        name=name,
        activation=sigma,
        transform=transform,
        decay="power",
        steps=(
            (f"{name} derivative of order {order} as a distribution", derivative),
            (f"FT[{name}^({order})](k)", ft_derivative),
            (f"FT[{name}](k) = FT[{name}^({order})](k) / (ik)^{order}, k ≠ 0", transform),
        ),
    )


def _relu() -> ActivationTransform:
    return _truncated_power("relu", 1)


def _relu2() -> ActivationTransform:
    return _truncated_power("relu2", 2)


_BUILDERS = {"tanh": _tanh, "sigmoid": _sigmoid, "relu": _relu, "relu2": _relu2}



@cache
def activation_transform(name: str = "tanh") -> ActivationTransform:
    """The derived transform of activation ``name`` (one of :data:`ACTIVATIONS`)."""
    if name not in _BUILDERS:
        raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {name!r}")
    return _BUILDERS[name]()


@cache
def decay_law(name: str) -> tuple[str, float]:
    """How |σ̂(k)| decays as k → ∞, read off the derived transform by sympy limits.

    Returns:
        ("exponential", c) with c = lim -ln|σ̂(k)|/k (tanh π/2, sigmoid π), or ("power", p) with
        p = lim ln|σ̂(k)|/ln k (ReLU -2, ReLU² -3).
    """
    derived = activation_transform(name)
    kp = sp.Symbol("k_p", positive=True)
    magnitude = sp.Abs(derived.transform.subs(k, kp))
    if derived.decay == "exponential":
        return "exponential", float(sp.limit(-sp.log(magnitude) / kp, kp, sp.oo))
    return "power", float(sp.limit(sp.log(magnitude) / sp.log(kp), kp, sp.oo))
