"""Rare-event estimation of Theorem 2's bad set ``{|∇L(k1)| < |∇L(k2)|}`` (gradient flow), by its structure.

Write neuron 0 for the neuron with the largest |w| (by symmetry p = m · P(bad and |w_0| = max_j |w_j|)) and
condition on everything but its (a_0, b_0), which are then uniform on a disc of radius R. Multiplying the
bad inequality by sinh²z1 (z = πk/(2w_0)), with ε = |sinh z1/sinh z2| ≈ e^{-π(k2-k1)/(2|w_0|)}:

    Σ_l T_l(k1; a, b)² < ε² Σ_l T_l(k2; a, b)² + sinh²z1 (N2 - N1),

with T_l the reduced gradients of neuron 0 (as in :mod:`fptheory.numeric._rare_theorem1`) and N_k = |∇_{others} L(k)|².
The a and w gradients of a neuron vanish with its output weight (P_w, P_b ∝ a), so the left side is small
only near a = 0 and a zero b_n of ``T_a(k1; 0, b)``. There, to leading order, the left side is the
quadratic form ``(T' x + κ a)² + Q² a²`` (x = b - b_n, T' = ∂T_a/∂b, κ = ∂T_a/∂a, Q = |(T_w, T_b)|/a) and
the right side is the constant ``r² = ε² T_a(k2; 0, b_n)² + sinh²z1 (N2 - N1)`` (at a = 0, N_k does not
depend on b_0). The bad set near b_n is an ellipse of area

    π r² / (|T'| Q)          (the shear κ does not change the area),

so the conditional probability is Σ_n area_n/(πR²): squared window widths, hence a decay constant about
twice Theorem 1's. The area is computed in log space where the ellipse is thin (half-widths below 1e-7 of
the period and of R: relative error of the same order); where it is wide, it is measured by hit-or-miss
sampling of the exact set (:func:`fptheory.numeric._bad_sets.bad_theorem2`) in a box around the ellipse, and
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

import mpmath
import numpy as np
from scipy.special import logsumexp

from fptheory._checks import InputError
from fptheory.numeric._bad_sets import bad_theorem2
from fptheory.numeric._importance import (
    Proposal,
    draw_rests,
    guided_samples,
    log_inverse_disc,
    make_estimate,
    t_grid,
    t_mid,
    u_grid,
)
from fptheory.numeric._plain import plain_chunk
from fptheory.numeric._setting import Estimate, Setting
from fptheory.numeric._stable import log_abs_loss_gradient, reduced_gradient_powers
from fptheory.numeric._windows import (
    _T,
    PERTURBATIVE,
    Neurons,
    _log_add_at,
    check_batch,
    check_linear_in_b,
    leading_order_windows,
    log_eps,
    log_floor,
    mp_reduced,
    neurons,
    ragged_index,
)
from fptheory.symbolic._network import reduced_gradient

__all__ = ["Ellipse", "EllipseBatch", "bad_ellipses", "bad_ellipses_batch", "bad_area", "bad_area_batch", "rare_estimate_theorem2"]

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


def _log_others_sq(setting: Setting, k: float, fhat: complex, others: tuple) -> np.ndarray:
    """log |∇_{others} L(k)|² at a_0 = 0 (neuron 0 then adds nothing to ĥ) for n samples (``others``: three
    (n, m - 1) arrays), shape (n,); -inf for m = 1."""
    a_o, w_o, b_o = others
    n = a_o.shape[0]
    if not a_o.shape[1]:
        return np.full(n, -math.inf)
    logs = log_abs_loss_gradient(np.full(n, k), a_o, w_o, b_o, np.full(n, complex(fhat)))  # (3, n, m - 1)
    return np.asarray(logsumexp(2 * logs, axis=(0, 2)))


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


@cache
def _k2_base(setting: Setting, sign_w: float, n: int) -> tuple[mpmath.mpf, float, float]:
    """The k2 factor's phase at the n-th zero of the k1 factor, r(χ1⁰ + π/2 + nπ) - χ2⁰ (r = k2/k1), at 50
    digits: (the phase, |cos| of it, the phase mod 2π as a float)."""
    chi1, chi2 = _base_phases(setting, sign_w)
    with mpmath.workdps(50):
        base = mpmath.mpf(setting.k2) / mpmath.mpf(setting.k1) * (chi1 + mpmath.pi / 2 + n * mpmath.pi) - chi2
        return base, float(abs(mpmath.cos(base))), float(mpmath.fmod(base, 2 * mpmath.pi))


def _k2_factors(setting: Setting, sign_w: np.ndarray, n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """|cos(r(χ1⁰ + π/2 + nπ) - χ2⁰ + x)| for each zero (arrays of one shape): the k2 factor at the n-th zero of
    the k1 factor, with the base phase at 50 digits (so a zero of both factors, with f̂'s phases exactly such,
    gives exactly |sin x|; a base within 1e-8 of a zero of cos is finished at 50 digits too). One 50-digit
    phase per distinct (sign, n), cached."""
    out = np.empty(x.shape)
    keys, index = np.unique(np.stack([sign_w, n]), axis=1, return_inverse=True)
    index = index.reshape(-1)
    for i, (sign, zero) in enumerate(keys.T):
        sel = index == i
        base, cos_base, base_float = _k2_base(setting, float(sign), int(zero))
        if cos_base < 1e-30:
            out[sel] = np.abs(np.sin(x[sel]))
        elif cos_base < 1e-8:
            with mpmath.workdps(50):
                out[sel] = [float(abs(mpmath.cos(base + float(xi)))) for xi in x[sel]]
        else:
            out[sel] = np.abs(np.cos(base_float + x[sel]))
    return out


@dataclass(frozen=True)
class EllipseBatch:
    """The leading-order bad ellipses of n samples as flat arrays: sample ``s``, centre (0, ``b_n``), ``log_area``
    and bounding half-widths ``half_b``, ``half_a``, sorted by sample and centre."""

    s: np.ndarray
    b_n: np.ndarray
    log_area: np.ndarray
    half_b: np.ndarray
    half_a: np.ndarray

    def at(self, i: int) -> list[Ellipse]:
        sel = np.flatnonzero(self.s == i)
        return [Ellipse(float(self.b_n[j]), float(self.log_area[j]), float(self.half_b[j]), float(self.half_a[j])) for j in sel]


def bad_ellipses_batch(setting: Setting, w0: np.ndarray, others: tuple, R: np.ndarray) -> EllipseBatch:
    """:func:`bad_ellipses` for n samples at once: ``w0`` and ``R`` of shape (n,), ``others`` three (n, m - 1)
    arrays."""
    check_batch(w0, others, R, radius="the radius of the (a_0, b_0) disc")
    n = w0.shape[0]
    k1, k2 = setting.k1, setting.k2
    f1, f2 = complex(setting.fhat1), complex(setting.fhat2)
    powers = np.array(reduced_gradient_powers(), dtype=float)

    def unscaled(nb: Neurons) -> Neurons:  # P_l = Q_l/|w0|^{n_l}: the bad set of Theorem 2 sums over the pairs
        factor = np.abs(w0)[:, None] ** -powers[None, :]
        return dataclasses.replace(nb, p0=nb.p0 * factor, p1=nb.p1 * factor)

    n1 = unscaled(neurons(setting, k1, f1, np.ones(n), w0, others))
    n2 = unscaled(neurons(setting, k2, f2, np.ones(n), w0, others))
    kappa_c = n1.c  # c ∝ a: its value at a = 1 gives κ = ∂T_a/∂a = Re(conj(c) P_a)
    sign = np.where(w0 > 0, 1.0, -1.0)
    chi1_0 = np.where(sign > 0, float(_base_phases(setting, 1.0)[0]), float(_base_phases(setting, -1.0)[0]))
    d1 = np.angle(1 - (n1.E + f1) / f1)
    d2 = np.angle(1 - (n2.E + f2) / f2)
    chi1 = chi1_0 + d1
    x = k2 / k1 * d1 - d2
    span = R * k1 / np.abs(w0)
    lo = np.ceil((-span - chi1 - math.pi / 2) / math.pi)
    hi = np.floor((span - chi1 - math.pi / 2) / math.pi)
    counts = np.maximum(hi - lo + 1, 0).astype(int)
    s, index = ragged_index(counts)
    nn = lo[s] + index
    zeros = w0[s] / k1 * (chi1[s] + math.pi / 2 + nn * math.pi)
    keep = np.abs(zeros) < R[s]
    s, nn, zeros = s[keep], nn[keep], zeros[keep]
    with np.errstate(divide="ignore"):
        log_e1 = np.log(np.abs(n1.E)) + np.log(np.abs(n1.p0[:, 0]))
        log_e2 = np.log(np.abs(n2.E)) + np.log(np.abs(n2.p0[:, 0]))
        log_d1 = log_e1 + np.log(k1 / np.abs(w0))
        d1_abs = np.exp(log_d1)
        q1 = np.hypot(*(_T(k1, n1.E[s], 0j, n1.p0[s, l], n1.p1[s, l], zeros, w0[s]) for l in (1, 2)))
        kappa = np.real(np.conj(kappa_c) * n1.p0[:, 0])
        log_eps2 = 2 * (n1.log_sinh - n2.log_sinh)
        log_n1 = 2 * n1.log_sinh + _log_others_sq(setting, k1, f1, others)
        log_n2 = 2 * n1.log_sinh + _log_others_sq(setting, k2, f2, others)
        factor = _k2_factors(setting, sign[s], nn, x[s])
        log_t2 = np.where(factor > 0, log_e2[s] + np.log(factor), -np.inf)
        log_p = np.logaddexp(log_eps2[s] + 2 * log_t2, log_n2[s])
        ok = (log_n1[s] < log_p) & (q1 > 0)
        s, zeros, q1, log_p = s[ok], zeros[ok], q1[ok], log_p[ok]
        log_r2 = log_p + np.log1p(-np.exp(log_n1[s] - log_p))
    r = np.exp(0.5 * log_r2)
    return EllipseBatch(s, zeros, math.log(math.pi) + log_r2 - log_d1[s] - np.log(q1),
                        r * np.hypot(q1, kappa[s]) / (d1_abs[s] * q1), r / q1)


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
    batch = tuple(np.asarray(v, dtype=float).reshape(1, -1) for v in others)
    return bad_ellipses_batch(setting, np.array([float(w0)]), batch, np.array([float(R)])).at(0)


def _members(setting: Setting, s: np.ndarray, a0: np.ndarray, b0: np.ndarray, w0: np.ndarray, others: tuple) -> np.ndarray:
    """Theorem 2's bad indicator at points (a0, b0) of samples s (arrays of one shape), the rest of sample s."""
    shape = a0.shape
    s, a0, b0 = s.reshape(-1), a0.reshape(-1), b0.reshape(-1)
    out = np.empty(s.size, dtype=bool)
    step = plain_chunk(setting.m)  # memory bounded by bytes at any width
    for lo in range(0, s.size, step):
        i = slice(lo, lo + step)
        a = np.column_stack([a0[i], others[0][s[i]]])
        w = np.column_stack([w0[s[i]], others[1][s[i]]])
        b = np.column_stack([b0[i], others[2][s[i]]])
        out[i] = np.asarray(bad_theorem2(setting, a, w, b))
    return out.reshape(shape)


def _padded(s: np.ndarray, n: int, columns: tuple[np.ndarray, ...], fill: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """Per-sample tables (n, K) of the items of each sample (``s`` sorted), K the most any sample has; ``fill``
    where a sample has fewer."""
    first = np.searchsorted(s, np.arange(n))
    rank = np.arange(s.size) - first[s]
    width = int(rank.max()) + 1 if s.size else 0
    tables = []
    for col, value in zip(columns, fill):
        table = np.full((n, width), value)
        table[s, rank] = col
        tables.append(table)
    return tuple(tables)


def _in_boxes(table: tuple[np.ndarray, ...], s: np.ndarray, bb: np.ndarray, aa: np.ndarray) -> np.ndarray:
    """How many of sample s's boxes |b - centre| ≤ half_b, |a| ≤ half_a (a padded table, half-width -1 where
    there is none) hold each point (b, a)."""
    centre, half_b, half_a = table
    count = np.zeros(bb.shape)
    for j in range(centre.shape[1]):
        count += (np.abs(bb - centre[s, j]) <= half_b[s, j]) & (np.abs(aa) <= half_a[s, j])
    return count


def bad_area_batch(setting: Setting, w0: np.ndarray, others: tuple, R: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """:func:`bad_area` for n samples at once (``w0``, ``R`` of shape (n,), ``others`` three (n, m - 1) arrays):
    every step runs on all samples' ellipses, boxes and disc points together. Returns the log areas, (n,)."""
    n = w0.shape[0]
    eb = bad_ellipses_batch(setting, w0, others, R)
    period2 = 2 * math.pi * np.abs(w0) / setting.k2
    thin = (eb.half_b < PERTURBATIVE * period2[eb.s]) & (eb.half_a < PERTURBATIVE * R[eb.s])
    log_area = _log_add_at(np.full(n, -math.inf), eb.s[thin], eb.log_area[thin])
    thin_table = _padded(eb.s[thin], n, (eb.b_n[thin], eb.half_b[thin], eb.half_a[thin]), (0.0, -1.0, -1.0))
    ws, centre = eb.s[~thin], eb.b_n[~thin]
    hb, ha = _BOX * eb.half_b[~thin], _BOX * eb.half_a[~thin]

    def box_points(i: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        si = np.broadcast_to(ws[i][:, None], (i.size, _BOX_POINTS))
        bb = centre[i][:, None] + hb[i][:, None] * rng.uniform(-1, 1, (i.size, _BOX_POINTS))
        aa = ha[i][:, None] * rng.uniform(-1, 1, (i.size, _BOX_POINTS))
        return si, bb, aa, _members(setting, si, aa, bb, w0, others) & (aa**2 + bb**2 < R[si] ** 2)

    growing = np.arange(ws.size)
    for _ in range(8):  # pilot: a box grows while the set reaches its outer fifth
        if not growing.size:
            break
        _, bb, aa, hit = box_points(growing)
        reach = (hit & ((np.abs(bb - centre[growing][:, None]) > 0.8 * hb[growing][:, None])
                        | (np.abs(aa) > 0.8 * ha[growing][:, None]))).any(axis=1)
        growing = growing[reach]
        hb[growing], ha[growing] = 2 * hb[growing], 2 * ha[growing]
    boxes = _padded(ws, n, (centre, hb, ha), (0.0, -1.0, -1.0))
    all_boxes = np.arange(ws.size)
    si, bb, aa, hit = box_points(all_boxes)  # fresh points: the boxes' sizes did not depend on them
    hit &= _in_boxes(thin_table, si, bb, aa) == 0
    share = np.where(hit, 1.0 / np.maximum(_in_boxes(boxes, si, bb, aa), 1.0), 0.0).mean(axis=1)
    found = share > 0
    with np.errstate(divide="ignore"):
        log_area = _log_add_at(log_area, ws[found], np.log(4 * hb[found] * ha[found] * share[found]))
    sd = np.broadcast_to(np.arange(n)[:, None], (n, _DISC_POINTS))
    radius = R[:, None] * np.sqrt(rng.uniform(size=(n, _DISC_POINTS)))
    angle = rng.uniform(0, 2 * math.pi, (n, _DISC_POINTS))
    bb, aa = radius * np.cos(angle), radius * np.sin(angle)
    outside = _members(setting, sd, aa, bb, w0, others) & (_in_boxes(boxes, sd, bb, aa) == 0) & (_in_boxes(thin_table, sd, bb, aa) == 0)
    share = outside.mean(axis=1)
    found = share > 0
    with np.errstate(divide="ignore"):  # R = 0: an empty disc
        return _log_add_at(log_area, np.flatnonzero(found), np.log(math.pi * R[found] ** 2 * share[found]))


def bad_area(setting: Setting, w0: float, others: tuple, R: float, rng: np.random.Generator) -> float:
    """log of an unbiased estimate of the area of the bad set in the (a_0, b_0) disc of radius R.

    Thin ellipses: the leading-order area (exact to about 1e-7). Wide ones: hit-or-miss with fresh points in a
    box of ``_BOX`` times the bounding box, its size fixed beforehand by pilot points (grown while the pilot's
    hits reach its outer fifth); a point in several boxes counts 1/(number of boxes). The rest of the disc —
    outside every box and every thin ellipse's bounding box — by uniform points of the disc, so that bad
    points far from the leading-order structure (other neurons' gradients, a set wider than its box) are
    counted too. Each part is an unbiased estimate of its own region's bad area. (One sample of
    :func:`bad_area_batch`.)

    Args:
        setting: Theorem 2's setting (k1 < k2, f̂ at both).
        w0: neuron 0's input weight, ≠ 0.
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (m - 1,).
        R: the disc's radius: what the ball of radius δ leaves to (a_0, b_0) once w_0 and the others are drawn.
        rng: the generator for the hit-or-miss points.

    Returns:
        the natural log of the estimated area (-inf where none is bad).
    """
    batch = tuple(np.asarray(v, dtype=float).reshape(1, -1) for v in others)
    return float(bad_area_batch(setting, np.array([float(w0)]), batch, np.array([float(R)]), rng)[0])


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


def _rare_batch(setting: Setting, delta: float, proposal: Proposal, rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` draws: per draw, log(P(bad | rest) · [neuron 0 has the largest |w|]) plus log(f/q), shape
    (count, 1)."""
    m = setting.m
    w0, y, R, log_weight = draw_rests(proposal, 3 * m, 2, delta, count, rng)
    # y = (a_1..a_{m-1}, w_1..w_{m-1}, b_1..b_{m-1}); (a_0, b_0) are integrated over the disc of radius R
    others = (y[:, : m - 1], y[:, m - 1 : 2 * m - 2], y[:, 2 * m - 2 :])
    largest = ~(np.abs(others[1]) > np.abs(w0)[:, None]).any(axis=1)
    out = np.full(count, -math.inf)
    with np.errstate(divide="ignore", invalid="ignore"):  # w0 = 0 (u drawn at a bin's edge 0) is skipped
        # a draw whose best window contributes below e^-80 of the best one's is skipped
        live = np.flatnonzero((R > 0) & largest & (2 * log_eps(setting, w0) >= log_floor(setting, delta, 2, "a")))
    if live.size:
        rest = tuple(x[live] for x in others)
        out[live] = bad_area_batch(setting, w0[live], rest, R[live], rng) - np.log(math.pi * R[live] ** 2)
    return (out + log_weight)[:, None]


def rare_estimate_theorem2(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    backend: str = "numpy",
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
        backend: "numpy", or "jax": the pilot's points drawn and decided in jitted float64 batches on all local JAX
            devices, identical on one and several devices (a different sample from numpy's, so a different
            estimate, equal in law); the draws stay numpy's.
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate` as :func:`fptheory.numeric.rare_estimate` gives (without ``per_pair``).
    """
    if setting.theorem != 2:
        raise InputError("rare_estimate_theorem2 needs a Theorem 2 setting")
    check_linear_in_b()

    def draw(proposal: Proposal, rng: np.random.Generator, count: int) -> np.ndarray:
        return _rare_batch(setting, delta, proposal, rng, count)

    values = guided_samples(setting, delta, samples, seed=seed, initial=_initial_proposal, integrated=2, draw=draw,
                            progress=progress, backend=backend)
    return make_estimate(delta, samples, setting.m, values[:, 0])
