"""Theorem 1's bad windows: where, given every parameter of a network but the bias b of neuron 0, the pair
(l, 0) is bad, found and measured exactly (docs/theory.md §6), and the leading-order windows (§8).

For the pair (l, 0) condition on every parameter but b_0. As a function of b the gradients are explicit: with
ψ = b k/w_0,

    D(k; b) = E(k) + c(k) e^{iψ},   E = ĥ_others(k) - f̂(k),   c = -iπ a_0 / (|w_0| sinh z),
    ∂L(k)/∂θ_l0 = T_l(k; b) / sinh z,   T_l(k; b) = Re[(conj(E) e^{iψ} + conj(c)) P_l(k; b)]

with P_l the sympy-reduced gradient (linear in b; evaluated as Q_l = P_l |w_0|^{n_l}, a common factor of both
frequencies that drops out of a comparison). The bad set is {h_l(b) = |T_l(k1)| - ε|T_l(k2)| ≤ 0},
ε = |sinh z1/sinh z2| ≈ e^{-π(k2-k1)/(2|w_0|)}.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import mpmath
import numpy as np
import sympy as sp

from fptheory._typing import Float, Int
from fptheory.numeric._sets import Setting
from fptheory.numeric._stable import log_abs_sinh, log_sum_exp, network_transform, reduced_gradient_fns, reduced_phase, zcothz_minus_one
from fptheory.symbolic._fourier import b as b_sym
from fptheory.symbolic._network import reduced_gradient

__all__ = ["Window", "Windows", "certified_sublevel_set", "leading_order_windows", "window_lengths"]

_PER_PERIOD = 24  # grid points per period of the k1 factor when bracketing zeros
_BISECT = 56
PERTURBATIVE = 1e-7  # half-width / period below which the first-order window length is used
_ZONE = 1e-3  # a thin window owns ±_ZONE periods (k2) around its zero
_MAX_DEPTH = 48  # halvings of a certification cell (1/32 of a period): down to ~1e-16 of a period
_COINCIDENT = 1e-9  # |T2(b_n)| / scale below which the window is recomputed in mpmath
NEGLIGIBLE = 80.0  # samples whose bound lies this far below the best window's are skipped (see log_floor)
_MP_ZERO = 1e-60  # |T2(b*)| below this times scale · e^{-|z1|} is an exact zero (see mp_T_values)


@cache
def check_linear_in_b() -> None:
    for name, expr in reduced_gradient().items():
        if sp.Poly(expr, b_sym).degree() > 1:
            raise RuntimeError(f"P_{name} is not linear in b: {expr}")


@dataclass(frozen=True)
class Neuron:
    """Everything about neuron 0 and the rest that T_l(k; b) needs, at one frequency.

    ``p0``, ``p1``: the scaled reduced gradient Q_l(k; b) = p0 + p1 b of the three pairs (P_l = Q_l/|w0|^{n_l};
    a window compares T_l at k1 and k2 for the same l, so the common factor |w0|^{-n_l} drops out)."""

    k: float
    E: complex  # ĥ_others(k) - f̂(k)
    c: complex  # -iπ a0/(|w0| sinh z), underflowing to 0
    p0: np.ndarray  # Q_l(k; b=0) for l = a, w, b
    p1: np.ndarray  # dQ_l/db
    log_sinh: float


def neuron(setting: Setting, k: float, fhat: complex, a0: float, w0: float, others: tuple) -> Neuron:
    z = math.pi * k / (2 * w0)
    ls = float(log_abs_sinh(z))
    c = complex(-1j * math.pi * a0 / abs(w0) * math.copysign(1.0, z) * math.exp(-ls))
    a_o, w_o, b_o = others
    E = complex(network_transform(k, a_o, w_o, b_o)) - fhat if len(a_o) else -complex(fhat)
    g = float(zcothz_minus_one(np.array(z)))
    fns = reduced_gradient_fns("numpy")
    p0 = np.array([complex(f(k, a0, w0, 0.0, g)) for f in fns])
    p1 = np.array([complex(f(k, a0, w0, 1.0, g)) for f in fns]) - p0
    return Neuron(k, E, c, p0, p1, ls)


def T(nr: Neuron, l: int | Int[np.ndarray, "*b"], b: Float[np.ndarray, "*b"], w0: float) -> Float[np.ndarray, "*b"]:
    """T_l(k; b) = Re[(conj(E) e^{iψ} + conj(c)) Q_l(b)] for pair(s) ``l`` (an int, or an array like b)."""
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    return np.real((np.conj(nr.E) * carrier + np.conj(nr.c)) * (nr.p0[l] + nr.p1[l] * b))


def dT(nr: Neuron, l: int, b: np.ndarray, w0: float) -> np.ndarray:
    psi = reduced_phase(b, nr.k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    P = nr.p0[l] + nr.p1[l] * b
    return np.real(np.conj(nr.E) * (1j * nr.k / w0) * carrier * P + (np.conj(nr.E) * carrier + np.conj(nr.c)) * nr.p1[l])


def lipschitz(nr: Neuron, w0: float, R: float) -> np.ndarray:
    """Per pair, a bound of |T_l'(b)| on |b| ≤ R: |E| (k/|w0|) max|Q_l| + (|E| + |c|) |dQ_l/db| (from dT)."""
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


def _zeros(nr: Neuron, w0: float, R: float, period: float) -> list[np.ndarray]:
    """Zeros of T_l(k; ·) on [-R, R] for each of the three pairs l: grid points where T_l is exactly 0, and one
    bisected zero per strict sign change between neighbouring grid points (``_PER_PERIOD`` per ``period``).
    The three pairs share the grid and are bracketed and bisected together."""
    n = int(math.ceil(2 * R / period * _PER_PERIOD)) + 2
    grid = np.linspace(-R, R, n)
    pairs = np.arange(3)[:, None]
    signs = np.sign(T(nr, np.broadcast_to(pairs, (3, n)), np.broadcast_to(grid, (3, n)), w0))
    rows, idx = np.nonzero(signs[:, :-1] * signs[:, 1:] < 0)
    found = _bisect(lambda b: T(nr, rows, b, w0), grid[idx], grid[idx + 1]) if idx.size else np.zeros(0)
    return [np.sort(np.concatenate([grid[signs[l] == 0], found[rows == l]])) for l in range(3)]


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

    Args:
        h: the function h(l, b), vectorised over integer arrays l and float arrays b of one shape.
        lipschitz: per l, a bound of |∂h(l, b)/∂b| on its segments, shape (L,).
        segments: (l, lo, hi) triples; empty ones (hi ≤ lo) are skipped.
        cell: the starting width of a cell.

    Returns:
        (intervals, undecided): per l, the merged intervals [lo, hi] where h ≤ 0; the total length left undecided.
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
    return [merge(p) for p in pieces], undecided


@cache
def mp_reduced(l: int) -> Callable:
    """The sympy-derived P_l(k, a, w, b, G) compiled for mpmath."""
    from fptheory.symbolic._fourier import k as k_sym
    from fptheory.symbolic._fourier import w as w_sym
    from fptheory.symbolic._network import PARAMETERS
    from fptheory.symbolic._network import G as G_sym
    from fptheory.symbolic._network import a as a_sym

    return sp.lambdify((k_sym, a_sym, w_sym, b_sym, G_sym), reduced_gradient()[PARAMETERS[l]], modules="mpmath")


@lru_cache(maxsize=8)
def _mp_frequency(k_: float, fhat: complex, a0: float, w0: float, others: tuple, dps: int) -> tuple:
    """What T(k; b) needs at ``dps`` digits that depends neither on b nor on the pair: k, E, conj E, conj c and G.
    Cached: a sample's zeros, of all three pairs, share it."""
    from fptheory.reference import mp_network_transform

    with mpmath.workdps(dps):
        k, a0m, w0m = mpmath.mpf(k_), mpmath.mpf(a0), mpmath.mpf(w0)
        z = mpmath.pi * k / (2 * w0m)
        E = (mp_network_transform(k, *others) if len(others[0]) else 0) - mpmath.mpc(fhat)
        c = -1j * mpmath.pi * a0m / (abs(w0m) * mpmath.sinh(z))
        return k, E, mpmath.conj(E), mpmath.conj(c), z * mpmath.coth(z) - 1


def mp_T_values(
    setting: Setting, l: int, a0: float, w0: float, others: tuple, b_n: float
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """Refine the zero b_n of T_l(k1; ·) and return (|T2(b*)|, |T1'(b*)|, log ε, scale), where scale =
    |E2 P_l(k2; b*)| is the size T2 has away from its zeros. A zero closed at leading order opens at the next,
    through the neuron's own transform, with |T2(b*)| ≈ scale · e^{-|z1|} (z1 = πk1/(2w0)): the precision is
    80 + |z1|/ln 10 digits, so that this is resolved and only an exact zero falls below 1e-60 · that level.
    Newton's method with T's derivative in closed form refines the zero (``others``: tuples of floats)."""
    dps = 80 + int(math.ceil(abs(math.pi * setting.k1 / (2 * w0)) / math.log(10)))
    with mpmath.workdps(dps):
        a0m, w0m = mpmath.mpf(a0), mpmath.mpf(w0)

        reduced = mp_reduced(l)

        def parts(k_: float, fhat: complex) -> tuple:
            """The frequency's parts, and P_l = P0 + P1 b (linear in b: :func:`check_linear_in_b`)."""
            k, E, conj_E, conj_c, G = _mp_frequency(k_, complex(fhat), a0, w0, others, dps)
            P0 = reduced(k, a0m, w0m, 0, G)
            return k, E, conj_E, conj_c, P0, reduced(k, a0m, w0m, 1, G) - P0

        at_k1, at_k2 = parts(setting.k1, setting.fhat1), parts(setting.k2, setting.fhat2)

        def T(at: tuple, bb, scale=False):
            k, E, conj_E, conj_c, P0, P1 = at
            P = P0 + P1 * bb
            if scale:
                return abs(E * P)
            return mpmath.re((conj_E * mpmath.expj(bb * k / w0m) + conj_c) * P)

        def dT(at: tuple, bb):
            """T'(b) = Re[conj(E) (ik/w0) e^{iψ} P + (conj(E) e^{iψ} + conj(c)) P1], the derivative in closed form."""
            k, _, conj_E, conj_c, P0, P1 = at
            carrier = conj_E * mpmath.expj(bb * k / w0m)
            return mpmath.re(carrier * (1j * k / w0m) * (P0 + P1 * bb) + (carrier + conj_c) * P1)

        f1 = lambda bb: T(at_k1, bb)
        b_star = mpmath.findroot(f1, mpmath.mpf(b_n), solver="newton", df=lambda bb: dT(at_k1, bb))
        t2 = abs(T(at_k2, b_star))
        d1 = abs(dT(at_k1, b_star))
        z1, z2 = mpmath.pi * setting.k1 / (2 * w0m), mpmath.pi * setting.k2 / (2 * w0m)
        log_eps = mpmath.log(abs(mpmath.sinh(z1))) - mpmath.log(abs(mpmath.sinh(z2)))
        return t2, d1, log_eps, T(at_k2, b_star, scale=True)


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
            out[l] = log_sum_exp(parts)
        return out

    def union(self) -> tuple[list[tuple[float, float]], np.ndarray]:
        """The union over the three pairs: merged wide intervals, and the thin windows outside them (a thin
        window inside another pair's wide interval, or at the centre of a longer one, is counted once)."""
        merged = merge([iv for l in range(3) for iv in self.wide[l]])
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

    Args:
        setting: Theorem 1's setting (k1 < k2, f̂ at both).
        a0, w0: neuron 0's output and input weights (w0 ≠ 0).
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (m - 1,).
        R: the segment's half-length: what the ball of radius δ leaves to b_0 once the rest is drawn.

    Returns:
        the :class:`Windows`: certified wide intervals and measured thin windows per pair, and the undecided length.
    """
    n1 = neuron(setting, setting.k1, complex(setting.fhat1), a0, w0, others)
    n2 = neuron(setting, setting.k2, complex(setting.fhat2), a0, w0, others)
    log_eps = n1.log_sinh - n2.log_sinh
    eps = math.exp(log_eps)
    period = 2 * math.pi * abs(w0) / setting.k1
    period2 = 2 * math.pi * abs(w0) / setting.k2
    lip1, lip2 = lipschitz(n1, w0, R), lipschitz(n2, w0, R)
    zone = _ZONE * period2
    thin: list[np.ndarray] = [np.zeros((0, 2))] * 3
    segments: list[tuple[int, float, float]] = []
    for l, zeros in enumerate(_zeros(n1, w0, R, period)):
        zeros = zeros[np.abs(zeros) < R]
        v2, d1 = np.abs(T(n2, l, zeros, w0)), np.abs(dT(n1, l, zeros, w0))
        with np.errstate(divide="ignore"):
            log_half = log_eps + np.log(v2) - np.log(d1)
        is_thin = (log_half < math.log(PERTURBATIVE * period2)) & (eps * lip2[l] <= _ZONE * d1)
        gaps = np.diff(zeros)  # zones must not overlap
        is_thin &= np.concatenate([[True], gaps > 2 * zone]) & np.concatenate([gaps > 2 * zone, [True]])
        scale2 = np.abs(np.conj(n2.E) * (n2.p0[l] + n2.p1[l] * zeros)) + 1e-300
        rows = []
        for i in np.flatnonzero(is_thin):
            if v2[i] < _COINCIDENT * scale2[i]:
                others_mp = tuple(tuple(float(v) for v in arr) for arr in others)
                t2m, d1m, log_eps_m, scale_m = mp_T_values(setting, l, a0, w0, others_mp, float(zeros[i]))
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
        return np.abs(T(n1, ls, bb, w0)) - eps * np.abs(T(n2, ls, bb, w0))

    wide, undecided = certified_sublevel_set(h, lip1 + eps * lip2, segments, period2 / 32)
    return Windows(wide, thin, undecided)


def merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


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

    Args:
        setting: Theorem 1's setting (k1 < k2, f̂ at both).
        span: the zeros n = -span … span of each pair.

    Returns:
        3 (2 span + 1) :class:`Window` s, each with its phase, whether it is closed, and its decay constant c.
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


def log_eps(setting: Setting, w: float) -> float:
    return float(log_abs_sinh(math.pi * setting.k1 / (2 * w)) - log_abs_sinh(math.pi * setting.k2 / (2 * w)))


@cache
def log_floor(setting: Setting, delta: float, power: int, pairs: str = "awb") -> float:
    """Samples whose ε(w0)^power lies more than ``NEGLIGIBLE`` below this are skipped: the largest
    leading-order contribution e^{-power·c_n/δ} of any window (open ones, or all where every one is closed).
    A window's contribution at w0 is at most ε(w0)^power (times powers of δ), so a skipped sample adds less
    than e^{-80} of the best window's — not of the shell's ε(δ), which closed windows never reach. ``pairs``:
    the pairs whose windows count (Theorem 2's ellipses sit at the a-windows)."""
    windows = [w for w in leading_order_windows(setting) if w.pair in pairs]
    usable = [w for w in windows if not w.closed] or windows
    return -power * min(w.c for w in usable) / delta - NEGLIGIBLE
