"""Theorem 2 (docs/theory.md §5): under gradient flow the low-frequency loss decays faster, in a small ball.

Target with exactly two frequencies, L = L(k1) + L(k2), θ' = -∇L, dL(k)/dt = -∇L(k)·(∇L(k1) + ∇L(k2)).
S = {dL(k1)/dt ≤ 0 and dL(k1)/dt ≤ dL(k2)/dt}. The steps show S = {|∇L(k1)| ≥ |∇L(k2)|} and that its
complement lies in Theorem 1's union of bad sets, so μ(S^c ∩ B_δ)/μ(B_δ) ≤ C e^{-c/δ}.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2, theorem2_by_definition
from fptheory.numeric._ball import sample_ball
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Setting
from fptheory.proof import Proof, Step, StepFailed, interval_bound, sympy_identity


def _difference() -> str:
    g1 = sp.Matrix(sp.symbols("p1:5", real=True))
    g2 = sp.Matrix(sp.symbols("q1:5", real=True))
    total = g1 + g2
    dl1, dl2 = -(g1.T * total)[0], -(g2.T * total)[0]
    return sympy_identity(dl2 - dl1, (g1.T * g1)[0] - (g2.T * g2)[0]) + " (vectors of 4 symbolic components)"


def _cauchy_schwarz() -> str:
    # dL1/dt / |g1|² = -1 - ρ cos∠(g1, g2) with ρ = |g2|/|g1| ≤ 1 on S's second condition
    return interval_bound(lambda rho, cos: -1 - rho * cos, [(0.0, 1.0), (-1.0, 1.0)], upper=0, pieces=16)


def _set_proof() -> str:
    # with |∇L2| = ρ|∇L1| and ∇L1·∇L2 = ρ c |∇L1|² (|c| ≤ 1): dL2/dt - dL1/dt = |∇L1|²(1 - ρ²), so
    # dL1/dt ≤ dL2/dt ⟺ ρ ≤ 1, and then dL1/dt = -|∇L1|²(1 + ρc) ≤ 0 (cauchy-schwarz): S = {ρ ≤ 1}.
    rho, c, n1 = sp.symbols("rho c n1", real=True)
    dl1 = -(n1 + rho * c * n1)
    dl2 = -(rho * c * n1 + rho**2 * n1)
    return sympy_identity(dl2 - dl1, n1 * (1 - rho**2)) + " (n1 = |∇L1|², ρ = |∇L2|/|∇L1|, c = cos∠)"


def _inclusion_proof() -> str:
    # if |x_i| > |y_i| for every component then Σ x_i² - Σ y_i² = Σ x_i²(1 - t_i²) > 0, t_i = |y_i|/|x_i| < 1
    x, y = sp.symbols("x y", positive=True)
    identity = sympy_identity(x**2 - y**2, x**2 * (1 - (y / x) ** 2))
    bound = interval_bound(lambda t: 1 - t**2, 0.0, 1.0, lower=0, pieces=8)
    return f"{identity}; {bound}"


def _set() -> str:
    rng = np.random.default_rng(4)
    setting = Setting(2, 1.0, 2.0, 3, 1.0 + 0.3j, -0.5 + 1.0j)
    theta = sample_ball(20000, 9, 2.5, rng)
    a, w, b = theta[:, :3], theta[:, 3:6], theta[:, 6:]
    by_definition, clear = theorem2_by_definition(setting, a, w, b)
    reduced = ~bad_theorem2(setting, a, w, b)
    disagree = int(np.count_nonzero((by_definition != reduced) & clear))
    if disagree:
        raise StepFailed(f"{disagree} samples where the definition of S and |∇L1| ≥ |∇L2| disagree")
    return f"the definition and |∇L1| ≥ |∇L2| agree on all {int(clear.sum())} samples not on the boundary (δ = 2.5, m = 3)"


def _inclusion() -> str:
    rng = np.random.default_rng(3)
    setting = Setting(2, 1.0, 2.0, 3, 1.0 + 0.3j, -0.5 + 1.0j)
    theta = sample_ball(40000, 9, 2.5, rng)
    a, w, b = theta[:, :3], theta[:, 3:6], theta[:, 6:]
    complement = bad_theorem2(setting, a, w, b)
    union = bad_pairs(Setting(1, 1.0, 2.0, 3, 1.0 + 0.3j, -0.5 + 1.0j), a, w, b).any(axis=(0, 2))
    outside = int(np.count_nonzero(complement & ~union))
    if outside or not complement.any():
        raise StepFailed(f"{outside} samples of S^c lie outside ∪Q_lj (S^c has {complement.sum()} samples)")
    return f"no counterexample: all {int(complement.sum())} of 40000 samples in S^c (δ = 2.5, m = 3) lie in ∪Q_lj"


def _measure() -> str:
    rows = []
    for delta in (2.0, 1.5):
        p2 = plain_estimate(Setting(2, 1.0, 3.0, 1), delta, 200000, seed=5)
        p1 = plain_estimate(Setting(1, 1.0, 3.0, 1), delta, 200000, seed=5)
        if p2.hits > p1.hits:
            raise StepFailed(f"δ = {delta}: {p2.hits} samples in S^c but only {p1.hits} in ∪Q on the same samples")
        rows.append(f"δ = {delta}: S^c {p2.fraction:.2e} ≤ ∪Q {p1.fraction:.2e}")
    return "same samples, k1 = 1, k2 = 3, m = 1: " + "; ".join(rows)


PROOF = Proof(
    name="theorem2",
    title="Theorem 2: in B_δ the set where L(k1) does not decrease faster than L(k2) has measure ≤ C e^{-c/δ}",
    source="Xu, Zhang, Luo, Xiao, Ma (2020), Frequency Principle: Fourier Analysis Sheds Light on Deep Neural "
           "Networks, arXiv:1901.06523, Theorem 2",
    steps=(
        Step("difference", "dL(k2)/dt - dL(k1)/dt = |∇L(k1)|² - |∇L(k2)|²", _difference),
        Step("cauchy-schwarz", "if |∇L(k2)| ≤ |∇L(k1)| then dL(k1)/dt = -|∇L1|² - ∇L1·∇L2 ≤ 0", _cauchy_schwarz),
        Step("set", "hence S = {|∇L(k1)| ≥ |∇L(k2)|}", _set_proof),
        Step("set-samples", "the definition of S and |∇L(k1)| ≥ |∇L(k2)| agree on 20000 samples", _set, "check"),
        Step("inclusion", "S^c ⊂ ∪_{l,j} Q_lj: if every |∂L(k1)/∂θ_lj| > |∂L(k2)/∂θ_lj|, so are the sums of squares", _inclusion_proof),
        Step("inclusion-samples", "every sample of S^c lies in ∪Q_lj (40000 samples)", _inclusion, "check"),
        Step("measure", "so μ(S^c ∩ B_δ) ≤ μ(∪Q_lj ∩ B_δ) ≤ C e^{-c/δ} by Theorem 1; seen sample by sample", _measure, "check"),
    ),
)
