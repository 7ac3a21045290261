"""Paper Eqs. 27-31: per-frequency loss, its gradients, and their exponential factor (docs/theory.md §3).

The claims of docs/theory.md §3 (signs as derived there) are typed here as the statements to check; the
left-hand sides are fptheory's sympy derivatives of L(k) = ½|ĥ(k) - f̂(k)|².
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from fptheory.proof import Proof, Step, digits_agree, interval_bound, sympy_identity
from fptheory.symbolic._fourier import b, k, w
from fptheory.symbolic._network import (
    D_im,
    D_re,
    a,
    f_im,
    f_re,
    network_loss_gradient,
    network_transform_expr,
    neuron_loss_gradient,
    neuron_parameters,
    neuron_transform_gradient,
)

A = sp.Symbol("A", positive=True)
phi = sp.Symbol("phi", real=True)
psi = b * k / w
z = sp.pi * k / (2 * w)
g = (2 * sp.pi / sp.Abs(w)) * (-1 / (2 * sp.sinh(z)))


def _polar(name: str) -> sp.Expr:
    return neuron_loss_gradient("tanh")[name].subs({D_re: A * sp.cos(phi), D_im: A * sp.sin(phi)})


def _chain_rule() -> str:
    t = sp.Symbol("t", real=True)
    dr, di = sp.Function("D_r")(t), sp.Function("D_i")(t)
    D = dr + sp.I * di
    derivative = sp.diff((dr**2 + di**2) / 2, t)
    formula = sp.conjugate(D) * sp.diff(D, t)
    # D_r, D_i and their derivatives are real: name them by real symbols, then take the real part.
    real = dict(zip((sp.diff(dr, t), sp.diff(di, t), dr, di), sp.symbols("Dr1 Di1 Dr Di", real=True)))
    return sympy_identity(derivative.subs(real), sp.re(sp.expand(formula.subs(real))))


def _locality() -> str:
    m = 3
    h = network_transform_expr(m)
    for j in range(1, m + 1):
        params = neuron_parameters(j)
        for name, symbol in zip(("a", "w", "b"), params):
            local = neuron_transform_gradient()[name].subs(dict(zip((a, w, b), params)))
            sympy_identity(sp.diff(h, symbol), local)
    return "sympy: ∂ĥ/∂θ_lj = ∂ĥ_j/∂θ_lj for all 9 parameters of m = 3"


def _grad_a() -> str:
    return sympy_identity(_polar("a"), A * g * sp.sin(phi - psi))


def _grad_b() -> str:
    return sympy_identity(_polar("b"), -A * a * g * (k / w) * sp.cos(psi - phi))


def _grad_w() -> str:
    claim = A * a * g * (
        sp.sin(phi - psi) * (-1 / w + (sp.pi * k / (2 * w**2)) * sp.coth(z)) + (b * k / w**2) * sp.cos(psi - phi)
    )
    return sympy_identity(_polar("w"), claim)


def _direct() -> str:
    """Direct differentiation of the real loss (m = 2) equals the per-neuron formula, at 30 digits."""
    m = 2
    direct = network_loss_gradient(m)
    h = network_transform_expr(m)
    symbols = [s for j in range(1, m + 1) for s in neuron_parameters(j)]
    rng = np.random.default_rng(20261123)
    values, refs = [], []
    with mpmath.workdps(40):
        for _ in range(5):
            point = {s: sp.Float(v, 40) for s, v in zip(symbols, rng.uniform(-2, 2, size=len(symbols)))}
            point.update({k: sp.Float(rng.uniform(0.5, 3), 40), f_re: sp.Float(0.7, 40), f_im: sp.Float(-0.3, 40)})
            residual = sp.N(h.subs(point) - (f_re + sp.I * f_im).subs(point), 40)
            for j in range(1, m + 1):
                params = neuron_parameters(j)
                for name, symbol in zip(("a", "w", "b"), params):
                    local = neuron_loss_gradient()[name].subs(dict(zip((a, w, b), params)))
                    local = local.subs(point).subs({D_re: sp.re(residual), D_im: sp.im(residual)})
                    values.append(mpmath.mpf(str(sp.N(direct[str(symbol)].subs(point), 40))))
                    refs.append(mpmath.mpf(str(sp.N(local, 40))))
    return digits_agree(values, refs, 30, "∂L/∂θ, direct vs Re(conj(D) ∂ĥ_j/∂θ), m = 2, 5 random points")


def _factor_a() -> str:
    # |∂L/∂a_j| = A (π/|w|) e^{-|z|} F with F = |sin(φ - ψ)| · 2/(1 - e^{-2|z|}): bounded by 2.314 for |z| ≥ 1.
    return interval_bound(lambda t: 2 / (1 - mpmath.iv.exp(-2 * t)), 1, float("inf"), lower=2, upper=2.314, pieces=1)


def _eq31_form() -> str:
    # |g| = (2π/|w|)|E| and |E| e^{|z|} = 1/(1 - e^{-2|z|}): the gradient is A e^{-|z|} times a factor free
    # of the exponential. Check the identity |∂L/∂a| = A (π/|w|) e^{-|z|} |sin(φ-ψ)| · 2/(1-e^{-2|z|}) for z > 0.
    zp, wp = sp.symbols("z_p w_p", positive=True)
    lhs = sp.Abs(A * (2 * sp.pi / wp) * (-1 / (2 * sp.sinh(zp))))
    rhs = A * (sp.pi / wp) * sp.exp(-zp) * 2 / (1 - sp.exp(-2 * zp))
    return sympy_identity(lhs, rhs)


PROOF = Proof(
    name="eq27-31",
    title="Per-frequency loss gradients of a two-layer tanh network and their exponential factor",
    source="Xu, Zhang, Luo, Xiao, Ma (2020), Frequency Principle: Fourier Analysis Sheds Light on Deep Neural "
           "Networks, arXiv:1901.06523, Eqs. 27-31",
    steps=(
        Step("chain-rule", "∂(½|D|²)/∂θ = Re(conj(D) ∂D/∂θ) for D = D_r(θ) + i D_i(θ)", _chain_rule),
        Step("locality", "∂ĥ(k)/∂θ_lj = ∂ĥ_j(k)/∂θ_lj: only neuron j's term depends on θ_j", _locality),
        Step("grad-a", "∂L(k)/∂a_j = A g_j sin(φ - ψ_j), g_j = (2π/|w_j|) E_j, ψ_j = b_j k/w_j", _grad_a),
        Step("grad-b", "∂L(k)/∂b_j = -A a_j g_j (k/w_j) cos(ψ_j - φ)", _grad_b),
        Step(
            "grad-w",
            "∂L(k)/∂w_j = A a_j g_j [sin(φ-ψ_j)(-1/w_j + (πk/(2w_j²)) coth(πk/(2w_j))) + (b_j k/w_j²) cos(ψ_j-φ)]",
            _grad_w,
        ),
        Step("direct", "differentiating the real L(k) of an m = 2 network directly gives the same gradients "
             "(5 random points, 30 digits)", _direct, "check"),
        Step("eq31", "|∂L/∂a_j| = A (π/|w_j|) e^{-π|k|/(2|w_j|)} |sin(φ-ψ_j)| · 2/(1 - e^{-π|k|/|w_j|})", _eq31_form),
        Step("eq31-bound", "the factor 2/(1 - e^{-π|k|/|w|}) lies in [2, 2.314] whenever π|k|/(2|w|) ≥ 1", _factor_a),
    ),
)
