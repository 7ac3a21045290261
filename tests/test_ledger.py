"""The threshold ledger is pinned: every number a verdict turns on, written out here by hand, with whether it was
fixed before the claim's first full-scale run. Changing a threshold (or its history) in a claim fails this test
until the row below changes with it — in the same commit as the ledger row's new reason, which the reviewer reads.
This file states its own values; it imports no claim's constant."""

from __future__ import annotations

from fptheory.verify import load_builtin
from fptheory.verify._thresholds import ledger_markdown, ledger_rows

#: (claim, threshold, value, fixed before the first full run: True, False, or None when the history does not say)
GOLDEN = [
    ('proof-eq26', 'rigorous steps that may fail', 0, True),
    ('proof-eq27-31', 'rigorous steps that may fail', 0, True),
    ('proof-theorem1', 'rigorous steps that may fail', 0, True),
    ('proof-theorem2', 'rigorous steps that may fail', 0, True),
    ('parseval', 'significant digits of agreement', 20, None),
    ('theorem1-decay-constant', 'share of the leading-order c by which the fitted interval is widened', 0.05, None),
    ('theorem2-decay-constant', 'share of the leading-order c by which the fitted interval is widened', 0.05, None),
    ('f1d-low-first', 'share of seeds ordered', 0.75, None),
    ('init-scale', 'mean Spearman ρ(k, step) at the smallest scale', 0.8, None),
    ('init-scale', 'lower end of the 95% t-interval of the paired difference of ρ, smallest scale minus largest', 0.0, False),
    ('theory-vs-training', 'median relative difference of measured and predicted dL(k)/dt', 0.01, None),
    ('theory-vs-training', "distance of the log gradient ratio's slope from -1", 0.03, None),
    ('theory-vs-training', 'R² of that fit', 0.99, None),
    ('filtering-low-first', '(network, δ) pairs where e_low and e_high do not both converge within the budget, e_low first', 0, False),
    ('projection-low-first', 'one-hot components with a significant interior peak', 3, None),
    ('projection-low-first', 'share of those components ordered, per network', 0.8, None),
    ('poisson-opposite-orders', 'share of seeds whose DNN converges the peaks low first', 1.0, None),
    ('poisson-hybrid-faster', "best hybrid's time to the target over the faster pure method's", 0.8, None),
    ('parity-no-generalization', "one-sided binomial test level for parity's test accuracy below 1/2, every seed", 0.01, False),
    ('parity-no-generalization', "digits' test accuracy", 0.9, None),
    ('spectral-bias', 'mean Spearman ρ(k, convergence step)', 0.8, None),
    ('perturbation-robustness', 'share of itself the lowest peak must keep for a noise size to count', 0.5, None),
    ('perturbation-robustness', 'noise sizes that count', 3, None),
    ('perturbation-robustness', 'share of those sizes where the highest peak keeps less than the lowest', 0.75, None),
    ('manifold-winding', "highest k's mean error over the run, most wound curve over the circle", 0.5, True),
    ('noise-frequency-dip', 'Spearman ρ(k, dip), every seed', 0.6, False),
    ('noise-frequency-dip', 'dip at the highest k over the dip at the lowest, every seed', 5.0, False),
    ('noise-frequency-dip', "mean harm over the lower half of the k's over that of the upper half, every seed", 1.5, False),
    ('relu-spectrum-decay', 'largest distance of a fitted slope from its law (-3 generic, -2 along a kink normal or in d = 1)', 0.15, True),
    ('ntk-linearised-rates', 'slope of log(largest gap) against log(width)', [-0.8, -0.2], True),
    ('ntk-linearised-rates', 'largest |Δ_F predicted - measured| at the widest network', 0.1, True),
    ('ntk-linearised-rates', '(width, seed) pairs whose per-peak rates, predicted or measured, do not decrease in k', 0, False),
    ('ntk-relu-kernel', 'slope of the relative gap (empirical - analytic kernel) against log(width)', [-0.8, -0.2], True),
    ('ntk-relu-kernel', 'relative gap at the widest network', 0.05, True),
    ('ntk-relu-kernel', 'slope of log μ_k against log k on the circle', [-2.2, -1.8], True),
    ('lfp-rates', 'measured / predicted initial decay rate at the largest width, every seed and ξ', [0.7, 1.4], True),
    ('lfp-rates', '|measured - predicted| exponent of the rate in ξ', 0.3, True),
    ('remedies-highest-peak-faster', "each remedy's median step to converge the highest peak over the plain MLP's", 0.8, None),
    ('remedies-fourier-features-psnr', "Gaussian features' test PSNR over no mapping's, dB", 1.0, None),
    ('multistage-machine-precision', 'relative L2 test error after the last stage', 1e-12, None),
    ('multistage-machine-precision', 'stages', 4, None),
    ('image2d-coarse-first', 'share of seeds whose converging bands are ordered coarse first', 1.0, None),
    ('image2d-coarse-first', 'radial bands that converge, in every seed', 2, None),
    ('early-stopping-clean-first', 'final clean error over the clean error at t*', 1.5, None),
    ('early-stopping-clean-first', "largest Δ_F at the target's peaks at t*", 0.25, False),
    ('early-stopping-clean-first', "share of the noise's power above k = 3 held at t*", 0.1, None),
    ('early-stopping-clean-first', 'noise share at the end over that at t*', 2.0, None),
    ('compression-entropy-turns', 'entropy rise H(t*) - H(0), nats', 0.25, None),
    ('compression-entropy-turns', "share of the way from H(t*) down to the target's entropy covered by the final entropy", 0.5, False),
    ('compression-entropy-turns', "Δ_F(1) at t* over the harmonics' error at t*", 0.25, None),
    ('compression-entropy-turns', "harmonics' relative error at t*", 0.5, None),
    ('regularity-decay-law', "distance of ReLU's and ReLU²'s fitted powers from -3 and -5", 0.4, None),
    ('regularity-decay-law', "tanh's fitted exponential rate over π/max|w|", [0.85, 1.35], None),
]


def test_ledger_is_pinned():
    rows = [(r["claim"], r["name"], r["value"], r["fixed_before_full_run"]) for r in ledger_rows(load_builtin().values())]
    assert rows == GOLDEN


def test_every_claim_has_ledger_rows_with_reasons():
    claims = load_builtin()
    assert {claim for claim, *_ in GOLDEN} == set(claims)
    for claim in claims.values():
        names = [t.name for t in claim.ledger]
        assert len(names) == len(set(names)), claim.id
        for t in claim.ledger:
            assert len(t.reason.split()) >= 8, (claim.id, t.name, t.reason)  # a reason, not a label
            assert t.history, (claim.id, t.name)
            assert t.fixed_before_full_run in (True, False, None)


def test_ledger_renders_every_row():
    rows = ledger_rows(load_builtin().values())
    table = ledger_markdown(rows)
    assert len(table) == len(rows) + 2 and table[0].startswith("| claim | threshold | value")
    assert sum("| **no** |" in line for line in table) == sum(r[3] is False for r in GOLDEN)
