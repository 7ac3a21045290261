"""Rare-event estimation of Theorem 1's bad-set measure, following the proof's structure.

For the pair (l, j) — by symmetry j = 1, written neuron 0 here — condition on every parameter but b_0.
As a function of b_0 the gradients are explicit: with ψ = b_0 k/w_0,

    D(k; b_0) = E(k) + c(k) e^{iψ},   E = ĥ_others(k) - f̂(k),   c = -iπ a_0 / (|w_0| sinh z),
    ∂L(k)/∂θ_l0 = T_l(k; b_0) / sinh z,   T_l(k; b_0) = Re[(conj(E) e^{iψ} + conj(c)) P_l(k; b_0)]

with P_l the sympy-reduced gradient (linear in b_0). The bad set in b_0 is {|T_l(k1)| ≤ ε |T_l(k2)|},
ε = |sinh z1 / sinh z2| ≈ e^{-π(k2-k1)/(2|w_0|)}: thin windows around the zeros b_n of T_l(k1). Their total
length ℓ is measured exactly — window edges by bisection where the window is wide enough for float64, the
first-order length 2ε|T2(b_n)|/|T1'(b_n)| (relative error below 1e-7) in log space where it is not, and
in 80-digit mpmath where T2(b_n) itself nearly vanishes (zeros of the k1 and k2 factors that coincide).
Given the rest, b_0 is uniform on [-R, R], so ℓ/(2R) is the exact conditional probability.

The rest is sampled with (u, t) = (|w_0|/δ, share of the remaining radius) drawn from a piecewise-constant
proposal built from the leading-order windows (each tilted by its e^{-rate/(δu)}), mixed with the true law
and guided by the bad points of a plain pilot (:func:`fptheory.numeric._importance.guide`), and the other
coordinates uniform given (u, t). The estimate mean(f/q · ℓ/(2R)) is unbiased; its interval is the
normal one from the weighted sample (relative standard error reported).

The union over all (l, j) uses p_∪ = Σ_j E[1_{U_j} / S] (S = number of neurons with some bad pair), which
by symmetry is m · E[f/q · ℓ_U/(2R) / S] with ℓ_U the merged windows of the three pairs of neuron 0 and S
evaluated at a point drawn from them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from scipy.special import logsumexp

from fptheory._checks import InputError
from fptheory.numeric._importance import (
    Proposal,
    draw_rest,
    guided_samples,
    log_inverse_disc,
    make_estimate,
    mean_ci,
    t_grid,
    t_mid,
    u_grid,
)
from fptheory.numeric._sets import PAIR_NAMES, Estimate, Setting, bad_pairs
from fptheory.numeric._stable import log_sum_exp
from fptheory.numeric._windows import check_linear_in_b, leading_order_windows, log_eps, log_floor, window_lengths

__all__ = ["rare_estimate", "RareSample"]

@dataclass(frozen=True)
class RareSample:
    """Log contributions of one sample: per pair (a, w, b) and for neuron 0's union divided by S."""

    log_pairs: np.ndarray
    log_union: float


@cache
def _initial_proposal(setting: Setting, delta: float, t_bins: int = 48) -> Proposal:
    """Proposal over (u, t) built from the leading-order windows: bin (i, j) gets mass
    f(u) g(t) Σ_windows e^{-c_n/(δ u)} [window admitted] (45% for all windows, 15% for each pair's own) and
    10% the true law f(u) g(t)."""
    dim = 3 * setting.m
    u_edges, u_mid, log_fu = u_grid(dim, leading_order_windows(setting), delta)
    t_edges, log_gt = t_grid(dim, 1, t_bins)  # b_0 is integrated exactly
    log_true = log_fu[:, None] + log_gt[None, :]
    t_centre = t_mid(t_edges)[None, :]
    log_true_v = log_true + log_inverse_disc(u_mid, t_edges, 0.5)  # v = ℓ/(2R) and R ∝ sqrt((1-u²)(1-t))
    terms: dict[str, list[np.ndarray]] = {"a": [], "w": [], "b": []}
    for win in leading_order_windows(setting):
        admitted = (u_mid[:, None] * win.psi / setting.k1) ** 2 <= (1 - u_mid[:, None] ** 2) * (1 - t_centre)
        with np.errstate(divide="ignore"):
            terms[win.pair].append(np.where(admitted, log_true_v - win.rate / (delta * np.maximum(u_mid[:, None], 1e-300)), -np.inf))
    per_pair = [logsumexp(np.stack(terms[name]), axis=0) for name in PAIR_NAMES]
    union = logsumexp(np.stack(per_pair), axis=0)
    normalised = lambda x: np.exp(x - logsumexp(x))
    # the union's windows lead; each pair keeps a share of its own, so that a pair far below the union is
    # still sampled where its windows are (its estimate is reported too)
    prob = 0.45 * normalised(union) + sum(0.15 * normalised(x) for x in per_pair) + 0.1 * normalised(log_true)
    return Proposal(u_edges, t_edges, prob / prob.sum(), np.exp(log_true))


def _sample(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator) -> tuple:
    """One draw: a0, w0, R, the other neurons, and log(true density / proposal density)."""
    m = setting.m
    w0, y, R, log_weight = draw_rest(proposal, 3 * m, 1, delta, rng)
    # y = (a_0..a_{m-1}, w_1..w_{m-1}, b_1..b_{m-1}); b_0 is integrated exactly, given the rest uniform on [-R, R]
    others = (y[1:m], y[m : 2 * m - 1], y[2 * m - 1 :])
    return float(y[0]), w0, R, others, log_weight


def _rare_sample(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator) -> tuple[RareSample, float]:
    a0, w0, R, others, log_weight = _sample(setting, delta, proposal, rng)
    none = RareSample(np.full(3, -np.inf), -np.inf)
    if R <= 0 or log_eps(setting, w0) < log_floor(setting, delta, 1):
        return none, log_weight
    windows = window_lengths(setting, a0, w0, others, R)
    log_len = windows.log_lengths
    if not np.isfinite(log_len).any():
        return none, log_weight
    merged, narrow_all = windows.union()
    wide_total = sum(hi - lo for lo, hi in merged)
    parts = ([math.log(wide_total)] if wide_total > 0 else []) + list(narrow_all[:, 1] if narrow_all.size else [])
    log_union = log_sum_exp(parts)
    # a point of the union, chosen ∝ length, for S = number of neurons with a bad pair there
    weights = np.exp(np.array(parts) - log_union)
    pick = rng.choice(len(parts), p=weights / weights.sum())
    if wide_total > 0 and pick == 0:
        lengths = np.array([hi - lo for lo, hi in merged])
        lo, hi = merged[rng.choice(len(merged), p=lengths / lengths.sum())]
        b0 = rng.uniform(lo, hi)
    else:
        b0 = narrow_all[pick - (1 if wide_total > 0 else 0), 0]
    S = 1
    if setting.m > 1:
        a_full = np.concatenate([[a0], others[0]])[None]
        w_full = np.concatenate([[w0], others[1]])[None]
        b_full = np.concatenate([[b0], others[2]])[None]
        S += int(np.count_nonzero(bad_pairs(setting, a_full, w_full, b_full)[:, 0, 1:].any(axis=0)))
    log_2R = math.log(2 * R)
    return RareSample(log_len - log_2R, log_union - log_2R - math.log(S)), log_weight


def rare_estimate(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Theorem 1's bad fraction ``μ(∪_lj Q_lj ∩ B_δ)/μ(B_δ)`` (Xu et al. 2020, arXiv:1901.06523, Theorem 1; docs/theory.md §6), by
    conditioning on b_0 (its bad set measured exactly, :func:`fptheory.numeric.window_lengths`) and importance
    sampling the rest.

    Args:
        setting: a Theorem 1 :class:`Setting` (k1 < k2, m, f̂(k1), f̂(k2)).
        delta: the ball's radius, with π(k2-k1)/(2δ) ≤ 5000 (the validated range; ``InputError`` beyond).
        samples: number of importance draws (≥ 2), after a plain pilot of 20,000 to 200,000 points
            (:func:`fptheory.numeric._importance.plain_pilot`) that guides the proposal and is not averaged.
        seed: in [0, 2^32).
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate`: ``fraction`` (the union; ``log10_fraction`` and ``log10_ci`` also where it
        underflows), a normal 95% interval, ``rel_se``, the weights' ``ess``, ``max_share`` and ``pareto_k``
        (with a ``warning`` when they make the interval doubtful), and ``per_pair`` (the fraction of each single
        pair Q_lj, equal for all j; ``per_pair["sum"]`` = m Σ_l).
    """
    if setting.theorem != 1:
        raise InputError("rare_estimate covers Theorem 1; Theorem 2 has rare_estimate_theorem2 (fptheory.numeric._ellipses)")
    check_linear_in_b()

    def draw(proposal: Proposal, rng: np.random.Generator) -> np.ndarray:
        sample, log_weight = _rare_sample(setting, delta, proposal, rng)
        return np.append(sample.log_pairs, sample.log_union) + log_weight

    values = guided_samples(setting, delta, samples, seed=seed, initial=_initial_proposal, integrated=1, draw=draw,
                            progress=progress)
    log_pairs, log_union = values[:, :3], values[:, 3]
    per_pair: dict[str, Any] = {}
    for l, name in enumerate(PAIR_NAMES):
        lm, _, _, pair_rel = mean_ci(log_pairs[:, l])
        per_pair[name] = math.exp(lm)
        per_pair[f"{name}_rel_se"] = pair_rel if math.isfinite(pair_rel) else None
    per_pair["sum"] = setting.m * sum(per_pair[name] for name in PAIR_NAMES)
    return make_estimate(delta, samples, setting.m, log_union, per_pair)
