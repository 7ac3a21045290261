"""Numeric functions compiled from the sympy derivations (numpy and jax), vectorised over samples.

Every function here is ``sympy.lambdify`` of an expression from :mod:`fptheory.symbolic._network` or
:mod:`fptheory.symbolic._activation`; nothing is re-typed. These are the *plain* formulas: they
overflow for large ``|k/w|`` (sinh of a large argument) and their jax gradients turn NaN there.
Use :mod:`fptheory.numeric` for the log-domain, stable evaluation; use these to check it.

Shapes: the parameters ``a, w, b`` carry neurons on their last axis; ``k`` and ``fhat`` broadcast
against the parameters' leading axes. ``network_transform(k, a, w, b)`` has the broadcast shape of
``k`` and ``a[..., 0]``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

from fptheory._checks import InputError, as_finite, check_broadcast, check_nonzero
from fptheory.symbolic._activation import activation_transform
from fptheory.symbolic._fourier import b, k, w
from fptheory.symbolic._network import (
    PARAMETERS,
    D_im,
    D_re,
    a,
    neuron_loss_gradient,
    neuron_transform,
    neuron_transform_gradient,
)

__all__ = [
    "BACKENDS",
    "jax_float64",
    "compile_expression",
    "activation_transform_fn",
    "network_transform_fn",
    "loss_fn",
    "loss_gradient_fn",
]

BACKENDS: tuple[str, ...] = ("numpy", "jax")


def _module(backend: str) -> Any:
    if backend == "numpy":
        return np
    if backend == "jax":
        return jax_float64()
    raise InputError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")


def jax_float64() -> Any:
    """jax.numpy, once float64 is on: the theory's numerics need it, and the library does not switch it on for
    the whole process. ``InputError`` when it is off, saying how to turn it on (globally or in a scope)."""
    import jax
    import jax.numpy as jnp

    if not jax.config.read("jax_enable_x64"):
        raise InputError("backend='jax' evaluates in float64, which is off: call jax.config.update("
                         "'jax_enable_x64', True) at the start of your program, or work inside "
                         "`with jax.enable_x64(True):`")
    return jnp


def compile_expression(expr: sp.Expr, args: tuple[sp.Symbol, ...], backend: str = "numpy") -> Callable:
    """``sympy.lambdify`` for ``backend`` ('numpy' or 'jax'), reciprocal hyperbolics as 1/sinh, 1/tanh.

    Args:
        expr: the sympy expression.
        args: its free symbols, in the order the compiled function takes them.
        backend: "numpy" or "jax"; jax raises ``InputError`` unless float64 is enabled (the library never enables
            it for the process).

    Returns:
        a function of ``len(args)`` arrays that broadcast together, returning the expression's value on them.
    """
    _module(backend)
    plain = (
        expr.replace(sp.csch, lambda z: 1 / sp.sinh(z))
        .replace(sp.sech, lambda z: 1 / sp.cosh(z))
        .replace(sp.coth, lambda z: 1 / sp.tanh(z))
    )
    return sp.lambdify(args, plain, modules=backend)


def _check_inputs(k_: Any, a_: Any, w_: Any, b_: Any) -> None:
    for name, value in (("k", k_), ("a", a_), ("w", w_), ("b", b_)):
        as_finite(name, value)
    check_nonzero("k", k_, "the transforms are evaluated for k ≠ 0")
    check_nonzero("w", w_, "FT[σ(wx+b)] has a 1/|w| and k/w")
    params = check_broadcast(a=np.shape(a_), w=np.shape(w_), b=np.shape(b_))
    check_broadcast(k=np.shape(k_) + (1,), parameters=params)


@cache
def activation_transform_fn(activation: str = "tanh", backend: str = "numpy") -> Callable:
    """σ̂(k) for real k ≠ 0 (complex array)."""
    return compile_expression(activation_transform(activation).transform, (k,), backend)


@cache
def network_transform_fn(activation: str = "tanh", backend: str = "numpy") -> Callable:
    """``ĥ(k) = Σ_j a_j e^{ib_jk/w_j} σ̂(k/w_j)/|w_j|`` (Eq. 26), summed over the last axis."""
    xp = _module(backend)
    neuron = compile_expression(neuron_transform(activation), (k, a, w, b), backend)

    def network_transform(k_: Any, a_: Any, w_: Any, b_: Any) -> Any:
        _check_inputs(k_, a_, w_, b_)
        return xp.sum(neuron(xp.asarray(k_)[..., None], a_, w_, b_), axis=-1)

    return network_transform


@cache
def loss_fn(activation: str = "tanh", backend: str = "numpy") -> Callable:
    """``L(k) = ½|ĥ(k) - f̂(k)|²`` (Eq. 27)."""
    xp = _module(backend)
    transform = network_transform_fn(activation, backend)

    def loss(k_: Any, a_: Any, w_: Any, b_: Any, fhat: Any) -> Any:
        as_finite("fhat", fhat, complex_ok=True)
        return 0.5 * xp.abs(transform(k_, a_, w_, b_) - fhat) ** 2

    return loss


@cache
def loss_gradient_fn(activation: str = "tanh", backend: str = "numpy") -> Callable:
    """``∂L(k)/∂θ_lj = Re(conj(D) ∂ĥ_j/∂θ_lj)`` stacked as (a, w, b) on a new leading axis (Eqs. 28-30)."""
    xp = _module(backend)
    transform = network_transform_fn(activation, backend)
    exprs = neuron_loss_gradient(activation)
    parts = [compile_expression(exprs[name], (k, a, w, b, D_re, D_im), backend) for name in PARAMETERS]

    def loss_gradient(k_: Any, a_: Any, w_: Any, b_: Any, fhat: Any) -> Any:
        as_finite("fhat", fhat, complex_ok=True)
        residual = (transform(k_, a_, w_, b_) - fhat)[..., None]
        kk = xp.asarray(k_)[..., None]
        return xp.stack([p(kk, a_, w_, b_, xp.real(residual), xp.imag(residual)) for p in parts])

    return loss_gradient


@cache
def transform_gradient_fn(activation: str = "tanh", backend: str = "numpy") -> Callable:
    """``∂ĥ_j(k)/∂θ_lj`` (complex) stacked as (a, w, b) on a new leading axis."""
    xp = _module(backend)
    exprs = neuron_transform_gradient(activation)
    parts = [compile_expression(exprs[name], (k, a, w, b), backend) for name in PARAMETERS]

    def transform_gradient(k_: Any, a_: Any, w_: Any, b_: Any) -> Any:
        _check_inputs(k_, a_, w_, b_)
        kk = xp.asarray(k_)[..., None]
        return xp.stack([xp.broadcast_to(p(kk, a_, w_, b_), xp.broadcast_shapes(kk.shape, xp.shape(a_))) for p in parts])

    return transform_gradient
