"""Every registered claim, run through the verify registry at quick scale, holds; each states its statement,
full citation, statistic and threshold. The thresholds live in fptheory.verify._claims only (their values are pinned
in tests/test_ledger.py, and each judge is seen to fail in tests/test_negative_controls.py)."""

import math
import re
from typing import Any

import numpy as np
import pytest
from helpers import leading_order_c, random_setting

from fptheory.numeric import Setting, leading_order_windows
from fptheory.verify import load_builtin

CLAIM_IDS = list(load_builtin())


def test_registry_has_the_papers_claims():
    assert len(CLAIM_IDS) == len(set(CLAIM_IDS)) >= 17
    for claim in load_builtin().values():
        assert claim.statement.endswith(".") and claim.statistic and claim.threshold
        citation = claim.source.cite()
        assert re.search(r"arXiv:\d{4}\.\d{4,5}", citation) and claim.source.year >= 2019 and claim.source.where


def test_the_transform_the_eq26_statement_prints_is_the_derived_one():
    """The formula in proof-eq26's statement, typed here in sympy as the statement prints it, equals the package's
    derived transform of a one-neuron tanh network for either sign of w (the statement once printed iπ for -iπ)."""
    import sympy as sp

    from fptheory.symbolic._fourier import b, k, w
    from fptheory.symbolic._network import a, network_transform_expr, neuron_parameters

    statement = load_builtin()["proof-eq26"].statement
    assert "Σ_j a_j (-iπ/|w_j|) e^{ikb_j/w_j} / sinh(πk/(2w_j))" in statement
    assert "Σ_j (2π a_j i/|w_j|) e^{ib_jk/w_j} / (e^{-πk/(2w_j)} - e^{πk/(2w_j)})" in statement
    derived = network_transform_expr(1).subs(dict(zip(neuron_parameters(1), (a, w, b))))
    printed = a * (-sp.I * sp.pi / sp.Abs(w)) * sp.exp(sp.I * k * b / w) / sp.sinh(sp.pi * k / (2 * w))
    paper = 2 * sp.pi * a * sp.I / sp.Abs(w) * sp.exp(sp.I * b * k / w) / (sp.exp(-sp.pi * k / (2 * w)) - sp.exp(sp.pi * k / (2 * w)))
    for sign in ({"positive": True}, {"negative": True}):
        ws = sp.Symbol("w_s", real=True, **sign)
        for form in (printed, paper):
            assert sp.simplify((derived - form).subs(w, ws).rewrite(sp.exp)) == 0, (sign, form)
    wrong = -printed  # the sign the statement used to print
    assert sp.simplify((derived - wrong).subs(w, sp.Symbol("w_s", positive=True)).rewrite(sp.exp)) != 0


#: Claims that fail at quick scale as a measured finding (as at full scale, below): the test checks that they still
#: fail, so that a change shows.
QUICK_SCALE_FINDINGS: dict[str, str] = {
    "poisson-hybrid-faster": "the quick DNN's error (2 x 32, 2000 steps) has a part in Jacobi's slowest mode j = 1, "
                             "which the odd u* lacks and which decays 4 times slower than u*'s own mode 2: every T "
                             "needs at least as many sweeps as Jacobi from zero (time ratio about 5)",
    "multistage-machine-precision": "three small stages of 300 Adam and 1500 L-BFGS iterations take the relative "
                                    "error from 5e-5 to about 3e-8, not 1e-12 (each stage still lowers it, and the "
                                    "stages end far below the single network: tests/test_multistage.py)",
}


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_holds_at_quick_scale(claim_id, quick_claim):
    """Every claim holds at quick scale, except the quick-scale findings, which must still fail."""
    claim = load_builtin()[claim_id]
    result, _ = quick_claim(claim_id)
    evidence = claim.judge(result)
    expected = claim_id not in QUICK_SCALE_FINDINGS
    assert evidence.holds == expected, f"{claim_id}: {evidence.key} (threshold: {claim.threshold})"


def test_decay_constant_claims_reach_tiny_fractions_with_sound_weights(quick_claim):
    """Beyond the verdict: the quick decay-constant runs resolve fractions far below what sampling sees (below
    1e-25), each to 15% relative standard error (Theorem 1, 120 averaged samples a point) and 10% (Theorem 2)."""
    for claim_id, rel in (("theorem1-decay-constant", 0.15), ("theorem2-decay-constant", 0.1)):
        result, _ = quick_claim(claim_id)
        assert min(p.log10_fraction for p in result.points) < -25
        assert all(p.rel_se < rel for p in result.points), claim_id


@pytest.mark.parametrize(("claim_id", "closed_form"), [
    ("theorem1-decay-constant", (math.pi / 2) * math.sqrt(1 + (math.pi / 4) ** 2)),  # docs/theory.md §8: 1.997
    ("theorem2-decay-constant", 2 * (math.pi / 2) * math.sqrt(1 + (math.pi / 2) ** 2)),  # 5.850
])
def test_decay_constant_claims_expect_the_independent_closed_form(claim_id, closed_form, quick_claim):
    """The constant each decay claim holds its fit to (what its judge used on the quick run) is the hand-derived one:
    the closed form typed from docs/theory.md §8 and tests/helpers.leading_order_c, at the (k1, k2) of both scales."""
    claim = load_builtin()[claim_id]
    for quick in (True, False):
        s = claim.settings(quick)
        assert leading_order_c(Setting(s["theorem"], s["k1"], s["k2"], 1)) == pytest.approx(closed_form, rel=1e-12)
    result, _ = quick_claim(claim_id)
    assert claim.judge(result).details["leading_order_c"] == pytest.approx(closed_form, rel=1e-12)


@pytest.mark.parametrize("theorem", [1, 2])
def test_leading_order_windows_against_the_hand_derived_constant_on_random_settings(theorem):
    """On 40 random settings (m = 1, complex f̂, 0.5 ≤ k1 < k2 ≤ 4), the package's windows give the smallest
    constant that tests/helpers.leading_order_c writes out from docs/theory.md §8 (Theorem 2: twice the open
    a-windows'), so a decay claim at any (k1, k2) is held to the independent value."""
    rng = np.random.default_rng(4242 + theorem)
    for _ in range(40):
        s = random_setting(rng, theorem)
        setting = Setting(theorem, s.k1, s.k2, 1, s.fhat1, s.fhat2)
        windows = leading_order_windows(setting, span=6)
        if theorem == 1:
            package = min(w.c for w in windows)
        else:
            package = 2 * min(w.c for w in windows if w.pair == "a" and not w.closed)
        assert package == pytest.approx(leading_order_c(setting), rel=1e-12), setting


#: Claims that fail at full scale as a measured finding, kept and reported (docs/results.md): the statistic and
#: threshold were fixed before the run. The slow test checks that they still fail, so a change shows.
FULL_SCALE_FINDINGS: dict[str, str] = {
    "manifold-winding": "at full scale every (k, L) converges early (mean errors 0.01-0.03); the highest k's is 0.57 "
                        "of the circle's on the most wound curve (threshold 0.5), and each k's is lowest where L = k",
    "poisson-hybrid-faster": "the best hybrid (T = 1000 steps, then 28000 sweeps) takes 0.9-1.1 times Jacobi alone's "
                             "time (threshold 0.8; quiet and loaded machine) for 64 times its estimated flops; the "
                             "DNN alone never reaches 1e-3",
    "remedies-highest-peak-faster": "the adaptive tanh network (n = 10), like the plain ReLU MLP, never converges the "
                                    "peaks k = 30-50 in 6000 steps (ratio 1); Fourier features, MscaleDNN and PhaseDNN "
                                    "do (ratios 0.01-0.3)",
    "multistage-machine-precision": "four stages take the test error from 7e-6 to about 4e-10, four orders below "
                                    "the single network (3e-6), not to 1e-12: from stage 3 on, the residual is "
                                    "broadband at tens to hundreds of cycles per unit, and a 32-wide stage lowers "
                                    "it by a factor of 3 to 10 where stage 2 gained 1000",
}


#: Findings whose statistic is a ratio of measured seconds: the verdict depends on the machine and its load (the
#: hybrid's time ratio was 0.9-1.2 on most runs, and at most 0.8 in one slow-tier run on a 2-core machine busy
#: with other work). The slow test does not ask for their verdict; it checks the part of the finding that no clock
#: decides.
TIMED_FINDINGS = frozenset({"poisson-hybrid-faster"})


#: Claims whose full-scale run takes more than ten minutes of a 2-core machine (docs/results.md gives each claim's
#: time): the slow tier, which CI runs within its 90 minutes, leaves them to the `full` tier. init-scale joined them
#: when its full scale went to 48 seeds (its 8-seed run took 699 s; 500 steps of one scale took 3 to 4.6 times as long
#: with 48 seeds as with 8).
HEAVIEST_AT_FULL_SCALE = frozenset({"manifold-winding", "multistage-machine-precision", "noise-frequency-dip",
                                    "regularity-decay-law", "lfp-rates", "spectral-bias", "init-scale"})


def _verify_at_full_scale(claim_ids: list[str], out: Any) -> None:
    """``fptheory verify`` at full scale (every experiment's default configuration, two workers) on these claims:
    every one holds, except the findings listed above, which must still fail."""
    from fptheory.verify._runner import select, verify

    outcomes = verify([c for c in select(None) if c.id in claim_ids], quick=False, out=out, jobs=2)
    assert not [o.id for o in outcomes if o.verdict == "error"], [o.key for o in outcomes if o.verdict == "error"]
    failing = {o.id: o.key for o in outcomes if o.verdict == "fails"}
    assert set(failing) - TIMED_FINDINGS == (set(FULL_SCALE_FINDINGS) & set(claim_ids)) - TIMED_FINDINGS, failing
    hybrid = [o.evidence for o in outcomes if o.id == "poisson-hybrid-faster"]
    # whatever the clock said: a hybrid reached the target, at more estimated flops than the faster pure method
    assert all(e["time_ratio"] is not None and e["work_ratio"] is not None and e["work_ratio"] > 1 for e in hybrid), hybrid


def test_heaviest_claims_are_registered():
    assert HEAVIEST_AT_FULL_SCALE <= set(CLAIM_IDS)


def _kept_or(tmp_path: Any) -> Any:
    """FPTHEORY_KEEP_FULL_VERIFY=DIR writes the run to DIR and reuses its cache: the full tier after the slow tier
    with the same DIR computes only the heaviest claims, and `fptheory results` builds docs/results.md from the
    very run these tests checked."""
    import os

    return os.environ.get("FPTHEORY_KEEP_FULL_VERIFY") or tmp_path


@pytest.mark.slow
def test_claims_at_full_scale(tmp_path):
    """The slow tier (CI): every claim but the heaviest, at full scale (about half an hour on 2 cores)."""
    _verify_at_full_scale([c for c in CLAIM_IDS if c not in HEAVIEST_AT_FULL_SCALE], _kept_or(tmp_path))


@pytest.mark.full
def test_every_claim_at_full_scale(tmp_path):
    """The full tier (``pytest -m full``, about eighty minutes on 2 cores): every claim at full scale, the run that
    docs/results.md reports."""
    _verify_at_full_scale(CLAIM_IDS, _kept_or(tmp_path))
