"""Shared fixtures: seeded generators, float64 jax, and the mpmath references typed from THEORY.md.

The references here are independent of fptheory's code: they are the formulas of ../shared/THEORY.md
§2-3 evaluated in mpmath at high precision, or plain quadrature of the defining integrals.
"""

from __future__ import annotations

import jax
import mpmath
import numpy as np
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)


def mp_network_transform(k, a, w, b):
    """ĥ(k) = Σ_j (2π a_j i/|w_j|) e^{i b_j k/w_j} E_j(k), E_j = -1/(2 sinh(πk/(2w_j))) — THEORY.md §2."""
    k = mpmath.mpf(k)
    total = mpmath.mpc(0)
    for aj, wj, bj in zip(a, w, b):
        aj, wj, bj = mpmath.mpf(aj), mpmath.mpf(wj), mpmath.mpf(bj)
        E = -1 / (2 * mpmath.sinh(mpmath.pi * k / (2 * wj)))
        total += 2 * mpmath.pi * aj * 1j / abs(wj) * mpmath.expj(bj * k / wj) * E
    return total


def mp_loss_gradient(k, a, w, b, fhat, j):
    """(∂L/∂a_j, ∂L/∂w_j, ∂L/∂b_j) from the polar forms of THEORY.md §3."""
    k = mpmath.mpf(k)
    D = mp_network_transform(k, a, w, b) - mpmath.mpc(fhat)
    A, phi = abs(D), mpmath.arg(D)
    aj, wj, bj = mpmath.mpf(a[j]), mpmath.mpf(w[j]), mpmath.mpf(b[j])
    z = mpmath.pi * k / (2 * wj)
    g = (2 * mpmath.pi / abs(wj)) * (-1 / (2 * mpmath.sinh(z)))
    psi = bj * k / wj
    da = A * g * mpmath.sin(phi - psi)
    db = -A * aj * g * (k / wj) * mpmath.cos(psi - phi)
    dw = A * aj * g * (mpmath.sin(phi - psi) * (-1 / wj + (mpmath.pi * k / (2 * wj**2)) * mpmath.coth(z))
                       + (bj * k / wj**2) * mpmath.cos(psi - phi))
    return da, dw, db
