"""Fitted decay constant c of Theorem 1's bad fraction against the proof's c = π(k2-k1)/2.

    .venv/bin/python benchmarks/decay_constants.py [--samples N]

For each (k1, k2) and m ∈ {1, 10} (f̂ = 1 at both frequencies): the rare-event estimator at six δ with
c_proof/δ = 8 … 60, the weighted fit of log p = log C + α log δ - c/δ, and the decay constant predicted by
the leading-order windows (fptheory.numeric.leading_order_windows): the smallest over the pairs' windows
of (c_proof + [closed] πk1/2) · sqrt(1 + (ψ/k1)²). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time

from fptheory.experiments.measure import MeasureConfig, run
from fptheory.numeric import leading_order_windows

PAIRS = ((1.0, 2.0), (1.0, 3.0), (2.0, 3.0), (1.0, 2.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    print("| k1 | k2 | m | proof's c | fitted c [95%] | α | χ²/dof | window c | smallest p | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k1, k2 in PAIRS:
        for m in (1, 10):
            config = MeasureConfig(theorem=1, k1=k1, k2=k2, m=m, method="rare", samples=args.samples, seed=1,
                                   deltas=tuple(3.14159265 * (k2 - k1) / 2 / x for x in (8, 12, 18, 27, 40, 60)))
            start = time.perf_counter()
            result = run(config)
            seconds = time.perf_counter() - start
            window = min(w.c for w in leading_order_windows(config.setting))
            f = result.fit
            chi2 = f"{f.chi2_dof:.2f}" if f.chi2_dof is not None else "-"
            smallest = min(p.fraction for p in result.points)
            print(f"| {k1:g} | {k2:g} | {m} | {result.predicted_c:.3f} | {f.c:.3f} [{f.c_ci[0]:.3f}, {f.c_ci[1]:.3f}] "
                  f"| {f.alpha:.2f} | {chi2} | {window:.3f} | {smallest:.1e} | {seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main()
