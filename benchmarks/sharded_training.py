"""Would splitting the seeds of a vmapped training run across devices change a seed's run? Measured on this CPU.

    .venv/bin/python benchmarks/sharded_training.py

Why training is not split across devices (docs/running.md). The engine trains S seeds in one vmapped program
(fptheory.train.train); this script trains the same model (fptheory.train.MLP) in a loop of its own, since the
engine does not split. Split across D devices, each device runs the same program on S/D seeds, and XLA compiles
a vmapped batch of each size on its own terms. This script trains a 1-64-64-1 tanh MLP on two sines (64 points,
float32, 200 steps, full-batch Adam and minibatch SGD of 16) in four ways, each in a fresh interpreter with D
forced host devices (``XLA_FLAGS=--xla_force_host_platform_device_count=D``):

- 4 seeds in one vmap on one device (the reference);
- the same, with 2 devices present but unused;
- 4 seeds split across 2 devices with ``jax.shard_map`` (2 seeds per device);
- 2 seeds in one vmap on one device (compared with the reference's first two).

It prints, per way and optimizer, whether every seed's loss curve equals the reference's bit for bit, and the
largest difference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

CODE = r"""
import json, sys
import jax, jax.numpy as jnp, numpy as np, optax
from jax.sharding import Mesh, PartitionSpec as P
from fptheory.train import MLP

seeds, split = int(sys.argv[1]), sys.argv[2] == "split"
x = jnp.linspace(-1, 1, 64, dtype=jnp.float32)[:, None]
y = jnp.sin(3 * x[:, 0]) + jnp.sin(7 * x[:, 0])
net = MLP((1, 64, 64, 1), "tanh")

def loss(params, xb, yb):
    return 0.5 * jnp.mean((net.apply(params, xb) - yb) ** 2)

def run(key, optimizer, batch):
    params = net.init(key=key)
    state = optimizer.init(params)
    def step(carry, k):
        params, state = carry
        idx = jax.random.choice(k, 64, (batch,), replace=False) if batch < 64 else jnp.arange(64)
        grads = jax.grad(loss)(params, x[idx], y[idx])
        updates, state = optimizer.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        return (params, state), loss(params, x, y)
    return jax.lax.scan(step, (params, state), jax.random.split(jax.random.fold_in(key, 1), 200))[1]

out = {}
keys = jax.random.split(jax.random.PRNGKey(0), seeds)
for name, optimizer, batch in (("adam", optax.adam(1e-2), 64), ("sgd", optax.sgd(1e-2), 16)):
    fn = jax.vmap(lambda k: run(k, optimizer, batch))
    if split:
        fn = jax.shard_map(fn, mesh=Mesh(np.array(jax.local_devices()), ("seeds",)), in_specs=P("seeds"),
                           out_specs=P("seeds"))
    out[name] = np.asarray(jax.jit(fn)(keys)).tolist()
print(json.dumps(out))
"""


def _losses(devices: int, seeds: int, split: bool) -> dict[str, np.ndarray]:
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    done = subprocess.run([sys.executable, "-c", CODE, str(seeds), "split" if split else "one"], env=env,
                          capture_output=True, text=True, timeout=600, check=True)
    return {name: np.array(values) for name, values in json.loads(done.stdout).items()}


def main() -> None:
    reference = _losses(1, 4, split=False)
    ways = {
        "4 seeds, one vmap, 2 devices present": _losses(2, 4, split=False),
        "4 seeds split across 2 devices (shard_map)": _losses(2, 4, split=True),
        "2 seeds, one vmap, one device (first two)": _losses(1, 2, split=False),
    }
    print("| way | optimizer | identical to 4 seeds on one device | largest loss difference |\n|---|---|---|---|")
    for way, losses in ways.items():
        for name, curves in losses.items():
            ref = reference[name][: curves.shape[0]]
            print(f"| {way} | {name} | {bool(np.array_equal(curves, ref))} | {float(np.max(np.abs(curves - ref))):.1e} |")


if __name__ == "__main__":
    main()
