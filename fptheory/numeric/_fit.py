"""Fit of the decay law ``log p(δ) = log C + α log δ - c/δ`` to measured fractions (docs/theory.md §4-6)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import t as student_t

from fptheory._checks import InputError
from fptheory._json import jsonable

__all__ = ["DecayFit", "fit_decay", "fit_decay_log"]


@dataclass(frozen=True)
class DecayFit:
    """Fitted c, α, log C with 95% intervals; ``scale`` is the reduced χ² the intervals were widened by."""

    c: float
    c_ci: tuple[float, float]
    alpha: float
    alpha_ci: tuple[float, float]
    log_C: float
    log_C_ci: tuple[float, float]
    chi2_dof: float | None
    points: int

    def to_json(self) -> dict[str, Any]:
        return jsonable(self)


def _sigma_log(log_p: float, log_low: float | None, log_high: float) -> float:
    """Standard error of log p from a 95% interval given by its logs (one-sided where the lower end is 0)."""
    if log_low is not None:
        return (log_high - log_low) / (2 * 1.96)
    return (log_high - log_p) / 1.96


def fit_decay(
    deltas: Sequence[float], fractions: Sequence[float], ci_lows: Sequence[float], ci_highs: Sequence[float]
) -> DecayFit:
    """:func:`fit_decay_log` of fractions and their 95% intervals given as numbers (points with p = 0 left out).

    Args:
        deltas: the radii δ (> 0), one per estimate.
        fractions: the estimated fractions p(δ), same length; points with p = 0 are left out.
        ci_lows: each estimate's 95% interval lower end (0 allowed: a one-sided interval).
        ci_highs: each upper end.

    Returns:
        the :class:`DecayFit` of :func:`fit_decay_log`; ``InputError`` for fewer than three nonzero points or an
        interval that does not hold its fraction.
    """
    rows = list(zip(deltas, fractions, ci_lows, ci_highs, strict=True))
    for d, p, lo, hi in rows:
        if not (0 <= lo <= p <= hi):
            raise InputError(f"each interval must hold its fraction (0 <= low <= p <= high); got p = {p!r}, "
                             f"interval [{lo!r}, {hi!r}] at delta = {d!r}")
    kept = [(d, math.log(p), math.log(lo) if lo > 0 else None, math.log(hi)) for d, p, lo, hi in rows if p > 0]
    return fit_decay_log(*zip(*kept)) if kept else fit_decay_log([], [], [], [])


def fit_decay_log(
    deltas: Sequence[float], log_p: Sequence[float], log_lows: Sequence[float | None], log_highs: Sequence[float]
) -> DecayFit:
    """Fit the decay law ``p(δ) ≈ C δ^α e^{-c/δ}`` (Theorems 1 and 2 of Xu et al. 2020, arXiv:1901.06523,
    bound the bad fraction by C e^{-c/δ}; docs/theory.md §4-5): weighted least squares of log p on
    (1, log δ, -1/δ), weights from the intervals. Working in logs keeps fractions below float64's 1e-308 in
    the fit. With more than three points the covariance is scaled by the reduced χ² when that exceeds 1,
    and intervals use Student's t.

    Args:
        deltas: the radii δ, > 0, at least three distinct (repeated δ's estimates are weighted as separate points).
        log_p: natural log of each fraction, shape as deltas.
        log_lows: natural log of each 95% interval's lower end (None where it is 0).
        log_highs: natural log of each upper end.

    Returns:
        a :class:`DecayFit`: c, α and log C with 95% intervals, the reduced χ², the number of points.
    """
    rows = list(zip(deltas, log_p, log_lows, log_highs, strict=True))
    if len(rows) < 3:
        raise InputError(f"the decay fit needs at least 3 deltas with a nonzero fraction; got {len(rows)}")
    distinct = len({float(r[0]) for r in rows})
    if distinct < 3:  # the design (1, log δ, -1/δ) has rank min(3, distinct δ): fewer cannot fix three parameters
        raise InputError(f"the decay fit needs at least 3 distinct deltas with a nonzero fraction; got {distinct} "
                         f"distinct of {len(rows)}")
    for d, lp, lo, hi in rows:
        if not (d > 0 and (lo is None or lo <= lp) and lp <= hi):
            raise InputError(f"each interval must hold its fraction and delta be > 0; got log p = {lp!r}, "
                             f"log interval [{lo!r}, {hi!r}] at delta = {d!r}")
    deltas_a = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    sigma = np.maximum(np.array([_sigma_log(lp, lo, hi) for _, lp, lo, hi in rows]), 1e-6)
    X = np.column_stack([np.ones_like(deltas_a), np.log(deltas_a), -1.0 / deltas_a])
    Xw, yw = X / sigma[:, None], y / sigma
    beta, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    cov = np.linalg.inv(Xw.T @ Xw)
    dof = len(rows) - 3
    chi2 = float(np.sum((Xw @ beta - yw) ** 2))
    chi2_dof = chi2 / dof if dof > 0 else None
    if chi2_dof is not None and chi2_dof > 1:
        cov = cov * chi2_dof
    q = float(student_t.ppf(0.975, dof)) if dof > 0 else 1.96
    se = np.sqrt(np.diag(cov))
    ci = [(float(b - q * s), float(b + q * s)) for b, s in zip(beta, se)]
    return DecayFit(
        c=float(beta[2]),
        c_ci=ci[2],
        alpha=float(beta[1]),
        alpha_ci=ci[1],
        log_C=float(beta[0]),
        log_C_ci=ci[0],
        chi2_dof=chi2_dof,
        points=len(rows),
    )
