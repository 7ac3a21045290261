"""Theorem 2's setting trained by gradient descent: the measured dL(k)/dt against -∇L(k)·∇L is the Euler scheme
of the flow, so its error is O(η). The verdict at quick scale is the theory-vs-training claim's."""

from dataclasses import replace

from fptheory.experiments import theory_vs_training as tvt


def test_rate_error_is_first_order_in_the_learning_rate(quick_claim):
    """Halving η (and doubling the steps) halves the median relative difference of measured and predicted
    rates: ratio within [1.6, 2.4] (an order-1 scheme; order 2 would give 4)."""
    coarse, _ = quick_claim("theory-vs-training")
    fine = tvt.run(replace(coarse.config, learning_rate=coarse.config.learning_rate / 2, steps=2 * coarse.config.steps))
    assert 1.6 < coarse.rate_error / fine.rate_error < 2.4


def test_low_frequency_converges_first(quick_claim):
    coarse, _ = quick_claim("theory-vs-training")
    steps = coarse.to_json()["convergence_step"]
    assert steps[0] is not None and (steps[1] is None or steps[0] < steps[1])
