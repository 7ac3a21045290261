"""The float64 MLP evaluator against the training models' own forward pass (float32, so to 1e-5), for every
activation and for a deeper network; more points than one block; a clear error for an unknown activation."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from fptheory import InputError
from fptheory.numeric._mlp import NUMPY_ACTIVATIONS, mlp_values
from fptheory.train._models import MLP


@pytest.mark.parametrize(("sizes", "activation"), [((1, 37, 1), name) for name in NUMPY_ACTIVATIONS] + [((2, 16, 16, 1), "relu")])
def test_mlp_values_match_the_training_model(sizes, activation):
    model = MLP(sizes, activation)
    params = model.init(key=jax.random.PRNGKey(4))
    x = np.random.default_rng(0).uniform(-3, 3, (9000, sizes[0]))  # more than one block
    layers = jax.tree_util.tree_map(lambda leaf: np.asarray(leaf, dtype=np.float64), params)
    values = mlp_values(layers, x[:, 0] if sizes[0] == 1 else x, activation)
    np.testing.assert_allclose(values, np.asarray(model.apply(params, x)).reshape(-1), rtol=1e-5, atol=1e-5)


def test_unknown_activation_is_one_clear_error():
    with pytest.raises(InputError, match="activation must be one of"):
        mlp_values([{"W": np.ones((1, 1)), "b": np.zeros(1)}], np.zeros(3), "sigmoid")
