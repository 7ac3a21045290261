"""Fourier feature inputs (Tancik et al. 2020, arXiv:2006.10739): as σ → 0 the Gaussian mapping's network tends to a
plain MLP on v (error O(σ²), fitted); the positional encoding's B is the typed log-linear ladder; B is not trained."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.train import MLP, FourierFeatures


@pytest.mark.slow
def test_small_sigma_tends_to_the_plain_model(x64):
    """B = σ B0 with the sin-half of the first layer's weights scaled by 1/σ: cos(2πσB0v) = 1 - O(σ²) and
    sin(2πσB0v)/σ = 2πB0v - O(σ²), so the network equals the plain MLP with first layer W' = 2π B0ᵀ W_sin and bias
    b + Σ W_cos rows up to O(σ²): the error falls 100-fold per 10-fold σ (order 2 ± 0.1)."""
    model = FourierFeatures(d_in=2, features=5, sigma=1.0, hidden=(16, 16), activation="tanh")
    params = model.init(key=jax.random.PRNGKey(3), dtype=jnp.float64)
    B0, first = params["B"], params["net"][0]
    W_cos, W_sin = first["W"][:5], first["W"][5:]
    plain = MLP((2, 16, 16, 1), "tanh")
    plain_params = [{"W": 2 * jnp.pi * B0.T @ W_sin, "b": first["b"] + W_cos.sum(axis=0)}, *params["net"][1:]]
    x = jax.random.uniform(jax.random.PRNGKey(4), (64, 2), dtype=jnp.float64, minval=-1, maxval=1)
    reference = plain.apply(plain_params, x)
    errors = []
    for sigma in (1e-2, 1e-3):
        scaled = {"B": sigma * B0, "net": [{"W": jnp.concatenate([W_cos, W_sin / sigma]), "b": first["b"]},
                                           *params["net"][1:]]}
        errors.append(float(jnp.max(jnp.abs(model.apply(scaled, x) - reference))))
    assert np.log10(errors[0] / errors[1]) == pytest.approx(2.0, abs=0.1), errors
    assert errors[1] < 1e-4 * float(jnp.max(jnp.abs(reference)))


@pytest.mark.slow
def test_positional_encoding_is_the_log_linear_ladder():
    """σ = 8, m = 3, d = 2: B's rows are 1, 2, 4 times e_x, then e_y, and γ(v) = [cos 2πBv, sin 2πBv]."""
    model = FourierFeatures(d_in=2, features=3, sigma=8.0, hidden=(4,), mapping="positional")
    params = model.init(key=jax.random.PRNGKey(0))
    typed = np.array([[1, 0], [2, 0], [4, 0], [0, 1], [0, 2], [0, 4]], dtype=float)
    np.testing.assert_allclose(params["B"], typed, rtol=1e-6)
    v = np.array([[0.3, -0.2]])
    phase = 2 * np.pi * typed @ v[0]
    np.testing.assert_allclose(model.encode(params, v)[0], np.concatenate([np.cos(phase), np.sin(phase)]), atol=1e-6)
    assert model.width == 12


@pytest.mark.slow
def test_b_is_not_trained():
    model = FourierFeatures(d_in=1, features=8, sigma=10.0, hidden=(8,))
    params = model.init(key=jax.random.PRNGKey(1))
    x = jnp.linspace(0, 1, 20)[:, None]
    grads = jax.grad(lambda p: jnp.sum(model.apply(p, x) ** 2))(params)
    assert not np.any(np.asarray(grads["B"])) and np.any(np.asarray(grads["net"][0]["W"]))


@pytest.mark.parametrize("change, needle", [
    ({"sigma": 0.0}, "sigma must be a finite number > 0"),
    ({"sigma": float("nan")}, "sigma must be a finite number > 0"),
    ({"features": 0}, "features must be an integer >= 1"),
    ({"mapping": "fourier"}, "mapping must be one of gaussian, positional"),
    ({"activation": "gelu"}, "activation must be one of"),
])
def test_bad_arguments_are_refused(change, needle):
    with pytest.raises(InputError, match=needle):
        FourierFeatures(**{"d_in": 1, "features": 4, "sigma": 1.0, "hidden": (8,), **change})
