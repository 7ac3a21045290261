"""Speed of the theorems' measure estimators on this machine, in one run.

    .venv/bin/python benchmarks/bench_measure.py

Plain Monte Carlo: samples per second (numpy and jitted jax, m = 1 and m = 10; the jax figure excludes the
one-off compilation: a first run of the same size compiles, the second is timed), in three interleaved rounds
(the median rate, and each ratio's median and range over the rounds, taken within a round). "jax ref" is the jitted counter
with the reference evaluator in place of the fused kernel (fptheory.numeric._fused), on the same batches.
Baselines: the same numpy estimator, so the first ratio column compares the two backends; and drawing the ball's
points alone (jitted float64 jax), the ceiling of the estimator (the second ratio; issue 18's targets are 0.6 at
m = 1 and 0.4 at m = 10), at the faster of two batch sizes: the counter's and the byte bound's (CHUNK_BYTES of
work arrays, at most 2^18 samples), where drawing alone is usually faster.
Then the jax counter's rate by batch size (sample-neuron pairs per batch, and the byte bound), against its
default (JAX_CPU_BATCH_ELEMENTS), the measurement behind that default.
Rare-event estimators: seconds to resolve the fraction to about 10% relative standard error (the sample count
is set from a 200-sample pilot run, not timed), k1 = 1, k2 = 3, m = 1, and the seconds per decade of resolved
probability: Theorem 1's union at δ where it is about 1e-11, 1e-22, 1e-33 and 1e-43 (issue 18's target: 1e-30
in under 1 s), Theorem 2's with f̂(k2) = i at four δ down to about 1e-29 (with f̂ real and k2/k1 = 3 every
zero is closed and the estimate 0).
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable

from fptheory.numeric import rare_estimate, rare_estimate_theorem2
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Setting


def _rate(setting: Setting, backend: str, samples: int) -> float:
    plain_estimate(setting, 0.5, samples, seed=0, backend=backend)  # compile every chunk size, warm up
    start = time.perf_counter()
    plain_estimate(setting, 0.5, samples, seed=1, backend=backend)
    return samples / (time.perf_counter() - start)


def _timed_rate(batch: Callable, samples: int, size: int) -> float:
    """Samples per second of the jitted ``batch(first)`` (points first .. first + size - 1 of a stream), compiled
    before timing, over ``samples`` samples."""
    import jax
    import jax.numpy as jnp

    from fptheory.numeric._ball import chunks

    jax.block_until_ready(batch(jnp.uint64(0)))
    start = time.perf_counter()
    for i, _ in enumerate(chunks(samples, size)):
        jax.block_until_ready(batch(jnp.uint64((i + 1) * size)))
    return samples / (time.perf_counter() - start)


def _batches_rate(m: int, samples: int, kernel: Callable, size: int | None = None) -> float:
    """Samples per second of ``kernel(theta)`` on the ball's points, drawn and decided in one jitted float64 function
    per batch of ``size`` (by default the counter's), ``samples`` in all."""
    import jax
    import jax.numpy as jnp

    from fptheory.numeric._ball import sample_ball_hashed, stream_words
    from fptheory.numeric._plain import plain_chunk

    with jax.enable_x64(True):
        size = size or plain_chunk(m, "jax")
        words = jnp.asarray(stream_words(1), dtype=jnp.uint64)
        return _timed_rate(jax.jit(lambda first: kernel(sample_ball_hashed(words, first, size, 3 * m, 0.5))), samples, size)


def _byte_bound(m: int) -> int:
    """The batch size by bytes alone (CHUNK_BYTES of work arrays, at most 2^18 samples)."""
    from fptheory.numeric._plain import _BYTES_PER_SAMPLE_NEURON, CHUNK_BYTES

    return max(1, min(1 << 18, CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m)))


def _sampling_rate(m: int, samples: int) -> float:
    """Drawing the ball's points alone, reduced to one number so that nothing is left out by dead-code elimination:
    the ceiling of the jax counter, at the faster of the counter's batch size and the byte bound."""
    from fptheory.numeric._plain import plain_chunk

    return max(_batches_rate(m, samples, lambda theta: theta.sum(), size) for size in {plain_chunk(m, "jax"), _byte_bound(m)})


def _counter_rate(setting: Setting, samples: int, size: int) -> float:
    """The jax counter (:func:`fptheory.numeric._plain._jax_counter`) alone, batches of ``size``, at δ = 0.5."""
    import jax
    import jax.numpy as jnp

    from fptheory.numeric._ball import stream_words
    from fptheory.numeric._fused import tail_only
    from fptheory.numeric._plain import _jax_counter

    with jax.enable_x64(True):
        count = _jax_counter(setting, size, tail=tail_only(setting.k1, 0.5))
        words = jnp.asarray(stream_words(1), dtype=jnp.uint64)
        return _timed_rate(lambda first: count(words, first, 0.5), samples, size)


def _batch_sizes(m: int) -> dict[str, int]:
    from fptheory.numeric._plain import plain_chunk

    sizes = {f"2^{e} pairs": max(1, (1 << e) // m) for e in (15, 16, 17, 18)}
    sizes["byte bound"] = _byte_bound(m)
    sizes["default"] = plain_chunk(m, "jax")
    return sizes


def _reference_rate(setting: Setting, samples: int) -> float:
    """The counter as it was before the fused kernel: the same draws decided by the reference evaluator
    (:func:`fptheory.numeric._bad_sets.bad_pairs`, backend jax) in one jitted kernel, the same batches."""
    import jax.numpy as jnp

    from fptheory.numeric._bad_sets import bad_pairs
    from fptheory.numeric._setting import split_parameters

    def count(theta):
        a, w, b = split_parameters(theta, setting.m)
        return jnp.count_nonzero(bad_pairs(setting, a, w, b, backend="jax").any(axis=(0, 2)))

    return _batches_rate(setting.m, samples, count)


#: Rounds of the plain Monte-Carlo rows. They are interleaved (every row once per round), so that a change in the
#: machine's load reaches every row alike, and each ratio is taken within a round: on 2 cores, drawing alone at
#: m = 10 varied twofold between single runs.
ROUNDS = 3


def _spread(values: list[float]) -> str:
    """``median [min, max]`` of a row's rounds."""
    return f"{statistics.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]"


def main() -> None:
    print(f"load average before the run (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"plain Monte Carlo, Theorem 1 union, k1 = 1, k2 = 3, δ = 0.5; {ROUNDS} interleaved rounds, the median "
          "rate and the median [min, max] of the rounds' ratios")
    print(f"{'m':>3} {'backend':>8} {'samples/s':>12} {'ratio to numpy':>20} {'ratio to sampling alone':>24}")
    for m, samples in ((1, 1_000_000), (10, 500_000)):
        setting = Setting(1, 1.0, 3.0, m)
        rows: dict[str, list[float]] = {"numpy": [], "jax": [], "jax ref": [], "sampling": []}
        for _ in range(ROUNDS):
            rows["numpy"].append(_rate(setting, "numpy", samples))
            rows["jax"].append(_rate(setting, "jax", samples))
            rows["jax ref"].append(_reference_rate(setting, samples))
            rows["sampling"].append(_sampling_rate(m, samples))
        for name, rates in rows.items():
            to_numpy = [r / b for r, b in zip(rates, rows["numpy"])]
            to_sampling = [r / s for r, s in zip(rates, rows["sampling"])]
            print(f"{m:3d} {name:>8} {statistics.median(rates):12.3e} {_spread(to_numpy):>20} {_spread(to_sampling):>24}")
    print(f"\njax counter by batch size (sample-neuron pairs per batch), {ROUNDS} interleaved rounds: the median rate "
          "and the median [min, max] of its ratio to the default's")
    print(f"{'m':>3} {'batch':>12} {'samples':>8} {'samples/s':>12} {'ratio to default':>20}")
    for m, samples in ((1, 1_000_000), (10, 300_000)):
        setting = Setting(1, 1.0, 3.0, m)
        sizes = _batch_sizes(m)
        rates: dict[str, list[float]] = {name: [] for name in sizes}
        for _ in range(ROUNDS):
            for name, size in sizes.items():
                rates[name].append(_counter_rate(setting, samples, size))
        for name, size in sizes.items():
            ratio = [r / d for r, d in zip(rates[name], rates["default"])]
            print(f"{m:3d} {name:>12} {size:8d} {statistics.median(rates[name]):12.3e} {_spread(ratio):>20}")
    for setting, estimator, deltas in ((Setting(1, 1.0, 3.0, 1), rare_estimate, (0.2, 0.1, 0.066, 0.05)),
                                       (Setting(2, 1.0, 3.0, 1, 1.0, 1j), rare_estimate_theorem2, (0.4, 0.2, 0.13, 0.1))):
        print(f"\nrare-event estimator, Theorem {setting.theorem}{' union' if setting.theorem == 1 else ''}, k1 = 1, "
              f"k2 = 3, m = 1, f̂ = ({setting.fhat1}, {setting.fhat2}) (to 10% relative s.e.)")
        print(f"{'delta':>7} {'fraction':>10} {'samples':>8} {'rel. s.e.':>9} {'seconds':>8} {'s per decade':>13}")
        for delta in deltas:
            pilot = estimator(setting, delta, 200, seed=2)
            samples = max(40, int(200 * (pilot.rel_se / 0.09) ** 2))  # aim a little below 10%
            start = time.perf_counter()
            est = estimator(setting, delta, samples, seed=3)
            seconds = time.perf_counter() - start
            decades = -math.log10(est.fraction)
            print(f"{delta:7.3f} {est.fraction:10.2e} {samples:8d} {est.rel_se:9.3f} {seconds:8.2f} {seconds / decades:13.3f}")

if __name__ == "__main__":
    main()
