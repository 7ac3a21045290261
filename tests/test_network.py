"""Network transform (Eq. 26), per-frequency loss gradients (Eqs. 27-30) and Parseval (docs/theory.md §2-3)."""

import jax
import mpmath
import numpy as np
import pytest
import sympy as sp

from fptheory.reference import central_difference_gradient
from fptheory.symbolic._compiled import compile_expression, loss_fn, loss_gradient_fn
from fptheory.symbolic._fourier import k
from fptheory.symbolic._network import (
    f_im,
    f_re,
    network_loss,
    network_loss_gradient,
    network_transform_expr,
    neuron_parameters,
)

pytestmark = pytest.mark.usefixtures("x64")  # the theory's jax backend computes in float64


def _params(rng, m, low=0.5, high=1.5):
    a = rng.uniform(-1.5, 1.5, m)
    w = rng.uniform(low, high, m) * rng.choice([-1.0, 1.0], m)
    w[0], w[1] = abs(w[0]), -abs(w[1])  # both signs, always
    b = rng.uniform(-1.0, 1.0, m)
    return a, w, b


def _mp_network(m):
    symbols = [s for j in range(1, m + 1) for s in neuron_parameters(j)]
    return sp.lambdify([k, *symbols], network_transform_expr(m), modules="mpmath")


def _flat(a, w, b):
    return [mpmath.mpf(float(v)) for triple in zip(a, w, b) for v in triple]


@pytest.mark.parametrize("kk", ["0.7", "-1.9", "4"])
def test_network_transform_by_quadrature(rng, kk):
    """FT[h'](k) = ik ĥ(k) to 30 digits, h' = Σ a_j w_j sech²(w_j x + b_j) integrated by mpmath."""
    m = 3
    a, w, b = _params(rng, m)
    h_hat = _mp_network(m)
    with mpmath.workdps(45):
        kk = mpmath.mpf(kk)
        params = [(mpmath.mpf(float(x)), mpmath.mpf(float(y)), mpmath.mpf(float(z))) for x, y, z in zip(a, w, b)]
        h_prime = lambda t: sum(aj * wj * mpmath.sech(wj * t + bj) ** 2 for aj, wj, bj in params)
        centres = sorted(-bj / wj for _, wj, bj in params)
        edges = sorted(set([mpmath.mpf(-130), *centres, mpmath.mpf(130)] + list(mpmath.linspace(-130, 130, 131))))
        numeric = mpmath.quad(lambda t: h_prime(t) * mpmath.expj(-kk * t), edges)
        derived = 1j * kk * h_hat(kk, *_flat(a, w, b))
        assert abs(numeric - derived) <= mpmath.mpf(10) ** -30 * abs(derived)


def test_loss_gradient_three_ways(rng):
    """sympy gradient (numpy) vs jax.grad of the compiled loss vs 4th-order central differences: 1e-8 relative."""
    grad = loss_gradient_fn("tanh", "numpy")
    loss_np = loss_fn("tanh", "numpy")
    loss_jax = loss_fn("tanh", "jax")
    jax_grad = jax.grad(lambda a, w, b, kk, fh: loss_jax(kk, a, w, b, fh), argnums=(0, 1, 2))
    for _ in range(6):
        m = 4
        a, w, b = _params(rng, m, 0.3, 2.0)
        kk = float(rng.uniform(0.5, 5.0) * rng.choice([-1, 1]))
        fhat = complex(rng.normal(), rng.normal())
        sym = grad(np.float64(kk), a, w, b, fhat)
        via_jax = np.stack([np.asarray(g) for g in jax_grad(a, w, b, kk, fhat)])
        fd = central_difference_gradient(lambda *p: loss_np(np.float64(kk), *p, fhat), (a, w, b))
        scale = np.max(np.abs(sym))
        np.testing.assert_allclose(via_jax, sym, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(fd, sym, rtol=0, atol=1e-8 * scale)


def test_direct_differentiation_matches_neuron_formula(rng):
    """∂L/∂θ of the explicit m = 2 real loss (sympy diff) equals Re(conj(D) ∂ĥ_j/∂θ), in float64."""
    m = 2
    symbols = [s for j in range(1, m + 1) for s in neuron_parameters(j)]
    direct = network_loss_gradient(m)
    fns = {name: compile_expression(expr, (k, f_re, f_im, *symbols)) for name, expr in direct.items()}
    grad = loss_gradient_fn("tanh", "numpy")
    for _ in range(5):
        a, w, b = _params(rng, m)
        kk, fhat = rng.uniform(0.3, 4.0), complex(rng.normal(), rng.normal())
        args = [kk, fhat.real, fhat.imag, *[v for triple in zip(a, w, b) for v in triple]]
        got = grad(np.float64(kk), a, w, b, fhat)
        for j in range(m):
            for l, name in enumerate(("a", "w", "b")):
                np.testing.assert_allclose(fns[f"{name}_{j + 1}"](*args), got[l, j], rtol=1e-12, atol=1e-14)


def test_parseval(rng):
    """∫ L(k) dk = π ∫ |h - f|² dx with f = c tanh(x), c = Σ a_j sign(w_j) (so h - f ∈ L²): 20 digits."""
    m = 3
    a, w, b = _params(rng, m)
    c = float(np.sum(a * np.sign(w)))
    loss = sp.lambdify(
        [k, f_re, f_im, *[s for j in range(1, m + 1) for s in neuron_parameters(j)]], network_loss(m), modules="mpmath"
    )
    with mpmath.workdps(35):
        params = _flat(a, w, b)
        cc = mpmath.mpf(c)
        f_hat = lambda kk: cc * (-1j * mpmath.pi / mpmath.sinh(mpmath.pi * kk / 2))
        def freq_loss(kk):
            fh = f_hat(kk)
            return loss(kk, fh.real, fh.imag, *params)
        lhs = mpmath.quad(freq_loss, list(mpmath.linspace(-90, 0, 46)) + list(mpmath.linspace(0, 90, 46))[1:])
        triples = [(params[3 * j], params[3 * j + 1], params[3 * j + 2]) for j in range(m)]
        diff = lambda t: sum(aj * mpmath.tanh(wj * t + bj) for aj, wj, bj in triples) - cc * mpmath.tanh(t)
        rhs = mpmath.pi * mpmath.quad(lambda t: diff(t) ** 2, mpmath.linspace(-80, 80, 161))
        assert abs(lhs - rhs) <= mpmath.mpf(10) ** -20 * abs(rhs)


def test_network_transform_rejects_bad_m():
    with pytest.raises(ValueError, match="m \\(number of neurons\\) must be an integer >= 1"):
        network_transform_expr(0)
