"""Adaptive activations (Jagtap et al. 2020, arXiv:1906.01170): the network starts as the plain MLP (n a = 1), and
the slope a's gradient is n times the derivative in the common slope s of a network written out here."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.train import MLP, AdaptiveMLP


def test_starts_as_the_plain_mlp_and_the_slope_gradient_is_scaled_by_n(x64):
    model = AdaptiveMLP((1, 8, 8, 1), "tanh", n=10.0)
    params = model.init(key=jax.random.PRNGKey(0), dtype=jnp.float64)
    x = jnp.linspace(-1, 1, 25, dtype=jnp.float64)[:, None]
    np.testing.assert_array_equal(model.apply(params, x), MLP((1, 8, 8, 1), "tanh").apply(params["net"], x))

    def sloped(s):  # every hidden activation tanh(s z), written out
        h = x
        for layer in params["net"][:-1]:
            h = jnp.tanh(s * (h @ layer["W"] + layer["b"]))
        return jnp.sum((h @ params["net"][-1]["W"] + params["net"][-1]["b"]) ** 2)

    eps = 1e-6
    ds = (sloped(1 + eps) - sloped(1 - eps)) / (2 * eps)
    da = jax.grad(lambda p: jnp.sum(model.apply(p, x) ** 2))(params)["a"]
    assert float(da) == pytest.approx(10.0 * float(ds), rel=1e-7)


def test_bad_scale_factor_is_refused():
    with pytest.raises(InputError, match="n .* must be a finite number >= 1"):
        AdaptiveMLP((1, 4, 1), n=0.5)
