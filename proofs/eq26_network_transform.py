"""Paper Eq. 26: the Fourier transform of a two-layer tanh network (docs/theory.md §1-2).

Each step checks a claim of the paper (typed here from the paper, as the statement to verify) against
what fptheory's sympy derivation produced, or checks a fact the derivation relies on.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from fptheory.proof import Proof, Step, digits_agree, interval_bound, sympy_identity
from fptheory.symbolic._activation import activation_transform, sech2_transform
from fptheory.symbolic._fourier import b, k, scaling_shift_factor, w, x
from fptheory.symbolic._network import a, neuron_transform

z_pos = sp.Symbol("z", positive=True)


def _derivative() -> str:
    return sympy_identity(sp.diff(sp.tanh(x), x), sp.sech(x) ** 2)


def _period() -> str:
    n = sp.Symbol("n", integer=True)
    return sympy_identity(sp.sech(x - sp.I * sp.pi * n) ** 2, sp.sech(x) ** 2)


def _residue() -> str:
    kp = sp.Symbol("k_p", positive=True)
    derived = dict(sech2_transform()[1])["residue of sech²(x) e^{-ikx} at x = -iπ/2 (k > 0)"]
    return sympy_identity(derived, sp.I * kp * sp.exp(-sp.pi * kp / 2))


def _sech2() -> str:
    return sympy_identity(sech2_transform()[0], sp.pi * k / sp.sinh(sp.pi * k / 2))


def _sech2_quadrature() -> str:
    """Independent check: 30-digit quadrature of ∫ sech²(x) cos(kx) dx (the sine part vanishes)."""
    derived = sp.lambdify(k, sech2_transform()[0], modules="mpmath")
    values, refs = [], []
    with mpmath.workdps(45):
        for kk in (mpmath.mpf("0.75"), mpmath.mpf(-3), mpmath.mpf(10)):
            integrand = lambda t: mpmath.sech(t) ** 2 * mpmath.cos(kk * t)
            edges = mpmath.linspace(0, 60, 241)
            values.append(2 * mpmath.quad(integrand, edges))
            refs.append(derived(kk))
        return digits_agree(values, refs, 30, "FT[sech²] at k = 0.75, -3, 10")


def _sigma_hat() -> str:
    return sympy_identity(activation_transform("tanh").transform, -sp.I * sp.pi * sp.csch(sp.pi * k / 2))


def _scaling() -> str:
    scaling_shift_factor()  # raises if either sign of w fails to give the unified factor
    return "sympy: substitution u = wx + b for w > 0 and w < 0 both give e^{ibk/w}/|w|"


def _paper_form() -> str:
    E = 1 / (sp.exp(-sp.pi * k / (2 * w)) - sp.exp(sp.pi * k / (2 * w)))
    paper = 2 * sp.pi * a * sp.I / sp.Abs(w) * sp.exp(sp.I * b * k / w) * E
    evidence = []
    for sign in ({"positive": True}, {"negative": True}):
        ws = sp.Symbol("w_s", real=True, **sign)
        evidence.append(sympy_identity(neuron_transform("tanh").subs(w, ws), paper.subs(w, ws)))
    return f"{evidence[0]} for w > 0 and for w < 0"


def _modulus() -> str:
    # |E| as a function of z = π|k|/(2|w|) > 0 (E is odd in z, so |E| depends on |z| only).
    modulus = sp.Abs(1 / (sp.exp(-z_pos) - sp.exp(z_pos)))
    return sympy_identity(modulus, sp.exp(-z_pos) / (1 - sp.exp(-2 * z_pos)))


def _decay_bound() -> str:
    # e^{|z|} |E| = 1/(1 - e^{-2|z|}) ≤ 1/(1 - e^{-2}) < 1.157 for |z| ≥ 1: pure exponential decay.
    return interval_bound(lambda t: 1 / (1 - mpmath.iv.exp(-2 * t)), 1, float("inf"), lower=1, upper=1.157, pieces=1)


PROOF = Proof(
    name="eq26",
    title="Fourier transform of a two-layer tanh network",
    source="Xu, Zhang, Luo, Xiao, Ma (2020), Frequency Principle: Fourier Analysis Sheds Light on Deep Neural "
           "Networks, arXiv:1901.06523, Eq. 26",
    steps=(
        Step("derivative", "tanh'(x) = sech²(x)", _derivative),
        Step("period", "sech²(x - iπn) = sech²(x) for integer n: poles of sech² repeat with period iπ", _period),
        Step("residue", "Res_{x=-iπ/2} sech²(x) e^{-ikx} = ik e^{-πk/2} (k > 0)", _residue),
        Step("sech2", "∫ sech²(x) e^{-ikx} dx = πk / sinh(πk/2) for real k ≠ 0 (residues, then evenness)", _sech2),
        Step("sech2-quadrature", "the same transform by 45-digit quadrature, to 30 digits", _sech2_quadrature, "check"),
        Step("sigma-hat", "σ̂(k) = FT[sech²](k)/(ik) = -iπ csch(πk/2) for k ≠ 0", _sigma_hat),
        Step("scaling", "FT[σ(wx+b)](k) = e^{ibk/w} σ̂(k/w) / |w| for either sign of w", _scaling),
        Step("eq26", "ĥ(k) = Σ_j (2π a_j i/|w_j|) e^{ib_jk/w_j} E_j(k), E_j = 1/(e^{-πk/(2w_j)} - e^{πk/(2w_j)})", _paper_form),
        Step("modulus", "|E_j(k)| = e^{-π|k|/(2|w_j|)} / (1 - e^{-π|k|/|w_j|})", _modulus),
        Step("decay", "e^{π|k|/(2|w|)} |E(k)| ∈ [1, 1.157] whenever π|k|/(2|w|) ≥ 1", _decay_bound),
    ),
)
