#!/usr/bin/env bash
# One short device check (a machine with an NVIDIA GPU and jax[cuda]; not run by CI): the JAX code paths run on
# the GPU and agree with the same code on the CPU; samples/s of the jitted plain counter and a full-scale f1d
# run, GPU against CPU on the same machine. Usage: bash benchmarks/gpu_check.sh OUT_FOLDER (PLAIN_ONLY=1: the
# counter alone)
set -uo pipefail
out=${1:?usage: gpu_check.sh OUT_FOLDER}
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 - <<'PY'
import time
import jax
from fptheory.numeric._sets import Setting, plain_estimate

print("jax", jax.__version__, jax.devices())
s = Setting(1, 1.0, 3.0, 4, 1.0, 0.5 + 0.5j)
for device in (jax.devices("cpu")[0], jax.devices()[0]):
    with jax.default_device(device):
        plain_estimate(s, 1.0, 2**18, seed=1, backend="jax")  # compile
        for n in (2**22, 2**25) + ((2**27,) if device.platform != "cpu" else ()):
            began = time.perf_counter()
            e = plain_estimate(s, 1.0, n, seed=3, backend="jax")
            took = time.perf_counter() - began
            print(f"{device.platform}: n = {n}: hits {e.hits}, fraction {e.fraction:.6e}, {n / took:.3g} samples/s")
PY
[ "${PLAIN_ONLY:-0}" = 1 ] && exit 0
python3 -m pytest -p no:cacheprovider -q -n 0 tests/test_train.py tests/test_stable.py tests/test_dft.py \
    tests/test_compiled.py tests/test_network.py tests/test_theory_vs_training.py 2>&1 | tail -15
for platform in cuda cpu; do
    began=$(date +%s%N)
    JAX_PLATFORMS=$platform python3 -m fptheory run f1d --out "$out/f1d-$platform" 2>&1 | tail -2
    echo "f1d full scale on $platform: $(( ($(date +%s%N) - began) / 1000000 )) ms"
done
python3 - "$out" <<'PY'
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/f1d-{p}/result.json")) for p in ("cuda", "cpu"))
print("f1d convergence steps, cuda:", a["convergence_step"], "cpu:", b["convergence_step"])
PY
