"""The rare-event estimators with their plain pilot on numpy and on JAX (``backend="jax"``).

    .venv/bin/python benchmarks/rare_pilot.py
    XLA_FLAGS=--xla_force_host_platform_device_count=2 .venv/bin/python benchmarks/rare_pilot.py

Before its importance draws, each rare estimator runs a plain Monte-Carlo pilot of 20,000 (up to 200,000) points
(``fptheory.numeric._importance.plain_pilot``). With numpy the pilot decides them by the reference evaluator; with
``backend="jax"`` it draws and decides them in jitted float64 batches with the plain counter's kernel, split across
all local JAX devices. The draws that follow are numpy and mpmath on the CPU either way. This script times whole
estimates both ways in interleaved rounds, after one untimed estimate per way and setting (imports and JAX's
compilation, which it reports apart), and prints the median seconds, the ratio numpy / jax, the pilot's share of
numpy's time, the ratio of the pilots alone, and both estimates with the z of their difference (different samples,
the same law). The draws' time varies with the sample (how many thin windows need the 80-digit step), so the whole
ratio can fall below the pilots' where the pilot is a small share.
"""

from __future__ import annotations

import math
import os
import statistics
import time

import jax
import numpy as np

from fptheory.numeric import Setting, rare_estimate, rare_estimate_theorem2
from fptheory.numeric._importance import plain_pilot

ROUNDS = 3
#: (theorem, m, δ, importance draws); f̂ = (1, 0.5 + 0.5i)
CASES = ((1, 1, 0.5, 2000), (1, 10, 0.3, 1000), (1, 100, 0.5, 200), (2, 3, 1.0, 1000), (2, 30, 10.0, 300))


def _timed(call) -> tuple[float, object]:
    began = time.perf_counter()
    out = call()
    return time.perf_counter() - began, out


def main() -> None:
    print(f"load average before the run (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"JAX devices: {len(jax.local_devices())} × {jax.local_devices()[0].platform}; {ROUNDS} interleaved rounds, "
          "median seconds (first call, with compilation, apart); k1 = 1, k2 = 3, f̂ = (1, 0.5 + 0.5i)")
    print("| theorem | m | δ | draws | numpy s | jax s | numpy / jax | jax first call s | pilot share (numpy) | "
          "pilot numpy / jax | numpy estimate | jax estimate | z |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for theorem, m, delta, samples in CASES:
        setting = Setting(theorem, 1.0, 3.0, m, 1.0, 0.5 + 0.5j)
        estimator = rare_estimate if theorem == 1 else rare_estimate_theorem2
        times: dict[str, list[float]] = {"numpy": [], "jax": []}
        estimates = {}
        first = {}
        for backend in times:
            first[backend], _ = _timed(lambda: estimator(setting, delta, samples, seed=0, backend=backend))
        for _ in range(ROUNDS):
            for backend in times:
                seconds, estimates[backend] = _timed(lambda: estimator(setting, delta, samples, seed=1, backend=backend))
                times[backend].append(seconds)
        pilot = {backend: statistics.median(
            _timed(lambda: plain_pilot(setting, delta, np.random.default_rng(1), key=key))[0] for _ in range(ROUNDS))
            for backend, key in (("numpy", None), ("jax", jax.random.PRNGKey(1)))}
        a, b = estimates["numpy"], estimates["jax"]
        se = math.hypot(a.fraction * (a.rel_se or 0), b.fraction * (b.rel_se or 0))
        z = (b.fraction - a.fraction) / se if se > 0 else float("nan")
        numpy_s, jax_s = statistics.median(times["numpy"]), statistics.median(times["jax"])
        print(f"| {theorem} | {m} | {delta:g} | {samples} | {numpy_s:.3f} | {jax_s:.3f} | {numpy_s / jax_s:.2f} | "
              f"{first['jax']:.2f} | {pilot['numpy'] / numpy_s:.0%} | {pilot['numpy'] / pilot['jax']:.1f} | "
              f"{a.fraction:.3e} ± {a.rel_se or 0:.1%} | "
              f"{b.fraction:.3e} ± {b.rel_se or 0:.1%} | {z:+.2f} |")


if __name__ == "__main__":
    main()
