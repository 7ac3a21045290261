"""Theorem 1's bad pairs (and Theorem 2's bad set) in one pass with few transcendentals: the plain Monte-Carlo
counter's kernel.

The reference evaluator (:func:`fptheory.numeric._sets.bad_pairs`) compares log-domain gradients

    g_l(k) = log|T_l(k)| - n_l log|w| - log|sinh z(k)|,   T_l(k) = Re(conj(D(k)) e^{iψ(k)} Q_l(k)),   z = πk/(2w),

pair by pair. The ``-n_l log|w|`` terms are the same at k1 and k2, and with ``ε_z = -expm1(-2|z|) = 1 - e^{-2|z|}``

    log|sinh z| = |z| + log ε_z - log 2,

so ``g_l(k1) ≤ g_l(k2)`` is ``|T_l(k1)| ≤ |T_l(k2)| · r``, ``r = e^{|z1| - |z2|} ε_{z1} / ε_{z2}`` (≤ 1, as
|z1| < |z2|). The same ε_z and ``e^{-|z|}`` give ``1/sinh|z| = 2 e^{-|z|}/ε_z`` for the network's transform and
``|z| coth|z| - 1 = |z| (2 - ε_z)/ε_z - 1`` (Taylor series at |z| ≤ 1/2, as in
:func:`fptheory.numeric.zcothz_minus_one`). Per neuron and frequency that is one exp, one expm1, a cosine and a
sine (polynomials, :func:`sincos`), and no logarithm. Where r underflows (the reference's log difference below
-745), a pair is bad in both only where T_l(k1) = 0: near a zero, T_l(k1) is no smaller than float64's
resolution of b times its slope, far above 1e-308 of T_l(k2).

The verdicts equal the reference's on the same samples (tests/test_fused.py); the values differ from its in the
last bits only, so a sample could differ only within rounding of the boundary |∂L(k1)| = |∂L(k2)|.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import sympy as sp

from fptheory._typing import Array, Bool, Float
from fptheory.numeric._stable import _LOG2, _reduced_phase_dd, log_sum_exp2, reduced_gradient_fns, reduced_gradient_powers
from fptheory.symbolic._network import zcothz_minus_one_series

__all__ = ["bad_pairs_fused", "bad_theorem2_fused", "sincos"]


#: Taylor coefficients of sin h / h and cos h in h², h ∈ [-π/2, π/2]: the first omitted terms, (π/2)^23/23! and
#: (π/2)^24/24!, are below 3e-18.
_SIN_COEFFS = tuple((-1) ** j / math.factorial(2 * j + 1) for j in range(11))
_COS_COEFFS = tuple((-1) ** j / math.factorial(2 * j) for j in range(12))


@cache
def _series_coeffs() -> tuple[float, ...]:
    """The coefficients of ``z coth z - 1``'s Taylor polynomial (:func:`fptheory.symbolic.zcothz_minus_one_series`)
    in z², lowest first, as floats: Horner's rule on them multiplies and adds only (the compiled rational
    expression divides at every term)."""
    zs = sp.Symbol("z")
    poly = sp.Poly(zcothz_minus_one_series(), zs)
    return tuple(float(poly.coeff_monomial(zs ** (2 * j))) for j in range(poly.degree() // 2 + 1))


def _horner(coeffs: tuple[float, ...], x: Any) -> Any:
    out = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        out = out * x + c
    return out


def sincos(psi: Float[Array, "*batch"]) -> tuple[Float[Array, "*batch"], Float[Array, "*batch"]]:
    """``(cos ψ, sin ψ)`` for ψ in [-π, π] by polynomials, to about 7e-16 absolute (3 ulp of 1): Taylor series of
    the half angle h = ψ/2, then ``cos ψ = (c - s)(c + s)`` and ``sin ψ = 2sc``. Multiply-adds only: with XLA's
    float64 ``cos`` and ``sin`` in their place, the fused counter ran at about half the rate at m = 10 on a CPU."""
    h = 0.5 * psi
    x = h * h
    s, c = h * _horner(_SIN_COEFFS, x), _horner(_COS_COEFFS, x)
    return (c - s) * (c + s), 2 * s * c


def _frequency_parts(k: float, fhat: complex, a: Any, w: Any, b: Any) -> tuple[Any, Any, Any]:
    """T_l(k) stacked (3, n, m), |z| and ε_z (n, m) for one frequency k."""
    import jax.numpy as jnp

    z = math.pi * k / (2 * w)
    az = jnp.abs(z)
    eps = -jnp.expm1(-2 * az)
    inv_sinh = jnp.sign(z) * 2 * jnp.exp(-az) / eps
    psi = _reduced_phase_dd(b, k, w, jnp)
    cos, sin = sincos(psi)
    carrier = cos + 1j * sin
    residual = jnp.sum(-1j * math.pi * a / jnp.abs(w) * carrier * inv_sinh, axis=-1) - fhat
    small = az <= 0.5
    az_big = jnp.where(small, 1.0, az)
    g = jnp.where(small, _horner(_series_coeffs(), az * az), az_big * (2 - eps) / eps - 1)
    rotated = jnp.conj(residual)[:, None] * carrier
    parts = [jnp.real(rotated * jnp.broadcast_to(p(k, a, w, b, g), z.shape)) for p in reduced_gradient_fns("jax")]
    return jnp.stack(parts), az, eps


def bad_pairs_fused(
    k1: float, k2: float, fhat1: complex, fhat2: complex, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"]
) -> Bool[Array, "3 n m"]:
    """Theorem 1's bad pairs ``|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|`` (Xu et al. 2020, arXiv:1901.06523, Theorem 1),
    for use inside jitted float64 jax code (the caller enables float64).

    Args:
        k1, k2: the two frequencies, 0 < k1 < k2 (Python floats).
        fhat1, fhat2: the target's transform there (Python complex).
        a, w, b: the parameters of n networks of width m, each (n, m), w ≠ 0 with |k2/w| ≤ 1e300.

    Returns:
        boolean (3, n, m), l = a, w, b on the leading axis: the same verdicts as
        :func:`fptheory.numeric._sets.bad_pairs`.
    """
    import jax.numpy as jnp

    t1, az1, eps1 = _frequency_parts(k1, fhat1, a, w, b)
    t2, az2, eps2 = _frequency_parts(k2, fhat2, a, w, b)
    r = jnp.exp(az1 - az2) * (eps1 / eps2)
    return jnp.abs(t1) <= jnp.abs(t2) * r


def bad_theorem2_fused(
    k1: float, k2: float, fhat1: complex, fhat2: complex, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"]
) -> Bool[Array, " n"]:
    """The complement of Theorem 2's S, ``|∇L(k1)| < |∇L(k2)|`` (Xu et al. 2020, arXiv:1901.06523, Theorem 2), for
    use inside jitted float64 jax code: :func:`fptheory.numeric._sets.bad_theorem2`'s log-domain sums over the
    3m gradients, with ``log|∂L(k)/∂θ_lj| = log|T_l(k)| - n_l log|w_j| - |z_j| - log ε_{z_j} + log 2`` from the
    kernel's T, |z| and ε (module docstring).

    Args:
        k1, k2: the two frequencies, 0 < k1 < k2 (Python floats).
        fhat1, fhat2: the target's transform there (Python complex).
        a, w, b: the parameters of n networks of width m, each (n, m), w ≠ 0 with |k2/w| ≤ 1e300.

    Returns:
        boolean (n,): the same verdicts as :func:`fptheory.numeric._sets.bad_theorem2`.
    """
    import jax.numpy as jnp

    log_w = jnp.log(jnp.abs(w))
    log_scale = jnp.stack([-n * log_w for n in reduced_gradient_powers()])

    def log_norm2(k: float, fhat: complex) -> Any:
        t, az, eps = _frequency_parts(k, fhat, a, w, b)
        return log_sum_exp2(jnp.log(jnp.abs(t)) + log_scale - (az + jnp.log(eps) - _LOG2), jnp)

    return log_norm2(k1, fhat1) < log_norm2(k2, fhat2)
