"""mpmath on GMP (gmpy2) against mpmath's pure-Python integers, in Theorem 1's rare-event estimator.

    .venv/bin/python benchmarks/mp_backend.py

With real f̂ (the package's default), many zeros of T_l(k1; ·) are zeros of T_l(k2; ·) at leading order: b = 0
at every k2, and at k2 = 3 k1 also ψ = π/2 (cos 3x vanishes where cos x does). Their thin windows are measured
by the 80-digit step (``fptheory.numeric._windows.mp_T_values``), and that step is then most of the estimator's
time. mpmath runs its
arithmetic on gmpy2 when gmpy2 is installed (a dependency of fptheory for this), else on Python integers
(``MPMATH_NOGMPY=1``). This script runs the same estimates both ways, each in a fresh interpreter, in interleaved
rounds, and prints each way's time, their ratio and whether the estimates are identical.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

CODE = r"""
import json, sys, time
import mpmath.libmp
from fptheory.numeric import Setting, rare_estimate

m, delta, samples = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
setting = Setting(1, 1.0, 3.0, m)
rare_estimate(setting, delta, 20, seed=0)  # imports, the lambdified gradients, jax: not timed
began = time.perf_counter()
estimate = rare_estimate(setting, delta, samples, seed=1)
print(json.dumps({"backend": mpmath.libmp.BACKEND, "seconds": time.perf_counter() - began,
                  "fraction": estimate.fraction, "rel_se": estimate.rel_se}))
"""

ROUNDS = 3
CASES = ((1, 0.1, 1000), (10, 0.1, 1000))


def _run(m: int, delta: float, samples: int, gmpy: bool) -> dict:
    env = dict(os.environ)
    env.pop("MPMATH_NOGMPY", None)
    if not gmpy:
        env["MPMATH_NOGMPY"] = "1"
    done = subprocess.run([sys.executable, "-c", CODE, str(m), str(delta), str(samples)], env=env, capture_output=True,
                          text=True, timeout=1800, check=True)
    return json.loads(done.stdout)


def main() -> None:
    print(f"load average before the run (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"rare_estimate, Theorem 1, k1 = 1, k2 = 3, f̂ = (1, 1); {ROUNDS} interleaved rounds, median seconds and the "
          "median [min, max] of the rounds' ratios")
    print("| m | δ | samples | backend | seconds | python / gmpy | same estimate |\n|---|---|---|---|---|---|---|")
    for m, delta, samples in CASES:
        runs = [(_run(m, delta, samples, True), _run(m, delta, samples, False)) for _ in range(ROUNDS)]
        ratios = [python["seconds"] / gmpy["seconds"] for gmpy, python in runs]
        same = all(gmpy["fraction"] == python["fraction"] and gmpy["rel_se"] == python["rel_se"] for gmpy, python in runs)
        for i in range(2):  # gmpy, then Python integers
            backend = {run[i]["backend"] for run in runs}
            seconds = statistics.median(run[i]["seconds"] for run in runs)
            ratio = f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}]" if i else ""
            print(f"| {m} | {delta} | {samples} | {'/'.join(sorted(backend))} | {seconds:.2f} | {ratio} | {same} |")


if __name__ == "__main__":
    main()
