"""Binomial confidence intervals for a fraction of hits (plain Monte Carlo's counts), through scipy.stats."""

from __future__ import annotations

__all__ = ["clopper_pearson", "wilson"]

def _binomial_interval(hits: int, n: int, level: float, method: str) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(int(hits), int(n)).proportion_ci(confidence_level=level, method=method)
    return float(ci.low), float(ci.high)


def clopper_pearson(hits: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial (Clopper-Pearson) interval for hits out of n (``scipy.stats.binomtest``).

    Args:
        hits: the number of successes, 0 ≤ hits ≤ n.
        n: the number of trials, > 0.
        level: the confidence level.

    Returns:
        (low, high), the interval's ends in [0, 1].
    """
    return _binomial_interval(hits, n, level, "exact")


def wilson(hits: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for hits out of n (``scipy.stats.binomtest``).

    Args:
        hits: the number of successes, 0 ≤ hits ≤ n.
        n: the number of trials, > 0.
        level: the confidence level.

    Returns:
        (low, high), the interval's ends in [0, 1].
    """
    return _binomial_interval(hits, n, level, "wilson")
