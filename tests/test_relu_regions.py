"""A ReLU network on a box as regions and affine maps, its transform in closed form (sympy-derived edge integrals)
against Gauss quadrature of the network itself, and the decay laws of Rahaman et al.'s Theorem 1 (d = 2) read off
its kinks' part on random networks, beside the slower laws of the box's boundary."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.numeric._mlp import mlp_values
from fptheory.spectral._relu_regions import (
    asymptotic_start,
    envelope_slope,
    kinks_transform,
    linear_regions,
    polygon_transform,
    regions_transform,
)
from fptheory.symbolic._polygon import divergence_identity_holds, edge_integral_fns

BOX = (-1.0, 1.0, -1.0, 1.0)


def _network(rng, widths):
    return [{"W": rng.normal(size=(a, b)) / math.sqrt(a), "b": 0.5 * rng.normal(size=b)} for a, b in zip(widths[:-1], widths[1:])]


def _quadrature(layers, regions, k, nodes=40):
    """∫_B f(x) e^{-ik·x} dx by Gauss-Legendre on each region's triangles (Duffy's collapsed square), f evaluated by
    the network's own forward pass: the regions serve only as integration cells, where f is smooth."""
    xg, wg = np.polynomial.legendre.leggauss(nodes)
    xg, wg = (xg + 1) / 2, wg / 2
    U, V = np.meshgrid(xg, xg, indexing="ij")
    weights = np.outer(wg, wg) * U
    total = 0j
    for region in regions:
        v = region.vertices
        for i in range(1, len(v) - 1):
            a, b, c = v[0], v[i], v[i + 1]
            points = a + U[..., None] * (b - a) + (U * V)[..., None] * (c - b)
            det = abs((b - a)[0] * (c - b)[1] - (b - a)[1] * (c - b)[0])
            f = mlp_values(layers, points.reshape(-1, 2)).reshape(U.shape)
            total += np.sum(weights * det * f * np.exp(-1j * (points @ k)))
    return total


def test_divergence_identity_and_edge_integrals():
    """The identity the closed form rests on holds in sympy; E0 and E1 agree with mpmath quadrature to 1e-15 across
    the switch between series and closed form, α = 0 included."""
    assert divergence_identity_holds()
    E0, E1 = edge_integral_fns()
    for a in [0.0, 1e-9, 0.3, 0.4999, 0.5001, 2.0, -7.5, 120.0]:
        assert abs(E0(a) - complex(mpmath.quad(lambda s: mpmath.expj(-a * s), [0, 1]))) < 1e-15
        assert abs(E1(a) - complex(mpmath.quad(lambda s: s * mpmath.expj(-a * s), [0, 1]))) < 1e-15


@pytest.mark.parametrize("k", [(0.0, 0.0), (0.0, 3.0), (2.5, 0.0), (1.7, -4.2), (40.0, 13.0)])
def test_unit_square_against_its_product_form(k):
    """∫_{[0,1]²} (w1 x1 + w2 x2 + c) e^{-ik·x} dx = w1 I1(k1) I0(k2) + w2 I0(k1) I1(k2) + c I0(k1) I0(k2), with
    I_n(κ) = ∫_0^1 s^n e^{-iκs} ds by mpmath."""
    k = np.array(k)
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    W, c = np.array([0.7, -1.3]), 0.4
    I = lambda n, kk: complex(mpmath.quad(lambda s: s**n * mpmath.expj(-kk * s), [0, 1]))
    expected = W[0] * I(1, k[0]) * I(0, k[1]) + W[1] * I(0, k[0]) * I(1, k[1]) + c * I(0, k[0]) * I(0, k[1])
    assert abs(polygon_transform(square, W, c, k[None])[0] - expected) < 1e-14


@pytest.mark.parametrize("draw", range(3))
def test_regions_cover_the_box_and_carry_the_network(draw):
    rng = np.random.default_rng([draw, 5])
    layers = _network(rng, (2, int(rng.integers(3, 9)), int(rng.integers(3, 9)), 1))
    regions = linear_regions(layers, BOX)
    assert sum(r.area() for r in regions) == pytest.approx(4.0, rel=1e-12)
    for r in regions:  # the affine map equals the network at random points inside the region
        weights = rng.dirichlet(np.ones(len(r.vertices)), size=5)
        points = weights @ r.vertices
        np.testing.assert_allclose(points @ r.W + r.c, mlp_values(layers, points), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("draw", range(3))
def test_transform_against_quadrature(draw):
    """Random networks and frequencies (k = 0, a box normal and a first-layer kink normal among them): the closed form
    against quadrature of the network to 1e-10."""
    rng = np.random.default_rng([draw, 9])
    layers = _network(rng, (2, 6, 5, 1))
    regions = linear_regions(layers, BOX)
    normal = layers[0]["W"][:, 0] / np.linalg.norm(layers[0]["W"][:, 0])
    ks = [np.zeros(2), np.array([0.0, 6.0]), 9.0 * normal, *rng.uniform(-12, 12, size=(3, 2))]
    for k in ks:
        assert abs(regions_transform(regions, k[None])[0] - _quadrature(layers, regions, k)) < 1e-10


def test_kinks_part_of_one_kink_in_closed_form():
    """f = relu(x1 - 0.3) on the box: one kink line x1 = 0.3, gradient jump (1, 0); its part is
    -k1² e^{-0.3 i k1} (2 sin k2 / k2) / |k|⁴; an affine f (no kink in the box) has none."""
    layers = [{"W": np.array([[1.0], [0.0]]), "b": np.array([-0.3])}, {"W": np.array([[1.0]]), "b": np.array([0.0])}]
    regions = linear_regions(layers, BOX)
    assert len(regions) == 2
    for k in (np.array([2.0, 1.5]), np.array([7.0, -0.4]), np.array([0.5, 9.0])):
        expected = -k[0] ** 2 * np.exp(-0.3j * k[0]) * (2 * np.sin(k[1]) / k[1]) / np.sum(k * k) ** 2
        assert abs(kinks_transform(regions, BOX, k[None])[0] - expected) < 1e-14
    affine = [{"W": np.array([[1.0], [0.5]]), "b": np.array([5.0])}, {"W": np.array([[2.0]]), "b": np.array([0.1])}]
    assert np.abs(kinks_transform(linear_regions(affine, BOX), BOX, np.array([[3.0, 4.0]]))).max() < 1e-14


def test_kinks_transform_equals_the_regions_sum_without_the_boundary():
    """The direct sum over the interior edges (gradient terms only) equals the sum of each region's whole transform
    with the box's edges left out (value terms included, cancelling by continuity) where that cancellation still
    keeps digits (|k| ≤ 40): relative 1e-10, random networks and frequencies."""
    for draw in range(3):
        rng = np.random.default_rng([draw, 13])
        layers = _network(rng, (2, 5, 4, 1))
        regions = linear_regions(layers, BOX)
        k = rng.uniform(-40, 40, size=(6, 2))
        summed = np.sum([polygon_transform(r.vertices, r.W, r.c, k, BOX) for r in regions], axis=0)
        np.testing.assert_allclose(kinks_transform(regions, BOX, k), summed, rtol=1e-10, atol=0)
    with pytest.raises(InputError, match="nonzero"):
        kinks_transform(regions, BOX, np.zeros((1, 2)))


def test_envelope_slope_reads_a_known_law():
    """|F(r)| = r^s |cos(r + φ)| (an oscillating power law): the fitted slope is s to 0.01, for s drawn at random."""
    rng = np.random.default_rng(3)
    for s in rng.uniform(-4.5, -0.5, size=4):
        phase = rng.uniform(0, 2 * math.pi)
        F = lambda k, s=s, phase=phase: np.linalg.norm(k, axis=1) ** s * np.cos(np.linalg.norm(k, axis=1) + phase)
        slope, se = envelope_slope(F, rng.normal(size=2), rng.uniform(10, 1000))
        assert slope == pytest.approx(s, abs=0.01) and se < 0.01


def test_asymptotic_start():
    """The radius where the least |t·u| reaches 50; an edge orthogonal to u is skipped on request."""
    t = np.array([[1.0, 0.0], [0.0, 0.5], [0.3, 0.4]])
    assert asymptotic_start(t, np.array([1.0, 1.0])) == pytest.approx(50 / (0.5 / math.sqrt(2)))
    assert asymptotic_start(t, np.array([0.0, 1.0]), skip_orthogonal=True) == pytest.approx(50 / 0.4)


@pytest.mark.parametrize("draw", range(3))
def test_decay_laws_on_random_networks(draw):
    """Rahaman et al.'s Theorem 1 in d = 2 for the kinks' part: |k|^-3 along a random direction and |k|^-2 along a
    first-layer kink's normal (each fit starts where every other edge has k·t ≥ 50, so the asymptotic regime holds),
    within 0.15. The whole box-restricted transform decays only like |k|^-2 and, along a box normal, |k|^-1: the
    boundary's jump."""
    rng = np.random.default_rng([draw, 21])
    layers = _network(rng, (2, 4, 1))
    regions = linear_regions(layers, BOX)
    tangents = np.concatenate([np.roll(r.vertices, -1, axis=0) - r.vertices for r in regions])
    kinks = lambda k: kinks_transform(regions, BOX, k)
    whole = lambda k: regions_transform(regions, k)
    slope = lambda F, u, start: envelope_slope(F, u, start, samples=20000)[0]

    generic = np.array([math.cos(a := rng.uniform(0, math.pi)), math.sin(a)])
    assert slope(kinks, generic, asymptotic_start(tangents, generic)) == pytest.approx(-3.0, abs=0.15)
    normal = layers[0]["W"][:, 0] / np.linalg.norm(layers[0]["W"][:, 0])
    assert slope(kinks, normal, asymptotic_start(tangents, normal, skip_orthogonal=True)) == pytest.approx(-2.0, abs=0.15)
    assert slope(whole, generic, asymptotic_start(tangents, generic)) == pytest.approx(-2.0, abs=0.15)
    assert slope(whole, np.array([0.0, 1.0]), 50.0) == pytest.approx(-1.0, abs=0.15)


@pytest.mark.parametrize("draw", range(3))
def test_one_dimensional_pieces_transform_and_laws(draw):
    """d = 1: the pieces carry the network; the transform matches Gauss quadrature of the network on each piece
    (1e-12); the kinks' part decays like |k|^-2 and the whole transform like |k|^-1 (the ends' jumps)."""
    from fptheory.spectral._relu_regions import linear_pieces, pieces_transform

    rng = np.random.default_rng([draw, 33])
    layers = _network(rng, (1, 6, 5, 1))
    pieces = linear_pieces(layers, (-1.0, 1.0))
    mids = 0.5 * (pieces.breaks[:-1] + pieces.breaks[1:])
    np.testing.assert_allclose(pieces.slopes * mids + pieces.intercepts, mlp_values(layers, mids[:, None]), atol=1e-12)
    xg, wg = np.polynomial.legendre.leggauss(60)
    for k in (0.0, 1.3, -7.0, 25.0):
        quad = sum(np.sum(wg * (b - a) / 2 * mlp_values(layers, ((xg + 1) / 2 * (b - a) + a)[:, None])
                          * np.exp(-1j * k * ((xg + 1) / 2 * (b - a) + a)))
                   for a, b in zip(pieces.breaks[:-1], pieces.breaks[1:]))
        assert abs(pieces_transform(pieces, np.array([k]))[0] - quad) < 1e-12
    one = np.array([1.0])
    start = asymptotic_start(np.diff(pieces.breaks)[:, None], one)
    kinks = lambda k: pieces_transform(pieces, k[:, 0], kinks_only=True)
    whole = lambda k: pieces_transform(pieces, k[:, 0])
    assert envelope_slope(kinks, one, start, samples=20000)[0] == pytest.approx(-2.0, abs=0.15)
    assert envelope_slope(whole, one, start, samples=20000)[0] == pytest.approx(-1.0, abs=0.15)
