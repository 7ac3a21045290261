"""The LFP experiment: what a quick run saves, its measures on synthetic residuals, the paired initialisation, the
kernel's quotients against the sympy multiplier in the run itself, and the config checks (its verdict is the claim
lfp-rates's, tests/test_claims.py; the multiplier is tested in tests/test_lfp.py)."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from fptheory import InputError
from fptheory.experiments import lfp


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("lfp-rates")
    data = json.loads((folder / "result.json").read_text())
    K, widths, seeds = len(result.config.frequencies), len(result.config.widths), result.config.seeds
    assert data["experiment"] == "lfp" and np.shape(data["measured_rate"]) == (widths, seeds, K)
    assert (folder / "lfp.png").stat().st_size > 1000
    assert np.all(result.measured > 0) and np.all(np.isfinite(result.measured))
    # the linearised rate the LFP approximates: at the largest width the empirical kernel's quotients lie within 15%
    # of the sympy multiplier (measured at width 4096: 0.98-1.13, highest at ξ = 3; at width 1024 one seed's are 7-19%
    # above it: finitely many kinks)
    np.testing.assert_allclose(result.kernel[-1], result.predicted[-1], rtol=0.15)
    # the form without the w-gradient is the a- and b-terms only: lower at every ξ
    assert np.all(result.predicted_without_w < result.predicted)


def test_amplitudes_initial_rate_and_exponent_on_exact_inputs():
    """A residual Σ_k A_k e^{-λ_k t} cos(2πξ_k x + φ_k) + a cubic: the amplitudes to 1e-10, the rates to 1e-10, and
    the exponent of λ = 3ξ^{-2.5} exactly."""
    rng = np.random.default_rng(5)
    x = norm.ppf((np.arange(600) + 0.5) / 600)
    xis = np.array([0.75, 1.0, 1.5, 2.0, 3.0])
    A, phase, rates = rng.uniform(0.5, 2, 5), rng.uniform(0, 2 * math.pi, 5), 3 * xis**-2.5 * 1e-4
    steps = np.arange(0, 401, 10)
    residuals = np.array([sum(A[k] * math.exp(-rates[k] * t) * np.cos(2 * math.pi * xis[k] * x + phase[k]) for k in range(5))
                          + 0.3 - 0.2 * x + 0.05 * x**3 for t in steps])
    amp = lfp.amplitudes(residuals, x, xis)
    np.testing.assert_allclose(amp[0], A, rtol=1e-10)
    measured = [lfp.initial_rate(steps, amp[:, k]) for k in range(5)]
    np.testing.assert_allclose(measured, rates, rtol=1e-8)
    slope, half = lfp.exponent(xis, rates)
    assert slope == pytest.approx(-2.5, abs=1e-12) and half < 1e-10


def test_paired_network_starts_at_zero():
    import jax
    import jax.numpy as jnp

    model = lfp.PairedReLU(64, 1.0, 6.0)
    with jax.enable_x64(True):
        params = model.init(key=jax.random.PRNGKey(3), dtype=jnp.float64)
        assert np.max(np.abs(np.asarray(model.apply(params, jnp.linspace(-3, 3, 50))))) < 1e-14


@pytest.mark.parametrize("field, value, match", [
    ("widths", (), "widths"), ("widths", (1023,), "widths"), ("widths", (0,), "widths"), ("scale_a", 0.0, "scale_a"),
    ("bias_range", 1.0, "bias_range"), ("points", 10, "points"), ("frequencies", (1.0, 2.0), "frequencies"),
    ("frequencies", (0.1, 1.0, 2.0), "frequencies"), ("rate_fraction", 2.5, "rate_fraction"), ("steps", 0, "steps")])
def test_config_checks(field, value, match):
    with pytest.raises(InputError, match=match):
        dataclasses.replace(lfp.make_config(quick=True), **{field: value})
