"""The regularity experiment: the loss share S(η) against closed forms and quadrature, its fitted laws on random
networks drawn at random, what a quick run saves, and its config checks (its verdict is the claim
regularity-decay-law's, tests/test_claims.py)."""

from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import regularity
from fptheory.numeric._mlp import mlp_values

GRID = np.linspace(-12.0, 12.0, 2**17, endpoint=False)
DX = float(GRID[1] - GRID[0])
ROOT_DENSITY = np.exp(-GRID**2 / 4) / (2 * math.pi) ** 0.25


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("regularity-decay-law")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "regularity" and data["activations"] == list(result.config.activations)
    arrays = np.load(folder / "arrays.npz")
    n_act, seeds, records = len(result.config.activations), result.config.seeds, result.config.records + 1
    assert arrays["share"].shape == (n_act, seeds, records, result.etas.size)
    assert (folder / "regularity.png").stat().st_size > 1000
    # S is a tail share: 1 at η below the grid's first frequency, non-increasing in η, in [0, 1]
    share = result.share
    assert np.all(np.diff(share, axis=-1) <= 1e-15) and share.min() >= 0 and share.max() <= 1 + 1e-15


def test_share_of_a_gaussian_is_erfc():
    """e(x) = e^{-x²/(2s²)}: |ê(ξ)|² ∝ e^{-s²ξ²}, so S(η) = erfc(sη) exactly (to the midpoint rule's error)."""
    s = 0.1  # the tail falls by at most 20% across one band of the grid's Δξ = 2π/24 at these η
    etas = np.array([0.25, 2.5, 10.0, 20.0, 30.0, 42.5])
    share = regularity.loss_share(np.exp(-GRID**2 / (2 * s * s)), DX, etas)
    expected = np.array([float(mpmath.erfc(s * e)) for e in etas])
    np.testing.assert_allclose(share, expected, rtol=3e-3)


def test_share_of_a_triangle_against_quadrature():
    """e(x) = max(0, 1 - |x|) (a kinked function): |ê(ξ)|² = 16 sin⁴(ξ/2)/ξ⁴, S(η) by mpmath quadrature."""
    power = lambda xi: 16 * mpmath.sin(xi / 2) ** 4 / xi**4 if xi != 0 else mpmath.mpf(1)
    total = mpmath.quad(power, mpmath.linspace(0, 400, 201) + [mpmath.inf])
    etas = np.array([2.0, 10.0, 40.0, 150.0])
    share = regularity.loss_share(np.maximum(0.0, 1 - np.abs(GRID)), DX, etas)
    for eta, got in zip(etas, share):
        tail = mpmath.quad(power, mpmath.linspace(eta, 400, 201) + [mpmath.inf])
        assert got == pytest.approx(float(tail / total), rel=2e-2)


def test_fits_recover_exact_laws():
    etas = np.geomspace(1, 1e4, 60)
    slope, se = regularity.fit_power(etas, 3.0 * etas**-4.2, (100, 1e4))
    assert slope == pytest.approx(-4.2, abs=1e-12) and se < 1e-12
    rate, se = regularity.fit_rate(etas, 0.5 * np.exp(-0.37 * etas), (1e-20, 1e-4))
    assert rate == pytest.approx(0.37, rel=1e-12) and se < 1e-12
    assert regularity.fit_power(etas, np.zeros_like(etas), (100, 1e4)) == (None, None)


def test_predicted_laws_from_the_derived_transforms():
    """|σ̂| ~ |k|^p gives S ~ η^{2p+1}; |σ̂| ~ e^{-c|k|} gives the rate 2c: ReLU -3, ReLU² -5, tanh π."""
    assert regularity.predicted_law("relu") == ("power", -3.0)
    assert regularity.predicted_law("relu2") == ("power", -5.0)
    kind, rate = regularity.predicted_law("tanh")
    assert kind == "exponential" and rate == pytest.approx(math.pi, rel=1e-15)


def _random_network(rng, activation):
    width = int(rng.integers(5, 60))
    w = rng.normal(0, 1.5, width)
    layers = [{"W": w[None, :], "b": rng.uniform(-2, 2, width) * np.abs(w)},
              {"W": rng.normal(0, 1 / math.sqrt(width), (width, 1)), "b": np.array([rng.normal()])}]
    return layers, width


@pytest.mark.parametrize("draw", range(4))
@pytest.mark.parametrize("activation", ["relu", "relu2"])
def test_power_law_on_random_networks(draw, activation):
    """Random two-layer networks (width, weights, kinks drawn at random): the fitted power of S(η) over [100, 5000]
    lies within 0.3 of the derived 2p + 1."""
    rng = np.random.default_rng([draw, 17, len(activation)])
    layers, _ = _random_network(rng, activation)
    error = (mlp_values(layers, GRID, activation) - regularity.target(GRID)) * ROOT_DENSITY
    etas = np.geomspace(1, 5000, 80)
    slope, _ = regularity.fit_power(etas, regularity.loss_share(error, DX, etas), (100, 5000))
    assert slope == pytest.approx(regularity.predicted_law(activation)[1], abs=0.3)


@pytest.mark.parametrize("draw", range(4))
def test_exponential_rate_on_random_tanh_networks(draw):
    """Random tanh networks: the fitted rate of S(η) lies between 0.85 and 1.35 times π/max|w| (the derived rate of
    the slowest neuron, approached from above as η grows)."""
    rng = np.random.default_rng([draw, 23])
    layers, _ = _random_network(rng, "tanh")
    error = (mlp_values(layers, GRID, "tanh") - regularity.target(GRID)) * ROOT_DENSITY
    etas = np.geomspace(1, 200, 120)
    rate, _ = regularity.fit_rate(etas, regularity.loss_share(error, DX, etas), (1e-20, 1e-4))
    predicted = math.pi / np.max(np.abs(layers[0]["W"]))
    assert 0.85 <= rate / predicted <= 1.35


@pytest.mark.parametrize(("changes", "message"), [
    (dict(activations=("gelu",)), "activations must be a non-empty subset of tanh, relu2, relu"),
    (dict(activations=()), "activations must be a non-empty subset"),
    (dict(width=0), "width must be an integer in [1, 100000]"),
    (dict(grid_points=100), "grid_points must be an integer in [1024, 2^22]"),
    (dict(power_window=(100.0, 1e6)), "power_window must satisfy 0 < low < high <= a quarter of the grid's Nyquist"),
    (dict(half_width=2.0), "half_width must be a finite number >= 10"),
    (dict(rate_range=(1e-4, 1e-20)), "rate_range must satisfy 0 < low < high < 1"),
    (dict(records=0), "records must be an integer in [1, steps]"),
])
def test_bad_config_is_one_clear_error(changes, message):
    with pytest.raises(InputError) as info:
        regularity.Config(**changes)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_spread_init_puts_kinks_in_the_range():
    """Each first-layer neuron's kink x = -b/w is uniform on [-spread, spread] (Kolmogorov-Smirnov at 1%), the weights
    are MLP's."""
    import jax
    from scipy.stats import kstest

    from fptheory.train._models import MLP

    model = MLP((1, 2000, 1), "relu")
    params = regularity.spread_init(model, 2.5)(key=jax.random.PRNGKey(9))
    w, b = np.asarray(params[0]["W"][0], dtype=float), np.asarray(params[0]["b"], dtype=float)
    kinks = -b / w
    assert np.all(np.abs(kinks) <= 2.5 + 1e-5)
    assert kstest(kinks, "uniform", args=(-2.5, 5.0)).pvalue > 0.01
    assert np.std(w) == pytest.approx(math.sqrt(2), rel=0.1)  # He normal, fan_in 1
