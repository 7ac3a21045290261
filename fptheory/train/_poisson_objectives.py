"""Training objectives that make a network solve Poisson's equation ``-u'' = g`` on (-1, 1), ``u(±1) = 0``
(Xu et al. 2020, arXiv:1901.06523, Sec. 5.2, Eq. 16), for :func:`fptheory.train.train`'s ``objective``.

* The Ritz (deep Ritz) energy ``Σ_i (½ h'(x_i)² - g(x_i) h(x_i)) Δx + β (h(-1)² + h(1)²)``: the problem's
  solution minimises ``∫ (½ u'² - g u) dx`` among functions vanishing at ±1, and the penalty β enforces the
  boundary condition weakly.
* The residual (PINN) loss ``mean_i (h''(x_i) + g(x_i))² + β (h(-1)² + h(1)²)``.
* On the unit square (``-Δu = g``, u = 0 on the boundary): the Ritz energy
  ``Σ_i (½ |∇h(x_i)|² - g_i h(x_i)) Δx² + β Σ_b h(x_b)² Δx`` over an n × n grid and its boundary points
  (:func:`ritz_energy_2d`).

The network is a function of one variable, ``apply(params, x)`` with x of shape (n, 1) and outputs (n,); its
derivatives in x are taken by forward-mode autodiff (``jax.jvp``), exactly, at the points themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from fptheory._checks import InputError

__all__ = ["poisson_residual", "ritz_energy", "ritz_energy_2d"]

Apply = Callable[[Any, Any], Any]
Objective = Callable[[Any, Any, Any], Any]


def _check(n_points: int, beta: float) -> None:
    if not (isinstance(n_points, int) and n_points >= 3):
        raise InputError(f"n_points must be an integer >= 3; got {n_points!r}")
    if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta > 0):
        raise InputError(f"beta must be a finite number > 0 (the boundary penalty); got {beta!r}")


def _derivative(apply: Apply, params: Any, x: Any) -> tuple[Any, Any]:
    """(h(x), h'(x)) for x of shape (n, 1): each output depends on its own row only, so one jvp with a tangent
    of ones gives every point's derivative."""
    return jax.jvp(lambda xx: apply(params, xx), (x,), (jnp.ones_like(x),))


def _boundary(apply: Apply, params: Any, x: Any) -> Any:
    ends = jnp.array([[-1.0], [1.0]], dtype=x.dtype)
    return jnp.sum(apply(params, ends) ** 2)


def ritz_energy(apply: Apply, *, n_points: int, beta: float) -> Objective:
    """The Ritz energy of Xu et al. (2020, Sec. 5.2) as an objective ``(params, x, g) -> energy``.

    ``(n_points/len(x)) Σ_{x_i in x} (½ h'(x_i)² - g_i h(x_i)) Δx + β (h(-1)² + h(1)²)`` with Δx = 2/(n_points - 1):
    on the full grid of ``n_points`` evenly spaced points of [-1, 1] it is the paper's sum; on a minibatch, an
    unbiased estimate of it.

    Args:
        apply: the network, ``apply(params, x)`` with x (n, 1) -> (n,).
        n_points: the size of the full grid, ≥ 3.
        beta: the boundary penalty β > 0.

    Returns:
        ``objective(params, x, g)`` for x of shape (b, 1) and g (b,), a scalar.
    """
    _check(n_points, beta)
    dx = 2.0 / (n_points - 1)

    def objective(params: Any, x: Any, g: Any) -> Any:
        h, dh = _derivative(apply, params, x)
        interior = jnp.sum(0.5 * dh**2 - g * h) * dx * (n_points / x.shape[0])
        return interior + beta * _boundary(apply, params, x)

    return objective


def poisson_residual(apply: Apply, *, beta: float) -> Objective:
    """The residual (PINN) loss ``mean_i (h''(x_i) + g_i)² + β (h(-1)² + h(1)²)`` as an objective.

    Args:
        apply: the network, ``apply(params, x)`` with x (n, 1) -> (n,).
        beta: the boundary penalty β > 0.

    Returns:
        ``objective(params, x, g)`` for x of shape (b, 1) and g (b,), a scalar.
    """
    _check(3, beta)

    def objective(params: Any, x: Any, g: Any) -> Any:
        def first(xx: Any) -> Any:
            return _derivative(apply, params, xx)[1]

        _, second = jax.jvp(first, (x,), (jnp.ones_like(x),))
        return jnp.mean((second + g) ** 2) + beta * _boundary(apply, params, x)

    return objective


def ritz_energy_2d(apply: Apply, *, n_points: int, beta: float) -> Objective:
    """The Ritz energy of ``-Δu = g`` on the unit square with u = 0 on its boundary, as an objective.

    ``(n²/len(x)) Σ_{x_i in x} (½ |∇h(x_i)|² - g_i h(x_i)) Δx² + β Σ_b h(x_b)² Δx``, Δx = 1/(n-1), n = ``n_points``
    per side, the last sum over the 4(n-1) boundary points of the n × n grid (a quadrature of the boundary integral
    ``β ∮ h² ds``): on the full grid the 2-d analogue of :func:`ritz_energy` (Xu et al. 2020, Sec. 5.2), on a
    minibatch an unbiased estimate of its first sum. ∇h by two forward-mode derivatives, exact at the points.

    Args:
        apply: the network, ``apply(params, x)`` with x (b, 2) -> (b,).
        n_points: the grid's points per side, ≥ 3.
        beta: the boundary penalty β > 0.

    Returns:
        ``objective(params, x, g)`` for x of shape (b, 2) and g (b,), a scalar.
    """
    _check(n_points, beta)
    dx = 1.0 / (n_points - 1)
    side = [i * dx for i in range(n_points - 1)]
    boundary = ([(t, 0.0) for t in side] + [(1.0, t) for t in side] + [(1.0 - t, 1.0) for t in side]
                + [(0.0, 1.0 - t) for t in side])

    def objective(params: Any, x: Any, g: Any) -> Any:
        f = lambda xx: apply(params, xx)
        h, dh_x = jax.jvp(f, (x,), (jnp.zeros_like(x).at[:, 0].set(1.0),))
        _, dh_y = jax.jvp(f, (x,), (jnp.zeros_like(x).at[:, 1].set(1.0),))
        interior = jnp.sum(0.5 * (dh_x**2 + dh_y**2) - g * h) * dx * dx * (n_points**2 / x.shape[0])
        edge = apply(params, jnp.asarray(boundary, dtype=x.dtype))
        return interior + beta * jnp.sum(edge**2) * dx

    return objective
