"""The jitted plain counter on a GPU against the same code on the machine's CPU (run by benchmarks/gpu_check.sh).

    PYTHONPATH=$PWD python3 benchmarks/gpu_plain.py

First the same sample (2^20 points, δ = 2, Theorem 1, k1 = 1, k2 = 3) on both devices, each in its own batch size: the
counter's points depend on the seed and their index only, so the hits and the per-pair fractions must be EQUAL.
Then samples per second at δ = 0.5 (the rows of benchmarks/bench_measure.py) at each device's own batch size
(plain_chunk), m = 1 and m = 10, the best of three runs after one that compiles.
"""

from __future__ import annotations

import time

import jax

from fptheory.numeric._plain import plain_chunk, plain_estimate
from fptheory.numeric._setting import Setting


def main() -> None:
    print("jax", jax.__version__, jax.devices(), flush=True)
    cpu, gpu = jax.devices("cpu")[0], jax.devices()[0]
    for m in (1, 10):
        setting = Setting(1, 1.0, 3.0, m)
        counts = []
        for device in (cpu, gpu):
            with jax.default_device(device):
                e = plain_estimate(setting, 2.0, 2**20, seed=5, backend="jax", pairs=True)
                counts.append((e.hits, e.per_pair))
        print(f"m = {m}, the same sample at δ = 2, own batch sizes: cpu {counts[0]}, {gpu.platform} {counts[1]}:",
              "EQUAL" if counts[0] == counts[1] else "DIFFER", flush=True)
    for device, sizes in ((cpu, {1: 2**23, 10: 2**21}), (gpu, {1: 2**26, 10: 2**24})):
        with jax.default_device(device):
            for m, n in sizes.items():
                setting = Setting(1, 1.0, 3.0, m)
                chunk = plain_chunk(m, "jax")
                plain_estimate(setting, 0.5, chunk, seed=1, backend="jax")  # compiles the batch size
                best = 0.0
                for rep in range(3):
                    start = time.perf_counter()
                    plain_estimate(setting, 0.5, n, seed=3 + rep, backend="jax")
                    best = max(best, n / (time.perf_counter() - start))
                print(f"{device.platform}: m = {m}, batches of {chunk}, {n} samples: {best:.3g} samples/s (best of 3)", flush=True)


if __name__ == "__main__":
    main()
