"""Theorem 1 (docs/theory.md §4, paper Eqs. 34-45): low frequencies dominate the gradient in a small ball.

For 0 < k1 < k2, |f̂(k1)| > 0, θ uniform in B_δ ⊂ R^{3m}: the bad set Q_lj = {|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|}
has relative measure at most C e^{-c/δ}. The steps follow the proof for l = a (the other pairs are alike).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from fptheory.numeric._ball import sample_ball
from fptheory.numeric._fit import fit_decay
from fptheory.numeric._rare_theorem1 import rare_estimate
from fptheory.numeric._setting import Setting
from fptheory.numeric._stable import network_transform
from fptheory.proof import Proof, Step, StepFailed, interval_bound, sympy_identity

K, M = 1.0, 3
FHAT = 0.8 + 0.6j


def _h_bound(delta: float) -> float:
    """|ĥ(k)| ≤ 2.314 π m e^{-πk/(2δ)} in B_δ when πk/(2δ) ≥ 1."""
    return 2.314 * math.pi * M * math.exp(-math.pi * K / (2 * delta))


def _monotone() -> str:
    w, k = sp.symbols("w k", positive=True)
    g = sp.exp(-sp.pi * k / (2 * w)) / w
    evidence = sympy_identity(sp.diff(g, w), sp.exp(-sp.pi * k / (2 * w)) * (sp.pi * k / 2 - w) / w**3)
    return f"{evidence}: g' = e^(-πk/(2w)) (πk/2 - w)/w³ ≥ 0 on 0 < w ≤ πk/2"


def _neuron_modulus() -> str:
    a, w, z = sp.symbols("a w z", positive=True)
    psi = sp.Symbol("psi", real=True)
    neuron = -sp.I * sp.pi * a * sp.exp(sp.I * psi) / (w * sp.sinh(z))
    return sympy_identity(sp.Abs(neuron), 2 * sp.pi * a * sp.exp(-z) / (w * (1 - sp.exp(-2 * z))))


def _factor() -> str:
    iv = mpmath.iv
    return interval_bound(lambda z: 2 / (1 - iv.exp(-2 * z)), 1, float("inf"), lower=2, upper=2.314, pieces=1)


def _h_bound_assembled() -> str:
    # |ĥ| ≤ Σ_j π|a_j| · 2.314 e^{-z_j}/|w_j| (modulus, factor) ≤ m π δ · 2.314 e^{-πk/(2δ)}/δ (|a_j| ≤ δ, monotone)
    m, delta, k = sp.symbols("m delta k", positive=True)
    c = sp.Rational(2314, 1000)
    return sympy_identity(m * sp.pi * delta * c * sp.exp(-sp.pi * k / (2 * delta)) / delta,
                          c * sp.pi * m * sp.exp(-sp.pi * k / (2 * delta)))


def _limits_proof() -> str:
    # D = ĥ - f̂ = -f̂ (1 + r e^{iθ}) with r e^{iθ} = -ĥ/f̂, r = |ĥ|/|f̂| < 1. Then ||D| - |f̂|| ≤ |f̂| r = |ĥ|
    # (triangle inequality), and α = arg(1 + r e^{iθ}) has Re > 0 and sin²α = r² sin²θ/|1 + re^{iθ}|² ≤ r²,
    # since |1 + re^{iθ}|² - sin²θ = (cos θ + r)² ≥ 0: so |φ - π - arg f̂| = |α| ≤ arcsin(|ĥ|/|f̂|).
    r, theta = sp.symbols("r theta", real=True)
    modulus_sq = (1 + r * sp.cos(theta)) ** 2 + (r * sp.sin(theta)) ** 2
    return sympy_identity(modulus_sq - sp.sin(theta) ** 2, (sp.cos(theta) + r) ** 2)


def _h_small() -> str:
    rng = np.random.default_rng(1)
    worst = []
    for delta in (0.5, 0.25, 0.125):
        theta = sample_ball(20000, 3 * M, delta, rng)
        h = np.abs(network_transform(np.full(20000, K), theta[:, :M], theta[:, M : 2 * M], theta[:, 2 * M :]))
        if h.max() > _h_bound(delta):
            raise StepFailed(f"δ = {delta}: max |ĥ| = {h.max():.3e} above the bound {_h_bound(delta):.3e}")
        worst.append(f"δ = {delta}: max |ĥ| = {h.max():.2e} ≤ {_h_bound(delta):.2e}")
    return "; ".join(worst) + " (20000 samples each, m = 3, k = 1)"


def _limits() -> str:
    rng = np.random.default_rng(2)
    rows, previous = [], math.inf
    target_phase = math.pi + math.atan2(FHAT.imag, FHAT.real)
    for delta in (0.5, 0.25, 0.125):
        theta = sample_ball(20000, 3 * M, delta, rng)
        D = network_transform(np.full(20000, K), theta[:, :M], theta[:, M : 2 * M], theta[:, 2 * M :]) - FHAT
        dev_A = np.max(np.abs(np.abs(D) - abs(FHAT)))
        dev_phi = np.max(np.abs(np.angle(D * np.exp(-1j * target_phase))))
        bound = _h_bound(delta)
        if not (dev_A <= bound and dev_phi <= math.asin(min(1.0, bound / abs(FHAT))) and dev_A < previous):
            raise StepFailed(f"δ = {delta}: |A - |f̂|| = {dev_A:.2e}, |φ - (π + arg f̂)| = {dev_phi:.2e}, bound {bound:.2e}")
        previous = dev_A
        rows.append(f"δ = {delta}: {dev_A:.1e}, {dev_phi:.1e}")
    return "max |A - |f̂||, max |φ - π - arg f̂| at shrinking δ (below the bound, decreasing): " + "; ".join(rows)


def _ratio_identity() -> str:
    z1, d = sp.symbols("z1 d", positive=True)
    return sympy_identity((1 - sp.exp(-2 * (z1 + d))) - (1 - sp.exp(-2 * z1)), sp.exp(-2 * z1) * (1 - sp.exp(-2 * d)))


def _ratio_bound() -> str:
    iv = mpmath.iv
    return interval_bound(lambda z1, d: iv.exp(-2 * z1) * (1 - iv.exp(-2 * d)), [(0.0, 20.0), (0.0, 20.0)], lower=0, pieces=16)


def _window_measure() -> str:
    # (2/π) arcsin η ≤ 0.67 η  ⟺  η ≤ sin(cη), c = 0.67 π/2, for cη ≤ π/2. From 1 - cos x ≥ 0 (integrated
    # three times from 0): sin x ≥ x - x³/6, so sin(cη)/η ≥ c - c³η²/6, which is ≥ 1 on [0, 1/2].
    iv = mpmath.iv
    c = iv.mpf("0.67") * iv.pi / 2
    first = interval_bound(lambda x: 1 - iv.cos(x), 0.0, 0.6, lower=0, pieces=64)
    second = interval_bound(lambda eta: c - c**3 * eta**2 / 6, 0.0, 0.5, lower=1, pieces=64)
    return f"1 - cos x ≥ 0: {first}; c - c³η²/6 ≥ 1: {second}"


def _decay() -> str:
    setting = Setting(1, 2.0, 3.0, 1)
    deltas = [setting.predicted_c / x for x in (10, 20, 40)]
    points = [rare_estimate(setting, d, 80, seed=40 + i) for i, d in enumerate(deltas)]
    fit = fit_decay(deltas, [p.fraction for p in points], [p.ci_low for p in points], [p.ci_high for p in points])
    if not fit.c > setting.predicted_c:
        raise StepFailed(f"fitted c = {fit.c:.3f} below the proof's {setting.predicted_c:.3f}")
    smallest = min(p.fraction for p in points)
    return (f"k1 = 2, k2 = 3, m = 1: fractions down to {smallest:.1e} (rare-event estimator); fitted c = {fit.c:.3f} "
            f"≥ π(k2-k1)/2 = {setting.predicted_c:.3f} (the proof's c is a bound; the windows give 1.997)")


PROOF = Proof(
    name="theorem1",
    title="Theorem 1: in B_δ the set where some |∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj| has measure ≤ C e^{-c/δ}",
    source="Xu, Zhang, Luo, Xiao, Ma (2020), Frequency Principle: Fourier Analysis Sheds Light on Deep Neural "
           "Networks, arXiv:1901.06523, Theorem 1 and its proof (Eqs. 34-45)",
    steps=(
        Step("monotone", "g(w) = e^{-πk/(2w)}/w increases on 0 < w ≤ πk/2, so its max over |w| ≤ δ is at δ", _monotone),
        Step("neuron-modulus", "|ĥ_j(k)| = 2π|a_j| e^{-z_j} / (|w_j|(1 - e^{-2z_j})), z_j = π|k|/(2|w_j|)", _neuron_modulus),
        Step("factor", "2/(1 - e^{-2z}) ∈ [2, 2.314] for z ≥ 1", _factor),
        Step("h-small", "so in B_δ with πk/(2δ) ≥ 1 (|a_j|, |w_j| ≤ δ): |ĥ(k)| ≤ 2.314 π m e^{-πk/(2δ)}", _h_bound_assembled),
        Step("h-small-samples", "the bound holds on 20000 uniform samples of B_δ at δ = 0.5, 0.25, 0.125", _h_small, "check"),
        Step("limits", "so A(k) → |f̂(k)| and φ(k) → π + arg f̂(k): |A - |f̂|| ≤ |ĥ|, |φ - π - arg f̂| ≤ arcsin(|ĥ|/|f̂|)", _limits_proof),
        Step("limits-samples", "the two deviations stay within that bound and shrink with δ on uniform samples", _limits, "check"),
        Step("ratio-identity", "(1 - e^{-2z2}) - (1 - e^{-2z1}) = e^{-2z1}(1 - e^{-2(z2-z1)})", _ratio_identity),
        Step("ratio", "so for 0 < z1 ≤ z2: |E(z2)|/|E(z1)| ≤ e^{-(z2-z1)} (the k2 gradient is e^{-π(k2-k1)/(2|w|)} smaller)", _ratio_bound),
        Step("window", "the phases with |sin x| ≤ η fill a share (2/π) arcsin η ≤ 0.67 η of the line (η ≤ 1/2)", _window_measure),
        Step("decay", "so μ(Q_aj ∩ B_δ)/μ(B_δ) ≤ C e^{-c/δ}, c = π(k2-k1)/2; the measured decay (rare-event estimates) "
             "is at least as fast", _decay, "check"),
    ),
)
