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
coordinates uniform given (u, t). The estimate mean(f/q · ℓ/(2R)) is unbiased; its 95% interval is
the weighted sample's, corrected for the values' skewness (:func:`fptheory.numeric._importance.skew_corrected_interval`:
a broad set that the proposal underweights makes them right-skewed, and the normal interval then misses above
it; the relative standard error s/(√n x̄) is reported as well).

The union over all (l, j) uses p_∪ = Σ_j E[1_{U_j} / S] (S = number of neurons with some bad pair), which
by symmetry is m · E[f/q · ℓ_U/(2R) / S] with ℓ_U the merged windows of the three pairs of neuron 0 and S
evaluated at a point drawn from them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from scipy.special import logsumexp

from fptheory._checks import InputError
from fptheory.numeric._bad_sets import bad_pairs
from fptheory.numeric._importance import (
    Proposal,
    draw_rests,
    guided_samples,
    log_inverse_disc,
    make_estimate,
    mean_ci,
    t_grid,
    t_mid,
    u_grid,
)
from fptheory.numeric._setting import PAIR_NAMES, Estimate, Setting
from fptheory.numeric._windows import _log_add_at, check_linear_in_b, leading_order_windows, log_eps, log_floor, window_lengths_batch

__all__ = ["rare_estimate"]

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


def _pick(s: np.ndarray, log_weight: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """For each of n samples, one of its items (rows where ``s`` equals the sample, ``s`` ascending) drawn ∝
    exp(log_weight), the weights of a sample adding up to 1 (to rounding): the row's index; -1 for a sample
    without items."""
    u = rng.random(n)
    if not s.size:
        return np.full(n, -1)
    weight = np.exp(log_weight)
    cumulative = np.cumsum(weight)
    first = np.searchsorted(s, np.arange(n), side="left")
    last = np.searchsorted(s, np.arange(n), side="right")  # one past the sample's last item
    before = np.where(first > 0, cumulative[np.maximum(first - 1, 0)], 0.0)
    total = np.where(last > first, cumulative[np.maximum(last - 1, 0)] - before, 0.0)
    chosen = np.searchsorted(cumulative, before + u * total, side="left")
    return np.where(last > first, np.clip(chosen, first, last - 1), -1)


def _rare_batch(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` draws: per draw, log(f/q) plus log of each pair's conditional fraction ℓ_l/(2R) (a, w, b) and of
    the union's ℓ_U/(2R S), shape (count, 4) (-inf where the set is empty or the draw is skipped)."""
    m = setting.m
    w0, y, R, log_weight = draw_rests(proposal, 3 * m, 1, delta, count, rng)
    # y = (a_0..a_{m-1}, w_1..w_{m-1}, b_1..b_{m-1}); b_0 is integrated exactly, given the rest uniform on [-R, R]
    a0, others = y[:, 0], (y[:, 1:m], y[:, m : 2 * m - 1], y[:, 2 * m - 1 :])
    out = np.full((count, 4), -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):  # w0 = 0 (u drawn at a bin's edge 0) is skipped
        live = np.flatnonzero((R > 0) & (log_eps(setting, w0) >= log_floor(setting, delta, 1)))
    if not live.size:
        return out
    a0, w0, R = a0[live], w0[live], R[live]
    rest = tuple(x[live] for x in others)
    windows = window_lengths_batch(setting, a0, w0, rest, R)
    (ms, lo, hi), (ts, centre, log_thin) = windows.union()
    n = live.size
    wide = np.zeros(n)
    np.add.at(wide, ms, hi - lo)
    with np.errstate(divide="ignore"):
        log_union = _log_add_at(np.log(wide), ts, log_thin)
        # a point of the union, chosen ∝ length, for S = number of neurons with a bad pair there
        item_s = np.concatenate([ms, ts])
        order = np.argsort(item_s, kind="stable")
        item_log = np.concatenate([np.log(hi - lo), log_thin]) - log_union[item_s]
    pick = _pick(item_s[order], item_log[order], n, rng)
    inside = rng.uniform(size=n)
    chosen = np.flatnonzero(pick >= 0)
    item = order[pick[chosen]]
    on_wide = item < ms.size
    b0 = np.zeros(n)
    b0[chosen[on_wide]] = lo[item[on_wide]] + inside[chosen[on_wide]] * (hi - lo)[item[on_wide]]
    b0[chosen[~on_wide]] = centre[item[~on_wide] - ms.size]
    S = np.ones(n)
    if m > 1:
        full = [np.column_stack([first, rest]) for first, rest in zip((a0, w0, b0), rest)]
        S += np.count_nonzero(bad_pairs(setting, *full)[:, :, 1:].any(axis=0), axis=1)
    log_2R = np.log(2 * R)
    out[live, :3] = windows.log_lengths() - log_2R[:, None]
    out[live, 3] = log_union - log_2R - np.log(S)
    return out + log_weight[:, None]


def rare_estimate(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    backend: str = "numpy",
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
        backend: "numpy", or "jax": the pilot's points drawn and decided in jitted float64 batches on all local JAX
            devices, identical on one and several devices (a different sample from numpy's, so a different
            estimate, equal in law); the draws stay numpy's.
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate`: ``fraction`` (the union; ``log10_fraction`` and ``log10_ci`` also where it
        underflows), a 95% interval corrected for skewness (wider above), ``rel_se`` (s/(√n x̄)), the weights'
        ``ess``, ``max_share`` and ``pareto_k``
        (with a ``warning`` when they make the interval doubtful), and ``per_pair`` (the fraction of each single
        pair Q_lj, equal for all j; ``per_pair["sum"]`` = m Σ_l).
    """
    if setting.theorem != 1:
        raise InputError("rare_estimate covers Theorem 1; Theorem 2 has rare_estimate_theorem2 (fptheory.numeric._rare_theorem2)")
    check_linear_in_b()

    def draw(proposal: Proposal, rng: np.random.Generator, count: int) -> np.ndarray:
        return _rare_batch(setting, delta, proposal, rng, count)

    values = guided_samples(setting, delta, samples, seed=seed, initial=_initial_proposal, integrated=1, draw=draw,
                            progress=progress, backend=backend)
    log_pairs, log_union = values[:, :3], values[:, 3]
    per_pair: dict[str, Any] = {}
    for l, name in enumerate(PAIR_NAMES):
        lm, _, _, pair_rel = mean_ci(log_pairs[:, l])
        per_pair[name] = math.exp(lm)
        per_pair[f"{name}_rel_se"] = pair_rel if math.isfinite(pair_rel) else None
    per_pair["sum"] = setting.m * sum(per_pair[name] for name in PAIR_NAMES)
    return make_estimate(delta, samples, setting.m, log_union, per_pair)
