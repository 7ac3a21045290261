"""The jitted plain Monte-Carlo counter splits its samples across all local JAX devices, and counts exactly the hits
of the single-device run for the same seed (JAX's partitionable generator draws the same values however they are
split). CPU devices stand in for accelerators: XLA_FLAGS=--xla_force_host_platform_device_count=2, in a fresh
interpreter since XLA reads its flags at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CODE = """
import json, jax
from fptheory.numeric._sets import Setting, plain_estimate, _jax_counter
out = {"devices": len(jax.local_devices())}
for theorem, m, delta in ((1, 4, 1.0), (2, 3, 4.0)):
    s = Setting(theorem, 1.0, 3.0, m, 1.0, 0.5 + 0.5j)
    e = plain_estimate(s, delta, 3 * 2**12 + 7, seed=3, backend="jax", chunk=2**12)  # the last chunk: 7 samples, unsplit
    with jax.enable_x64(True):
        text = _jax_counter(s, 2**12).lower(jax.random.PRNGKey(0), delta).compile().as_text()
        # the width-first layout (a GPU's choice at small m), split the other way
        leading = _jax_counter(s, 2**12, True)(jax.random.PRNGKey(5), delta)
        text_leading = _jax_counter(s, 2**12, True).lower(jax.random.PRNGKey(0), delta).compile().as_text()
    out[theorem] = [e.hits, e.per_pair, "num_partitions=2" in text, int(leading[0]), [int(x) for x in leading[1]],
                    "num_partitions=2" in text_leading]
print(json.dumps(out))
"""


def counts(devices: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    done = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_plain_counter_on_two_devices_counts_what_one_device_counts():
    one, two = counts(1), counts(2)
    assert one["devices"] == 1 and two["devices"] == 2
    for theorem in ("1", "2"):
        assert one[theorem][2] is False and two[theorem][2] is True  # split across the two devices
        assert one[theorem][5] is False and two[theorem][5] is True
        assert two[theorem][:2] == one[theorem][:2]  # the same hits, and per pair
        assert two[theorem][3:5] == one[theorem][3:5]  # and in the width-first layout
        assert one[theorem][0] > 0 and one[theorem][3] > 0  # something to count
