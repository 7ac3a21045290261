"""Plain Monte Carlo of Theorems 1 and 2's bad fractions: the numpy counter (log-domain, exact at any float64 input)
and the fused jax counter (jitted, on all local devices), their batch sizes by memory and device, and the width
each method's memory allows."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_backend, check_seed
from fptheory._typing import Array, Bool
from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2
from fptheory.numeric._ball import chunks, sample_ball, sample_ball_hashed, sample_ball_jax, stream_words
from fptheory.numeric._binomial import clopper_pearson
from fptheory.numeric._fused import bad_pairs_fused, bad_theorem2_fused, bad_union_fused, tail_only
from fptheory.numeric._setting import PAIR_NAMES, Estimate, Setting, check_delta, split_parameters

__all__ = ["plain_estimate", "check_width", "plain_chunk", "jax_cpu_chunk", "ball_batch_jax", "pair_counts"]

def pair_counts(pairs: Bool[Array, "3 n m"], xp: Any) -> tuple[Any, Any]:
    """Theorem 1's counts from the bad pairs (l, n, m): samples with some bad pair, and bad pairs per l (shape (3,)),
    for the numpy or jax module ``xp``."""
    return xp.count_nonzero(pairs.any(axis=(0, 2))), pairs.sum(axis=(1, 2))


def _count_numpy(setting: Setting, theta: np.ndarray) -> tuple[int, np.ndarray]:
    a, w, b = split_parameters(theta, setting.m)
    if setting.theorem == 1:
        hits, per_pair = pair_counts(np.asarray(bad_pairs(setting, a, w, b)), np)
        return int(hits), per_pair
    return int(np.count_nonzero(bad_theorem2(setting, a, w, b))), np.zeros(3, dtype=int)


def _split_over_devices(points: Callable[..., Any], size: int, width_leading: bool) -> Callable[..., Any]:
    """``points`` (a batch of ``size`` points, (size, dim), or (dim, size) ``width_leading``), its result constrained
    to be split along the samples across all local JAX devices where ``size`` divides evenly among them."""
    import jax

    devices = jax.local_devices()
    if len(devices) < 2 or size % len(devices):
        return points
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    spec = PartitionSpec(None, "samples") if width_leading else PartitionSpec("samples", None)
    sharding = NamedSharding(Mesh(np.array(devices), ("samples",)), spec)
    return lambda *args: jax.lax.with_sharding_constraint(points(*args), sharding)


def ball_batch_jax(dim: int, size: int, width_leading: bool = False) -> Callable[[Any, Any], Any]:
    """``draw(key, delta)``: ``size`` uniform points of B_δ ⊂ R^dim (:func:`fptheory.numeric.sample_ball_jax`), shape
    (size, dim), or (dim, size) ``width_leading``, for use inside jitted code, split across all local JAX devices
    where ``size`` divides evenly among them. JAX's partitionable generator draws the same values however they
    are split, so the points (and whatever is decided on them) are those of the one-device run."""
    return _split_over_devices(lambda key, delta: sample_ball_jax(key, size, dim, delta, transposed=width_leading),
                               size, width_leading)


def ball_batch_hashed(dim: int, size: int, width_leading: bool = False) -> Callable[[Any, Any, Any], Any]:
    """``draw(words, first, delta)``: points ``first .. first + size - 1`` of a counter-based stream in B_δ ⊂ R^dim
    (:func:`fptheory.numeric._ball.sample_ball_hashed`), shape (size, dim), or (dim, size) ``width_leading``, for
    use inside jitted code, split across all local JAX devices where ``size`` divides evenly among them. Each point
    depends on its index only, so the split changes nothing but where it is computed."""
    return _split_over_devices(
        lambda words, first, delta: sample_ball_hashed(words, first, size, dim, delta, transposed=width_leading),
        size, width_leading)


@cache
def _jax_counter(
    setting: Setting, size: int, width_leading: bool = False, pairs: bool = False, tail: bool = False
) -> Callable:
    """The jitted counter of a batch: ``count(words, first, delta)`` draws the stream's points first .. first +
    size - 1 (:func:`ball_batch_hashed`) and decides them in one kernel (by :mod:`fptheory.numeric._fused`: the
    reference's verdicts with few transcendentals); it returns the hits and, for Theorem 1 with ``pairs``, the bad
    pairs per parameter type (zeros otherwise: counting them costs about a sixth of the kernel at m = 1). ``tail``
    compiles the kernel's faster form for δ where every |z| > 1/2 (:func:`fptheory.numeric._fused.tail_only`:
    the caller checks it for each δ it passes). With ``width_leading`` the points and the kernel's arrays are laid
    out (3m, size) and (m, size), not (size, 3m) and (size, m): the same points (to rounding) and verdicts,
    several times faster on a GPU at small m (:func:`width_leads`)."""
    import jax
    import jax.numpy as jnp

    m = setting.m
    axis = 0 if width_leading else -1
    draw = ball_batch_hashed(3 * m, size, width_leading)

    @jax.jit
    def count(words: Any, first: Any, delta: Any) -> tuple[Any, Any]:
        theta = draw(words, first, delta)
        a, w, b = theta.reshape(3, m, size) if width_leading else split_parameters(theta, m)
        fhats = complex(setting.fhat1), complex(setting.fhat2)
        if setting.theorem == 1 and pairs:
            bad = bad_pairs_fused(setting.k1, setting.k2, *fhats, a, w, b, width_axis=axis, tail=tail)
            return pair_counts(bad.swapaxes(1, 2) if width_leading else bad, jnp)
        fused = bad_union_fused if setting.theorem == 1 else bad_theorem2_fused
        bad = fused(setting.k1, setting.k2, *fhats, a, w, b, width_axis=axis, tail=tail)
        return jnp.count_nonzero(bad), jnp.zeros(3, dtype=int)

    return count


#: Work arrays per batch of the plain estimator; it evaluates about 600 bytes per sample and neuron (measured
#: with tracemalloc: 530 for Theorem 1 at m = 10, 190 for Theorem 2), so a batch holds CHUNK_BYTES / (600 m)
#: samples.
CHUNK_BYTES = 256 * 2**20
_BYTES_PER_SAMPLE_NEURON = 600


MAX_SAMPLE_BYTES = 4 * 2**30


def check_width(m: int, method: str = "plain") -> None:
    """Refuse a width whose single sample would need more than 4 GiB of work arrays (m above about 7 million).

    Both methods hold one sample's m neurons at once: plain Monte Carlo about 600 bytes per neuron, the rare-event
    estimators (their pilot and each importance draw) about 500 (tracemalloc: 494 MB at m = 10^6 for Theorem 1;
    a fixed 220 MB, the pilot's batches, below m = 20000); so one bound serves both."""
    if _BYTES_PER_SAMPLE_NEURON * m > MAX_SAMPLE_BYTES:
        what = "plain Monte Carlo" if method == "plain" else "the rare-event estimators"
        raise InputError(f"m = {m} neurons needs about {_BYTES_PER_SAMPLE_NEURON * m / 2**30:.0f} GiB for a single sample "
                         f"of {what}; m must be at most {MAX_SAMPLE_BYTES // _BYTES_PER_SAMPLE_NEURON}")


#: A batch of the jax counter on an accelerator may take this much of its memory (plain_estimate queues a second
#: batch behind the one running, so up to twice this): CPU-sized batches (about 10^5 samples) leave a GPU mostly
#: idle (benchmarks/gpu_plain.py prints the rate with each device's own batches).
ACCELERATOR_CHUNK_BYTES = 4 * 2**30


def _on_accelerator() -> bool:
    """Whether jax computes on an accelerator here: its default device (or the one a ``jax.default_device``
    scope chose) is not a CPU."""
    import jax

    device = getattr(jax.config, "jax_default_device", None) or jax.devices()[0]
    return getattr(device, "platform", device) != "cpu"


#: Widths up to which the jax counter on an accelerator lays its arrays out width first (``_jax_counter``'s
#: ``width_leading``): the widest at which that layout won on an H200 (benchmarks/gpu_layout.py measures both
#: layouts at m = 1 to 100; at 30 and beyond the rows won).
ACCELERATOR_WIDTH_LEADING_MAX_M = 20


def width_leads(m: int) -> bool:
    """Whether the jax counter lays out its arrays width first here: on an accelerator, for m ≤
    ACCELERATOR_WIDTH_LEADING_MAX_M. A GPU reduces the short rows of an (n, m) array (the sums over the width, the
    ball's norms) slowly, and adds the rows of an (m, n) one fast; a CPU keeps (n, m) and its dot products over
    the width."""
    return _on_accelerator() and m <= ACCELERATOR_WIDTH_LEADING_MAX_M


#: Sample-neuron pairs per batch of the jax counter on a CPU: its work arrays (a few dozen float64 arrays of
#: n·m entries, about 30 MB) then stay in the caches. The byte bound's batches (44,739 samples at m = 10) ran
#: slower; benchmarks/bench_measure.py prints the counter's rate by batch size.
JAX_CPU_BATCH_ELEMENTS = 1 << 17


def plain_chunk(m: int, backend: str = "numpy") -> int:
    """Samples per batch for width m: bounded by bytes (CHUNK_BYTES; ACCELERATOR_CHUNK_BYTES for the jax
    counter on a GPU) and never more than 2^16 (numpy), JAX_CPU_BATCH_ELEMENTS / m rounded down to a multiple of
    8 (jax on a CPU) or 2^23 (on a GPU); at least 1."""
    if backend == "jax" and _on_accelerator():
        return int(max(1, min(1 << 23, ACCELERATOR_CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m))))
    if backend == "numpy":
        return int(max(1, min(1 << 16, CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m))))
    return jax_cpu_chunk(m)


def jax_cpu_chunk(m: int) -> int:
    """The jax counter's batch on a CPU for width m: JAX_CPU_BATCH_ELEMENTS / m samples (bounded by CHUNK_BYTES),
    rounded down to a multiple of 8, which splits evenly across 2, 4 or 8 devices; at least 1."""
    size = min(CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m), JAX_CPU_BATCH_ELEMENTS // m)
    return int(max(1, size - size % 8 if size >= 8 else size))


def plain_estimate(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    chunk: int | None = None,
    backend: str = "numpy",
    pairs: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Plain Monte Carlo: the fraction of ``samples`` uniform points of B_δ ⊂ R^{3m} in the theorem's bad set
    (docs/theory.md §4-6): Theorem 1's union of Q_lj = {|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|}, or Theorem 2's
    {|∇L(k1)| < |∇L(k2)|}, decided on log-domain gradients.

    Args:
        setting: the theorem, frequencies, width and f̂.
        delta: the ball's radius, δ ≥ k2·1e-280 (``InputError`` below: the fraction is 0 to every digit there).
        samples: number of points (≥ 1).
        seed: in [0, 2^32).
        chunk: samples per batch; by default sized by bytes (:func:`plain_chunk`), so memory stays bounded for
            any sample count and any m. The jax backend's i-th point depends on the seed and i only
            (:func:`fptheory.numeric._ball.sample_ball_hashed`), so its sample for a seed is the same for every
            batch size and device (the CPU and a GPU count the same hits); numpy's depends on the batch size.
        backend: "numpy" or "jax" (a jitted counter, float64 in its own scope).
        pairs: for Theorem 1, also count the bad pairs per parameter type (``per_pair``; the jax counter then
            runs slower, by about a sixth at m = 1).
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate` with ``hits``, the Clopper-Pearson 95% interval and, for Theorem 1 with ``pairs``,
        ``per_pair``: the fraction of (sample, j) in Q_lj for each l (the same for every j by symmetry).
    """
    check_backend(backend)
    delta = check_delta(setting, delta, "plain", backend)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise InputError(f"samples must be an integer >= 1; got {samples!r}")
    check_seed(seed)
    check_width(setting.m)
    if chunk is None:
        chunk = plain_chunk(setting.m, backend)
    elif isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise InputError(f"chunk must be an integer >= 1 (samples per batch); got {chunk!r}")
    hits, pair_hits, done = 0, np.zeros(3, dtype=np.int64), 0
    if backend == "numpy":
        rng = np.random.default_rng(seed)
        for size in chunks(samples, chunk):
            h, p = _count_numpy(setting, sample_ball(size, 3 * setting.m, delta, rng))
            hits, pair_hits, done = hits + h, pair_hits + p, done + size
            if progress:
                progress(done, samples)
    else:  # "jax"
        import jax
        import jax.numpy as jnp

        leading, count_pairs = width_leads(setting.m), pairs and setting.theorem == 1
        tail = tail_only(setting.k1, delta)

        def dispatched() -> Iterator[tuple[Any, int]]:
            words, first = jnp.asarray(stream_words(seed), dtype=jnp.uint64), 0
            for size in chunks(samples, chunk):
                yield _jax_counter(setting, size, leading, count_pairs, tail)(words, jnp.uint64(first), delta), size
                first += size

        with jax.enable_x64(True):  # the counter computes in float64; the caller's jax settings stay as they are
            batches = dispatched()
            batch = next(batches, None)
            while batch is not None:
                (h, p), size = batch
                batch = next(batches, None)  # the next batch is queued before this one's counts are read
                hits, pair_hits, done = hits + int(h), pair_hits + np.asarray(p), done + size
                if progress:
                    progress(done, samples)
    low, high = clopper_pearson(hits, samples)
    fraction = hits / samples
    per_pair = {}
    if setting.theorem == 1 and pairs:
        per_pair = {name: float(pair_hits[i] / (samples * setting.m)) for i, name in enumerate(PAIR_NAMES)}
    return Estimate(
        delta=float(delta),
        fraction=fraction,
        ci_low=low,
        ci_high=high,
        samples=samples,
        method="plain",
        hits=hits,
        log10_fraction=math.log10(fraction) if hits else None,
        log10_ci=(math.log10(low) if low > 0 else None, math.log10(high)) if hits else None,
        rel_se=math.sqrt((1 - fraction) / hits) if hits else None,
        per_pair=per_pair,
    )
