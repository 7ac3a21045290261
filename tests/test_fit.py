"""The decay-law fit recovers known constants and reports honest intervals."""

import math

import numpy as np
import pytest

from fptheory.numeric.fit import fit_decay


def test_exact_law_is_recovered():
    deltas = np.array([0.1, 0.15, 0.2, 0.3, 0.5])
    c, alpha, log_C = 3.2, 1.5, -0.7
    p = np.exp(log_C + alpha * np.log(deltas) - c / deltas)
    fit = fit_decay(deltas, p, p * 0.9, p * 1.1)
    assert math.isclose(fit.c, c, rel_tol=1e-9) and math.isclose(fit.alpha, alpha, rel_tol=1e-8)
    assert fit.c_ci[0] < c < fit.c_ci[1]


def test_noisy_law_interval_covers(rng):
    """With 5% noise on p and matching intervals, the 95% interval of c covers the truth."""
    deltas = np.linspace(0.08, 0.5, 10)
    c, alpha = 2.0, 0.5
    p = np.exp(alpha * np.log(deltas) - c / deltas) * np.exp(rng.normal(0, 0.05, deltas.size))
    fit = fit_decay(deltas, p, p * np.exp(-1.96 * 0.05), p * np.exp(1.96 * 0.05))
    assert fit.c_ci[0] < c < fit.c_ci[1]
    assert fit.c_ci[1] - fit.c_ci[0] < 1.0


def test_needs_three_nonzero_points():
    with pytest.raises(ValueError, match="at least 3 deltas"):
        fit_decay([0.1, 0.2, 0.3], [0.0, 1e-3, 1e-2], [0, 1e-4, 1e-3], [1e-5, 1e-2, 1e-1])
