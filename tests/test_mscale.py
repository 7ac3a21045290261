"""MscaleDNN (Liu, Cai, Xu 2020, arXiv:2007.11207): kind 1 against an MLP whose first-layer columns are scaled by
hand, kind 2 against one MLP with block-diagonal weights built here (scipy), the scales, and sReLU/s2ReLU's values."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.linalg import block_diag

from fptheory._checks import InputError
from fptheory.train import MLP, MscaleDNN, mscale_scales, s2relu, srelu


def test_scales():
    assert mscale_scales(4) == (1.0, 2.0, 4.0, 8.0) and mscale_scales(3, "linear") == (1.0, 2.0, 3.0)


def test_activations_typed_values():
    x = jnp.array([-0.5, 0.0, 0.25, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(srelu(x), [0, 0, 0.1875, 0.25, 0, 0], atol=1e-7)
    np.testing.assert_allclose(s2relu(x), [0, 0, 0.1875, 0, 0, 0], atol=1e-7)


def test_kind_1_scales_the_first_layer_groups(x64):
    """Scales (1, 3, 9) on 6 first-layer neurons: neurons 0-1 by 1, 2-3 by 3, 4-5 by 9, as an MLP whose first W's
    columns are multiplied by hand; scales (1,) is the plain MLP itself."""
    model = MscaleDNN(d_in=2, hidden=(6, 5), scales=(1.0, 3.0, 9.0), kind=1, activation="tanh")
    params = model.init(key=jax.random.PRNGKey(0), dtype=jnp.float64)
    x = jax.random.normal(jax.random.PRNGKey(1), (10, 2), dtype=jnp.float64)
    by_hand = [{"W": params[0]["W"] * jnp.array([1, 1, 3, 3, 9, 9.0]), "b": params[0]["b"]}, *params[1:]]
    plain = MLP((2, 6, 5, 1), "tanh")
    np.testing.assert_allclose(model.apply(params, x), plain.apply(by_hand, x), rtol=1e-13)
    one = MscaleDNN(d_in=2, hidden=(6, 5), scales=(1.0,), kind=1, activation="tanh")
    np.testing.assert_array_equal(one.apply(params, x), plain.apply(params, x))


def test_kind_2_is_one_block_diagonal_network(x64):
    """N = 2 sub-networks of widths (3, 2) on a_i x equal one MLP of widths (6, 4) with the first weights' blocks
    scaled by a_i, block-diagonal hidden weights, stacked output weights and summed output biases."""
    model = MscaleDNN(d_in=1, hidden=(6, 4), scales=(1.0, 5.0), kind=2, activation="sin")
    subs = model.init(key=jax.random.PRNGKey(2), dtype=jnp.float64)
    big = [
        {"W": np.hstack([a * p[0]["W"] for a, p in zip(model.scales, subs)]), "b": np.concatenate([p[0]["b"] for p in subs])},
        {"W": block_diag(*[p[1]["W"] for p in subs]), "b": np.concatenate([p[1]["b"] for p in subs])},
        {"W": np.vstack([p[2]["W"] for p in subs]), "b": sum(p[2]["b"] for p in subs)},
    ]
    x = jnp.linspace(-1, 1, 30, dtype=jnp.float64)[:, None]
    np.testing.assert_allclose(model.apply(subs, x), MLP((1, 6, 4, 1), "sin").apply(big, x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("change, needle", [
    ({"scales": ()}, "scales must list at least one scale"),
    ({"scales": (1.0, 0.0)}, "scales must be finite numbers > 0"),
    ({"kind": 3}, "kind must be 1"),
    ({"kind": 2, "hidden": (5,)}, "every hidden width must be a multiple of the number of scales"),
])
def test_bad_arguments_are_refused(change, needle):
    with pytest.raises(InputError, match=needle):
        MscaleDNN(**{"d_in": 1, "hidden": (4,), "scales": (1.0, 2.0), **change})
    with pytest.raises(InputError, match="scaling must be one of powers, linear"):
        mscale_scales(3, "geometric")
