"""The filtering method on real digits: what it saves, and the VGG-like CNN judged by the filtering claim's own
rule (the claim's verdict at quick scale is in tests/test_claims.py)."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fptheory.experiments import filtering
from fptheory.experiments._classifiers import VGG_CHANNELS, classifier
from fptheory.verify import load_builtin


def test_filtering_saves_both_networks_series(quick_claim):
    result, folder = quick_claim("filtering-low-first")
    data = json.loads((folder / "result.json").read_text())
    assert {"delta", "steps", "e_low", "e_high", "network"} <= set(data["series"][0])
    assert len(data["series"]) == 2 * len(result.config.deltas)


def test_vgg_like_cnn_shapes():
    """The VGG-like CNN on 28×28 digits, traced with jax.eval_shape (shapes only, nothing computed): two 3×3
    convolutions per block (kernels (3, 3, in, out)) over three blocks, and class probabilities (batch, 10)."""
    X = np.zeros((2, 28 * 28), dtype=np.float32)
    model, probs, _ = classifier("vgg", hidden=(8,), channels=(4,), dense=8, X=X, classes=10, image_shape=(28, 28, 1))
    params = jax.eval_shape(lambda key: model.init(key=key), jax.random.PRNGKey(0))
    kernels = [leaf.shape for leaf in jax.tree_util.tree_leaves(params) if len(leaf.shape) == 4]
    expected = []
    for c_in, c_out in zip((1, *VGG_CHANNELS[:-1]), VGG_CHANNELS):
        expected += [(3, 3, c_in, c_out), (3, 3, c_out, c_out)]
    assert sorted(kernels) == sorted(expected)
    assert jax.eval_shape(probs, params, jax.ShapeDtypeStruct((5, 28 * 28), jnp.float32)).shape == (5, 10)


@pytest.mark.slow
def test_vgg_like_cnn_also_converges_low_first():
    """The deeper VGG-like CNN (two 3×3 convolutions per block, three blocks) on 300 digits, 200 steps."""
    config = filtering.make_config(quick=True, networks=("vgg",), points=300, steps=200, deltas=(1.0, 10.0))
    evidence = load_builtin()["filtering-low-first"].judge(filtering.run(config))
    assert evidence.holds, evidence.key
