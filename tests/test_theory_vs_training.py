"""Theorem 2's setting trained by gradient descent: the measured dL(k)/dt against -∇L(k)·∇L, and Eq. 31's
gradient-ratio law."""

from dataclasses import replace

import pytest

from fptheory.experiments import theory_vs_training as tvt


@pytest.fixture(scope="module")
def runs():
    base = tvt.make_config(quick=True)
    return tvt.run(base), tvt.run(replace(base, learning_rate=base.learning_rate / 2, steps=2 * base.steps))


def test_measured_rates_match_the_symbolic_prediction(runs):
    """Gradient descent is the Euler scheme of the flow: measured and predicted rates differ by O(η).
    Median relative difference below 1e-2, and halving η halves it (ratio within [1.6, 2.4])."""
    coarse, fine = runs
    assert coarse.rate_error < 1e-2
    assert 1.6 < coarse.rate_error / fine.rate_error < 2.4


def test_gradient_ratio_follows_the_exponential_law(runs):
    """log(|∇_j L(k2)|/|∇_j L(k1)|) - log(A2/A1) against π(k2-k1)/(2|w_j|): slope -1 within ±0.03, R² > 0.99."""
    coarse, _ = runs
    assert abs(coarse.slope + 1) < 0.03 and coarse.slope_r2 > 0.99


def test_low_frequency_loss_falls_faster_at_initialisation_and_converges_first(runs):
    coarse, _ = runs
    assert coarse.faster_k1_at_init == 1.0
    steps = coarse.to_json()["convergence_step"]
    assert steps[0] is not None and (steps[1] is None or steps[0] < steps[1])
