"""Shared test helpers: agreement of two estimates in standard errors, and random Theorem 1/2 settings.

The expected values a test compares with come from outside the code under test: plain Monte Carlo for the
rare-event estimators (a different algorithm on the same definition of the set), mpmath references, or
formulas typed from the papers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Estimate, Setting


def z_score(x: float, se_x: float, y: float, se_y: float) -> float:
    """(x - y) / sqrt(se_x² + se_y²): the difference of two independent estimates in combined standard errors."""
    se = math.hypot(se_x, se_y)
    return (x - y) / se if se > 0 else (0.0 if x == y else math.copysign(math.inf, x - y))


def rare_se(estimate: Estimate, towards: float) -> float:
    """The standard error a rare estimate's 95% interval claims on the side facing ``towards``: that half-width
    over Φ⁻¹(0.975). The interval is corrected for skewness (wider above), so a z against a reference uses
    the side the reference lies on."""
    half = estimate.ci_high - estimate.fraction if towards > estimate.fraction else estimate.fraction - estimate.ci_low
    return half / 1.959963984540054


def plain_se(estimate: Estimate) -> float:
    """Binomial standard error of a plain Monte-Carlo fraction."""
    p = estimate.fraction
    return math.sqrt(p * (1 - p) / estimate.samples)


def random_setting(rng: np.random.Generator, theorem: int) -> Setting:
    """0.5 ≤ k1 < k2 ≤ 4 (k2 - k1 ≥ 0.3), m in 1..4, f̂(k1) and f̂(k2) with moduli log-uniform in [0.3, 3]
    and phases uniform: the settings drawn at random against which the rare estimators are checked."""
    k1 = float(rng.uniform(0.5, 3.5))
    k2 = float(rng.uniform(k1 + 0.3, 4.0)) if k1 + 0.3 < 4.0 else 4.0
    m = int(rng.integers(1, 5))
    fhat = [complex(10 ** rng.uniform(-0.52, 0.48) * np.exp(1j * rng.uniform(0, 2 * math.pi))) for _ in range(2)]
    return Setting(theorem, round(k1, 3), round(k2, 3), m, fhat[0], fhat[1])


@dataclass(frozen=True)
class Anchor:
    """A δ at which plain Monte Carlo sees at least ``events`` bad samples, and that plain estimate."""

    delta: float
    plain: Estimate


def anchor_delta(setting: Setting, *, seed: int, samples: int = 200_000, events: int = 300,
                 target: float = 1e-2) -> Anchor | None:
    """Search log δ in [0.05, 20] (pilots of 20,000 plain samples) for a fraction near ``target``, then run
    ``samples`` plain samples there; None when no δ in the range gives ``events`` bad samples."""
    lo, hi = math.log(0.05), math.log(20.0)
    delta = 1.0
    for i in range(10):
        pilot = plain_estimate(setting, delta, 20_000, seed=seed + i)
        if target / 3 <= pilot.fraction <= target * 3:
            break
        if pilot.fraction < target:
            lo = math.log(delta)
        else:
            hi = math.log(delta)
        delta = math.exp(0.5 * (lo + hi))
    plain = plain_estimate(setting, delta, samples, seed=seed + 100)
    if plain.hits is None or plain.hits < events:
        return None
    return Anchor(delta, plain)


@dataclass(frozen=True)
class Draw:
    setting: Setting
    delta: float
    plain: Estimate
    rare: Estimate
    z: float


def rare_against_plain(theorem: int, estimator, draws: int, *, seed: int, rare_samples: int = 400) -> tuple[list[Draw], int]:
    """``draws`` random settings (:func:`random_setting`), each at a δ where plain Monte Carlo sees at least 300
    events (:func:`anchor_delta`), with the rare estimate's z against plain. Returns the draws and how many
    settings were passed over for want of such a δ in [0.05, 20]."""
    rng = np.random.default_rng(seed)
    out: list[Draw] = []
    passed_over = 0
    while len(out) < draws:
        setting = random_setting(rng, theorem)
        target = float(10 ** rng.uniform(math.log10(2e-3), math.log10(5e-2)))
        anchor = anchor_delta(setting, seed=int(rng.integers(2**31)), target=target)
        if anchor is None:
            passed_over += 1
            continue
        rare = estimator(setting, anchor.delta, rare_samples, seed=int(rng.integers(2**31)))
        z = z_score(rare.fraction, rare_se(rare, anchor.plain.fraction), anchor.plain.fraction, plain_se(anchor.plain))
        out.append(Draw(setting, anchor.delta, anchor.plain, rare, z))
    return out, passed_over


def assert_calibrated(draws: list[Draw], family_level: float = 0.01) -> None:
    """The z of many rare-vs-plain draws, as a calibrated estimator's would be: every |z| below the Bonferroni
    bound Φ⁻¹(1 - family_level/(2·draws)) (a draw past it has probability at most ``family_level`` among all
    of them; the per-draw 3.5 is passed by 150 standard normal draws only 93% of the time), and at most 10% of
    the draws beyond 1.96 (5% nominal: a reported error too small for many settings shows here first)."""
    from scipy.stats import norm

    bound = norm.ppf(1 - family_level / (2 * len(draws)))
    beyond = np.mean([abs(d.z) > 1.96 for d in draws])
    assert all(abs(d.z) <= bound for d in draws) and beyond <= 0.10, f"bound {bound:.2f}, beyond 1.96: {beyond:.1%}; " + describe(draws)


def assert_covers(draws: list[Draw], level: float = 0.01) -> None:
    """Intervals that cover (issue 35 item 4): among n draws, the share whose reference lies within the rare
    estimate's 95% interval, widened by the plain reference's own standard error (|z| ≤ 1.96, z against the side
    of the skewness-corrected interval the reference lies on), is consistent with 95% (two-sided exact binomial
    test at ``level``), and the mean z lies within 3/√n of 0 (an estimator that reads low on average, even by less
    than its error, shows here)."""
    from scipy.stats import binomtest

    n = len(draws)
    z = np.array([d.z for d in draws])
    covered = int(np.sum(np.abs(z) <= 1.959963984540054))
    p_value = binomtest(covered, n, 0.95).pvalue
    inside = sum(d.rare.ci_low <= d.plain.fraction <= d.rare.ci_high for d in draws)
    summary = (f"covered {covered}/{n} ({covered / n:.1%}; binomial p = {p_value:.3g}), plain point inside the rare "
               f"interval {inside}/{n}, mean z {z.mean():+.3f} (bound ±{3 / math.sqrt(n):.3f})")
    print(summary)
    assert p_value >= level and abs(z.mean()) <= 3 / math.sqrt(n), summary + "\n" + describe(draws)


def describe(draws: list[Draw]) -> str:
    """One line per draw, worst |z| first (printed by the property tests; shown with pytest -s)."""
    rows = sorted(draws, key=lambda d: -abs(d.z))
    lines = [f"{len(draws)} draws, worst |z| = {abs(rows[0].z):.2f}, mean z = {np.mean([d.z for d in draws]):+.2f}, "
             f"sd z = {np.std([d.z for d in draws]):.2f}"]
    for d in rows:
        s = d.setting
        lines.append(f"  z = {d.z:+.2f}  k = ({s.k1:g}, {s.k2:g}) m = {s.m} f̂ = ({s.fhat1:.2f}, {s.fhat2:.2f}) "
                     f"δ = {d.delta:.3g}: plain {d.plain.fraction:.3e} ({d.plain.hits} hits), rare {d.rare.fraction:.3e} "
                     f"± {d.rare.rel_se or 0:.1%} (ESS {d.rare.ess or 0:.0f}, k̂ {d.rare.pareto_k})")
    return "\n".join(lines)


def leading_order_c(setting: Setting) -> float:
    """The smallest leading-order decay constant for m = 1 (docs/theory.md §8), written out here from the theory,
    not taken from the package: the windows of the a and w pairs sit where sin(ψ - φ1) = 0 and those of the b pair
    where cos(ψ - φ1) = 0 (φ_i = arg(-f̂(k_i))); a window at phase ψ is admitted for |w| ≤ δ/sqrt(1 + (ψ/k1)²)
    and gives c = (π(k2 - k1)/2) · sqrt(1 + (ψ/k1)²), plus πk1/2 inside the root's factor where the k2 factor
    (sin or cos of (k2/k1)ψ - φ2) vanishes there too. Theorem 2's ellipses sit at the a-windows with twice the
    constant."""
    phi1 = math.atan2(-setting.fhat1.imag, -setting.fhat1.real)
    phi2 = math.atan2(-setting.fhat2.imag, -setting.fhat2.real)
    r, base = setting.k2 / setting.k1, math.pi * (setting.k2 - setting.k1) / 2
    best = math.inf
    families = [(0.0, math.sin)] if setting.theorem == 2 else [(0.0, math.sin), (math.pi / 2, math.cos)]
    for shift, factor in families:
        for n in range(-6, 7):
            psi = phi1 + shift + n * math.pi
            closed = abs(factor(r * psi - phi2)) < 1e-9
            if setting.theorem == 2 and closed:
                continue
            c = (base + (math.pi * setting.k1 / 2 if closed else 0.0)) * math.sqrt(1 + (psi / setting.k1) ** 2)
            best = min(best, c)
    return best * (2 if setting.theorem == 2 else 1)


def fitted_small_delta_c(setting: Setting, estimator, *, seed: int, samples: int = 200) -> tuple[float, tuple[float, float]]:
    """c fitted to rare estimates at c/δ = 60 … 600 (c the leading-order constant): (c, 95% interval)."""
    from fptheory.numeric import fit_decay_log

    c = leading_order_c(setting)
    points = [estimator(setting, c / x, samples, seed=seed + i) for i, x in enumerate((60, 100, 170, 300, 600))]
    rows = [(p.delta, *p.log_interval) for p in points if p.log_interval is not None]
    fit = fit_decay_log(*zip(*rows))
    return fit.c, fit.c_ci
