"""Rare-event estimation of Theorem 2's bad set ``{|∇L(k1)| < |∇L(k2)|}`` (gradient flow), by its structure.

Write neuron 0 for the neuron with the largest |w| (by symmetry p = m · P(bad and |w_0| = max_j |w_j|)) and
condition on everything but its (a_0, b_0), which are then uniform on a disc of radius R. Multiplying the
bad inequality by sinh²z1 (z = πk/(2w_0)), with ε = |sinh z1/sinh z2| ≈ e^{-π(k2-k1)/(2|w_0|)}:

    Σ_l T_l(k1; a, b)² < ε² Σ_l T_l(k2; a, b)² + sinh²z1 (N2 - N1),

with T_l the reduced gradients of neuron 0 (as in :mod:`fptheory.numeric._rare`) and N_k = |∇_{others} L(k)|².
The a and w gradients of a neuron vanish with its output weight (P_w, P_b ∝ a), so the left side is small
only near a = 0 and a zero b_n of ``T_a(k1; 0, b)``. There, to leading order, the left side is the
quadratic form ``(T' x + κ a)² + Q² a²`` (x = b - b_n, T' = ∂T_a/∂b, κ = ∂T_a/∂a, Q = |(T_w, T_b)|/a) and
the right side is the constant ``r² = ε² T_a(k2; 0, b_n)² + sinh²z1 (N2 - N1)`` (at a = 0, N_k does not
depend on b_0). The bad set near b_n is an ellipse of area

    π r² / (|T'| Q)          (the shear κ does not change the area),

so the conditional probability is Σ_n area_n/(πR²): squared window widths, hence a decay constant about
twice Theorem 1's. The area is computed in log space where the ellipse is thin (half-widths below 1e-7 of
the period and of R: relative error of the same order); where it is wide, it is measured by hit-or-miss
sampling of the exact set (:func:`fptheory.numeric._sets.bad_theorem2`) in a box around the ellipse, and
the rest of the disc by uniform points (counting only those outside every box), so the conditional
estimate is unbiased whether or not the leading order describes the set (:func:`bad_area`).

At a = 0 the a-gradient factor is ``|E||P_a| cos(ψ - χ)``, so the zeros b_n and the k2 factor there follow
in closed form from the phases χ_k = arg E_k - arg P_a; their base parts (f̂'s phases) are taken at 50
digits, so zeros of the k1 and k2 factors that coincide exactly (f̂ real and k2/k1 an integer, for
instance) give exactly a closed ellipse for m = 1, and for m > 1 one opened only by the other neurons'
tiny transforms. A closed zero gives no bad set at leading order: with r² = 0 both sides are quadratic
forms in (x, a) and the right one carries the factor ε², so the set shrinks to the point. Settings whose
zeros are all closed (f̂ real with k2/k1 = 2 or 3) can therefore have a bad fraction that this estimator
reports as 0 at small δ: nothing near the leading-order structure, and nothing among the disc samples.

The rest (|w_0|, and the other 3m - 3 coordinates y) is drawn from a piecewise-constant proposal over
(u = |w_0|/δ, t = |y|²/(δ²(1 - u²))) built from the leading-order ellipses and guided by the bad points of a
plain pilot (:func:`fptheory.numeric._importance.guide`), fixed before the importance draws; the weights f/q
make the estimate unbiased, with a 95% interval corrected for the values' skewness (Hall 1992).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import mpmath
import numpy as np
from scipy.special import logsumexp

from fptheory._checks import InputError
from fptheory.numeric._importance import (
    Proposal,
    draw_rest,
    guided_samples,
    log_inverse_disc,
    make_estimate,
    t_grid,
    t_mid,
    u_grid,
)
from fptheory.numeric._sets import Estimate, Setting, bad_theorem2
from fptheory.numeric._stable import log_abs_loss_gradient, log_sum_exp, reduced_gradient_powers
from fptheory.numeric._windows import (
    PERTURBATIVE,
    T,
    check_linear_in_b,
    leading_order_windows,
    log_eps,
    log_floor,
    mp_reduced,
    neuron,
)
from fptheory.symbolic._network import reduced_gradient

__all__ = ["Ellipse", "bad_ellipses", "bad_area", "rare_estimate_theorem2"]

_BOX = 2.5  # box half-widths, in units of the leading-order ellipse's bounding box
_BOX_POINTS = 256
_DISC_POINTS = 256


@dataclass(frozen=True)
class Ellipse:
    """The leading-order bad ellipse around (a, b) = (0, b_n): its log area and its bounding half-widths."""

    b_n: float
    log_area: float
    half_b: float
    half_a: float


def _log_others_sq(setting: Setting, k: float, fhat: complex, others: tuple) -> float:
    """log |∇_{others} L(k)|² at a_0 = 0 (neuron 0 then adds nothing to ĥ), -inf for m = 1."""
    if not len(others[0]):
        return -math.inf
    a_o, w_o, b_o = (np.asarray(v, dtype=float)[None] for v in others)
    logs = log_abs_loss_gradient(np.array([k]), a_o, w_o, b_o, np.array([complex(fhat)]))
    return log_sum_exp(2 * logs)


@cache
def _base_phases(setting: Setting, sign_w: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """χ_k⁰ = arg(-f̂(k)) - arg P_a(k) at 50 digits, for the sign of w (P_a depends on w alone: checked)."""
    from fptheory.symbolic._fourier import w as w_sym

    if not reduced_gradient()["a"].free_symbols <= {w_sym}:
        raise RuntimeError("P_a is expected to depend on w alone")
    with mpmath.workdps(50):
        out = []
        for k, fhat in ((setting.k1, setting.fhat1), (setting.k2, setting.fhat2)):
            p_a = mpmath.mpc(mp_reduced(0)(mpmath.mpf(k), 1, mpmath.mpf(sign_w), 0, 0))
            out.append(mpmath.arg(-mpmath.mpc(complex(fhat))) - mpmath.arg(p_a))
        return out[0], out[1]


def _k2_factor(setting: Setting, chi1: mpmath.mpf, chi2: mpmath.mpf, n: int, x: float) -> float:
    """|cos(r(χ1⁰ + π/2 + nπ) - χ2⁰ + x)|, r = k2/k1: the k2 factor at the n-th zero of the k1 factor, with the
    base phase at 50 digits (so a zero of both factors, with f̂'s phases exactly such, gives exactly |sin x|)."""
    with mpmath.workdps(50):
        base = mpmath.mpf(setting.k2) / mpmath.mpf(setting.k1) * (chi1 + mpmath.pi / 2 + n * mpmath.pi) - chi2
        cos_base = mpmath.cos(base)
        if abs(cos_base) < 1e-30:
            return abs(math.sin(x))
        if abs(cos_base) < 1e-8:
            return float(abs(mpmath.cos(base + x)))
        return abs(math.cos(float(mpmath.fmod(base, 2 * mpmath.pi)) + x))


def _unscaled(nr: Any, w0: float) -> Any:
    """The neuron's reduced gradients as P_l = Q_l/|w0|^{n_l}: the bad set of Theorem 2 sums over the pairs."""
    factor = np.abs(w0) ** -np.array(reduced_gradient_powers(), dtype=float)
    return dataclasses.replace(nr, p0=nr.p0 * factor, p1=nr.p1 * factor)


def bad_ellipses(setting: Setting, w0: float, others: tuple, R: float) -> list[Ellipse]:
    """The leading-order bad ellipses of neuron 0 in the disc a_0² + b_0² < R², the rest fixed (module docstring).

    ``others`` = (a, w, b) of the other neurons. At a_0 = 0 the a-gradient factor is
    ``T_a(k; b) = |E_k| |P_a| cos(ψ_k - χ_k)`` with χ_k = arg E_k - arg P_a = χ_k⁰ + δ_k, δ_k = arg(1 - ĥ_others/f̂)
    (small, computed without cancelling): the zeros are b_n = (w_0/k1)(χ1 + π/2 + nπ) and the k2 factor there
    is ``|E2||P_a| cos(r(χ1 + π/2 + nπ) - χ2)``. An ellipse with r² ≤ 0 (the other neurons' k1 gradient
    exceeds the k2 side), or at a zero where the k2 factor vanishes exactly, is absent.

    Args:
        setting: Theorem 2's setting (k1 < k2, f̂ at both).
        w0: neuron 0's input weight, ≠ 0.
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (m - 1,).
        R: the disc's radius.

    Returns:
        one :class:`Ellipse` per zero b_n inside the disc where the set is present: centre (0, b_n), log area,
        bounding half-widths.
    """
    n1 = _unscaled(neuron(setting, setting.k1, complex(setting.fhat1), 1.0, w0, others), w0)
    n2 = _unscaled(neuron(setting, setting.k2, complex(setting.fhat2), 1.0, w0, others), w0)
    kappa_c = n1.c  # c ∝ a: its value at a = 1 gives κ = ∂T_a/∂a = Re(conj(c) P_a)
    n1, n2 = dataclasses.replace(n1, c=0j), dataclasses.replace(n2, c=0j)
    chi1_0, chi2_0 = _base_phases(setting, math.copysign(1.0, w0))
    deltas = [float(np.angle(1 - (n.E + complex(f)) / complex(f))) for n, f in ((n1, setting.fhat1), (n2, setting.fhat2))]
    chi1 = float(chi1_0) + deltas[0]
    x = setting.k2 / setting.k1 * deltas[0] - deltas[1]
    span = R * setting.k1 / abs(w0)
    lo, hi = math.ceil((-span - chi1 - math.pi / 2) / math.pi), math.floor((span - chi1 - math.pi / 2) / math.pi)
    ns = np.arange(lo, hi + 1)
    zeros = w0 / setting.k1 * (chi1 + math.pi / 2 + ns * math.pi)
    keep = np.abs(zeros) < R
    ns, zeros = ns[keep], zeros[keep]
    if not zeros.size:
        return []
    log_e1 = math.log(abs(n1.E)) + math.log(abs(n1.p0[0]))
    log_e2 = math.log(abs(n2.E)) + math.log(abs(n2.p0[0]))
    log_d1 = log_e1 + math.log(setting.k1 / abs(w0))
    d1 = math.exp(log_d1)
    q1 = np.hypot(T(n1, 1, zeros, w0), T(n1, 2, zeros, w0))
    kappa = float(np.real(np.conj(kappa_c) * n1.p0[0]))
    log_eps = n1.log_sinh - n2.log_sinh
    log_n1 = 2 * n1.log_sinh + _log_others_sq(setting, setting.k1, setting.fhat1, others)
    log_n2 = 2 * n1.log_sinh + _log_others_sq(setting, setting.k2, setting.fhat2, others)
    out = []
    for n, b_n, q in zip(ns, zeros, q1):
        factor = _k2_factor(setting, chi1_0, chi2_0, int(n), x)
        log_t2 = log_e2 + math.log(factor) if factor > 0 else -math.inf
        log_p = np.logaddexp(2 * log_eps + 2 * log_t2, log_n2)
        if not (log_n1 < log_p and q > 0):
            continue
        log_r2 = float(log_p + np.log1p(-np.exp(log_n1 - log_p)))
        r = math.exp(0.5 * log_r2)
        out.append(Ellipse(float(b_n), math.log(math.pi) + log_r2 - log_d1 - math.log(q), r * math.hypot(q, kappa) / (d1 * q), r / q))
    return out


def _is_thin(e: Ellipse, period2: float, R: float) -> bool:
    return e.half_b < PERTURBATIVE * period2 and e.half_a < PERTURBATIVE * R


def _members(setting: Setting, a0: np.ndarray, b0: np.ndarray, w0: float, others: tuple) -> np.ndarray:
    n = a0.size
    a = np.column_stack([a0, np.broadcast_to(others[0], (n, len(others[0])))])
    w = np.column_stack([np.full(n, w0), np.broadcast_to(others[1], (n, len(others[1])))])
    b = np.column_stack([b0, np.broadcast_to(others[2], (n, len(others[2])))])
    return np.asarray(bad_theorem2(setting, a, w, b))


def bad_area(setting: Setting, w0: float, others: tuple, R: float, rng: np.random.Generator) -> float:
    """log of an unbiased estimate of the area of the bad set in the (a_0, b_0) disc of radius R.

    Thin ellipses: the leading-order area (exact to about 1e-7). Wide ones: hit-or-miss with fresh points in a
    box of ``_BOX`` times the bounding box, its size fixed beforehand by pilot points (grown while the pilot's
    hits reach its outer fifth); a point in several boxes counts 1/(number of boxes). The rest of the disc —
    outside every box and every thin ellipse's bounding box — by uniform points of the disc, so that bad
    points far from the leading-order structure (other neurons' gradients, a set wider than its box) are
    counted too. Each part is an unbiased estimate of its own region's bad area.

    Args:
        setting: Theorem 2's setting (k1 < k2, f̂ at both).
        w0: neuron 0's input weight, ≠ 0.
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (m - 1,).
        R: the disc's radius: what the ball of radius δ leaves to (a_0, b_0) once w_0 and the others are drawn.
        rng: the generator for the hit-or-miss points.

    Returns:
        the natural log of the estimated area (-inf where none is bad).
    """
    ellipses = bad_ellipses(setting, w0, others, R)
    period2 = 2 * math.pi * abs(w0) / setting.k2
    thin = [e for e in ellipses if _is_thin(e, period2, R)]
    wide = [e for e in ellipses if not _is_thin(e, period2, R)]
    parts = [e.log_area for e in thin]

    def box_points(centre: float, hb: float, ha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        bb = centre + hb * rng.uniform(-1, 1, _BOX_POINTS)
        aa = ha * rng.uniform(-1, 1, _BOX_POINTS)
        return bb, aa, _members(setting, aa, bb, w0, others) & (aa**2 + bb**2 < R * R)

    boxes = []
    for e in wide:
        hb, ha = _BOX * e.half_b, _BOX * e.half_a
        for _ in range(8):  # pilot: the box grows while the set reaches its outer fifth
            bb, aa, hit = box_points(e.b_n, hb, ha)
            if not (hit & ((np.abs(bb - e.b_n) > 0.8 * hb) | (np.abs(aa) > 0.8 * ha))).any():
                break
            hb, ha = 2 * hb, 2 * ha
        boxes.append((e.b_n, hb, ha))

    def inside_count(bb: np.ndarray, aa: np.ndarray) -> np.ndarray:
        count = np.zeros(bb.shape)
        for c, hb, ha in boxes:
            count += (np.abs(bb - c) <= hb) & (np.abs(aa) <= ha)
        return count

    def in_thin(bb: np.ndarray, aa: np.ndarray) -> np.ndarray:
        out = np.zeros(bb.shape, dtype=bool)
        for e in thin:
            out |= (np.abs(bb - e.b_n) <= e.half_b) & (np.abs(aa) <= e.half_a)
        return out

    for c, hb, ha in boxes:
        bb, aa, hit = box_points(c, hb, ha)  # fresh points: the box's size did not depend on them
        hit &= ~in_thin(bb, aa)
        if hit.any():
            share = np.where(hit, 1.0 / np.maximum(inside_count(bb, aa), 1.0), 0.0).mean()
            parts.append(math.log(4 * hb * ha * share))
    radius = R * np.sqrt(rng.uniform(size=_DISC_POINTS))
    angle = rng.uniform(0, 2 * math.pi, _DISC_POINTS)
    bb, aa = radius * np.cos(angle), radius * np.sin(angle)
    outside = _members(setting, aa, bb, w0, others) & (inside_count(bb, aa) == 0) & ~in_thin(bb, aa)
    if outside.any():
        parts.append(math.log(math.pi * R * R * outside.mean()))
    return log_sum_exp(parts)


@cache
def _initial_proposal(setting: Setting, delta: float, t_bins: int = 48) -> Proposal:
    """Proposal over (u, t): 75% where the leading-order ellipses of the open zeros (area ∝ ε², so
    e^{-2c_n/(δu)} with c_n the window's constant of Theorem 1, admitted when |b_n| < R) carry mass, 15%
    tilted by e^{-2c/(δu)} alone (c = π(k2-k1)/2; all of the 75% too where every zero is closed), 10% the
    true law. The ellipses' share carries the factor 1/R² ∝ 1/((1-u²)(1-t)) of the conditional fraction: an
    ellipse does not shrink with the disc, so where the disc is small (t → 1) the fraction is large. (A broad
    set, which fills a share of the disc whatever its size, does not: the tilted share has no such factor.)
    (Giving t a uniform share, for m > 1, was tried and made the m = 10 estimates worse.)"""
    dim = 3 * setting.m
    u_edges, u_mid, log_fu = u_grid(dim, [w for w in leading_order_windows(setting) if w.pair == "a"], delta, 2)
    t_edges, log_gt = t_grid(dim, 2, t_bins)  # (a_0, b_0) are integrated over their disc
    log_true = log_fu[:, None] + log_gt[None, :]
    t_centre = t_mid(t_edges)[None, :]
    u_safe = np.maximum(u_mid[:, None], 1e-300)
    log_true_v = log_true + log_inverse_disc(u_mid, t_edges, 1.0)  # v = area/(πR²) and R² ∝ (1-u²)(1-t)
    terms = []
    for win in leading_order_windows(setting):
        if win.pair != "a" or win.closed:  # a closed zero has r² = 0 at leading order (m = 1: no ellipse)
            continue
        admitted = (u_mid[:, None] * win.psi / setting.k1) ** 2 <= (1 - u_mid[:, None] ** 2) * (1 - t_centre)
        terms.append(np.where(admitted, log_true_v - 2 * win.rate / (delta * u_safe), -np.inf))
    normalised = lambda x: np.exp(x - logsumexp(x))
    tilted = normalised(log_true - 2 * setting.predicted_c / (delta * u_safe))
    windows = normalised(logsumexp(np.stack(terms), axis=0)) if terms else tilted
    prob = 0.75 * windows + 0.15 * tilted + 0.1 * normalised(log_true)
    return Proposal(u_edges, t_edges, prob / prob.sum(), np.exp(log_true))


def _sample(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator) -> tuple:
    """One draw of the rest: w0, the other neurons, R, and log(true density / proposal density)."""
    m = setting.m
    w0, y, R, log_weight = draw_rest(proposal, 3 * m, 2, delta, rng)
    # y = (a_1..a_{m-1}, w_1..w_{m-1}, b_1..b_{m-1}); (a_0, b_0) are integrated over the disc of radius R
    others = (y[: m - 1], y[m - 1 : 2 * m - 2], y[2 * m - 2 :])
    return w0, others, R, log_weight


def _rare_sample(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator) -> tuple[float, float]:
    """log(P(bad | rest) · [neuron 0 has the largest |w|]) and the log weight."""
    w0, others, R, log_weight = _sample(setting, delta, proposal, rng)
    if R <= 0 or (len(others[1]) and np.max(np.abs(others[1])) > abs(w0)):
        return -math.inf, log_weight
    if 2 * log_eps(setting, w0) < log_floor(setting, delta, 2, "a"):  # contribution < e^-80 of the best window's
        return -math.inf, log_weight
    log_area = bad_area(setting, w0, others, R, rng)
    return log_area - math.log(math.pi * R * R), log_weight


def rare_estimate_theorem2(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Theorem 2's bad fraction ``μ(S^c ∩ B_δ)/μ(B_δ)``, S^c = {|∇L(k1)| < |∇L(k2)|} (Xu et al. 2020, arXiv:1901.06523, Theorem 2;
    docs/theory.md §6), by conditioning on the (a, b) of the neuron with the largest |w| (ellipses, boxes and the
    rest of the disc: :func:`bad_area`) and importance sampling the rest.

    Args:
        setting: a Theorem 2 :class:`Setting` (f̂(k1) and f̂(k2) nonzero).
        delta: the ball's radius, with π(k2-k1)/(2δ) ≤ 5000.
        samples: number of importance draws (≥ 2), after a plain pilot of 20,000 to 200,000 points
            (:func:`fptheory.numeric._importance.plain_pilot`) that guides the proposal and is not averaged.
        seed: in [0, 2^32).
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate` as :func:`fptheory.numeric.rare_estimate` gives (without ``per_pair``).
    """
    if setting.theorem != 2:
        raise InputError("rare_estimate_theorem2 needs a Theorem 2 setting")
    check_linear_in_b()

    def draw(proposal: Proposal, rng: np.random.Generator, count: int) -> np.ndarray:
        return np.array([sum(_rare_sample(setting, delta, proposal, rng)) for _ in range(count)]).reshape(count, 1)

    values = guided_samples(setting, delta, samples, seed=seed, initial=_initial_proposal, integrated=2, draw=draw,
                            progress=progress)
    return make_estimate(delta, samples, setting.m, values[:, 0])
