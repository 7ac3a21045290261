"""The jitted plain Monte-Carlo counter splits its samples across all local JAX devices, and counts exactly the hits
of the single-device run for the same seed (each point depends on its index only, however the points are split).
The rare estimators' JAX pilot finds the same neurons on two devices as on one. Training in seed blocks
spreads the blocks over the devices and gives each run's records bit for bit as on one device. CPU devices stand in
for accelerators: XLA_FLAGS=--xla_force_host_platform_device_count=2, in a fresh interpreter since XLA reads its
flags at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CODE = """
import json, jax, jax.numpy as jnp
from fptheory.numeric._ball import stream_words
from fptheory.numeric._plain import plain_estimate, _jax_counter
from fptheory.numeric._setting import Setting
out = {"devices": len(jax.local_devices())}
for theorem, m, delta in ((1, 4, 1.0), (2, 3, 4.0)):
    s = Setting(theorem, 1.0, 3.0, m, 1.0, 0.5 + 0.5j)
    e = plain_estimate(s, delta, 3 * 2**12 + 7, seed=3, backend="jax", chunk=2**12, pairs=True)  # last chunk: 7, unsplit
    with jax.enable_x64(True):
        words, first = jnp.asarray(stream_words(5), dtype=jnp.uint64), jnp.uint64(0)
        text = _jax_counter(s, 2**12).lower(words, first, delta).compile().as_text()
        # the width-first layout (a GPU's choice at small m), split the other way
        leading = _jax_counter(s, 2**12, True, True)(words, first, delta)
        text_leading = _jax_counter(s, 2**12, True, True).lower(words, first, delta).compile().as_text()
    out[theorem] = [e.hits, e.per_pair, "num_partitions=2" in text, int(leading[0]), [int(x) for x in leading[1]],
                    "num_partitions=2" in text_leading]
print(json.dumps(out))
"""


TRAIN = """
import json, jax, numpy as np
from fptheory.train import MLP, TrainSpec, train
x = np.linspace(-1, 1, 64)
net = MLP((1, 32, 32, 1), "tanh")
keys = jax.random.split(jax.random.PRNGKey(0), 5)
out = {"devices": len(jax.local_devices())}
for name, spec in (("adam", TrainSpec(60, 20, 1e-2)), ("sgd", TrainSpec(60, 20, 5e-2, "sgd", 16))):
    for block in (1, 2):
        h = train(net.apply, net.init, x[:, None], np.sin(3 * x) + np.sin(7 * x), keys=keys, spec=spec,
                  eval_x=x[:, None], eval_points=x, frequencies=np.array([3.0, 7.0]), seed_block=block)
        out[f"{name} {block}"] = [h.devices, h.loss.tolist(), np.abs(h.spectrum).tolist(), h.params[-1]["W"].tolist()]
print(json.dumps(out))
"""


PILOT = """
import json, jax, numpy as np
from fptheory.numeric import rare_estimate, rare_estimate_theorem2
from fptheory.numeric._importance import _jax_pilot_batch, plain_pilot
from fptheory.numeric._plain import jax_cpu_chunk
from fptheory.numeric._setting import Setting
out = {"devices": len(jax.local_devices())}
for theorem, m, delta in ((1, 2, 1.0), (2, 3, 2.5)):
    s = Setting(theorem, 1.0, 3.0, m, 1.0, 0.5 + 0.5j)
    p = plain_pilot(s, delta, np.random.default_rng(0), key=jax.random.PRNGKey(4))
    e = (rare_estimate if theorem == 1 else rare_estimate_theorem2)(s, delta, 50, seed=4, backend="jax")
    with jax.enable_x64(True):
        text = _jax_pilot_batch(s, jax_cpu_chunk(m)).lower(jax.random.PRNGKey(0), delta).compile().as_text()
    out[theorem] = ["num_partitions=2" in text, p.samples, p.u.tolist(), p.t.tolist(), p.weight.tolist(), e.fraction,
                    e.ci_low, e.ci_high]
print(json.dumps(out))
"""


def run_on(devices: int, code: str = CODE) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_plain_counter_on_two_devices_counts_what_one_device_counts():
    one, two = run_on(1), run_on(2)
    assert one["devices"] == 1 and two["devices"] == 2
    for theorem in ("1", "2"):
        assert one[theorem][2] is False and two[theorem][2] is True  # split across the two devices
        assert one[theorem][5] is False and two[theorem][5] is True
        assert two[theorem][:2] == one[theorem][:2]  # the same hits, and per pair
        assert two[theorem][3:5] == one[theorem][3:5]  # and in the width-first layout
        assert one[theorem][0] > 0 and one[theorem][3] > 0  # something to count


@pytest.mark.slow
def test_seed_blocks_on_two_devices_train_what_one_device_trains():
    """Five runs in blocks of two (and of one), full-batch Adam and minibatch SGD in float32: on two devices the
    blocks alternate between them, and every run's losses, spectra and final weights equal the one-device run's."""
    one, two = run_on(1, TRAIN), run_on(2, TRAIN)
    assert one.pop("devices") == 1 and two.pop("devices") == 2
    for way in one:
        assert one[way][0] == 1 and two[way][0] == 2, way
        assert two[way][1:] == one[way][1:], way


@pytest.mark.slow
def test_rare_pilot_on_two_devices_finds_what_one_device_finds():
    """The rare estimators' JAX pilot (backend "jax") splits its batches across two devices and finds the same
    carrying neurons with the same u, t and weights as on one; both estimates (Theorems 1 and 2) are the same."""
    one, two = run_on(1, PILOT), run_on(2, PILOT)
    assert one.pop("devices") == 1 and two.pop("devices") == 2
    for theorem in one:
        assert one[theorem][0] is False and two[theorem][0] is True  # split across the two devices
        assert two[theorem][1:] == one[theorem][1:], theorem
        assert len(one[theorem][2]) > 20 and one[theorem][5] > 0  # something found
