"""The importance-sampling core both rare-event estimators share (docs/theory.md §6): a piecewise-constant
proposal over (u, t) — u = |w_0|/δ, t the share of the remaining radius taken by the other coordinates — its
grid, a plain Monte-Carlo pilot whose hits guide it where the leading order does not describe the set, the
weighted mean with its skewness-corrected interval, and the weights' diagnostics (effective sample size, largest share,
Pareto k̂)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from fptheory._checks import InputError, check_backend, check_seed
from fptheory._typing import Float
from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2
from fptheory.numeric._ball import chunks, log_coordinate_density, log_coordinate_normaliser, sample_ball, sphere_points
from fptheory.numeric._fused import bad_pairs_fused, bad_theorem2_fused
from fptheory.numeric._plain import ball_batch_jax, check_width, jax_cpu_chunk, plain_chunk
from fptheory.numeric._setting import Estimate, Setting, check_delta, split_parameters

if TYPE_CHECKING:
    from fptheory.numeric._windows import Window

__all__ = ["weight_diagnostics"]


@dataclass(frozen=True)
class Proposal:
    """Piecewise-constant proposal over (u, t): u = |w0|/δ and t = |y|²/(δ²(1 - u²)), y = the 3m - 2
    coordinates other than w0 and b0. Bin (i, j) has probability prob[i, j]; within it u and t are uniform."""

    u_edges: np.ndarray
    t_edges: np.ndarray
    prob: np.ndarray
    true: np.ndarray  # the true law's probability of each bin

    def log_density(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """log of the proposal's density of (u, t) in bins (i, j) (arrays of one shape)."""
        width = (self.u_edges[i + 1] - self.u_edges[i]) * (self.t_edges[j + 1] - self.t_edges[j])
        return np.log(self.prob[i, j] / width)

    @cached_property
    def cdf(self) -> np.ndarray:
        """The bins' cumulative probability (flattened), normalised as numpy's ``Generator.choice`` normalises it:
        ``cdf.searchsorted(rng.random(), side="right")`` draws the bin ``rng.choice(prob.size, p=prob.ravel())``
        draws, from the same stream, without choice's O(bins) checks of p at every draw."""
        cdf = self.prob.ravel().cumsum()
        return cdf / cdf[-1]


def log_inverse_disc(u_mid: np.ndarray, t_edges: np.ndarray, power: float) -> np.ndarray:
    """log of ((1-u²)(1-t))^{-power} at the bins' midpoints, shape (u bins, t bins): the conditional fraction's
    factor 1/R^{2·power} (R² = δ²(1-u²)(1-t) is the squared radius left to the integrated coordinates)."""
    return -power * (np.log1p(-u_mid**2)[:, None] + np.log1p(-t_mid(t_edges))[None, :])


def t_mid(t_edges: np.ndarray) -> np.ndarray:
    """Midpoints of the t bins; a single bin [0, 1] stands for t = 0 (no coordinates besides the integrated
    ones: Theorem 2 with m = 1)."""
    return 0.5 * (t_edges[:-1] + t_edges[1:]) if t_edges.size > 2 else np.zeros(1)


def u_grid(dim: int, windows: Sequence[Window] = (), delta: float = 1.0, power: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The proposals' bins of u = |w0|/δ, their midpoints, and log of the true probability of each bin (|w0| is
    one coordinate of the uniform ball in R^dim). Uniform, refined towards the shell u → 1, and below each
    window's admittance edge u_n = 1/sqrt(1 + (ψ/k1)²), where e^{-power·rate/(δu)} falls off on the scale
    λ = δu_n²/(power·rate): points u_n - λ·(1e-2 … 1e2), so that small δ does not squeeze the mass into one bin."""
    refine: list[Any] = []
    for win in windows:
        edge = 1 / math.sqrt(1 + (win.psi / win.k1) ** 2)
        scale = delta * edge**2 / (power * win.rate)
        refine.append(edge - scale * np.geomspace(1e-2, 1e2, 41))
        refine.append([edge])
    u_edges = np.concatenate([np.linspace(0, 1, 241), 1 - np.logspace(-15, -1, 160), *refine])
    u_edges = np.unique(u_edges[(u_edges >= 0) & (u_edges <= 1)])
    u_mid = 0.5 * (u_edges[:-1] + u_edges[1:])
    with np.errstate(divide="ignore"):
        log_fu = np.log(2) + log_coordinate_density(u_mid, dim, 1.0) + np.log(np.diff(u_edges))
    return u_edges, u_mid, log_fu


def t_grid(dim: int, integrated: int, t_bins: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """The proposals' bins of t and log of the true probability of each bin.

    Given w_0, the other ``dim - 1`` coordinates are uniform in a ball of radius ρ; ``integrated`` of them are
    integrated exactly, and t = |y|²/ρ² of the remaining p = dim - 1 - integrated follows Beta(p/2,
    integrated/2 + 1). Edges are spaced quadratically where that density is infinite at 0 (p < 2); with p = 0
    there is a single bin standing for t = 0."""
    from scipy.stats import beta as beta_dist

    p = dim - 1 - integrated
    if p == 0:
        return np.array([0.0, 1.0]), np.zeros(1)
    t_edges = np.linspace(0.0, 1.0, t_bins + 1) ** (2 if p < 2 else 1)
    return t_edges, np.log(np.maximum(np.diff(beta_dist.cdf(t_edges, p / 2, integrated / 2 + 1)), 1e-300))


@cache
def _log_normalisers(dim: int, integrated: int) -> tuple[float, float]:
    """log of the normalising constants of u's density (one coordinate of the unit ball in R^dim, folded to
    u = |x| ≥ 0) and of t's Beta(p/2, integrated/2 + 1) density, p = dim - 1 - integrated (p > 0)."""
    log_u = math.log(2) + log_coordinate_normaliser(dim)
    p = dim - 1 - integrated
    a, b = p / 2, integrated / 2 + 1
    log_t = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) if p > 0 else 0.0
    return log_u, log_t


def _xlogy(c: float, x: np.ndarray) -> np.ndarray:
    """c log x, 0 where c = 0 (as scipy's xlogy)."""
    if c == 0:
        return np.zeros_like(x)
    with np.errstate(divide="ignore"):
        return c * np.log(x)


def _xlog1py(c: float, x: np.ndarray) -> np.ndarray:
    """c log(1 + x), 0 where c = 0 (as scipy's xlog1py)."""
    if c == 0:
        return np.zeros_like(x)
    with np.errstate(divide="ignore"):
        return c * np.log1p(x)


def draw_rests(
    proposal: Proposal, dim: int, integrated: int, delta: float, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``count`` draws of everything but the ``integrated`` coordinates of neuron 0: w0 (count,), the other
    p = dim - 1 - integrated coordinates y (count, p), uniform given w0 and t, the radius R (count,) left to the
    integrated ones, and log(true density / proposal density) of (u, t) (count,). u = |w0|/δ and t are uniform
    within the drawn bin. The densities' normalisers are cached; no scipy call per draw. The stream is used
    in the order bins, u, signs, t, directions: with count = 1, the bin is the one ``rng.choice(bins, p=prob)``
    draws, then ``rng.uniform`` for u, sign and t (tests/test_importance.py checks it)."""
    flat = proposal.cdf.searchsorted(rng.random(count), side="right")
    i, j = np.divmod(flat, proposal.prob.shape[1])
    u = rng.uniform(proposal.u_edges[i], proposal.u_edges[i + 1])
    w0 = delta * u * np.where(rng.uniform(size=count) < 0.5, 1.0, -1.0)
    log_u, log_t = _log_normalisers(dim, integrated)
    log_true = log_u + _xlogy((dim - 1) / 2, 1 - u * u)  # the folded coordinate density (log_coordinate_density)
    rho2 = delta**2 * (1 - u * u)
    p = dim - 1 - integrated
    if p == 0:
        t, y = np.zeros(count), np.zeros((count, 0))
    else:
        t = rng.uniform(proposal.t_edges[j], proposal.t_edges[j + 1])
        log_true += log_t + _xlogy(p / 2 - 1, t) + _xlog1py(integrated / 2, -t)  # Beta(p/2, integrated/2 + 1)
        y = sphere_points(count, p, rng) * np.sqrt(rho2 * t)[:, None]
    R = np.sqrt(np.maximum(rho2 * (1 - t), 0.0))
    return w0, y, R, log_true - proposal.log_density(i, j)


@dataclass(frozen=True)
class PilotHits:
    """Where a plain Monte-Carlo pilot found the set: (u, t) of each neuron that carries a hit, with its weight
    (1/S for Theorem 1, S = neurons with a bad pair; 1 for Theorem 2's largest-|w| neuron), out of ``samples``
    (at most PILOT_KEEP of them, drawn at random where there are more)."""

    u: np.ndarray
    t: np.ndarray
    weight: np.ndarray
    samples: int
    fraction: float  # the plain estimate of the set's fraction: Σ weights / samples over all hits


#: The plain pilot: 20,000 uniform points of the ball, 180,000 more where they hit the set but fewer than
#: PILOT_ENOUGH times; its component of the proposal takes PILOT_SHARE once it has PILOT_ENOUGH hits (less
#: in proportion below). Its work grows with the width m: beyond PILOT_FULL_WIDTH neurons each stage draws
#: PILOT_FULL_WIDTH/m as many points (at least PILOT_MIN_POINTS), so that it stays about a second at any m.
PILOT_SIZES = (20_000, 180_000)
PILOT_FULL_WIDTH = 100
PILOT_MIN_POINTS = 200
PILOT_ENOUGH = 100
PILOT_KEEP = 2000
PILOT_SHARE = 0.5
DEFENSIVE = 0.1  # a further share of the true law wherever the pilot guides: weights f/q stay below 1/0.14


def pilot_sizes(m: int) -> tuple[int, ...]:
    """The pilot's stages for width m: PILOT_SIZES up to PILOT_FULL_WIDTH neurons, then in proportion to 1/m."""
    scale = min(1.0, PILOT_FULL_WIDTH / m)
    return tuple(max(PILOT_MIN_POINTS, int(size * scale)) for size in PILOT_SIZES)


def plain_pilot(setting: Setting, delta: float, rng: np.random.Generator, *, key: Any = None) -> PilotHits:
    """Uniform points of B_δ, and the (u, t) coordinates of the neurons that carry the set where they hit it.

    For neuron j, u = |w_j|/δ and t = |y|²/(δ² - w_j²) with y every coordinate but w_j and the integrated ones
    (b_j for Theorem 1, a_j and b_j for Theorem 2): the coordinates of the rare estimators' proposals. Bad
    points of a plain sample are exact draws from the optimal (zero-variance) importance density, so their
    (u, t) show where a proposal should put its mass, whatever the leading order says.

    The points come from ``rng`` and are decided by the reference evaluator (numpy). With a JAX ``key`` they are
    drawn and decided in jitted float64 batches of :func:`fptheory.numeric._plain.jax_cpu_chunk` points by the plain
    counter's kernel, split across all local devices (:func:`_jax_pilot_batch`); the batches have the same size on
    every kind of device, so a seed draws the same points, to rounding, on a CPU and on a GPU, and ``rng`` only
    picks the subset kept."""
    m = setting.m
    if key is None:
        def stage(size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            for count in chunks(size, plain_chunk(m)):
                yield _pilot_hits(setting, sample_ball(count, 3 * m, delta, rng), delta)
    else:
        import jax

        batch = jax_cpu_chunk(m)

        def stage(size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            nonlocal key
            for count in chunks(size, batch):  # a short last batch: the first points of a full one
                with jax.enable_x64(True):  # float64 in its own scope; the caller's jax settings stay as they are
                    key, sub = jax.random.split(key)
                    carrier, u, t, weight = _jax_pilot_batch(setting, batch)(sub, delta)
                    i, j = np.nonzero(np.asarray(carrier)[:count])
                    found = np.asarray(u)[i, j], np.asarray(t)[i, j], np.asarray(weight)[i, j]
                yield found  # outside the scope: the caller's code between batches runs under its own settings

    us, ts, weights, done = [], [], [], 0
    for size in pilot_sizes(m):
        for u_hit, t_hit, weight_hit in stage(size):
            us.append(u_hit)
            ts.append(t_hit)
            weights.append(weight_hit)
        done += size
        hits = sum(x.size for x in us)
        if hits == 0 or hits >= PILOT_ENOUGH:
            break
    u, t, weight = np.concatenate(us), np.concatenate(ts), np.concatenate(weights)
    fraction = float(weight.sum() / done)
    if u.size > PILOT_KEEP:  # a random subset bounds the kernel density's work (hits × bins) at any δ and m
        keep = rng.choice(u.size, PILOT_KEEP, replace=False)
        u, t, weight = u[keep], t[keep], weight[keep]
    return PilotHits(u, t, weight, done, fraction)


def _pilot_hits(setting: Setting, theta: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, t, weight) of each neuron that carries the set at the points ``theta`` (n, 3m), by the reference
    evaluator, in the order of (point, neuron)."""
    a, w, b = split_parameters(theta, setting.m)
    if setting.theorem == 1:
        carrier = np.asarray(bad_pairs(setting, a, w, b)).any(axis=0)
        weight = 1.0 / np.maximum(carrier.sum(axis=1, keepdims=True), 1)
        integrated_sq = b * b
    else:
        largest = np.abs(w) == np.abs(w).max(axis=1, keepdims=True)
        carrier = np.asarray(bad_theorem2(setting, a, w, b))[:, None] & largest
        weight = np.ones((theta.shape[0], 1))
        integrated_sq = a * a + b * b
    i, j = np.nonzero(carrier)
    wij = w[i, j]
    rest = np.sum(theta[i] ** 2, axis=1) - wij**2 - integrated_sq[i, j]
    t = np.clip(rest / np.maximum(delta**2 - wij**2, 1e-300), 0.0, 1.0)
    return np.abs(wij) / delta, t, np.broadcast_to(weight, carrier.shape)[i, j]


@cache
def _jax_pilot_batch(setting: Setting, size: int) -> Callable[[Any, Any], tuple[Any, Any, Any, Any]]:
    """The pilot's jitted batch: ``hits(key, delta)`` draws ``size`` points of B_δ, split across all local devices
    (:func:`fptheory.numeric._plain.ball_batch_jax`), decides them with the plain counter's kernel
    (:mod:`fptheory.numeric._fused`: the reference's verdicts) and returns, per point and neuron, whether the neuron
    carries the set and its u, t and weight as :func:`_pilot_hits` computes them, each (size, m). Called with
    float64 enabled."""
    import jax
    import jax.numpy as jnp

    m = setting.m
    draw = ball_batch_jax(3 * m, size)
    fhats = complex(setting.fhat1), complex(setting.fhat2)

    @jax.jit
    def hits(key: Any, delta: Any) -> tuple[Any, Any, Any, Any]:
        theta = draw(key, delta)
        a, w, b = split_parameters(theta, m)
        if setting.theorem == 1:
            carrier = bad_pairs_fused(setting.k1, setting.k2, *fhats, a, w, b).any(axis=0)
            weight = 1.0 / jnp.maximum(carrier.sum(axis=1, keepdims=True), 1)
            integrated_sq = b * b
        else:
            largest = jnp.abs(w) == jnp.abs(w).max(axis=1, keepdims=True)
            carrier = bad_theorem2_fused(setting.k1, setting.k2, *fhats, a, w, b)[:, None] & largest
            weight = jnp.ones((size, 1))
            integrated_sq = a * a + b * b
        rest = jnp.sum(theta * theta, axis=1, keepdims=True) - w * w - integrated_sq
        t = jnp.clip(rest / jnp.maximum(delta**2 - w * w, 1e-300), 0.0, 1.0)
        return carrier, jnp.abs(w) / delta, t, jnp.broadcast_to(weight, w.shape)

    return hits


def _box_overlap(points: np.ndarray, weights: np.ndarray, cdf_edges: np.ndarray) -> np.ndarray:
    """Share of each point's box (width by Scott's rule, in CDF coordinates, clipped to [0, 1]) in each bin,
    shape (points, bins)."""
    sd = math.sqrt(np.cov(points, aweights=weights)) if points.size > 1 else 0.25
    n_eff = weights.sum() ** 2 / np.sum(weights**2)
    h = min(1.0, max(2e-3, math.sqrt(12) * sd * n_eff ** (-1 / 6)))
    lo = np.clip(points - h / 2, 0.0, 1.0 - h)[:, None]
    hi = lo + h
    overlap = np.clip(np.minimum(hi, cdf_edges[None, 1:]) - np.maximum(lo, cdf_edges[None, :-1]), 0.0, None)
    return overlap / h


def guide(proposal: Proposal, pilot: PilotHits, integrated: int, dim: int) -> Proposal:
    """The proposal mixed with the plain pilot's hits: a box-kernel density of the hits' (u, t) in the
    coordinates where the true law is uniform (its CDFs), so that within each box the mass follows the true
    law; it takes PILOT_SHARE · min(1, hits / PILOT_ENOUGH) of the mass. No hits: the proposal unchanged."""
    from scipy.stats import beta as beta_dist

    if pilot.u.size == 0:
        return proposal
    u_cdf = np.concatenate([[0.0], np.cumsum(proposal.true.sum(axis=1))])
    u_cdf /= u_cdf[-1]
    u_points = np.interp(pilot.u, proposal.u_edges, u_cdf)
    mass = _box_overlap(u_points, pilot.weight, u_cdf)  # (hits, u bins)
    p = dim - 1 - integrated
    if p > 0:
        t_cdf = beta_dist.cdf(proposal.t_edges, p / 2, integrated / 2 + 1)
        t_mass = _box_overlap(beta_dist.cdf(pilot.t, p / 2, integrated / 2 + 1), pilot.weight, t_cdf)
        hit_prob = (mass * pilot.weight[:, None]).T @ t_mass
    else:
        hit_prob = (mass * pilot.weight[:, None]).sum(axis=0)[:, None]
    share = PILOT_SHARE * min(1.0, pilot.u.size / PILOT_ENOUGH)
    true = proposal.true / proposal.true.sum()
    prob = (1 - share - DEFENSIVE) * proposal.prob + share * hit_prob / hit_prob.sum() + DEFENSIVE * true
    return dataclasses.replace(proposal, prob=prob / prob.sum())


Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


def skew_corrected_interval(x: Float[np.ndarray, " n"], z: float = Z95) -> tuple[float, float, float]:
    """The mean of x with a two-sided interval at normal quantile ``z`` that allows for the sample's skewness:
    (mean, low, high).

    A weighted mean whose values are right-skewed (an importance sample that rarely hits a region the proposal
    underweights) is low when its sample standard deviation s is low, so the normal interval x̄ ± z s/√n misses
    the truth above it far more often than the nominal 2.5%. For the studentized mean T = √n (x̄ - μ)/s,
    P(T ≤ t) = Φ(t) + γ (2t² + 1) φ(t)/(6√n) + O(1/n) with γ the skewness of x (Edgeworth). Hall's
    transformation (P. Hall 1992, "On the removal of skewness by transformation", J. R. Statist. Soc. B 54(1),
    221-228)

        g(T) = T + a T² + a² T³/3 + b = ((1 + aT)³ - 1)/(3a) + b,   a = γ/(3√n),  b = γ/(6√n),

    is monotone and N(0, 1) to O(1/n), so μ ∈ [x̄ - (s/√n) g⁻¹(z), x̄ - (s/√n) g⁻¹(-z)] with
    g⁻¹(q) = ((1 + 3a(q - b))^{1/3} - 1)/a, γ estimated by the sample's m₃/m₂^{3/2}. With γ = 0 it is the normal
    interval; with γ > 0 it reaches further up than down. (Tested for coverage on skewed laws drawn at random,
    tests/test_importance.py.)

    Args:
        x: the n ≥ 2 values, shape (n,).
        z: the normal quantile (1.96 for 95%).

    Returns:
        (mean, low, high); low may be negative (the caller clips).
    """
    n = x.size
    mean = float(x.mean())
    se = math.sqrt(float(np.mean((x - mean) ** 2)) / (n - 1))  # s/√n, s with ddof = 1
    gamma = sample_skewness(x) or 0.0
    a, b = gamma / (3 * math.sqrt(n)), gamma / (6 * math.sqrt(n))

    def g_inverse(q: float) -> float:
        u = 3 * a * (q - b)
        if a == 0:
            return q - b
        # (1 + u)^{1/3} - 1 without cancellation for small u (γ near 0); the real cube root beyond u = -1
        return (math.expm1(math.log1p(u) / 3) if abs(u) < 0.5 else float(np.cbrt(1 + u)) - 1) / a

    return mean, mean - se * g_inverse(z), mean - se * g_inverse(-z)


def sample_skewness(x: Float[np.ndarray, " n"]) -> float | None:
    """γ̂ = m₃/m₂^{3/2} of the values x (central sample moments); None where they are all equal."""
    centred = x - x.mean()
    m2 = float(np.mean(centred**2))
    return float(np.mean(centred**3)) / m2**1.5 if m2 > 0 else None


def _scaled(log_values: Float[np.ndarray, " n"]) -> tuple[float, Float[np.ndarray, " n"]] | None:
    """(top, exp(log_values - top)) with top the largest finite log value (non-finite ones give 0); None where
    none is finite."""
    finite = np.isfinite(log_values)
    if not finite.any():
        return None
    top = float(log_values[finite].max())
    return top, np.where(finite, np.exp(log_values - top), 0.0)


def mean_ci(log_values: Float[np.ndarray, " n"]) -> tuple[float, float, float, float]:
    """Mean of exp(log_values) with its 95% interval (:func:`skew_corrected_interval`), in log-safe form:
    (log mean, low / mean, high / mean, relative standard error s/(√n mean)). The interval is
    mean · [low / mean, high / mean], the lower factor clipped at 0; with n = 1 or nothing hit, the factors are
    (0, inf) and the relative error inf."""
    n = log_values.size
    found = _scaled(log_values)
    if found is None:
        return -math.inf, 0.0, math.inf, math.inf
    top, scaled = found
    mean = scaled.mean()
    log_mean = top + math.log(mean)
    if n < 2:
        return log_mean, 0.0, math.inf, math.inf
    _, low, high = skew_corrected_interval(scaled)
    rel = float(scaled.std(ddof=1)) / math.sqrt(n) / mean
    return log_mean, max(0.0, float(low / mean)), float(high / mean), rel


def skew_index(log_values: Float[np.ndarray, " n"]) -> float | None:
    """γ̂/√n of x_i = exp(log_values): the sample skewness m₃/m₂^{3/2} over √n, the size of the first-order term
    that :func:`skew_corrected_interval` corrects (Edgeworth: P(T ≤ t) = Φ(t) + γ(2t² + 1)φ(t)/(6√n) + O(1/n)).
    Scale-free, so computed on exp(log_values - max). None with fewer than 2 values, nothing hit, or all equal."""
    found = _scaled(log_values)
    gamma = sample_skewness(found[1]) if found is not None and log_values.size >= 2 else None
    return None if gamma is None else gamma / math.sqrt(log_values.size)


def weight_diagnostics(log_values: Float[np.ndarray, " n"]) -> tuple[float | None, float | None, float | None]:
    """Diagnostics of an importance-sampling mean of x_i = exp(log_values): (ESS, max share, Pareto k̂).

    ESS = (Σx)²/Σx² is the number of equally weighted samples worth as much; the max share max x/Σx shows a
    single sample carrying the estimate. k̂ is the shape of a generalized Pareto distribution fitted (maximum
    likelihood, scipy) to the M = min(n/5, 3√n) largest x above the next one, as in Pareto-smoothed importance
    sampling (Vehtari, Simpson, Gelman, Yao, Gabry 2024, JMLR 25(72), arXiv:1507.02646): for k̂ < 1/2 the
    variance is finite and the interval sound; above 0.7 the estimate may be far off with a small
    reported error. None where nothing was hit (or, for k̂, where fewer than 5 tail values are nonzero).

    Args:
        log_values: the natural logs of the n weighted values x_i (-inf for a zero), shape (n,).

    Returns:
        (ESS, max share, k̂), each a float or None.
    """
    from scipy.stats import genpareto

    finite = np.isfinite(log_values)
    if not finite.any():
        return None, None, None
    x = np.where(finite, np.exp(log_values - log_values[finite].max()), 0.0)
    total = x.sum()
    ess, share = float(total**2 / np.sum(x * x)), float(x.max() / total)
    tail = int(min(x.size / 5, 3 * math.sqrt(x.size)))
    ordered = np.sort(x)
    excess = ordered[-tail:] - ordered[-tail - 1] if tail >= 5 else np.zeros(0)
    if np.count_nonzero(excess > 0) < 5:
        return ess, share, None
    shape, _, _ = genpareto.fit(excess / excess.max(), floc=0.0)
    return ess, share, float(shape)


def check_run(setting: Setting, delta: float, samples: int, backend: str = "numpy") -> float:
    """Refuse a bad backend, width (:func:`check_width`), δ (:func:`check_delta`) or sample count; return δ as a Python
    float."""
    check_backend(backend)
    check_width(setting.m, "rare")
    delta = check_delta(setting, delta, "rare", backend)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 2:
        raise InputError(f"samples must be an integer >= 2; got {samples!r}")
    return delta


#: Draws per call of a rare estimator's ``draw``: the batched window search (:func:`fptheory.numeric.window_lengths_batch`)
#: and ellipse areas run on this many samples at once, fewer for wide networks (DRAW_BATCH_NEURONS sample-neurons
#: at most), so that memory stays bounded at any width m.
DRAW_BATCH = 128
DRAW_BATCH_NEURONS = 1 << 16


def draw_batch(m: int) -> int:
    """Draws per batch for width m: DRAW_BATCH, fewer beyond DRAW_BATCH_NEURONS/DRAW_BATCH neurons (at least 1)."""
    return max(1, min(DRAW_BATCH, DRAW_BATCH_NEURONS // m))


def guided_samples(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    initial: Callable[[Setting, float], Proposal],
    integrated: int,
    draw: Callable[[Proposal, np.random.Generator, int], np.ndarray],
    progress: Callable[[int, int], None] | None,
    backend: str = "numpy",
) -> np.ndarray:
    """The run both rare estimators share: check the input, draw the plain pilot (:func:`plain_pilot`), mix its
    hits into the ``initial(setting, delta)`` proposal (:func:`guide`), then ``samples`` draws, :func:`draw_batch` at a
    time, of ``draw(proposal, rng, count)`` — the draws' weighted log contributions, shape (count, V), the last
    column the estimated set's — shape (samples, V). The proposal is fixed before any draw, so the mean is
    unbiased. With ``backend`` "jax" the pilot's points come from the JAX key of ``seed`` and are decided on all
    local devices (:func:`plain_pilot`); the draws stay numpy's."""
    delta = check_run(setting, delta, samples, backend)
    rng = np.random.default_rng(check_seed(seed))
    key = None
    if backend == "jax":
        import jax

        key = jax.random.PRNGKey(seed)
    proposal = guide(initial(setting, float(delta)), plain_pilot(setting, delta, rng, key=key), integrated, 3 * setting.m)
    rows, done = [], 0
    for count in chunks(samples, draw_batch(setting.m)):
        rows.append(draw(proposal, rng, count))
        done += count
        if progress:
            progress(done, samples)
    return np.concatenate(rows).reshape(samples, -1)


def make_estimate(delta: float, samples: int, m: int, log_values: np.ndarray, per_pair: dict | None = None) -> Estimate:
    """m · mean(exp(log_values)) with its 95% interval (:func:`mean_ci`: corrected for the values' skewness), as an
    Estimate (None where nothing was hit)."""
    log_mean, low, high, rel = mean_ci(log_values)
    log_total = log_mean + math.log(m)
    fraction = math.exp(log_total)
    ess, share, pareto_k = weight_diagnostics(log_values)
    finite = math.isfinite(log_total)
    return Estimate(
        delta=float(delta),
        fraction=fraction,
        ci_low=fraction * low,
        ci_high=fraction * high if finite and math.isfinite(high) else 0.0,
        samples=samples,
        method="rare",
        log10_fraction=log_total / math.log(10) if finite else None,
        log10_ci=((log_total + math.log(low)) / math.log(10) if low > 0 else None,
                  (log_total + math.log(high)) / math.log(10)) if finite and math.isfinite(high) else None,
        rel_se=rel if math.isfinite(rel) else None,
        per_pair=per_pair or {},
        ess=ess,
        max_share=share,
        pareto_k=pareto_k,
        skew=skew_index(log_values),
    )
