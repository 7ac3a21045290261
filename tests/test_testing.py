"""fptheory.testing: each assertion passes on inputs where the mathematics holds and fails, with a message that says
what was measured, where it does not."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from fptheory import InputError
from fptheory.testing import assert_agrees, assert_decay_constant_within, assert_exponent_within, assert_low_frequency_first


def _run(taus, n=96):
    steps = np.arange(0, 2001, 20)
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    y = np.sin(x) + np.sin(4 * x)
    outputs = np.stack([(1 - math.exp(-t / taus[0])) * np.sin(x) + (1 - math.exp(-t / taus[1])) * np.sin(4 * x) for t in steps])
    return x, y, outputs, steps


def test_low_frequency_first_passes_and_fails():
    x, y, outputs, steps = _run([40, 200])
    report = assert_low_frequency_first(x, y, outputs, steps=steps)
    assert report.low_first is True
    x, y, outputs, steps = _run([200, 40])
    with pytest.raises(AssertionError) as info:
        assert_low_frequency_first(x, y, outputs, steps=steps)
    message = str(info.value)
    assert "did not converge low first" in message and "k = 1: step 600" in message and "k = 4: step 120" in message


def test_low_frequency_first_is_undecided_with_one_peak():
    x, y, outputs, steps = _run([40, 200])
    with pytest.raises(AssertionError, match="undecided"):
        assert_low_frequency_first(x, y, outputs, steps=steps, frequencies=[4])


def test_low_frequency_first_takes_a_report():
    from fptheory.monitor import FrequencyMonitor

    x, y, outputs, steps = _run([40, 200])
    report = FrequencyMonitor(x, y).analyse(steps, outputs)
    assert assert_low_frequency_first(report) is report
    with pytest.raises(InputError, match="FrequencyReport alone"):
        assert_low_frequency_first(report, y)


def test_agrees_on_a_transform_and_its_numeric_form():
    """σ̂ for tanh as fptheory derives it, against a NumPy formula typed from the paper (Eq. 26's kernel):
    -iπ csch(πk/2) for the transform of tanh."""
    from fptheory import activation_transform
    from fptheory.symbolic._fourier import k

    expr = activation_transform("tanh").transform
    assert_agrees(expr, lambda kk: -1j * math.pi / np.sinh(math.pi * kk / 2), variables=(k,), ranges={k: (0.1, 10)}, digits=13)
    with pytest.raises(AssertionError, match="disagree"):  # the sigmoid's transform is not tanh's
        assert_agrees(activation_transform("sigmoid").transform, lambda kk: -1j * math.pi / np.sinh(math.pi * kk / 2),
                      variables=(k,), ranges={k: (0.1, 10)}, digits=3)


def test_agrees_fails_with_the_worst_point():
    x, y = sp.symbols("x y")
    expr = sp.exp(-x**2) * sp.sin(y)
    assert_agrees(expr, lambda a, b: np.exp(-a**2) * np.sin(b), variables=(x, y), digits=14)
    slightly_off = lambda a, b: np.exp(-a**2) * np.sin(b) * (1 + 1e-8)
    assert_agrees(expr, slightly_off, variables=(x, y), digits=7)
    with pytest.raises(AssertionError) as info:
        assert_agrees(expr, slightly_off, variables=(x, y), digits=10)
    assert "disagree at" in str(info.value) and "about 8.0 digits agree" in str(info.value)
    with pytest.raises(AssertionError, match="failed: ZeroDivisionError"):
        assert_agrees(expr, lambda a, b: 1 / 0, variables=(x, y))


def test_agrees_checks_its_arguments():
    x, y = sp.symbols("x y")
    with pytest.raises(InputError, match="missing \\['y'\\]"):
        assert_agrees(x * y, lambda a: a, variables=(x,))
    with pytest.raises(InputError, match="digits must be an integer in \\[1, 15\\]"):
        assert_agrees(x, lambda a: a, variables=(x,), digits=16)
    with pytest.raises(InputError, match="low < high"):
        assert_agrees(x, lambda a: a, variables=(x,), ranges={x: (1, 1)})


def test_exponent_within_its_window(rng):
    x = np.geomspace(1, 100, 30)
    y = 3 * x**-2.5 * np.exp(0.01 * rng.normal(size=30))
    fit = assert_exponent_within(x, y, expected=-2.5, window=0.05)
    assert abs(fit.slope + 2.5) < 0.02
    with pytest.raises(AssertionError, match=r"fitted exponent -2\.5.* outside \[-2\.1, -1\.9\]"):
        assert_exponent_within(x, y, expected=-2, window=0.1)
    with pytest.raises(InputError, match="window must be a finite number > 0"):
        assert_exponent_within(x, y, expected=-2, window=0)


def test_decay_constant_within_its_window_in_the_log_domain():
    """log|∂L/∂a| ∝ -πk/(2|w|) at |w| = 1e-3…1e-2 (values far below float64's range): decay constant π/2 in 1/|w|."""
    inv_w = np.linspace(100, 1000, 12)
    log_values = -math.pi / 2 * 3 * inv_w + np.log(inv_w)  # k = 3, with a slowly varying prefactor
    fit = assert_decay_constant_within(inv_w, log_values, expected=3 * math.pi / 2, window=0.01, log_values=True)
    assert fit.r2 > 0.999
    with pytest.raises(AssertionError, match="fitted decay constant"):
        assert_decay_constant_within(inv_w, log_values, expected=math.pi, window=0.1, log_values=True)
    with pytest.raises(InputError, match="nonzero"):
        assert_decay_constant_within(inv_w, np.zeros(12), expected=1, window=1)
