"""Throughput of the per-frequency gradient evaluators, as ratios against the plain formula in one run.

    .venv/bin/python benchmarks/bench_stable.py [--samples N] [--m M]

Baseline: the plain lambdified gradient (fptheory.symbolic._compiled.loss_gradient_fn, numpy), which is
fast but overflows (NaN/inf or silently wrong) for π|k|/(2|w|) beyond ~300. Compared: the stable
log-domain gradient (fptheory.numeric._stable.log_abs_loss_gradient) in numpy and jitted jax.
Parameters are drawn in [-1, 1]^(3m) and k = 3, so both evaluators see the same moderate inputs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np


def _best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200_000)
    parser.add_argument("--m", type=int, default=10)
    args = parser.parse_args()

    import jax

    jax.config.update("jax_enable_x64", True)
    from fptheory.numeric._stable import log_abs_loss_gradient
    from fptheory.symbolic._compiled import loss_gradient_fn

    rng = np.random.default_rng(0)
    a, w, b = rng.uniform(-1, 1, size=(3, args.samples, args.m))
    w[w == 0] = 0.5
    k, fhat = np.full(args.samples, 3.0), 1.0 + 0.0j
    plain = loss_gradient_fn("tanh", "numpy")
    stable_jit = jax.jit(lambda k_, a_, w_, b_: log_abs_loss_gradient(k_, a_, w_, b_, fhat, backend="jax"))
    stable_jit(k, a, w, b).block_until_ready()  # compile

    with np.errstate(all="ignore"):
        plain_bad = float(np.mean((~np.isfinite(plain(k, a, w, b, fhat))).any(axis=(0, 2))))
    stable_bad = float(np.mean((~np.isfinite(log_abs_loss_gradient(k, a, w, b, fhat))).any(axis=(0, 2))))
    np.seterr(all="ignore")
    timings = {
        "plain formula, numpy (baseline)": _best_of(lambda: plain(k, a, w, b, fhat)),
        "stable log-domain, numpy": _best_of(lambda: log_abs_loss_gradient(k, a, w, b, fhat)),
        "stable log-domain, jax.jit": _best_of(lambda: stable_jit(k, a, w, b).block_until_ready()),
    }
    base = timings["plain formula, numpy (baseline)"]
    print(f"gradient of L(k) for all 3m parameters, N = {args.samples} samples, m = {args.m}, {jax.devices()[0].platform}")
    print(f"{'evaluator':<34} {'seconds':>9} {'samples/s':>12} {'time / baseline':>16}")
    for name, seconds in timings.items():
        print(f"{name:<34} {seconds:9.3f} {args.samples / seconds:12.3e} {seconds / base:16.2f}")
    print(f"samples with a NaN/inf gradient: plain {plain_bad:.2%}, stable {stable_bad:.2%}")


if __name__ == "__main__":
    main()
