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

The rest is sampled with |w_0| drawn from a piecewise-constant proposal tilted towards the shell,
∝ f(|w_0|) e^{-γ/|w_0|} with γ = π(k2-k1)/2 (the proof's c) mixed with the true marginal f, and the other
coordinates uniform given w_0. The estimate mean(f/q · ℓ/(2R)) is unbiased; its interval is the
normal one from the weighted sample (relative standard error reported).

The union over all (l, j) uses p_∪ = Σ_j E[1_{U_j} / S] (S = number of neurons with some bad pair), which
by symmetry is m · E[f/q · ℓ_U/(2R) / S] with ℓ_U the merged windows of the three pairs of neuron 0 and S
evaluated at a point drawn from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Callable

import mpmath
import numpy as np
import sympy as sp
from scipy.special import logsumexp

from fptheory.numeric.ball import log_coordinate_density
from fptheory.numeric.measure import PAIR_NAMES, Estimate, Setting, bad_pairs
from fptheory.numeric.stable import (
    _reduced_fns,
    log_abs_sinh,
    network_transform,
    reduced_phase,
    zcothz_minus_one,
)
from fptheory.symbolic.fourier import b as b_sym
from fptheory.symbolic.network import reduced_gradient

__all__ = ["rare_estimate", "window_lengths", "leading_order_windows", "Window", "RareSample"]

_PER_PERIOD = 24  # grid points per period of the k1 factor when bracketing zeros
_BISECT = 56
_PERTURBATIVE = 1e-7  # half-width / period below which the first-order window length is used
_COINCIDENT = 1e-9  # |T2(b_n)| / scale below which the window is recomputed in mpmath
_NEGLIGIBLE = 80.0
_MP_ZERO = 1e-60  # at 80 digits, |T2(b*)| below this (relative) is an exact zero  # samples whose log ε is this far below the shell's are skipped (contribution < e^-80)


@cache
def _check_linear_in_b() -> None:
    for name, expr in reduced_gradient().items():
        if sp.Poly(expr, b_sym).degree() > 1:
            raise RuntimeError(f"P_{name} is not linear in b: {expr}")


@dataclass(frozen=True)
class _Neuron:
    """Everything about neuron 0 and the rest that T_l(k; b) needs, at one frequency."""

    k: float
    E: complex  # ĥ_others(k) - f̂(k)
    c: complex  # -iπ a0/(|w0| sinh z), underflowing to 0
    p0: np.ndarray  # P_l(k; b=0) for l = a, w, b
    p1: np.ndarray  # dP_l/db
    log_sinh: float


def _neuron(setting: Setting, k: float, fhat: complex, a0: float, w0: float, others: tuple) -> _Neuron:
    z = math.pi * k / (2 * w0)
    ls = float(log_abs_sinh(z))
    c = complex(-1j * math.pi * a0 / abs(w0) * math.copysign(1.0, z) * math.exp(-ls))
    a_o, w_o, b_o = others
    E = complex(network_transform(k, a_o, w_o, b_o)) - fhat if len(a_o) else -complex(fhat)
    g = float(zcothz_minus_one(np.array(z)))
    fns = _reduced_fns("numpy")
    p0 = np.array([complex(f(k, a0, w0, 0.0, g)) for f in fns])
    p1 = np.array([complex(f(k, a0, w0, 1.0, g)) for f in fns]) - p0
    return _Neuron(k, E, c, p0, p1, ls)


def _T(nr: _Neuron, l: int, b: np.ndarray, w0: float) -> np.ndarray:
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    return np.real((np.conj(nr.E) * carrier + np.conj(nr.c)) * (nr.p0[l] + nr.p1[l] * b))


def _dT(nr: _Neuron, l: int, b: np.ndarray, w0: float) -> np.ndarray:
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    P = nr.p0[l] + nr.p1[l] * b
    return np.real(np.conj(nr.E) * (1j * nr.k / w0) * carrier * P + (np.conj(nr.E) * carrier + np.conj(nr.c)) * nr.p1[l])


def _bisect(f: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vectorised bisection for brackets with f(lo) and f(hi) of opposite signs (or a zero at an end)."""
    f_lo = f(lo)
    for _ in range(_BISECT):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(left, mid, lo), np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    return 0.5 * (lo + hi)


def _zeros(f: Callable[[np.ndarray], np.ndarray], R: float, period: float) -> np.ndarray:
    n = int(math.ceil(2 * R / period * _PER_PERIOD)) + 2
    grid = np.linspace(-R, R, n)
    vals = f(grid)
    idx = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    if idx.size == 0:
        return idx.astype(float)
    return _bisect(f, grid[idx], grid[idx + 1])


@cache
def _mp_reduced(l: int) -> Callable:
    """The sympy-derived P_l(k, a, w, b, G) compiled for mpmath."""
    from fptheory.symbolic.fourier import k as k_sym, w as w_sym
    from fptheory.symbolic.network import G as G_sym, PARAMETERS, a as a_sym

    return sp.lambdify((k_sym, a_sym, w_sym, b_sym, G_sym), reduced_gradient()[PARAMETERS[l]], modules="mpmath")


def _mp_T_values(setting: Setting, l: int, a0: float, w0: float, others: tuple, b_n: float) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """At 80 digits: refine the zero b_n of T_l(k1; ·) and return (|T2(b*)|, |T1'(b*)|, log ε)."""
    from fptheory.reference import mp_network_transform

    with mpmath.workdps(80):
        a0m, w0m = mpmath.mpf(a0), mpmath.mpf(w0)

        reduced = _mp_reduced(l)

        def T(k, fhat, bb):
            k = mpmath.mpf(k)
            z = mpmath.pi * k / (2 * w0m)
            E = (mp_network_transform(k, *others) if len(others[0]) else 0) - mpmath.mpc(fhat)
            c = -1j * mpmath.pi * a0m / (abs(w0m) * mpmath.sinh(z))
            G = z * mpmath.coth(z) - 1
            P = reduced(k, a0m, w0m, bb, G)
            carrier = mpmath.expj(bb * k / w0m)
            return mpmath.re((mpmath.conj(E) * carrier + mpmath.conj(c)) * P)

        f1 = lambda bb: T(setting.k1, setting.fhat1, bb)  # noqa: E731
        b_star = mpmath.findroot(f1, mpmath.mpf(b_n))
        t2 = abs(T(setting.k2, setting.fhat2, b_star))
        d1 = abs(mpmath.diff(f1, b_star))
        z1, z2 = mpmath.pi * setting.k1 / (2 * w0m), mpmath.pi * setting.k2 / (2 * w0m)
        log_eps = mpmath.log(abs(mpmath.sinh(z1))) - mpmath.log(abs(mpmath.sinh(z2)))
        return t2, d1, log_eps


def window_lengths(
    setting: Setting, a0: float, w0: float, others: tuple, R: float
) -> tuple[np.ndarray, list[list[tuple[float, float]]], list[np.ndarray]]:
    """Bad windows in b_0 ∈ [-R, R] for the three pairs (a, w, b) of neuron 0, the rest fixed.

    Returns log ℓ_l (total length per pair, -inf if empty), the explicit intervals of the wide windows per
    pair, and per pair the (centre, log length) of the narrow ones (first order, as an array of shape (n, 2)).
    """
    n1 = _neuron(setting, setting.k1, complex(setting.fhat1), a0, w0, others)
    n2 = _neuron(setting, setting.k2, complex(setting.fhat2), a0, w0, others)
    log_eps = n1.log_sinh - n2.log_sinh
    period = 2 * math.pi * abs(w0) / setting.k1
    period2 = 2 * math.pi * abs(w0) / setting.k2
    log_len = np.full(3, -np.inf)
    wide: list[list[tuple[float, float]]] = [[], [], []]
    narrow: list[np.ndarray] = [np.zeros((0, 2))] * 3
    for l in range(3):
        t1 = lambda bb, l=l: _T(n1, l, bb, w0)  # noqa: E731
        t2 = lambda bb, l=l: _T(n2, l, bb, w0)  # noqa: E731
        zeros = _zeros(t1, R, period)
        scale2 = np.abs(np.conj(n2.E) * (n2.p0[l] + n2.p1[l] * zeros)) + 1e-300
        v2, d1 = np.abs(t2(zeros)), np.abs(_dT(n1, l, zeros, w0))
        log_half = log_eps + np.log(np.maximum(v2, 1e-300)) - np.log(np.maximum(d1, 1e-300))
        log_half = np.where(v2 > 0, log_half, -np.inf)
        small = log_half < math.log(_PERTURBATIVE * period2)
        centres, logs = [], []
        for i in np.flatnonzero(small):
            if v2[i] < _COINCIDENT * scale2[i]:
                others_mp = tuple(tuple(float(v) for v in arr) for arr in others)
                t2m, d1m, log_eps_m = _mp_T_values(setting, l, a0, w0, others_mp, float(zeros[i]))
                if t2m <= _MP_ZERO * scale2[i]:  # zero to 60 digits: the k1 and k2 zeros coincide exactly
                    continue
                log_h = float(log_eps_m + mpmath.log(t2m) - mpmath.log(d1m))
            else:
                log_h = float(log_half[i])
            if abs(zeros[i]) < R:
                centres.append(zeros[i])
                logs.append(math.log(2) + log_h)
        if logs:
            narrow[l] = np.column_stack([centres, logs])
        intervals = []
        eps = math.exp(log_eps)
        h = lambda bb, l=l: np.abs(t1(bb)) - eps * np.abs(t2(bb))  # noqa: E731
        wide_zeros = zeros[~small]
        if wide_zeros.size:
            centre = np.concatenate([wide_zeros, wide_zeros])
            direction = np.concatenate([-np.ones(wide_zeros.size), np.ones(wide_zeros.size)])
            step = np.exp(np.concatenate([log_half[~small], log_half[~small]]))
            for _ in range(80):  # double the step until h > 0 (outside the window) or a period is reached
                inside = (h(centre + direction * step) <= 0) & (step < period)
                if not inside.any():
                    break
                step = np.where(inside, 2 * step, step)
            edge = _bisect(h, centre, centre + direction * step)
            half = wide_zeros.size
            for lo, hi in zip(edge[:half], edge[half:]):
                intervals.append((max(min(lo, hi), -R), min(max(lo, hi), R)))
        if eps > 1e-3:  # wide windows that contain no zero of T1: classify a fine grid of h
            grid = np.linspace(-R, R, int(math.ceil(2 * R / period2 * 4 * _PER_PERIOD)) + 2)
            vals = h(grid)
            change = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
            cuts = np.concatenate([[-R], _bisect(h, grid[change], grid[change + 1]) if change.size else [], [R]])
            mids = 0.5 * (cuts[:-1] + cuts[1:])
            intervals += [(lo, hi) for lo, hi, mid in zip(cuts[:-1], cuts[1:], mids) if h(np.array(mid)) <= 0]
        wide[l] = _merge(intervals)
        total = sum(hi - lo for lo, hi in wide[l])
        parts = ([math.log(total)] if total > 0 else []) + [float(x) for x in narrow[l][:, 1]]
        log_len[l] = logsumexp(parts) if parts else -np.inf
    return log_len, wide, narrow


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


@dataclass(frozen=True)
class RareSample:
    """Log contributions of one sample: per pair (a, w, b) and for neuron 0's union divided by S."""

    log_pairs: np.ndarray
    log_union: float


@dataclass(frozen=True)
class _Proposal:
    """Piecewise-constant proposal over (u, t): u = |w0|/δ and t = |y|²/(δ²(1 - u²)), y = the 3m - 2
    coordinates other than w0 and b0. Bin (i, j) has probability prob[i, j]; within it u and t are uniform."""

    u_edges: np.ndarray
    t_edges: np.ndarray
    prob: np.ndarray

    def log_density(self, i: int, j: int) -> float:
        return math.log(self.prob[i, j] / ((self.u_edges[i + 1] - self.u_edges[i]) * (self.t_edges[j + 1] - self.t_edges[j])))


@dataclass(frozen=True)
class Window:
    """A leading-order window of pair ``pair``: zero of the k1 factor at phase ψ = b k1/w = ``psi``.

    ``closed``: the k2 factor vanishes there too (the window opens only at the next order, through the
    neuron's own transform, which multiplies its width by about e^{-πk1/(2|w|)}). ``c``: the decay constant
    this window alone gives, ``(π(k2-k1)/2 + [closed] πk1/2) · sqrt(1 + (ψ/k1)²)`` — the ball admits a
    window at |b| = |w| |ψ|/k1 only for |w| ≤ δ/sqrt(1 + (ψ/k1)²).
    """

    pair: str
    psi: float
    closed: bool
    c: float


def leading_order_windows(setting: Setting, span: int = 3) -> list[Window]:
    """The windows of the three pairs with |n| ≤ ``span``, from D ≈ -f̂ (δ → 0, THEORY.md §4).

    With φ_i = arg(-f̂(k_i)) and r = k2/k1: the a and w pairs vanish where sin(ψ - φ1) = 0 (for w up to
    an O(|w|) shift), the b pair where cos(ψ - φ1) = 0; a zero is closed where the k2 factor, sin or cos of
    rψ - φ2, vanishes as well.
    """
    phi1 = math.atan2(-complex(setting.fhat1).imag, -complex(setting.fhat1).real)
    phi2 = math.atan2(-complex(setting.fhat2).imag, -complex(setting.fhat2).real)
    r = setting.k2 / setting.k1
    base = setting.predicted_c
    windows = []
    for pair, shift, factor in (("a", 0.0, math.sin), ("w", 0.0, math.sin), ("b", math.pi / 2, math.cos)):
        for n in range(-span, span + 1):
            psi = phi1 + shift + n * math.pi
            closed = abs(factor(r * psi - phi2)) < 1e-9
            c = (base + (math.pi * setting.k1 / 2 if closed else 0.0)) * math.sqrt(1 + (psi / setting.k1) ** 2)
            windows.append(Window(pair, psi, closed, c))
    return windows


def _u_grid(dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The proposals' bins of u = |w0|/δ (uniform, refined towards the shell u → 1), their midpoints, and
    log of the true probability of each bin (|w0| is one coordinate of the uniform ball in R^dim)."""
    u_edges = np.unique(np.concatenate([np.linspace(0, 1, 241), 1 - np.logspace(-15, -1, 160)]))
    u_mid = 0.5 * (u_edges[:-1] + u_edges[1:])
    with np.errstate(divide="ignore"):
        log_fu = np.log(2) + log_coordinate_density(u_mid, dim, 1.0) + np.log(np.diff(u_edges))
    return u_edges, u_mid, log_fu


@cache
def _initial_proposal(setting: Setting, delta: float, t_bins: int = 48) -> _Proposal:
    """Proposal over (u, t) built from the leading-order windows: bin (i, j) gets mass
    f(u) g(t) Σ_windows e^{-c_n/(δ u)} [window admitted] (45% for all windows, 15% for each pair's own) and
    10% the true law f(u) g(t)."""
    from scipy.stats import beta as beta_dist

    dim = 3 * setting.m
    u_edges, u_mid, log_fu = _u_grid(dim)
    t_edges = np.linspace(0.0, 1.0, t_bins + 1) if dim > 3 else np.linspace(0.0, 1.0, t_bins + 1) ** 2
    log_gt = np.log(np.maximum(np.diff(beta_dist.cdf(t_edges, (dim - 2) / 2, 1.5)), 1e-300))
    log_true = log_fu[:, None] + log_gt[None, :]
    u_lo, t_lo = u_edges[:-1][:, None], t_edges[:-1][None, :]
    terms: dict[str, list[np.ndarray]] = {"a": [], "w": [], "b": []}
    for win in leading_order_windows(setting):
        admitted = (u_lo * win.psi / setting.k1) ** 2 <= (1 - u_lo**2) * (1 - t_lo)
        with np.errstate(divide="ignore"):
            terms[win.pair].append(np.where(admitted, log_true - win.c / (delta * np.maximum(u_mid[:, None], 1e-300)), -np.inf))
    per_pair = [logsumexp(np.stack(terms[name]), axis=0) for name in PAIR_NAMES]
    union = logsumexp(np.stack(per_pair), axis=0)
    normalised = lambda x: np.exp(x - logsumexp(x))  # noqa: E731
    # the union's windows lead; each pair keeps a share of its own, so that a pair far below the union is
    # still sampled where its windows are (its estimate is reported too)
    prob = 0.45 * normalised(union) + sum(0.15 * normalised(x) for x in per_pair) + 0.1 * normalised(log_true)
    return _Proposal(u_edges, t_edges, prob / prob.sum())


def _sample(setting: Setting, delta: float, proposal: _Proposal, rng: np.random.Generator) -> tuple:
    """One draw: a0, w0, R, the other neurons, log(true density / proposal density), and the bin."""
    from scipy.stats import beta as beta_dist

    m, dim = setting.m, 3 * setting.m
    flat = int(rng.choice(proposal.prob.size, p=proposal.prob.ravel()))
    i, j = divmod(flat, proposal.prob.shape[1])
    u = rng.uniform(proposal.u_edges[i], proposal.u_edges[i + 1])
    t = rng.uniform(proposal.t_edges[j], proposal.t_edges[j + 1])
    w0 = delta * u * (1.0 if rng.uniform() < 0.5 else -1.0)
    log_true = math.log(2) + float(log_coordinate_density(np.array(u), dim, 1.0)) + float(beta_dist.logpdf(t, (dim - 2) / 2, 1.5))
    log_weight = log_true - proposal.log_density(i, j)
    direction = rng.standard_normal(dim - 2)
    direction /= np.linalg.norm(direction)
    rho2 = delta**2 * (1 - u * u)
    y = direction * math.sqrt(rho2 * t)
    # y = (a_0..a_{m-1}, w_1..w_{m-1}, b_1..b_{m-1}); b_0 is integrated exactly, given the rest uniform on [-R, R]
    R = math.sqrt(max(rho2 * (1 - t), 0.0))
    others = (y[1:m], y[m : 2 * m - 1], y[2 * m - 1 :])
    return float(y[0]), w0, R, others, log_weight, flat


def _log_eps(setting: Setting, w: float) -> float:
    return float(log_abs_sinh(math.pi * setting.k1 / (2 * w)) - log_abs_sinh(math.pi * setting.k2 / (2 * w)))


def _rare_sample(setting: Setting, delta: float, proposal: _Proposal, rng: np.random.Generator) -> tuple[RareSample, float, int]:
    a0, w0, R, others, log_weight, bin_index = _sample(setting, delta, proposal, rng)
    none = RareSample(np.full(3, -np.inf), -np.inf)
    if R <= 0 or _log_eps(setting, w0) < _log_eps(setting, delta) - _NEGLIGIBLE:
        return none, log_weight, bin_index
    log_len, wide, narrow = window_lengths(setting, a0, w0, others, R)
    if not np.isfinite(log_len).any():
        return none, log_weight, bin_index
    # union of neuron 0's windows: narrow ones are disjoint from each other unless their centres coincide
    pieces = [(lo, hi) for l in range(3) for lo, hi in wide[l]]
    merged = _merge(pieces)
    narrow_all = np.concatenate([narrow[l] for l in range(3)])
    if narrow_all.size:
        centres, keep = np.unique(narrow_all[:, 0], return_index=True)
        narrow_all = narrow_all[keep]
        inside = np.array([any(lo <= c <= hi for lo, hi in merged) for c in narrow_all[:, 0]], dtype=bool)
        narrow_all = narrow_all[~inside]
    wide_total = sum(hi - lo for lo, hi in merged)
    parts = ([math.log(wide_total)] if wide_total > 0 else []) + list(narrow_all[:, 1] if narrow_all.size else [])
    log_union = logsumexp(parts)
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
    return RareSample(log_len - log_2R, log_union - log_2R - math.log(S)), log_weight, bin_index


def _adapt(proposal: _Proposal, bins: np.ndarray, log_values: np.ndarray) -> _Proposal:
    """Stage-2 proposal: the pilot's weighted contributions to the union per (u, t) bin (an estimate of the
    optimal density's mass), smoothed over neighbouring bins, mixed 60/40 with the pilot's proposal."""
    finite = np.isfinite(log_values)
    if not finite.any():
        return proposal
    mass = np.zeros(proposal.prob.size)
    np.add.at(mass, bins[finite], np.exp(log_values[finite] - log_values[finite].max()))
    mass = mass.reshape(proposal.prob.shape)
    kernel = np.array([0.25, 0.5, 0.25])
    for _ in range(3):
        for axis in (0, 1):
            if mass.shape[axis] >= kernel.size:  # a single t bin (m = 1 in Theorem 2) is not smoothed
                mass = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), axis, mass)
    adapted = 0.6 * mass / mass.sum() + 0.4 * proposal.prob
    return _Proposal(proposal.u_edges, proposal.t_edges, adapted / adapted.sum())


def _mean_ci(log_values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean of exp(log_values) with a normal 95% interval; returns (log mean, low, high, rel. s.e.)."""
    n = log_values.size
    finite = np.isfinite(log_values)
    if not finite.any():
        return -math.inf, 0.0, 0.0, math.inf
    top = log_values[finite].max()
    scaled = np.where(finite, np.exp(log_values - top), 0.0)
    mean = scaled.mean()
    se = scaled.std(ddof=1) / math.sqrt(n) if n > 1 else math.inf
    rel = se / mean
    log_mean = top + math.log(mean)
    return log_mean, math.exp(log_mean) * max(0.0, 1 - 1.96 * rel), math.exp(log_mean) * (1 + 1.96 * rel), rel


def _check_run(delta: float, samples: int) -> None:
    if not (math.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be a finite number > 0; got {delta!r}")
    if not isinstance(samples, int) or samples < 2:
        raise ValueError(f"samples must be an integer >= 2; got {samples!r}")
    _check_linear_in_b()


def _two_stage(
    samples: int,
    proposal: _Proposal,
    sample_one: Callable[[_Proposal], tuple[np.ndarray, int]],
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """Run the estimator's samples: ``sample_one(proposal)`` gives one draw's weighted log contributions
    (a vector whose last entry is the estimated set's) and its (u, t) bin. With 40 samples or more the first
    quarter is a pilot that adapts the proposal to where the last entry's mass is; only stage 2 is returned
    (shape (count, V)), so the estimate stays unbiased: its proposal is fixed before its samples are drawn."""
    pilot = samples // 4 if samples >= 40 else 0
    done = 0

    def draw(count: int, proposal: _Proposal) -> tuple[np.ndarray, np.ndarray]:
        nonlocal done
        rows, bins = [], np.empty(count, dtype=int)
        for i in range(count):
            row, bins[i] = sample_one(proposal)
            rows.append(row)
            done += 1
            if progress and done % 50 == 0:
                progress(done, samples)
        return np.array(rows).reshape(count, -1), bins

    if pilot:
        pilot_values, pilot_bins = draw(pilot, proposal)
        proposal = _adapt(proposal, pilot_bins, pilot_values[:, -1])
    values, _ = draw(samples - pilot, proposal)
    if progress:
        progress(samples, samples)
    return values


def _estimate(delta: float, samples: int, m: int, log_values: np.ndarray, per_pair: dict | None = None) -> Estimate:
    """m · mean(exp(log_values)) with its normal 95% interval, as an Estimate (None where nothing was hit)."""
    log_mean, low, high, rel = _mean_ci(log_values)
    log_total = log_mean + math.log(m)
    return Estimate(
        delta=float(delta),
        fraction=math.exp(log_total),
        ci_low=low * m,
        ci_high=high * m,
        samples=samples,
        method="rare",
        log10_fraction=log_total / math.log(10) if math.isfinite(log_total) else None,
        rel_se=rel if math.isfinite(rel) else None,
        per_pair=per_pair or {},
    )


def rare_estimate(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Theorem 1's bad fraction by conditioning on b and importance sampling |w| (module docstring).

    ``fraction`` is the union over all (l, j) (the theorem's set); ``per_pair`` the fraction of each
    single pair Q_lj (equal for all j); ``sum_pairs`` = m Σ_l per_pair is in ``per_pair["sum"]``.
    With 40 samples or more, the first quarter is a pilot that adapts the proposal and is not averaged.
    """
    if setting.theorem != 1:
        raise ValueError("rare_estimate covers Theorem 1; Theorem 2 has rare_estimate_theorem2 (fptheory.numeric.rare_flow)")
    _check_run(delta, samples)
    rng = np.random.default_rng(seed)

    def sample_one(proposal: _Proposal) -> tuple[np.ndarray, int]:
        sample, log_weight, bin_index = _rare_sample(setting, delta, proposal, rng)
        return np.append(sample.log_pairs, sample.log_union) + log_weight, bin_index

    values = _two_stage(samples, _initial_proposal(setting, float(delta)), sample_one, progress)
    log_pairs, log_union = values[:, :3], values[:, 3]
    per_pair = {}
    for l, name in enumerate(PAIR_NAMES):
        lm, _, _, pair_rel = _mean_ci(log_pairs[:, l])
        per_pair[name] = math.exp(lm)
        per_pair[f"{name}_rel_se"] = pair_rel if math.isfinite(pair_rel) else None
    per_pair["sum"] = setting.m * sum(per_pair[name] for name in PAIR_NAMES)
    return _estimate(delta, samples, setting.m, log_union, per_pair)
