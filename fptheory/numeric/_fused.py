"""Theorem 1's bad pairs (and Theorem 2's bad set) in one pass with few transcendentals: the plain Monte-Carlo
counter's kernel.

The reference evaluator (:func:`fptheory.numeric._bad_sets.bad_pairs`) compares log-domain gradients

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
from fptheory.numeric._stable import _LOG2, _reduced_phase_dd, log_sum_exp2, reduced_gradient_powers
from fptheory.symbolic._network import zcothz_minus_one_series

__all__ = ["bad_pairs_fused", "bad_union_fused", "bad_theorem2_fused", "sincos", "tail_only", "TAIL_MIN_Z"]

#: The smallest |z| = πk/(2|w|) at which the kernel's tail form holds (``tail=True``): there ``1 - e^{-2|z|}``
#: loses no digit to cancellation (e^{-2|z|} ≤ e^{-1} = 0.37) and ``z coth z - 1`` needs no Taylor series.
TAIL_MIN_Z = 0.5


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


@cache
def _gradient_parts() -> tuple[tuple[Any, Any], ...]:
    """Re Q_l and Im Q_l of the scaled reduced gradients (a, w, b), each compiled for jax from sympy's real and
    imaginary parts of :func:`fptheory.symbolic.scaled_reduced_gradient` (every symbol real), or None where the
    part is identically 0."""
    from fptheory.symbolic._compiled import compile_expression
    from fptheory.symbolic._fourier import b as b_sym
    from fptheory.symbolic._fourier import k as k_sym
    from fptheory.symbolic._fourier import w as w_sym
    from fptheory.symbolic._network import PARAMETERS, G, a, scaled_reduced_gradient

    def compiled(part: sp.Expr) -> Any:
        return None if part == 0 else compile_expression(part, (k_sym, a, w_sym, b_sym, G), "jax")

    exprs = scaled_reduced_gradient()
    return tuple((compiled(sp.re(exprs[name][0])), compiled(sp.im(exprs[name][0]))) for name in PARAMETERS)


def _width_sum(x: Any, width_axis: int) -> Any:
    """The sum over the width of an (n, m) array (``width_axis`` -1) or an (m, n) one (0), kept as a length-1
    axis. The (n, m) sum is a matrix-vector product with ones: XLA's CPU compiler fuses the elementwise work that
    feeds a reduction into the reduction's loop, where it runs several times slower than in an elementwise loop;
    it does not fuse it into a dot (at m = 10 the whole kernel ran 1.6 times faster,
    benchmarks/bench_fused_parts.py). The (m, n) sum adds rows, which a GPU does well."""
    import jax.numpy as jnp

    if width_axis == 0:
        return x.sum(axis=0, keepdims=True)
    return jnp.dot(x, jnp.ones(x.shape[-1], x.dtype))[:, None]


def tail_only(k1: float, delta: float) -> bool:
    """Whether every neuron of B_δ has |z| = πk/(2|w|) > TAIL_MIN_Z at both frequencies (|w| ≤ δ, k ≥ k1): then the
    kernels may take ``tail=True``. True for δ < π k1."""
    return math.pi * k1 / (2 * delta) > TAIL_MIN_Z


def _frequency_parts(
    k: float, fhat: complex, a: Any, w: Any, b: Any, width_axis: int, tail: bool = False
) -> tuple[list[Any], Any, Any]:
    """T_l(k) for l = a, w, b, |z| and ε_z for one frequency k, each of a's shape, in real arithmetic: with
    ``D = ĥ - f̂ = R + iI``, ``ĥ = Σ_j -iπ a_j/|w_j| e^{iψ_j}/sinh z_j``, ``conj(D) e^{iψ} = (R cos ψ + I sin ψ) +
    i (R sin ψ - I cos ψ)`` and ``T_l = Re(conj(D) e^{iψ} Q_l)``. With ``tail`` (every |z| > TAIL_MIN_Z, the caller's
    promise: :func:`tail_only`), ε = 1 - e^{-|z|}² and no series branch: the same values to rounding, and at m = 10
    the counter runs about a fifth faster."""
    import jax.numpy as jnp

    if width_axis not in (0, -1):
        raise ValueError(f"width_axis must be 0 or -1; got {width_axis!r}")
    z = math.pi * k / (2 * w)
    az = jnp.abs(z)
    e = jnp.exp(-az)
    eps = 1 - e * e if tail else -jnp.expm1(-2 * az)
    coef = jnp.sign(z) * 2 * e / eps * (math.pi * a / jnp.abs(w))  # π a/|w| / sinh z
    cos, sin = sincos(_reduced_phase_dd(b, k, w, jnp))
    R = _width_sum(coef * sin, width_axis) - fhat.real
    I = -_width_sum(coef * cos, width_axis) - fhat.imag
    if tail:
        g = az * (2 - eps) / eps - 1
    else:
        small = az <= TAIL_MIN_Z
        az_big = jnp.where(small, 1.0, az)
        g = jnp.where(small, _horner(_series_coeffs(), az * az), az_big * (2 - eps) / eps - 1)
    x_re, x_im = R * cos + I * sin, R * sin - I * cos
    parts = []
    for q_re, q_im in _gradient_parts():
        t: Any = 0.0
        if q_re is not None:
            t = t + x_re * q_re(k, a, w, b, g)
        if q_im is not None:
            t = t - x_im * q_im(k, a, w, b, g)
        parts.append(jnp.broadcast_to(t, z.shape))
    return parts, az, eps


def bad_pairs_fused(
    k1: float,
    k2: float,
    fhat1: complex,
    fhat2: complex,
    a: Float[Array, "n m"],
    w: Float[Array, "n m"],
    b: Float[Array, "n m"],
    *,
    width_axis: int = -1,
    tail: bool = False,
) -> Bool[Array, "3 n m"]:
    """Theorem 1's bad pairs ``|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|`` (Xu et al. 2020, arXiv:1901.06523, Theorem 1),
    for use inside jitted float64 jax code (the caller enables float64).

    Args:
        k1, k2: the two frequencies, 0 < k1 < k2 (Python floats).
        fhat1, fhat2: the target's transform there (Python complex).
        a, w, b: the parameters of n networks of width m, each (n, m), w ≠ 0 with |k2/w| ≤ 1e300.
        width_axis: -1, or 0 for parameters given as (m, n) arrays (faster on a GPU at small m).
        tail: the caller promises |z| > TAIL_MIN_Z for every neuron (:func:`tail_only`); a faster form.

    Returns:
        boolean (3, n, m), or (3, m, n) with width_axis 0; l = a, w, b on the leading axis: the same verdicts as
        :func:`fptheory.numeric._bad_sets.bad_pairs`.
    """
    import jax.numpy as jnp

    # per pair, stacked as booleans: stacking the (n, m) values first made the kernel 2.5 times slower at m = 1
    return jnp.stack(_pair_verdicts(k1, k2, fhat1, fhat2, a, w, b, width_axis, tail))


def _pair_verdicts(
    k1: float, k2: float, fhat1: complex, fhat2: complex, a: Any, w: Any, b: Any, width_axis: int, tail: bool
) -> list[Any]:
    """The three pairs' verdicts |T_l(k1)| ≤ |T_l(k2)| r, each of a's shape (module docstring)."""
    import jax.numpy as jnp

    t1, az1, eps1 = _frequency_parts(k1, fhat1, a, w, b, width_axis, tail)
    t2, az2, eps2 = _frequency_parts(k2, fhat2, a, w, b, width_axis, tail)
    r = jnp.exp(az1 - az2) * (eps1 / eps2)
    return [jnp.abs(x1) <= jnp.abs(x2) * r for x1, x2 in zip(t1, t2)]


def bad_union_fused(
    k1: float,
    k2: float,
    fhat1: complex,
    fhat2: complex,
    a: Float[Array, "n m"],
    w: Float[Array, "n m"],
    b: Float[Array, "n m"],
    *,
    width_axis: int = -1,
    tail: bool = False,
) -> Bool[Array, " n"]:
    """Theorem 1's union per network, ``any_{l,j} |∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|``: :func:`bad_pairs_fused`
    reduced over the pairs and the width, without stacking the pairs (at m = 10 about a tenth faster).

    Args:
        k1, k2, fhat1, fhat2, a, w, b, width_axis, tail: as for :func:`bad_pairs_fused`.

    Returns:
        boolean (n,).
    """
    pa, pw, pb = _pair_verdicts(k1, k2, fhat1, fhat2, a, w, b, width_axis, tail)
    return (pa | pw | pb).any(axis=0 if width_axis == 0 else -1)


def bad_theorem2_fused(
    k1: float,
    k2: float,
    fhat1: complex,
    fhat2: complex,
    a: Float[Array, "n m"],
    w: Float[Array, "n m"],
    b: Float[Array, "n m"],
    *,
    width_axis: int = -1,
    tail: bool = False,
) -> Bool[Array, " n"]:
    """The complement of Theorem 2's S, ``|∇L(k1)| < |∇L(k2)|`` (Xu et al. 2020, arXiv:1901.06523, Theorem 2), for
    use inside jitted float64 jax code: :func:`fptheory.numeric._bad_sets.bad_theorem2`'s log-domain sums over the
    3m gradients, with ``log|∂L(k)/∂θ_lj| = log|T_l(k)| - n_l log|w_j| - |z_j| - log ε_{z_j} + log 2`` from the
    kernel's T, |z| and ε (module docstring).

    Args:
        k1, k2: the two frequencies, 0 < k1 < k2 (Python floats).
        fhat1, fhat2: the target's transform there (Python complex).
        a, w, b: the parameters of n networks of width m, each (n, m), w ≠ 0 with |k2/w| ≤ 1e300.
        width_axis: -1, or 0 for parameters given as (m, n) arrays.
        tail: as for :func:`bad_pairs_fused`.

    Returns:
        boolean (n,): the same verdicts as :func:`fptheory.numeric._bad_sets.bad_theorem2`.
    """
    import jax.numpy as jnp

    log_w = jnp.log(jnp.abs(w))
    log_scale = jnp.stack([-n * log_w for n in reduced_gradient_powers()])

    def log_norm2(k: float, fhat: complex) -> Any:
        t, az, eps = _frequency_parts(k, fhat, a, w, b, width_axis, tail)
        x = jnp.log(jnp.abs(jnp.stack(t))) + log_scale - (az + jnp.log(eps) - _LOG2)
        return log_sum_exp2(x.swapaxes(1, 2) if width_axis == 0 else x, jnp)

    return log_norm2(k1, fhat1) < log_norm2(k2, fhat2)
