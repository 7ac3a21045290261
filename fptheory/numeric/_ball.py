"""Uniform sampling in the parameter ball B_δ ⊂ R^d (d = 3m), and the marginals the estimators need.

Uniform in the ball: a standard normal direction times radius ``δ U^{1/d}``. One coordinate of a uniform
point in B_δ ⊂ R^d has density ``∝ (δ² - x²)^{(d-1)/2}`` on [-δ, δ]; given it, the other d-1 coordinates
are uniform in the (d-1)-ball of radius ``sqrt(δ² - x²)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import cache
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._typing import Array, Float

__all__ = ["sample_ball", "sample_ball_jax", "sphere_points", "chunks", "log_coordinate_density"]


def sphere_points(n: int, dim: int, rng: np.random.Generator) -> Float[np.ndarray, "n dim"]:
    """``n`` points uniform on the unit sphere of R^dim, shape (n, dim): normalised standard normal vectors."""
    if not isinstance(dim, (int, np.integer)) or dim < 1:
        raise InputError(f"dim must be an integer >= 1; got {dim!r}")
    direction = rng.standard_normal((n, dim))
    return direction / np.linalg.norm(direction, axis=1, keepdims=True)


def sample_ball(n: int, dim: int, radius: float | Float[np.ndarray, " n"], rng: np.random.Generator) -> Float[np.ndarray, "n dim"]:
    """Uniform points of the ball B_radius ⊂ R^dim: a uniform direction (:func:`sphere_points`) times
    ``radius · U^{1/dim}``, U uniform on [0, 1] (the law of θ in Theorems 1 and 2).

    Args:
        n: number of points.
        dim: the dimension (3m for m neurons).
        radius: the ball's radius, a float or one per point (shape (n,)).
        rng: the numpy generator drawn from.

    Returns:
        shape (n, dim)."""
    direction = sphere_points(n, dim, rng)
    return direction * np.asarray(radius, dtype=float).reshape(-1, 1) * rng.uniform(size=(n, 1)) ** (1.0 / dim)


def sample_ball_jax(key: Any, n: int, dim: int, radius: Any, *, transposed: bool = False) -> Float[Array, "n dim"]:
    """:func:`sample_ball` with jax's counter-based generator, for use inside jitted code: shape (n, dim), or its
    transpose (dim, n) with ``transposed`` (the same points to rounding, each normalised down its column: a GPU
    does that faster than along rows of a few dozen entries)."""
    import jax
    import jax.numpy as jnp

    k_dir, k_rad = jax.random.split(key)
    direction = jax.random.normal(k_dir, (n, dim))
    u = jax.random.uniform(k_rad, (n, 1))
    if transposed:
        direction, u = direction.T, u.T
    direction = direction / jnp.linalg.norm(direction, axis=0 if transposed else 1, keepdims=True)
    return direction * radius * u ** (1.0 / dim)


def chunks(total: int, size: int) -> Iterator[int]:
    """Sizes of consecutive chunks that add up to ``total`` (memory stays bounded for any total)."""
    while total > 0:
        yield min(size, total)
        total -= size


@cache
def log_coordinate_normaliser(dim: int) -> float:
    """log Γ(d/2+1) - ½ log π - log Γ((d+1)/2): the log normaliser of one coordinate's density in the unit
    ``dim``-ball (:func:`log_coordinate_density`)."""
    return math.lgamma(dim / 2 + 1) - 0.5 * math.log(math.pi) - math.lgamma((dim + 1) / 2)


def log_coordinate_density(x: Float[np.ndarray, "*shape"], dim: int, radius: float) -> Float[np.ndarray, "*shape"]:
    """log of the density of one coordinate of a uniform point in the ``dim``-ball of ``radius``.

    ``f(x) = Γ(d/2+1) / (sqrt(π) Γ((d+1)/2) ρ^d) · (ρ² - x²)^{(d-1)/2}`` on [-ρ, ρ].
    """
    x = np.asarray(x, dtype=float)
    log_norm = log_coordinate_normaliser(dim) - dim * math.log(radius)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.abs(x) < radius
        return np.where(inside, log_norm + (dim - 1) / 2 * np.log(np.where(inside, radius**2 - x**2, 1.0)), -np.inf)
