"""The filtering method on real digits: what it saves, and the VGG-like CNN judged by the filtering claim's own
rule (the claim's verdict at quick scale is in tests/test_claims.py)."""

import json

from fptheory.experiments import filtering
from fptheory.verify import load_builtin


def test_filtering_saves_both_networks_series(quick_claim):
    result, folder = quick_claim("filtering-low-first")
    data = json.loads((folder / "result.json").read_text())
    assert {"delta", "steps", "e_low", "e_high", "network"} <= set(data["series"][0])
    assert len(data["series"]) == 2 * len(result.config.deltas)


def test_vgg_like_cnn_also_converges_low_first():
    """The deeper VGG-like CNN (two 3×3 convolutions per block, three blocks) on 300 digits, 200 steps."""
    config = filtering.make_config(quick=True, networks=("vgg",), points=300, steps=200, deltas=(1.0, 10.0))
    evidence = load_builtin()["filtering-low-first"].judge(filtering.run(config))
    assert evidence.holds, evidence.key
