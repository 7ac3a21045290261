"""Where the fused plain Monte-Carlo kernel spends its time at m = 10, part by part, on this machine.

    .venv/bin/python benchmarks/bench_fused_parts.py

Every row is one jitted float64 function of the same pre-drawn batch of the ball's points (the counter's batch
size, Theorem 1, k1 = 1, k2 = 3), in samples per second (the best of three timings of 20 calls). The parts are
those of :mod:`fptheory.numeric._fused` for both frequencies, each returned elementwise (no reduction), then the
whole kernel, returned elementwise and reduced to the counter's counts, then drawing the points alone. The ratio
column divides by drawing alone, as issue 18's target for the counter does (0.4 at m = 10; the counter draws and
decides in one function, benchmarks/bench_measure.py).

Compare the parts' rates with the whole kernel's: the time the parts take alone, added up, against the time
of the whole. XLA's CPU compiler fuses the kernel its own way (its optimised HLO, ``jax.jit(f).lower(x).compile()
.as_text()``, shows the sums over the width fused with the elementwise work that feeds them).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from fptheory.numeric._ball import sample_ball_hashed, stream_words
from fptheory.numeric._fused import bad_pairs_fused, sincos
from fptheory.numeric._plain import pair_counts, plain_chunk
from fptheory.numeric._setting import split_parameters
from fptheory.numeric._stable import _reduced_phase_dd

M = 10
K = (1.0, 3.0)


def _rate(fn: Callable[[Any], Any], arg: Any, size: int, calls: int = 20, tries: int = 3) -> float:
    jitted = jax.jit(fn)
    jax.block_until_ready(jitted(arg))
    best = math.inf
    for _ in range(tries):
        start = time.perf_counter()
        for _ in range(calls):
            jax.block_until_ready(jitted(arg))
        best = min(best, (time.perf_counter() - start) / calls)
    return size / best


def main() -> None:
    print(f"load average before the run (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with jax.enable_x64(True):
        size = plain_chunk(M, "jax")
        words = jnp.asarray(stream_words(0), dtype=jnp.uint64)
        theta = sample_ball_hashed(words, jnp.uint64(0), size, 3 * M, 0.5)
        parts = lambda fn: (lambda th: fn(*split_parameters(th, M)))
        rows = {
            "phase b k/w (double-double), both k": parts(lambda a, w, b: [_reduced_phase_dd(b, k, w, jnp) for k in K]),
            "exp(-abs(z)) and expm1(-2 abs(z)), both k": parts(
                lambda a, w, b: [f(s * abs(math.pi * k / 2) / jnp.abs(w)) for k in K for f, s in ((jnp.exp, -1), (jnp.expm1, -2))]),
            "sincos polynomials, both k": parts(lambda a, w, b: [sincos(_reduced_phase_dd(b, k, w, jnp)) for k in K]),
            "whole kernel, elementwise (3, n, m)": parts(lambda a, w, b: bad_pairs_fused(*K, 1.0, 1.0, a, w, b)),
            "whole kernel, reduced to the counts": parts(
                lambda a, w, b: pair_counts(bad_pairs_fused(*K, 1.0, 1.0, a, w, b), jnp)),
        }
        rates = {name: _rate(fn, theta, size) for name, fn in rows.items()}
        rates["drawing the points alone"] = _rate(lambda first: sample_ball_hashed(words, first, size, 3 * M, 0.5).sum(),
                                                  jnp.uint64(size), size)
    print(f"fused kernel's parts, Theorem 1, m = {M}, batches of {size} points")
    print("| part | samples/s | ratio to drawing alone |\n|---|---|---|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:.3e} | {rate / rates['drawing the points alone']:.2f} |")


if __name__ == "__main__":
    main()
