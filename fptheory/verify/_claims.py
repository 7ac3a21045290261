"""The package's claims, registered in the order the report lists them: the proofs (Eq. 26, Eqs. 27-31,
Theorems 1 and 2), Parseval, the decay constants of Theorems 1 and 2 from the rare-event estimators, and
the training experiments (1-d, Rahaman et al.'s, Poisson's equation, the high-dimensional ones and parity).

Each claim is defined in one place below: its statement, full citation, statistic and threshold (the
constants its judge uses, named next to it). The tests run every claim through this registry at quick
scale; a full-scale run (``fptheory verify`` without ``--quick``) uses each experiment's default
configuration with the same statistic and threshold.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fptheory.verify._jobs import step_progress
from fptheory.verify._registry import LUO_2019, RAHAMAN_2019, WANG_LAI_2024, XU_2020, XU_OVERVIEW_2024, Claim, Evidence, Source, register

__all__: list[str] = []


def _source(paper: dict[str, Any], where: str) -> Source:
    return Source(**paper, where=where)


# --- proofs -------------------------------------------------------------------------------------------

_PROOFS = [
    ("eq26", "The transform of a tanh network is Σ_j a_j (iπ/|w_j|) e^{ikb_j/w_j} / sinh(πk/(2w_j)).", "Sec. 6, Eq. 26"),
    ("eq27-31", "The per-frequency loss gradients of one neuron carry the factor exp(-π|k|/(2|w|)).", "Sec. 6, Eqs. 27-31"),
    ("theorem1", "For small init δ the fraction of parameters on which a high frequency's gradient dominates a "
                 "lower one's is at most C exp(-c/δ).", "Sec. 6, Theorem 1 and its proof (Eqs. 34-45)"),
    ("theorem2", "For small init δ the fraction on which L(k1) does not fall faster than L(k2) under gradient flow "
                 "is at most C exp(-c/δ).", "Sec. 6, Theorem 2"),
]


def _proof_claim(name: str, statement: str, where: str) -> Claim:
    def settings(quick: bool) -> dict[str, Any]:
        return {"proof": name}

    def compute(settings: dict[str, Any], folder: Path) -> list[Any]:
        from fptheory.proof import load_proofs, run_proof

        proof = next(p for p in load_proofs() if p.name == settings["proof"])
        return run_proof(proof)

    def judge(steps: list[Any]) -> Evidence:
        from fptheory.proof import proof_verdict

        verdict = proof_verdict(steps)
        if verdict == "error":
            broken = next(s for s in steps if s.kind == "proof" and s.verdict == "error")
            raise RuntimeError(f"step {broken.step} broke: {broken.evidence}")
        rigorous = [s for s in steps if s.kind == "proof"]
        checks = [s for s in steps if s.kind == "check"]
        held = sum(s.verdict == "holds" for s in rigorous)
        key = (f"{held}/{len(rigorous)} rigorous steps hold; checks apart: "
               f"{sum(s.verdict == 'holds' for s in checks)}/{len(checks)}")
        return Evidence(verdict == "holds", key, {"steps": [
            {"step": s.step, "kind": s.kind, "verdict": s.verdict, "evidence": s.evidence} for s in steps]})

    return Claim(f"proof-{name}", statement, _source(XU_2020, where),
                 "the proof's rigorous steps (exact sympy identities, interval-arithmetic bounds over the stated "
                 "range) that hold; sampled and numerical checks are reported apart",
                 "every rigorous step holds", settings, compute, judge)


for _name, _statement, _where in _PROOFS:
    register(_proof_claim(_name, _statement, _where))


# --- Parseval -----------------------------------------------------------------------------------------

PARSEVAL_DIGITS = 20


def _parseval_settings(quick: bool) -> dict[str, Any]:
    return {"m": 3, "seed": 7, "carried_digits": 35}


def _parseval_compute(settings: dict[str, Any], folder: Path) -> dict[str, Any]:
    """∫ L(k) dk and π ∫ |h - f|² dx for f = c tanh(x), c = Σ a_j sign(w_j) (so h - f ∈ L²), by mpmath."""
    import mpmath
    import sympy as sp

    from fptheory.symbolic._fourier import k
    from fptheory.symbolic._network import f_im, f_re, network_loss, neuron_parameters

    m = settings["m"]
    rng = np.random.default_rng(settings["seed"])
    a = rng.uniform(-1.5, 1.5, m)
    w = rng.uniform(0.5, 1.5, m) * np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    b = rng.uniform(-1.0, 1.0, m)
    loss = sp.lambdify([k, f_re, f_im, *[s for j in range(1, m + 1) for s in neuron_parameters(j)]], network_loss(m),
                       modules="mpmath")
    with mpmath.workdps(settings["carried_digits"]):
        params = [mpmath.mpf(float(v)) for triple in zip(a, w, b) for v in triple]
        c = mpmath.mpf(float(np.sum(a * np.sign(w))))

        def freq_loss(kk: Any) -> Any:
            fh = c * (-1j * mpmath.pi / mpmath.sinh(mpmath.pi * kk / 2))  # FT[tanh], docs/theory.md §1, typed in
            return loss(kk, fh.real, fh.imag, *params)

        lhs = mpmath.quad(freq_loss, list(mpmath.linspace(-90, 0, 46)) + list(mpmath.linspace(0, 90, 46))[1:])
        triples = [params[3 * j : 3 * j + 3] for j in range(m)]
        diff = lambda t: sum(aj * mpmath.tanh(wj * t + bj) for aj, wj, bj in triples) - c * mpmath.tanh(t)
        rhs = mpmath.pi * mpmath.quad(lambda t: diff(t) ** 2, mpmath.linspace(-80, 80, 161))
        rel = abs(lhs - rhs) / abs(rhs)
        digits = float(-mpmath.log10(rel)) if rel > 0 else float(settings["carried_digits"])
        return {"lhs": mpmath.nstr(lhs, 25), "rhs": mpmath.nstr(rhs, 25),
                "digits": min(digits, float(settings["carried_digits"]))}


def _parseval_judge(found: dict[str, Any]) -> Evidence:
    return Evidence(found["digits"] >= PARSEVAL_DIGITS,
                    f"the two sides agree to {found['digits']:.1f} digits (35 carried)", found)


register(Claim(
    "parseval",
    "Parseval: ∫ L(k) dk = π ∫ |h - f|² dx for the sympy-derived per-frequency loss of a 3-neuron tanh network "
    "(the frequency-domain loss is the training loss up to a constant).",
    _source(XU_2020, "Sec. 6 (by Parseval's theorem the MSE loss is the loss in the Fourier domain), Eq. 27"),
    "the number of significant digits to which both sides, each by 35-digit mpmath quadrature, agree",
    f"at least {PARSEVAL_DIGITS} digits",
    _parseval_settings, _parseval_compute, _parseval_judge))


# --- Theorems 1 and 2: fitted decay constants ----------------------------------------------------------

DECAY_WINDOW = 0.05  # the fitted c's interval, widened by this share, must contain the leading-order c


def _expected_c(theorem: int, k1: float, k2: float) -> float:
    from fptheory.numeric._rare import leading_order_windows
    from fptheory.numeric._sets import Setting

    windows = leading_order_windows(Setting(theorem, k1, k2, 1))
    if theorem == 1:
        return min(w.c for w in windows)
    return 2 * min(w.c for w in windows if w.pair == "a" and not w.closed)  # an ellipse's area is ∝ ε²


def _decay_claim(theorem: int, k1: float, k2: float, statement: str) -> Claim:
    def settings(quick: bool) -> dict[str, Any]:
        samples = (160 if theorem == 1 else 400) if quick else 1000
        return {"theorem": theorem, "k1": k1, "k2": k2, "m": 1, "samples": samples, "c_over_delta": [8, 12, 18, 27, 40, 60]}

    def compute(settings: dict[str, Any], folder: Path) -> Any:
        from fptheory.experiments.measure import MeasureConfig, run, save

        expected = _expected_c(theorem, k1, k2)
        deltas = tuple(expected / x for x in settings["c_over_delta"])
        result = run(MeasureConfig(theorem=theorem, k1=k1, k2=k2, m=1, deltas=deltas, method="rare",
                                   samples=settings["samples"], seed=21))
        save(result, folder)
        return result

    def judge(result: Any) -> Evidence:
        fit, expected, proof_c = result.fit, _expected_c(theorem, k1, k2), result.predicted_c
        if fit is None:
            raise RuntimeError("no decay fit: " + "; ".join(result.notes))
        above_proof = fit.c_ci[0] > proof_c
        matches = fit.c_ci[0] - DECAY_WINDOW * expected <= expected <= fit.c_ci[1] + DECAY_WINDOW * expected
        key = (f"c = {fit.c:.3f} [{fit.c_ci[0]:.3f}, {fit.c_ci[1]:.3f}]; proof's c {proof_c:.3f}, "
               f"leading-order c {expected:.3f}")
        warnings = [p.warning for p in result.points if p.warning]
        return Evidence(above_proof and matches, key, {
            "c": fit.c, "c_ci": list(fit.c_ci), "proof_c": proof_c, "leading_order_c": expected,
            "alpha": fit.alpha, "chi2_dof": fit.chi2_dof,
            "smallest_log10_fraction": min(p.log10_fraction for p in result.points if p.log10_fraction is not None),
            "min_ess": min(p.ess or 0.0 for p in result.points), "estimate_warnings": warnings})

    source = _source(XU_2020, f"Sec. 6, Theorem {theorem}; the leading-order constant from the bad windows' geometry (docs/theory.md)")
    return Claim(f"theorem{theorem}-decay-constant", statement, source,
                 "c fitted to rare-event estimates at c/δ = 8 … 60 (log p = α log δ + log C - c/δ, weighted least "
                 "squares, 95% interval)",
                 f"the interval lies above the proof's π(k2-k1)/2 and, widened by {DECAY_WINDOW:.0%} of it, contains "
                 "the leading-order constant", settings, compute, judge)


register(_decay_claim(1, 2.0, 3.0, "Theorem 1's bad fraction for (k1, k2) = (2, 3), m = 1, decays like exp(-c/δ) "
                      "with c at least the proof's π(k2-k1)/2 and equal to the smallest window constant, 1.997."))
register(_decay_claim(2, 2.0, 3.0, "Theorem 2's bad fraction for (k1, k2) = (2, 3), m = 1, decays like exp(-c/δ) "
                      "with c at least the proof's π(k2-k1)/2 and equal to twice the open a-window constant, 5.850."))


# --- training experiments ----------------------------------------------------------------------------

Judge = Callable[[Any], Evidence]


def _experiment_claim(claim_id: str, module: str, statement: str, source: Source, statistic: str, threshold: str,
                      judge: Judge, changes: dict[str, Any] | None = None) -> Claim:
    """A claim decided on one experiment's run at its quick or default configuration, with ``changes`` to that
    configuration's fields (the part of an experiment a claim does not judge, left out)."""

    def settings(quick: bool) -> dict[str, Any]:
        return {"experiment": module, "quick": quick, "seed": 0, **({"changes": changes} if changes else {})}

    def compute(settings: dict[str, Any], folder: Path) -> Any:
        import dataclasses

        mod = importlib.import_module(f"fptheory.experiments.{settings['experiment']}")
        config = mod.make_config(quick=settings["quick"], seed=settings["seed"])
        changes = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.get("changes", {}).items()}
        result = mod.run(dataclasses.replace(config, **changes), progress=step_progress())
        mod.save(result, folder)
        return result

    return Claim(claim_id, statement, source, statistic, threshold, settings, compute, judge)


F1D_ORDERED = 0.75  # fptheory.train.LOW_FIRST_SHARE, the monitor's verdict, is the same share (tests/test_monitor.py)


def _f1d(r: Any) -> Evidence:
    med = r.median_steps()
    ok = r.ordered >= F1D_ORDERED and None not in med and med[0] <= med[1] <= med[2] and med[0] < med[2]
    return Evidence(ok, f"ordered in {r.ordered:.0%} of seeds; median steps {med}", {"median_steps": med, "ordered": r.ordered})


SPECTRAL_BIAS_SPEARMAN = 0.8


def _spectral_bias(r: Any) -> Evidence:
    mean = float(np.mean(r.correlations))
    return Evidence(mean >= SPECTRAL_BIAS_SPEARMAN and r.median_steps()[0] is not None, f"mean Spearman(k, step) {mean:.2f}",
                    {"spearman_per_seed": r.correlations, "median_steps": r.median_steps()})


PERTURBATION_ALIVE, PERTURBATION_SIZES, PERTURBATION_SHARE = 0.5, 3, 0.75


def _perturbation(r: Any) -> Evidence:
    low, high = r.retained[0, :, 0], r.retained[0, :, -1]
    alive = low >= PERTURBATION_ALIVE
    frac = float(np.mean(high[alive] < low[alive])) if alive.any() else 0.0
    return Evidence(alive.sum() >= PERTURBATION_SIZES and frac >= PERTURBATION_SHARE,
                    f"highest peak keeps less than lowest at {frac:.0%} of {alive.sum()} noise sizes",
                    {"retained_low": low, "retained_high": high})


MANIFOLD_RATIO = 0.5


def _manifold(r: Any) -> Evidence:
    from scipy.stats import spearmanr

    area = r.error_area()[:, -1]  # highest k, per winding L
    windings = list(r.config.windings)
    rho = float(spearmanr(windings, area).statistic)
    ratio = float(area[int(np.argmax(windings))] / area[int(np.argmin(windings))])
    return Evidence(ratio <= MANIFOLD_RATIO,
                    f"highest k: mean error over training, most wound curve / circle = {ratio:.2f}; Spearman over L {rho:.2f}",
                    {"windings": windings, "mean_error_highest_k": area, "spearman": rho, "ratio": ratio,
                     "mean_error": r.error_area()})


INIT_SCALE_SPEARMAN = 0.8


def _init_scale(r: Any) -> Evidence:
    from scipy.stats import t as student_t

    order = np.argsort(r.config.scales)
    small, large = r.correlations[order[0]], r.correlations[order[-1]]
    diff = small - large  # paired by seed
    half = float(student_t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else math.inf
    mean_small, mean_diff = float(small.mean()), float(diff.mean())
    return Evidence(mean_small >= INIT_SCALE_SPEARMAN and mean_diff >= 0,
                    f"mean Spearman(k, step) {mean_small:.2f} at the smallest scale; smallest - largest "
                    f"{mean_diff:+.2f} ± {half:.2f} (95%)",
                    {"mean_spearman_per_scale": r.correlations.mean(axis=1), "scales": list(r.config.scales),
                     "paired_difference": mean_diff, "paired_difference_half_width": half})


TVT_RATE_ERROR, TVT_SLOPE_TOLERANCE, TVT_R2 = 1e-2, 0.03, 0.99


def _theory_vs_training(r: Any) -> Evidence:
    ok = (r.rate_error < TVT_RATE_ERROR and abs(r.slope + 1) < TVT_SLOPE_TOLERANCE and r.slope_r2 > TVT_R2
          and r.faster_k1_at_init == 1.0)
    return Evidence(ok, f"rate error {r.rate_error:.1e}; gradient-ratio slope {r.slope:.4f} (R² {r.slope_r2:.4f})", {
        "rate_error": r.rate_error, "slope": r.slope, "slope_r2": r.slope_r2, "faster_k1_at_init": r.faster_k1_at_init})


def _filtering(r: Any) -> Evidence:
    conv = r.convergence()
    ok = all(low is not None and (high is None or low < high) for per in conv for low, high in per)
    return Evidence(ok, f"(low, high) first steps below {r.config.threshold}: {conv}",
                    {"convergence": conv, "networks": list(r.config.networks)})


PROJECTION_COMPONENTS, PROJECTION_ORDERED = 3, 0.8


def _projection(r: Any) -> Evidence:
    ok = len(r.scored()) >= PROJECTION_COMPONENTS and all(v is not None and v >= PROJECTION_ORDERED for v in r.ordered)
    return Evidence(ok, f"ordered fraction {dict(zip(r.config.networks, r.ordered))} over components {r.scored()}", {
        "ordered": r.ordered, "scored": r.scored(), "interior_rank_correlation": r.interior_rank_correlation()})


EARLY_GAIN, EARLY_PEAK_ERROR, EARLY_NOISE_SHARE, EARLY_NOISE_GROWTH = 1.5, 0.25, 0.1, 2.0


def _early_stopping(r: Any) -> Evidence:
    final = int(r.steps[-1])
    rows = []
    for s, (best, train_at_best) in enumerate(zip(r.best_step, r.train_error_at_best())):
        rows.append(best < final and r.gain[s] >= EARLY_GAIN and float(r.train_error[s, -1]) < train_at_best
                    and float(r.peak_error_best[s].max()) <= EARLY_PEAK_ERROR and r.noise_share_best[s] <= EARLY_NOISE_SHARE
                    and r.noise_share_final[s] >= EARLY_NOISE_GROWTH * r.noise_share_best[s])
    return Evidence(all(rows), f"clean error smallest at steps {r.best_step} of {final}; gain {[round(g, 2) for g in r.gain]}; "
                    f"noise power fitted {[round(float(v), 3) for v in r.noise_share_best]} then "
                    f"{[round(float(v), 3) for v in r.noise_share_final]}",
                    {"best_step": r.best_step, "gain": r.gain, "peak_error_best": r.peak_error_best.tolist(),
                     "noise_share_best": r.noise_share_best.tolist(), "noise_share_final": r.noise_share_final.tolist(),
                     "seeds_holding": rows})


COMPRESSION_RISE, COMPRESSION_FALL, COMPRESSION_LOW_SHARE, COMPRESSION_HIGH = 0.25, 0.5, 0.25, 0.5


def _compression(r: Any) -> Evidence:
    final = int(r.steps[-1])
    turn, low, high = r.turning_step(), r.at_turn(r.e_low), r.at_turn(r.e_high)
    largest, first, last = r.entropy.max(axis=1), r.entropy[:, 0], r.final_entropy()
    rows = [0 < t < final and largest[s] - first[s] >= COMPRESSION_RISE
            and largest[s] - last[s] >= COMPRESSION_FALL * (largest[s] - r.target_entropy)
            and low[s] <= COMPRESSION_LOW_SHARE * high[s] and high[s] >= COMPRESSION_HIGH for s, t in enumerate(turn)]
    return Evidence(all(rows), f"entropy {[round(float(v), 2) for v in first]} -> largest {[round(float(v), 2) for v in largest]} "
                    f"at steps {turn} -> {[round(float(v), 2) for v in last]} at {final} (target {r.target_entropy:.2f} nats); "
                    f"at the turn Δ_F(1) {[round(v, 3) for v in low]}, harmonics {[round(v, 2) for v in high]}",
                    {"turning_step": turn, "initial_entropy": first.tolist(), "largest_entropy": largest.tolist(),
                     "final_entropy": last.tolist(), "target_entropy": r.target_entropy, "e_low_at_turn": low,
                     "e_high_at_turn": high, "seeds_holding": rows})


REGULARITY_POWER_TOL, REGULARITY_RATE = 0.4, (0.85, 1.35)


def _regularity(r: Any) -> Evidence:
    checks, found = {}, {}
    for i, act in enumerate(r.config.activations):
        kind, value = r.predicted()[act]
        fitted = r.power[i] if kind == "power" else r.rate[i] / r.predicted_rate(i)
        ok = bool(np.all(np.isfinite(fitted)))
        if kind == "power":
            ok = ok and bool(np.all(np.abs(fitted - value) <= REGULARITY_POWER_TOL))
            found[act] = f"power {np.nanmin(fitted):.2f} to {np.nanmax(fitted):.2f} (predicted {value:g})"
        else:
            ok = ok and bool(np.all((fitted >= REGULARITY_RATE[0]) & (fitted <= REGULARITY_RATE[1])))
            found[act] = f"rate / (π/max|w|) {np.nanmin(fitted):.2f} to {np.nanmax(fitted):.2f}"
        checks[act] = ok
    # smoother activations hold less of their loss above η = 100 at the end, in every seed
    order = [a for a in ("tanh", "relu2", "relu") if a in r.config.activations]
    final = {a: r.share_at(100.0)[r.config.activations.index(a), :, -1] for a in order}
    ordered = all(bool(np.all(final[lo] < final[hi])) for lo, hi in zip(order, order[1:]))
    return Evidence(all(checks.values()) and ordered, "; ".join(f"{a}: {v}" for a, v in found.items())
                    + f"; S(100) at the end ordered {' < '.join(order)}: {ordered}",
                    {"within": checks, "fitted": found, "ordered_at_100": ordered,
                     "share_at_100_final": {a: v.tolist() for a, v in final.items()}})


RELU_SPECTRUM_TOL = 0.15


def _relu_spectrum(r: Any) -> Evidence:
    deviations = r.deviations()
    whole = {f"d={d} {name}": [round(float(v), 3) for v in np.concatenate([r.slopes(d, kind, name, "whole") for kind in
                                                                          ("random", "trained")])]
             for d, names in ((1, ("line",)), (2, ("generic", "box normal"))) for name in names}
    ranges = {f"d={d} {name}": (float(v.min()), float(v.max())) for d, names in ((1, ("line",)), (2, ("generic", "kink normal")))
              for name in names for v in [np.concatenate([r.slopes(d, kind, name) for kind in ("random", "trained")])]}
    ok = all(v <= RELU_SPECTRUM_TOL for v in deviations.values())
    return Evidence(ok, "kinks' part: " + "; ".join(f"{k} {lo:.2f} to {hi:.2f}" for k, (lo, hi) in ranges.items()),
                    {"largest_deviation": deviations, "kinks_slope_range": ranges, "whole_transform_slopes": whole,
                     "regions": {kind: [f.pieces for f in r.fits[2][kind]] for kind in ("random", "trained")}})


LFP_RATIO, LFP_EXPONENT_TOL = (0.7, 1.4), 0.3


def _lfp(r: Any) -> Evidence:
    ratios = r.ratios()  # (widths, seeds, K)
    ratio = ratios[-1]  # the largest width
    measured, predicted = r.exponents("measured")[-1], r.exponents("predicted")[-1]
    gap = np.abs(measured[:, 0] - predicted[:, 0])
    without = np.median(r.measured[-1] / r.predicted_without_w[-1], axis=1)
    spread = [float(np.max(np.abs(np.log(per_width)))) for per_width in ratios]
    ok = bool(np.all((ratio >= LFP_RATIO[0]) & (ratio <= LFP_RATIO[1])) and np.all(gap <= LFP_EXPONENT_TOL))
    return Evidence(ok, f"width {r.config.widths[-1]}: measured / predicted rate {ratio.min():.2f} to {ratio.max():.2f}; "
                    f"exponent measured {', '.join(f'{v:.2f}' for v in measured[:, 0])} against predicted "
                    f"{', '.join(f'{v:.2f}' for v in predicted[:, 0])}; without the w-gradient, measured / predicted "
                    f"{', '.join(f'{v:.2f}' for v in without)} (median over ξ)",
                    {"ratio_largest_width": ratio, "exponent_measured": measured, "exponent_predicted": predicted,
                     "exponent_kernel": r.exponents("kernel")[-1], "ratio_without_w_median": without,
                     "largest_log_ratio_per_width": dict(zip(map(str, r.config.widths), spread))})


NOISE_SPEARMAN, NOISE_DIP_RATIO, NOISE_HARM_RATIO = 0.6, 5.0, 1.5


def _noise_frequency(r: Any) -> Evidence:
    from scipy.stats import spearmanr

    ks = np.asarray(r.config.frequencies)
    dip, harm = r.dip(), r.harm()
    half = ks.size // 2  # the lower and the upper half of the frequencies (the middle one out when K is odd)
    rho_dip = [float(spearmanr(ks, d).statistic) for d in dip]
    harm_ratio = [float(e[:half].mean() / max(e[-half:].mean(), 1e-300)) for e in harm]
    rows = [rho_dip[s] >= NOISE_SPEARMAN and dip[s, -1] >= NOISE_DIP_RATIO * dip[s, 0] and harm_ratio[s] >= NOISE_HARM_RATIO
            for s in range(dip.shape[0])]
    return Evidence(all(rows), f"k {ks.tolist()}: dip {[[round(float(v), 4) for v in d] for d in dip]} (Spearman "
                    f"{[round(v, 2) for v in rho_dip]}); harm {[[round(float(v), 4) for v in e] for e in harm]} (lower "
                    f"half / upper half {[round(v, 2) for v in harm_ratio]})",
                    {"frequencies": ks.tolist(), "dip": dip.tolist(), "harm": harm.tolist(), "spearman_dip": rho_dip,
                     "harm_ratio": harm_ratio, "seeds_holding": rows})


NTK_SLOPE_WINDOW, NTK_LARGEST_GAP = (-0.8, -0.2), 0.1


def _ntk(r: Any) -> Evidence:
    slope, se = r.gap_slope()
    gap = r.gap().mean(axis=1)
    predicted, measured = r.rates()  # (widths, seeds, K)
    ordered = bool(np.all(np.diff(predicted, axis=-1) < 0) and np.all(np.diff(measured, axis=-1) < 0))
    ok = NTK_SLOPE_WINDOW[0] <= slope <= NTK_SLOPE_WINDOW[1] and gap[-1] <= NTK_LARGEST_GAP and ordered
    return Evidence(ok, f"largest |Δ_F predicted - measured| {', '.join(f'{g:.4f}' for g in gap)} at widths "
                    f"{list(r.config.widths)}; slope {slope:.3f} ± {se:.3f}; rates decrease with k (predicted and "
                    f"measured): {ordered}",
                    {"gap": gap.tolist(), "slope": slope, "slope_se": se, "predicted_rate": predicted.mean(axis=1).tolist(),
                     "measured_rate": measured.mean(axis=1).tolist(), "ordered": ordered})


RELU_NTK_GAP_WINDOW, RELU_NTK_LARGEST_GAP, RELU_NTK_EIGEN_WINDOW = (-0.8, -0.2), 0.05, (-2.2, -1.8)


def _relu_ntk(r: Any) -> Evidence:
    slope, se = r.relu_gap_slope()
    gap = r.relu_gap.mean(axis=1)
    eigen, eigen_se = r.eigen_slope()
    ok = (RELU_NTK_GAP_WINDOW[0] <= slope <= RELU_NTK_GAP_WINDOW[1] and gap[-1] <= RELU_NTK_LARGEST_GAP
          and RELU_NTK_EIGEN_WINDOW[0] <= eigen <= RELU_NTK_EIGEN_WINDOW[1])
    return Evidence(ok, f"relative gap empirical - analytic {', '.join(f'{g:.4f}' for g in gap)} at widths "
                    f"{list(r.config.relu_widths)} (slope {slope:.3f} ± {se:.3f}); eigenvalues on the circle ~ k^{eigen:.3f} "
                    f"± {eigen_se:.3f}", {"relu_gap": gap.tolist(), "relu_gap_slope": slope, "relu_gap_slope_se": se,
                                          "eigen_slope": eigen, "eigen_slope_se": eigen_se})


IMAGE2D_BANDS = 2


def _image2d(r: Any) -> Evidence:
    converged = min(sum(v is not None for v in row) for row in r.convergence)
    return Evidence(r.ordered == 1.0 and converged >= IMAGE2D_BANDS,
                    f"bands ordered in {r.ordered:.0%} of seeds; {converged}+ bands converge", {"convergence": r.convergence})


PARITY_SE, PARITY_REAL_ACCURACY = 3.0, 0.9


def _parity(r: Any) -> Evidence:
    acc = {key: value[:, -1] for key, value in r.accuracy.items()}
    test_points = 2**r.config.dims - r.config.train_points
    ok = (np.all(acc["parity_train"] == 1.0) and np.all(acc["parity_test"] < 0.5 + PARITY_SE * math.sqrt(0.25 / test_points))
          and np.all(acc["real_test"] > PARITY_REAL_ACCURACY))
    return Evidence(bool(ok), (f"parity test accuracy {np.round(acc['parity_test'], 3).tolist()} (train 1.0); digits test "
                               f"{np.round(acc['real_test'], 3).tolist()}"),
                    {"final_accuracy": acc, "aliasing_ratio": r.aliasing_ratio(), "spectral_distance": r.spectral_distance()})


def _poisson_orders(r: Any) -> Evidence:
    dnn, jac = r.dnn_convergence[0], r.jacobi_convergence
    ok = r.dnn_low_first() == 1.0 and dnn[0] is not None and r.jacobi_high_first() and jac[-1] is not None
    return Evidence(ok, f"first step / sweep with Δ_F < {r.config.threshold} at k = π, 3π, 8π: DNN {dnn}, Jacobi {jac}",
                    {"dnn_convergence_step": dnn, "jacobi_convergence_sweep": jac})


POISSON_HYBRID_RATIO = 0.8


def _poisson_hybrid(r: Any) -> Evidence:
    rows = {m.name: m for m in r.table}
    hybrid = rows["DNN then Jacobi (best T)"]
    pure = [rows[name] for name in ("DNN alone", "Jacobi alone") if rows[name].reached]
    faster = min(pure, key=lambda m: m.seconds) if pure else None
    ratio = work = None
    if not hybrid.reached:
        key = "no hybrid reached the target"
    elif faster is None:
        ratio, key = 0.0, f"only the hybrid reached the target ({hybrid.detail}, {hybrid.seconds:.3g} s)"
    else:
        ratio = hybrid.seconds / faster.seconds
        work = hybrid.flops / faster.flops if hybrid.flops and faster.flops else None
        key = (f"best hybrid ({hybrid.detail}) {hybrid.seconds:.3g} s, {faster.name} {faster.seconds:.3g} s: time "
               f"ratio {ratio:.2f}" + ("" if work is None else f", work ratio {work:.0f}"))
    return Evidence(ratio is not None and ratio <= POISSON_HYBRID_RATIO, key, {
        "time_ratio": ratio, "work_ratio": work, "target_error": r.config.target_error, "table": r.table,
        "hybrid": [h.to_json() for h in r.hybrid]})


FOURIER_PSNR_GAIN = 1.0


def _fourier_psnr(r: Any) -> Evidence:
    psnrs = {m.name: float(np.median(m.test_psnr[:, -1])) for m in r.mappings}
    gain = psnrs["gaussian"] - psnrs["none"]
    order = sorted(psnrs, key=psnrs.__getitem__)
    return Evidence(gain >= FOURIER_PSNR_GAIN,
                    "test PSNR " + ", ".join(f"{name} {v:.2f} dB" for name, v in psnrs.items()) + f"; gaussian - none "
                    f"{gain:+.2f} dB", {"test_psnr": psnrs, "gain": gain, "ascending": order,
                                        "parameters": {m.name: m.parameters for m in r.mappings}})


REMEDIES_RATIO = 0.8


def _remedies(r: Any) -> Evidence:
    plain = r.highest_step("plain")
    ratios = {m.name: r.highest_step(m.name) / plain for m in r.methods if m.name != "plain"}
    ok = all(v <= REMEDIES_RATIO for v in ratios.values())
    key = f"plain {plain:g} steps; remedy / plain: " + ", ".join(f"{name} {v:.2f}" for name, v in ratios.items())
    return Evidence(ok, key, {"plain_step": plain, "ratio": ratios,
                              "parameters": {m.name: m.parameters for m in r.methods},
                              "final_relative_l2": {m.name: float(np.median(m.l2_error)) for m in r.methods}})


MULTISTAGE_TARGET = 1e-12
MULTISTAGE_MAX_STAGES = 4


def _multistage(r: Any) -> Evidence:
    errors = [float(e) for e in np.median(r.test_errors(), axis=0)]
    single = float(np.median([s.test_error for s in r.singles])) if r.singles else None
    final = r.final_error()
    key = "test L2 after each stage " + ", ".join(f"{e:.1e}" for e in errors)
    key += "" if single is None else f"; single network {single:.1e}"
    ok = final <= MULTISTAGE_TARGET and r.config.stages <= MULTISTAGE_MAX_STAGES and (single is None or final < single)
    return Evidence(ok, key, {
        "stage_test_error": errors, "final_test_error": final, "single_test_error": single,
        "stage_frequency": [s.frequency for s in r.stages[0]], "stage_points": [s.points for s in r.stages[0]],
        "stage_seconds": [s.seconds for s in r.stages[0]],
        "single_seconds": None if not r.singles else r.singles[0].seconds})


_EXPERIMENTS: list[tuple[Any, ...]] = [
    ("f1d-low-first", "f1d", "A tanh network fitting sin x + sin 3x + sin 5x converges at the low peaks first.",
     _source(XU_2020, "Sec. 2, Fig. 1"),
     "per seed, the first steps with Δ_F(k) < 0.05 at k = 1, 3, 5 (ordered: non-decreasing, k = 1 before k = 5); "
     "the share of seeds ordered, and the median steps",
     f"at least {F1D_ORDERED:.0%} of seeds ordered and the medians ordered", _f1d),
    ("spectral-bias", "spectral_bias", "A deep ReLU network learns sines at k = 5 … 50 in order of frequency.",
     _source(RAHAMAN_2019, "Sec. 3, Experiment 1, Fig. 1"),
     "per seed, Spearman's ρ between k and the first step with Δ_F(k) < 0.1 (never: last step + 1); its mean",
     f"mean ρ at least {SPECTRAL_BIAS_SPEARMAN}, and the lowest k converges", _spectral_bias),
    ("perturbation-robustness", "perturbation", "Low-frequency components are more robust to parameter noise.",
     _source(RAHAMAN_2019, "Sec. 3, Experiment 2, Fig. 3"),
     "per noise size, the share of the lowest and of the highest peak a perturbed network keeps",
     f"the highest keeps less than the lowest at {PERTURBATION_SHARE:.0%} or more of the noise sizes where the lowest "
     f"keeps at least {PERTURBATION_ALIVE} (at least {PERTURBATION_SIZES} such sizes)", _perturbation),
    ("manifold-winding", "manifold", "The more the data manifold winds in input space, the easier a fixed high "
     "frequency on it becomes to learn.", _source(RAHAMAN_2019, "Sec. 4, Figs. 6-8"),
     "for the highest k, the mean over the whole run (and seeds) of Δ_F(k) on each curve of winding L (the area "
     "under the error curve: it does not saturate when every run converges); the most wound curve's over the "
     "circle's (Spearman's ρ against L reported)",
     f"the ratio at most {MANIFOLD_RATIO}", _manifold),
    ("init-scale", "init_scale", "With small weights the lower-frequency gradient dominates: from the smallest "
     "initialisation scale a tanh network converges its peaks in order of frequency, at least as clearly as from "
     "the largest scale.", _source(XU_2020, "Sec. 6, Theorem 1 and the remark after it"),
     "per seed and init scale, Spearman's ρ between k and the first step with Δ_F(k) < 0.05; the mean at the "
     "smallest scale, and the paired (same seed) difference smallest - largest",
     f"mean ρ at the smallest scale at least {INIT_SCALE_SPEARMAN} (the spectral-bias claim's threshold) and a mean "
     "paired difference of at least 0", _init_scale),
    ("theory-vs-training", "theory_vs_training", "Gradient descent on Theorem 2's loss follows dL(k)/dt = -∇L(k)·∇L, "
     "and the per-neuron gradient ratio follows Eq. 31's exp(-π(k2-k1)/(2|w|)).", _source(XU_2020, "Sec. 6, Eq. 31 and Theorem 2"),
     "median relative difference of measured and predicted dL(k)/dt; slope and R² of the log gradient ratio "
     "against π(k2-k1)/(2|w_j|); share of runs with L(k1) falling faster at initialisation",
     f"rate error below {TVT_RATE_ERROR:g}; slope -1 ± {TVT_SLOPE_TOLERANCE}; R² above {TVT_R2}; every run faster at k1",
     _theory_vs_training),
    ("filtering-low-first", "filtering", "On real digits, e_low falls before e_high for every δ, for a tanh MLP "
     "(MSE) and a ReLU CNN (cross-entropy).", _source(XU_2020, "Sec. 4 (filtering method), Fig. 3"),
     "per δ and network, the first steps with e_low < 0.2 and with e_high < 0.2",
     "e_low's first step exists and comes before e_high's (or e_high never gets there), every δ and network", _filtering),
    ("projection-low-first", "projection", "Along MNIST's first principal direction, the peaks of the projected "
     "spectrum converge in order of frequency.", _source(XU_2020, "Sec. 3 (projection method), Fig. 2"),
     "per network, the share of one-hot components (those with a significant interior peak) whose DC and interior "
     "peaks converge (Δ_F < 0.2) in order",
     f"at least {PROJECTION_COMPONENTS} scored components, and each network ordered in at least "
     f"{PROJECTION_ORDERED:.0%} of them", _projection),
    ("poisson-opposite-orders", "poisson", "Solving -u'' = g on (-1, 1), a DNN trained on the Ritz energy converges "
     "the lowest peak of the solution's spectrum first, while Jacobi iteration converges the highest first.",
     _source(XU_2020, "Sec. 5, Fig. 4(b, c) and the abstract (the F-Principle is the opposite of Jacobi's order)"),
     "the first DNN step and the first Jacobi sweep with Δ_F(k) < 0.1 at the peaks k = π, 3π, 8π (errors against "
     "the discrete solution)",
     "the DNN's steps non-decreasing in k with the lowest peak converged (a peak that never converges counts as "
     "last); Jacobi's sweeps non-increasing in k with the highest converged", _poisson_orders),
    ("poisson-hybrid-faster", "poisson", "Training the DNN first and then handing its output to Jacobi reaches a "
     "given accuracy sooner than either the DNN or Jacobi alone.",
     _source(XU_2020, "Sec. 5, Fig. 4(d) and the abstract"),
     "time to the max-norm error 1e-3 against the discrete solution (measured seconds per step and per sweep times "
     "their counts, the DNN's compilation spread over its whole run) of the best hybrid over T, over that of the "
     "faster pure method; the same ratio of estimated flops reported",
     f"a hybrid reaches the target and the time ratio is at most {POISSON_HYBRID_RATIO} (a tie within timing "
     "noise is not sooner)", _poisson_hybrid),
    ("remedies-highest-peak-faster", "remedies", "Each remedy for spectral bias (Gaussian and positional Fourier "
     "features, MscaleDNN, adaptive activation, PhaseDNN) converges the highest peak of Rahaman et al.'s target in "
     "fewer steps than a plain ReLU MLP with the same number of parameters and the same optimiser budget.",
     _source(XU_OVERVIEW_2024, "Applications: algorithms designed to overcome the challenge of high frequency (Tancik "
             "et al. 2020, arXiv:2006.10739; Liu, Cai, Xu 2020, arXiv:2007.11207; Jagtap et al. 2020, arXiv:1906.01170; "
             "Cai, Li, Liu 2020, arXiv:1909.11759)"),
     "per method, the median over seeds of the first step with Δ_F < 0.1 at the highest frequency (never: the last "
     "step plus one record), over the plain MLP's",
     f"every remedy's ratio at most {REMEDIES_RATIO}", _remedies, {"image_size": 0}),
    ("remedies-fourier-features-psnr", "remedies", "Gaussian Fourier features let a ReLU network fitting an image from "
     "every other pixel generalise to all pixels better than the raw coordinates do.",
     _source(XU_OVERVIEW_2024, "Applications, Fourier feature network (Tancik et al. 2020, arXiv:2006.10739, Sec. 6 "
             "and Table 1: PSNR 19.32 dB without a mapping, 25.57 dB with Gaussian features, on their images)"),
     "test PSNR on every pixel of the camera image (block-averaged) after training on every other pixel, median over "
     "seeds, for the mappings none, basic, positional and gaussian with matched parameter counts",
     f"gaussian's PSNR at least {FOURIER_PSNR_GAIN:g} dB above none's", _fourier_psnr, {"methods": ()}),
    ("multistage-machine-precision", "multistage", "Multi-stage neural networks in float64, each stage fitting the "
     "normalised residual of the stages before it with a first layer sin(κ(Wx + b)) tuned to the residual's dominant "
     "frequency, fit a smooth 1-d target to near machine precision, far below where a single network of the same "
     "size and budget stalls.",
     _source(WANG_LAI_2024, "abstract and Secs. 2-3 (regression: single networks struggle below O(1e-5); the "
             "stages reach nearly the O(1e-16) of double precision); listed in Xu et al. 2024, arXiv:2201.07395, "
             "Applications"),
     "the relative L2 error ‖Σ ε_n u_n - u‖/‖u‖ on a test grid ten times denser than the training grid after the "
     "last stage, median over seeds (the error after each stage and the single network's reported)",
     f"at most {MULTISTAGE_TARGET:g} with at most {MULTISTAGE_MAX_STAGES} stages, and below the single network's",
     _multistage),
    ("image2d-coarse-first", "image2d", "A network fitting an image from its pixel coordinates learns the coarse "
     "(low radial frequency) bands first.", _source(XU_OVERVIEW_2024, "the 2-d example: fitting an image from its pixel coordinates"),
     "per seed, the first steps with radial band error < 0.3; ordered when non-decreasing over the bands that converge",
     f"every seed ordered, and at least {IMAGE2D_BANDS} bands converge", _image2d),
    ("early-stopping-clean-first", "early_stopping", "Trained on a low-frequency target plus white noise, a network is "
     "closest to the clean target early, when it holds the target's peaks and little of the noise; its training error "
     "goes on falling as it fits the noise.", _source(XU_OVERVIEW_2024, "the F-Principle's explanation of early stopping"),
     "per seed, the step t* of the smallest error against the clean target; the gain (final clean error / clean error at t*); "
     "the training error at t* and at the end; Δ_F at the target's peaks at t*; the share of the noise's power above "
     "k = 3 that the network holds at t* and at the end",
     f"every seed: t* before the last step, gain at least {EARLY_GAIN}, training error lower at the end than at t*, "
     f"Δ_F at the peaks at most {EARLY_PEAK_ERROR} at t*, noise share at most {EARLY_NOISE_SHARE} at t* and at least "
     f"{EARLY_NOISE_GROWTH} times that at the end", _early_stopping),
    ("compression-entropy-turns", "compression", "Fitting a discretised target, a network first fits its continuous "
     "low-frequency part, so the entropy of its outputs rises; it then fits the high frequencies that make the steps, and "
     "the entropy falls towards the target's (the compression phase).",
     _source(XU_OVERVIEW_2024, "the F-Principle's explanation of the compression phase (Xu, Zhang, Xiao 2019, ICONIP, "
             "arXiv:1807.01251)"),
     "per seed, the entropy H(t) of the outputs on the training points binned at 1/8 of the staircase's level spacing; "
     "the turning step t* = argmax H; the final entropy (median over the last tenth of the records); Δ_F at the "
     "fundamental and the relative error of the harmonics q ≥ 2 at t*",
     f"every seed: t* after the first record and before the last, H(t*) - H(0) at least {COMPRESSION_RISE} nats, the "
     f"final entropy at least {COMPRESSION_FALL:.0%} of the way down from H(t*) to the target's, and at t* the "
     f"harmonics' error at least {COMPRESSION_HIGH} with Δ_F(1) at most {COMPRESSION_LOW_SHARE} times it", _compression),
    ("regularity-decay-law", "regularity", "The regularity of the activation sets how fast the loss decays in "
     "frequency: the share of the loss above η falls exponentially for tanh (analytic) and as a power of η for ReLU² "
     "(C¹) and ReLU (C⁰), with the powers and the rate that the activations' transforms give.",
     _source(LUO_2019, "the main theorem: the share of the loss above a frequency decays at a rate set by the regularity"),
     "for two-layer networks of each activation (kinks or centres started uniform in [-3, 3]), at every record of "
     "training (the initial one included) and every seed: S(η), the share of the population loss E_{x~N(0,1)}(h - f)² "
     "above frequency η (FFT on a fine grid); "
     "the slope of ln S against ln η over η in [100, 10^4] (ReLU, ReLU²) and the rate of ln S against η where "
     "S is in [1e-20, 1e-4] (tanh); predictions from σ̂ by sympy: S ~ η^{2p+1} (p = -2, -3) and S ~ e^{-πη/max|w|}",
     f"ReLU's and ReLU²'s fitted powers within ±{REGULARITY_POWER_TOL} of -3 and -5 (finitely many kinks interfere, so "
     f"S fluctuates about its law and a two-decade fit is good to a few tenths), tanh's rate between "
     f"{REGULARITY_RATE[0]} and {REGULARITY_RATE[1]} times π/max|w|, everywhere; and S(100) at the end ordered "
     "tanh < ReLU² < ReLU in every seed", _regularity),
    ("noise-frequency-dip", "noise_frequency", "Learning real digits whose targets carry noise of frequency k, a "
     "network fits the clean labels before high-frequency noise, so the validation loss dips and then rises, the more "
     "so the higher k; low-frequency noise is fitted with the digits and harms the validation loss at once.",
     _source(RAHAMAN_2019, "Sec. 3, Experiment 3, Fig. 4"),
     "per seed and k, from the validation loss V(t) against clean labels: the dip D(k) = V(end) - min V and the harm "
     "E(k) = min V(k) - min V(no noise); Spearman's ρ of the dip against k; the mean harm over the lower half of the "
     "k's over that of the upper half",
     f"every seed: ρ(k, D) at least {NOISE_SPEARMAN}, the dip at the highest k at least {NOISE_DIP_RATIO:g} times that "
     f"at the lowest, and the harm ratio at least {NOISE_HARM_RATIO:g}", _noise_frequency),
    ("relu-spectrum-decay", "relu_spectrum", "The Fourier transform of a ReLU network, a continuous piecewise-affine "
     "function, decays like |k|^{-(d+1)} along generic directions and like |k|^{-2} along the normal of a face of its "
     "linear regions, for random and trained networks alike.",
     _source(RAHAMAN_2019, "Sec. 2, Lemma 1 and Theorem 1 (the spectrum of ReLU networks)"),
     "ReLU MLPs (d = 1 and 2) at initialisation (biases N(0, 0.25)) and after training on a smooth target, per seed: "
     "the exact linear regions on [-1, 1]^d and the kinks' part of the transform (kᵀ(∇²f)k/|k|⁴, closed form over "
     "the regions' interior edges); the slope of log max|f̂| over 12 log-spaced windows of |k| against log |k|, over "
     "two decades from the radius where every edge has |k·t| ≥ 50, along random directions and the normal of the "
     "longest first-layer kink line (d = 2) and along the line (d = 1), with 95% intervals; the slopes of the whole "
     "box-restricted transform (its boundary's jump: -d generic, -1 along a box normal) reported",
     f"every network and direction: the fitted slope within ±{RELU_SPECTRUM_TOL} of -3 (d = 2, generic) or -2 "
     "(d = 2, kink normal; d = 1)", _relu_spectrum),
    ("ntk-linearised-rates", "ntk", "Under gradient descent a wide network's error at each frequency follows the "
     "prediction of its tangent kernel at initialisation, the closer the wider the network, and the rate it predicts "
     "falls with the frequency, so low frequencies converge first.",
     Source(authors="Jaehoon Lee, Lechao Xiao, Samuel S. Schoenholz, Yasaman Bahri, Roman Novak, Jascha Sohl-Dickstein, "
            "Jeffrey Pennington", year=2019, title="Wide neural networks of any depth evolve as linear models under "
            "gradient descent (NeurIPS 2019)", arxiv="1902.06720",
            where="Eqs. 8-11 and Sec. 2.4 (the gap to the linearisation shrinks like 1/√width)"),
     "two-layer tanh networks in the NTK parametrisation, full-batch gradient descent in float64 on sin x + sin 3x + sin 5x: "
     "per width, the largest |Δ_F predicted - measured| over the records and peaks (mean over seeds), with Δ_F "
     "predicted by r_t = (I - ηΘ/n)^t r_0 from the empirical NTK Θ at initialisation; the slope of log(gap) "
     "against log(width); at each peak the rate 1/t_e at which Δ_F falls by e (-ln(Δ_F(T)/Δ_F(0))/T where it never "
     "does), predicted and measured",
     f"slope within [{NTK_SLOPE_WINDOW[0]}, {NTK_SLOPE_WINDOW[1]}] (lazy training: -1/2), gap at the largest width at "
     f"most {NTK_LARGEST_GAP}, and the rates, predicted and measured, decreasing in k at every width and seed", _ntk),
    ("ntk-relu-kernel", "ntk", "The two-layer ReLU network's tangent kernel is the arc-cosine kernel; the empirical "
     "kernel of a finite network approaches it like 1/√width, and on the circle its eigenvalues decay like k^{-2}, a "
     "power law: high frequencies are learnt slowly but polynomially, not exponentially.",
     Source(authors="Alberto Bietti, Julien Mairal", year=2019, title="On the inductive bias of neural tangent kernels "
            "(NeurIPS 2019)", arxiv="1905.12173", where="Sec. 3, the NTK of two-layer ReLU networks and its eigenvalue "
            "decay k^{-d} on the sphere S^{d-1}"),
     "Θ from κ1, κ0 derived by sympy (fptheory.symbolic._ntk) against the empirical NTK (jax.grad/jvp) of networks "
     "of each width on points of the unit circle (input (cos t, sin t), with bias): the relative Frobenius gap, its "
     "slope in log width; the slope of log μ_k against log k for the analytic kernel's eigenvalues on the circle",
     f"gap slope within [{RELU_NTK_GAP_WINDOW[0]}, {RELU_NTK_GAP_WINDOW[1]}] (Monte Carlo: -1/2), gap at the widest at "
     f"most {RELU_NTK_LARGEST_GAP}, eigenvalue slope within [{RELU_NTK_EIGEN_WINDOW[0]}, {RELU_NTK_EIGEN_WINDOW[1]}] "
     "(d = 2: -2)", _relu_ntk),
    ("lfp-rates", "lfp", "Under gradient descent a wide two-layer ReLU network's error at frequency ξ falls at the rate "
     "γ(ξ)² (Linear Frequency Principle), with γ² built from ⟨|w|(w² + a²)⟩/ξ⁴ and ⟨a²|w|⟩(1 + x²)/ξ² terms of the "
     "initial parameters (d = 1), so that the rates fall like a power of the frequency.",
     Source(authors="Yaoyu Zhang, Zhi-Qin John Xu, Tao Luo, Zheng Ma", year=2019, title="Explicitizing an implicit "
            "bias of the frequency principle in two-layer neural networks", arxiv="1905.10264",
            where="the LFP model ∂_t ĥ(ξ) = -γ(ξ)²(ĥ - f̂)_ρ(ξ) for two-layer ReLU networks; their γ² keeps the a- and "
            "b-gradients' terms, ⟨|w|³⟩/(16π⁴ξ⁴) + ⟨a²|w|⟩/(4π²ξ²); the w-gradient's terms are derived here"),
     "two-layer ReLU networks (NTK parametrisation, h = 0 at initialisation by paired neurons), full-batch gradient "
     "descent in float64 on one cosine target cos(2πξx + φ) per run at the quantiles of N(0, 1), ξ = 0.75 … 3: per "
     "width, seed and ξ, the initial decay rate of the residual's amplitude at ξ (least squares, 400 steps) against "
     "η γ²(ξ)∫ρ² from the initial parameters (γ² by sympy, fptheory.symbolic._lfp); the slope of ln(rate) against ln ξ, "
     "measured and predicted; the empirical NTK's Rayleigh quotients and the form without the w-gradient reported",
     f"at the largest width, every seed and ξ: measured / predicted within [{LFP_RATIO[0]}, {LFP_RATIO[1]}], and the "
     f"measured exponent within ±{LFP_EXPONENT_TOL} of the predicted one", _lfp),
    ("parity-no-generalization", "parity", "Parity, whose power is at high frequency, is fitted but not "
     "generalized; real digits are.", _source(XU_2020, "Sec. 7.1, Fig. 5"),
     "final train and test accuracy of the same tanh MLP on parity (200 of 2^10 points) and on digits",
     f"parity train 1, parity test below 1/2 + {PARITY_SE:g} binomial s.e., digits test above {PARITY_REAL_ACCURACY}",
     _parity),
]

for _entry in _EXPERIMENTS:
    register(_experiment_claim(*_entry))
