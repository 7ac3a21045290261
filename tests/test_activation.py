"""Activation transforms: sympy identities and independent 30-digit quadrature (docs/theory.md §1)."""

import math

import mpmath
import pytest
import sympy as sp

from fptheory.symbolic._activation import ACTIVATIONS, activation_transform, decay_law, sech2_transform
from fptheory.symbolic._fourier import k

DIGITS = 30


def _mp(expr):
    return sp.lambdify(k, expr, modules="mpmath")


def _quad_even(f, kk, length=70):
    """∫ f(x) e^{-ikx} dx for even f: 2 ∫_0^L f(x) cos(kx) dx, split at half-periods."""
    pieces = max(70, int(abs(kk) * length / mpmath.pi) + 1)
    return 2 * mpmath.quad(lambda t: f(t) * mpmath.cos(kk * t), mpmath.linspace(0, length, pieces + 1))


def test_tanh_transform_is_minus_i_pi_csch():
    derived = activation_transform("tanh").transform
    assert sp.simplify((derived - (-sp.I * sp.pi * sp.csch(sp.pi * k / 2))).rewrite(sp.exp)) == 0


@pytest.mark.parametrize("kk", ["0.3", "1", "-2.5", "10", "-12.5"])
def test_sech2_transform_by_quadrature(kk):
    """FT[sech²](k) from residues vs quadrature; |k| >= 10 included (value ~1e-6, 30 digits of it)."""
    with mpmath.workdps(50):
        kk = mpmath.mpf(kk)
        numeric = _quad_even(lambda t: mpmath.sech(t) ** 2, kk)
        derived = _mp(sech2_transform()[0])(kk)
        assert abs(numeric - derived) <= mpmath.mpf(10) ** -DIGITS * abs(derived)
        # and the tanh transform through the derivative rule: FT[tanh'] = ik σ̂(k)
        tanh_hat = _mp(activation_transform("tanh").transform)(kk)
        assert abs(1j * kk * tanh_hat - numeric) <= mpmath.mpf(10) ** -DIGITS * abs(numeric)


@pytest.mark.parametrize("kk", ["0.5", "-3", "7"])
def test_sigmoid_transform_by_quadrature(kk):
    """s' = s(1 - s) is integrable: FT[s'](k) = ik ŝ(k) to 30 digits."""
    with mpmath.workdps(50):
        kk = mpmath.mpf(kk)
        s = lambda t: 1 / (1 + mpmath.exp(-t))
        numeric = _quad_even(lambda t: s(t) * (1 - s(t)), kk, length=140)
        derived = 1j * kk * _mp(activation_transform("sigmoid").transform)(kk)
        assert abs(numeric - derived) <= mpmath.mpf(10) ** -DIGITS * abs(numeric)


@pytest.mark.parametrize(("name", "degree", "power"), [("relu", 1, 2), ("relu", 1, 3), ("relu2", 2, 3), ("relu2", 2, 4)])
def test_relu_transform_as_distribution(name, degree, power):
    """⟨FT[σ], φ⟩ = ⟨σ, φ̂⟩ for σ(x) = x^degree H(x) (ReLU, ReLU²) and φ(k) = k^p e^{-k²/2}, p > degree (vanishing
    at k = 0 to the order the transform's pole needs).

    Left: ∫ σ̂(k) φ(k) dk with the derived transform (-1/k², 2i/k³). Right: ∫_0^∞ x^degree φ̂(x) dx with
    φ̂(x) = (i d/dx)^p √(2π) e^{-x²/2} (mpmath.diff), itself checked by quadrature at three x.
    Agreement to 20 digits.
    """
    relu_hat = _mp(activation_transform(name).transform)
    with mpmath.workdps(30):
        phi = lambda kk: kk**power * mpmath.exp(-kk**2 / 2)
        gauss = lambda t: mpmath.sqrt(2 * mpmath.pi) * mpmath.exp(-t**2 / 2)
        phi_hat = lambda t: (1j) ** power * mpmath.diff(gauss, t, power)
        for t in (mpmath.mpf("0.3"), mpmath.mpf(1), mpmath.mpf("2.5")):
            by_quad = mpmath.quad(lambda kk: phi(kk) * mpmath.expj(-kk * t), [-14, -7, 0, 7, 14])
            assert abs(by_quad - phi_hat(t)) <= mpmath.mpf(10) ** -20
        lhs = mpmath.quad(lambda kk: relu_hat(kk) * phi(kk), [-mpmath.inf, 0, mpmath.inf])
        rhs = mpmath.quad(lambda t: t**degree * phi_hat(t), [0, 4, 8, 14])
        assert abs(lhs - rhs) <= mpmath.mpf(10) ** -20 * max(abs(lhs), 1)


def test_decay_laws():
    """tanh and sigmoid decay exponentially in |k|, ReLU like |k|^-2 (slopes of the derived forms)."""
    with mpmath.workdps(30):
        for name, rate in (("tanh", mpmath.pi / 2), ("sigmoid", mpmath.pi)):
            f = _mp(activation_transform(name).transform)
            slope = (mpmath.log(abs(f(mpmath.mpf(41)))) - mpmath.log(abs(f(mpmath.mpf(40)))))
            assert abs(slope + rate) < mpmath.mpf(10) ** -20
        f = _mp(activation_transform("relu").transform)
        slope = (mpmath.log(abs(f(mpmath.mpf(2000)))) - mpmath.log(abs(f(mpmath.mpf(1000))))) / mpmath.log(2)
        assert abs(slope + 2) < mpmath.mpf(10) ** -20
    assert {activation_transform(n).decay for n in ACTIVATIONS} == {"exponential", "power"}


def test_decay_law_reads_the_derived_rates():
    """decay_law's sympy limits against the rates and powers known in closed form, and against finite-difference
    slopes of the derived transforms in mpmath at large k (30 digits)."""
    known = {"tanh": ("exponential", math.pi / 2), "sigmoid": ("exponential", math.pi), "relu": ("power", -2.0),
             "relu2": ("power", -3.0)}
    assert set(known) == set(ACTIVATIONS)
    for name, (kind, value) in known.items():
        got = decay_law(name)
        assert got[0] == kind and got[1] == pytest.approx(value, rel=1e-15)
    with mpmath.workdps(30):
        f = _mp(activation_transform("relu2").transform)
        slope = (mpmath.log(abs(f(mpmath.mpf(2000)))) - mpmath.log(abs(f(mpmath.mpf(1000))))) / mpmath.log(2)
        assert abs(slope - decay_law("relu2")[1]) < mpmath.mpf(10) ** -20


def test_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of tanh, sigmoid, relu, relu2"):
        activation_transform("gelu")
