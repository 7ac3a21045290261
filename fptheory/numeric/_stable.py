"""Stable, log-domain evaluation of the tanh network's transform and per-frequency gradients.

The plain formulas (:mod:`fptheory.symbolic._compiled`) overflow once ``|z| = π|k|/(2|w|)`` passes
about 710 (sinh), and their jax gradients turn NaN well before; the theorems live exactly there
(small parameters). Here every factor ``1/sinh z`` is carried as ``sign(z) · e^{-log|sinh z|}`` with
``log|sinh z| = |z| + log(-expm1(-2|z|)) - log 2`` (exact for every z ≠ 0), so that

    log|∂L(k)/∂θ_lj| = log A(k) - |z_j| + log F_lj          (paper Eq. 31)

with ``F_lj = |Re(e^{i(ψ_j - φ)} P_lj)| · 2 / (1 - e^{-2|z_j|})`` free of the exponential. The reduced
gradients are evaluated as ``P_l = Q_l / |w|^{n_l}`` (:func:`fptheory.symbolic._network.scaled_reduced_gradient`)
with ``-n_l log|w|`` carried in the log, so nothing overflows for any float64 ``w`` with finite ``k/w``
(``P_w ∝ |w|^{-3}`` alone would overflow below ``|w| ≈ 1e-103``).

The phase ``ψ = bk/w`` reaches 1e13 for ``|w| = 1e-8``; float64 ``sin(b*k/w)`` is then wrong in its
first digit. :func:`reduced_phase` computes ``ψ mod 2π`` with double-double arithmetic (Dekker's
exact products and a four-part 2π), accurate to about 1e-15 absolute for ``|ψ| < 2^52``; the gradients scale
b, k, w by powers of two first (b·k may overflow where ψ does not) and reduce ``|ψ| > 2^50`` with mpmath.

The gradients (:func:`log_abs_loss_gradient`, :func:`loss_gradient`, :func:`log_gradient_factor`) carry every
factor as a logarithm and a sign, so that they are the float64 value of the exact gradient for every finite
input, bar two ranges they refuse: ``|k/w| > 1e300`` and ``0 < |bk/w| < 1e-290`` (docs/theory.md §3 says how).

All functions take numpy arrays; pass ``backend="jax"`` for jax arrays (jit/grad/vmap friendly). The jax
backend needs float64 and raises ``InputError`` when it is off: enable ``jax_enable_x64`` in your program or
call inside ``with jax.enable_x64(True):`` — fptheory never switches it on for the process. Shapes follow
:mod:`fptheory.symbolic._compiled`: neurons on the last
axis of ``a, w, b``; ``k`` and ``fhat`` broadcast against the leading axes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import mpmath
import numpy as np
import sympy as sp

from fptheory._checks import InputError, as_finite, check_broadcast, check_nonzero, is_traced
from fptheory._typing import Array, ArrayLike, Complex, Float, Inexact
from fptheory.symbolic._compiled import compile_expression, jax_float64
from fptheory.symbolic._fourier import b, k, w
from fptheory.symbolic._network import PARAMETERS, G, a, scaled_reduced_gradient, zcothz_minus_one_series

__all__ = [
    "log_abs_sinh",
    "log_abs_E",
    "reduced_phase",
    "zcothz_minus_one",
    "network_transform",
    "loss_gradient",
    "log_abs_loss_gradient",
    "log_gradient_factor",
]

_LOG2 = math.log(2.0)
_DEKKER = 134217729.0  # 2^27 + 1: splits a double into two 26-bit halves
_TWO26 = 67108864.0  # 2^26
_MAX_K_OVER_W = 1e300  # z = πk/(2w) and ψ = bk/w stay finite, with room for the series and products


def array_module(backend: str) -> Any:
    if backend == "numpy":
        return np
    if backend == "jax":
        return jax_float64()
    raise InputError(f"backend must be 'numpy' or 'jax'; got {backend!r}")


def _two_pi_parts() -> tuple[float, float, float, float]:
    """2π = C1 + C2 + C3 + C4: C1..C3 have 26 significant bits (so n·Ci is exact for |n| < 2^27)."""
    with mpmath.workdps(80):
        rest = 2 * mpmath.pi
        parts = []
        for _ in range(3):
            exponent = int(mpmath.floor(mpmath.log(abs(rest), 2)))
            scale = mpmath.mpf(2) ** (25 - exponent)
            part = mpmath.nint(rest * scale) / scale
            parts.append(float(part))
            rest -= part
        parts.append(float(rest))
    return tuple(parts)  # type: ignore[return-value]


_TWO_PI = _two_pi_parts()


def _split(x: Any) -> tuple[Any, Any]:
    t = _DEKKER * x
    hi = t - (t - x)
    return hi, x - hi


def _two_prod(x: Any, y: Any) -> tuple[Any, Any]:
    """x*y = p + e exactly (Dekker), without relying on a fused multiply-add."""
    p = x * y
    xh, xl = _split(x)
    yh, yl = _split(y)
    return p, ((xh * yh - p) + xh * yl + xl * yh) + xl * yl


def _reduced_phase_dd(b_: Any, k_: Any, w_: Any, xp: Any) -> Any:
    p, p_err = _two_prod(b_, k_)
    q = p / w_
    t, t_err = _two_prod(q, w_)
    q_low = (((p - t) - t_err) + p_err) / w_  # ψ = q + q_low to about 2^-104 relative
    n = xp.round(q / (2 * math.pi))
    n_high = xp.round(n / _TWO26) * _TWO26  # n = n_high + n_low, each times a 26-bit Ci is exact
    n_low = n - n_high
    y = q
    for c in _TWO_PI:
        y = (y - n_high * c) - n_low * c
    return y + q_low


def reduced_phase(
    b_: Float[ArrayLike, "*batch"], k_: Float[ArrayLike, "*batch"], w_: Float[ArrayLike, "*batch"], *, backend: str = "numpy"
) -> Float[Array, "*batch"]:
    """``(b k / w) mod 2π`` in [-π, π], with the product and quotient carried in double-double.

    numpy: entries with |bk/w| ≤ π are already in range (float64 error below 2e-15) and are not recomputed.

    Args:
        b_, k_, w_: bias, frequency and weight (w ≠ 0), arrays that broadcast together.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        ψ reduced to [-π, π], of the broadcast shape, to about 1e-15 absolute even for |bk/w| ≫ 1.
    """
    xp = array_module(backend)
    if backend != "numpy":
        return _reduced_phase_dd(b_, k_, w_, xp)
    b_, k_, w_ = (np.asarray(v, dtype=float) for v in (b_, k_, w_))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        out = np.array(b_ * k_ / w_, copy=True)
    big = ~(np.abs(out) <= math.pi)
    if big.any():
        b_, k_, w_ = np.broadcast_arrays(b_, k_, w_)  # only here: broadcasting costs more than the product
        b_, k_, w_ = b_[big], k_[big], w_[big]
        log_psi = np.log(np.abs(b_)) + np.log(np.abs(k_)) - np.log(np.abs(w_))
        out[big] = _reduced(np, k_, w_, b_, log_psi, backend)
    return out


def log_sum_exp(values: Any) -> float:
    """``log Σ e^v`` over a short sequence of floats (-inf entries allowed; -inf when empty), with numpy alone: the
    rare-event estimators call it once or more per sample, where scipy's ``logsumexp`` costs about half a
    millisecond a call."""
    x = np.asarray(values, dtype=float).reshape(-1)
    if not x.size:
        return -math.inf
    top = float(x.max())
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.exp(x - top).sum()))


def log_sum_exp2(x: Any, xp: Any) -> Any:
    """``log Σ_lj exp(2 x_lj)`` of log-gradients of shape (3, n, m) over the pair and neuron axes (-inf entries
    allowed), shape (n,): the log of a squared gradient norm, for the numpy or jax module ``xp``."""
    top = xp.max(x, axis=(0, 2))
    top = xp.where(xp.isfinite(top), top, 0.0)
    return 2 * top + xp.log(xp.sum(xp.exp(2 * (x - top[None, :, None])), axis=(0, 2)))


def _log_abs(x: Any, xp: Any) -> Any:
    """log|x|, -inf at 0 without a numpy warning (a zero gradient has log -inf, by definition)."""
    with np.errstate(divide="ignore"):
        return xp.log(xp.abs(x))


def log_abs_sinh(z: Float[ArrayLike, "*batch"], *, backend: str = "numpy") -> Float[Array, "*batch"]:
    """``log|sinh z| = |z| + log(-expm1(-2|z|)) - log 2``: finite and accurate for every real z ≠ 0.

    Args:
        z: real arguments, any shape.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        log|sinh z|, same shape; -inf at z = 0.
    """
    xp = array_module(backend)
    az = xp.abs(z)
    return az + xp.log(-xp.expm1(-2 * az)) - _LOG2


@cache
def _series_fn(backend: str) -> Callable:
    zs = sp.Symbol("z")
    return compile_expression(sp.horner(zcothz_minus_one_series()), (zs,), backend)


def zcothz_minus_one(z: Float[ArrayLike, "*batch"], *, backend: str = "numpy") -> Float[Array, "*batch"]:
    """``G(z) = z coth z - 1`` without cancellation: Taylor series (Horner) for |z| ≤ 1/2, direct beyond.

    Args:
        z: real arguments, any shape (G(0) = 0).
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        G(z), same shape, to about 1e-15 relative for every z.
    """
    xp = array_module(backend)
    if backend == "numpy":
        z = np.asarray(z, dtype=float)
        small = np.abs(z) <= 0.5
        with np.errstate(divide="ignore", invalid="ignore"):
            out = z / np.tanh(z) - 1
        if small.any():
            out = np.array(out, copy=True)
            out[small] = _series_fn(backend)(z[small])
        return out
    small = xp.abs(z) <= 0.5
    z_big = xp.where(small, 1.0, z)
    return xp.where(small, _series_fn(backend)(z) + 0 * z, z_big / xp.tanh(z_big) - 1)


def _inputs(backend: str, k_: Any, a_: Any = 1.0, w_: Any = 1.0, b_: Any = 0.0, fhat: Any = 0.0) -> tuple:
    """Check the arguments (finite, k ≠ 0, w ≠ 0, k/w finite, shapes) and return (xp, k, a, w, b, fhat)."""
    xp = array_module(backend)
    for name, value in (("k", k_), ("a", a_), ("w", w_), ("b", b_)):
        as_finite(name, value)
    as_finite("fhat", fhat, complex_ok=True)
    check_nonzero("k", k_, "the transforms are evaluated for k ≠ 0")
    check_nonzero("w", w_, "FT[σ(wx+b)] has a 1/|w| and k/w")
    params = check_broadcast(a=np.shape(a_), w=np.shape(w_), b=np.shape(b_))
    check_broadcast(k=np.shape(k_) + (1,), parameters=params, fhat=np.shape(fhat) + (1,))
    if not (is_traced(k_) or is_traced(w_)):
        with np.errstate(over="ignore", divide="ignore"):
            ratio = np.abs(np.asarray(k_, dtype=float))[..., None] / np.abs(np.asarray(w_, dtype=float))
        if not np.all(ratio <= _MAX_K_OVER_W):
            raise InputError(f"w is too small for k: |k/w| must be at most {_MAX_K_OVER_W:.0e} (float64 range); "
                             f"got {float(np.max(ratio)):.3g}")
    real = [xp.asarray(v, dtype=float) for v in (k_, a_, w_, b_)]
    return (xp, *real, xp.asarray(fhat))


def log_abs_E(k_: Float[ArrayLike, "*batch"], w_: Float[ArrayLike, "*batch"], *, backend: str = "numpy") -> Float[Array, "*batch"]:
    """``log|E(k)|`` with ``E = -1/(2 sinh(πk/(2w)))`` (docs/theory.md §2); ≈ -π|k|/(2|w|) for small |w|.

    Args:
        k_: frequencies k, any shape broadcasting with ``w_``.
        w_: input weights w ≠ 0.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        log|E(k)|, of the broadcast shape; finite for every k ≠ 0 and every w ≠ 0.
    """
    _, kk, _, ww, _, _ = _inputs(backend, k_, w_=w_)
    return -_LOG2 - log_abs_sinh(math.pi * kk / (2 * ww), backend=backend)


def _neuron_terms(xp: Any, k_: Any, w_: Any, b_: Any, backend: str) -> tuple[Any, Any, Any]:
    """Per neuron: z, the carrier e^{iψ} from the reduced phase, and 1/sinh z as sign · e^{-log|sinh|}."""
    kk = k_[..., None]
    z = math.pi * kk / (2 * w_)
    psi = reduced_phase(b_, kk, w_, backend=backend)
    carrier = xp.cos(psi) + 1j * xp.sin(psi)
    return z, carrier, xp.sign(z) * xp.exp(-log_abs_sinh(z, backend=backend))


def _transform(xp: Any, a_: Any, w_: Any, carrier: Any, inv_sinh: Any) -> Any:
    return xp.sum(-1j * math.pi * a_ / xp.abs(w_) * carrier * inv_sinh, axis=-1)


def network_transform(
    k_: Float[ArrayLike, "*batch"], a_: Float[ArrayLike, "*batch m"], w_: Float[ArrayLike, "*batch m"], b_: Float[ArrayLike, "*batch m"],
    *, backend: str = "numpy",
) -> Complex[Array, "*batch"]:
    """The transform of a two-layer tanh network (docs/theory.md §2; Xu et al. 2020, arXiv:1901.06523, Eq. 26)::

        ĥ(k) = Σ_j -iπ a_j e^{iψ_j} / (|w_j| sinh z_j),   z_j = πk/(2w_j),  ψ_j = b_j k/w_j,

    with ``f̂(k) = ∫ f(x) e^{-ikx} dx``. Evaluated in the log domain: it underflows to 0, never to inf or NaN.

    Args:
        k_: frequencies, shape (*batch), nonzero.
        a_, w_, b_: the neurons' parameters, shape (*batch, m) (neurons on the last axis), w nonzero.
        backend: "numpy", or "jax" (needs float64 on; jit/grad/vmap friendly).

    Returns:
        ĥ(k), complex, shape (*batch).
    """
    xp, kk, aa, ww, bb, _ = _inputs(backend, k_, a_, w_, b_)
    _, carrier, inv_sinh = _neuron_terms(xp, kk, ww, bb, backend)
    with np.errstate(over="ignore", invalid="ignore"):
        out = _transform(xp, aa, ww, carrier, inv_sinh)
    if backend == "numpy" and not np.all(np.isfinite(out)):
        raise InputError("ĥ(k) exceeds float64 (above 1.8e308) for these a, w: its modulus is "
                         "π|a|/(|w| |sinh(πk/(2w))|) per neuron")
    return out


@cache
def reduced_gradient_fns(backend: str) -> tuple[Callable, ...]:
    """The scaled reduced gradients Q_l(k, a, w, b, G) compiled for ``backend`` (P_l = Q_l / |w|^{n_l})."""
    exprs = scaled_reduced_gradient()
    return tuple(compile_expression(exprs[name][0], (k, a, w, b, G), backend) for name in PARAMETERS)


#: n_l of :func:`fptheory.symbolic._network.scaled_reduced_gradient`, in the order (a, w, b).
def reduced_gradient_powers() -> tuple[int, ...]:
    """n_l of :func:`fptheory.symbolic._network.scaled_reduced_gradient`, in the order (a, w, b)."""
    return tuple(scaled_reduced_gradient()[name][1] for name in PARAMETERS)


_TINY = 1e-8  # below this |z|, log|sinh z| = log|z| and G(z) = z²/3 to float64 accuracy
_LOG_TINY = math.log(_TINY)
_MIN_PHASE = 1e-290  # a nonzero |bk/w| below this leaves sin ψ subnormal: refused (b = 0 is exact)
_DD_PHASE = 2.0**50  # up to here double-double reduces ψ mod 2π to ~1e-15; beyond, numpy reduces with mpmath


@cache
def gradient_monomials() -> tuple[tuple[tuple[complex, tuple[int, ...]], ...], ...]:
    """Each reduced gradient ``Q_l`` (l = a, w, b) as its monomials: ``(coefficient, (p_a, p_k, p_b, p_w, p_G, p_s))``
    with ``Q_l = Σ coefficient · a^p_a k^p_k b^p_b w^p_w G^p_G sign(w)^p_s``, read off the sympy derivation
    (:func:`fptheory.symbolic._network.scaled_reduced_gradient`), so that each term can be carried as a logarithm."""
    s = sp.Symbol("SIGN_W")
    gens = (a, k, b, w, G, s)
    table = []
    for name in PARAMETERS:
        expr = sp.expand(scaled_reduced_gradient()[name][0].subs(sp.sign(w), s))
        if not expr.free_symbols <= set(gens):
            raise RuntimeError(f"Q_{name} = {expr} has symbols outside {gens}")
        poly = sp.Poly(expr, *gens)
        table.append(tuple((complex(sp.N(c, 30)), tuple(int(p) for p in m)) for m, c in poly.terms()))
    return tuple(table)


def _add_signed(x: tuple[Any, Any], y: tuple[Any, Any], xp: Any) -> tuple[Any, Any]:
    """``(log|s e^l + t e^m|, sign)`` of two (log, sign) pairs; a pair with sign 0 or log -inf is 0."""
    (lx, sx), (ly, sy) = x, y
    lx, ly = xp.where(sx == 0, -math.inf, lx), xp.where(sy == 0, -math.inf, ly)
    top = xp.maximum(lx, ly)
    top = xp.where(xp.isfinite(top), top, 0.0)
    total = sx * xp.exp(lx - top) + sy * xp.exp(ly - top)
    return top + _log_abs(total, xp), xp.sign(total)


def _signed_log_sum(terms: list[tuple[Any, Any]], xp: Any) -> tuple[Any, Any]:
    """``(log|Σ s_i e^{l_i}|, sign(Σ s_i e^{l_i}))`` of (log, sign) pairs that broadcast together.

    The terms are added largest first, one at a time, each sum carried as a logarithm: where the largest terms
    cancel exactly (a structural zero, as two neurons with a_1 = -a_2), the smaller ones that follow are kept,
    however far below the largest (a single common scale would round them to 0)."""
    if len(terms) == 1:
        return terms[0]
    if len(terms) == 2:
        return _add_signed(terms[0], terms[1], xp)
    if len(terms) == 3:  # the two largest first, without a sort
        (l0, s0), (l1, s1), (l2, s2) = ((xp.where(s == 0, -math.inf, lg), s) for lg, s in terms)
        first = (l0 <= l1) & (l0 <= l2)
        second = ~first & (l1 <= l2)
        small = (xp.where(first, l0, xp.where(second, l1, l2)), xp.where(first, s0, xp.where(second, s1, s2)))
        one = (xp.where(first, l1, l0), xp.where(first, s1, s0))
        other = (xp.where(first | second, l2, l1), xp.where(first | second, s2, s1))
        return _add_signed(_add_signed(one, other, xp), small, xp)
    shape = xp.broadcast_shapes(*(xp.shape(lg) for lg, _ in terms), *(xp.shape(s) for _, s in terms))
    logs = xp.stack([xp.broadcast_to(xp.where(s == 0, -math.inf, lg), shape) for lg, s in terms])
    signs = xp.stack([xp.broadcast_to(s * 1.0, shape) for _, s in terms])
    order = xp.argsort(-logs, axis=0)
    logs, signs = xp.take_along_axis(logs, order, axis=0), xp.take_along_axis(signs, order, axis=0)
    total = (logs[0], signs[0])
    for i in range(1, len(terms)):
        total = _add_signed(total, (logs[i], signs[i]), xp)
    return total


def _frexp_exponent(x: Any, xp: Any) -> Any:
    return xp.frexp(xp.where(x == 0, 1.0, x))[1]


def _phase_mod_2pi_mpmath(b_: float, k_: float, w_: float) -> float:
    """``(b k / w) mod 2π`` in [-π, π] for |bk/w| beyond double-double's reach, with just enough mpmath bits."""
    magnitude = abs(math.log2(abs(b_))) + abs(math.log2(abs(k_))) + abs(math.log2(abs(w_)))
    with mpmath.workprec(int(magnitude) + 128):
        psi = mpmath.mpf(b_) * mpmath.mpf(k_) / mpmath.mpf(w_)
        two_pi = 2 * mpmath.pi
        return float(psi - two_pi * mpmath.nint(psi / two_pi))


def _reduced(xp: Any, kk: Any, w_: Any, b_: Any, log_psi: Any, backend: str) -> Any:
    """ψ = bk/w mod 2π: double-double reduction after scaling b, k and w by powers of two (exact: b·k may overflow
    or underflow where ψ does not) up to |ψ| = 2^50, mpmath reduction (numpy) beyond; ``log_psi`` is log|ψ|."""
    e_b, e_k = _frexp_exponent(b_, xp), _frexp_exponent(kk, xp)
    scaled = (log_psi <= math.log(_DD_PHASE)) & (b_ != 0)
    e_b, e_k = xp.where(scaled, e_b, 0), xp.where(scaled, e_k, 0)
    b_s = xp.ldexp(xp.where(scaled, b_, 0.0), -e_b)
    k_s = xp.ldexp(xp.where(scaled, kk, 1.0), -e_k)
    w_s = xp.ldexp(xp.where(scaled, w_, 1.0), -(e_b + e_k))
    psi = _reduced_phase_dd(b_s, k_s, w_s, xp)
    if backend == "numpy":
        huge = log_psi > math.log(_DD_PHASE)
        if huge.any():
            psi = np.array(psi, copy=True)
            bb, kb, wb = np.broadcast_arrays(b_, kk, w_)
            psi[huge] = [_phase_mod_2pi_mpmath(*v) for v in zip(bb[huge], kb[huge], wb[huge], strict=True)]
    return psi


def _phase(xp: Any, kk: Any, w_: Any, b_: Any, log_psi: Any, backend: str) -> tuple[Any, Any]:
    """cos ψ and sin ψ for ψ = bk/w (:func:`_reduced`)."""
    psi = _reduced(xp, kk, w_, b_, log_psi, backend)
    return xp.cos(psi), xp.sin(psi)


def _check_phase(k_: Any, w_: Any, b_: Any, backend: str) -> None:
    """Refuse a nonzero |bk/w| below 1e-290 (sin ψ subnormal) and, for jax, above 2^50 (numpy reduces it exactly)."""
    if any(is_traced(v) for v in (k_, w_, b_)):
        return
    with np.errstate(divide="ignore"):
        log_psi = (np.log(np.abs(np.asarray(b_, dtype=float))) + np.log(np.abs(np.asarray(k_, dtype=float)))[..., None]
                   - np.log(np.abs(np.asarray(w_, dtype=float))))
    tiny = np.isfinite(log_psi) & (log_psi < math.log(_MIN_PHASE))
    if tiny.any():
        raise InputError(f"b is too small for k/w: the phase |b·k/w| must be 0 or at least {_MIN_PHASE:.0e} (below, "
                         f"sin(bk/w) is subnormal in float64); got about 1e{float(log_psi[tiny].min()) / math.log(10):.0f}")
    if backend != "numpy" and np.any(log_psi > math.log(_DD_PHASE)):
        raise InputError(f"the phase |b·k/w| must be at most 2^50 ≈ {_DD_PHASE:.3g} for backend='jax' (float64 reduces it "
                         f"mod 2π no further); got about 1e{float(log_psi.max()) / math.log(10):.0f}: use backend='numpy', which reduces "
                         "it exactly")


class _LogParts(NamedTuple):
    """``∂L/∂θ_lj = sign · exp(scale_big + scale_small + log_t + log_scale - |z_j| + excess_j)``; the huge and the
    moderate parts of each logarithm are kept apart until the end, so that moderate factors are not rounded away
    against a huge one (at |z| = 1e99 a float64 logarithm has no digits below 1e83)."""

    xp: Any
    log_t: Any  # log|T_l| - S, T_l = Re(conj(D) e^{iψ_j} Q_lj), shape (3, *batch, m)
    sign_t: Any
    log_scale: Any  # -n_l log|w_j|, shape (3, *batch, m)
    abs_z: Any  # |z_j|, shape (*batch, m)
    excess: Any  # |z_j| - log|sinh z_j| = log 2 - log(1 - e^{-2|z_j|}), shape (*batch, m)
    sign_z: Any
    scale_big: Any  # S = scale_big + scale_small: -|z| of the largest neuron, or 0; shape (*batch, 1)
    scale_small: Any
    log_d: Any  # log|D| - S, D = ĥ - f̂, shape (*batch)

    def log_gradient(self) -> Any:
        return (self.scale_big - self.abs_z) + (self.scale_small + self.log_t + self.log_scale + self.excess)


def _log_parts(k_: Any, a_: Any, w_: Any, b_: Any, fhat: Any, backend: str) -> _LogParts:
    """Every factor of ``∂L(k)/∂θ_lj = Re(conj(D) e^{iψ_j} Q_lj) / (|w_j|^{n_l} sinh z_j)`` as a logarithm and a sign.

    Nothing is multiplied out of float64 range: |k|, |a|, |w|, |b|, |f̂|'s parts enter as logarithms. Neuron i's
    term of ĥ is |ĥ_i| = e^{M_i - |z_i|}; the neurons are scaled against the one of least |z|, with the
    differences of M and of |z| taken separately (two neurons of equal w differ by their a however large |z|).
    D's real and imaginary parts, rotated by e^{iψ_j}, are signed sums (:func:`_signed_log_sum`) of the ĥ part
    and f̂'s parts, so a gradient that lives only in ĥ's own tiny term (b = 0, real f̂: ∂L/∂a ∝ e^{-2|z|}) is kept
    rather than rounded to 0. Neuron j's own term of conj(ĥ)e^{iψ_j} is i·sign(a_j z_j)·|ĥ_j| exactly (its
    phase cancels), so it is added as that; the other neurons' terms are exclusive sums, recomputed one neuron at
    a time where a common scale may have rounded one away (numpy, and jax on concrete arrays; inside jit, grad or
    vmap the fast sums stand, which can miss a neuron e^-745 below the largest where the larger terms cancel).
    """
    xp, kk, aa, ww, bb, ff = _inputs(backend, k_, a_, w_, b_, fhat)
    _check_phase(k_, w_, b_, backend)
    kk = kk[..., None]
    log_k, log_w = _log_abs(kk, xp), _log_abs(ww, xp)
    log_a, log_b = _log_abs(aa, xp), _log_abs(bb, xp)
    sign_z = xp.sign(kk) * xp.sign(ww)
    log_z = math.log(math.pi / 2) + log_k - log_w
    tiny_z = log_z < _LOG_TINY
    abs_z = xp.where(tiny_z, xp.exp(log_z), math.pi / 2 * xp.abs(kk / xp.where(tiny_z, 1.0, ww)))  # |k/w| ≤ 1e300
    z_safe = xp.where(tiny_z, 1.0, abs_z)
    excess = xp.where(tiny_z, abs_z - log_z, _LOG2 - xp.log(-xp.expm1(-2 * z_safe)))
    log_g = xp.where(tiny_z, 2 * log_z - math.log(3.0), xp.log(zcothz_minus_one(z_safe, backend=backend)))
    cos_psi, sin_psi = _phase(xp, kk, ww, bb, log_b + log_k - log_w, backend)

    # |ĥ_i| = π|a_i| / (|w_i| |sinh z_i|) = e^{M_i - |z_i|}, against the neuron of least |z| among a ≠ 0
    shape = xp.broadcast_shapes(aa.shape, ww.shape, bb.shape, kk.shape)
    abs_z, excess, log_g, sign_z = (xp.broadcast_to(v, shape) for v in (abs_z, excess, log_g, sign_z))
    moderate = xp.broadcast_to(math.log(math.pi) + log_a - log_w + excess, shape)
    z_live = xp.where(xp.isfinite(moderate), abs_z, math.inf)
    ref = xp.argmin(z_live, axis=-1)[..., None]
    z_ref = xp.take_along_axis(abs_z, ref, axis=-1)
    m_ref = xp.take_along_axis(moderate, ref, axis=-1)
    m_ref = xp.where(xp.isfinite(m_ref), m_ref, 0.0)
    rel = (moderate - m_ref) - (abs_z - z_ref)  # log|ĥ_i| - log|ĥ_ref|, -inf where a_i = 0
    top_rel = xp.max(rel, axis=-1, keepdims=True)
    top_rel = xp.where(xp.isfinite(top_rel), top_rel, 0.0)
    rel = rel - top_rel  # ≤ 0; log|ĥ_i| = rel_i + L, L = (-z_ref) + (m_ref + top_rel)
    l_big, l_small = -z_ref, m_ref + top_rel
    sigma = xp.sign(aa) * sign_z
    r = xp.exp(rel)
    v_re, v_im = sigma * r * sin_psi, -sigma * r * cos_psi  # ĥ_i e^{-L}
    others_re, others_im = _exclusive_sum(v_re, xp), _exclusive_sum(v_im, xp)
    # conj(ĥ) e^{iψ_j} e^{-L} = conj(others) e^{iψ_j} + i sigma_j r_j
    h_re = others_re * cos_psi + others_im * sin_psi
    h_im = others_re * sin_psi - others_im * cos_psi + sigma * r
    u_re, u_im = xp.sum(v_re, axis=-1), xp.sum(v_im, axis=-1)
    h_x, h_y = (_log_abs(h_re, xp), xp.sign(h_re)), (_log_abs(h_im, xp), xp.sign(h_im))
    d_x, d_y = (_log_abs(u_re, xp), xp.sign(u_re)), (_log_abs(u_im, xp), xp.sign(u_im))
    if not any(is_traced(v) for v in (k_, a_, w_, b_, fhat)):  # traced jax keeps the fast sums (documented)
        pairs = tuple((np.asarray(lg), np.asarray(sn)) for lg, sn in (h_x, h_y, d_x, d_y))
        rel_n, sigma_n, cos_n, sin_n = (np.asarray(v) for v in (rel, sigma, cos_psi, sin_psi))
        fixed = _exact_where_underflowed(rel_n, sigma_n, cos_n, sin_n,
                                         tuple(np.asarray(v) for v in (h_re, h_im, u_re, u_im)), pairs)
        if fixed is not pairs:
            h_x, h_y, d_x, d_y = ((xp.asarray(lg), xp.asarray(sn)) for lg, sn in fixed)

    # S: the ĥ scale L where it is at least f̂'s, else f̂'s; every sum below is taken relative to S
    f_re, f_im = xp.real(ff)[..., None], xp.imag(ff)[..., None]
    log_fr, log_fi = _log_abs(f_re, xp), _log_abs(f_im, xp)
    log_f = xp.maximum(log_fr, log_fi)
    h_first = xp.isneginf(log_f) | ((l_big + l_small) >= log_f)
    s_big = xp.where(h_first, l_big, 0.0)
    s_small = xp.where(h_first, l_small, log_f)
    off_h = xp.where(h_first, 0.0, (l_big + l_small) - log_f)  # L - S
    log_fr, log_fi = (log_fr - s_small) - s_big, (log_fi - s_small) - s_big  # log|f̂ parts| - S

    # conj(f̂) e^{iψ_j} = (f_re cos ψ_j + f_im sin ψ_j) + i (f_re sin ψ_j - f_im cos ψ_j), each product as a log
    log_c, log_s = _log_abs(cos_psi, xp), _log_abs(sin_psi, xp)
    s_fr, s_fi, s_c, s_s = xp.sign(f_re), xp.sign(f_im), xp.sign(cos_psi), xp.sign(sin_psi)
    # (X + iY) e^{-S} = conj(D) e^{iψ_j} e^{-S} = e^{L-S} (h_re + i h_im) - conj(f̂) e^{iψ_j} e^{-S}
    x_part = _signed_log_sum([(h_x[0] + off_h, h_x[1]), (log_fr + log_c, -s_fr * s_c), (log_fi + log_s, -s_fi * s_s)], xp)
    y_part = _signed_log_sum([(h_y[0] + off_h, h_y[1]), (log_fr + log_s, -s_fr * s_s), (log_fi + log_c, s_fi * s_c)], xp)
    logs = {"a": log_a, "k": log_k, "b": log_b, "w": log_w, "G": log_g}
    signs = {"a": xp.sign(aa), "k": xp.sign(kk), "b": xp.sign(bb), "w": xp.sign(ww), "G": 1.0, "s": xp.sign(ww)}
    log_t, sign_t = [], []
    for monomials in gradient_monomials():
        terms = []
        for coefficient, powers in monomials:
            log_m, sign_m = 0.0, 1.0
            for name, p in zip("akbwGs", powers, strict=True):
                if p:
                    sign_m = sign_m * signs[name] ** p
                    if name != "s":
                        log_m = log_m + p * logs[name]
            # Re((X + iY) c) = Re(c) X - Im(c) Y
            for part, weight in ((x_part, coefficient.real), (y_part, -coefficient.imag)):
                if weight:
                    terms.append((log_m + math.log(abs(weight)) + part[0], math.copysign(1.0, weight) * sign_m * part[1]))
        lt, st = _signed_log_sum(terms, xp)
        log_t.append(xp.broadcast_to(lt, shape))
        sign_t.append(xp.broadcast_to(st, shape))
    log_scale = xp.stack([xp.broadcast_to(-n * log_w, shape) for n in reduced_gradient_powers()])

    # D e^{-S} = e^{L-S} ĥ e^{-L} - f̂ e^{-S}, for log|D|
    d_re = _signed_log_sum([(d_x[0] + off_h[..., 0], d_x[1]), (log_fr[..., 0], -s_fr[..., 0])], xp)[0]
    d_im = _signed_log_sum([(d_y[0] + off_h[..., 0], d_y[1]), (log_fi[..., 0], -s_fi[..., 0])], xp)[0]
    big, small = xp.maximum(d_re, d_im), xp.minimum(d_re, d_im)
    big_safe = xp.where(xp.isfinite(big), big, 0.0)
    log_d = xp.where(xp.isfinite(big), big_safe + 0.5 * xp.log1p(xp.exp(2 * (small - big_safe))), -math.inf)
    return _LogParts(xp, xp.stack(log_t), xp.stack(sign_t), log_scale, abs_z, excess, sign_z, s_big, s_small, log_d)


_EXACT_CHUNK = 2_000_000  # pair terms (rows × m²) per block of the neuron-by-neuron recomputation


def _exact_where_underflowed(
    rel_log_h: Any, sigma: Any, cos_psi: Any, sin_psi: Any, fast: tuple[Any, ...], pairs: tuple[Any, ...]
) -> tuple[Any, ...]:
    """numpy: recompute (h_re, h_im) per neuron and (Re ĥ, Im ĥ) e^{-L} by :func:`_signed_log_sum` over the neurons, in
    the rows where a sum over two or more neurons came out below 1e-200 of its terms' size: there the larger terms
    cancelled (structurally, as b = 0 makes every sin(ψ_i - ψ_j) zero, or by chance), and a smaller neuron's term
    that a common scale rounded to 0 (|ĥ_i| below e^-745 of the largest, or r_i·sin ψ_i subnormal) may be all that
    is left. Elsewhere such terms are below the sums' rounding, and the fast sums stand."""
    shape = np.broadcast_shapes(rel_log_h.shape, sigma.shape, cos_psi.shape, sin_psi.shape)
    m = shape[-1]
    if m < 2:
        return pairs
    rel_log_h, sigma, cos_psi, sin_psi = (np.broadcast_to(v, shape) for v in (rel_log_h, sigma, cos_psi, sin_psi))
    size = np.exp(rel_log_h).sum(axis=-1)
    h_re, h_im, u_re, u_im = (np.broadcast_to(v, shape[: v.ndim]) for v in fast)
    small = (np.abs(h_re) <= 1e-200 * size[..., None]) | (np.abs(h_im) <= 1e-200 * size[..., None])
    rows = np.any(small, axis=-1) | (np.abs(u_re) <= 1e-200 * size) | (np.abs(u_im) <= 1e-200 * size)
    if not rows.any():
        return pairs
    full = (shape, shape, shape[:-1], shape[:-1])
    out = [(np.array(np.broadcast_to(lg, f)), np.array(np.broadcast_to(sn, f))) for (lg, sn), f in zip(pairs, full, strict=True)]
    index = np.flatnonzero(rows.reshape(-1))
    flat = [v.reshape(-1, m) for v in (rel_log_h, sigma, cos_psi, sin_psi)]
    step = max(1, _EXACT_CHUNK // (m * m))
    for start in range(0, index.size, step):
        chunk = index[start : start + step]
        new = _exact_sums(*(v[chunk] for v in flat))
        for (lg, sn), (new_lg, new_sn) in zip(out, new, strict=True):
            lg.reshape(-1, *lg.shape[len(shape) - 1 :])[chunk] = new_lg
            sn.reshape(-1, *sn.shape[len(shape) - 1 :])[chunk] = new_sn
    return tuple(out)


def _exact_sums(lh: Any, sg: Any, c: Any, s: Any) -> tuple[tuple[Any, Any], ...]:
    """For rows (R, m) of log|ĥ_i| - L, sign(a_i z_i), cos ψ_i, sin ψ_i: the neuron-by-neuron signed log-sums of
    h_re, h_im (shape (R, m), neuron j on the last axis) and of Re ĥ, Im ĥ e^{-L} (shape (R,))."""
    # conj(ĥ_i) e^{iψ_j} e^{-L} = sign_i |ĥ_i| e^{-L} (sin(ψ_i - ψ_j) + i cos(ψ_i - ψ_j)), on axes (R, j, i)
    sin_ij = s[:, None, :] * c[:, :, None] - c[:, None, :] * s[:, :, None]
    cos_ij = c[:, None, :] * c[:, :, None] + s[:, None, :] * s[:, :, None]

    def over_neurons(values: Any, signs: Any, logs: Any) -> tuple[Any, Any]:
        return _signed_log_sum([(logs[..., i] + _log_abs(values[..., i], np), signs[..., i] * np.sign(values[..., i]))
                                for i in range(values.shape[-1])], np)

    return (over_neurons(sin_ij, sg[:, None, :], lh[:, None, :]), over_neurons(cos_ij, sg[:, None, :], lh[:, None, :]),
            over_neurons(s, sg, lh), over_neurons(c, -sg, lh))  # ĥ_i = sign_i |ĥ_i| (sin ψ_i - i cos ψ_i)


def _exclusive_sum(x: Any, xp: Any) -> Any:
    """``Σ_{i≠j} x_i`` along the last axis, as a prefix plus a suffix sum: x_j is never added and taken away again
    (which would leave a rounding error of x_j's size where the others sum to far less)."""
    zero = xp.zeros_like(x[..., :1])
    before = xp.concatenate([zero, xp.cumsum(x[..., :-1], axis=-1)], axis=-1)
    after = xp.flip(xp.concatenate([zero, xp.cumsum(xp.flip(x[..., 1:], axis=-1), axis=-1)], axis=-1), axis=-1)
    return before + after


def loss_gradient(
    k_: Float[ArrayLike, "*batch"], a_: Float[ArrayLike, "*batch m"], w_: Float[ArrayLike, "*batch m"], b_: Float[ArrayLike, "*batch m"],
    fhat: Inexact[ArrayLike, "*batch"], *, backend: str = "numpy",
) -> Float[Array, "3 *batch m"]:
    """``∂L(k)/∂θ_lj`` stacked as (a, w, b) on a new leading axis; underflows to 0 for tiny |w|.

    Args:
        k_: the frequency k, shape (*batch).
        a_, w_, b_: output weights, input weights (≠ 0) and biases of the m neurons, shape (*batch, m).
        fhat: the target's transform f̂(k), complex, shape (*batch).
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        ∂L(k)/∂θ_lj of L(k) = |ĥ(k) - f̂(k)|²/2 (Xu et al. 2020, arXiv:1901.06523, Eqs. 28-30), shape (3, *batch, m)
        with l = a, w, b on the leading axis. Use :func:`log_gradient_factor` where it would underflow.
    """
    p = _log_parts(k_, a_, w_, b_, fhat, backend)
    out = p.sign_t * p.sign_z * p.xp.exp(p.log_gradient())
    if backend == "numpy" and not np.all(np.isfinite(out)):
        raise InputError("∂L(k)/∂θ exceeds float64 (above 1.8e308) for these inputs: use log_abs_loss_gradient, which "
                         "returns its logarithm")
    return out


def log_abs_loss_gradient(
    k_: Float[ArrayLike, "*batch"], a_: Float[ArrayLike, "*batch m"], w_: Float[ArrayLike, "*batch m"], b_: Float[ArrayLike, "*batch m"],
    fhat: Inexact[ArrayLike, "*batch"], *, backend: str = "numpy",
) -> Float[Array, "3 *batch m"]:
    """``log|∂L(k)/∂θ_lj|`` of ``L(k) = ½|ĥ(k) - f̂(k)|²`` (docs/theory.md §3; Xu et al. 2020, arXiv:1901.06523, Eqs. 27-31)::

        log|∂L(k)/∂θ_lj| = log|Re(conj(D) e^{iψ_j} Q_l)| - n_l log|w_j| - log|sinh z_j|,   D = ĥ - f̂,

    with the sympy-derived reduced gradients ``P_l = Q_l/|w|^{n_l}``: ≈ log A(k) - π|k|/(2|w_j|) + log F_lj.
    Finite wherever the gradient is nonzero, -inf where it is exactly 0; the float64 value of the exact gradient
    for every finite input with ``|k/w| ≤ 1e300`` and ``bk/w`` zero or at least 1e-290 in modulus (``InputError``
    otherwise; the jax backend also refuses ``|bk/w| > 2^50`` for concrete inputs, and cannot check traced ones).

    Args:
        k_: frequencies, shape (*batch), nonzero.
        a_, w_, b_: parameters, shape (*batch, m), w nonzero.
        fhat: the target's transform f̂(k), shape (*batch), real or complex.
        backend: "numpy", or "jax" (needs float64 on).

    Returns:
        shape (3, *batch, m): the pairs l = a, w, b on the leading axis, neuron j on the last.
    """
    return _log_parts(k_, a_, w_, b_, fhat, backend).log_gradient()


def log_gradient_factor(
    k_: Float[ArrayLike, "*batch"], a_: Float[ArrayLike, "*batch m"], w_: Float[ArrayLike, "*batch m"], b_: Float[ArrayLike, "*batch m"],
    fhat: Inexact[ArrayLike, "*batch"], *, backend: str = "numpy",
) -> Float[Array, "3 *batch m"]:
    """``log F_lj = log|∂L(k)/∂θ_lj| - log A(k) + π|k|/(2|w_j|)`` (Eq. 31), computed without cancelling.

    ``F_lj = |Re(e^{i(ψ_j - φ)} P_lj)| · 2/(1 - e^{-2|z_j|})`` is free of the exponential: it grows only
    polynomially in 1/|w_j| (like |w|^-1, |w|^-3, |w|^-2 for l = a, w, b).

    Args:
        k_: the frequency k, shape (*batch).
        a_, w_, b_: output weights, input weights (≠ 0) and biases of the m neurons, shape (*batch, m).
        fhat: the target's transform f̂(k), complex, shape (*batch).
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        log F_lj, shape (3, *batch, m) with l = a, w, b on the leading axis; -inf where the gradient is exactly 0.
    """
    p = _log_parts(k_, a_, w_, b_, fhat, backend)
    return p.log_t - p.log_d[..., None] + p.log_scale + p.excess
