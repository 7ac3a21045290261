"""The filtering method on real digits at quick scale: e_low falls below the threshold before e_high, for
every δ, for the tanh MLP (MSE) and the ReLU CNN (cross-entropy)."""

import json

from fptheory.experiments import filtering


def test_low_part_converges_first_for_every_delta_and_network(tmp_path):
    result = filtering.run(filtering.make_config(quick=True))
    for per_delta in result.convergence():
        for low, high in per_delta:
            assert low is not None and (high is None or low < high)
    filtering.save(result, tmp_path)
    data = json.loads((tmp_path / "result.json").read_text())
    assert {"delta", "steps", "e_low", "e_high", "network"} <= set(data["series"][0])
    assert len(data["series"]) == 2 * len(result.config.deltas)


def test_vgg_like_cnn_also_converges_low_first():
    """The deeper VGG-like CNN (two 3×3 convolutions per block, three blocks) on 300 digits, 300 steps."""
    config = filtering.make_config(quick=True, networks=("vgg",), points=300, steps=300, deltas=(1.0, 10.0))
    for low, high in filtering.run(config).convergence()[0]:
        assert low is not None and (high is None or low < high)
