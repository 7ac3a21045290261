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

__all__ = [
    "sample_ball",
    "sample_ball_jax",
    "sample_ball_hashed",
    "stream_words",
    "sphere_points",
    "chunks",
    "log_coordinate_density",
]


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


_MASK64 = (1 << 64) - 1
#: SplitMix64's constants (Steele, Lea, Flood 2014, "Fast splittable pseudorandom number generators", OOPSLA;
#: the finaliser's multipliers are Stafford's "Mix13" variant of MurmurHash3's).
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15
_MIX_MULTIPLIERS = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB)
_MIX_SHIFTS = (30, 27, 31)


def _mix64_int(x: int) -> int:
    """SplitMix64's finaliser (:func:`_mix64`) on a Python int below 2^64 (host side: a stream's words from its seed)."""
    return int(_mix64(np.array([x], dtype=np.uint64))[0])


def stream_words(seed: int) -> tuple[int, int]:
    """The two 64-bit words of seed's stream for :func:`sample_ball_hashed`: an origin and an odd increment γ, each
    SplitMix64's finaliser of the seed (as SplittableRandom derives a split's seed and gamma), γ's bits made to
    change often enough (SplittableRandom's ``mixGamma``: fewer than 24 changes between neighbouring bits, xor
    0xAAAA...): different seeds walk the counter space with different increments, so their streams are not
    shifted copies of one sequence."""
    origin = _mix64_int((seed * _GOLDEN_GAMMA) & _MASK64)
    gamma = _mix64_int((seed * _GOLDEN_GAMMA + _GOLDEN_GAMMA * 2 + 0x5851F42D4C957F2D) & _MASK64) | 1
    if bin(gamma ^ (gamma >> 1)).count("1") < 24:
        gamma ^= 0xAAAAAAAAAAAAAAAA
    return origin, gamma


def _mix64(x: Any) -> Any:
    """SplitMix64's finaliser on a uint64 array, numpy or jax (wrapping arithmetic)."""
    (m1, m2), (s1, s2, s3) = _MIX_MULTIPLIERS, _MIX_SHIFTS
    x = (x ^ (x >> np.uint64(s1))) * np.uint64(m1)
    x = (x ^ (x >> np.uint64(s2))) * np.uint64(m2)
    return x ^ (x >> np.uint64(s3))


def normal_pairs(dim: int) -> int:
    """Box-Muller pairs :func:`sample_ball_hashed` draws per point of R^dim: ⌈(dim + 2) / 2⌉."""
    return (dim + 3) // 2


def sample_ball_hashed(
    words: Any, first: Any, n: int, dim: int, radius: Any, *, transposed: bool = False
) -> Float[Array, "n dim"]:
    """Uniform points of the ball B_radius ⊂ R^dim from a counter-based hash, for use inside jitted float64 jax code:
    point ``first + i`` (i < n) depends on the stream's words and its index only, never on how the points are
    batched or split across devices.

    Bits: the c-th 64-bit word of point i is SplitMix64's finaliser (:func:`_mix64`) of ``origin + x γ`` (mod 2^64),
    ``x = i S + c``, S = 2 :func:`normal_pairs` (dim) words per point; ``(origin, γ)`` = :func:`stream_words` (seed).
    Uniforms: ``u_c = (⌊word_c / 2^11⌋ + ½) 2^-53`` in (0, 1), never 0 or 1. Normals: Box-Muller with P =
    :func:`normal_pairs` (dim) pairs, the radii from words 0 … P-1 and the angles from words P … 2P-1:
    ``r_j = sqrt(-2 log u_j)``, ``θ_j = 2π u_{P+j} - π``, normal j is ``r_j cos θ_j`` and normal P + j is
    ``r_j sin θ_j``, cos and sin by the fused kernel's polynomials (:func:`fptheory.numeric._fused.sincos`).
    Ball: the first dim of dim + 2 normals (in that order), divided by the
    norm of all dim + 2 and times ``radius``: the first d coordinates of a point uniform on the sphere S^{d+1} ⊂
    R^{d+2} are uniform in the ball B^d (Voelker, Gosmann, Stewart 2017, "Efficiently sampling vectors and
    coordinates from the n-sphere and n-ball"), so no radius U^{1/d} is drawn.

    Args:
        words: uint64 array (2,): the stream's origin and γ.
        first: uint64 scalar: the index of the batch's first point.
        n: points in the batch.
        dim: the ball's dimension (3m).
        radius: the ball's radius (a float64 scalar).
        transposed: return the (dim, n) transpose, computed column-wise (a GPU normalises columns faster);
            the same points to rounding.

    Returns:
        float64, shape (n, dim), or (dim, n) ``transposed``.
    """
    import jax.numpy as jnp
    from jax import lax

    from fptheory.numeric._fused import sincos

    pairs = normal_pairs(dim)
    slots = 2 * pairs
    axis = 0 if transposed else 1  # the axis of a point's words, normals and coordinates
    index = jnp.expand_dims(first + jnp.arange(n, dtype=jnp.uint64), axis)
    slot = jnp.expand_dims(jnp.arange(slots, dtype=jnp.uint64), 1 - axis)
    bits = _mix64(words[0] + (index * np.uint64(slots) + slot) * words[1])
    u = ((bits >> np.uint64(11)).astype(jnp.float64) + 0.5) * 2.0**-53
    r = jnp.sqrt(-2.0 * jnp.log(lax.slice_in_dim(u, 0, pairs, axis=axis)))
    cos, sin = sincos(2 * math.pi * lax.slice_in_dim(u, pairs, slots, axis=axis) - math.pi)
    normals = jnp.concatenate([r * cos, r * sin], axis=axis)
    used = lax.slice_in_dim(normals, 0, dim + 2, axis=axis)
    scale = radius / jnp.sqrt(jnp.sum(used * used, axis=axis, keepdims=True))
    return lax.slice_in_dim(normals, 0, dim, axis=axis) * scale


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
