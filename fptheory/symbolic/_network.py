"""Transform, per-frequency loss and gradients of a two-layer network (docs/theory.md §2-3).

The network is ``h(x) = Σ_{j=1}^m a_j σ(w_j x + b_j)`` with real parameters ``θ_j = (a_j, w_j, b_j)``.
Its transform (paper Eq. 26) is assembled by sympy from the derived activation transform and the
derived scaling-and-shift rule; the per-frequency loss ``L(k) = ½|ĥ(k) - f̂(k)|²`` (Eq. 27) and its
gradients (Eqs. 28-30) are sympy derivatives. Nothing here is typed in as a result: the formulas of
docs/theory.md are the claims that :mod:`proofs` checks these derivations against.

For tanh, with ``z = πk/(2w)`` and ``ψ = bk/w``:
``ĥ_j(k) = -iπ a_j e^{iψ_j} / (|w_j| sinh z_j)``.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from fptheory._checks import InputError
from fptheory.symbolic._activation import activation_transform
from fptheory.symbolic._fourier import b, k, scaling_shift_factor, w
from fptheory.symbolic._stored import stored

__all__ = [
    "PARAMETERS",
    "a",
    "D_re",
    "D_im",
    "f_re",
    "f_im",
    "neuron_transform",
    "network_transform_expr",
    "neuron_transform_gradient",
    "neuron_loss_gradient",
    "network_loss",
    "network_loss_gradient",
    "reduced_gradient",
    "scaled_reduced_gradient",
    "G",
    "zcothz_minus_one_series",
    "exponent",
    "phase",
]

#: Names of a neuron's parameters in the order (a, w, b) — the paper's l = 1, 2, 3.
PARAMETERS: tuple[str, ...] = ("a", "w", "b")

a = sp.Symbol("a", real=True)
#: Real and imaginary parts of the residual D(k) = ĥ(k) - f̂(k) and of the target f̂(k).
D_re, D_im = sp.symbols("D_re D_im", real=True)
f_re, f_im = sp.symbols("f_re f_im", real=True)

#: z = πk/(2w): the transform of a tanh neuron decays like e^{-|z|}.
exponent: sp.Expr = sp.pi * k / (2 * w)
#: ψ = bk/w: the phase a neuron's bias puts on its transform.
phase: sp.Expr = b * k / w


def _symbol(name: str) -> sp.Symbol:
    return {"a": a, "w": w, "b": b}[name]


def neuron_parameters(j: int) -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    """Symbols (a_j, w_j, b_j) of neuron j (1-based, as in the paper).

    Args:
        j: the neuron's index, ≥ 1.

    Returns:
        the real sympy symbols (a_j, w_j, b_j): output weight, input weight, bias.
    """
    return (
        sp.Symbol(f"a_{j}", real=True),
        sp.Symbol(f"w_{j}", real=True, nonzero=True),
        sp.Symbol(f"b_{j}", real=True),
    )


@cache
def neuron_transform(activation: str = "tanh") -> sp.Expr:
    """``FT[a σ(w x + b)](k) = a e^{ibk/w} σ̂(k/w) / |w|`` in the symbols a, w, b, k."""
    sigma_hat = activation_transform(activation).transform
    return a * scaling_shift_factor() * sigma_hat.subs(k, k / w)


@cache
def network_transform_expr(m: int, activation: str = "tanh") -> sp.Expr:
    """``ĥ(k) = Σ_{j=1}^m FT[a_j σ(w_j x + b_j)](k)`` with parameters from :func:`neuron_parameters`."""
    if not isinstance(m, int) or m < 1:
        raise InputError(f"m (number of neurons) must be an integer >= 1; got {m!r}")
    one = neuron_transform(activation)
    return sp.Add(*(one.subs(dict(zip((a, w, b), neuron_parameters(j)))) for j in range(1, m + 1)))


@cache
def neuron_transform_gradient(activation: str = "tanh") -> dict[str, sp.Expr]:
    """``∂ĥ_j(k)/∂θ_lj`` for l = a, w, b (sympy derivatives of :func:`neuron_transform`)."""
    h = neuron_transform(activation)
    return {name: sp.diff(h, _symbol(name)) for name in PARAMETERS}


@cache
def neuron_loss_gradient(activation: str = "tanh") -> dict[str, sp.Expr]:
    """``∂L(k)/∂θ_lj = Re(conj(D) ∂ĥ_j/∂θ_lj)`` as real expressions in a, w, b, k, D_re, D_im.

    The chain rule ``∂(½|D|²)/∂θ = Re(conj(D) ∂D/∂θ)`` is itself a sympy identity checked in
    ``proofs/``; here it is applied to the derived ``∂ĥ_j/∂θ`` (only neuron j's term depends on θ_j).
    """
    D = D_re + sp.I * D_im
    return {
        name: sp.re(sp.expand_complex(sp.conjugate(D) * grad))
        for name, grad in neuron_transform_gradient(activation).items()
    }


@cache
def network_loss(m: int, activation: str = "tanh") -> sp.Expr:
    """``L(k) = ½ |ĥ(k) - f̂(k)|²`` as a real expression (f̂ = f_re + i f_im), Eq. 27."""
    re, im = (network_transform_expr(m, activation) - (f_re + sp.I * f_im)).as_real_imag()
    return (re**2 + im**2) / 2


@cache
def network_loss_gradient(m: int, activation: str = "tanh") -> dict[str, sp.Expr]:
    """``∂L(k)/∂θ`` of :func:`network_loss`, differentiated directly: keys ``a_1, w_1, b_1, …``."""
    loss = network_loss(m, activation)
    return {str(s): sp.diff(loss, s) for j in range(1, m + 1) for s in neuron_parameters(j)}


#: G = z coth z - 1 ≥ 0 (the reduced w-gradient contains 2w - πk coth z = -2wG, which cancels for small z).
G = sp.Symbol("G", nonnegative=True)


@stored("reduced_gradient")
def reduced_gradient() -> dict[str, sp.Expr]:
    """``P_l = ∂ĥ_j/∂θ_l · sinh(z) e^{-iψ}`` for tanh: the gradient without its exponential factor.

    ``∂ĥ_j/∂θ_l = e^{iψ} P_l / sinh(z)``, and sympy reduces each ``P_l`` to an expression in a, w, b,
    k and ``coth z`` alone, which is then written through ``G = z coth z - 1`` (finite, no cancellation
    once G is evaluated by :func:`zcothz_minus_one_series` for small z). The numeric layer evaluates
    ``log|∂L/∂θ_l| = log|Re(conj(D) e^{iψ} P_l)| - log|sinh z|`` with no overflow (Eq. 31).
    """
    carrier = sp.Symbol("CARRIER")
    reduced = {}
    for name, grad in neuron_transform_gradient("tanh").items():
        free = grad.subs(sp.exp(sp.I * phase), carrier)
        expr = sp.simplify(free * sp.sinh(exponent) / carrier)
        expr = sp.simplify(expr.subs(sp.tanh(exponent), exponent / (1 + G)))
        leftover = expr.atoms(sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.exp) | (expr.free_symbols & {carrier})
        if leftover:
            raise RuntimeError(f"P_{name} still contains {leftover}: {expr}")
        reduced[name] = expr
    return reduced


@stored("scaled_reduced_gradient")
def scaled_reduced_gradient() -> dict[str, tuple[sp.Expr, int]]:
    """``(Q_l, n_l)`` with ``P_l = Q_l / |w|^{n_l}`` and ``Q_l`` bounded as ``w → 0`` (n = 1, 3, 2 for a, w, b).

    ``n_l`` is the degree in w of ``P_l``'s denominator (``|w|`` counted as ``w``). ``Q_l`` holds w only
    through ``G w`` and ``sign(w)``, and ``G w → (πk/2) sign(w)`` as w → 0, so it stays finite for every
    float64 w with finite ``k/w``; the numeric layer carries ``-n_l log|w|`` in the log domain instead of
    multiplying by ``|w|^{-n_l}``, which overflows float64 once ``|w| < 1e-103`` (n = 3).
    """
    out = {}
    for name, expr in reduced_gradient().items():
        _, denominator = sp.fraction(sp.together(expr))
        n = sp.Poly(denominator.subs(sp.Abs(w), w), w).degree()
        sgn = sp.Symbol("SIGN_W")  # |w| = SIGN_W · w with SIGN_W² = 1
        scaled = sp.expand(sp.cancel((expr * sp.Abs(w) ** n).subs(sp.Abs(w), sgn * w)))
        scaled = sp.factor(scaled.replace(lambda e: e.is_Pow and e.base == sgn, lambda e: sgn ** (e.exp % 2)))
        scaled = scaled.subs(sgn, sp.sign(w))
        if w in sp.fraction(sp.together(scaled))[1].free_symbols:
            raise RuntimeError(f"Q_{name} = {scaled} still divides by w")
        out[name] = (scaled, int(n))
    return out


@cache
def zcothz_minus_one_series(order: int = 24) -> sp.Expr:
    """Taylor polynomial of ``z coth z - 1`` about 0 up to (not including) ``z**order``.

    ``z coth z - 1 = z²/3 - z⁴/45 + …``; its radius of convergence is π (poles of coth at iπ), so at
    ``|z| ≤ 1/2`` the omitted terms are below ``(1/(2π))^order``.
    """
    zs = sp.Symbol("z")
    return sp.series(zs * sp.coth(zs) - 1, zs, 0, order).removeO()
