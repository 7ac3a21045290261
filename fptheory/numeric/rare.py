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
from fptheory._checks import InputError
from fptheory.numeric.measure import PAIR_NAMES, Estimate, Setting, bad_pairs, check_delta
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
_ZONE = 1e-3  # a thin window owns ±_ZONE periods (k2) around its zero
_MAX_DEPTH = 48  # halvings of a certification cell (1/32 of a period): down to ~1e-16 of a period
_COINCIDENT = 1e-9  # |T2(b_n)| / scale below which the window is recomputed in mpmath
_NEGLIGIBLE = 80.0  # samples whose bound lies this far below the best window's are skipped (see _log_floor)
_MP_ZERO = 1e-60  # |T2(b*)| below this times scale · e^{-|z1|} is an exact zero (see _mp_T_values)


@cache
def _check_linear_in_b() -> None:
    for name, expr in reduced_gradient().items():
        if sp.Poly(expr, b_sym).degree() > 1:
            raise RuntimeError(f"P_{name} is not linear in b: {expr}")


@dataclass(frozen=True)
class _Neuron:
    """Everything about neuron 0 and the rest that T_l(k; b) needs, at one frequency.

    ``p0``, ``p1``: the scaled reduced gradient Q_l(k; b) = p0 + p1 b of the three pairs (P_l = Q_l/|w0|^{n_l};
    a window compares T_l at k1 and k2 for the same l, so the common factor |w0|^{-n_l} drops out)."""

    k: float
    E: complex  # ĥ_others(k) - f̂(k)
    c: complex  # -iπ a0/(|w0| sinh z), underflowing to 0
    p0: np.ndarray  # Q_l(k; b=0) for l = a, w, b
    p1: np.ndarray  # dQ_l/db
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


def _T(nr: _Neuron, l: int | np.ndarray, b: np.ndarray, w0: float) -> np.ndarray:
    """T_l(k; b) = Re[(conj(E) e^{iψ} + conj(c)) Q_l(b)] for pair(s) ``l`` (an int, or an array like b)."""
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    return np.real((np.conj(nr.E) * carrier + np.conj(nr.c)) * (nr.p0[l] + nr.p1[l] * b))


def _dT(nr: _Neuron, l: int, b: np.ndarray, w0: float) -> np.ndarray:
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    P = nr.p0[l] + nr.p1[l] * b
    return np.real(np.conj(nr.E) * (1j * nr.k / w0) * carrier * P + (np.conj(nr.E) * carrier + np.conj(nr.c)) * nr.p1[l])


def _lipschitz(nr: _Neuron, w0: float, R: float) -> np.ndarray:
    """Per pair, a bound of |T_l'(b)| on |b| ≤ R: |E| (k/|w0|) max|Q_l| + (|E| + |c|) |dQ_l/db| (from _dT)."""
    q_max = np.abs(nr.p0) + np.abs(nr.p1) * R
    return abs(nr.E) * (nr.k / abs(w0)) * q_max + (abs(nr.E) + abs(nr.c)) * np.abs(nr.p1)


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
    """Zeros of f on [-R, R]: grid points where f is exactly 0, and one bisected zero per strict sign change
    between neighbouring grid points (``_PER_PERIOD`` per ``period``)."""
    n = int(math.ceil(2 * R / period * _PER_PERIOD)) + 2
    grid = np.linspace(-R, R, n)
    signs = np.sign(f(grid))
    idx = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    found = _bisect(f, grid[idx], grid[idx + 1]) if idx.size else np.zeros(0)
    return np.sort(np.concatenate([grid[signs == 0], found]))


def certified_sublevel_set(
    h: Callable[[np.ndarray, np.ndarray], np.ndarray],
    lipschitz: np.ndarray,
    segments: list[tuple[int, float, float]],
    cell: float,
) -> tuple[list[list[tuple[float, float]]], float]:
    """The set {b : h(l, b) ≤ 0} on each segment (l, lo, hi), with every cell's sign proven by a Lipschitz bound.

    ``h(l, b)`` is vectorised over arrays l (int) and b; ``lipschitz[l]`` bounds |∂h(l, b)/∂b| on the segments.
    A cell of half-width r about c has the sign of h(l, c) throughout when |h(l, c)| > lipschitz[l]·r; other
    cells are halved, down to ``_MAX_DEPTH`` halvings of ``cell`` (about 1e-16 of it), where the cells still
    undecided (the ones an edge crosses) are classified by the sign at their centre. No window can fall between
    grid points unseen, whatever its width or position. Returns per l the merged intervals, and the total length
    of the cells left undecided (the bound on the error of the measured length).
    """
    l_list, c_list, r_list = [], [], []
    for l, lo, hi in segments:
        if hi <= lo:
            continue
        n = max(1, int(math.ceil((hi - lo) / cell)))
        edges = np.linspace(lo, hi, n + 1)
        l_list.append(np.full(n, l))
        c_list.append(0.5 * (edges[:-1] + edges[1:]))
        r_list.append(0.5 * np.diff(edges))
    pieces: list[list[tuple[float, float]]] = [[] for _ in lipschitz]
    if not l_list:
        return pieces, 0.0
    ls, cs, rs = np.concatenate(l_list), np.concatenate(c_list), np.concatenate(r_list)
    undecided = 0.0
    for depth in range(_MAX_DEPTH + 1):
        v = h(ls, cs)
        sure = np.abs(v) > lipschitz[ls] * rs
        take = (sure | (depth == _MAX_DEPTH)) & (v <= 0)
        for l, c, r in zip(ls[take], cs[take], rs[take]):
            pieces[l].append((c - r, c + r))
        if depth == _MAX_DEPTH:
            undecided = float(2 * rs[~sure].sum())
            break
        ls, cs, rs = ls[~sure], cs[~sure], rs[~sure] / 2
        if not ls.size:
            break
        ls, cs, rs = np.concatenate([ls, ls]), np.concatenate([cs - rs, cs + rs]), np.concatenate([rs, rs])
    return [_merge(p) for p in pieces], undecided


@cache
def _mp_reduced(l: int) -> Callable:
    """The sympy-derived P_l(k, a, w, b, G) compiled for mpmath."""
    from fptheory.symbolic.fourier import k as k_sym, w as w_sym
    from fptheory.symbolic.network import G as G_sym, PARAMETERS, a as a_sym

    return sp.lambdify((k_sym, a_sym, w_sym, b_sym, G_sym), reduced_gradient()[PARAMETERS[l]], modules="mpmath")


def _mp_T_values(
    setting: Setting, l: int, a0: float, w0: float, others: tuple, b_n: float
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """Refine the zero b_n of T_l(k1; ·) and return (|T2(b*)|, |T1'(b*)|, log ε, scale), where scale =
    |E2 P_l(k2; b*)| is the size T2 has away from its zeros. A zero closed at leading order opens at the next,
    through the neuron's own transform, with |T2(b*)| ≈ scale · e^{-|z1|} (z1 = πk1/(2w0)): the precision is
    80 + |z1|/ln 10 digits, so that this is resolved and only an exact zero falls below 1e-60 · that level."""
    from fptheory.reference import mp_network_transform

    with mpmath.workdps(80 + int(math.ceil(abs(math.pi * setting.k1 / (2 * w0)) / math.log(10)))):
        a0m, w0m = mpmath.mpf(a0), mpmath.mpf(w0)

        reduced = _mp_reduced(l)

        def T(k, fhat, bb, scale=False):
            k = mpmath.mpf(k)
            z = mpmath.pi * k / (2 * w0m)
            E = (mp_network_transform(k, *others) if len(others[0]) else 0) - mpmath.mpc(fhat)
            c = -1j * mpmath.pi * a0m / (abs(w0m) * mpmath.sinh(z))
            G = z * mpmath.coth(z) - 1
            P = reduced(k, a0m, w0m, bb, G)
            if scale:
                return abs(E * P)
            carrier = mpmath.expj(bb * k / w0m)
            return mpmath.re((mpmath.conj(E) * carrier + mpmath.conj(c)) * P)

        f1 = lambda bb: T(setting.k1, setting.fhat1, bb)  # noqa: E731
        b_star = mpmath.findroot(f1, mpmath.mpf(b_n))
        t2 = abs(T(setting.k2, setting.fhat2, b_star))
        d1 = abs(mpmath.diff(f1, b_star))
        z1, z2 = mpmath.pi * setting.k1 / (2 * w0m), mpmath.pi * setting.k2 / (2 * w0m)
        log_eps = mpmath.log(abs(mpmath.sinh(z1))) - mpmath.log(abs(mpmath.sinh(z2)))
        return t2, d1, log_eps, T(setting.k2, setting.fhat2, b_star, scale=True)


@dataclass(frozen=True)
class Windows:
    """The bad set of neuron 0's three pairs in b_0 ∈ [-R, R], the rest fixed.

    ``wide[l]``: merged intervals (certified); ``thin[l]``: array (n, 2) of (centre, log length) of windows
    below float64's resolution of b, measured to first order (or at 80 digits); ``undecided``: total length of
    cells whose sign the certification left to their centre (a bound on the error of ``wide``)."""

    wide: list[list[tuple[float, float]]]
    thin: list[np.ndarray]
    undecided: float

    @property
    def log_lengths(self) -> np.ndarray:
        """log of each pair's total length (-inf where empty)."""
        out = np.full(3, -np.inf)
        for l in range(3):
            total = sum(hi - lo for lo, hi in self.wide[l])
            parts = ([math.log(total)] if total > 0 else []) + [float(x) for x in self.thin[l][:, 1]]
            out[l] = logsumexp(parts) if parts else -np.inf
        return out

    def union(self) -> tuple[list[tuple[float, float]], np.ndarray]:
        """The union over the three pairs: merged wide intervals, and the thin windows outside them (a thin
        window inside another pair's wide interval, or at the centre of a longer one, is counted once)."""
        merged = _merge([iv for l in range(3) for iv in self.wide[l]])
        thin = np.concatenate(self.thin)
        if thin.size:
            thin = thin[np.argsort(-thin[:, 1], kind="stable")]  # longest first: duplicates keep the longest
            _, first = np.unique(thin[:, 0], return_index=True)
            thin = thin[np.sort(first)]
            inside = np.array([any(lo <= c <= hi for lo, hi in merged) for c in thin[:, 0]], dtype=bool)
            thin = thin[~inside]
        return merged, thin.reshape(-1, 2)


def window_lengths(setting: Setting, a0: float, w0: float, others: tuple, R: float) -> Windows:
    """Bad windows in b_0 ∈ [-R, R] of the three pairs (a, w, b) of neuron 0, the rest fixed (module docstring).

    Bad means h_l(b) = |T_l(k1; b)| - ε |T_l(k2; b)| ≤ 0. Zeros b_n of T_l(k1) whose first-order half-width
    ε|T2(b_n)|/|T1'(b_n)| is below 1e-7 of the k2 period are thin: that formula (80-digit mpmath where T2(b_n)
    nearly vanishes) measures them, inside a zone of ±1e-3 period around b_n where T1 is linear to 1e-2 and
    ε|T2| flat (checked: ε sup|T2'| ≤ 1e-3 |T1'(b_n)|). Everything else — wide windows, and windows with no
    zero of T1 — is found by :func:`certified_sublevel_set` on [-R, R] minus the zones.
    """
    n1 = _neuron(setting, setting.k1, complex(setting.fhat1), a0, w0, others)
    n2 = _neuron(setting, setting.k2, complex(setting.fhat2), a0, w0, others)
    log_eps = n1.log_sinh - n2.log_sinh
    eps = math.exp(log_eps)
    period = 2 * math.pi * abs(w0) / setting.k1
    period2 = 2 * math.pi * abs(w0) / setting.k2
    lip1, lip2 = _lipschitz(n1, w0, R), _lipschitz(n2, w0, R)
    zone = _ZONE * period2
    thin: list[np.ndarray] = [np.zeros((0, 2))] * 3
    segments: list[tuple[int, float, float]] = []
    for l in range(3):
        zeros = _zeros(lambda bb, l=l: _T(n1, l, bb, w0), R, period)  # noqa: E731
        zeros = zeros[np.abs(zeros) < R]
        v2, d1 = np.abs(_T(n2, l, zeros, w0)), np.abs(_dT(n1, l, zeros, w0))
        with np.errstate(divide="ignore"):
            log_half = log_eps + np.log(v2) - np.log(d1)
        is_thin = (log_half < math.log(_PERTURBATIVE * period2)) & (eps * lip2[l] <= _ZONE * d1)
        gaps = np.diff(zeros)  # zones must not overlap
        is_thin &= np.concatenate([[True], gaps > 2 * zone]) & np.concatenate([gaps > 2 * zone, [True]])
        scale2 = np.abs(np.conj(n2.E) * (n2.p0[l] + n2.p1[l] * zeros)) + 1e-300
        rows = []
        for i in np.flatnonzero(is_thin):
            if v2[i] < _COINCIDENT * scale2[i]:
                others_mp = tuple(tuple(float(v) for v in arr) for arr in others)
                t2m, d1m, log_eps_m, scale_m = _mp_T_values(setting, l, a0, w0, others_mp, float(zeros[i]))
                if t2m <= _MP_ZERO * scale_m * mpmath.exp(-abs(mpmath.pi * setting.k1 / (2 * w0))):  # an exact zero
                    continue
                rows.append((zeros[i], math.log(2) + float(log_eps_m + mpmath.log(t2m) - mpmath.log(d1m))))
            else:
                rows.append((zeros[i], math.log(2) + float(log_half[i])))
        if rows:
            thin[l] = np.array(rows)
        cuts = np.concatenate([[-R], np.column_stack([zeros[is_thin] - zone, zeros[is_thin] + zone]).ravel(), [R]])
        cuts = np.clip(cuts, -R, R)
        segments += [(l, lo, hi) for lo, hi in zip(cuts[0::2], cuts[1::2])]

    def h(ls: np.ndarray, bb: np.ndarray) -> np.ndarray:
        return np.abs(_T(n1, ls, bb, w0)) - eps * np.abs(_T(n2, ls, bb, w0))

    wide, undecided = certified_sublevel_set(h, lip1 + eps * lip2, segments, period2 / 32)
    return Windows(wide, thin, undecided)


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
    k1: float

    @property
    def rate(self) -> float:
        """The window's ε at |w|: e^{-rate/|w|}, so c = rate · sqrt(1 + (ψ/k1)²) at the largest |w| it admits."""
        return self.c / math.sqrt(1 + (self.psi / self.k1) ** 2)


def leading_order_windows(setting: Setting, span: int = 3) -> list[Window]:
    """The windows of the three pairs with |n| ≤ ``span``, from D ≈ -f̂ (δ → 0, docs/theory.md §4).

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
            windows.append(Window(pair, psi, closed, c, setting.k1))
    return windows


def _log_inverse_disc(u_mid: np.ndarray, t_edges: np.ndarray, power: float) -> np.ndarray:
    """log of ((1-u²)(1-t))^{-power} at the bins' midpoints, shape (u bins, t bins): the conditional fraction's
    factor 1/R^{2·power} (R² = δ²(1-u²)(1-t) is the squared radius left to the integrated coordinates)."""
    return -power * (np.log1p(-u_mid**2)[:, None] + np.log1p(-_t_mid(t_edges))[None, :])


def _t_mid(t_edges: np.ndarray) -> np.ndarray:
    """Midpoints of the t bins; a single bin [0, 1] stands for t = 0 (no coordinates besides the integrated
    ones: Theorem 2 with m = 1)."""
    return 0.5 * (t_edges[:-1] + t_edges[1:]) if t_edges.size > 2 else np.zeros(1)


def _u_grid(dim: int, windows: list[Window] = (), delta: float = 1.0, power: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The proposals' bins of u = |w0|/δ, their midpoints, and log of the true probability of each bin (|w0| is
    one coordinate of the uniform ball in R^dim). Uniform, refined towards the shell u → 1, and below each
    window's admittance edge u_n = 1/sqrt(1 + (ψ/k1)²), where e^{-power·rate/(δu)} falls off on the scale
    λ = δu_n²/(power·rate): points u_n - λ·(1e-2 … 1e2), so that small δ does not squeeze the mass into one bin."""
    refine = []
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


@cache
def _initial_proposal(setting: Setting, delta: float, t_bins: int = 48) -> _Proposal:
    """Proposal over (u, t) built from the leading-order windows: bin (i, j) gets mass
    f(u) g(t) Σ_windows e^{-c_n/(δ u)} [window admitted] (45% for all windows, 15% for each pair's own) and
    10% the true law f(u) g(t)."""
    from scipy.stats import beta as beta_dist

    dim = 3 * setting.m
    u_edges, u_mid, log_fu = _u_grid(dim, leading_order_windows(setting), delta)
    t_edges = np.linspace(0.0, 1.0, t_bins + 1) if dim > 3 else np.linspace(0.0, 1.0, t_bins + 1) ** 2
    log_gt = np.log(np.maximum(np.diff(beta_dist.cdf(t_edges, (dim - 2) / 2, 1.5)), 1e-300))
    log_true = log_fu[:, None] + log_gt[None, :]
    t_mid = _t_mid(t_edges)[None, :]
    log_true_v = log_true + _log_inverse_disc(u_mid, t_edges, 0.5)  # v = ℓ/(2R) and R ∝ sqrt((1-u²)(1-t))
    terms: dict[str, list[np.ndarray]] = {"a": [], "w": [], "b": []}
    for win in leading_order_windows(setting):
        admitted = (u_mid[:, None] * win.psi / setting.k1) ** 2 <= (1 - u_mid[:, None] ** 2) * (1 - t_mid)
        with np.errstate(divide="ignore"):
            terms[win.pair].append(np.where(admitted, log_true_v - win.rate / (delta * np.maximum(u_mid[:, None], 1e-300)), -np.inf))
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


@cache
def _log_floor(setting: Setting, delta: float, power: int, pairs: str = "awb") -> float:
    """Samples whose ε(w0)^power lies more than ``_NEGLIGIBLE`` below this are skipped: the largest
    leading-order contribution e^{-power·c_n/δ} of any window (open ones, or all where every one is closed).
    A window's contribution at w0 is at most ε(w0)^power (times powers of δ), so a skipped sample adds less
    than e^{-80} of the best window's — not of the shell's ε(δ), which closed windows never reach. ``pairs``:
    the pairs whose windows count (Theorem 2's ellipses sit at the a-windows)."""
    windows = [w for w in leading_order_windows(setting) if w.pair in pairs]
    usable = [w for w in windows if not w.closed] or windows
    return -power * min(w.c for w in usable) / delta - _NEGLIGIBLE


def _rare_sample(setting: Setting, delta: float, proposal: _Proposal, rng: np.random.Generator) -> tuple[RareSample, float, int]:
    a0, w0, R, others, log_weight, bin_index = _sample(setting, delta, proposal, rng)
    none = RareSample(np.full(3, -np.inf), -np.inf)
    if R <= 0 or _log_eps(setting, w0) < _log_floor(setting, delta, 1):
        return none, log_weight, bin_index
    windows = window_lengths(setting, a0, w0, others, R)
    log_len = windows.log_lengths
    if not np.isfinite(log_len).any():
        return none, log_weight, bin_index
    merged, narrow_all = windows.union()
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


_ADAPT_BELOW = 0.25  # the pilot's ESS / size below which the proposal is adapted to the pilot


def weight_diagnostics(log_values: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Diagnostics of an importance-sampling mean of x_i = exp(log_values): (ESS, max share, Pareto k̂).

    ESS = (Σx)²/Σx² is the number of equally weighted samples worth as much; the max share max x/Σx shows a
    single sample carrying the estimate. k̂ is the shape of a generalized Pareto distribution fitted (maximum
    likelihood, scipy) to the M = min(n/5, 3√n) largest x above the next one, as in Pareto-smoothed importance
    sampling (Vehtari, Simpson, Gelman, Yao, Gabry 2024, JMLR 25(72), arXiv:1507.02646): for k̂ < 1/2 the
    variance is finite and the normal interval sound; above 0.7 the estimate may be far off with a small
    reported error. None where nothing was hit (or, for k̂, where fewer than 5 tail values are nonzero).
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


def _check_run(setting: Setting, delta: float, samples: int) -> None:
    check_delta(setting, delta, "rare")
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 2:
        raise InputError(f"samples must be an integer >= 2; got {samples!r}")
    _check_linear_in_b()


def _two_stage(
    samples: int,
    proposal: _Proposal,
    sample_one: Callable[[_Proposal], tuple[np.ndarray, int]],
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """Run the estimator's samples: ``sample_one(proposal)`` gives one draw's weighted log contributions
    (a vector whose last entry is the estimated set's) and its (u, t) bin. With 40 samples or more the first
    quarter is a pilot; where its effective sample size is below a quarter of its size (the initial proposal
    misses where the mass is), the proposal is adapted to the pilot's contributions. Only stage 2 is returned
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
        ess, _, _ = weight_diagnostics(pilot_values[:, -1])
        if ess is not None and ess < _ADAPT_BELOW * pilot:
            proposal = _adapt(proposal, pilot_bins, pilot_values[:, -1])
    values, _ = draw(samples - pilot, proposal)
    if progress:
        progress(samples, samples)
    return values


def _estimate(delta: float, samples: int, m: int, log_values: np.ndarray, per_pair: dict | None = None) -> Estimate:
    """m · mean(exp(log_values)) with its normal 95% interval, as an Estimate (None where nothing was hit)."""
    log_mean, low, high, rel = _mean_ci(log_values)
    log_total = log_mean + math.log(m)
    ess, share, pareto_k = weight_diagnostics(log_values)
    return Estimate(
        delta=float(delta),
        fraction=math.exp(log_total),
        ci_low=low * m,
        ci_high=high * m,
        samples=samples,
        method="rare",
        log10_fraction=log_total / math.log(10) if math.isfinite(log_total) else None,
        log10_ci=((log_total + math.log(1 - 1.96 * rel)) / math.log(10) if rel < 1 / 1.96 else None,
                  (log_total + math.log1p(1.96 * rel)) / math.log(10)) if math.isfinite(log_total) else None,
        rel_se=rel if math.isfinite(rel) else None,
        per_pair=per_pair or {},
        ess=ess,
        max_share=share,
        pareto_k=pareto_k,
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
        raise InputError("rare_estimate covers Theorem 1; Theorem 2 has rare_estimate_theorem2 (fptheory.numeric.rare_flow)")
    _check_run(setting, delta, samples)
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
