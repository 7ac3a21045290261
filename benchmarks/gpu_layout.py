"""The jitted plain counter in its two layouts, by width: its arrays (size, m) as on a CPU, or width first,
(m, size), as on an accelerator up to ``ACCELERATOR_WIDTH_LEADING_MAX_M``. Samples per second (the best of 3
timings of 5 calls after one that compiles), Theorem 1, k1 = 1, k2 = 3, δ = 0.5, at the device's own batch size
(``plain_chunk``); both layouts must count the same hits on the same key at δ = 2. Run by benchmarks/gpu_check.sh;
on a CPU it runs too, with CPU-sized batches.

    PYTHONPATH=$PWD python3 benchmarks/gpu_layout.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jax

from fptheory.numeric._plain import ACCELERATOR_WIDTH_LEADING_MAX_M, _jax_counter, plain_chunk, width_leads
from fptheory.numeric._setting import Setting


def _rate(count: Callable[[Any, float], Any], size: int) -> float:
    key = jax.random.PRNGKey(3)
    jax.block_until_ready(count(key, 0.5))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in range(5):
            out = count(jax.random.fold_in(key, i), 0.5)
        jax.block_until_ready(out)
        best = min(best, (time.perf_counter() - start) / 5)
    return size / best


def main() -> None:
    print("jax", jax.__version__, jax.devices(), f"(width first up to m = {ACCELERATOR_WIDTH_LEADING_MAX_M} on an accelerator)",
          flush=True)
    with jax.enable_x64(True):
        for m in (1, 3, 10, 20, 30, 50, 100):
            setting, size = Setting(1, 1.0, 3.0, m), plain_chunk(m, "jax")
            counters = {leading: _jax_counter(setting, size, leading) for leading in (False, True)}
            hits = [int(c(jax.random.PRNGKey(7), 2.0)[0]) for c in counters.values()]
            rates = [_rate(c, size) for c in counters.values()]
            print(f"m = {m:3d}, batches of {size}: rows {rates[0]:.3g}, width first {rates[1]:.3g} samples/s "
                  f"(x{rates[1] / rates[0]:.2f}; the library picks {'width first' if width_leads(m) else 'rows'}); "
                  f"hits at δ = 2: {'EQUAL' if hits[0] == hits[1] else 'DIFFER'} ({hits[0]}, {hits[1]})", flush=True)


if __name__ == "__main__":
    main()
