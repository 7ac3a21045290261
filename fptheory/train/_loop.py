"""Jitted training loops that record per-frequency spectra without leaving the device between records.

``train`` runs ``steps`` optimizer steps as ``lax.scan`` over records, each record a ``lax.scan`` over
``record_every`` steps, vmapped over seeds (one init key per seed). At every record (step 0 included) it
keeps the full-batch loss, the network on the evaluation points and its DFT (:func:`fptheory.spectral._dft`)
at the chosen frequencies. Records are fetched in chunks, so progress (with ETA) can be reported and
Ctrl-C stops between chunks. A run whose loss turns non-finite stops at that chunk; the history keeps
the records before it and ``diverged_at`` names the step.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from fptheory._checks import InputError, check_counts
from fptheory.spectral._dft import dft

__all__ = ["TrainSpec", "History", "train", "make_optimizer"]

OPTIMIZERS = ("adam", "sgd")


@dataclass(frozen=True)
class TrainSpec:
    """Optimizer ``adam`` or ``sgd`` (plain gradient descent when full batch) at ``learning_rate``;
    ``batch_size`` None for full batch; a record every ``record_every`` steps. ``dtype`` fixes the precision
    of parameters, data and spectra whatever jax's global x64 flag (float64 turns the flag on), so a seed
    gives the same run in any process."""

    steps: int
    record_every: int
    learning_rate: float
    optimizer: str = "adam"
    batch_size: int | None = None
    dtype: str = "float32"

    def __post_init__(self) -> None:
        if self.dtype not in ("float32", "float64"):
            raise InputError(f"dtype must be 'float32' or 'float64'; got {self.dtype!r}")
        check_counts(steps=self.steps, record_every=self.record_every)
        if self.steps % self.record_every:
            raise InputError(f"steps ({self.steps}) must be a multiple of record_every ({self.record_every})")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise InputError(f"learning_rate must be a finite number > 0; got {self.learning_rate!r}")
        if self.optimizer not in OPTIMIZERS:
            raise InputError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}")
        if self.batch_size is not None and (not isinstance(self.batch_size, int) or self.batch_size < 1):
            raise InputError(f"batch_size must be None (full batch) or an integer >= 1; got {self.batch_size!r}")


@dataclass
class History:
    """Records of a training run over S seeds and R records."""

    steps: np.ndarray  # (R,)
    loss: np.ndarray  # (S, R)
    outputs: np.ndarray  # (S, R, n_eval) or (S, R, n_eval, c)
    spectrum: np.ndarray  # (S, R, K), or (S, R, c, K) for c outputs; complex
    frequencies: np.ndarray  # (K,)
    params: Any  # per-record parameters (leaves of shape (S, R, ...)) when asked for, else the final ones (S, ...)
    diverged_at: int | None = None
    seconds: float = 0.0
    devices: int = 1  # the local JAX devices the runs were spread over (``seed_block``)


def make_optimizer(spec: TrainSpec) -> optax.GradientTransformation:
    return optax.adam(spec.learning_rate) if spec.optimizer == "adam" else optax.sgd(spec.learning_rate)


def _tree_bytes(tree: Any) -> int:
    return int(sum(math.prod(leaf.shape) * np.dtype(leaf.dtype).itemsize for leaf in jax.tree_util.tree_leaves(tree)))


def check_memory(shapes: Any, seeds: int, records: int, spec: TrainSpec, record_params: bool) -> None:
    """Refuse (``InputError``) a run whose arrays would not fit in the free memory, before compiling anything.

    ``shapes``: the abstract result of one seed's start, ((params, optimizer state, targets), first record,
    params). Per seed: params, optimizer state, gradients and targets, every record (outputs, spectra, and the
    params when recorded), and the step keys (8 bytes a step).
    """
    (params, state, y_s), first, _ = shapes
    per_seed = (2 * _tree_bytes(params) + _tree_bytes(state) + _tree_bytes(y_s)
                + (records + 1) * (_tree_bytes(first) + (_tree_bytes(params) if record_params else 0)) + 8 * spec.steps)
    need = seeds * per_seed
    free = _free_memory()
    if free is not None and need > 0.8 * free:
        raise InputError(f"this run needs about {byte_size(need)} ({seeds} seeds × {byte_size(per_seed)}) and "
                         f"{byte_size(free)} are free: lower the number of seeds (or steps and records)")


def byte_size(count: float) -> str:
    """``count`` bytes in the largest binary unit that keeps it at least 1 (B, KiB, MiB, GiB, TiB), 3 digits."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024:
            return f"{count:.3g} {unit}"
        count /= 1024
    return f"{count:.3g} TiB"


def _free_memory() -> int | None:
    """Bytes of physical memory free now (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _mse(apply: Callable, params: Any, x: Any, y: Any) -> Any:
    return 0.5 * jnp.mean((apply(params, x) - y) ** 2)


_PROGRAMS = 32  # compiled training programs kept per process (each holds its XLA executables)


def _programs(apply: Callable, init: Callable, objective: Callable | None, spec: TrainSpec, record_params: bool,
              single: bool) -> tuple[Callable, Callable, Callable]:
    """(start, jitted start over runs, jitted chunk over runs) for one model, objective and spec: built once per
    process and kept (``_PROGRAMS`` of them, least recently used dropped), so a second call of :func:`train` with
    the same model, objective and spec reuses the compiled programs (jax.jit keys them further on shapes and
    dtypes). A model or objective that cannot be hashed gets programs of its own, compiled for that call."""
    # the programs depend on the optimizer, learning rate, batch size and dtype, not on the run's length (the scans'
    # lengths are the key arrays' shapes)
    key = (_Same(apply), _Same(init), objective, dataclasses.replace(spec, steps=1, record_every=1), record_params, single)
    try:
        hash(key)
    except TypeError:
        return _build_programs(apply, init, *key[2:])
    return _cached_programs(*key)


class _Same:
    """A function as a cache key: a bound method (``model.apply``) is the same function as another of an equal
    model (Python compares bound methods by their object's identity; frozen dataclass models compare by value)."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        bound = getattr(fn, "__self__", None)
        self._key = (fn.__func__, bound) if bound is not None and hasattr(fn, "__func__") else (fn,)

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and self._key == other._key


def _cached_build(apply: _Same, init: _Same, objective: Callable | None, spec: TrainSpec, record_params: bool,
                  single: bool) -> tuple[Callable, Callable, Callable]:
    return _build_programs(apply.fn, init.fn, objective, spec, record_params, single)


def _build_programs(apply: Callable, init: Callable, objective: Callable | None, spec: TrainSpec, record_params: bool,
                    single: bool) -> tuple[Callable, Callable, Callable]:
    dtype = jnp.float32 if spec.dtype == "float32" else jnp.float64
    loss_of = objective or (lambda p, xb, yb: _mse(apply, p, xb, yb))
    optimizer = make_optimizer(spec)

    # The data travel as arguments of the jitted functions, not as constants closed over: XLA would
    # otherwise fold them into the program (a CNN's first layer on every image, at compile time).
    def step(data: tuple, carry: tuple, key: Any) -> tuple:
        x = data[0]
        params, state, y_s = carry
        if spec.batch_size is None:
            xb, yb = x, y_s
        else:
            idx = jax.random.choice(key, x.shape[0], (spec.batch_size,), replace=False)
            xb, yb = x[idx], y_s[idx]
        grads = jax.grad(loss_of)(params, xb, yb)
        updates, state = optimizer.update(grads, state, params)
        return (optax.apply_updates(params, updates), state, y_s), None

    def observe(data: tuple, params: Any, y_s: Any) -> tuple:
        x, eval_x, eval_points, frequencies = data
        out = apply(params, eval_x)
        values = out.T if out.ndim == 2 else out  # several outputs: spectrum per output, shape (c, K)
        return loss_of(params, x, y_s), out, dft(values, eval_points, frequencies, backend="jax")

    def record(data: tuple, carry: tuple, keys_r: Any) -> tuple:
        carry, _ = jax.lax.scan(lambda c, k: step(data, c, k), carry, keys_r)
        obs = observe(data, carry[0], carry[2])
        return carry, (obs, carry[0] if record_params else None)

    def chunk(data: tuple, carry: tuple, keys_c: Any) -> tuple:
        return jax.lax.scan(lambda c, k: record(data, c, k), carry, keys_c)

    def start(data: tuple, key: Any, y_s: Any) -> tuple:
        params = jax.tree_util.tree_map(lambda v: jnp.asarray(v, dtype=dtype), init(key=key, dtype=dtype))
        return (params, optimizer.init(params), y_s), observe(data, params, y_s), params

    if single:  # no vmap: a batch axis of one makes XLA's CPU matmuls batched and slower (2-3x)
        squeeze = lambda t: jax.tree_util.tree_map(lambda v: v[0], t)
        expand = lambda t: jax.tree_util.tree_map(lambda v: v[None], t)
        start_v = jax.jit(lambda d, k, y_s: expand(start(d, k[0], y_s[0])))
        chunk_v = jax.jit(lambda d, c, k_c: expand(chunk(d, squeeze(c), k_c[0])))
    else:
        start_v = jax.jit(jax.vmap(start, in_axes=(None, 0, 0)))
        chunk_v = jax.jit(jax.vmap(chunk, in_axes=(None, 0, 0)))
    return start, start_v, chunk_v


_cached_programs = functools.lru_cache(maxsize=_PROGRAMS)(_cached_build)


def train(
    apply: Callable[[Any, Any], Any],
    init: Callable[..., Any],
    x: Any,
    y: Any,
    *,
    keys: Any,
    spec: TrainSpec,
    eval_x: Any,
    eval_points: Any,
    frequencies: Any,
    objective: Callable[[Any, Any, Any], Any] | None = None,
    record_params: bool = False,
    targets_per_run: bool = False,
    chunk_records: int = 20,
    seed_block: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> History:
    """Train S networks at once (vmapped over seeds, jitted steps in ``lax.scan``) and record, every
    ``spec.record_every`` steps, the loss, the outputs on ``eval_x`` and their DFT ``ĥ(k) = (1/n) Σ_j
    h(x_j) e^{-ik x_j}`` at ``frequencies`` (:func:`fptheory.spectral.dft`): the per-frequency view of
    training in which the F-Principle is stated (Xu et al. 2020, arXiv:1901.06523, Sec. 2).

    Args:
        apply: ``apply(params, x)`` -> outputs, shape (n,) or (n, c).
        init: ``init(key=..., dtype=...)`` -> params.
        x: training inputs, shape (n, d).
        y: targets, shape (n, …) shared by all runs, or (S, n, …) with ``targets_per_run`` (one target per
            run, so runs on different targets share a vmap).
        keys: one PRNG key per run, shape (S, 2).
        spec: steps, record interval, learning rate, optimizer, batch size and dtype (:class:`TrainSpec`).
        eval_x: inputs fed to the network at each record, shape (n_eval, d).
        eval_points: the DFT's points, shape (n_eval,).
        frequencies: the DFT's frequencies, shape (K,).
        objective: ``objective(params, xb, yb)``; default ½ mean (h(x) - y)².
        record_params: keep the parameters of every record (else the final ones only).
        chunk_records: records per compiled chunk (progress is reported between chunks).
        seed_block: runs trained together in one vmapped program. None (the default): all S runs in one program
            on the default device. An integer G: the runs go in blocks of G consecutive keys (the last block
            filled up with copies of the last key, whose runs are dropped), and the blocks go round all local
            JAX devices, so D devices train D blocks at once. Every block, on every device, runs the same
            compiled program, so each run's records are the same, bit for bit, on one device or several. They
            can differ from the records of the same key under another G: XLA compiles a vmapped program for
            its batch size, and training amplifies float32 rounding (``benchmarks/sharded_training.py``).
        progress: called as ``progress(done_steps, total_steps, eta_seconds)`` after each chunk.

    Returns:
        a :class:`History`: steps (R,), loss (S, R), outputs (S, R, n_eval[, c]), spectrum (S, R[, c], K),
        parameters, the step where a run's loss first became non-finite (records stop before it), seconds,
        and the number of devices used.
        ``InputError`` before any compilation for bad shapes, non-finite data, or a run too large for memory.

    The compiled programs are kept for the process, keyed on ``apply``, ``init``, ``objective``, the spec less its
    length, and the shapes: a second call with an equal model compiles nothing. ``apply``, ``init`` and
    ``objective`` must therefore be pure: a function that reads state it does not take as an argument, changed
    between two calls, is served the first call's program (pass a new function instead).
    """
    with contextlib.ExitStack() as scope:
        # the run's own precision, whatever the caller's jax settings (optax's bias correction, for one, computes
        # in float64 when x64 is on, which changes a float32 run's rounding and, training being chaotic, its result)
        scope.enter_context(jax.enable_x64(spec.dtype == "float64"))
        dtype = jnp.float32 if spec.dtype == "float32" else jnp.float64
        keys = jnp.asarray(keys)
        seeds = keys.shape[0]
        if seed_block is not None:
            check_counts(seed_block=seed_block)
        if not (np.all(np.isfinite(np.asarray(x))) and np.all(np.isfinite(np.asarray(y)))):
            raise InputError("the data x or the target y holds NaN or infinity")
        x, y = jnp.asarray(x, dtype=dtype), jnp.asarray(y, dtype=dtype)
        eval_x = jnp.asarray(eval_x, dtype=dtype)
        if targets_per_run and (y.ndim < 2 or y.shape[0] != seeds):
            raise InputError(f"with targets_per_run, y must have shape ({seeds}, n, ...) (one target per key); got {y.shape}")
        n_y = y.shape[1] if targets_per_run else y.shape[0]
        if x.shape[0] != n_y:
            raise InputError(f"x ({x.shape[0]} points) and y ({n_y} values) must have the same length")
        ys = y if targets_per_run else jnp.broadcast_to(y, (seeds, *y.shape))
        eval_points = jnp.asarray(eval_points, dtype=dtype)
        frequencies = jnp.asarray(frequencies, dtype=dtype)
        if jnp.shape(eval_x)[0] != eval_points.shape[0]:
            raise InputError("eval_x and eval_points must have the same number of points")
        if spec.batch_size is not None and spec.batch_size > x.shape[0]:
            raise InputError(f"batch_size must be at most the number of points ({x.shape[0]}); got {spec.batch_size}")
        block = seeds if seed_block is None else seed_block
        blocks = -(-seeds // block)
        padded = blocks * block  # the last block filled with copies of the last run, dropped from the history
        start, start_v, chunk_v = _programs(apply, init, objective, spec, record_params, block == 1)
        data = (x, eval_x, eval_points, frequencies)
        n_records = spec.steps // spec.record_every
        check_memory(jax.eval_shape(start, data, keys[0], ys[0]), padded, n_records, spec,
                     record_params)
        fill = padded - seeds
        keys = jnp.concatenate([keys, jnp.repeat(keys[-1:], fill, axis=0)]) if fill else keys
        ys = jnp.concatenate([ys, jnp.repeat(ys[-1:], fill, axis=0)]) if fill else ys
        # Blocks go round the local devices; each device runs the same compiled program on each of its blocks.
        # device None is the default device, uncommitted (the one-block default path).
        devices: list = [None] if seed_block is None else jax.local_devices()[:blocks]
        on = [jax.device_put(data, d) for d in devices]
        where = [b % len(devices) for b in range(blocks)]

        def part(tree: Any, b: int) -> Any:
            piece = jax.tree_util.tree_map(lambda v: v[b * block : (b + 1) * block], tree)
            return jax.device_put(piece, devices[where[b]])

        def gather(parts: list) -> Any:  # the blocks' results, on the host, padding dropped
            return jax.tree_util.tree_map(lambda *v: np.concatenate([np.asarray(u) for u in v])[:seeds], *parts)

        started = [start_v(on[where[b]], part(keys, b), part(ys, b)) for b in range(blocks)]
        carries = [s[0] for s in started]
        first, first_params = gather([s[1] for s in started]), gather([s[2] for s in started])
        split = jax.vmap(lambda k: jax.random.split(jax.random.fold_in(k, 1), n_records * spec.record_every))(keys)
        step_keys = np.asarray(split).reshape(padded, n_records, spec.record_every, -1)
        losses, outputs, spectra = ([first[i][:, None]] for i in range(3))
        params_rec: list = []
        if record_params:
            params_rec.append(jax.tree_util.tree_map(lambda v: v[:, None], first_params))
        began = time.perf_counter()
        done_records, diverged_at = 0, None
        if not np.all(np.isfinite(losses[0])):
            raise InputError("the loss at initialisation is not finite")
        while done_records < n_records:
            size = min(chunk_records, n_records - done_records)
            keys_c = step_keys[:, done_records : done_records + size]
            ran = [chunk_v(on[where[b]], carries[b], part(keys_c, b)) for b in range(blocks)]  # all dispatched, then read
            carries = [r[0] for r in ran]
            (loss, out, spec_k), p_rec = gather([r[1] for r in ran])
            out_ok = np.isfinite(out).reshape(seeds, size, -1).all(axis=(0, 2))
            bad = ~np.all(np.isfinite(loss), axis=0) | ~out_ok
            if bad.any():
                first_bad = int(np.argmax(bad))
                diverged_at = (done_records + first_bad + 1) * spec.record_every
                keep = first_bad
                losses.append(loss[:, :keep])
                outputs.append(out[:, :keep])
                spectra.append(spec_k[:, :keep])
                if record_params:
                    params_rec.append(jax.tree_util.tree_map(lambda v: v[:, :keep], p_rec))
                done_records += keep
                break
            losses.append(loss)
            outputs.append(out)
            spectra.append(spec_k)
            if record_params:
                params_rec.append(p_rec)
            done_records += size
            if progress:
                elapsed = time.perf_counter() - began
                progress(done_records * spec.record_every, spec.steps, elapsed / done_records * (n_records - done_records))
        if record_params:
            params = jax.tree_util.tree_map(lambda *parts: np.concatenate(parts, axis=1), *params_rec)
        else:
            params = gather([c[0] for c in carries])
        return History(
            steps=np.arange(done_records + 1) * spec.record_every,
            loss=np.concatenate(losses, axis=1),
            outputs=np.concatenate(outputs, axis=1),
            spectrum=np.concatenate(spectra, axis=1),
            frequencies=np.asarray(frequencies),
            params=params,
            diverged_at=diverged_at,
            seconds=time.perf_counter() - began,
            devices=len(devices),
        )
