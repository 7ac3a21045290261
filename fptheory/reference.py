"""Independent high-precision references: THEORY.md's formulas typed in and evaluated with mpmath.

These are *not* derived: they are the formulas of ../shared/THEORY.md §2-3 (the paper's Eqs. 26-30 with
the signs derived there) written out by hand, so that fptheory's sympy derivations and stable numerics
can be checked against something that did not come from them. Evaluate inside ``mpmath.workdps(...)``
at the precision you need; inputs are taken as exact (floats are converted without rounding).
"""

from __future__ import annotations

from typing import Callable, Sequence

import mpmath
import numpy as np

__all__ = ["mp_network_transform", "mp_loss_gradient", "mp_sech2_transform", "central_difference_gradient"]


def mp_sech2_transform(k: mpmath.mpf) -> mpmath.mpf:
    """``∫ sech²(x) e^{-ikx} dx = πk / sinh(πk/2)`` (THEORY.md §1), 2 at k = 0."""
    k = mpmath.mpf(k)
    return mpmath.mpf(2) if k == 0 else mpmath.pi * k / mpmath.sinh(mpmath.pi * k / 2)


def mp_network_transform(k: float, a: Sequence[float], w: Sequence[float], b: Sequence[float]) -> mpmath.mpc:
    """``ĥ(k) = Σ_j (2π a_j i/|w_j|) e^{i b_j k/w_j} E_j(k)``, ``E_j = -1/(2 sinh(πk/(2w_j)))`` (Eq. 26)."""
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
    """``(∂L/∂a_j, ∂L/∂w_j, ∂L/∂b_j)`` from the polar forms of THEORY.md §3 (Eqs. 28-30).

    With ``D = ĥ - f̂ = A e^{iφ}``, ``g_j = (2π/|w_j|) E_j``, ``ψ_j = b_j k/w_j``:
    ``∂L/∂a = A g sin(φ-ψ)``, ``∂L/∂b = -A a g (k/w) cos(ψ-φ)``,
    ``∂L/∂w = A a g [sin(φ-ψ)(-1/w + (πk/(2w²)) coth(πk/(2w))) + (bk/w²) cos(ψ-φ)]``.
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
