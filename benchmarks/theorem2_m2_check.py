"""Theorem 2 at m = 2, k = (2, 3), f̂ = 1, δ = 1: the rare estimator against a plain Monte Carlo of 10^9 points
(issue 35, item 2: an earlier review read the rare estimate 5% low against a 6·10^8-point plain estimate).

    .venv/bin/python benchmarks/theorem2_m2_check.py [--samples 1e9] [--seeds 31 32 33]

The plain estimate is the jax counter (its points from the counter-based stream, decided by the fused kernel,
whose verdicts tests/test_fused.py holds equal to the log-domain evaluator's); about 8 minutes per 10^9 points on
two cores. Each rare run uses 16,000 draws. Printed: each estimate with its 95% interval, and the z of each rare
run and of their pool (the mean, its standard error from the runs' own) against the plain one.
"""

from __future__ import annotations

import argparse
import math
import time

from fptheory.numeric import rare_estimate_theorem2
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Setting

SETTING = Setting(2, 2.0, 3.0, 2)
DELTA = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, default=1e9, help="plain Monte-Carlo points")
    parser.add_argument("--seeds", type=int, nargs="+", default=[31, 32, 33], help="seeds of the rare runs")
    parser.add_argument("--draws", type=int, default=16000, help="importance draws per rare run")
    args = parser.parse_args()
    print(f"{SETTING}, δ = {DELTA}")
    start = time.perf_counter()
    plain = plain_estimate(SETTING, DELTA, int(args.samples), seed=2026, backend="jax")
    se_plain = math.sqrt(plain.fraction * (1 - plain.fraction) / plain.samples)
    print(f"plain, {plain.samples:.3g} points, seed 2026: {plain.fraction:.4e} [{plain.ci_low:.4e}, {plain.ci_high:.4e}] "
          f"({plain.hits} hits, {time.perf_counter() - start:.0f} s)", flush=True)
    fractions, ses = [], []
    for seed in args.seeds:
        rare = rare_estimate_theorem2(SETTING, DELTA, args.draws, seed=seed)
        se = rare.fraction * rare.rel_se
        fractions.append(rare.fraction)
        ses.append(se)
        z = (rare.fraction - plain.fraction) / math.hypot(se, se_plain)
        print(f"rare, seed {seed}: {rare.fraction:.4e} [{rare.ci_low:.4e}, {rare.ci_high:.4e}], ESS {rare.ess:.0f}, "
              f"k̂ {rare.pareto_k:.2f}, warning {rare.warning!r}; z against plain {z:+.2f}", flush=True)
    pooled = sum(fractions) / len(fractions)
    se_pooled = math.sqrt(sum(s * s for s in ses)) / len(ses)
    print(f"pooled rare: {pooled:.4e} ± {se_pooled:.2e}; z against plain {(pooled - plain.fraction) / math.hypot(se_pooled, se_plain):+.2f}"
          " (|z| ≤ 2: agreement within 2σ)")


if __name__ == "__main__":
    main()
