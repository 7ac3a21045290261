"""The training engine: models, the scanned loop against a step-by-step loop, vmap over seeds, divergence,
mini-batches, and the per-frequency measures."""

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from fptheory.spectral import dft, periodic_grid
from fptheory.train import (
    MLP,
    TrainSpec,
    TwoLayer,
    convergence_steps,
    normalised_magnitude,
    ordered_fraction,
    relative_error,
    train,
)


def _data(n=32):
    x = periodic_grid(n)
    return x, np.sin(x) + 0.5 * np.sin(3 * x)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "sin"])
def test_mlp_shapes_and_init_scale(activation):
    model = MLP((1, 8, 8, 1), activation, init_scale=0.1)
    params = model.init(key=jax.random.PRNGKey(0))
    assert [p["W"].shape for p in params] == [(1, 8), (8, 8), (8, 1)]
    assert model.apply(params, jnp.ones((5, 1))).shape == (5,)
    ref = MLP((1, 8, 8, 1), activation).init(key=jax.random.PRNGKey(0))
    np.testing.assert_allclose(params[1]["W"], 0.1 * ref[1]["W"], rtol=1e-12)


@pytest.mark.parametrize("cin, cout", [(1, 4), (3, 5)])
def test_conv3x3_equals_xla_convolution(rng, cin, cout, x64):
    """The im2col convolution against lax.conv_general_dilated (SAME, NHWC/HWIO) in float64, to 1e-12."""
    from fptheory.train._models import conv3x3

    h = jnp.asarray(rng.standard_normal((2, 7, 6, cin)))
    kernel = jnp.asarray(rng.standard_normal((3, 3, cin, cout)))
    ref = jax.lax.conv_general_dilated(h, kernel, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    np.testing.assert_allclose(conv3x3(h, kernel), ref, rtol=1e-12, atol=1e-12)


def test_vgg_like_cnn_stacks_two_convolutions_per_block():
    from fptheory.train import CNN

    model = CNN((8, 8, 1), (4, 8, 16), 12, 10, convs_per_block=2)
    # shapes only: jax.eval_shape traces init and apply without computing them
    params = jax.eval_shape(lambda key: model.init(key=key), jax.random.PRNGKey(0))
    assert [layer["W"].shape[2:] for layer in params["conv"]] == [(1, 4), (4, 4), (4, 8), (8, 8), (8, 16), (16, 16)]
    assert params["dense"][0]["W"].shape == (16, 12)  # 8 → 4 → 2 → 1 pixels after three poolings
    assert jax.eval_shape(model.apply, params, jax.ShapeDtypeStruct((3, 64), jnp.float32)).shape == (3, 10)


def test_two_layer_is_the_theory_network_and_lies_in_the_ball(x64):
    model = TwoLayer(5, 0.3)
    p = model.init(key=jax.random.PRNGKey(3))
    theta = np.concatenate([p["a"], p["w"], p["b"]])
    assert theta.shape == (15,) and np.linalg.norm(theta) <= 0.3
    x = np.linspace(-2, 2, 7)
    expected = (np.asarray(p["a"]) * np.tanh(np.asarray(p["w"]) * x[:, None] + np.asarray(p["b"]))).sum(axis=1)
    np.testing.assert_allclose(model.apply(p, x), expected, rtol=1e-12)


def test_scanned_loop_equals_a_plain_python_loop(x64):
    """Same init, same Adam steps: the jitted scan and a step-by-step loop agree to 1e-10 (float64)."""
    x, y = _data()
    model = MLP((1, 16, 1), "tanh")
    key = jax.random.PRNGKey(7)
    spec = TrainSpec(steps=60, record_every=20, learning_rate=1e-2, dtype="float64")
    hist = train(model.apply, model.init, x[:, None], y, keys=key[None], spec=spec, eval_x=x[:, None],
                 eval_points=x, frequencies=np.array([1.0, 3.0]))
    params = model.init(key=key, dtype=jnp.float64)
    opt = optax.adam(1e-2)
    state = opt.init(params)
    loss = lambda p: 0.5 * jnp.mean((model.apply(p, x[:, None]) - y) ** 2)
    losses = [float(loss(params))]
    for i in range(60):
        g = jax.grad(loss)(params)
        upd, state = opt.update(g, state, params)
        params = optax.apply_updates(params, upd)
        if (i + 1) % 20 == 0:
            losses.append(float(loss(params)))
    np.testing.assert_allclose(hist.loss[0], losses, rtol=1e-10)
    np.testing.assert_array_equal(hist.steps, [0, 20, 40, 60])
    out = model.apply(params, x[:, None])
    np.testing.assert_allclose(hist.spectrum[0, -1], dft(np.asarray(out), x, np.array([1.0, 3.0])), atol=1e-12)


def test_float32_runs_do_not_depend_on_the_x64_flag():
    """The tests run with jax_enable_x64 on: a float32 run must still be float32 throughout (so the CLI,
    with the flag off, reproduces it)."""
    x, y = _data()
    model = MLP((1, 8, 1), "tanh")
    hist = train(model.apply, model.init, x[:, None], y, keys=jax.random.PRNGKey(0)[None],
                 spec=TrainSpec(steps=10, record_every=5, learning_rate=1e-2), eval_x=x[:, None], eval_points=x,
                 frequencies=np.array([1.0]))
    assert hist.loss.dtype == np.float32 and hist.spectrum.dtype == np.complex64
    assert all(v.dtype == np.float32 for v in jax.tree_util.tree_leaves(hist.params))


@pytest.mark.slow
def test_vmapped_seeds_equal_single_runs():
    x, y = _data()
    model = MLP((1, 8, 1), "tanh")
    keys = jax.random.split(jax.random.PRNGKey(1), 3)
    spec = TrainSpec(steps=20, record_every=10, learning_rate=1e-2, dtype="float64")
    kw = dict(spec=spec, eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0]))
    together = train(model.apply, model.init, x[:, None], y, keys=keys, **kw)
    alone = train(model.apply, model.init, x[:, None], y, keys=keys[2:3], **kw)
    np.testing.assert_allclose(together.loss[2], alone.loss[0], rtol=1e-12)


@pytest.mark.slow
def test_seed_blocks_are_runs_of_their_own():
    """With seed_block G the runs go in blocks of G consecutive keys, each block its own vmapped program: rows 0-1
    and 2-3 of five keys in blocks of two are, bit for bit (float32, minibatch SGD), the runs of those two keys
    trained alone, and the fifth is the run of its key beside a copy of itself. Blocks of one are single runs."""
    x, y = _data(64)
    model = MLP((1, 16, 16, 1), "tanh")
    keys = jax.random.split(jax.random.PRNGKey(4), 5)
    spec = TrainSpec(steps=40, record_every=10, learning_rate=0.05, optimizer="sgd", batch_size=16)
    kw = dict(spec=spec, eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0, 3.0]), chunk_records=2)
    run = lambda k, **more: train(model.apply, model.init, x[:, None], y, keys=k, **kw, **more)
    blocks = run(keys, seed_block=2)
    alone = [run(keys[0:2]), run(keys[2:4]), run(keys[np.array([4, 4])])]
    assert blocks.loss.shape == (5, 5) and blocks.devices == len(jax.local_devices()[:3])
    for got, want in ((blocks.loss, np.concatenate([h.loss for h in alone])[:5]),
                      (blocks.spectrum, np.concatenate([h.spectrum for h in alone])[:5]),
                      (blocks.params[-1]["W"],
                       np.concatenate([h.params[-1]["W"] for h in alone])[:5])):
        np.testing.assert_array_equal(got, want)
    single = run(keys, seed_block=1)
    np.testing.assert_array_equal(single.loss[3], run(keys[3:4]).loss[0])
    with pytest.raises(ValueError, match="seed_block must be an integer >= 1; got 0"):
        run(keys, seed_block=0)


def test_minibatch_sgd_decreases_the_loss():
    x, y = _data(64)
    model = MLP((1, 16, 1), "tanh")
    spec = TrainSpec(steps=400, record_every=100, learning_rate=0.05, optimizer="sgd", batch_size=16)
    hist = train(model.apply, model.init, x[:, None], y, keys=jax.random.PRNGKey(0)[None], spec=spec,
                 eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0]))
    assert hist.loss[0, -1] < 0.5 * hist.loss[0, 0]


def test_divergence_stops_cleanly():
    """A learning rate far too large: the run stops, names the step, and keeps only finite records."""
    x, y = _data()
    model = MLP((1, 16, 1), "relu")
    spec = TrainSpec(steps=200, record_every=5, learning_rate=1e6, optimizer="sgd")
    hist = train(model.apply, model.init, x[:, None], 1e3 * y, keys=jax.random.PRNGKey(0)[None], spec=spec,
                 eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0]))
    assert hist.diverged_at is not None and hist.diverged_at <= 200
    assert np.all(np.isfinite(hist.loss)) and np.all(np.isfinite(hist.spectrum))
    assert hist.steps[-1] < hist.diverged_at


def test_measures():
    f_hat = np.array([1j, -2.0])
    err = relative_error(np.array([[0.0, 0.0], [0.9j, -2.2], [1j, -2.0]]), f_hat)
    np.testing.assert_allclose(err, [[1, 1], [0.1, 0.1], [0, 0]], atol=1e-15)
    assert convergence_steps(err, np.array([0, 10, 20]), 0.05) == [20, 20]
    assert convergence_steps(err, np.array([0, 10, 20]), 0.5) == [10, 10]
    assert convergence_steps(np.ones((3, 1)), np.array([0, 1, 2]), 0.5) == [None]
    np.testing.assert_allclose(normalised_magnitude(np.array([0.5, 3j]), [1.0, 2.0]), [0.5, 1.5])
    assert ordered_fraction([[1, 2, 3], [3, 2, 1], [1, 1, None], [5, 5, 5]]) == 0.5


@pytest.mark.parametrize(
    "call, needle",
    [
        (lambda: MLP((1, 0, 1)), "widths must be positive"),
        (lambda: MLP((1, 4, 1), "gelu"), "activation must be one of"),
        (lambda: TrainSpec(10, 3, 1e-3), "multiple of record_every"),
        (lambda: TrainSpec(10, 5, -1.0), "learning_rate"),
        (lambda: convergence_steps(np.ones((2, 1)), np.arange(2), 1.5), "threshold must lie in"),
        (lambda: relative_error(np.ones(2), np.array([1.0, 0.0])), "f_hat must be nonzero"),
        (lambda: TwoLayer(0, 1.0), "m (number of neurons)"),
    ],
)
def test_bad_input(call, needle):
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_nan_target_is_refused():
    x, y = _data()
    y[3] = np.nan
    model = MLP((1, 4, 1))
    with pytest.raises(ValueError, match="NaN"):
        train(model.apply, model.init, x[:, None], y, keys=jax.random.PRNGKey(0)[None],
              spec=TrainSpec(10, 5, 1e-3), eval_x=x[:, None], eval_points=x, frequencies=np.array([1.0]))


def test_seed_keys_are_the_per_seed_keys():
    """One vectorised call gives, row by row, jax.random.PRNGKey(seed + i): seed s alone reproduces row s; a
    range that would pass 2^32 (and wrap onto small seeds) is refused."""
    import jax

    from fptheory.experiments._common import seed_keys

    keys = seed_keys(7, 5)
    np.testing.assert_array_equal(keys, np.stack([np.asarray(jax.random.PRNGKey(7 + i)) for i in range(5)]))
    with pytest.raises(ValueError, match="seed must be an integer in"):
        seed_keys(2**32 - 2, 3)


@pytest.mark.slow
def test_library_leaves_jax_precision_as_it_found_it():
    """The library changes no process-wide state: after float64 work (the plain counter, a float64 training run,
    the filtering method) a user's jnp.ones(2) is still float32, and the theory's jax backend refuses, in one
    clear line, to run without float64 rather than switching it on."""
    from fptheory import InputError, Setting, network_transform, plain_estimate
    from fptheory.spectral import smooth

    assert not jax.config.read("jax_enable_x64")
    plain_estimate(Setting(1, 1.0, 3.0, 2), 1.0, 1000, seed=0, backend="jax")
    x, y = _data()
    model = MLP((1, 8, 1), "tanh")
    train(model.apply, model.init, x[:, None], y, keys=np.asarray(jax.random.PRNGKey(0))[None],
          spec=TrainSpec(steps=10, record_every=5, learning_rate=1e-2, dtype="float64"), eval_x=x[:, None],
          eval_points=x, frequencies=np.array([1.0]))
    smooth(np.random.default_rng(0).random((20, 3)), np.zeros(20), 1.0)
    assert not jax.config.read("jax_enable_x64") and jnp.ones(2).dtype == jnp.float32
    with pytest.raises(InputError, match="float64, which is off"):
        network_transform(1.0, np.ones((1, 1)), np.ones((1, 1)), np.zeros((1, 1)), backend="jax")


@pytest.mark.parametrize(("count", "text"), [(0, "0 B"), (512, "512 B"), (40_000, "39.1 KiB"), (3 * 2**20, "3 MiB"),
                                            (1.5 * 2**30, "1.5 GiB"), (2**42, "4 TiB")])
def test_memory_sizes_are_written_in_a_unit_that_shows_them(count, text):
    """A refusal names sizes a user can read: a 40 kB run's seed is '39.1 KiB', not '0.0 MiB'."""
    from fptheory.train._loop import byte_size

    assert byte_size(count) == text


def _compilations(run: Callable[[], Any]) -> list[str]:
    """The XLA programs ``run()`` compiles, by name (jax's backend-compile event; a program jit already holds is
    not compiled again)."""
    from jax._src.dispatch import BACKEND_COMPILE_EVENT

    names: list[str] = []

    def listener(event: str, duration: float, **kw: Any) -> None:
        if event == BACKEND_COMPILE_EVENT:
            names.append(str(kw.get("fun_name")))

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        run()
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return names


def test_train_compiles_once_per_model_spec_and_shapes():
    """A second call with an equal model (another object) compiles nothing; one with the same spec but twice the
    steps (chunks of the same shape: two records each) and other keys compiles no training program; a repeated
    call gives the first call's run, bit for bit; a call with another learning rate or objective is not served the
    first call's programs: its own learning rate gives other losses, and half the loss gives half the losses (Adam's
    steps do not depend on the loss's scale, up to its ε)."""
    x, y = _data()
    model = lambda: MLP((1, 12, 1), "tanh")
    spec = TrainSpec(steps=40, record_every=10, learning_rate=1e-2, dtype="float64")
    keys = jax.random.split(jax.random.PRNGKey(11), 2)

    def run(keys: Any = keys, spec: TrainSpec = spec, **more: Any) -> Any:
        m = model()
        return train(m.apply, m.init, x[:, None], y, keys=keys, spec=spec, eval_x=x[:, None], eval_points=x,
                     frequencies=np.array([1.0, 3.0]), chunk_records=2, **more)

    half_mse = lambda p, xb, yb: 0.25 * jnp.mean((model().apply(p, xb) - yb) ** 2)
    first = run()
    assert _compilations(run) == []
    other = jax.random.split(jax.random.PRNGKey(12), 2)
    longer = dataclasses.replace(spec, steps=80)
    # twice the steps: only the split of the keys into twice as many step keys (an eager jax.random op) is new
    assert [name for name in _compilations(lambda: run(other, longer)) if "threefry" not in name] == []
    np.testing.assert_array_equal(run().loss, first.loss)
    faster = run(spec=dataclasses.replace(spec, learning_rate=2e-2))
    halved = run(objective=half_mse)
    assert not np.array_equal(faster.loss[:, 1:], first.loss[:, 1:])
    np.testing.assert_allclose(halved.loss[:, 0], first.loss[:, 0] / 2, rtol=1e-12)
    np.testing.assert_allclose(halved.loss, first.loss / 2, rtol=1e-4)  # Adam's steps change with the scale by its ε only
