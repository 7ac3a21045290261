"""The decay-law fit recovers known constants and reports honest intervals."""

import math

import numpy as np
import pytest

from fptheory.numeric._fit import fit_decay


def test_exact_law_is_recovered():
    deltas = np.array([0.1, 0.15, 0.2, 0.3, 0.5])
    c, alpha, log_C = 3.2, 1.5, -0.7
    p = np.exp(log_C + alpha * np.log(deltas) - c / deltas)
    fit = fit_decay(deltas, p, p * 0.9, p * 1.1)
    assert math.isclose(fit.c, c, rel_tol=1e-9) and math.isclose(fit.alpha, alpha, rel_tol=1e-8)
    assert fit.c_ci[0] < c < fit.c_ci[1]


def test_interval_coverage_over_replicas(rng):
    """400 replicas of a decay law with 5% log-normal noise and matching intervals: the 95% interval of c covers
    the true c in a share consistent with 95% (binomial: within [0.92, 0.98], about 3 s.e.), and so does α's."""
    from scipy.stats import binomtest

    deltas = np.linspace(0.08, 0.5, 10)
    c, alpha = 2.0, 0.5
    covered_c, covered_alpha = 0, 0
    replicas = 400
    for _ in range(replicas):
        p = np.exp(alpha * np.log(deltas) - c / deltas) * np.exp(rng.normal(0, 0.05, deltas.size))
        fit = fit_decay(deltas, p, p * np.exp(-1.96 * 0.05), p * np.exp(1.96 * 0.05))
        covered_c += fit.c_ci[0] < c < fit.c_ci[1]
        covered_alpha += fit.alpha_ci[0] < alpha < fit.alpha_ci[1]
    for covered in (covered_c, covered_alpha):
        assert 0.92 <= covered / replicas <= 0.98, covered
        assert binomtest(covered, replicas, 0.95).pvalue > 1e-3


def test_inverted_intervals_are_refused():
    with pytest.raises(ValueError, match="each interval must hold its fraction"):
        fit_decay([0.1, 0.2, 0.3], [1e-5, 1e-3, 1e-2], [1e-4, 1e-2, 1e-1], [1e-6, 1e-4, 1e-3])


def test_needs_three_nonzero_points():
    with pytest.raises(ValueError, match="at least 3 deltas"):
        fit_decay([0.1, 0.2, 0.3], [0.0, 1e-3, 1e-2], [0, 1e-4, 1e-3], [1e-5, 1e-2, 1e-1])


def test_needs_three_distinct_deltas():
    """Three estimates at one δ (or two) cannot fix three parameters: refused in one line, not a fit with NaN
    intervals or a singular matrix."""
    p = np.array([1e-5, 1.1e-5, 0.9e-5])
    with pytest.raises(ValueError, match=r"at least 3 distinct deltas with a nonzero fraction; got 1 distinct of 3"):
        fit_decay([0.5, 0.5, 0.5], p, p * 0.9, p * 1.1)
    with pytest.raises(ValueError, match=r"got 2 distinct of 4"):
        fit_decay([0.4, 0.5, 0.5, 0.4], [*p, 1e-6], [*(p * 0.9), 0.9e-6], [*(p * 1.1), 1.1e-6])
