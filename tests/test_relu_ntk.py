"""The two-layer ReLU NTK derived by sympy: κ1, κ0 against two-dimensional quadrature, the kernel against the
expectation of one neuron's gradient products, and its eigenvalues on the circle against quadrature of the kernel
and a power law on circles of random radius."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from fptheory.experiments.ntk import circle, circle_eigenvalues
from fptheory.symbolic._ntk import relu_ntk, relu_ntk_kappas, theta


@pytest.mark.parametrize("angle", [0.0, 0.4, 1.3, 2.2, math.pi - 0.05])
def test_kappas_against_gaussian_quadrature(angle):
    """κ1(θ) = E[relu(z1) relu(z1 cos θ + z2 sin θ)], κ0(θ) = E[H(z1) H(z1 cos θ + z2 sin θ)] by mpmath quadrature
    in polar coordinates, to 1e-12."""
    kappa1, kappa0 = relu_ntk_kappas()
    c, s = math.cos(angle), math.sin(angle)

    def expectation(power):
        def integrand(r, phi):
            u, v = r * mpmath.cos(phi), r * (c * mpmath.cos(phi) + s * mpmath.sin(phi))
            if u <= 0 or v <= 0:
                return 0
            return (u * v) ** power * r * mpmath.exp(-r**2 / 2) / (2 * mpmath.pi)
        return mpmath.quad(integrand, [0, mpmath.inf], [-mpmath.pi, angle - mpmath.pi / 2, mpmath.pi / 2, mpmath.pi])

    assert float(kappa1.subs(theta, angle)) == pytest.approx(float(expectation(1)), rel=1e-12, abs=1e-14)
    assert float(kappa0.subs(theta, angle)) == pytest.approx(float(expectation(0)), rel=1e-12, abs=1e-14)


def test_kernel_is_the_mean_of_one_neurons_gradient_products(rng):
    """Θ(x, y) = E[relu(u) relu(u') + a² H(u) H(u') x̃·ỹ]: a Monte Carlo mean over 4 million neurons agrees within
    5 standard errors, for points drawn at random in R³."""
    x, y = rng.normal(size=(2, 3))
    expected = relu_ntk(x[None], y[None])[0, 0]
    n = 4_000_000
    w, b, a = rng.normal(size=(n, 3)), rng.normal(size=n), rng.normal(size=n)
    u, v = w @ x + b, w @ y + b
    terms = np.maximum(u, 0) * np.maximum(v, 0) + a**2 * (u > 0) * (v > 0) * (x @ y + 1)
    assert abs(terms.mean() - expected) <= 5 * terms.std() / math.sqrt(n)


@pytest.mark.parametrize("k", [0, 1, 5, 12])
def test_circle_eigenvalues_against_quadrature(k):
    """μ_k from the FFT of the kernel's row on 4096 points against (1/2π) ∫ Θ(Δ) cos(kΔ) dΔ by mpmath: within 1e-7
    absolute, the grid's O(h²) error at the kernel's kink at Δ = 0 (2.3e-7 at 1024 points, 2e-8 at 4096)."""
    mu = circle_eigenvalues(4096)

    def row(delta):
        return relu_ntk(np.array([[1.0, 0.0]]), np.array([[math.cos(delta), math.sin(delta)]]))[0, 0]

    exact = mpmath.quad(lambda d: row(float(d)) * mpmath.cos(k * d), [0, mpmath.pi / 2, mpmath.pi]) / mpmath.pi
    assert mu[k] == pytest.approx(float(exact), rel=0, abs=1e-7)


@pytest.mark.parametrize("draw", range(3))
def test_eigenvalue_power_on_circles_of_random_radius(rng, draw):
    """The kink of Θ at Δ = 0 sets μ_k ~ k^{-2} on a circle of any radius (radius drawn in [0.2, 5])."""
    from scipy.stats import linregress

    radius = float(np.exp(rng.uniform(math.log(0.2), math.log(5.0))))
    x = radius * circle(2048)
    mu = np.real(np.fft.rfft(relu_ntk(x[:1], x)[0])) / 2048
    k = np.arange(16, 129)
    assert linregress(np.log(k), np.log(mu[16:129])).slope == pytest.approx(-2.0, abs=0.1)
