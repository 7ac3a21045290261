"""The training engine's speed: jitted lax.scan with on-device records against a Python loop of jitted steps,
and the cost per seed of a vmapped run.

    .venv/bin/python benchmarks/bench_train.py [--steps N] [--seeds S]

Network: the paper's 1-200-200-200-100-1 tanh MLP on 201 points, full-batch Adam, float32, a record (loss,
outputs, DFT at 3 peaks) every 50 steps in both versions. Times exclude compilation (each path is run once
first; the engine's by the difference of two run lengths). Prints a Markdown table.
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
    spec = TrainSpec(args.steps, 50, 1e-3)

    def engine(seeds: int, steps: int) -> float:
        keys = jax.random.split(jax.random.PRNGKey(0), seeds)
        kw = dict(keys=keys, spec=TrainSpec(steps, 50, 1e-3), eval_x=x[:, None], eval_points=x, frequencies=freqs)
        start = time.perf_counter()
        train(model.apply, model.init, x[:, None], y, **kw)
        return time.perf_counter() - start

    def steady(seeds: int) -> tuple[float, float]:
        """(time of a call of args.steps steps, compilation included; steady-state time of args.steps steps
        = T(2N) - T(N), which cancels the compilation every call of train() pays)."""
        once = engine(seeds, args.steps)
        return once, engine(seeds, 2 * args.steps) - once

    def python_loop() -> float:
        xs, ys = jnp.asarray(x[:, None], jnp.float32), jnp.asarray(y, jnp.float32)
        opt = optax.adam(1e-3)
        loss = lambda p: 0.5 * jnp.mean((model.apply(p, xs) - ys) ** 2)  # noqa: E731

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
    print(f"| measure ({args.steps} steps, {jax.devices()[0].platform}) | seconds | ratio |")
    print("|---|---|---|")
    print(f"| Python loop of jitted steps, 1 seed (compiled beforehand) | {loop:.2f} | 1.00 |")
    print(f"| scanned engine, 1 seed, steady state | {one:.2f} | {one / loop:.2f} (engine / loop) |")
    print(f"| scanned engine, 1 seed, one call with its compilation | {one_call:.2f} | {one_call / loop:.2f} |")
    print(f"| scanned engine, {args.seeds} seeds vmapped, steady state per seed | {many / args.seeds:.2f} "
          f"| {many / args.seeds / one:.2f} (per seed / single run) |")


if __name__ == "__main__":
    main()
