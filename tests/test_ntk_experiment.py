"""The ntk experiment: what it saves, its Δ_F against a direct DFT, its kernel rates against the closed form of the
two-layer tanh NTK, and its config checks (its verdict is the claim ntk-linearised-rates's, tests/test_claims.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import ntk
from fptheory.spectral._dft import periodic_grid


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("ntk-linearised-rates")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "ntk" and data["widths"] == list(result.config.widths)
    arrays = np.load(folder / "arrays.npz")
    W, S, K = len(result.config.widths), result.config.seeds, len(result.config.frequencies)
    assert arrays["measured"].shape == arrays["predicted"].shape == (W, S, result.steps.size, K)
    assert (folder / "ntk.png").stat().st_size > 1000
    assert arrays["relu_gap"].shape == (len(result.config.relu_widths), S)
    assert arrays["eigenvalues"].shape == (result.config.eigen_points // 2 + 1,) and np.all(result.eigenvalues > 0)
    # at step 0 prediction and measurement are the same network: Δ_F agree to rounding (float64)
    np.testing.assert_allclose(result.predicted[:, :, 0], result.measured[:, :, 0], rtol=1e-9, atol=1e-12)


def test_peak_errors_against_a_direct_dft():
    x = periodic_grid(40)
    target = np.sin(x) + 0.5 * np.sin(3 * x)
    residual = 0.25 * np.sin(x) - 0.1 * np.cos(3 * x)
    # f̂(1) = -i/2, f̂(3) = -i/4; r̂(1) = -i/8, r̂(3) = -0.05
    np.testing.assert_allclose(ntk.peak_errors(residual, x, target, (1.0, 3.0)), [0.25, 0.05 / 0.25], rtol=1e-12)


def test_two_layer_tanh_kernel_against_its_closed_form(x64):
    """The model's empirical NTK against Θ(x, x') = (1/m) Σ_j [t_j t'_j + a_j² s_j s'_j (x x' + 1)], t = tanh(w x + b),
    s = 1 - t² (float64, 1e-12)."""
    import jax
    import jax.numpy as jnp

    from fptheory.train._ntk import empirical_ntk

    model = ntk.TwoLayerNTK(50)
    params = model.init(key=jax.random.PRNGKey(2), dtype=jnp.float64)
    a, w, b = np.asarray(params["a"]), np.asarray(params["w"])[0], np.asarray(params["b"])
    x = periodic_grid(24)
    t = np.tanh(np.outer(x, w) + b)
    s = 1 - t**2
    expected = (t @ t.T + (s * a**2) @ s.T * (np.outer(x, x) + 1)) / 50
    np.testing.assert_allclose(empirical_ntk(model.apply, params, x), expected, rtol=1e-12, atol=1e-12)


def test_rates_against_their_definition():
    """1/t_e where Δ_F falls by e within the run; -ln(Δ_F(T)/Δ_F(0))/T where it does not."""
    from fptheory.experiments.ntk import _rates

    steps = np.arange(0, 1001, 100)
    fast = np.exp(-steps / 250.0)  # falls by e at t = 250: first record 300
    slow = np.exp(-steps / 5000.0)  # 1000 steps: only by e^{-0.2}
    rates = _rates(np.stack([fast, slow], axis=-1), steps)
    assert rates[0] == pytest.approx(1 / 300, rel=1e-12) and rates[1] == pytest.approx(1 / 5000, rel=1e-9)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(widths=(0, 4, 8)), "widths must hold at least 3 integers in [1, 65536] (width >= 1)"),
    (dict(widths=(64, 32, 128)), "widths must be increasing"),
    (dict(points=5000), "points must be an integer in [8, 4000]"),
    (dict(frequencies=(1.0, 40.0), amplitudes=(1.0, 1.0)), "frequencies must be integers in [1, points/2)"),
    (dict(seeds=0), "seeds must be an integer >= 1"),
    (dict(relu_widths=(16, 8, 32)), "relu_widths must hold at least 3 increasing integers"),
    (dict(eigen_window=(8, 1000)), "eigen_window must satisfy 1 <= low < high <= eigen_points/8"),
    (dict(relu_points=2), "relu_points must be an integer in [4, 4000]"),
])
def test_bad_config_is_one_clear_error(changes, message):
    with pytest.raises(InputError) as info:
        ntk.Config(**changes)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(("slope", "preferred"), [(-0.5, "-1/2"), (-1.0, "-1"), (-0.6, "-1/2"), (-0.9, "-1")])
def test_gap_law_fits_tell_the_two_laws_apart(slope, preferred):
    """A gap exactly ∝ width^slope (two seeds, the same) is fitted with no residual by its own law, and the law whose
    slope is nearer wins otherwise (the residual of a fixed slope s is (slope - s)² Σ (log n - mean)²)."""
    from types import SimpleNamespace

    widths = (64, 256, 1024, 4096)
    gap = 3.0 * np.asarray(widths, dtype=float) ** slope
    fake = SimpleNamespace(config=SimpleNamespace(widths=widths), gap=lambda: np.stack([gap, gap], axis=1))
    rss = ntk.Result.gap_law_fits(fake)
    spread = float(np.sum((np.log(widths) - np.mean(np.log(widths))) ** 2))
    assert rss["-1/2"] == pytest.approx((slope + 0.5) ** 2 * spread, abs=1e-12)
    assert rss["-1"] == pytest.approx((slope + 1.0) ** 2 * spread, abs=1e-12)
    assert min(rss, key=rss.__getitem__) == preferred
