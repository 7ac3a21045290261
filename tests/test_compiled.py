"""Compiled (lambdified) derivations: numpy and jax agree, shapes broadcast, bad input is refused."""

import numpy as np
import pytest

from fptheory.symbolic._activation import ACTIVATIONS
from fptheory.symbolic._compiled import (
    activation_transform_fn,
    loss_fn,
    loss_gradient_fn,
    network_transform_fn,
    transform_gradient_fn,
)

pytestmark = pytest.mark.usefixtures("x64")  # the theory's jax backend computes in float64


@pytest.mark.slow
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_numpy_and_jax_agree(rng, activation):
    a, b = rng.normal(size=(2, 7, 5))
    w = rng.uniform(0.3, 2, (7, 5)) * rng.choice([-1, 1], (7, 5))
    k = rng.uniform(0.3, 4, 7)
    fhat = rng.normal(size=7) + 1j * rng.normal(size=7)
    for make in (network_transform_fn, transform_gradient_fn):
        np.testing.assert_allclose(make(activation, "jax")(k, a, w, b), make(activation, "numpy")(k, a, w, b), rtol=1e-13)
    for make in (loss_fn, loss_gradient_fn):
        expected = make(activation, "numpy")(k, a, w, b, fhat)
        # entries that cancel to ~1e-16 of the largest carry that much absolute roundoff (ReLU²'s gradient has some)
        np.testing.assert_allclose(make(activation, "jax")(k, a, w, b, fhat), expected, rtol=1e-13,
                                   atol=1e-14 * np.max(np.abs(expected)))
    np.testing.assert_allclose(activation_transform_fn(activation, "jax")(k), activation_transform_fn(activation)(k), rtol=1e-14)


def test_shapes_broadcast_over_samples_and_frequencies(rng):
    """Parameters (N, m) and k (K, 1) give ĥ of shape (K, N); each entry equals the single evaluation."""
    a, w, b = rng.normal(size=(3, 4, 3))
    k = np.array([[0.5], [1.5]])
    out = network_transform_fn()(k, a, w, b)
    assert out.shape == (2, 4)
    assert np.isclose(out[1, 2], network_transform_fn()(1.5, a[2], w[2], b[2]), rtol=1e-14)
    assert loss_gradient_fn()(k, a, w, b, 1.0).shape == (3, 2, 4, 3)


@pytest.mark.parametrize(
    "args, message",
    [
        ((0.0, [1.0], [1.0], [0.0]), "k must be nonzero"),
        ((1.0, [1.0], [0.0], [0.0]), "w must be nonzero"),
        ((1.0, [np.inf], [1.0], [0.0]), "a must be finite"),
        ((1.0, [1.0, 2.0], [1.0, 2.0, 3.0], [0.0]), "shapes do not broadcast"),
        ((1.0, ["x"], [1.0], [0.0]), "a must be real numbers"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        network_transform_fn()(*args)


def test_unknown_backend_and_activation():
    with pytest.raises(ValueError, match="backend must be one of numpy, jax"):
        network_transform_fn("tanh", "torch")
    with pytest.raises(ValueError, match="activation must be one of"):
        network_transform_fn("swish", "numpy")
    with pytest.raises(ValueError, match="fhat must be finite"):
        loss_fn()(1.0, [1.0], [1.0], [0.0], np.nan)
