"""Multi-stage networks (Wang and Lai 2024): the stage network against a NumPy forward pass, the dominant frequency
on random sines, float64 fits that leave jax's flag alone, and the quick experiment (the claim's own run): every
stage lowers the error, the bookkeeping of ε_n and the stages' sum, the files; bad configurations refused."""

import json

import jax
import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.experiments import multistage
from fptheory.train import MLP, StageNetwork, dominant_frequency, fit_stage


def _numpy_forward(params, x, kappa):
    """The stage network written out in NumPy: sin(κ(xW + b)) (or tanh), tanh layers, a linear output."""
    h = x[:, None] @ np.asarray(params[0]["W"]) + np.asarray(params[0]["b"])
    h = np.tanh(h) if kappa is None else np.sin(kappa * h)
    for layer in params[1:-1]:
        h = np.tanh(h @ np.asarray(layer["W"]) + np.asarray(layer["b"]))
    return (h @ np.asarray(params[-1]["W"]) + np.asarray(params[-1]["b"]))[:, 0]


@pytest.mark.parametrize("kappa", [None, 2 * np.pi * 7.5])
def test_stage_network_matches_numpy(kappa):
    model = StageNetwork(9, 3, kappa)
    x = np.random.default_rng(3).uniform(-1, 1, 50)
    with jax.enable_x64(True):
        params = model.init(key=jax.random.PRNGKey(0))
        assert params[0]["W"].dtype == np.float64
        out = np.asarray(model.apply(params, x[:, None]))
    np.testing.assert_allclose(out, _numpy_forward(params, x, kappa), rtol=0, atol=1e-12)


def test_stage_one_is_the_tanh_mlp():
    model = StageNetwork(7, 2)
    with jax.enable_x64(True):
        key = jax.random.PRNGKey(4)
        params = model.init(key=key)
        x = np.linspace(-1, 1, 11)[:, None]
        np.testing.assert_array_equal(np.asarray(model.apply(params, x)), np.asarray(MLP((1, 7, 7, 1)).apply(params, x)))


def test_sin_layer_init_spreads_frequencies_and_phases():
    """W and b ~ U(-1, 1): within [-1, 1], mean 0 and variance 1/3 to 5 standard errors of 4000 draws."""
    with jax.enable_x64(True):
        params = StageNetwork(4000, 1, 10.0).init(key=jax.random.PRNGKey(1))
    for values in (np.asarray(params[0]["W"]).ravel(), np.asarray(params[0]["b"])):
        assert values.min() >= -1 and values.max() <= 1
        assert abs(values.mean()) < 5 * np.sqrt(1 / 3 / 4000)
        assert abs(values.var() - 1 / 3) < 5 * np.sqrt(4 / 45 / 4000)  # Var(U²) = E U⁴ - (E U²)² = 1/5 - 1/9


def test_dominant_frequency_on_random_sines():
    """A random mix of sines on a random grid: the loudest one's frequency, exactly (each on the rfft grid)."""
    rng = np.random.default_rng(11)
    for _ in range(25):
        n = int(rng.integers(64, 2048))
        spacing = float(rng.uniform(1e-3, 0.1))
        x = np.arange(n) * spacing
        bins = rng.choice(np.arange(1, n // 2), size=3, replace=False)
        amplitudes = np.sort(rng.uniform(0.1, 1.0, 3))[::-1] * np.array([1.0, 0.8, 0.6])
        values = sum(a * np.sin(2 * np.pi * k / (n * spacing) * x + rng.uniform(0, 2 * np.pi))
                     for a, k in zip(amplitudes, bins)) + rng.normal()  # an offset, which the mean removes
        assert dominant_frequency(values, spacing) == pytest.approx(bins[0] / (n * spacing), rel=1e-12)


def test_dominant_frequency_refuses_bad_input():
    with pytest.raises(InputError, match="values"):
        dominant_frequency(np.zeros(2), 0.1)
    with pytest.raises(InputError, match="spacing"):
        dominant_frequency(np.zeros(10), 0.0)


@pytest.mark.slow
def test_fit_stage_is_float64_and_leaves_the_flag_alone():
    """Parameters and losses in float64 whatever jax's flag, which stays as it was; L-BFGS lowers Adam's loss on a
    one-sine target by at least three orders."""
    before = jax.config.read("jax_enable_x64")
    x = np.linspace(-1, 1, 101)
    params, losses = fit_stage(StageNetwork(8, 2), x, np.sin(2 * x), key=jax.random.PRNGKey(0), adam_steps=200,
                               lbfgs_steps=1500, chunk=500)
    assert jax.config.read("jax_enable_x64") == before
    assert losses.shape == (1700,) and np.all(np.isfinite(losses))
    assert all(leaf.dtype == np.float64 for leaf in jax.tree_util.tree_leaves(params))
    assert losses.dtype == np.float64 and losses[-1] < 1e-3 * losses[199]


def test_stages_of_one_form_share_their_compiled_programs():
    """Two sin stages with different κ and data compile each phase's scan once (the data and κ are arguments, not
    constants), and a phase's chunks are equal (20 steps in chunks of at most 15: two of 10, one program; the first
    chunk's optimiser state has no weak types, or it would compile a second one)."""
    from fptheory.train import _multistage

    _multistage._phase.cache_clear()
    x = np.linspace(-1, 1, 64)
    fits = [fit_stage(StageNetwork(4, 1, kappa), x, np.sin(kappa * x), key=jax.random.PRNGKey(1), adam_steps=1,
                      lbfgs_steps=20, chunk=15) for kappa in (3.0, 7.0)]
    assert _multistage._phase.cache_info().misses == 2  # (adam, 1) and (lbfgs, 10)
    programs = [_multistage._phase(StageNetwork(4, 1, 1.0), phase, 1e-3, 50, n)[0] for phase, n in (("adam", 1), ("lbfgs", 10))]
    assert [p._cache_size() for p in programs] == [1, 1]
    assert all(losses.shape == (21,) and np.all(np.isfinite(losses)) for _, losses in fits)
    assert not np.allclose(fits[0][1], fits[1][1])  # different κ and data: a different fit


@pytest.fixture
def quick(quick_claim):
    return quick_claim("multistage-machine-precision")


@pytest.mark.claims
def test_every_stage_lowers_the_error(quick):
    """The method's premise: each stage fits what the others left, so the test error falls stage by stage, and the
    stages end below the single network of the same size and budget."""
    result, _ = quick
    errors = result.test_errors()
    assert errors.shape == (result.config.seeds, result.config.stages)
    assert np.all(np.diff(errors, axis=1) < 0), errors
    assert result.final_error() < min(s.test_error for s in result.singles)
    assert result.stages[0][0].frequency is None and all(s.frequency > 0 for s in result.stages[0][1:])


def test_epsilon_is_the_rms_of_the_residual(quick):
    """ε_{n+1} = rms(u - Σ_{j≤n} ε_j u_j) on stage n+1's grid; where that grid is the base training grid,
    ε_{n+1} √N / ‖u‖ is stage n's training error (the experiment computes the two separately)."""
    result, _ = quick
    cfg = result.config
    u = multistage.target(cfg, np.linspace(-1, 1, cfg.train_points))
    row = result.stages[0]
    assert row[0].epsilon == pytest.approx(np.sqrt(np.mean(u**2)), rel=1e-14)
    for before, after in zip(row[:-1], row[1:]):
        if after.points == cfg.train_points:
            assert after.epsilon * np.sqrt(cfg.train_points) / np.linalg.norm(u) == pytest.approx(before.train_error,
                                                                                                   rel=1e-9)


def test_files_hold_the_final_prediction(quick):
    result, folder = quick
    data = json.loads((folder / "result.json").read_text())
    arrays = np.load(folder / "arrays.npz")
    exact = arrays["target_test"]
    np.testing.assert_allclose(exact, multistage.target(result.config, arrays["x_test"]), rtol=0, atol=1e-15)
    final = np.linalg.norm(arrays["prediction"][0] - exact) / np.linalg.norm(exact)
    assert final == pytest.approx(data["final_test_error"], rel=1e-12)
    assert len(data["stages"][0]) == result.config.stages and (folder / "multistage.png").stat().st_size > 0
    assert arrays["prediction"].dtype == np.float64


@pytest.mark.parametrize("changes, needle", [
    ({"stages": 0}, "stages"),
    ({"width": 0}, "width"),
    ({"terms": ()}, "terms"),
    ({"terms": ((2.0, 0.0),)}, "terms"),
    ({"train_points": 8}, "train_points"),
    ({"test_points": 100}, "test_points"),
    ({"points_per_cycle": 1.0}, "points_per_cycle"),
    ({"learning_rate": -1.0}, "learning_rate"),
])
def test_bad_configs_are_refused(changes, needle):
    with pytest.raises(InputError, match=needle):
        multistage.Config(**changes)


def test_bad_kappa_is_refused():
    with pytest.raises(InputError, match="kappa"):
        StageNetwork(4, 2, 0.0)
