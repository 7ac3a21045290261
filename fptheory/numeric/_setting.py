"""The setting of Theorems 1 and 2 (which theorem, k1 < k2, the width m, f̂ at both frequencies), an estimate of a
set's measure in the parameter ball, and the ranges of δ (and, for the jax counter, of k and f̂) where the estimators
can be trusted.

Setting (docs/theory.md §4-5): a two-layer tanh network with m neurons, θ = (a_j, w_j, b_j)_j uniform in the
ball B_δ ⊂ R^{3m}, target values f̂(k1), f̂(k2) at two frequencies 0 < k1 < k2.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fptheory._checks import InputError, as_finite
from fptheory._json import jsonable

__all__ = ["Setting", "Estimate", "PAIR_NAMES", "check_delta", "check_jax_range", "split_parameters"]

PAIR_NAMES = ("a", "w", "b")

#: The plain estimator's range: δ ≥ k2 · 1e-280, so that a uniform point of B_δ has |k/w| ≤ 1e300 (the stable
#: evaluator's float64 range) except with probability about 1e-20.
PLAIN_MAX_K_OVER_DELTA = 1e280
#: The rare-event estimators' validated range: π(k2-k1)/(2δ) ≤ 5000 (fractions down to about e^{-5000}·…;
#: their weights' diagnostics stay sound there, tests/test_rare*.py).
RARE_MAX_EXPONENT = 5000.0
#: The jax counter's range. :mod:`fptheory.numeric._fused` forms ĥ - f̂ and its products with the reduced gradients
#: in plain float64, for speed; the log-domain numpy counter has no such range. With δ, |f̂(k_i)| in [1e-20, 1e20]
#: and k1, k2 in [1e-20, 1e4], the products stay between about 1e-100 and 1e100 (their squares in Theorem 2 below
#: 1e200), a neuron's ĥ_j that underflows is below f̂'s rounding, and the phase b·k/w passes 2^50 (where
#: double-double reduction ends) with probability below about 1e-11 per neuron. And since the kernel cancels each
#: neuron's own term of conj(ĥ) e^{iψ_j} in float64 (a residue of 1e-16 |ĥ_j|), |f̂(k_i)| must be at least 1e-6 of
#: |ĥ|'s bound 2mδ/k_i. Outside, it disagreed with the numpy counter on up to 4/5 of the samples
#: (tests/test_measure.py).
JAX_RANGE = (1e-20, 1e20)
JAX_MAX_K = 1e4
JAX_FHAT_OVER_HHAT = 1e-6


def check_jax_range(setting: Setting, delta: float) -> None:
    """Refuse (``InputError``) a δ, k1, k2 or f̂ outside the jax counter's range (``JAX_RANGE``, ``JAX_MAX_K``,
    ``JAX_FHAT_OVER_HHAT``), in one line."""
    low, high = JAX_RANGE
    ranges = [("delta", delta, high), ("k1", setting.k1, JAX_MAX_K), ("k2", setting.k2, JAX_MAX_K)]
    for name, value, top in ranges:
        if not low <= value <= top:
            raise InputError(f"{name} = {value:g} is outside the jax counter's range: it must lie between {low:g} and "
                             f"{top:g} with backend 'jax' (backend 'numpy' has no such range)")
    for name, k in (("fhat1", setting.k1), ("fhat2", setting.k2)):
        fhat = complex(getattr(setting, name))
        bound = 2 * setting.m * delta / k  # |ĥ(k)| ≤ Σ_j π|a_j|/(|w_j| |sinh z_j|) ≤ Σ_j 2|a_j|/k
        floor = max(low, JAX_FHAT_OVER_HHAT * bound)
        if not floor <= abs(fhat) <= high:
            raise InputError(f"{name} = {fhat:g} is outside the jax counter's range: |{name}| must lie between "
                             f"{floor:.3g} (1e-20, and 1e-6 of |ĥ|'s bound 2mδ/k = {bound:.3g}) and {high:g} with "
                             "backend 'jax' (backend 'numpy' has no such range)")


def check_delta(setting: Setting, delta: Any, method: str, backend: str = "numpy") -> float:
    """Refuse (``InputError``) a δ outside the range where ``method`` ('plain' or 'rare') can be trusted.

    Args:
        setting: the theorem's setting.
        delta: the ball's radius δ, a real number (Python or numpy).
        method: "plain" or "rare".
        backend: "numpy" or "jax"; the jax counter (plain, and the rare estimators' plain pilot) also needs δ,
            k1, k2 and f̂'s parts in ``JAX_RANGE`` (:func:`check_jax_range`).

    Returns:
        δ as a Python float; raises ``InputError`` naming the allowed range of δ otherwise.
    """
    if not (isinstance(delta, numbers.Real) and not isinstance(delta, (bool, np.bool_))
            and math.isfinite(float(delta)) and float(delta) > 0):
        raise InputError(f"delta must be a finite number > 0; got {delta!r}")
    delta = float(delta)
    if method == "plain" and setting.k2 / delta > PLAIN_MAX_K_OVER_DELTA:
        raise InputError(f"delta = {delta:g} is below the plain estimator's range: δ must be at least k2 · 1e-280 = "
                         f"{setting.k2 / PLAIN_MAX_K_OVER_DELTA:.3g} (the fraction there is 0 to every digit float64 has)")
    if method == "rare" and setting.predicted_c / delta > RARE_MAX_EXPONENT:
        raise InputError(f"delta = {delta:g} is below the rare-event estimators' validated range: π(k2-k1)/(2δ) must be "
                         f"at most {RARE_MAX_EXPONENT:g}, i.e. δ ≥ {setting.predicted_c / RARE_MAX_EXPONENT:.4g}")
    if backend == "jax":
        check_jax_range(setting, delta)
    return delta


@dataclass(frozen=True)
class Setting:
    """Which theorem, the two frequencies, the width m and the target's two transform values."""

    theorem: int
    k1: float
    k2: float
    m: int
    fhat1: complex = 1.0
    fhat2: complex = 1.0

    def __post_init__(self) -> None:
        if self.theorem not in (1, 2):
            raise InputError(f"theorem must be 1 or 2; got {self.theorem!r}")
        for name in ("k1", "k2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a finite number > 0; got {value!r}")
        if not self.k1 < self.k2:
            raise InputError(f"k1 must be smaller than k2 (0 < k1 < k2); got k1 = {self.k1}, k2 = {self.k2}")
        if not isinstance(self.m, int) or isinstance(self.m, bool) or self.m < 1:
            raise InputError(f"m (number of neurons) must be an integer >= 1; got {self.m!r}")
        for name in ("fhat1", "fhat2"):
            as_finite(name, complex(getattr(self, name)), complex_ok=True)
        if self.fhat1 == 0:
            raise InputError("fhat1 must be nonzero: the theorems need |f̂(k1)| > 0")
        if self.theorem == 2 and self.fhat2 == 0:
            raise InputError("fhat2 must be nonzero for Theorem 2 (the target has exactly two frequencies)")

    @property
    def predicted_c(self) -> float:
        """The proof's decay constant c = π(k2 - k1)/2 of Theorem 1 (docs/theory.md §4)."""
        return math.pi * (self.k2 - self.k1) / 2


#: Above this γ̂/√n of the weighted values (sample skewness over the root of the sample count) the skewness-corrected
#: interval (Hall 1992, first order in γ/√n) no longer covers at its nominal 95%: on lognormal laws its coverage was
#: 0.943-0.952 where the median γ̂/√n was at most 0.18, and 0.80-0.93 where it was 0.28 or more
#: (benchmarks/skew_coverage.py, 2,000 samples per law).
SKEW_WARN = 0.25


@dataclass(frozen=True)
class Estimate:
    """A measured fraction μ(set ∩ B_δ)/μ(B_δ) with its 95% interval.

    Rare-event estimates also carry the importance weights' diagnostics (:func:`fptheory.numeric._rare_theorem1.
    weight_diagnostics`): ``ess``, ``max_share`` and ``pareto_k``; ``warning`` says when they make the
    interval untrustworthy."""

    delta: float
    fraction: float
    ci_low: float
    ci_high: float
    samples: int
    method: str
    hits: int | None = None
    log10_fraction: float | None = None
    rel_se: float | None = None
    per_pair: dict[str, float] = field(default_factory=dict)
    ess: float | None = None
    max_share: float | None = None
    pareto_k: float | None = None
    log10_ci: tuple[float | None, float] | None = None
    skew: float | None = None  # γ̂/√n of the weighted values (rare-event estimates): the interval's skewness correction

    @property
    def log_interval(self) -> tuple[float, float | None, float] | None:
        """(ln p, ln of the interval's low end or None where it is 0, ln of its high end); None where p = 0."""
        if self.log10_fraction is None or self.log10_ci is None:
            return None
        ln10 = math.log(10)
        low = self.log10_ci[0] * ln10 if self.log10_ci[0] is not None else None
        return self.log10_fraction * ln10, low, self.log10_ci[1] * ln10

    @property
    def warning(self) -> str | None:
        """Why the interval may be too narrow (heavy-tailed weights, a few samples carrying the estimate, values too
        skewed for the interval's first-order skewness correction, or a rare-event estimate of 0: no draw found the
        set, so its interval [0, 0] bounds nothing)."""
        reasons = []
        if self.method == "rare" and self.fraction == 0:
            reasons.append("no importance draw found the set (0 here is no bound: the set may lie where the draws "
                           "do not look, or be smaller than they resolve)")
        if self.pareto_k is not None and self.pareto_k > 0.7:
            reasons.append(f"heavy-tailed weights (Pareto k̂ = {self.pareto_k:.2f} > 0.7)")
        if self.ess is not None and self.ess < 20:
            reasons.append(f"effective sample size {self.ess:.1f} < 20")
        if self.skew is not None and self.skew > SKEW_WARN:
            reasons.append(f"strongly skewed weighted values (γ̂/√n = {self.skew:.2f} > {SKEW_WARN})")
        return "; ".join(reasons) + ": the interval may be too narrow" if reasons else None

    def to_json(self) -> dict[str, Any]:
        return jsonable(self) | {"warning": self.warning}


def split_parameters(theta: Any, m: int) -> tuple[Any, Any, Any]:
    """θ of shape (n, 3m) ordered (a_1..a_m, w_1..w_m, b_1..b_m) → a, w, b of shape (n, m)."""
    return theta[:, :m], theta[:, m : 2 * m], theta[:, 2 * m :]
