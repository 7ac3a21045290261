"""The package's claims, registered in the order the report lists them: the proofs (Eq. 26, Eqs. 27-31,
Theorems 1 and 2), Parseval, the decay constants of Theorems 1 and 2 from the rare-event estimators, and
the training experiments (1-d, Rahaman et al.'s, the high-dimensional ones and parity).

Each experiment claim's verdict uses the same statistic and threshold as the experiment's test (see
tests/); a full-scale run uses the experiment's default config with the same thresholds.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fptheory.verify.registry import Claim, Evidence, register

__all__: list[str] = []


def _figure(folder: Path) -> Path | None:
    pngs = sorted(folder.glob("*.png"))
    return pngs[0] if pngs else None


# --- proofs -------------------------------------------------------------------------------------------

_PROOFS = {
    "eq26": "The transform of a tanh network is Σ_j a_j (iπ/|w_j|) e^{ikb_j/w_j} / sinh(πk/(2w_j)) (paper Eq. 26).",
    "eq27-31": "The per-frequency loss gradients of one neuron carry the factor exp(-π|k|/(2|w|)) (paper Eqs. 27-31).",
    "theorem1": "Theorem 1: for small init δ the fraction of parameters on which a high frequency's gradient dominates decays like exp(-c/δ).",
    "theorem2": "Theorem 2: the fraction on which L(k2)'s whole gradient dominates L(k1)'s decays like exp(-c/δ).",
}


def _proof_claim(name: str, statement: str) -> Claim:
    def settings(quick: bool) -> dict[str, Any]:
        return {"proof": name}

    def check(settings: dict[str, Any], folder: Path) -> Evidence:
        from fptheory.proof import load_proofs, run_proof

        proof = next(p for p in load_proofs() if p.name == settings["proof"])
        steps = run_proof(proof)
        held = sum(s.verdict == "holds" for s in steps)
        broken = [s for s in steps if s.verdict == "error"]
        if broken:
            raise RuntimeError(f"step {broken[0].step} broke: {broken[0].evidence}")
        return Evidence(held == len(steps), f"{held}/{len(steps)} steps hold",
                        {"steps": [{"step": s.step, "verdict": s.verdict, "evidence": s.evidence} for s in steps]})

    return Claim(f"proof-{name}", statement, "every named step of proofs/ checked by code (sympy identities, "
                 "interval bounds, digit agreement)", settings, check)


for _name, _statement in _PROOFS.items():
    register(_proof_claim(_name, _statement))


# --- Parseval -----------------------------------------------------------------------------------------

def _parseval_settings(quick: bool) -> dict[str, Any]:
    return {"m": 3, "seed": 7, "digits": 20}


def _parseval_check(settings: dict[str, Any], folder: Path) -> Evidence:
    """∫ L(k) dk = π ∫ |h - f|² dx for f = c tanh(x), c = Σ a_j sign(w_j) (so h - f ∈ L²)."""
    import mpmath
    import sympy as sp

    from fptheory.symbolic.fourier import k
    from fptheory.symbolic.network import f_im, f_re, network_loss, neuron_parameters

    m = settings["m"]
    rng = np.random.default_rng(settings["seed"])
    a = rng.uniform(-1.5, 1.5, m)
    w = rng.uniform(0.5, 1.5, m) * np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    b = rng.uniform(-1.0, 1.0, m)
    loss = sp.lambdify([k, f_re, f_im, *[s for j in range(1, m + 1) for s in neuron_parameters(j)]], network_loss(m),
                       modules="mpmath")
    with mpmath.workdps(settings["digits"] + 15):
        params = [mpmath.mpf(float(v)) for triple in zip(a, w, b) for v in triple]
        c = mpmath.mpf(float(np.sum(a * np.sign(w))))

        def freq_loss(kk: Any) -> Any:
            fh = c * (-1j * mpmath.pi / mpmath.sinh(mpmath.pi * kk / 2))  # FT[tanh], THEORY.md §1, typed in
            return loss(kk, fh.real, fh.imag, *params)

        lhs = mpmath.quad(freq_loss, list(mpmath.linspace(-90, 0, 46)) + list(mpmath.linspace(0, 90, 46))[1:])
        triples = [params[3 * j : 3 * j + 3] for j in range(m)]
        diff = lambda t: sum(aj * mpmath.tanh(wj * t + bj) for aj, wj, bj in triples) - c * mpmath.tanh(t)  # noqa: E731
        rhs = mpmath.pi * mpmath.quad(lambda t: diff(t) ** 2, mpmath.linspace(-80, 80, 161))
        rel = abs(lhs - rhs) / abs(rhs)
        digits = float(-mpmath.log10(rel)) if rel > 0 else float(settings["digits"] + 15)
    return Evidence(digits >= settings["digits"], f"the two sides agree to {min(digits, 35):.1f} digits (35 carried)",
                    {"lhs": mpmath.nstr(lhs, 25), "rhs": mpmath.nstr(rhs, 25), "digits": min(digits, 35.0)})


register(Claim(
    "parseval",
    "Parseval: ∫ L(k) dk = π ∫ |h - f|² dx for the sympy-derived per-frequency loss of a 3-neuron tanh net "
    "(THEORY.md §2; the link between the frequency-domain loss and the training loss).",
    "both sides by mpmath quadrature (35 digits), agreement to at least 20 digits",
    _parseval_settings, _parseval_check))


# --- Theorems 1 and 2: fitted decay constants ----------------------------------------------------------

def _decay_claim(theorem: int, k1: float, k2: float, statement: str) -> Claim:
    def settings(quick: bool) -> dict[str, Any]:
        samples = (160 if theorem == 1 else 400) if quick else 1000
        return {"theorem": theorem, "k1": k1, "k2": k2, "m": 1, "samples": samples, "c_over_delta": [8, 12, 18, 27, 40, 60]}

    def check(settings: dict[str, Any], folder: Path) -> Evidence:
        from fptheory.experiments.measure import MeasureConfig, run, save
        from fptheory.numeric.measure import Setting
        from fptheory.numeric.rare import leading_order_windows

        setting = Setting(theorem, k1, k2, 1)
        windows = leading_order_windows(setting)
        if theorem == 1:
            expected = min(w.c for w in windows)
        else:  # an ellipse's area is ∝ ε²: twice the leading open a-window's constant
            expected = 2 * min(w.c for w in windows if w.pair == "a" and not w.closed)
        deltas = tuple(expected / x for x in settings["c_over_delta"])
        result = run(MeasureConfig(theorem=theorem, k1=k1, k2=k2, m=1, deltas=deltas, method="rare",
                                   samples=settings["samples"], seed=21))
        save(result, folder)
        fit = result.fit
        if fit is None:
            raise RuntimeError("no decay fit: " + "; ".join(result.notes))
        above_proof = fit.c_ci[0] > setting.predicted_c
        matches = fit.c_ci[0] - 0.05 * expected <= expected <= fit.c_ci[1] + 0.05 * expected
        key = (f"c = {fit.c:.3f} [{fit.c_ci[0]:.3f}, {fit.c_ci[1]:.3f}]; proof's c {setting.predicted_c:.3f}, "
               f"leading-order c {expected:.3f}")
        return Evidence(above_proof and matches, key, {
            "c": fit.c, "c_ci": list(fit.c_ci), "proof_c": setting.predicted_c, "leading_order_c": expected,
            "alpha": fit.alpha, "chi2_dof": fit.chi2_dof, "smallest_fraction": min(p.fraction for p in result.points)},
            _figure(folder))

    return Claim(f"theorem{theorem}-decay-constant", statement,
                 "rare-event estimates at c/δ from 8 to 60, fit of log p = α log δ + log C - c/δ; holds when the "
                 "interval lies above the proof's π(k2-k1)/2 and contains the leading-order constant (±5%)",
                 settings, check)


register(_decay_claim(1, 2.0, 3.0, "Theorem 1's bad fraction for (k1, k2) = (2, 3), m = 1, decays like exp(-c/δ) "
                      "with c at least the proof's π(k2-k1)/2 and equal to the smallest window constant, 1.997."))
register(_decay_claim(2, 2.0, 3.0, "Theorem 2's bad fraction for (k1, k2) = (2, 3), m = 1, decays like exp(-c/δ) "
                      "with c at least the proof's π(k2-k1)/2 and equal to twice the open a-window constant, 5.850."))


# --- training experiments ----------------------------------------------------------------------------

Judge = Callable[[Any], tuple[bool, str, dict[str, Any]]]


def _experiment_claim(claim_id: str, module: str, statement: str, decided_by: str, judge: Judge) -> Claim:
    def settings(quick: bool) -> dict[str, Any]:
        return {"experiment": module, "quick": quick, "seed": 0}

    def check(settings: dict[str, Any], folder: Path) -> Evidence:
        mod = importlib.import_module(f"fptheory.experiments.{settings['experiment']}")
        result = mod.run(mod.make_config(quick=settings["quick"], seed=settings["seed"]))
        mod.save(result, folder)
        holds, key, details = judge(result)
        return Evidence(holds, key, details, _figure(folder))

    return Claim(claim_id, statement, decided_by, settings, check)


def _f1d(r: Any) -> tuple[bool, str, dict[str, Any]]:
    med = r.median_steps()
    ok = r.ordered >= 0.75 and None not in med and med[0] <= med[1] <= med[2] and med[0] < med[2]
    return ok, f"ordered in {r.ordered:.0%} of seeds; median steps {med}", {"median_steps": med, "ordered": r.ordered}


def _spectral_bias(r: Any) -> tuple[bool, str, dict[str, Any]]:
    mean = float(np.mean(r.correlations))
    return mean >= 0.8 and r.median_steps()[0] is not None, f"mean Spearman(k, step) {mean:.2f}", {
        "spearman_per_seed": r.correlations, "median_steps": r.median_steps()}


def _perturbation(r: Any) -> tuple[bool, str, dict[str, Any]]:
    low, high = r.retained[0, :, 0], r.retained[0, :, -1]
    alive = low >= 0.5
    frac = float(np.mean(high[alive] < low[alive])) if alive.any() else 0.0
    return alive.sum() >= 3 and frac >= 0.75, f"highest peak keeps less than lowest at {frac:.0%} of {alive.sum()} noise sizes", {
        "retained_low": low, "retained_high": high}


def _manifold(r: Any) -> tuple[bool, str, dict[str, Any]]:
    early = r.early_error()
    first, last = r.convergence[0][0][-1], r.convergence[-1][0][-1]
    ok = early[0, -1] > early[-1, -1] + 0.1 and (first is None or (last is not None and last < first))
    return ok, f"highest k: early error {early[0, -1]:.2f} on the circle, {early[-1, -1]:.2f} on the most wound curve", {
        "early_error": early, "step_circle": first, "step_wound": last}


def _init_scale(r: Any) -> tuple[bool, str, dict[str, Any]]:
    mean = r.correlations.mean(axis=1)
    return bool(mean[0] >= 0.9 and mean[0] >= mean[-1]), f"mean Spearman per init scale {np.round(mean, 2).tolist()}", {
        "mean_spearman": mean}


def _theory_vs_training(r: Any) -> tuple[bool, str, dict[str, Any]]:
    ok = r.rate_error < 1e-2 and abs(r.slope + 1) < 0.03 and r.slope_r2 > 0.99 and r.faster_k1_at_init == 1.0
    return ok, f"rate error {r.rate_error:.1e}; gradient-ratio slope {r.slope:.4f} (R² {r.slope_r2:.4f})", {
        "rate_error": r.rate_error, "slope": r.slope, "slope_r2": r.slope_r2, "faster_k1_at_init": r.faster_k1_at_init}


def _filtering(r: Any) -> tuple[bool, str, dict[str, Any]]:
    conv = r.convergence()
    ok = all(low is not None and (high is None or low < high) for per in conv for low, high in per)
    return ok, f"(low, high) first steps below {r.config.threshold}: {conv}", {"convergence": conv,
                                                                               "networks": list(r.config.networks)}


def _projection(r: Any) -> tuple[bool, str, dict[str, Any]]:
    ok = len(r.scored()) >= 3 and all(v is not None and v >= 0.8 for v in r.ordered)
    return ok, f"ordered fraction {dict(zip(r.config.networks, r.ordered))} over components {r.scored()}", {
        "ordered": r.ordered, "scored": r.scored(), "interior_rank_correlation": r.interior_rank_correlation()}


def _image2d(r: Any) -> tuple[bool, str, dict[str, Any]]:
    converged = min(sum(v is not None for v in row) for row in r.convergence)
    return r.ordered == 1.0 and converged >= 2, f"bands ordered in {r.ordered:.0%} of seeds; {converged}+ bands converge", {
        "convergence": r.convergence}


def _parity(r: Any) -> tuple[bool, str, dict[str, Any]]:
    acc = {key: value[:, -1] for key, value in r.accuracy.items()}
    test_points = 2**r.config.dims - r.config.train_points
    ok = (np.all(acc["parity_train"] == 1.0) and np.all(acc["parity_test"] < 0.5 + 3 * math.sqrt(0.25 / test_points))
          and np.all(acc["real_test"] > 0.9))
    return bool(ok), (f"parity test accuracy {np.round(acc['parity_test'], 3).tolist()} (train 1.0); digits test "
                      f"{np.round(acc['real_test'], 3).tolist()}"), {"final_accuracy": acc,
                                                                   "aliasing_ratio": r.aliasing_ratio(),
                                                                   "spectral_distance": r.spectral_distance()}


_EXPERIMENTS: list[tuple[str, str, str, str, Judge]] = [
    ("f1d-low-first", "f1d", "A tanh MLP fitting sin x + sin 3x + sin 5x converges at the low peaks first (paper Fig. 1).",
     "Δ_F < 0.05 first steps; at least 75% of seeds ordered and the medians ordered", _f1d),
    ("spectral-bias", "spectral_bias", "A deep ReLU MLP learns sines at k = 5…50 in order of frequency (Rahaman et al., Exp. 1, Fig. 1).",
     "mean Spearman(k, first step with Δ_F < 0.1) at least 0.8", _spectral_bias),
    ("perturbation-robustness", "perturbation", "Low-frequency components are more robust to parameter noise (Rahaman et al., Exp. 2).",
     "the highest peak keeps less of itself than the lowest in at least 75% of noise sizes", _perturbation),
    ("manifold-winding", "manifold", "The more a data manifold winds, the easier a fixed high frequency becomes (Rahaman et al., Sec. 4).",
     "highest k: early error larger on the circle than on the most wound curve by 0.1, and no earlier convergence", _manifold),
    ("init-scale", "init_scale", "The F-Principle is strongest for small initialisation (THEORY.md §5, Theorems 1-2's small δ).",
     "mean Spearman(k, step) at least 0.9 at the smallest scale and not below the largest's", _init_scale),
    ("theory-vs-training", "theory_vs_training", "Gradient descent on Theorem 2's loss follows -∇L(k)·∇L and Eq. 31's exp(-π(k2-k1)/(2|w|)) ratio (paper Eq. 31).",
     "median rate error below 1e-2; log-ratio slope -1 ± 0.03 with R² > 0.99; L(k1) falls faster at init", _theory_vs_training),
    ("filtering-low-first", "filtering", "On real digits, e_low falls before e_high for every δ, tanh MLP (MSE) and ReLU CNN (CE) (paper Sec. 4, Fig. 3).",
     "first step below 0.2 of e_low before e_high's, every δ and network", _filtering),
    ("projection-low-first", "projection", "Along MNIST's first principal direction, peaks converge in order of frequency (paper Sec. 3, Fig. 2).",
     "at least 3 components with a significant interior peak; each network ordered in at least 80% of them", _projection),
    ("image2d-coarse-first", "image2d", "A network fitting an image from its coordinates learns coarse bands first (F-Principle overview, Fig. 2).",
     "radial band errors' first steps below 0.3 ordered in every seed, at least two bands converge", _image2d),
    ("parity-no-generalization", "parity", "Parity, whose power is at high frequency, is fitted but not generalized; digits are (paper Sec. 7, Fig. 5).",
     "parity train accuracy 1, test below 1/2 + 3 s.e.; digits test above 0.9", _parity),
]

for _id, _module, _statement, _decided, _judge in _EXPERIMENTS:
    register(_experiment_claim(_id, _module, _statement, _decided, _judge))
