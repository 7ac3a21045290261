"""Rare-event estimator against the independent mpmath quadrature of Theorem 1's pair measure (m = 1).

    .venv/bin/python benchmarks/quadrature_check.py      # about 5 minutes

For each (k1, k2, δ, pair) and f̂ = 1: the quadrature with (20, 16) nodes, its relative change from
(12, 10) nodes, and the rare-event estimate of the same pair (1500 samples) with its relative s.e.
Prints a Markdown table.
"""

from __future__ import annotations

import mpmath

from fptheory.numeric import rare_estimate
from fptheory.numeric._setting import Setting
from fptheory.reference import mp_pair_fraction_m1

CASES = [(2.0, 3.0, 0.2, "b"), (2.0, 3.0, 0.13, "b"), (2.0, 3.0, 0.087, "b"), (1.0, 3.0, 0.3, "w"),
         (1.0, 3.0, 0.2, "w"), (1.0, 3.0, 0.15, "w"), (1.0, 3.0, 0.3, "a")]


def main() -> None:
    print("| (k1, k2) | pair | δ | quadrature | change from coarser nodes | rare estimate |")
    print("|---|---|---|---|---|---|")
    for k1, k2, delta, pair in CASES:
        coarse = mp_pair_fraction_m1(k1, k2, 1.0, 1.0, delta, pair, nodes=(12, 10))
        fine = mp_pair_fraction_m1(k1, k2, 1.0, 1.0, delta, pair, nodes=(20, 16))
        est = rare_estimate(Setting(1, k1, k2, 1), delta, 1500, seed=9)
        change = float(abs(coarse - fine) / fine)
        print(f"| ({k1:g}, {k2:g}) | {pair} | {delta} | {mpmath.nstr(fine, 5)} | {change:.1e} "
              f"| {est.per_pair[pair]:.4e} ± {100 * est.per_pair[pair + '_rel_se']:.1f}% |", flush=True)


if __name__ == "__main__":
    main()
