"""Training in seed blocks across devices: are the runs the same, and how long do they take? Measured on this machine.

    .venv/bin/python benchmarks/sharded_training.py

``fptheory.train.train(..., seed_block=G)`` trains the runs in blocks of G keys, each block one vmapped program,
and spreads the blocks over the local JAX devices (docs/running.md). This script trains eight seeds of a
1-64-64-1 tanh MLP on two sines (256 points, float32, 1000 steps, full-batch Adam and minibatch SGD of 32) in four
ways, each in a fresh interpreter with D forced host devices (``XLA_FLAGS=--xla_force_host_platform_device_count=D``;
on a machine with accelerators JAX trains on those instead, all of them):

- blocks of 4 on one device, one block after the other (the reference);
- blocks of 4 on two devices, both blocks at once;
- all eight in one vmap (``seed_block=None``, the default);
- blocks of 1: eight single runs, one after the other.

It prints, per way and optimizer, whether every run's loss curve equals the reference's bit for bit, the largest
difference, and the way's time over the reference's, both timed in the same process after a first, compiling call.
Forced host devices share this machine's cores, so their ratio says whether blocks overlap, not what separate
devices would gain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

CODE = r"""
import json, sys, time
import jax, numpy as np
from fptheory.train import MLP, TrainSpec, train

block = None if sys.argv[1] == "none" else int(sys.argv[1])
x = np.linspace(-1, 1, 256)
y = np.sin(3 * x) + np.sin(7 * x)
net = MLP((1, 64, 64, 1), "tanh")
keys = jax.random.split(jax.random.PRNGKey(0), 8)
out = {"devices": len(jax.local_devices())}
for name, spec in (("adam", TrainSpec(1000, 100, 1e-2)), ("sgd", TrainSpec(1000, 100, 1e-2, "sgd", 32))):
    run = lambda: train(net.apply, net.init, x[:, None], y, keys=keys, spec=spec, eval_x=x[:, None], eval_points=x,
                        frequencies=np.array([3.0, 7.0]), seed_block=block)
    run()
    began = time.perf_counter()
    history = run()
    out[name] = {"loss": history.loss.tolist(), "seconds": time.perf_counter() - began, "used": history.devices}
print(json.dumps(out))
"""


def _runs(devices: int, block: int | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    done = subprocess.run([sys.executable, "-c", CODE, "none" if block is None else str(block)], env=env,
                          capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout)


def main() -> None:
    reference = _runs(1, 4)
    ways = {
        "blocks of 4, two devices": _runs(2, 4),
        "one vmap of 8, one device": _runs(1, None),
        "blocks of 1, one device": _runs(1, 1),
    }
    print("| way | optimizer | devices used | identical to blocks of 4 on one device | largest loss difference "
          "| time / reference |\n|---|---|---|---|---|---|")
    for way, runs in ways.items():
        for name in ("adam", "sgd"):
            got, ref = np.array(runs[name]["loss"]), np.array(reference[name]["loss"])
            print(f"| {way} | {name} | {runs[name]['used']} | {bool(np.array_equal(got, ref))} "
                  f"| {float(np.max(np.abs(got - ref))):.1e} | {runs[name]['seconds'] / reference[name]['seconds']:.2f} |")


if __name__ == "__main__":
    main()
