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
exact products and a four-part 2π), accurate to about 1e-15 absolute for ``|ψ| < 2^52``.

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
from typing import Any

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
    out = np.array(b_ * k_ / w_, copy=True)
    big = ~(np.abs(out) <= math.pi)
    if big.any():
        b_, k_, w_ = np.broadcast_arrays(b_, k_, w_)  # only here: broadcasting costs more than the product
        out[big] = _reduced_phase_dd(b_[big], k_[big], w_[big], np)
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
    return _transform(xp, aa, ww, carrier, inv_sinh)


@cache
def reduced_gradient_fns(backend: str) -> tuple[Callable, ...]:
    """The scaled reduced gradients Q_l(k, a, w, b, G) compiled for ``backend`` (P_l = Q_l / |w|^{n_l})."""
    exprs = scaled_reduced_gradient()
    return tuple(compile_expression(exprs[name][0], (k, a, w, b, G), backend) for name in PARAMETERS)


#: n_l of :func:`fptheory.symbolic._network.scaled_reduced_gradient`, in the order (a, w, b).
def reduced_gradient_powers() -> tuple[int, ...]:
    """n_l of :func:`fptheory.symbolic._network.scaled_reduced_gradient`, in the order (a, w, b)."""
    return tuple(scaled_reduced_gradient()[name][1] for name in PARAMETERS)


def _trig_parts(k_: Any, a_: Any, w_: Any, b_: Any, fhat: Any, backend: str) -> tuple[Any, Any, Any, Any, Any]:
    """xp, ``Re(conj(D) e^{iψ} Q_l)`` (stacked a, w, b), ``-n_l log|w|`` (stacked likewise), z, and D = ĥ - f̂.

    ``T_l = Re(conj(D) e^{iψ} P_l)`` is the first times ``exp`` of the second."""
    xp, kk, aa, ww, bb, ff = _inputs(backend, k_, a_, w_, b_, fhat)
    z, carrier, inv_sinh = _neuron_terms(xp, kk, ww, bb, backend)
    residual = _transform(xp, aa, ww, carrier, inv_sinh) - ff
    g = zcothz_minus_one(z, backend=backend)
    shape = xp.broadcast_shapes(z.shape, aa.shape, bb.shape)
    rotated = xp.conj(residual)[..., None] * carrier
    parts = [xp.real(rotated * xp.broadcast_to(p(kk[..., None], aa, ww, bb, g), shape)) for p in reduced_gradient_fns(backend)]
    log_w = xp.log(xp.abs(ww))
    log_scale = xp.stack([xp.broadcast_to(-n * log_w, shape) for n in reduced_gradient_powers()])
    return xp, xp.stack(parts), log_scale, z, residual


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
    xp, trig, log_scale, z, _ = _trig_parts(k_, a_, w_, b_, fhat, backend)
    return xp.sign(trig) * xp.sign(z) * xp.exp(_log_abs(trig, xp) + log_scale - log_abs_sinh(z, backend=backend))


def log_abs_loss_gradient(
    k_: Float[ArrayLike, "*batch"], a_: Float[ArrayLike, "*batch m"], w_: Float[ArrayLike, "*batch m"], b_: Float[ArrayLike, "*batch m"],
    fhat: Inexact[ArrayLike, "*batch"], *, backend: str = "numpy",
) -> Float[Array, "3 *batch m"]:
    """``log|∂L(k)/∂θ_lj|`` of ``L(k) = ½|ĥ(k) - f̂(k)|²`` (docs/theory.md §3; Xu et al. 2020, arXiv:1901.06523, Eqs. 27-31)::

        log|∂L(k)/∂θ_lj| = log|Re(conj(D) e^{iψ_j} Q_l)| - n_l log|w_j| - log|sinh z_j|,   D = ĥ - f̂,

    with the sympy-derived reduced gradients ``P_l = Q_l/|w|^{n_l}``: ≈ log A(k) - π|k|/(2|w_j|) + log F_lj.
    Finite wherever the gradient is nonzero, -inf where it is 0; correct for every float64 input with
    ``|k/w| ≤ 1e300`` (``InputError`` beyond).

    Args:
        k_: frequencies, shape (*batch), nonzero.
        a_, w_, b_: parameters, shape (*batch, m), w nonzero.
        fhat: the target's transform f̂(k), shape (*batch), real or complex.
        backend: "numpy", or "jax" (needs float64 on).

    Returns:
        shape (3, *batch, m): the pairs l = a, w, b on the leading axis, neuron j on the last.
    """
    xp, trig, log_scale, z, _ = _trig_parts(k_, a_, w_, b_, fhat, backend)
    return _log_abs(trig, xp) + log_scale - log_abs_sinh(z, backend=backend)


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
    xp, trig, log_scale, z, residual = _trig_parts(k_, a_, w_, b_, fhat, backend)
    log_a = _log_abs(residual, xp)[..., None]
    return _log_abs(trig, xp) + log_scale - log_a - xp.log(-xp.expm1(-2 * xp.abs(z))) + _LOG2
