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
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from fptheory._checks import InputError, as_finite, check_nonzero
from fptheory._typing import Float, Int
from fptheory.numeric._setting import Setting
from fptheory.numeric._stable import log_abs_sinh, log_sum_exp, network_transform, reduced_gradient_fns, reduced_phase, zcothz_minus_one
from fptheory.symbolic._fourier import b as b_sym
from fptheory.symbolic._network import reduced_gradient

__all__ = ["Window", "WindowBatch", "Windows", "certified_sublevel_set", "leading_order_windows", "window_lengths", "window_lengths_batch"]

_PER_PERIOD = 24  # grid points per period of the k1 factor when bracketing zeros
_BISECT_ALL = 50  # halvings every bracket takes: a grid cell (1/24 of a period) to ~1e-17 of a period
_BISECT_MAX = 1200  # halvings: enough to go from a grid cell to adjacent floats anywhere in float64's range
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


@dataclass(frozen=True)
class Neurons:
    """:class:`Neuron` for n samples at once: ``E``, ``c``, ``log_sinh`` of shape (n,), ``p0``, ``p1`` (n, 3)."""

    k: float
    E: np.ndarray
    c: np.ndarray
    p0: np.ndarray
    p1: np.ndarray
    log_sinh: np.ndarray

    def at(self, i: int) -> Neuron:
        return Neuron(self.k, complex(self.E[i]), complex(self.c[i]), self.p0[i], self.p1[i], float(self.log_sinh[i]))

    def T(self, s: np.ndarray, l: np.ndarray, b: np.ndarray, w0: np.ndarray) -> np.ndarray:
        """T_l(k; b) of sample s (arrays of one shape; ``w0`` per sample)."""
        return _T(self.k, self.E[s], self.c[s], self.p0[s, l], self.p1[s, l], b, w0[s])

    def dT(self, s: np.ndarray, l: np.ndarray, b: np.ndarray, w0: np.ndarray) -> np.ndarray:
        return _dT(self.k, self.E[s], self.c[s], self.p0[s, l], self.p1[s, l], b, w0[s])


def neurons(setting: Setting, k: float, fhat: complex, a0: np.ndarray, w0: np.ndarray, others: tuple) -> Neurons:
    """The parts of T_l(k; b) for n samples: neuron 0's (a0, w0), shape (n,), and the others' (a, w, b), each
    (n, m - 1)."""
    z = math.pi * k / (2 * w0)
    ls = np.asarray(log_abs_sinh(z), dtype=float)
    c = -1j * math.pi * a0 / np.abs(w0) * np.sign(z) * np.exp(-ls)
    a_o, w_o, b_o = others
    n = a0.shape[0]
    E = np.asarray(network_transform(k, a_o, w_o, b_o)) - fhat if a_o.shape[1] else np.full(n, -complex(fhat))
    g = zcothz_minus_one(z)
    fns = reduced_gradient_fns("numpy")
    p0 = np.stack([np.broadcast_to(f(k, a0, w0, 0.0, g), (n,)) for f in fns], axis=1).astype(complex)
    p1 = np.stack([np.broadcast_to(f(k, a0, w0, 1.0, g), (n,)) for f in fns], axis=1) - p0
    return Neurons(k, E.astype(complex), c.astype(complex), p0, p1, ls)


def neuron(setting: Setting, k: float, fhat: complex, a0: float, w0: float, others: tuple) -> Neuron:
    """:func:`neurons` for one sample (``others``: three arrays of shape (m - 1,))."""
    batch = tuple(np.asarray(x, dtype=float).reshape(1, -1) for x in others)
    return neurons(setting, k, fhat, np.array([a0], dtype=float), np.array([w0], dtype=float), batch).at(0)


def _T(k: float, E: Any, c: Any, P0: Any, P1: Any, b: Any, w0: Any) -> Any:
    """Re[(conj(E) e^{iψ} + conj(c)) (P0 + P1 b)], ψ = b k/w0."""
    psi = reduced_phase(b, k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    return np.real((np.conj(E) * carrier + np.conj(c)) * (P0 + P1 * b))


def _dT(k: float, E: Any, c: Any, P0: Any, P1: Any, b: Any, w0: Any) -> Any:
    """The derivative of :func:`_T` in b."""
    psi = reduced_phase(b, k, w0)
    carrier = np.cos(psi) + 1j * np.sin(psi)
    return np.real(np.conj(E) * (1j * k / w0) * carrier * (P0 + P1 * b) + (np.conj(E) * carrier + np.conj(c)) * P1)


def T(nr: Neuron, l: int | Int[np.ndarray, "*b"], b: Float[np.ndarray, "*b"], w0: float) -> Float[np.ndarray, "*b"]:
    """T_l(k; b) = Re[(conj(E) e^{iψ} + conj(c)) Q_l(b)] for pair(s) ``l`` (an int, or an array like b)."""
    return _T(nr.k, nr.E, nr.c, nr.p0[l], nr.p1[l], b, w0)


def dT(nr: Neuron, l: int, b: np.ndarray, w0: float) -> np.ndarray:
    return _dT(nr.k, nr.E, nr.c, nr.p0[l], nr.p1[l], b, w0)


def lipschitz(nr: Neuron | Neurons, w0: Any, R: Any) -> np.ndarray:
    """Per pair, a bound of |T_l'(b)| on |b| ≤ R: |E| (k/|w0|) max|Q_l| + (|E| + |c|) |dQ_l/db| (from dT); shape
    (3,), or (n, 3) for :class:`Neurons` (``w0`` and ``R`` of shape (n,))."""
    E, c, w0, R = (np.asarray(x)[..., None] for x in (nr.E, nr.c, w0, R))
    q_max = np.abs(nr.p0) + np.abs(nr.p1) * R
    return np.abs(E) * (nr.k / np.abs(w0)) * q_max + (np.abs(E) + np.abs(c)) * np.abs(nr.p1)


def _bisect(f: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vectorised bisection for brackets with f(lo) and f(hi) of opposite signs (or a zero at an end), each to
    float64's resolution: until no float lies strictly between its ends. ``f(i, b)`` is f of brackets ``i`` at b.

    A fixed number of halvings resolves a zero only to an absolute width (1e-19 after 56 from a grid cell), and
    zeros near b = 0 need a relative one: at small δ the a- and w-pairs' zeros next to b = 0 lie a few percent
    apart at |b| ~ e^{-π k1/(2|w0|)}, so the union of their thin windows counted them as one (issue 35). Brackets
    leave the loop as they converge; those near 0 take up to ~1100 halvings."""
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    every = np.arange(lo.size)
    f_lo = f(every, lo)
    for _ in range(_BISECT_ALL):  # all brackets together (a grid cell of a k1 period to ~1e-17 of it)
        mid = 0.5 * (lo + hi)
        f_mid = f(every, mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(left, mid, lo), np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    active = every
    for _ in range(_BISECT_MAX):  # then those not yet at adjacent floats (zeros near b = 0)
        mid = 0.5 * (lo[active] + hi[active])
        open_ = (mid > lo[active]) & (mid < hi[active])
        active, mid = active[open_], mid[open_]
        if not active.size:
            break
        f_mid = f(active, mid)
        left = np.sign(f_mid) == np.sign(f_lo[active])
        lo[active[left]], f_lo[active[left]] = mid[left], f_mid[left]
        hi[active[~left]] = mid[~left]
    return 0.5 * (lo + hi)


def ragged_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts[i] items of each i, concatenated: (owner i, index 0 … counts[i] - 1 within it)."""
    owner = np.repeat(np.arange(counts.size), counts)
    return owner, np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)


def _ragged(lo: np.ndarray, hi: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points ``np.linspace(lo[i], hi[i], counts[i])`` for every i (counts ≥ 2), concatenated: (owner i, value)."""
    owner, index = ragged_index(counts)
    step = (hi - lo) / (counts - 1)
    values = lo[owner] + index * step[owner]
    values[np.cumsum(counts) - 1] = hi  # the last point exactly, as linspace
    return owner, values


def _zeros(nb: Neurons, w0: np.ndarray, R: np.ndarray, period: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zeros of T_l(k; ·) on [-R, R] of each sample s and pair l: grid points where T_l is exactly 0, and one
    bisected zero per strict sign change between neighbouring grid points (``_PER_PERIOD`` per ``period``). All
    samples and pairs share one bisection. Returns (s, l, b), sorted by s, then l, then b."""
    counts = np.ceil(2 * R / period * _PER_PERIOD).astype(np.int64) + 2
    owner, grid = _ragged(-R, R, counts)
    s, l = np.broadcast_to(owner, (3, owner.size)), np.broadcast_to(np.arange(3)[:, None], (3, owner.size))
    signs = np.sign(nb.T(s, l, np.broadcast_to(grid, (3, owner.size)), w0))
    rows, idx = np.nonzero((signs[:, :-1] * signs[:, 1:] < 0) & (owner[:-1] == owner[1:]))
    found = _bisect(lambda i, b: nb.T(owner[idx[i]], rows[i], b, w0), grid[idx], grid[idx + 1]) if idx.size else np.zeros(0)
    exact_l, exact_i = np.nonzero(signs == 0)
    zs = np.concatenate([owner[exact_i], owner[idx]])
    zl = np.concatenate([exact_l, rows])
    zb = np.concatenate([grid[exact_i], found])
    order = np.lexsort((zb, zl, zs))
    return zs[order], zl[order], zb[order]


def _merge_grouped(g: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`merge` within each group: intervals (g, lo, hi) → the merged ones, sorted by g, then lo. Empty
    intervals (hi ≤ lo) are dropped; an interval starting at or before the running end of its group's run joins it."""
    keep = hi > lo
    g, lo, hi = g[keep], lo[keep], hi[keep]
    if not g.size:
        return g, lo, hi
    order = np.lexsort((lo, g))
    g, lo, hi = g[order], lo[order], hi[order]
    # the running maximum of hi within each group, by integer keys: group · K + rank of hi (groups ascend)
    values, rank = np.unique(hi, return_inverse=True)
    K = values.size
    running = values[np.maximum.accumulate(g.astype(np.int64) * K + rank) - g.astype(np.int64) * K]
    starts = np.flatnonzero(np.concatenate([[True], (g[1:] != g[:-1]) | (lo[1:] > running[:-1])]))
    return g[starts], lo[starts], np.maximum.reduceat(hi, starts)


def _certify(
    h: Callable[[np.ndarray, np.ndarray], np.ndarray],
    lipschitz: np.ndarray,
    g: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    cell: np.ndarray,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """:func:`certified_sublevel_set` on arrays: segments (g, lo, hi) with starting cells of width ``cell`` (per
    segment), h(g, b) and ``lipschitz[g]`` per group. Returns the merged intervals (g, lo, hi) and the length left
    undecided per group, shape lipschitz.shape."""
    undecided = np.zeros(lipschitz.shape[0])
    keep = hi > lo
    g, lo, hi, cell = g[keep], lo[keep], hi[keep], cell[keep]
    counts = np.maximum(1, np.ceil((hi - lo) / cell)).astype(np.int64) + 1  # edges per segment
    owner, edges = _ragged(lo, hi, counts)
    inner = owner[:-1] == owner[1:]
    gs, cs, rs = g[owner[:-1][inner]], 0.5 * (edges[:-1] + edges[1:])[inner], 0.5 * np.diff(edges)[inner]
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for depth in range(_MAX_DEPTH + 1):
        if not gs.size:
            break
        v = h(gs, cs)
        sure = np.abs(v) > lipschitz[gs] * rs
        take = (sure | (depth == _MAX_DEPTH)) & (v <= 0)
        pieces.append((gs[take], cs[take] - rs[take], cs[take] + rs[take]))
        if depth == _MAX_DEPTH:
            np.add.at(undecided, gs[~sure], 2 * rs[~sure])
            break
        gs, cs, rs = gs[~sure], cs[~sure], rs[~sure] / 2
        gs, cs, rs = np.concatenate([gs, gs]), np.concatenate([cs - rs, cs + rs]), np.concatenate([rs, rs])
    if not pieces:
        return (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)), undecided
    merged = _merge_grouped(*(np.concatenate(x) for x in zip(*pieces)))
    return merged, undecided


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
    table = np.array(segments, dtype=float).reshape(-1, 3)
    (g, lo, hi), undecided = _certify(h, np.asarray(lipschitz), table[:, 0].astype(np.int64), table[:, 1], table[:, 2],
                                      np.full(table.shape[0], float(cell)))
    intervals: list[list[tuple[float, float]]] = [[] for _ in lipschitz]
    for l, a, b in zip(g.tolist(), lo.tolist(), hi.tolist()):
        intervals[l].append((a, b))
    return intervals, float(undecided.sum())


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


@dataclass(frozen=True)
class WindowBatch:
    """The bad windows of n samples (:func:`window_lengths_batch`), as flat tables.

    ``wide``: (s, l, lo, hi) merged certified intervals of sample s and pair l, sorted by s, l, lo; ``thin``:
    (s, l, centre, log length) of the windows measured to first order (or at 80 digits), sorted by s, l, centre;
    ``undecided``: per sample, the length the certification left to its cells' centres."""

    n: int
    wide: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    thin: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    undecided: np.ndarray

    def log_lengths(self) -> np.ndarray:
        """log of each sample's and pair's total length, shape (n, 3) (-inf where empty)."""
        s, l, lo, hi = self.wide
        wide = np.zeros((self.n, 3))
        np.add.at(wide, (s, l), hi - lo)
        ts, tl, _, log_len = self.thin
        with np.errstate(divide="ignore"):
            return _log_add_at(np.log(wide), ts * 3 + tl, log_len)

    def union(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The union over each sample's three pairs: merged wide intervals (s, lo, hi), and the thin windows outside
        them (s, centre, log length): a thin window inside another pair's wide interval, or at the centre of a
        longer one of the same sample, is counted once."""
        s, _, lo, hi = self.wide
        merged = _merge_grouped(s, lo, hi)
        ts, _, centre, log_len = self.thin
        order = np.lexsort((-log_len, centre, ts))  # per sample and centre, the longest first
        ts, centre, log_len = ts[order], centre[order], log_len[order]
        first = np.concatenate([[True], (ts[1:] != ts[:-1]) | (centre[1:] != centre[:-1])]) if ts.size else np.zeros(0, bool)
        ts, centre, log_len = ts[first], centre[first], log_len[first]
        outside = ~_inside(merged, ts, centre)
        return merged, (ts[outside], centre[outside], log_len[outside])

    def at(self, i: int) -> Windows:
        """Sample i's :class:`Windows`."""
        s, l, lo, hi = self.wide
        wide: list[list[tuple[float, float]]] = [[] for _ in range(3)]
        for pair, a, b in zip(l[s == i].tolist(), lo[s == i].tolist(), hi[s == i].tolist()):
            wide[pair].append((a, b))
        ts, tl, centre, log_len = self.thin
        thin = [np.column_stack([centre[(ts == i) & (tl == pair)], log_len[(ts == i) & (tl == pair)]]) for pair in range(3)]
        return Windows(wide, thin, float(self.undecided[i]))


def _log_add_at(log_base: np.ndarray, flat: np.ndarray, log_values: np.ndarray) -> np.ndarray:
    """log(exp(log_base) + Σ exp(log_values) added at the flat indices), without overflow or underflow."""
    out = log_base.reshape(-1).copy()
    if log_values.size:
        top = out.copy()
        np.maximum.at(top, flat, log_values)
        top = np.where(np.isfinite(top), top, 0.0)
        total = np.where(np.isfinite(out), np.exp(out - top), 0.0)
        np.add.at(total, flat, np.exp(log_values - top[flat]))
        with np.errstate(divide="ignore"):
            out = top + np.log(total)
    return out.reshape(log_base.shape)


def _inside(merged: tuple[np.ndarray, np.ndarray, np.ndarray], s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Whether each point x of sample s lies in one of the sample's merged intervals (s, lo, hi), which are
    disjoint and sorted by s, then lo: the last interval of the sample starting at or before x, found by
    searchsorted on integer keys (sample · K + rank among all the values)."""
    ms, lo, hi = merged
    if not ms.size or not s.size:
        return np.zeros(s.shape, dtype=bool)
    values, rank = np.unique(np.concatenate([lo, x]), return_inverse=True)
    K = values.size
    key_lo = ms.astype(np.int64) * K + rank[: lo.size]
    key_x = s.astype(np.int64) * K + rank[lo.size :]
    j = np.searchsorted(key_lo, key_x, side="right") - 1
    jj = np.maximum(j, 0)
    return (j >= 0) & (ms[jj] == s) & (x <= hi[jj])


def check_batch(w0: np.ndarray, others: tuple, R: np.ndarray, *, a0: np.ndarray | None = None,
                radius: str = "the half-length of b_0's segment") -> None:
    """One-line errors for a batch of conditional samples the searches cannot take: shapes, w0 = 0, R < 0,
    non-finite entries (``a0`` where the sample has one; ``radius`` says what R is)."""
    n = np.shape(w0)[0] if np.ndim(w0) == 1 else -1
    names = "a0, w0 and R" if a0 is not None else "w0 and R"
    if n < 0 or np.shape(R) != (n,) or (a0 is not None and np.shape(a0) != (n,)):
        shapes = ([np.shape(a0)] if a0 is not None else []) + [np.shape(w0), np.shape(R)]
        raise InputError(f"{names} must have one shape (n,); got {', '.join(map(str, shapes))}")
    if len(others) != 3 or any(np.ndim(x) != 2 or np.shape(x)[0] != n or np.shape(x)[1] != np.shape(others[0])[1] for x in others):
        raise InputError(f"others must be three arrays of one shape (n, m - 1) = ({n}, m - 1); got {[np.shape(x) for x in others]}")
    values = ([("a0", a0)] if a0 is not None else []) + [("w0", w0), ("R", R)]
    for name, value in values + [("others", np.concatenate([np.ravel(x) for x in others]))]:
        as_finite(name, value)
    check_nonzero("w0", w0, "ψ = b k/w0 and z = πk/(2 w0)")
    if np.any(np.asarray(R) < 0):
        raise InputError(f"R ({radius}) must be >= 0; got {float(np.min(R))}")


def window_lengths_batch(setting: Setting, a0: np.ndarray, w0: np.ndarray, others: tuple, R: np.ndarray) -> WindowBatch:
    """Bad windows in b_0 ∈ [-R, R] of the three pairs (a, w, b) of neuron 0, the rest fixed (module docstring),
    for n samples at once: every step (grids, bisection, certification) runs on all of them together; only a zero
    whose window needs 80 digits (T2 nearly vanishing there) is measured on its own.

    Bad means h_l(b) = |T_l(k1; b)| - ε |T_l(k2; b)| ≤ 0. Zeros b_n of T_l(k1) whose first-order half-width
    ε|T2(b_n)|/|T1'(b_n)| is below 1e-7 of the k2 period are thin: that formula (80-digit mpmath where T2(b_n)
    nearly vanishes) measures them, inside a zone of ±1e-3 period around b_n where T1 is linear to 1e-2 and
    ε|T2| flat (checked: ε sup|T2'| ≤ 1e-3 |T1'(b_n)|). Everything else — wide windows, and windows with no
    zero of T1 — is certified (:func:`certified_sublevel_set`) on [-R, R] minus the zones.

    Args:
        setting: Theorem 1's setting (k1 < k2, f̂ at both).
        a0, w0: neuron 0's output and input weights (w0 ≠ 0), shape (n,).
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (n, m - 1).
        R: the segments' half-lengths (> 0), shape (n,): what the ball leaves to b_0 once the rest is drawn.

    Returns:
        the :class:`WindowBatch`.
    """
    check_batch(w0, others, R, a0=a0)
    n = a0.shape[0]
    n1 = neurons(setting, setting.k1, complex(setting.fhat1), a0, w0, others)
    n2 = neurons(setting, setting.k2, complex(setting.fhat2), a0, w0, others)
    log_eps = n1.log_sinh - n2.log_sinh
    eps = np.exp(log_eps)
    period, period2 = 2 * math.pi * np.abs(w0) / setting.k1, 2 * math.pi * np.abs(w0) / setting.k2
    lip1, lip2 = lipschitz(n1, w0, R), lipschitz(n2, w0, R)
    zone = _ZONE * period2
    zs, zl, zb = _zeros(n1, w0, R, period)
    keep = np.abs(zb) < R[zs]
    zs, zl, zb = zs[keep], zl[keep], zb[keep]
    v2, d1 = np.abs(n2.T(zs, zl, zb, w0)), np.abs(n1.dT(zs, zl, zb, w0))
    with np.errstate(divide="ignore"):
        log_half = log_eps[zs] + np.log(v2) - np.log(d1)
    is_thin = (log_half < np.log(PERTURBATIVE * period2[zs])) & (eps[zs] * lip2[zs, zl] <= _ZONE * d1)
    group = zs * 3 + zl
    apart = (group[1:] != group[:-1]) | (np.diff(zb) > 2 * zone[zs[1:]])  # zones must not overlap
    is_thin &= np.concatenate([[True], apart]) & np.concatenate([apart, [True]])
    scale2 = np.abs(np.conj(n2.E[zs]) * (n2.p0[zs, zl] + n2.p1[zs, zl] * zb)) + 1e-300
    log_len = np.log(2) + log_half
    for i in np.flatnonzero(is_thin & (v2 < _COINCIDENT * scale2)):  # where T2 nearly vanishes too: 80 digits
        s = zs[i]
        others_mp = tuple(tuple(float(v) for v in arr[s]) for arr in others)
        t2m, d1m, log_eps_m, scale_m = mp_T_values(setting, int(zl[i]), float(a0[s]), float(w0[s]), others_mp, float(zb[i]))
        if t2m <= _MP_ZERO * scale_m * mpmath.exp(-abs(mpmath.pi * setting.k1 / (2 * float(w0[s])))):  # an exact zero
            log_len[i] = -np.inf
        else:
            log_len[i] = math.log(2) + float(log_eps_m + mpmath.log(t2m) - mpmath.log(d1m))
    measured = is_thin & np.isfinite(log_len)
    thin = (zs[measured], zl[measured], zb[measured], log_len[measured])
    # the segments: each sample's [-R, R] for each pair, minus the thin zeros' zones
    ts, tl, tb = zs[is_thin], zl[is_thin], zb[is_thin]
    groups = np.arange(3 * n)
    g_lo = np.concatenate([groups, ts * 3 + tl])
    g_hi = np.concatenate([ts * 3 + tl, groups])
    lo = np.concatenate([-np.repeat(R, 3), tb + zone[ts]])
    hi = np.concatenate([tb - zone[ts], np.repeat(R, 3)])
    lo_order, hi_order = np.lexsort((lo, g_lo)), np.lexsort((hi, g_hi))
    seg_g = g_lo[lo_order]
    bound = np.repeat(R, 3)[seg_g]
    seg_lo, seg_hi = np.clip(lo[lo_order], -bound, bound), np.clip(hi[hi_order], -bound, bound)

    def h(g: np.ndarray, b: np.ndarray) -> np.ndarray:
        s, l = g // 3, g % 3
        return np.abs(n1.T(s, l, b, w0)) - eps[s] * np.abs(n2.T(s, l, b, w0))

    (wg, wlo, whi), undecided = _certify(h, (lip1 + eps[:, None] * lip2).reshape(-1), seg_g, seg_lo, seg_hi, period2[seg_g // 3] / 32)
    return WindowBatch(n, (wg // 3, wg % 3, wlo, whi), thin, undecided.reshape(n, 3).sum(axis=1))


def window_lengths(setting: Setting, a0: float, w0: float, others: tuple, R: float) -> Windows:
    """:func:`window_lengths_batch` for one sample: the bad windows in b_0 ∈ [-R, R] of the three pairs (a, w, b)
    of neuron 0, the rest fixed.

    Args:
        setting: Theorem 1's setting (k1 < k2, f̂ at both).
        a0, w0: neuron 0's output and input weights (w0 ≠ 0).
        others: (a, w, b) of the other m - 1 neurons, three arrays of shape (m - 1,).
        R: the segment's half-length: what the ball of radius δ leaves to b_0 once the rest is drawn.

    Returns:
        the :class:`Windows`: certified wide intervals and measured thin windows per pair, and the undecided length.
    """
    batch = tuple(np.asarray(x, dtype=float).reshape(1, -1) for x in others)
    one = lambda x: np.array([x], dtype=float)
    return window_lengths_batch(setting, one(a0), one(w0), batch, one(R)).at(0)


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


def log_eps(setting: Setting, w: Any) -> Any:
    """log ε(w) = log|sinh z1| - log|sinh z2|, z_i = π k_i/(2w): a float for a float w, an array for an array."""
    w = np.asarray(w, dtype=float)
    out = log_abs_sinh(math.pi * setting.k1 / (2 * w)) - log_abs_sinh(math.pi * setting.k2 / (2 * w))
    return float(out) if np.ndim(out) == 0 else out


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
