"""The coverage of the rare estimators' skewness-corrected 95% interval against the skewness of what it averages:
the reason for ``SKEW_WARN`` (fptheory.numeric._setting), above which an estimate warns.

    .venv/bin/python benchmarks/skew_coverage.py [--repeats R]

For lognormal laws (σ = 0.5 … 2.5, known mean e^{σ²/2}) and sample sizes n = 50, 200, 800: over R samples each,
the share of :func:`fptheory.numeric._importance.skew_corrected_interval`'s intervals (Hall 1992) that contain the
mean, the share of the plain normal interval x̄ ± 1.96 s/√n that do, and the median of the samples' γ̂/√n
(:func:`fptheory.numeric._importance.skew_index`), the first-order term the correction removes. A Markdown table.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from fptheory.numeric._importance import skew_corrected_interval, skew_index
from fptheory.numeric._setting import SKEW_WARN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    print(f"| σ | n | corrected interval covers | normal interval covers | median γ̂/√n | warns (> {SKEW_WARN}) |")
    print("|---|---|---|---|---|---|")
    for sigma in (0.5, 1.0, 1.5, 2.0, 2.5):
        mean = math.exp(sigma**2 / 2)
        for n in (50, 200, 800):
            corrected = normal = 0
            skews = []
            for _ in range(args.repeats):
                x = rng.lognormal(0.0, sigma, n)
                _, low, high = skew_corrected_interval(x)
                corrected += low <= mean <= high
                normal += abs(x.mean() - mean) <= 1.959963984540054 * x.std(ddof=1) / math.sqrt(n)
                skews.append(skew_index(np.log(x)))
            median = float(np.median(skews))
            print(f"| {sigma} | {n} | {corrected / args.repeats:.3f} | {normal / args.repeats:.3f} | {median:.3f} "
                  f"| {'yes' if median > SKEW_WARN else 'no'} |")


if __name__ == "__main__":
    main()
