"""Fit of the decay law ``log p(δ) = log C + α log δ - c/δ`` to measured fractions (THEORY.md §4-6)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
from scipy.stats import t as student_t

__all__ = ["DecayFit", "fit_decay"]


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
        return asdict(self)


def _sigma_log(fraction: float, low: float, high: float) -> float:
    """Standard error of log p from a 95% interval (one-sided where the lower end is 0)."""
    if low > 0:
        return (math.log(high) - math.log(low)) / (2 * 1.96)
    return (math.log(high) - math.log(fraction)) / 1.96


def fit_decay(
    deltas: Sequence[float], fractions: Sequence[float], ci_lows: Sequence[float], ci_highs: Sequence[float]
) -> DecayFit:
    """Weighted least squares of log p on (1, log δ, -1/δ), weights from the intervals.

    Points with p = 0 are left out; at least three remain or ValueError. With more than three points the
    covariance is scaled by the reduced χ² when that exceeds 1, and intervals use Student's t.
    """
    rows = [(d, p, lo, hi) for d, p, lo, hi in zip(deltas, fractions, ci_lows, ci_highs, strict=True) if p > 0]
    if len(rows) < 3:
        raise ValueError(f"the decay fit needs at least 3 deltas with a nonzero fraction; got {len(rows)}")
    d, p, lo, hi = (np.array(col, dtype=float) for col in zip(*rows))
    sigma = np.array([_sigma_log(*row) for row in zip(p, lo, hi)])
    sigma = np.maximum(sigma, 1e-6)
    X = np.column_stack([np.ones_like(d), np.log(d), -1.0 / d])
    y = np.log(p)
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
