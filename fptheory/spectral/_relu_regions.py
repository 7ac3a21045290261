"""A ReLU network on a box as what it is, a continuous piecewise-affine function: its linear regions (convex polygons
in d = 2, intervals in d = 1) with the affine map on each, and its Fourier transform on the box as the sum of the
regions' closed-form transforms (Rahaman et al. 2019, arXiv:1806.08734, Sec. 2: f = Σ_φ 1_{P_φ}(x)(W_φ·x + b_φ)).

Regions: start from the box with the identity map and, layer by layer, split every region along each neuron's line
z_j(x) = 0 (z_j affine on the region), keeping the pieces of positive area; on each piece the layer's activation
pattern is fixed, so the next layer's input is again affine there. Exact up to floating point in the vertices.

Transform: ĝ(k) = ∫_B f(x) e^{-ik·x} dx (convention of :mod:`fptheory.symbolic._polygon`), each region's term by the
divergence theorem from the sympy-derived edge integrals; k = 0 by the centroid formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["Region", "linear_regions", "polygon_transform", "regions_transform", "kinks_transform",
           "Edges", "region_edges", "asymptotic_start", "envelope_slope", "Pieces", "linear_pieces", "pieces_transform"]

_CHUNK = 2_000_000  # frequencies × edges per vectorised block (32 MB per complex array)
_AREA_FLOOR = 1e-18  # pieces thinner than this (relative to the box) are dropped: they carry no measure


@dataclass(frozen=True)
class Region:
    """A convex polygon (vertices counter-clockwise, shape (V, 2)) and the network's affine map there: f = W·x + c."""

    vertices: np.ndarray
    W: np.ndarray
    c: float

    def area(self) -> float:
        return _area(self.vertices)


def _area(v: np.ndarray) -> float:
    x, y = v[:, 0], v[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _clip(vertices: np.ndarray, normal: np.ndarray, offset: float) -> np.ndarray:
    """The part of a convex polygon where normal·x + offset ≥ 0 (Sutherland-Hodgman against one half-plane)."""
    values = vertices @ normal + offset
    out = []
    for i in range(len(vertices)):
        p, q, vp, vq = vertices[i], vertices[(i + 1) % len(vertices)], values[i], values[(i + 1) % len(vertices)]
        if vp >= 0:
            out.append(p)
        if (vp >= 0) != (vq >= 0):
            out.append(p + (vp / (vp - vq)) * (q - p))
    return np.array(out) if len(out) >= 3 else np.zeros((0, 2))


def linear_regions(layers: list[dict[str, Any]], box: tuple[float, float, float, float]) -> list[Region]:
    """The linear regions of a ReLU MLP R² → R on the box [x0, x1] × [y0, y1].

    Args:
        layers: [{"W": (fan_in, fan_out), "b": (fan_out,)}, …], ReLU between layers, the last one linear with one output
            (fptheory.train.MLP's parameters, as NumPy arrays).
        box: (x0, x1, y0, y1) with x0 < x1 and y0 < y1.

    Returns:
        the regions, covering the box (their areas add up to its area).
    """
    x0, x1, y0, y1 = (float(v) for v in box)
    if not (x0 < x1 and y0 < y1):
        raise InputError(f"box must be (x0, x1, y0, y1) with x0 < x1 and y0 < y1 (a box of nonzero area); got {box!r}")
    if np.shape(layers[0]["W"])[0] != 2 or np.shape(layers[-1]["W"])[1] != 1:
        raise InputError("linear_regions takes a network with 2 inputs and 1 output")
    floor = _AREA_FLOOR * (x1 - x0) * (y1 - y0)
    # each region: vertices, and the affine map of the current layer's input, h = A x + a (A: (2, width))
    regions = [(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), np.eye(2), np.zeros(2))]
    for layer in layers[:-1]:
        W, b = np.asarray(layer["W"], dtype=np.float64), np.asarray(layer["b"], dtype=np.float64)
        split = []
        for vertices, A, a in regions:
            normals, offsets = A @ W, a @ W + b  # z_j = normals[:, j]·x + offsets[j]
            pieces = [(vertices, np.ones(W.shape[1], dtype=bool))]
            for j in range(W.shape[1]):
                next_pieces = []
                for poly, pattern in pieces:
                    for sign in (1.0, -1.0):
                        part = _clip(poly, sign * normals[:, j], sign * offsets[j])
                        if len(part) and _area(part) > floor:
                            p = pattern.copy()
                            p[j] = sign > 0
                            next_pieces.append((part, p))
                pieces = next_pieces
            for poly, pattern in pieces:
                split.append((poly, normals * pattern, offsets * pattern))
        regions = split
    W_out, b_out = np.asarray(layers[-1]["W"], dtype=np.float64)[:, 0], float(np.asarray(layers[-1]["b"]).reshape(-1)[0])
    return [Region(poly, A @ W_out, float(a @ W_out + b_out)) for poly, A, a in regions]


def polygon_transform(vertices: np.ndarray, W: np.ndarray, c: float, k: np.ndarray,
                      box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """∫_P (W·x + c) e^{-ik·x} dx over a polygon P (vertices counter-clockwise), for each row of k (shape (K, 2)).

    With ``box``, the terms of the edges that lie on the box's boundary are left out (k ≠ 0): summed over a network's
    regions, what remains is the kinks' part (module docstring of :func:`kinks_transform`).

    Returns:
        shape (K,), complex.
    """
    return regions_transform([Region(np.asarray(vertices, dtype=np.float64), np.asarray(W, dtype=np.float64), float(c))],
                             k, box)


def regions_transform(regions: list[Region], k: np.ndarray, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Σ over the regions of ∫_P (W·x + c) e^{-ik·x} dx: the transform of the network restricted to the box.

    Each region's term by the divergence theorem, a sum over its edges p → p + t (outward normal n = (t₂, -t₁)):
    i(k·n)/|k|² e^{-ik·p} [g(p) E0(k·t) + (W·t) E1(k·t)] - i(k·W)/|k|² · i(k·n)/|k|² e^{-ik·p} E0(k·t), with
    g = W·x + c; at k = 0, area × g(centroid). With ``box``, the edges on the box's boundary are left out (k ≠ 0).
    All edges of all regions in one vectorised sum, in blocks of frequencies.

    Returns:
        shape (K,), complex.
    """
    from fptheory.symbolic._polygon import edge_integral_fns

    E0, E1 = edge_integral_fns()
    k = np.atleast_2d(np.asarray(k, dtype=np.float64))
    edges = region_edges(regions, box)
    p, t, W, c = edges.start, edges.tangent, edges.gradient, edges.offset
    n = np.column_stack([t[:, 1], -t[:, 0]])  # outward for counter-clockwise vertices
    g_p = np.sum(p * W, axis=1) + c
    slope = np.sum(t * W, axis=1)
    norm2 = np.sum(k * k, axis=1)
    zero = norm2 == 0
    safe = np.where(zero, 1.0, norm2)
    out = np.zeros(len(k), dtype=complex)
    rows = max(1, _CHUNK // max(1, len(p)))
    for i in range(0, len(k), rows):
        kk, s2 = k[i : i + rows], safe[i : i + rows, None]
        alpha = kk @ t.T
        e0 = E0(alpha)
        flux_phase = 1j * (kk @ n.T) / s2 * np.exp(-1j * (kk @ p.T))
        gradient = -1j * (kk @ W.T) / s2
        out[i : i + rows] = np.sum(flux_phase * ((g_p + 0j) * e0 + slope * E1(alpha) + gradient * e0), axis=1)
    if zero.any() and box is None:  # ∫_P g = area · g(centroid), summed over the regions
        out[zero] = sum(r.area() * (_centroid(r.vertices) @ r.W + r.c) for r in regions)
    return out


def _centroid(v: np.ndarray) -> np.ndarray:
    w = np.roll(v, -1, axis=0)
    cross = v[:, 0] * w[:, 1] - w[:, 0] * v[:, 1]
    return np.sum((v + w) * cross[:, None], axis=0) / (6 * _area(v))


def _on_boundary(p: np.ndarray, q: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Whether each edge p → q lies on the box's boundary (both ends on the same side, to rounding)."""
    x0, x1, y0, y1 = box
    tol = 1e-12 * max(x1 - x0, y1 - y0)
    sides = [(0, x0), (0, x1), (1, y0), (1, y1)]
    return np.any([(np.abs(p[:, a] - v) <= tol) & (np.abs(q[:, a] - v) <= tol) for a, v in sides], axis=0)


@dataclass(frozen=True)
class Edges:
    """Edges of regions, each as seen from the region it bounds: start point p, tangent t (the edge runs p → p + t,
    counter-clockwise about that region), and the region's map f = W·x + c as its gradient W and offset c; shapes
    (E, 2), (E, 2), (E, 2) and (E,)."""

    start: np.ndarray
    tangent: np.ndarray
    gradient: np.ndarray
    offset: np.ndarray


def region_edges(regions: list[Region], box: tuple[float, float, float, float] | None = None) -> Edges:
    """Every edge of every region, one row per edge of each region; with ``box`` (the box of :func:`linear_regions`),
    only the edges inside it: the network's kinks, each seen from both regions it separates."""
    p = np.concatenate([np.asarray(r.vertices, dtype=np.float64) for r in regions]).reshape(-1, 2)
    q = np.concatenate([np.roll(np.asarray(r.vertices, dtype=np.float64), -1, axis=0) for r in regions]).reshape(-1, 2)
    W = np.concatenate([np.broadcast_to(np.asarray(r.W, dtype=np.float64), (len(r.vertices), 2))
                        for r in regions]).reshape(-1, 2)
    c = np.concatenate([np.full(len(r.vertices), r.c) for r in regions])
    if box is not None:
        keep = ~_on_boundary(p, q, box)
        p, q, W, c = p[keep], q[keep], W[keep], c[keep]
    return Edges(p, q - p, W, c)


def kinks_transform(regions: list[Region], box: tuple[float, float, float, float], k: np.ndarray) -> np.ndarray:
    """The part of the box-restricted network's transform that its kinks make, for k ≠ 0 (rows of k, shape (K, 2)).

    Summed over the regions, each edge inside the box appears twice with opposite normals; f is continuous, so the
    value terms cancel and the edge leaves ((W₊ - W₋)·k)(k·n) ∫_e e^{-ik·x} dl / |k|⁴, the jump of the gradient
    across it (n its unit normal times its length). That is the transform of the network's distributional Hessian
    along k, kᵀ(∇²f)k, divided by |k|⁴: it decays like |k|^{-3} in generic directions and like |k|^{-2} along the
    normal of a kink line (Rahaman et al. 2019, Theorem 1, d = 2). The edges on the box's boundary, left out here,
    carry the jump of f · 1_B at the boundary, which decays only like |k|^{-2} (generic) and |k|^{-1} (along the
    box's normals) and would hide the kinks' law.

    Computed as Σ over the regions' interior edges of (W·k)(k·n_out) e^{-ik·p} E0(k·t) / |k|⁴, the value terms left
    out (they cancel exactly): the sum of :func:`polygon_transform` with ``box`` less a cancellation that loses
    digits like |k|² (the terms are O(1/|k|), the result O(|k|^{-3})), so it stays accurate at any |k|.
    """
    from fptheory.symbolic._polygon import edge_integral_fns

    E0, _ = edge_integral_fns()
    k = np.atleast_2d(np.asarray(k, dtype=np.float64))
    norm2 = np.sum(k * k, axis=1)
    if np.any(norm2 == 0):
        raise InputError("kinks_transform takes nonzero frequencies k (the kinks' part is defined for k ≠ 0)")
    edges = region_edges(regions, box)
    normal = np.column_stack([edges.tangent[:, 1], -edges.tangent[:, 0]])  # outward, scaled by the edge's length
    out = np.zeros(len(k), dtype=complex)
    rows = max(1, _CHUNK // max(1, len(normal)))
    for i in range(0, len(k), rows):
        kk = k[i : i + rows]
        weight = (kk @ edges.gradient.T) * (kk @ normal.T)
        terms = weight * np.exp(-1j * (kk @ edges.start.T)) * E0(kk @ edges.tangent.T)
        out[i : i + rows] = np.sum(terms, axis=1) / norm2[i : i + rows] ** 2
    return out


def asymptotic_start(tangents: np.ndarray, direction: np.ndarray, *, periods: float = 50.0,
                     skip_orthogonal: bool = False) -> float:
    """The radius r from which the edge integrals are asymptotic along k = r u: every edge (tangent t, rows of shape (E, 2)) has
    |k·t| ≥ ``periods``, so each edge integral E0(k·t) is in its 1/(k·t) regime. With ``skip_orthogonal`` the edges
    orthogonal to u (|t·u| ≤ 1e-9 |t|: u is their normal, their integral does not decay) are not counted.

    Returns:
        r (inf where no edge counts).
    """
    u = np.asarray(direction, dtype=np.float64) / np.linalg.norm(direction)
    t = np.asarray(tangents, dtype=np.float64).reshape(-1, np.size(u))
    alpha = np.abs(t @ u)
    if skip_orthogonal:
        alpha = alpha[alpha > 1e-9 * np.linalg.norm(t, axis=1)]
    alpha = alpha[alpha > 0]
    return float(periods / alpha.min()) if alpha.size else math.inf


def envelope_slope(transform: Callable[[np.ndarray], np.ndarray], direction: np.ndarray, start: float, *,
                   decades: float = 2.0, samples: int = 4800, windows: int = 12) -> tuple[float, float]:
    """The decay exponent of |F(r u)| along the unit vector u: the slope of log max|F| over each of ``windows``
    log-spaced windows of r against log r (their geometric centres), r from ``start`` over ``decades`` decades
    (scipy.stats.linregress), with its standard error. F oscillates, so its maxima over windows trace the envelope
    C r^s that the decay laws are about.

    Args:
        transform: F, taking frequencies of shape (K, d) to values of shape (K,).
        direction: u, shape (d,) (normalised here).
        start: the first radius, > 0.

    Returns:
        (slope, standard error).
    """
    from scipy.stats import linregress

    if not (math.isfinite(start) and start > 0):
        raise InputError(f"start must be a finite positive radius; got {start!r}")
    u = np.asarray(direction, dtype=np.float64) / np.linalg.norm(direction)
    r = np.geomspace(start, start * 10**decades, samples)
    F = np.abs(transform(r[:, None] * u[None, :]))
    edges = np.geomspace(r[0], r[-1], windows + 1)
    which = np.minimum(np.searchsorted(edges, r, side="right") - 1, windows - 1)
    peaks = np.array([F[which == w].max() for w in range(windows)])
    if not np.all(np.isfinite(peaks) & (peaks > 0)):
        raise ValueError("the transform vanishes (or is not finite) over a window along this direction: no decay to fit")
    fit = linregress(np.log(np.sqrt(edges[:-1] * edges[1:])), np.log(peaks))
    return float(fit.slope), float(fit.stderr)


@dataclass(frozen=True)
class Pieces:
    """A ReLU network R → R on an interval: breakpoints x_0 < … < x_P (the interval's ends first and last) and the
    slope w_i and intercept c_i on [x_i, x_{i+1}]."""

    breaks: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray


def linear_pieces(layers: list[dict[str, Any]], interval: tuple[float, float]) -> Pieces:
    """The linear pieces of a ReLU MLP R → R on [x0, x1]: the 1-d case of :func:`linear_regions`, by splitting the
    interval at every neuron's zero, layer by layer.

    Args:
        layers: as for :func:`linear_regions`, with 1 input and 1 output.
        interval: (x0, x1), x0 < x1.
    """
    x0, x1 = (float(v) for v in interval)
    if not x0 < x1:
        raise InputError(f"interval must be (x0, x1) with x0 < x1 (nonzero length); got {interval!r}")
    if np.shape(layers[0]["W"])[0] != 1 or np.shape(layers[-1]["W"])[1] != 1:
        raise InputError("linear_pieces takes a network with 1 input and 1 output")
    pieces = [(x0, x1, np.ones(1), np.zeros(1))]  # (lo, hi, A, a): the layer's input h = A x + a there
    for layer in layers[:-1]:
        W, b = np.asarray(layer["W"], dtype=np.float64), np.asarray(layer["b"], dtype=np.float64)
        out = []
        for lo, hi, A, a in pieces:
            slope, offset = A @ W, a @ W + b  # z_j = slope_j x + offset_j
            with np.errstate(divide="ignore", invalid="ignore"):
                zeros = -offset / slope
            cuts = np.unique(np.concatenate([[lo, hi], zeros[(zeros > lo) & (zeros < hi)]]))
            for u, v in zip(cuts[:-1], cuts[1:]):
                active = (slope * 0.5 * (u + v) + offset) > 0
                out.append((u, v, slope * active, offset * active))
        pieces = out
    w_out, b_out = np.asarray(layers[-1]["W"], dtype=np.float64)[:, 0], float(np.asarray(layers[-1]["b"]).reshape(-1)[0])
    breaks = np.array([p[0] for p in pieces] + [pieces[-1][1]])
    return Pieces(breaks, np.array([float(A @ w_out) for _, _, A, _ in pieces]),
                  np.array([float(a @ w_out) + b_out for _, _, _, a in pieces]))


def pieces_transform(pieces: Pieces, k: np.ndarray, kinks_only: bool = False) -> np.ndarray:
    """∫_{x0}^{x1} f(x) e^{-ikx} dx for each k (shape (K,)), summed over the pieces from the edge integrals:
    ∫_a^b (w x + c) e^{-ikx} dx = L e^{-ika} [(w a + c) E0(kL) + w L E1(kL)], L = b - a. With ``kinks_only`` (k ≠ 0),
    the kinks' part: -Σ_interior breaks (w_right - w_left) e^{-ik x_b} / k², which decays like |k|^{-2}
    (= |k|^{-(d+1)}, d = 1), where the whole transform decays only like |k|^{-1} from f's jumps at the ends."""
    from fptheory.symbolic._polygon import edge_integral_fns

    k = np.asarray(k, dtype=np.float64)
    if kinks_only:
        jumps = np.diff(pieces.slopes)
        return -np.sum(jumps[None, :] * np.exp(-1j * np.outer(k, pieces.breaks[1:-1])), axis=1) / k**2
    E0, E1 = edge_integral_fns()
    a, L = pieces.breaks[:-1], np.diff(pieces.breaks)
    alpha = np.outer(k, L)
    start = pieces.slopes * a + pieces.intercepts
    terms = L * np.exp(-1j * np.outer(k, a)) * (start * E0(alpha) + pieces.slopes * L * E1(alpha))
    return np.sum(terms, axis=1)
