"""Fitted decay constant c of Theorem 2's bad fraction against the proof's and the ellipses' constants.

    .venv/bin/python benchmarks/decay_constants_theorem2.py [--samples N]

Theorem 2's bad set (|∇L(k1)| < |∇L(k2)|) lies in ellipses around a = 0 and the open zeros b_n of the
k1 factor of the neuron with the largest |w|, of area ∝ ε² (fptheory.numeric._rare_theorem2): the predicted
constant is twice the smallest Theorem-1 window constant over the open a-windows,
2 (π(k2-k1)/2) sqrt(1 + (ψ/k1)²). For each setting and m ∈ {1, 10}: the rare-event estimator at six δ
with c_ellipse/δ = 12 … 60 (below 12 the set is broad, not ellipses), the weighted fit of
log p = log C + α log δ - c/δ. Prints a Markdown table.
Settings whose zeros are all closed (f̂ real with k2/k1 ∈ {2, 3}) have no ellipse and are left out here.
"""

from __future__ import annotations

import argparse
import time

from fptheory.experiments.measure import MeasureConfig, run
from fptheory.numeric import leading_order_windows

SETTINGS = ((2.0, 3.0, 1, 1), (1.0, 2.5, 1, 1), (1.0, 2.0, 1, 1j), (1.0, 3.0, 1, 1j))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=400)
    args = parser.parse_args()
    print("| k1 | k2 | f̂(k1) | f̂(k2) | m | proof's c | ellipse c | fitted c [95%] | α | χ²/dof | smallest p | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k1, k2, fhat1, fhat2 in SETTINGS:
        for m in (1, 10):
            probe = MeasureConfig(theorem=2, k1=k1, k2=k2, m=m, fhat1=fhat1, fhat2=fhat2, method="rare", samples=2)
            ellipse = 2 * min(w.c for w in leading_order_windows(probe.setting) if w.pair == "a" and not w.closed)
            config = MeasureConfig(theorem=2, k1=k1, k2=k2, m=m, fhat1=fhat1, fhat2=fhat2, method="rare",
                                   samples=args.samples, seed=1,
                                   deltas=tuple(ellipse / x for x in (12, 17, 24, 33, 45, 60)))
            start = time.perf_counter()
            result = run(config)
            seconds = time.perf_counter() - start
            f = result.fit
            chi2 = f"{f.chi2_dof:.2f}" if f.chi2_dof is not None else "-"
            smallest = min(p.fraction for p in result.points)
            print(f"| {k1:g} | {k2:g} | {complex(fhat1):g} | {complex(fhat2):g} | {m} | {result.predicted_c:.3f} | {ellipse:.3f} "
                  f"| {f.c:.3f} [{f.c_ci[0]:.3f}, {f.c_ci[1]:.3f}] | {f.alpha:.2f} | {chi2} | {smallest:.1e} | {seconds:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
