"""The training engine's speed: whole calls of ``train()`` against a hand-written optax loop (a Python loop of
jitted steps), the cost of the first call's compilation, and the cost per seed of a vmapped run.

    .venv/bin/python benchmarks/bench_train.py [--steps N] [--seeds S]

Network: the paper's 1-200-200-200-100-1 tanh MLP on 201 points, full-batch Adam, float32, a record (loss,
outputs, DFT at 3 peaks) every 50 steps in both versions. ``train()`` keeps its compiled programs per model,
objective, spec and shapes within a process (issue 36's goal 3), so a second call of the same run is its steady
state: every time below is a whole call measured directly (the best of three warm calls), never a difference of
two runs, so none can come out negative. The first call of each is timed too, compilation included, and the
goal printed beside each ratio. Then the engine's share of this CPU's float32 matmul peak (measured in the same
run; only the matrix products of a step are counted).

A second table: one Adam step of the VGG-like CNN (two 3×3 convolutions per block, channels 16/32/64) on
500 of scikit-learn's digits, cross-entropy, inside ``lax.scan`` (as the engine runs it) and as a jitted
step in a Python loop, with XLA's convolution and with fptheory's im2col ``conv3x3``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from fptheory.spectral import dft, periodic_grid
from fptheory.train import MLP, TrainSpec, train


def first_and_warm(call: Callable[[], object], tries: int = 3) -> tuple[float, float]:
    """(seconds of the first call, best seconds of ``tries`` calls after it)."""
    times = []
    for _ in range(tries + 1):
        start = time.perf_counter()
        jax.block_until_ready(call())
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    x = periodic_grid(201)
    y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)
    freqs = np.array([1.0, 3.0, 5.0])
    model = MLP((1, 200, 200, 200, 100, 1), "tanh")
    jax.block_until_ready(jax.jit(lambda v: v + 1)(jnp.zeros(3)))  # jax's own start-up, paid by neither side

    def engine(seeds: int) -> Callable[[], object]:
        keys = jax.random.split(jax.random.PRNGKey(0), seeds)
        return lambda: train(model.apply, model.init, x[:, None], y, keys=keys, spec=TrainSpec(args.steps, 50, 1e-3),
                             eval_x=x[:, None], eval_points=x, frequencies=freqs).loss

    def python_loop() -> object:
        """A whole hand-written run: jitted step and record functions made afresh (so the first call compiles
        them, as a user's script does), Adam for args.steps steps, a record every 50."""
        xs, ys = jnp.asarray(x[:, None], jnp.float32), jnp.asarray(y, jnp.float32)
        opt = optax.adam(1e-3)
        loss = lambda p: 0.5 * jnp.mean((model.apply(p, xs) - ys) ** 2)

        @jax.jit
        def step(p, s):
            g = jax.grad(loss)(p)
            u, s = opt.update(g, s, p)
            return optax.apply_updates(p, u), s

        @jax.jit
        def observe(p):
            out = model.apply(p, xs)
            return loss(p), dft(out, x, freqs, backend="jax")

        params = model.init(key=jax.random.PRNGKey(0))
        state = opt.init(params)
        records = [jax.device_get(observe(params))]
        for i in range(args.steps):
            params, state = step(params, state)
            if (i + 1) % 50 == 0:
                records.append(jax.device_get(observe(params)))
        return records[-1][0]

    loop_first, loop = first_and_warm(python_loop)
    one_first, one = first_and_warm(engine(1))
    _, many = first_and_warm(engine(args.seeds))
    peak = matmul_peak()
    flops = args.steps * step_flops(model.widths, x.size)
    print(f"| measure ({args.steps} steps, {jax.devices()[0].platform}) | seconds | ratio | goal |")
    print("|---|---|---|---|")
    print(f"| hand-written optax loop, 1 seed, a whole call | {loop:.2f} | 1.00 | |")
    print(f"| train(), 1 seed, a whole call (its programs kept from the first) | {one:.2f} | {one / loop:.2f} "
          "(train / loop) | ≤ 1.2 |")
    print(f"| first calls, compilation included: loop {loop_first:.2f} s, train() | {one_first:.2f} "
          f"| {one_first / loop_first:.2f} (train / loop) | |")
    print(f"| train(), {args.seeds} seeds vmapped, a whole call per seed | {many / args.seeds:.2f} "
          f"| {many / args.seeds / one:.2f} (per seed / single run) | |")
    print()
    print(f"float32 matmul peak of this CPU (jitted 1024² @ 1024², best of 5): {peak / 1e9:.1f} GFLOP/s")
    print(f"| engine, matrix-product FLOPs of forward + backward ({flops / args.steps / 1e6:.1f} MFLOP a step) | GFLOP/s "
          "| fraction of the matmul peak |")
    print("|---|---|---|")
    print(f"| 1 seed, a whole call | {flops / one / 1e9:.2f} | {flops / one / peak:.2f} |")
    print(f"| {args.seeds} seeds vmapped, a whole call | {args.seeds * flops / many / 1e9:.2f} | {args.seeds * flops / many / peak:.2f} |")

    convolution_in_scan()


def matmul_peak(n: int = 1024, repeats: int = 5) -> float:
    """FLOP/s of a jitted float32 n×n matrix product on the default device (best of ``repeats``)."""
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n), jnp.float32)
    product = jax.jit(lambda u, v: u @ v)
    jax.block_until_ready(product(a, a))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(product(a, a))
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best


def step_flops(sizes: tuple[int, ...], points: int) -> float:
    """The matrix-product FLOPs of one full-batch step of an MLP with layer ``sizes`` on ``points`` inputs: forward
    2·n·in·out per layer, backward twice that (gradients of the weights and of the layer's input)."""
    return 3 * sum(2 * points * a * b for a, b in zip(sizes, sizes[1:]))


def convolution_in_scan(steps: int = 20) -> None:
    from fptheory.data import digits
    from fptheory.train import CNN

    data = digits()
    x = jnp.asarray(data.X[:500], jnp.float32)
    y = jnp.asarray(data.one_hot()[:500], jnp.float32)
    model = CNN((8, 8, 1), (16, 32, 64), 128, 10, convs_per_block=2)
    params = model.init(key=jax.random.PRNGKey(0))
    optimizer = optax.adam(1e-3)

    def xla_apply(p, xb):  # the same network with lax.conv_general_dilated
        h = jnp.reshape(xb, (-1, 8, 8, 1))
        for i, layer in enumerate(p["conv"]):
            h = jax.lax.conv_general_dilated(h, layer["W"], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
            h = jax.nn.relu(h + layer["b"])
            if i % 2:
                n, hh, ww, c = h.shape
                h = h.reshape(n, hh // 2, 2, ww // 2, 2, c).mean(axis=(2, 4))
        h = jax.nn.relu(h.reshape(h.shape[0], -1) @ p["dense"][0]["W"] + p["dense"][0]["b"])
        return h @ p["dense"][1]["W"] + p["dense"][1]["b"]

    rows = []
    for name, apply in (("XLA convolution", xla_apply), ("im2col conv3x3", model.apply)):
        loss = lambda p, a=apply: -jnp.mean(jnp.sum(y * jax.nn.log_softmax(a(p, x)), axis=-1))

        def step(carry, _, loss=loss):
            p, state = carry
            updates, state = optimizer.update(jax.grad(loss)(p), state, p)
            return (optax.apply_updates(p, updates), state), None

        scanned = jax.jit(lambda c, step=step: jax.lax.scan(step, c, None, length=steps)[0])
        single = jax.jit(lambda c, step=step: step(c, None)[0])
        carry = (params, optimizer.init(params))
        jax.block_until_ready(scanned(carry))
        start = time.perf_counter()
        jax.block_until_ready(scanned(carry))
        in_scan = (time.perf_counter() - start) / steps
        c = jax.block_until_ready(single(carry))
        start = time.perf_counter()
        for _ in range(steps):
            c = single(c)
        jax.block_until_ready(c)
        rows.append((name, in_scan, (time.perf_counter() - start) / steps))
    print()
    print("| VGG-like CNN, 500 digits, one Adam step | inside lax.scan (s) | Python loop of jitted steps (s) |")
    print("|---|---|---|")
    for name, a, b in rows:
        print(f"| {name} | {a:.3f} | {b:.3f} |")
    print(f"| ratio XLA / im2col | {rows[0][1] / rows[1][1]:.1f} | {rows[0][2] / rows[1][2]:.1f} |")


if __name__ == "__main__":
    main()
