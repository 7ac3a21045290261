"""The training engine's speed: jitted lax.scan with on-device records against a Python loop of jitted steps,
and the cost per seed of a vmapped run.

    .venv/bin/python benchmarks/bench_train.py [--steps N] [--seeds S]

Network: the paper's 1-200-200-200-100-1 tanh MLP on 201 points, full-batch Adam, float32, a record (loss,
outputs, DFT at 3 peaks) every 50 steps in both versions. Times exclude compilation (each path is run once
first; the engine's by the difference of two run lengths, the better of two tries, since a busy machine makes
single differences noisy). Prints a Markdown table, then the engine's share of
this CPU's float32 matmul peak (measured in the same run; only the matrix products of a step are counted).

A second table: one Adam step of the VGG-like CNN (two 3×3 convolutions per block, channels 16/32/64) on
500 of scikit-learn's digits, cross-entropy, inside ``lax.scan`` (as the engine runs it) and as a jitted
step in a Python loop, with XLA's convolution and with fptheory's im2col ``conv3x3``.
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from fptheory.spectral import dft, periodic_grid
from fptheory.train import MLP, TrainSpec, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    x = periodic_grid(201)
    y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)
    freqs = np.array([1.0, 3.0, 5.0])
    model = MLP((1, 200, 200, 200, 100, 1), "tanh")
    def engine(seeds: int, steps: int) -> float:
        keys = jax.random.split(jax.random.PRNGKey(0), seeds)
        kw = dict(keys=keys, spec=TrainSpec(steps, 50, 1e-3), eval_x=x[:, None], eval_points=x, frequencies=freqs)
        start = time.perf_counter()
        train(model.apply, model.init, x[:, None], y, **kw)
        return time.perf_counter() - start

    def steady(seeds: int) -> tuple[float, float]:
        """(time of a call of args.steps steps, compilation included; steady-state time of args.steps steps
        = T(2N) - T(N), which cancels the compilation every call of train() pays)."""
        pairs = [(engine(seeds, args.steps), engine(seeds, 2 * args.steps)) for _ in range(2)]  # the better of two
        once, twice = min(pairs, key=lambda p: p[1] - p[0])
        return once, twice - once

    def python_loop() -> float:
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
        step(params, state), observe(params)  # compile
        start = time.perf_counter()
        records = []
        for i in range(args.steps):
            params, state = step(params, state)
            if (i + 1) % 50 == 0:
                records.append(jax.device_get(observe(params)))
        return time.perf_counter() - start

    loop = python_loop()
    one_call, one = steady(1)
    many_call, many = steady(args.seeds)
    peak = matmul_peak()
    flops = args.steps * step_flops(model.widths, x.size)
    print(f"| measure ({args.steps} steps, {jax.devices()[0].platform}) | seconds | ratio |")
    print("|---|---|---|")
    print(f"| Python loop of jitted steps, 1 seed (compiled beforehand) | {loop:.2f} | 1.00 |")
    print(f"| scanned engine, 1 seed, steady state | {one:.2f} | {one / loop:.2f} (engine / loop) |")
    print(f"| scanned engine, 1 seed, one call with its compilation | {one_call:.2f} | {one_call / loop:.2f} |")
    print(f"| scanned engine, {args.seeds} seeds vmapped, steady state per seed | {many / args.seeds:.2f} "
          f"| {many / args.seeds / one:.2f} (per seed / single run) |")
    print()
    print(f"float32 matmul peak of this CPU (jitted 1024² @ 1024², best of 5): {peak / 1e9:.1f} GFLOP/s")
    print(f"| engine, matrix-product FLOPs of forward + backward ({flops / args.steps / 1e6:.1f} MFLOP a step) | GFLOP/s "
          "| fraction of the matmul peak |")
    print("|---|---|---|")
    print(f"| 1 seed, steady state | {flops / one / 1e9:.2f} | {flops / one / peak:.2f} |")
    print(f"| {args.seeds} seeds vmapped, steady state | {args.seeds * flops / many / 1e9:.2f} | {args.seeds * flops / many / peak:.2f} |")

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
