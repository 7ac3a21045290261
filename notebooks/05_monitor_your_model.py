# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 — Monitor your own model against the theory
#
# Your model, your training loop: here an Equinox MLP trained with optax on the paper's Fig. 1 target (the same
# setting as `fptheory run f1d --quick`). fptheory's `FrequencyMonitor` needs the inputs, the targets and the
# model's outputs at chosen steps; it finds the target's peaks, follows Δ_F(k) = |ĥ(k) - f̂(k)|/|f̂(k)| at each,
# runs the filtering method, and gives the verdict of the claim f1d-low-first. Flax and PyTorch work the same way
# (`examples/`).

# %%
# %matplotlib inline
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from fptheory.monitor import FrequencyMonitor, figure
from fptheory.testing import assert_low_frequency_first

x = -np.pi + 2 * np.pi * np.arange(201) / 201
y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)

model = eqx.nn.MLP(1, "scalar", 64, 2, activation=jnp.tanh, key=jax.random.PRNGKey(0))
params, static = eqx.partition(model, eqx.is_array)
apply_fn = lambda p, xs: jax.vmap(eqx.combine(p, static))(xs)  # (n, 1) -> (n,)
optimizer = optax.adam(1e-3)
opt_state = optimizer.init(params)
xs, ys = jnp.asarray(x[:, None], jnp.float32), jnp.asarray(y, jnp.float32)


@jax.jit
def update(p, state):
    grads = jax.grad(lambda q: 0.5 * jnp.mean((apply_fn(q, xs) - ys) ** 2))(p)
    updates, state = optimizer.update(grads, state, p)
    return optax.apply_updates(p, updates), state

# %% [markdown]
# ## The three lines that monitor it

# %%
monitor = FrequencyMonitor(x, y, deltas=(0.05, 0.5))  # peaks found: k = 1, 3, 5; filtering at two δ
hook = monitor.callback(apply_fn, every=20)
for step in range(3001):
    hook(step, params)
    params, opt_state = update(params, opt_state)

report = monitor.report()
print("peaks followed:", report.frequencies[0])
print(report.explain())
figure(report)

# %% [markdown]
# ## As a test
#
# The same verdict as an assertion your pytest suite can run; its message explains a failure step by step.

# %%
assert_low_frequency_first(report)  # passes; on a failure it prints report.explain()
