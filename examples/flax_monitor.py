"""Monitor a Flax (NNX) model trained with optax: the paper's Fig. 1 target (sin x + sin 3x + sin 5x on 201 points
of [-π, π)), a tanh MLP of widths 64, 64, full-batch Adam, and fptheory's FrequencyMonitor fed the outputs.

Run: ``python examples/flax_monitor.py`` (needs ``pip install flax``; the test extra has it).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from fptheory.monitor import FrequencyMonitor, FrequencyReport


class MLP(nnx.Module):
    def __init__(self, rngs: nnx.Rngs) -> None:
        self.layers = nnx.List([nnx.Linear(1, 64, rngs=rngs), nnx.Linear(64, 64, rngs=rngs), nnx.Linear(64, 1, rngs=rngs)])

    def __call__(self, x: jax.Array) -> jax.Array:
        for layer in self.layers[:-1]:
            x = jnp.tanh(layer(x))
        return self.layers[-1](x)[:, 0]


def run(*, steps: int = 3000, record_every: int = 20, seed: int = 0) -> FrequencyReport:
    x = -np.pi + 2 * np.pi * np.arange(201) / 201
    y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)

    graphdef, params = nnx.split(MLP(nnx.Rngs(seed)))
    apply_fn = lambda p, xs: nnx.merge(graphdef, p)(xs)
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)
    xs, ys = jnp.asarray(x[:, None], jnp.float32), jnp.asarray(y, jnp.float32)

    @jax.jit
    def update(p, state):
        grads = jax.grad(lambda q: 0.5 * jnp.mean((apply_fn(q, xs) - ys) ** 2))(p)
        updates, state = optimizer.update(grads, state, p)
        return optax.apply_updates(p, updates), state

    monitor = FrequencyMonitor(x, y)  # the target's peaks are found: k = 1, 3, 5
    for step in range(steps + 1):
        if step % record_every == 0:
            monitor.record(step, apply_fn(params, xs))
        if step < steps:
            params, opt_state = update(params, opt_state)
    return monitor.report()


if __name__ == "__main__":
    print(run().explain())
