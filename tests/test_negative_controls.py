"""Negative controls: every judge is seen to fail.

For each registered claim, synthetic statistics at the edge of its threshold that must hold, and, for every
condition of the threshold, synthetic statistics that violate it and must fail — with exactly the conditions
named here failing, so the report's "which condition failed" is right too. No training, no sampling: each claim's
``decide`` gets the numbers below. The expected verdicts are stated here, from the thresholds as the claims'
statements give them in words; no test imports a claim's constant (tests/test_ledger.py pins those).

A registry walk fails for a claim without controls, and for a condition that no control violates, so a new claim
or a new condition cannot skip this.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import pytest

from fptheory.verify import load_builtin


@dataclass
class Control:
    """``edge``: statistics that hold, at or next to the threshold; ``violations``: name -> (changes to the edge,
    the substrings of the conditions that must then fail — and only those)."""

    edge: dict[str, Any]
    violations: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = field(default_factory=dict)


def _steps(*kinds_verdicts: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"step": f"s{i}", "kind": k, "verdict": v, "evidence": ""} for i, (k, v) in enumerate(kinds_verdicts)]


_PROOF = Control(
    {"steps": _steps(("proof", "holds"), ("proof", "holds"), ("check", "fails"))},  # a failed check decides nothing
    {"a rigorous step fails": ({"steps": _steps(("proof", "holds"), ("proof", "fails"))}, ("do not hold",)),
     "no rigorous step": ({"steps": _steps(("check", "holds"))}, ("rigorous steps at least",))})

_PI_2 = math.pi / 2  # the proof's π(k2 - k1)/2 for (k1, k2) = (2, 3)

CONTROLS: dict[str, Control] = {
    **{f"proof-{name}": _PROOF for name in ("eq26", "eq27-31", "theorem1", "theorem2")},
    "parseval": Control({"digits": 20.0, "lhs": "1", "rhs": "1"},
                        {"19.9 digits": ({"digits": 19.9}, ("digits",)),
                         "no number": ({"digits": None}, ("digits",))}),
    # the fitted interval, widened by 5% of the leading-order c, must contain it; its lower end above π/2
    "theorem1-decay-constant": Control(
        {"c_ci": [2.096, 2.3], "proof_c": _PI_2, "leading_order_c": 1.997},
        {"interval too high": ({"c_ci": [2.098, 2.3]}, ("contains",)),
         "interval too low": ({"c_ci": [1.6, 1.897]}, ("contains",)),
         "not above the proof's c": ({"c_ci": [1.57, 2.5]}, ("proof",)),
         "no interval": ({"c_ci": [None, 2.0]}, ("finite",))}),
    "theorem2-decay-constant": Control(
        {"c_ci": [5.0, 5.56], "proof_c": _PI_2, "leading_order_c": 5.85},
        {"interval too low": ({"c_ci": [5.0, 5.55]}, ("contains",)),
         "interval too high": ({"c_ci": [6.15, 7.0]}, ("contains",)),
         "not above the proof's c": ({"c_ci": [1.5, 6.0]}, ("proof",))}),
    # at least 75% of seeds ordered; the medians converge, non-decreasing, first before last
    "f1d-low-first": Control(
        {"ordered": 0.75, "median_steps": [100, 100, 200]},
        {"74% ordered": ({"ordered": 0.74}, ("share",)),
         "medians all equal": ({"median_steps": [100, 100, 100]}, ("median",)),
         "a peak never converges": ({"median_steps": [100, None, 200]}, ("median",)),
         "medians out of order": ({"median_steps": [100, 300, 200]}, ("median",))}),
    # mean ρ at the smallest scale ≥ 0.8; the paired difference's 95% interval (mean ± half width) above 0
    "init-scale": Control(
        {"mean_spearman_per_scale": [0.8, 0.5], "scales": [0.1, 1.0], "paired_difference": 0.1,
         "paired_difference_half_width": 0.099, "seeds": 48},
        {"ρ 0.79": ({"mean_spearman_per_scale": [0.79, 0.5]}, ("smallest scale",)),
         "the smallest scale is the second": ({"scales": [1.0, 0.1]}, ("smallest scale",)),
         "interval touches 0": ({"paired_difference_half_width": 0.1}, ("interval",)),
         "a null result": ({"paired_difference": 0.0, "paired_difference_half_width": 0.05}, ("interval",)),
         "one seed, no interval": ({"paired_difference_half_width": None, "seeds": 1}, ("interval",))}),
    # rate error < 1e-2, |slope + 1| < 0.03, R² > 0.99, every run faster at k1
    "theory-vs-training": Control(
        {"rate_error": 0.0099, "slope": -1.029, "slope_r2": 0.991, "faster_k1_at_init": 1.0},
        {"rate error 1e-2": ({"rate_error": 0.01}, ("dL(k)/dt",)),
         "slope -0.96": ({"slope": -0.96}, ("slope",)),
         "slope -1.031": ({"slope": -1.031}, ("slope",)),
         "R² 0.99": ({"slope_r2": 0.99}, ("R²",)),
         "one run slower": ({"faster_k1_at_init": 0.9}, ("faster",))}),
    # e_low's and e_high's steps both exist, e_low's first, every network and δ
    "filtering-low-first": Control(
        {"convergence": [[[10, 20], [10, 11]], [[0, 1]]], "networks": ["mlp", "cnn"], "convergence_threshold": 0.2},
        {"a tie": ({"convergence": [[[10, 20], [10, 10]], [[0, 1]]]}, ("e_low",)),
         "e_high never (censored)": ({"convergence": [[[10, 20], [10, None]], [[0, 1]]]}, ("e_low",)),
         "e_low never": ({"convergence": [[[10, 20], [None, None]], [[0, 1]]]}, ("e_low",)),
         "reversed": ({"convergence": [[[10, 20]], [[30, 20]]]}, ("e_low",))}),
    # at least 3 scored components; each network ordered in ≥ 80% of them
    "projection-low-first": Control(
        {"ordered": [0.8, 1.0], "scored": [1, 2, 3], "networks": ["a", "b"], "interior_rank_correlation": []},
        {"two components": ({"scored": [1, 2]}, ("scored",)),
         "79%": ({"ordered": [0.79, 1.0]}, ("share",)),
         "a network unscored": ({"ordered": [None, 1.0]}, ("share",))}),
    # the DNN low first in every seed (never converging counts last), its lowest peak converged; Jacobi the reverse
    "poisson-opposite-orders": Control(
        {"dnn_convergence_all": [[10, 20, None], [5, 5, 9]], "dnn_convergence_step": [10, 20, None],
         "jacobi_convergence_sweep": [None, 50, 30], "convergence_threshold": 0.1},
        {"a seed out of order": ({"dnn_convergence_all": [[10, 20, None], [30, 20, 10]]}, ("DNN steps",)),
         "DNN never converges": ({"dnn_convergence_all": [[None, None, None]]}, ("DNN steps", "lowest peak")),
         "Jacobi low first": ({"jacobi_convergence_sweep": [10, 20, 30]}, ("sweeps non-increasing",)),
         "Jacobi never converges": ({"jacobi_convergence_sweep": [None, None, None]},
                                    ("sweeps non-increasing", "highest peak"))}),
    # a hybrid reaches the target, at most 0.8 of the faster pure method's time
    "poisson-hybrid-faster": Control(
        {"time_ratio": 0.8, "work_ratio": 60.0, "summary": ""},
        {"ratio 0.81": ({"time_ratio": 0.81}, ("time",)),
         "no hybrid reached the target": ({"time_ratio": None}, ("time",))}),
    # parity train 1; parity test below 1/2 by a one-sided exact binomial test at 1% (824 points: at most 378 of them
    # right, 0.4587); digits test above 0.9
    "parity-no-generalization": Control(
        {"final_accuracy": {"parity_train": [1.0, 1.0], "parity_test": [0.4, 378 / 824], "real_test": [0.901, 0.95]},
         "test_points": 824},
        {"parity not fitted": ({"final_accuracy": {"parity_train": [1.0, 0.995], "parity_test": [0.4, 0.4],
                                                   "real_test": [0.95, 0.95]}}, ("train",)),
         "parity at chance": ({"final_accuracy": {"parity_train": [1.0, 1.0], "parity_test": [0.4, 379 / 824],
                                                  "real_test": [0.95, 0.95]}}, ("parity test",)),
         "parity generalised": ({"final_accuracy": {"parity_train": [1.0, 1.0], "parity_test": [0.4, 0.7],
                                                    "real_test": [0.95, 0.95]}}, ("parity test",)),
         "digits at 0.9": ({"final_accuracy": {"parity_train": [1.0, 1.0], "parity_test": [0.4, 0.4],
                                               "real_test": [0.9, 0.95]}}, ("digits",))}),
    # mean ρ ≥ 0.8 and the lowest k converges
    "spectral-bias": Control(
        {"spearman_per_seed": [0.8, 0.8], "median_steps": [100, 200]},
        {"mean 0.795": ({"spearman_per_seed": [0.79, 0.8]}, ("Spearman",)),
         "a seed without ρ": ({"spearman_per_seed": [0.9, None]}, ("Spearman",)),
         "lowest never": ({"median_steps": [None, 200]}, ("lowest k",))}),
    # among noise sizes where the lowest keeps ≥ 0.5 (at least 3), the highest keeps less at ≥ 75%
    "perturbation-robustness": Control(
        {"retained_low": [0.5, 0.6, 0.7, 0.9, 0.1], "retained_high": [0.4, 0.5, 0.6, 0.95, 0.0]},
        {"half the sizes": ({"retained_high": [0.4, 0.5, 0.7, 0.95, 0.0]}, ("highest peak keeps less",)),
         "two sizes count": ({"retained_low": [0.5, 0.6, 0.49, 0.3, 0.1]}, ("noise sizes",)),
         "the lowest dies everywhere": ({"retained_low": [0.4, 0.3, 0.2, 0.1, 0.0]},
                                        ("noise sizes", "highest peak keeps less"))}),
    # the most wound curve's mean error over the circle's at most 0.5
    "manifold-winding": Control(
        {"windings": [1, 2, 4], "mean_error_highest_k": [0.4, 0.3, 0.2]},
        {"ratio 0.525": ({"mean_error_highest_k": [0.4, 0.3, 0.21]}, ("most wound",)),
         "the windings listed backwards": ({"windings": [4, 2, 1]}, ("most wound",))}),
    # every seed: ρ(k, dip) ≥ 0.6, dip(highest) ≥ 5 dip(lowest), harm ratio ≥ 1.5
    "noise-frequency-dip": Control(
        {"spearman_dip": [0.6, 0.7], "dip": [[0.01, 0.02, 0.0501], [0.02, 0.05, 0.1]], "harm_ratio": [1.5, 2.0]},
        {"ρ 0.59": ({"spearman_dip": [0.59, 0.7]}, ("Spearman",)),
         "dip ratio 4.95": ({"dip": [[0.01, 0.02, 0.0501], [0.02, 0.05, 0.099]]}, ("dip at the highest",)),
         "harm 1.49": ({"harm_ratio": [1.49, 2.0]}, ("harm",))}),
    # every fitted slope within 0.15 of its law
    "relu-spectrum-decay": Control(
        {"largest_deviation": {"d=1 line": 0.15, "d=2 generic": 0.0}},
        {"0.151": ({"largest_deviation": {"d=1 line": 0.151, "d=2 generic": 0.0}}, ("slope",)),
         "no fit": ({"largest_deviation": {"d=1 line": None, "d=2 generic": 0.0}}, ("slope",))}),
    # gap slope in [-0.8, -0.2], gap at the widest ≤ 0.1, rates strictly decreasing in k everywhere
    "ntk-linearised-rates": Control(
        {"slope": -0.2, "gap": [0.3, 0.1], "predicted_rate_all": [[[3.0, 2.0, 1.0]]],
         "measured_rate_all": [[[3.0, 2.0, 1.0]]]},
        {"slope -0.19": ({"slope": -0.19}, ("slope",)),
         "slope -0.81": ({"slope": -0.81}, ("slope",)),
         "gap 0.11": ({"gap": [0.3, 0.11]}, ("widest",)),
         "a measured tie": ({"measured_rate_all": [[[3.0, 3.0, 1.0]]]}, ("rates",)),
         "predicted rising": ({"predicted_rate_all": [[[1.0, 2.0, 3.0]]]}, ("rates",))}),
    # gap slope in [-0.8, -0.2], gap at the widest ≤ 0.05, eigenvalue slope in [-2.2, -1.8]
    "ntk-relu-kernel": Control(
        {"relu_gap_slope": -0.8, "relu_gap": [0.1, 0.05], "eigen_slope": -1.8},
        {"slope -0.81": ({"relu_gap_slope": -0.81}, ("gap against",)),
         "gap 0.051": ({"relu_gap": [0.1, 0.051]}, ("widest",)),
         "eigen -2.21": ({"eigen_slope": -2.21}, ("μ_k",)),
         "eigen -1.79": ({"eigen_slope": -1.79}, ("μ_k",))}),
    # at the largest width every ratio in [0.7, 1.4], every exponent within 0.3 of the predicted one
    "lfp-rates": Control(
        {"ratio_largest_width": [[0.7, 1.4], [1.0, 1.0]], "exponent_measured": [[-2.0, 0.1], [-2.25, 0.1]],
         "exponent_predicted": [[-2.25, 0.1], [-2.0, 0.1]]},
        {"ratio 0.69": ({"ratio_largest_width": [[0.69, 1.0], [1.0, 1.0]]}, ("smallest",)),
         "ratio 1.41": ({"ratio_largest_width": [[1.0, 1.41], [1.0, 1.0]]}, ("largest measured",)),
         "exponent off by 0.31": ({"exponent_measured": [[-2.0, 0.1], [-2.31, 0.1]]}, ("exponent",))}),
    # every remedy at most 0.8 of the plain MLP's steps
    "remedies-highest-peak-faster": Control(
        {"ratio": {"gaussian": 0.8, "mscale": 0.01}},
        {"0.81": ({"ratio": {"gaussian": 0.81, "mscale": 0.01}}, ("ratio",)),
         "a remedy never converges": ({"ratio": {"gaussian": 1.0, "mscale": 0.01}}, ("ratio",))}),
    # Gaussian features at least 1 dB above no mapping
    "remedies-fourier-features-psnr": Control(
        {"test_psnr": {"none": 20.0, "basic": 20.5, "positional": 20.7, "gaussian": 21.0}},
        {"0.99 dB": ({"test_psnr": {"none": 20.0, "basic": 20.5, "positional": 20.7, "gaussian": 20.99}}, ("PSNR",))}),
    # at most 1e-12 with at most 4 stages, below the single network
    "multistage-machine-precision": Control(
        {"final_test_error": 1e-12, "stages": 4, "single_test_error": 1e-6},
        {"1.1e-12": ({"final_test_error": 1.1e-12}, ("last stage",)),
         "five stages": ({"stages": 5}, ("stages at most",)),
         "above the single network": ({"single_test_error": 1e-13}, ("single",)),
         "no error measured": ({"final_test_error": None}, ("last stage", "single"))}),
    # every seed ordered, at least 2 bands converge in every seed
    "image2d-coarse-first": Control(
        {"convergence": [[10, 20, None], [5, 9]], "ordered": 1.0},
        {"a seed disordered": ({"ordered": 0.5}, ("ordered",)),
         "one band converges": ({"convergence": [[10, None, None], [5, 9]]}, ("bands",))}),
    # every seed: t* before the end, gain ≥ 1.5, training error falls after t*, Δ_F ≤ 0.25 at t*, noise ≤ 0.1 at t*
    # and at least doubled at the end
    "early-stopping-clean-first": Control(
        {"final_step": 1000, "best_step": [999], "gain": [1.5], "train_error_at_best": [0.2], "train_error_final": [0.19],
         "peak_error_best": [[0.25, 0.1]], "noise_share_best": [0.1], "noise_share_final": [0.2]},
        {"t* at the end": ({"best_step": [1000]}, ("t*",)),
         "gain 1.49": ({"gain": [1.49]}, ("gain",)),
         "training error flat": ({"train_error_final": [0.2]}, ("training error",)),
         "a peak unfitted": ({"peak_error_best": [[0.251, 0.1]]}, ("Δ_F",)),
         "noise fitted early": ({"noise_share_best": [0.101], "noise_share_final": [0.3]}, ("at most 0.1",)),
         "noise not fitted later": ({"noise_share_final": [0.19]}, ("times that",))}),
    # every seed: 0 < t* < end, rise ≥ 0.25 nats, ≥ half way back to the target, Δ_F(1) ≤ 0.25 × harmonics',
    # harmonics' ≥ 0.5 at t*
    "compression-entropy-turns": Control(
        {"final_step": 1000, "target_entropy": 1.0, "turning_step": [500], "initial_entropy": [1.0],
         "largest_entropy": [1.25], "final_entropy": [1.125], "e_low_at_turn": [0.125], "e_high_at_turn": [0.5]},
        {"turn at the start": ({"turning_step": [0]}, ("turning step",)),
         "turn at the end": ({"turning_step": [1000]}, ("turning step",)),
         "rise 0.24": ({"initial_entropy": [1.01]}, ("rise",)),
         "too little fall": ({"final_entropy": [1.13]}, ("way down",)),
         "fundamental unfitted": ({"e_low_at_turn": [0.13]}, ("Δ_F(1)",)),
         "harmonics fitted": ({"e_high_at_turn": [0.49], "e_low_at_turn": [0.1]}, ("harmonics' error at least",))}),
    # ReLU and ReLU² powers within 0.4 of -3 and -5; tanh's rate in [0.85, 1.35] × π/max|w|; S(100) ordered
    "regularity-decay-law": Control(
        {"activations": ["tanh", "relu2", "relu"],
         "law": {"tanh": ["rate", 1.0], "relu2": ["power", -5.0], "relu": ["power", -3.0]},
         "fitted": {"tanh": [[0.85, 1.35]], "relu2": [[-5.375, -4.625]], "relu": [[-3.0, -2.625]]},
         "share_at_100_final": {"tanh": [1e-5], "relu2": [1e-4], "relu": [1e-3]}},
        {"tanh slow": ({"fitted": {"tanh": [[0.84, 1.0]], "relu2": [[-5.0]], "relu": [[-3.0]]}}, ("tanh: smallest",)),
         "tanh fast": ({"fitted": {"tanh": [[1.36, 1.0]], "relu2": [[-5.0]], "relu": [[-3.0]]}}, ("tanh: largest",)),
         "ReLU² off": ({"fitted": {"tanh": [[1.0]], "relu2": [[-5.5]], "relu": [[-3.0]]}}, ("relu2",)),
         "ReLU not fitted": ({"fitted": {"tanh": [[1.0]], "relu2": [[-5.0]], "relu": [[None]]}}, ("relu:",)),
         "S(100) out of order": ({"share_at_100_final": {"tanh": [1e-5], "relu2": [1e-6], "relu": [1e-3]}},
                                 ("ordered",))}),
}

CLAIMS = load_builtin()


def test_every_claim_has_negative_controls():
    """The registry walk: a claim without controls (or without a ``decide`` to feed them) fails here."""
    assert set(CONTROLS) == set(CLAIMS), (sorted(set(CLAIMS) - set(CONTROLS)), sorted(set(CONTROLS) - set(CLAIMS)))
    assert all(claim.decide is not None for claim in CLAIMS.values())


def _failing(claim_id: str, stats: dict[str, Any]) -> tuple[bool, list[str]]:
    conditions = CLAIMS[claim_id].decide(stats)  # type: ignore[misc]
    assert conditions, claim_id
    return all(c.holds for c in conditions), [c.text for c in conditions if not c.holds]


@pytest.mark.parametrize("claim_id", sorted(CONTROLS))
def test_edge_holds(claim_id):
    holds, failing = _failing(claim_id, CONTROLS[claim_id].edge)
    assert holds, (claim_id, failing)


_CASES = [(cid, name) for cid, control in sorted(CONTROLS.items()) for name in control.violations]


@pytest.mark.parametrize(("claim_id", "violation"), _CASES)
def test_violation_fails_on_the_named_conditions(claim_id, violation):
    changes, expected = CONTROLS[claim_id].violations[violation]
    stats = {**copy.deepcopy(CONTROLS[claim_id].edge), **copy.deepcopy(changes)}
    holds, failing = _failing(claim_id, stats)
    assert not holds, (claim_id, violation)
    for fragment in expected:
        assert any(fragment in text for text in failing), (claim_id, violation, fragment, failing)
    assert all(any(fragment in text for fragment in expected) for text in failing), (claim_id, violation, failing)


@pytest.mark.parametrize("claim_id", sorted(CONTROLS))
def test_every_condition_is_violated_by_some_control(claim_id):
    """Each condition of the threshold fails in at least one control, so deleting a condition from a claim, or
    adding one that no control exercises, fails the suite."""
    control = CONTROLS[claim_id]
    conditions = CLAIMS[claim_id].decide(control.edge)  # type: ignore[misc]
    violated = set()
    for changes, _ in control.violations.values():
        stats = {**copy.deepcopy(control.edge), **copy.deepcopy(changes)}
        violated |= {i for i, c in enumerate(CLAIMS[claim_id].decide(stats)) if not c.holds}  # type: ignore[misc]
    assert violated == set(range(len(conditions))), (claim_id, [conditions[i].text for i in
                                                                set(range(len(conditions))) - violated])


def test_a_condition_says_what_failed_and_by_how_much():
    """The words a report prints for a failing condition: the requirement, the measurement and the miss."""
    (condition,) = [c for c in CLAIMS["f1d-low-first"].decide({"ordered": 0.5, "median_steps": [1, 2, 3]})
                    if not c.holds]  # type: ignore[misc]
    assert condition.explain() == ("share of seeds whose peaks converge low first at least 0.75: measured 0.5; "
                                   "FAILS (0.25 below 0.75)")
