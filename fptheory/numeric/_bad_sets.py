"""The bad sets of Theorems 1 and 2 in the parameter ball, decided point by point.

Setting (docs/theory.md §4-5): a two-layer tanh network with m neurons, θ = (a_j, w_j, b_j)_j uniform in the
ball B_δ ⊂ R^{3m}, target values f̂(k1), f̂(k2) at two frequencies 0 < k1 < k2.

* Theorem 1, pair (l, j) — the *bad* set ``Q_lj = {|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|}``; the theorem's set
  fails when any pair is bad (the union).
* Theorem 2 — ``S = {dL(k1)/dt ≤ 0 and dL(k1)/dt ≤ dL(k2)/dt}`` under gradient flow on L = L(k1) + L(k2),
  ``dL(k)/dt = -∇L(k)·(∇L(k1) + ∇L(k2))``. Its complement is exactly ``{|∇L(k1)| < |∇L(k2)|}``:
  ``dL1/dt ≤ dL2/dt ⟺ |∇L1|² ≥ |∇L2|²``, and then ``dL1/dt = -|∇L1|² - ∇L1·∇L2 ≤ |∇L1|(|∇L2| - |∇L1|) ≤ 0``
  by Cauchy-Schwarz (a step of ``proofs/theorem2.py``; the tests also compare with the definition).

Every comparison is made between log-domain gradients (:mod:`fptheory.numeric._stable`), so it stays exact
where the gradients themselves underflow (|∂L/∂θ| ~ e^{-π k/(2|w|)} with |w| ≤ δ).
"""

from __future__ import annotations

import numpy as np

from fptheory._typing import Array, Bool, Float
from fptheory.numeric._setting import Setting
from fptheory.numeric._stable import array_module, log_abs_loss_gradient, log_sum_exp2

__all__ = ["log_gradients", "bad_pairs", "bad_theorem2", "theorem2_by_definition"]

def log_gradients(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> tuple[Float[Array, "3 n m"], Float[Array, "3 n m"]]:
    """``log|∂L(k)/∂θ_lj|`` at k1 and at k2, each of shape (3, n, m) (l = a, w, b)."""
    n = np.shape(a)[0]
    k1, k2 = np.full(n, setting.k1), np.full(n, setting.k2)
    g1 = log_abs_loss_gradient(k1, a, w, b, np.full(n, complex(setting.fhat1)), backend=backend)
    g2 = log_abs_loss_gradient(k2, a, w, b, np.full(n, complex(setting.fhat2)), backend=backend)
    return g1, g2


def bad_pairs(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> Bool[Array, "3 n m"]:
    """Theorem 1's bad sets ``|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|``, boolean of shape (3, n, m).

    Args:
        setting: the theorem's frequencies k1 < k2 and f̂ at both.
        a, w, b: the parameters of n networks of width m, each of shape (n, m); w ≠ 0.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        boolean (3, n, m): pair (l, j) of network i is bad, l = a, w, b (Xu et al. 2020, arXiv:1901.06523,
        Theorem 1), decided in the log domain (exact for any |w|).
    """
    g1, g2 = log_gradients(setting, a, w, b, backend=backend)
    return g1 <= g2


def bad_theorem2(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> Bool[Array, " n"]:
    """Complement of Theorem 2's S: ``|∇L(k1)| < |∇L(k2)|`` (all 3m parameters), boolean of shape (n,).

    Args:
        setting: the theorem's frequencies k1 < k2 and f̂ at both.
        a, w, b: the parameters of n networks of width m, each of shape (n, m); w ≠ 0.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        boolean (n,): network i lies outside S, i.e. in the bad set of Theorem 2 (Xu et al. 2020, arXiv:1901.06523).
    """
    xp = array_module(backend)
    g1, g2 = log_gradients(setting, a, w, b, backend=backend)
    with np.errstate(divide="ignore"):
        return log_sum_exp2(g1, xp) < log_sum_exp2(g2, xp)


def theorem2_by_definition(
    setting: Setting, a: Float[np.ndarray, "n m"], w: Float[np.ndarray, "n m"], b: Float[np.ndarray, "n m"]
) -> tuple[Bool[np.ndarray, " n"], Bool[np.ndarray, " n"]]:
    """Theorem 2's S straight from its definition, as a check on :func:`bad_theorem2` (numpy, moderate δ).

    Returns ``in_S`` = {dL1/dt ≤ 0 and dL1/dt ≤ dL2/dt} with ``dL(k)/dt = -∇L(k)·(∇L(k1) + ∇L(k2))`` from the
    gradient vectors, and ``clear``: the samples not within 1e-12 (relative) of the boundary |∇L1| = |∇L2|.

    Args:
        setting: Theorem 2's setting.
        a, w, b: the parameters of n networks of width m, each of shape (n, m).

    Returns:
        (in_S, clear), two boolean arrays of shape (n,).
    """
    from fptheory.numeric._stable import loss_gradient

    n = a.shape[0]
    g1 = loss_gradient(np.full(n, setting.k1), a, w, b, np.full(n, complex(setting.fhat1))).transpose(1, 0, 2).reshape(n, -1)
    g2 = loss_gradient(np.full(n, setting.k2), a, w, b, np.full(n, complex(setting.fhat2))).transpose(1, 0, 2).reshape(n, -1)
    d1, d2 = -np.sum(g1 * (g1 + g2), axis=1), -np.sum(g2 * (g1 + g2), axis=1)
    n1, n2 = np.sum(g1**2, axis=1), np.sum(g2**2, axis=1)
    return (d1 <= 0) & (d1 <= d2), np.abs(n1 - n2) > 1e-12 * (n1 + n2)
