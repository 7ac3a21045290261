"""Monitor an Equinox model trained with optax: the paper's Fig. 1 target (sin x + sin 3x + sin 5x on 201 points of
[-π, π)), a tanh MLP of widths 64, 64, full-batch Adam, and fptheory's FrequencyMonitor called inside the loop.

Run: ``python examples/equinox_monitor.py`` (needs ``pip install equinox``; the test extra has it).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from fptheory.monitor import FrequencyMonitor, FrequencyReport


def run(*, steps: int = 3000, record_every: int = 20, seed: int = 0) -> FrequencyReport:
    x = -np.pi + 2 * np.pi * np.arange(201) / 201
    y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)

    model = eqx.nn.MLP(1, "scalar", 64, 2, activation=jnp.tanh, key=jax.random.PRNGKey(seed))
    params, static = eqx.partition(model, eqx.is_array)
    apply_fn = lambda p, xs: jax.vmap(eqx.combine(p, static))(xs)  # (n, 1) -> (n,)
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)
    xs, ys = jnp.asarray(x[:, None], jnp.float32), jnp.asarray(y, jnp.float32)

    @jax.jit
    def update(p, state):
        loss, grads = jax.value_and_grad(lambda q: 0.5 * jnp.mean((apply_fn(q, xs) - ys) ** 2))(p)
        updates, state = optimizer.update(grads, state, p)
        return optax.apply_updates(p, updates), state

    monitor = FrequencyMonitor(x, y, frequencies=[1, 3, 5])  # or frequencies=None: the target's peaks are found
    hook = monitor.callback(apply_fn, every=record_every)
    for step in range(steps + 1):
        hook(step, params)
        if step < steps:
            params, opt_state = update(params, opt_state)
    return monitor.report()


if __name__ == "__main__":
    print(run().explain())
