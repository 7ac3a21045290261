"""The empirical NTK against closed forms (a linear model, a two-layer tanh network, float64 to 1e-12), its blocks,
and the linearised training it predicts against real gradient descent (exact for a linear model; closer as a
two-layer network widens)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fptheory import InputError
from fptheory.train._ntk import MAX_KERNEL_BYTES, empirical_ntk, linearised_residuals


def test_linear_model_kernel_is_x_xt_plus_one(x64, rng):
    """h = w·x + b: J = [x, 1], so Θ = X Xᵀ + 1."""
    import jax.numpy as jnp

    x = rng.normal(size=(23, 3))
    params = {"w": jnp.asarray(rng.normal(size=3)), "b": jnp.asarray(0.3)}
    kernel = empirical_ntk(lambda p, xx: xx @ p["w"] + p["b"], params, x)
    np.testing.assert_allclose(kernel, x @ x.T + 1.0, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("by_rows", [True, False])
@pytest.mark.parametrize("block", [None, 1, 7])
def test_two_layer_tanh_kernel_against_its_closed_form(x64, rng, block, by_rows, monkeypatch):
    """h = Σ_j a_j tanh(w_j x + b_j): Θ(x, x') = Σ_j [t_j t'_j + a_j² s_j s'_j (x x' + 1)], t = tanh(w x + b),
    s = 1 - t², written out by hand in NumPy (float64, 1e-12), by either path and whatever the block."""
    import jax.numpy as jnp

    m = 37
    a, w, b = rng.normal(size=(3, m))
    x = np.linspace(-2, 2, 19)
    params = {"a": jnp.asarray(a), "w": jnp.asarray(w), "b": jnp.asarray(b)}
    apply = lambda p, xx: jnp.tanh(xx.reshape(-1, 1) * p["w"] + p["b"]) @ p["a"]
    t = np.tanh(np.outer(x, w) + b)
    s = 1 - t**2
    expected = t @ t.T + (s * a**2) @ s.T * (np.outer(x, x) + 1)
    if not by_rows:  # the column-block path, taken where the Jacobian would not fit
        monkeypatch.setattr("fptheory.train._ntk.JACOBIAN_BYTES", 0)
    np.testing.assert_allclose(empirical_ntk(apply, params, x, block=block), expected, rtol=1e-12, atol=1e-12)


def test_linearised_gd_is_exact_for_a_linear_model(rng):
    """A linear model is its own linearisation: real full-batch gradient descent (float64) follows
    r_t = (I - ηΘ/n)^t r_0 to 1e-10."""
    import jax
    import jax.numpy as jnp

    from fptheory.train._loop import TrainSpec, train

    x = rng.normal(size=(40, 2))
    y = np.sin(x[:, 0]) + x[:, 1] ** 2
    apply = lambda p, xx: xx @ p["w"] + p["b"]
    init = lambda *, key, dtype: {"w": jax.random.normal(key, (2,), dtype=dtype), "b": jnp.zeros((), dtype=dtype)}
    spec = TrainSpec(300, 50, 0.2, optimizer="sgd", dtype="float64")
    history = train(apply, init, x, y, keys=jax.random.PRNGKey(3)[None], spec=spec, eval_x=x, eval_points=np.arange(40.0),
                    frequencies=np.array([1.0]))
    with jax.enable_x64(True):
        params0 = init(key=jax.random.PRNGKey(3), dtype=jnp.float64)
        kernel = empirical_ntk(apply, params0, x)
        r0 = np.asarray(apply(params0, jnp.asarray(x))) - y
    predicted = linearised_residuals(kernel, r0, 0.2, history.steps)
    np.testing.assert_allclose(history.outputs[0] - y, predicted, rtol=1e-10, atol=1e-10)


@pytest.mark.slow
def test_linearised_gd_improves_with_width(rng):
    """Two-layer tanh networks in the NTK parametrisation (h = Σ a_j tanh(w_j x + b_j)/√m): the relative gap between
    real gradient descent and its linearisation after 400 steps shrinks as m grows (mean over 3 seeds, m = 16 and
    1024: at least 3 times smaller; the theory's 1/√m would make it 8)."""
    import jax
    import jax.numpy as jnp

    from fptheory.train._loop import TrainSpec, train

    x = np.linspace(-math.pi, math.pi, 32, endpoint=False)
    y = np.sin(x) + 0.5 * np.sin(3 * x)
    gaps = {}
    for m in (16, 1024):
        apply = lambda p, xx, m=m: jnp.tanh(jnp.reshape(xx, (-1, 1)) * p["w"] + p["b"]) @ p["a"] / math.sqrt(m)
        def init(*, key, dtype, m=m):
            ka, kw, kb = jax.random.split(key, 3)
            return {"a": jax.random.normal(ka, (m,), dtype), "w": jax.random.normal(kw, (m,), dtype),
                    "b": jax.random.normal(kb, (m,), dtype)}
        spec = TrainSpec(400, 100, 0.5, optimizer="sgd", dtype="float64")
        history = train(apply, init, x[:, None], y, keys=jax.vmap(jax.random.PRNGKey)(jnp.arange(3)), spec=spec,
                        eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0]))
        runs = []
        with jax.enable_x64(True):
            for s in range(3):
                params0 = init(key=jax.random.PRNGKey(s), dtype=jnp.float64)
                r0 = np.asarray(apply(params0, jnp.asarray(x))) - y
                predicted = linearised_residuals(empirical_ntk(apply, params0, x), r0, 0.5, history.steps)
                real = history.outputs[s] - y
                runs.append(np.linalg.norm(real[-1] - predicted[-1]) / np.linalg.norm(r0))
        gaps[m] = float(np.mean(runs))
    assert gaps[1024] * 3 <= gaps[16], gaps


def test_bad_input_is_one_clear_error():
    import jax.numpy as jnp

    n = int((MAX_KERNEL_BYTES / 8) ** 0.5) + 1
    with pytest.raises(InputError, match="at most"):
        empirical_ntk(lambda p, xx: xx[:, 0] * p, jnp.ones(()), np.zeros((n, 1)))
    with pytest.raises(InputError, match="block must be an integer >= 1"):
        empirical_ntk(lambda p, xx: xx[:, 0] * p, jnp.ones(()), np.zeros((3, 1)), block=0)
    with pytest.raises(InputError, match="learning_rate must be a finite number > 0"):
        linearised_residuals(np.eye(2), np.ones(2), -1.0, np.arange(3))
    with pytest.raises(InputError, match="kernel must be"):
        linearised_residuals(np.eye(2), np.ones(3), 0.1, np.arange(3))
