"""Stable log-domain evaluation against 50-digit mpmath (docs/theory.md §2-3, Eq. 31)."""

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
from scipy.stats import linregress

from fptheory.numeric import _stable as stable
from fptheory.reference import mp_loss_gradient, mp_network_transform
from fptheory.symbolic._compiled import loss_fn, loss_gradient_fn, network_transform_fn

pytestmark = pytest.mark.usefixtures("x64")  # the theory's jax backend computes in float64

W_GRID = np.concatenate([np.logspace(-8, 2, 21), -np.logspace(-8, 2, 21)])
K_GRID = np.concatenate([np.logspace(-1, 3, 9), -np.logspace(-1, 3, 9)])
FHAT = 1.0 + 0.5j


def _two_neurons(w0):
    return np.array([0.8, -1.1]), np.array([w0, 0.9]), np.array([0.37, -0.2])


def test_reduced_phase_against_mpmath(rng):
    """(bk/w) mod 2π to 4e-15 absolute for |w| down to 1e-8 and |k| up to 1e3 (|ψ| up to ~3e11)."""
    b = rng.uniform(-3, 3, 3000)
    k = 10 ** rng.uniform(-1, 3, 3000) * rng.choice([-1, 1], 3000)
    w = 10 ** rng.uniform(-8, 2, 3000) * rng.choice([-1, 1], 3000)
    got = stable.reduced_phase(b, k, w)
    assert np.all(np.abs(got) <= np.pi + 1e-12)
    with mpmath.workdps(60):
        two_pi = 2 * mpmath.pi
        for bb, kk, ww, g in zip(b, k, w, got):
            exact = mpmath.mpf(bb) * mpmath.mpf(kk) / mpmath.mpf(ww)
            diff = (mpmath.mpf(g) - exact) / two_pi
            diff = abs(diff - mpmath.nint(diff)) * two_pi
            assert diff < 4e-15


def test_log_abs_E_against_mpmath():
    with mpmath.workdps(50):
        for w in W_GRID:
            for k in K_GRID:
                ref = mpmath.log(abs(-1 / (2 * mpmath.sinh(mpmath.pi * mpmath.mpf(k) / (2 * mpmath.mpf(w))))))
                got = stable.log_abs_E(k, w)
                assert abs(got - ref) <= 1e-12 * max(1, abs(ref))


def test_log_gradient_against_mpmath():
    """log|∂L/∂θ_lj| to 1e-12 relative on |w| ∈ [1e-8, 1e2], |k| ∈ [0.1, 1e3], both signs; and the
    Eq. 31 factor log F_lj = log|∂L/∂θ| - log A + π|k|/(2|w|) to 1e-12 absolute (F to 1e-12 relative)."""
    with mpmath.workdps(50):
        for w0 in W_GRID:
            for k in K_GRID:
                a, w, b = _two_neurons(w0)
                log_grad = stable.log_abs_loss_gradient(k, a, w, b, FHAT)[:, 0]
                log_factor = stable.log_gradient_factor(k, a, w, b, FHAT)[:, 0]
                assert np.all(np.isfinite(log_grad)) and np.all(np.isfinite(log_factor))
                ref = mp_loss_gradient(k, a, w, b, FHAT, 0)
                log_A = mpmath.log(abs(mp_network_transform(k, a, w, b) - mpmath.mpc(FHAT)))
                z = mpmath.pi * abs(mpmath.mpf(k)) / (2 * abs(mpmath.mpf(w0)))
                for l in range(3):
                    r = mpmath.log(abs(ref[l]))
                    assert abs(log_grad[l] - r) <= 1e-12 * max(1, abs(r)), (w0, k, l)
                    assert abs(log_factor[l] - (r - log_A + z)) <= 1e-12, (w0, k, l)


def test_stable_equals_plain_where_plain_is_finite(rng):
    a, b = rng.normal(size=(2, 50, 5))
    w = rng.uniform(0.2, 3, (50, 5)) * rng.choice([-1, 1], (50, 5))
    k = rng.uniform(0.2, 6, 50) * rng.choice([-1, 1], 50)
    np.testing.assert_allclose(stable.network_transform(k, a, w, b), network_transform_fn()(k, a, w, b), rtol=1e-12)
    np.testing.assert_allclose(
        stable.loss_gradient(k, a, w, b, FHAT), loss_gradient_fn()(k, a, w, b, FHAT), rtol=1e-11, atol=1e-15
    )


def test_zcothz_minus_one_against_mpmath():
    z = np.concatenate([np.logspace(-8, 2, 200), -np.logspace(-8, 2, 200), [0.4999, 0.5, 0.5001]])
    got = stable.zcothz_minus_one(z)
    with mpmath.workdps(50):
        for zz, g in zip(z, got):
            zz = mpmath.mpf(zz)
            ref = zz * mpmath.coth(zz) - 1
            assert abs(g - ref) <= 3e-15 * abs(ref)  # ≤ (1 + 1/G(0.5)) ulp ≈ 12 ulp at the switch


@pytest.mark.parametrize("param, power", [("a", 1), ("w", 3), ("b", 2)])
def test_eq31_factor_grows_polynomially(param, power):
    """Eq. 31: with ψ = bk/w held fixed (b = 0.3 w), log F_lj against log(1/|w|) for |w| from 1e-8 to
    1e-2 is a line of slope 1, 3, 2 for l = a, w, b: F is free of the exponential e^{-π|k|/(2|w|)},
    which alone carries log|∂L/∂θ| down to about -5e8 at |w| = 1e-8, k = 3."""
    w = np.logspace(-8, -2, 25)
    a, k = 0.7, 3.0
    l = "awb".index(param)
    log_factor = np.array([stable.log_gradient_factor(k, [a], [ww], [0.3 * ww], FHAT)[l, 0] for ww in w])
    fit = linregress(np.log(1 / w), log_factor)
    assert abs(fit.slope - power) < 0.01
    assert fit.rvalue > 0.99999
    log_grad = stable.log_abs_loss_gradient(k, [a], [1e-8], [3e-9], FHAT)[l, 0]
    assert -np.pi * k / 2e-8 < log_grad < -np.pi * k / 2e-8 + 100


def test_naive_gradients_nan_stable_finite(rng):
    """In the unit ball of R^3 (m = 1, k = 3), jax.grad of the plain formula is NaN for some samples and
    silently wrong (sign included) for others once z = π|k|/(2|w|) > 300 (sinh² near overflow). The stable
    form is finite everywhere, agrees with jax.grad of itself, with the plain form where z ≤ 300, and with
    50-digit mpmath on the samples where the plain form is worst."""
    n = 4000
    theta = rng.normal(size=(n, 3))
    theta *= (rng.uniform(size=(n, 1)) ** (1 / 3)) / np.linalg.norm(theta, axis=1, keepdims=True)
    a, w, b = (theta[:, i : i + 1] for i in range(3))
    k = 3.0
    plain_loss = loss_fn("tanh", "jax")

    def stable_loss(a_, w_, b_):
        return 0.5 * jnp.abs(stable.network_transform(k, a_, w_, b_, backend="jax") - FHAT) ** 2

    plain = np.stack(jax.vmap(jax.grad(lambda x, y, z: plain_loss(k, x, y, z, FHAT).sum(), argnums=(0, 1, 2)))(a, w, b))
    stable_grad = np.stack(jax.vmap(jax.grad(lambda x, y, z: stable_loss(x, y, z).sum(), argnums=(0, 1, 2)))(a, w, b))
    derived = stable.loss_gradient(np.full(n, k), a, w, b, FHAT)
    nan_rows = np.any(np.isnan(plain), axis=0)[:, 0]
    assert nan_rows.any()
    assert np.all(np.isfinite(stable_grad)) and np.all(np.isfinite(derived))
    np.testing.assert_allclose(stable_grad, derived, rtol=1e-10, atol=1e-300)
    moderate = (np.pi * k / (2 * np.abs(w[:, 0])) <= 300) & ~nan_rows
    np.testing.assert_allclose(plain[:, moderate], derived[:, moderate], rtol=1e-8, atol=1e-300)
    extreme = ~moderate & ~nan_rows
    rel = np.max(np.abs(plain[:, extreme] - derived[:, extreme]) / np.abs(derived[:, extreme]), axis=0)[:, 0]
    assert rel.max() > 1  # the plain formula is wrong there without any NaN to show it
    with mpmath.workdps(50):
        for idx in np.flatnonzero(extreme)[np.argsort(rel)[-3:]]:
            ref = mp_loss_gradient(k, a[idx], w[idx], b[idx], FHAT, 0)
            for l in range(3):
                assert abs(derived[l, idx, 0] - ref[l]) <= 1e-11 * abs(ref[l])


def test_jax_backend_matches_numpy(rng):
    a, b = rng.normal(size=(2, 30, 4))
    w = 10 ** rng.uniform(-8, 1, (30, 4)) * rng.choice([-1, 1], (30, 4))
    k = 10 ** rng.uniform(-1, 3, 30)
    for name in ("log_abs_loss_gradient", "log_gradient_factor"):
        fn = getattr(stable, name)
        np.testing.assert_allclose(fn(k, a, w, b, FHAT, backend="jax"), fn(k, a, w, b, FHAT), rtol=1e-13)
    np.testing.assert_allclose(
        stable.reduced_phase(b, k[:, None], w, backend="jax"), stable.reduced_phase(b, k[:, None], w), atol=1e-15
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(k=0.0), "k must be nonzero"),
        (dict(w=[0.0, 1.0]), "w must be nonzero"),
        (dict(a=[np.nan, 1.0]), "a must be finite"),
        (dict(b=[1.0, 2.0, 3.0]), "shapes do not broadcast"),
        (dict(fhat=np.inf), "fhat must be finite"),
        (dict(k=np.ones(3), a=np.ones((2, 2)), w=np.ones((2, 2)), b=np.ones((2, 2))), "shapes do not broadcast"),
    ],
)
def test_bad_input(kwargs, message):
    args = dict(k=1.0, a=[1.0, 2.0], w=[0.5, -0.5], b=[0.1, 0.2], fhat=1.0) | kwargs
    with pytest.raises(ValueError, match=message):
        stable.log_abs_loss_gradient(args["k"], args["a"], args["w"], args["b"], args["fhat"])
    with pytest.raises(ValueError, match="backend must be"):
        stable.network_transform(1.0, [1.0], [1.0], [1.0], backend="torch")


def test_log_sum_exp_against_scipy(rng):
    from scipy.special import logsumexp

    for size in range(1, 12):
        values = rng.normal(scale=300, size=size)
        values[rng.uniform(size=size) < 0.3] = -np.inf
        assert stable.log_sum_exp(values) == pytest.approx(float(logsumexp(values)), rel=1e-14, abs=1e-14)
    assert stable.log_sum_exp([]) == -np.inf and stable.log_sum_exp([-np.inf, -np.inf]) == -np.inf
    assert stable.log_sum_exp([np.log(2.0), np.log(3.0)]) == pytest.approx(np.log(5.0), rel=1e-15)
