"""Time and memory of the empirical NTK (fptheory.train.empirical_ntk) on 4,000 points, in one run.

    .venv/bin/python benchmarks/bench_ntk.py

For a two-layer tanh network of width 4096 (12,288 parameters) and a 1-64-64-1 tanh MLP (4,353 parameters), in
float32 and float64: seconds for the kernel (the first call, compilation included, and a second one), and the peak
resident memory of this process against the kernel's own size (n² · 8 bytes = 128 MB), as their ratio. The baseline
in the same run is one forward pass over the points (seconds), so the ratio says how many forward passes a kernel
costs.
"""

from __future__ import annotations

import resource
import time

import numpy as np


def main() -> None:
    import jax
    import jax.numpy as jnp

    from fptheory.experiments.ntk import TwoLayerNTK
    from fptheory.train._models import MLP
    from fptheory.train._ntk import empirical_ntk

    n = 4000
    x = np.linspace(-np.pi, np.pi, n)[:, None]
    print(f"empirical NTK on {n} points (kernel {n * n * 8 / 2**20:.0f} MiB in float64)")
    print(f"{'model':>22} {'dtype':>8} {'first s':>8} {'second s':>9} {'forward s':>10} {'kernel / forward':>17} {'peak RSS MiB':>13}")
    two_layer, mlp = TwoLayerNTK(4096), MLP((1, 64, 64, 1), "tanh")
    for name, model in (("two-layer tanh m=4096", two_layer), ("MLP 1-64-64-1 tanh", mlp)):
        for dtype in (jnp.float32, jnp.float64):
            with jax.enable_x64(dtype == jnp.float64):
                params = model.init(key=jax.random.PRNGKey(0), dtype=dtype)
                forward = jax.jit(model.apply)
                jax.block_until_ready(forward(params, jnp.asarray(x, dtype)))
                start = time.perf_counter()
                jax.block_until_ready(forward(params, jnp.asarray(x, dtype)))
                once = time.perf_counter() - start
                start = time.perf_counter()
                empirical_ntk(model.apply, params, x)
                first = time.perf_counter() - start
                start = time.perf_counter()
                empirical_ntk(model.apply, params, x)
                second = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name:>22} {np.dtype(dtype).name:>8} {first:8.2f} {second:9.2f} {once:10.4f} {second / once:17.0f} {peak:13.0f}")


if __name__ == "__main__":
    main()
