"""The init-scale experiment: its per-seed rank correlations are Spearman's ρ of the recorded steps (its verdict
is the init-scale claim's, tests/test_claims.py)."""

import json

import numpy as np
from scipy.stats import spearmanr


def test_correlations_are_spearman_of_the_convergence_steps(quick_claim):
    result, folder = quick_claim("init-scale")
    last = int(result.steps[-1])
    for s, per_scale in enumerate(result.convergence):
        for seed, steps in enumerate(per_scale):
            values = [last + 1 if v is None else v for v in steps]
            expected = 0.0 if len(set(values)) == 1 else spearmanr(result.config.frequencies, values).statistic
            assert result.correlations[s, seed] == expected
    data = json.loads((folder / "result.json").read_text())
    np.testing.assert_allclose(data["rank_correlation_mean"], result.correlations.mean(axis=1))
