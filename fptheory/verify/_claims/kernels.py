"""The kernel claims: the linearised (NTK) dynamics of Lee et al. (2019), the two-layer ReLU NTK of Bietti and
Mairal (2019), and the Linear Frequency Principle of Zhang, Xu, Luo, Ma (2019).

Each claim in one place: its thresholds (ledger rows, with their reasons), the statistics it measures, the
conditions it decides them by, and its registration.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fptheory.verify._claims._common import experiment_claim
from fptheory.verify._conditions import Condition, at_least, at_most, between, that
from fptheory.verify._registry import Source, register
from fptheory.verify._thresholds import Threshold

__all__: list[str] = []

# --- Lee et al. 2019: the linearised dynamics ---------------------------------------------------------

NTK_SLOPE_WINDOW = Threshold(
    "slope of log(largest gap) against log(width)", (-0.8, -0.2),
    "lazy training predicts -1/2 (Lee et al. 2019, Sec. 2.4); ±0.3 around it excludes no decay (0) "
    "(the verdicts issue notes that this window cannot tell -1/2 from the -1 of finite-width corrections: not yet "
    "restated)", True, "fe7da2e: fixed before the full run")
NTK_LARGEST_GAP = Threshold(
    "largest |Δ_F predicted - measured| at the widest network", 0.1,
    "at width 4096 the linearisation must follow the run to within a tenth of the initial error at every peak",
    True, "fe7da2e: fixed before the full run")
NTK_RATES_ORDERED = Threshold(
    "(width, seed) pairs whose per-peak rates, predicted or measured, do not decrease in k", 0,
    "the frequency principle in the kernel regime: the rate falls with the frequency, everywhere", False,
    "0bdc793 replaced a rate over the whole run after a full-scale run misread k = 1 (not ordered at width 1024, "
    "seed 2)")


def _ntk_ordered(s: dict[str, Any]) -> bool:
    predicted = np.asarray(s["predicted_rate_all"], dtype=float)
    measured = np.asarray(s["measured_rate_all"], dtype=float)
    return bool(np.all(np.diff(predicted, axis=-1) < 0) and np.all(np.diff(measured, axis=-1) < 0))


def _ntk_decide(s: dict[str, Any]) -> list[Condition]:
    low, high = NTK_SLOPE_WINDOW.value
    ordered = _ntk_ordered(s)
    return [between("slope of log(largest gap) against log(width)", s["slope"], low, high),
            at_most("largest |Δ_F predicted - measured| at the widest network", s["gap"][-1], NTK_LARGEST_GAP.value),
            that("the rates, predicted and measured, decrease in k at every width and seed", ordered,
                 "decreasing" if ordered else "not decreasing somewhere")]


def _ntk_statistics(r: Any) -> dict[str, Any]:
    slope, se = r.gap_slope()
    predicted, measured = r.rates()  # (widths, seeds, K)
    laws = r.gap_law_fits()
    rates = {"predicted_rate_all": predicted, "measured_rate_all": measured}
    return {"gap": r.gap().mean(axis=1).tolist(), "slope": slope, "slope_se": se, "widths": list(r.config.widths),
            "gap_law_rss": laws, "gap_law_preferred": min(laws, key=laws.__getitem__),
            "predicted_rate": predicted.mean(axis=1).tolist(), "measured_rate": measured.mean(axis=1).tolist(),
            **rates, "ordered": _ntk_ordered(rates)}


register(experiment_claim(
    "ntk-linearised-rates", "ntk", "Under gradient descent a wide network's error at each frequency follows the "
    "prediction of its tangent kernel at initialisation, the closer the wider the network, and the rate it predicts "
    "falls with the frequency, so low frequencies converge first.",
    Source(authors="Jaehoon Lee, Lechao Xiao, Samuel S. Schoenholz, Yasaman Bahri, Roman Novak, Jascha Sohl-Dickstein, "
           "Jeffrey Pennington", year=2019, title="Wide neural networks of any depth evolve as linear models under "
           "gradient descent (NeurIPS 2019)", arxiv="1902.06720",
           where="Eqs. 8-11 and Sec. 2.4 (the gap to the linearisation shrinks like 1/√width)"),
    "two-layer tanh networks in the NTK parametrisation, full-batch gradient descent in float64 on sin x + sin 3x + sin 5x: "
    "per width, the largest |Δ_F predicted - measured| over the records and peaks (mean over seeds), with Δ_F "
    "predicted by r_t = (I - ηΘ/n)^t r_0 from the empirical NTK Θ at initialisation; the slope of log(gap) "
    "against log(width), and which of the laws width^-1/2 (lazy training's bound) and width^-1 (finite-width "
    "corrections, Dyer and Gur-Ari 2020) fits it better, each with its slope fixed (reported, not judged); at each peak "
    "the rate 1/t_e at which Δ_F falls by e (-ln(Δ_F(T)/Δ_F(0))/T where it never does), predicted and measured",
    f"slope within [{NTK_SLOPE_WINDOW.value[0]}, {NTK_SLOPE_WINDOW.value[1]}] (lazy training: -1/2), gap at the "
    f"largest width at most {NTK_LARGEST_GAP.value}, and the rates, predicted and measured, decreasing in k at every "
    "width and seed",
    statistics=_ntk_statistics, decide=_ntk_decide,
    describe=lambda s: (f"largest |Δ_F predicted - measured| {', '.join(f'{g:.4f}' for g in s['gap'])} at widths "
                        f"{s['widths']}; slope {s['slope']:.3f} ± {s['slope_se']:.3f} (of the fixed laws the data prefer "
                        f"width^{s['gap_law_preferred']}: residuals {s['gap_law_rss']['-1/2']:.3g} for -1/2, "
                        f"{s['gap_law_rss']['-1']:.3g} for -1); rates decrease with k (predicted and measured): {s['ordered']}"),
    ledger=(NTK_SLOPE_WINDOW, NTK_LARGEST_GAP, NTK_RATES_ORDERED)))


# --- Bietti and Mairal 2019: the two-layer ReLU NTK ---------------------------------------------------

_RELU_NTK_HISTORY = "8188624: fixed before the full run"
RELU_NTK_GAP_WINDOW = Threshold(
    "slope of the relative gap (empirical - analytic kernel) against log(width)", (-0.8, -0.2),
    "the empirical kernel is a Monte Carlo average over the neurons: its error falls like width^-1/2; ±0.3 "
    "around it excludes no decay (0)", True, _RELU_NTK_HISTORY)
RELU_NTK_LARGEST_GAP = Threshold(
    "relative gap at the widest network", 0.05,
    "a Monte Carlo error of order 1/√width, about 0.008 at width 16384, times the neurons' relative spread; 0.05 "
    "leaves room for a spread of six", True, _RELU_NTK_HISTORY)
RELU_NTK_EIGEN_WINDOW = Threshold(
    "slope of log μ_k against log k on the circle", (-2.2, -1.8),
    "Bietti and Mairal: μ_k ~ k^{-d} on S^{d-1}, -2 for inputs on the circle with a bias; ±0.2 is far from the "
    "neighbouring integer exponents", True, _RELU_NTK_HISTORY)


def _relu_ntk_decide(s: dict[str, Any]) -> list[Condition]:
    return [between("slope of the relative gap against log(width)", s["relu_gap_slope"], *RELU_NTK_GAP_WINDOW.value),
            at_most("relative gap at the widest network", s["relu_gap"][-1], RELU_NTK_LARGEST_GAP.value),
            between("slope of log μ_k against log k", s["eigen_slope"], *RELU_NTK_EIGEN_WINDOW.value)]


def _relu_ntk_statistics(r: Any) -> dict[str, Any]:
    slope, se = r.relu_gap_slope()
    eigen, eigen_se = r.eigen_slope()
    return {"relu_gap": r.relu_gap.mean(axis=1).tolist(), "relu_gap_slope": slope, "relu_gap_slope_se": se,
            "eigen_slope": eigen, "eigen_slope_se": eigen_se, "relu_widths": list(r.config.relu_widths)}


register(experiment_claim(
    "ntk-relu-kernel", "ntk", "The two-layer ReLU network's tangent kernel is the arc-cosine kernel; the empirical "
    "kernel of a finite network approaches it like 1/√width, and on the circle its eigenvalues decay like k^{-2}, a "
    "power law: high frequencies are learnt slowly but polynomially, not exponentially.",
    Source(authors="Alberto Bietti, Julien Mairal", year=2019, title="On the inductive bias of neural tangent kernels "
           "(NeurIPS 2019)", arxiv="1905.12173", where="Sec. 3, the NTK of two-layer ReLU networks and its eigenvalue "
           "decay k^{-d} on the sphere S^{d-1}"),
    "Θ from κ1, κ0 derived by sympy (fptheory.symbolic._ntk) against the empirical NTK (jax.grad/jvp) of networks "
    "of each width on points of the unit circle (input (cos t, sin t), with bias): the relative Frobenius gap, its "
    "slope in log width; the slope of log μ_k against log k for the analytic kernel's eigenvalues on the circle",
    f"gap slope within [{RELU_NTK_GAP_WINDOW.value[0]}, {RELU_NTK_GAP_WINDOW.value[1]}] (Monte Carlo: -1/2), gap at the "
    f"widest at most {RELU_NTK_LARGEST_GAP.value}, eigenvalue slope within [{RELU_NTK_EIGEN_WINDOW.value[0]}, "
    f"{RELU_NTK_EIGEN_WINDOW.value[1]}] (d = 2: -2)",
    statistics=_relu_ntk_statistics, decide=_relu_ntk_decide,
    describe=lambda s: (f"relative gap empirical - analytic {', '.join(f'{g:.4f}' for g in s['relu_gap'])} at widths "
                        f"{s['relu_widths']} (slope {s['relu_gap_slope']:.3f} ± {s['relu_gap_slope_se']:.3f}); "
                        f"eigenvalues on the circle ~ k^{s['eigen_slope']:.3f} ± {s['eigen_slope_se']:.3f}"),
    ledger=(RELU_NTK_GAP_WINDOW, RELU_NTK_LARGEST_GAP, RELU_NTK_EIGEN_WINDOW)))


# --- Zhang, Xu, Luo, Ma 2019: the Linear Frequency Principle ------------------------------------------

_LFP_HISTORY = "d336441: fixed before the full run"
LFP_RATIO = Threshold(
    "measured / predicted initial decay rate at the largest width, every seed and ξ", (0.7, 1.4),
    "a factor within √2 either way: the LFP model is a leading-order (large width, small step) rate; the "
    "multiplier without the w-gradient's terms reads about 1.5 (reported beside, ratio_without_w_median)", True, _LFP_HISTORY)
LFP_EXPONENT_TOL = Threshold(
    "|measured - predicted| exponent of the rate in ξ", 0.3,
    "the exponents of the model's two terms differ by 2 (ξ^-4 and ξ^-2); 0.3 tells them apart with room for the "
    "fit's error over ξ = 0.75 … 3", True, _LFP_HISTORY)


def _lfp_decide(s: dict[str, Any]) -> list[Condition]:
    ratio = np.asarray(s["ratio_largest_width"], dtype=float)
    measured = np.asarray(s["exponent_measured"], dtype=float)[:, 0]
    predicted = np.asarray(s["exponent_predicted"], dtype=float)[:, 0]
    low, high = LFP_RATIO.value
    return [at_least("smallest measured / predicted rate at the largest width", ratio.min(), low),
            at_most("largest measured / predicted rate at the largest width", ratio.max(), high),
            at_most("largest |measured - predicted| exponent over seeds", np.abs(measured - predicted).max(),
                    LFP_EXPONENT_TOL.value)]


def _lfp_statistics(r: Any) -> dict[str, Any]:
    ratios = r.ratios()  # (widths, seeds, K)
    without = np.median(r.measured[-1] / r.predicted_without_w[-1], axis=1)
    return {"ratio_largest_width": ratios[-1], "exponent_measured": r.exponents("measured")[-1],
            "exponent_predicted": r.exponents("predicted")[-1], "exponent_kernel": r.exponents("kernel")[-1],
            "ratio_without_w_median": without, "largest_width": r.config.widths[-1],
            "ratio_without_w_range": [float(np.min(r.measured[-1] / r.predicted_without_w[-1])),
                                      float(np.max(r.measured[-1] / r.predicted_without_w[-1]))],
            "largest_log_ratio_per_width": dict(zip(map(str, r.config.widths),
                                                    [float(np.max(np.abs(np.log(w)))) for w in ratios]))}


def _lfp_describe(s: dict[str, Any]) -> str:
    ratio = np.asarray(s["ratio_largest_width"], dtype=float)
    measured = np.asarray(s["exponent_measured"], dtype=float)[:, 0]
    predicted = np.asarray(s["exponent_predicted"], dtype=float)[:, 0]
    return (f"width {s['largest_width']}: measured / predicted rate {ratio.min():.2f} to {ratio.max():.2f}; exponent "
            f"measured {', '.join(f'{v:.2f}' for v in measured)} against predicted "
            f"{', '.join(f'{v:.2f}' for v in predicted)}; the paper's γ² (without the w-gradient): measured / predicted "
            f"{', '.join(f'{v:.2f}' for v in s['ratio_without_w_median'])} (median over ξ), "
            f"{s['ratio_without_w_range'][0]:.2f} to {s['ratio_without_w_range'][1]:.2f} in all")


register(experiment_claim(
    "lfp-rates", "lfp", "Under gradient descent a wide two-layer ReLU network's error at frequency ξ falls at the rate "
    "γ(ξ)² (Linear Frequency Principle), with γ² built from ⟨|w|(w² + a²)⟩/ξ⁴ and ⟨a²|w|⟩(1 + x²)/ξ² terms of the "
    "initial parameters (d = 1), so that the rates fall like a power of the frequency. The γ² tested is the paper's "
    "with the w-gradient's terms added (derived here); the paper's own γ², without them, is reported beside.",
    Source(authors="Yaoyu Zhang, Zhi-Qin John Xu, Tao Luo, Zheng Ma", year=2019, title="Explicitizing an implicit "
           "bias of the frequency principle in two-layer neural networks", arxiv="1905.10264",
           where="the LFP model ∂_t ĥ(ξ) = -γ(ξ)²(ĥ - f̂)_ρ(ξ) for two-layer ReLU networks; their γ² keeps the a- and "
           "b-gradients' terms, ⟨|w|³⟩/(16π⁴ξ⁴) + ⟨a²|w|⟩/(4π²ξ²); the w-gradient's terms are derived here"),
    "two-layer ReLU networks (NTK parametrisation, h = 0 at initialisation by paired neurons), full-batch gradient "
    "descent in float64 on one cosine target cos(2πξx + φ) per run at the quantiles of N(0, 1), ξ = 0.75 … 3: per "
    "width, seed and ξ, the initial decay rate of the residual's amplitude at ξ (least squares, 400 steps) against "
    "η γ²(ξ)∫ρ² from the initial parameters (γ² by sympy, fptheory.symbolic._lfp); the slope of ln(rate) against ln ξ, "
    "measured and predicted; the empirical NTK's Rayleigh quotients and the form without the w-gradient reported",
    f"at the largest width, every seed and ξ: measured / predicted within [{LFP_RATIO.value[0]}, {LFP_RATIO.value[1]}], "
    f"and the measured exponent within ±{LFP_EXPONENT_TOL.value} of the predicted one",
    statistics=_lfp_statistics, decide=_lfp_decide, describe=_lfp_describe,
    ledger=(LFP_RATIO, LFP_EXPONENT_TOL)))
