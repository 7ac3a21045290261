"""Independent high-precision references: the paper's formulas typed in and evaluated with mpmath.

These are *not* derived: they are the polar forms of Xu et al. (2020, arXiv:1901.06523), Eqs. 26-30, with
the signs of docs/theory.md §2-3, written out by hand, so that fptheory's sympy derivations and stable numerics
can be checked against something that did not come from them. Evaluate inside ``mpmath.workdps(...)``
at the precision you need; inputs are taken as exact (floats are converted without rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np

from fptheory._checks import InputError

__all__ = [
    "mp_network_transform",
    "mp_loss_gradient",
    "mp_sech2_transform",
    "mp_theorem2_area_m1",
    "central_difference_gradient",
]


def mp_sech2_transform(k: mpmath.mpf) -> mpmath.mpf:
    """``∫ sech²(x) e^{-ikx} dx = πk / sinh(πk/2)`` (docs/theory.md §1), 2 at k = 0.

    Args:
        k: the frequency.

    Returns:
        the transform at mpmath's working precision.
    """
    k = mpmath.mpf(k)
    return mpmath.mpf(2) if k == 0 else mpmath.pi * k / mpmath.sinh(mpmath.pi * k / 2)


def mp_network_transform(k: float, a: Sequence[float], w: Sequence[float], b: Sequence[float]) -> mpmath.mpc:
    """``ĥ(k) = Σ_j (2π a_j i/|w_j|) e^{i b_j k/w_j} E_j(k)``, ``E_j = -1/(2 sinh(πk/(2w_j)))`` (Eq. 26).

    Args:
        k: the frequency (≠ 0).
        a, w, b: the m neurons' output weights, input weights (≠ 0) and biases.

    Returns:
        ĥ(k) at mpmath's working precision.
    """
    k = mpmath.mpf(k)
    total = mpmath.mpc(0)
    for aj, wj, bj in zip(a, w, b, strict=True):
        aj, wj, bj = mpmath.mpf(aj), mpmath.mpf(wj), mpmath.mpf(bj)
        E = -1 / (2 * mpmath.sinh(mpmath.pi * k / (2 * wj)))
        total += 2 * mpmath.pi * aj * 1j / abs(wj) * mpmath.expj(bj * k / wj) * E
    return total


def mp_loss_gradient(
    k: float, a: Sequence[float], w: Sequence[float], b: Sequence[float], fhat: complex, j: int
) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """``(∂L/∂a_j, ∂L/∂w_j, ∂L/∂b_j)`` from the polar forms of docs/theory.md §3 (Eqs. 28-30).

    With ``D = ĥ - f̂ = A e^{iφ}``, ``g_j = (2π/|w_j|) E_j``, ``ψ_j = b_j k/w_j``:
    ``∂L/∂a = A g sin(φ-ψ)``, ``∂L/∂b = -A a g (k/w) cos(ψ-φ)``,
    ``∂L/∂w = A a g [sin(φ-ψ)(-1/w + (πk/(2w²)) coth(πk/(2w))) + (bk/w²) cos(ψ-φ)]``.

    Args:
        k: the frequency (≠ 0).
        a, w, b: the m neurons' parameters.
        fhat: the target's transform f̂(k).
        j: the neuron (0-based).

    Returns:
        the three partial derivatives at mpmath's working precision.
    """
    k = mpmath.mpf(k)
    D = mp_network_transform(k, a, w, b) - mpmath.mpc(fhat)
    A, phi = abs(D), mpmath.arg(D)
    aj, wj, bj = mpmath.mpf(a[j]), mpmath.mpf(w[j]), mpmath.mpf(b[j])
    z = mpmath.pi * k / (2 * wj)
    g = (2 * mpmath.pi / abs(wj)) * (-1 / (2 * mpmath.sinh(z)))
    psi = bj * k / wj
    da = A * g * mpmath.sin(phi - psi)
    db = -A * aj * g * (k / wj) * mpmath.cos(psi - phi)
    dw = A * aj * g * (
        mpmath.sin(phi - psi) * (-1 / wj + (mpmath.pi * k / (2 * wj**2)) * mpmath.coth(z))
        + (bj * k / wj**2) * mpmath.cos(psi - phi)
    )
    return da, dw, db


def central_difference_gradient(
    f: Callable[..., float], params: Sequence[np.ndarray], *, relative_step: float = 1e-3
) -> np.ndarray:
    """Gradient of ``f(*params)`` by 4th-order central differences, stacked like ``params``.

    ``f'(x) ≈ (-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / (12h)``, ``h = relative_step · max(1, |x|)``:
    truncation error O(h⁴), rounding error O(ε/h) — about 1e-12 and 1e-13 for O(1) inputs in float64.

    Args:
        f: a scalar function of the arrays ``params``.
        params: the arrays at which to differentiate.
        relative_step: h relative to max(1, |x|).

    Returns:
        the gradient, shape (len(params), *params[0].shape): the params must share one shape.
    """
    grad = np.zeros((len(params), *np.shape(params[0])))
    for l, arr in enumerate(params):
        for j in np.ndindex(np.shape(arr)):
            h = relative_step * max(1.0, abs(float(arr[j])))
            values = []
            for step in (2, 1, -1, -2):
                moved = [np.array(p, dtype=float, copy=True) for p in params]
                moved[l][j] += step * h
                values.append(f(*moved))
            grad[(l, *j)] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
    return grad


def mp_pair_fraction_m1(
    k1: float,
    k2: float,
    fhat1: complex,
    fhat2: complex,
    delta: float,
    pair: str,
    *,
    nodes: tuple[int, int] = (12, 10),
    cut: float = 1e-9,
) -> mpmath.mpf:
    """μ(Q_l ∩ B_δ)/μ(B_δ) for one neuron (m = 1) by deterministic quadrature, from docs/theory.md's formulas.

    θ = (a, w, b) ∈ B_δ ⊂ R³; Q_l = {|∂L(k1)/∂θ_l| ≤ |∂L(k2)/∂θ_l|} with the gradients of
    :func:`mp_loss_gradient`. The set is symmetric under θ → -θ, so w > 0 is integrated and doubled. For
    each w the bad b form thin windows around the zeros b_n of ∂L(k1)/∂θ_l; each window is a strip crossing
    the disk a² + b² ≤ δ² - w², of exact length len_n(a, w) (edges by mpmath root finding, at a precision
    that resolves them). So

        p = (2 / vol B_δ) Σ_n ∫_{w_min}^{w_n*} dw ∫_{-A_n(w)}^{A_n(w)} len_n(a, w) da,   A_n = sqrt(δ² - w² - b_n²),

    with w_n* where A_n vanishes. Both integrals are Gauss-Legendre with ``nodes`` points, the outer one
    after w = w_n* - (w_n* - w_min) s² (which removes the square-root end), the inner one on each side of
    a = 0 (where a window that is closed at leading order has a kink: it opens in proportion to |a|). Windows are followed by their
    phase ψ = b k1/w from the leading-order zeros of the k1 factor. The w below w_min, where
    e^{-π(k2-k1)/(2w)} is below ``cut`` times its value at δ, are left out (their share is below ``cut``).
    """
    l = {"a": 0, "w": 1, "b": 2}[pair]
    k1m, k2m, d = mpmath.mpf(k1), mpmath.mpf(k2), mpmath.mpf(delta)
    c = mpmath.pi * (k2m - k1m) / 2
    w_min = 1 / (1 / d + mpmath.log(1 / mpmath.mpf(cut)) / c)
    digits = int(float(c / w_min / mpmath.log(10))) + 30
    with mpmath.workdps(digits):

        def grad(k: mpmath.mpf, fhat: complex, a: mpmath.mpf, w: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
            return mp_loss_gradient(k, [a], [w], [b], fhat, 0)[l]

        def window(a: mpmath.mpf, w: mpmath.mpf, psi0: mpmath.mpf) -> mpmath.mpf:
            """Exact length of the window around the zero of ∂L(k1)/∂θ_l near phase psi0 (0 if closed)."""
            g1 = lambda b: grad(k1m, fhat1, a, w, b)
            # one zero lies within ±π/2 of its leading-order phase: bracket it there, to well below the window's
            # width (~e^{-c/w} w; digits cover e^{-c/w_min})
            lo, hi = w * (psi0 - mpmath.pi / 2) / k1m, w * (psi0 + mpmath.pi / 2) / k1m
            zero = _mp_root(g1, lo, hi, mpmath.mpf(10) ** (-digits + 15) * w)
            gap = lambda b: abs(g1(b)) / abs(grad(k2m, fhat2, a, w, b)) - 1
            first = abs(grad(k2m, fhat2, a, w, zero)) / abs(mpmath.diff(g1, zero))
            if first == 0 or first < mpmath.mpf(10) ** (-digits + 10) * w:
                return mpmath.mpf(0)
            edges = []
            for sign in (-1, 1):
                step = first
                while gap(zero + sign * step) <= 0 and step < w:
                    step *= 2
                edges.append(_mp_root(gap, zero, zero + sign * step, 1e-12 * step))
            return abs(edges[1] - edges[0])

        phi1 = mpmath.arg(-mpmath.mpc(fhat1))
        shift = mpmath.pi / 2 if pair == "b" else 0
        span = int(float(d * k1m / w_min / mpmath.pi)) + 2
        s_nodes, s_weights = _gauss_legendre(nodes[0])
        a_nodes, a_weights = _gauss_legendre(nodes[1])
        total = mpmath.mpf(0)
        for n in range(-span, span + 1):
            psi = phi1 + shift + n * mpmath.pi
            w_star = d / mpmath.sqrt(1 + (psi / k1m) ** 2)
            if w_star <= w_min:
                continue
            for s, ws in zip(s_nodes, s_weights):  # s ∈ (0, 1): w = w* - (w* - w_min) s²
                w = w_star - (w_star - w_min) * s**2
                jac = 2 * (w_star - w_min) * s
                A2 = d**2 - w**2 * (1 + (psi / k1m) ** 2)
                if A2 <= 0:
                    continue
                A = mpmath.sqrt(A2)
                # split at a = 0: a closed window opens in proportion to |a| (a kink there)
                inner = sum(wa * (window(A * t, w, psi) + window(-A * t, w, psi)) for t, wa in zip(a_nodes, a_weights)) * A
                total += ws * jac * inner
        return 2 * total / (4 * mpmath.pi * d**3 / 3)


def _mp_root(f: Callable[[mpmath.mpf], mpmath.mpf], lo: mpmath.mpf, hi: mpmath.mpf, width: Any) -> mpmath.mpf:
    """A zero of ``f`` in the bracket [lo, hi] (either order): mpmath's anderson solver on f scaled to order 1
    (fast), or where it stops short of its tolerance on |f| — the deep tail's gradients, issue 35 — or leaves the
    bracket, bisection to ``width``."""
    scale = max(abs(f(lo)), abs(f(hi)))
    if scale > 0:
        try:
            zero = mpmath.findroot(lambda b: f(b) / scale, (lo, hi), solver="anderson")
            if min(lo, hi) <= zero <= max(lo, hi):
                return zero
        except (ValueError, ZeroDivisionError):
            pass
    return _mp_bisect(f, lo, hi, width)


def _mp_bisect(f: Callable[[mpmath.mpf], mpmath.mpf], lo: mpmath.mpf, hi: mpmath.mpf, width: Any,
               relative: Any = 0) -> mpmath.mpf:
    """A zero of ``f`` between ``lo`` and ``hi`` (either order; f changes sign there, or is 0 at an end), by
    bisection until the bracket is below ``width``, or below ``relative`` times |lo + hi| (a zero's own size, for
    zeros near 0)."""
    f_lo = f(lo)
    if f_lo == 0:
        return lo
    while abs(hi - lo) > max(width, relative * abs(lo + hi)):
        mid = (lo + hi) / 2
        f_mid = f(mid)
        if f_mid == 0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def _gauss_legendre(n: int) -> tuple[list[mpmath.mpf], list[mpmath.mpf]]:
    """Gauss-Legendre nodes and weights on (0, 1)."""
    x, wts = np.polynomial.legendre.leggauss(n)
    return [mpmath.mpf((float(t) + 1) / 2) for t in x], [mpmath.mpf(float(v) / 2) for v in wts]


def mp_theorem2_area_m1(
    k1: float,
    k2: float,
    fhat1: complex,
    fhat2: complex,
    w: float,
    b_centre: float,
    a_half: float,
    b_half: float,
    *,
    nodes: int = 24,
    grid: int = 41,
) -> mpmath.mpf:
    """Area of Theorem 2's bad set {|∇L(k1)|² < |∇L(k2)|²} of a one-neuron network (w fixed) inside the box
    |a| ≤ a_half, |b - b_centre| ≤ b_half, from :func:`mp_loss_gradient` at the working precision.

    Assumes the set in the box is one convex region around a = 0 (a thin ellipse). For each a, the window
    in b is bracketed on a grid and its edges found by root-finding; the a-extent ±A is the root of
    min_b F(a, b) (F = |∇L1|²/|∇L2|² - 1, its minimum over b refined by parabolic steps); the integral of
    the window length over [-A, A] uses Gauss-Chebyshev nodes of the second kind (the length vanishes like
    sqrt(A² - a²) at the ends, so the rule converges fast).

    Args:
        k1, k2: the frequencies, k1 < k2.
        fhat1, fhat2: the target's transform at them.
        w: the neuron's input weight (≠ 0).
        b_centre, a_half, b_half: the box.
        nodes: Gauss-Chebyshev nodes in a.
        grid: grid points in b that bracket the window's edges.

    Returns:
        the area at mpmath's working precision.
    """
    wm, bc = mpmath.mpf(w), mpmath.mpf(b_centre)

    def F(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
        g1 = mp_loss_gradient(k1, [a], [wm], [b], fhat1, 0)
        g2 = mp_loss_gradient(k2, [a], [wm], [b], fhat2, 0)
        # relative, so that findroot's residual test (absolute) is meaningful for these tiny gradients
        return sum(x * x for x in g1) / sum(x * x for x in g2) - 1

    bs = [bc + mpmath.mpf(b_half) * (2 * mpmath.mpf(i) / (grid - 1) - 1) for i in range(grid)]

    def min_over_b(a: mpmath.mpf) -> mpmath.mpf:
        vals = [F(a, b) for b in bs]
        i = min(range(1, grid - 1), key=lambda j: vals[j])
        x0, x1, x2, f0, f1, f2 = bs[i - 1], bs[i], bs[i + 1], vals[i - 1], vals[i], vals[i + 1]
        for _ in range(3):  # parabolic steps towards the minimum (F is quadratic in b near it)
            denom = (x1 - x0) * (f1 - f2) - (x1 - x2) * (f1 - f0)
            if denom == 0:
                break
            x = x1 - ((x1 - x0) ** 2 * (f1 - f2) - (x1 - x2) ** 2 * (f1 - f0)) / (2 * denom)
            h = (x2 - x0) / 8
            x0, x1, x2 = x - h, x, x + h
            f0, f1, f2 = F(a, x0), F(a, x1), F(a, x2)
        return f1

    def length(a: mpmath.mpf) -> mpmath.mpf:
        vals = [F(a, b) for b in bs]
        edges = []
        for i in range(grid - 1):
            if (vals[i] < 0) != (vals[i + 1] < 0):
                edges.append(mpmath.findroot(lambda b: F(a, b), (bs[i], bs[i + 1]), solver="anderson"))
        if vals[0] < 0 or vals[-1] < 0 or len(edges) != 2:
            raise InputError(f"the bad set is not a single window inside the box at a = {mpmath.nstr(a, 5)}")
        return edges[1] - edges[0]

    if min_over_b(mpmath.mpf(0)) >= 0:
        return mpmath.mpf(0)
    ends = []
    for sign in (1, -1):
        lo, hi = mpmath.mpf(0), sign * mpmath.mpf(a_half)
        if min_over_b(hi) < 0:
            raise InputError("the bad set reaches the box's a-edge; enlarge a_half")
        ends.append(mpmath.findroot(min_over_b, (lo + (hi - lo) / 64, hi), solver="anderson"))
    A_hi, A_lo = ends[0], ends[1]
    half, mid = (A_hi - A_lo) / 2, (A_hi + A_lo) / 2
    total = mpmath.mpf(0)
    for i in range(1, nodes + 1):
        theta = i * mpmath.pi / (nodes + 1)
        x = mpmath.cos(theta)
        total += mpmath.pi / (nodes + 1) * mpmath.sin(theta) * length(mid + half * x)  # sin²θ · len / sinθ
    return total * half
