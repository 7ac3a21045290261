#!/usr/bin/env bash
# One short device check (a machine with an NVIDIA GPU and jax[cuda]; not run by CI): the JAX code paths run on
# the GPU and agree with the same code on the CPU; samples/s of the jitted plain counter (benchmarks/gpu_plain.py)
# and a full-scale f1d run, GPU against CPU on the same machine; the counter's two layouts by width
# (benchmarks/gpu_layout.py). Usage: bash benchmarks/gpu_check.sh OUT_FOLDER
# (PLAIN_ONLY=1: the counter alone)
set -uo pipefail
out=${1:?usage: gpu_check.sh OUT_FOLDER}
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 benchmarks/gpu_plain.py
python3 benchmarks/gpu_layout.py
[ "${PLAIN_ONLY:-0}" = 1 ] && exit 0
python3 -m pytest -p no:cacheprovider -q -n 0 -m "not full" tests/test_fused.py tests/test_train.py tests/test_stable.py tests/test_dft.py \
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
