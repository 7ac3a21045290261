"""Stable log-domain evaluation against 50-digit mpmath (docs/theory.md §2-3, Eq. 31)."""

import math

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


@pytest.mark.slow
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


@pytest.mark.slow
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


# --- The whole float64 range (issue 38, item 1) ---------------------------------------------------------------
# Each input is drawn log-uniform in magnitude over [1e-300, 1e300] with a random sign (b = 0 and real, imaginary
# or zero f̂ with their own chances, as the structural zeros are where a rounded zero would hide a true gradient).
# The reference is the Cartesian form (_mp_gradient: conj(D) expanded over the neurons and f̂), at digits doubled
# until two precisions agree to 30 digits. An output agrees when it lies within the forward error bound of float64 arithmetic on
# the same terms, or the call was refused; the refusals must be exactly the documented ones.

_EPS = np.finfo(float).eps


def _draw_wide(rng, m):
    def log_uniform(size=None, top=300):
        return rng.choice([-1.0, 1.0], size) * 10.0 ** rng.uniform(-300, top, size)

    k = float(log_uniform())
    a, w, b = log_uniform(m), log_uniform(m), log_uniform(m)
    b[rng.uniform(size=m) < 0.2] = 0.0
    kind = rng.choice(["complex", "real", "imaginary", "zero"], p=[0.55, 0.2, 0.15, 0.1])
    fr, fi = float(log_uniform(top=308)), float(log_uniform(top=308))
    fhat = {"complex": complex(fr, fi), "real": complex(fr, 0), "imaginary": complex(0, fi), "zero": 0j}[kind]
    return k, a, w, b, fhat


def _refusal_expected(k, w, b):
    """None when the documented ranges decide nothing within 1e-9 of their edges (such draws are skipped)."""
    log_ratio = np.log10(abs(k)) - np.log10(np.abs(w))
    with np.errstate(divide="ignore"):
        log_psi = np.log10(np.abs(b)) + log_ratio
    edges = np.concatenate([log_ratio - 300, log_psi[b != 0] + 290])
    if np.any(np.abs(edges) < 1e-9):
        return None
    return bool(np.any(log_ratio > 300) or np.any(log_psi[b != 0] < -290))


def _mp_gradient(k, a, w, b, fhat, j):
    """At mpmath's working precision: (∂L/∂a_j, ∂L/∂w_j, ∂L/∂b_j), D = ĥ - f̂, |ĥ_i| for each i, z_j, ψ_j, G_j.

    Cartesian: ∂L/∂θ = Re(conj(D) ∂ĥ_j/∂θ), with ĥ_i = a_i e_i, e_i = -iπ e^{iψ_i}/(|w_i| sinh z_i),
    ∂ĥ_j/∂b = ĥ_j ik/w_j and ∂ĥ_j/∂w = ĥ_j (G_j/w_j - i b_j k/w_j²), G = z coth z - 1. conj(D) is expanded into
    Σ_i conj(ĥ_i) - conj(f̂) rather than formed, so that no term is rounded into another before the products."""
    K = mpmath.mpf(float(k))
    A, W, B = ([mpmath.mpf(float(v)) for v in x] for x in (a, w, b))
    z = [mpmath.pi * K / (2 * wi) for wi in W]
    psi = [bi * K / wi for bi, wi in zip(B, W)]
    e = [-1j * mpmath.pi * mpmath.expj(p) / (abs(wi) * mpmath.sinh(zi)) for p, wi, zi in zip(psi, W, z)]
    h = [ai * ei for ai, ei in zip(A, e)]
    G = z[j] * mpmath.coth(z[j]) - 1
    dh = [e[j], h[j] * (G / W[j] - 1j * B[j] * K / W[j] ** 2), h[j] * 1j * K / W[j]]
    # neuron j's own term, Re(conj(ĥ_j) ∂ĥ_j/∂θ), from |ĥ_j|² (an identity, so that no rounding of the product is
    # left where it is exactly a_j|e_j|², |ĥ_j|² G/w_j, 0)
    own = [A[j] * abs(e[j]) ** 2, abs(h[j]) ** 2 * G / W[j], mpmath.mpf(0)]
    conj_d = [mpmath.conj(hi) for i, hi in enumerate(h) if i != j] + [-mpmath.conj(mpmath.mpc(fhat))]
    grads = [mpmath.fsum([o] + [mpmath.re(c * d) for c in conj_d]) for o, d in zip(own, dh)]
    return grads, mpmath.fsum(h) - mpmath.mpc(fhat), [abs(hi) for hi in h], z[j], psi, G


def _reference_with_bound(k, a, w, b, fhat, j):
    """mpmath's log|∂L/∂θ_lj| (l = a, w, b), log F_lj, and the forward error bounds of float64, relative.

    Precision: doubled from enough digits to reduce b k/w mod 2π and to form G at the smallest z, until two
    precisions agree to 30 digits; None where 6400 digits do not settle it.

    The bound: float64 carries each neuron's own term of conj(ĥ) e^{iψ_j} exactly (its phase cancels), so it holds
    the other neurons' |ĥ_i|, f̂'s parts times the |cos ψ_j|, |sin ψ_j| they multiply, and the error of ψ_j mod 2π
    (relative below π, about 1e-15 beyond)."""
    logs_psi = [math.log10(abs(bi)) + math.log10(abs(k)) - math.log10(abs(wi)) for bi, wi in zip(b, w) if bi]
    logs_z = [math.log10(abs(k)) - math.log10(abs(wi)) for wi in w]
    digits = int(40 + max([0.0] + logs_psi + [-2 * v for v in logs_z]))
    previous = None
    while digits <= 6400:
        with mpmath.workdps(digits):
            result = _mp_gradient(k, a, w, b, fhat, j)
        if previous is not None and all(
            x == y or abs(x - y) <= 1e-30 * abs(x) for x, y in zip(result[0] + [result[1]], previous[0] + [previous[1]])
        ):
            break
        previous, digits = result, 2 * digits
    else:
        return None
    grads, D, parts, z, psi, G = result
    with mpmath.workdps(30):
        K, A, W, B = (mpmath.mpf(float(v)) for v in (k, a[j], w[j], b[j]))
        psi_j = psi[j]
        cos_psi, sin_psi = abs(mpmath.cos(psi_j)), abs(mpmath.sin(psi_j))
        fr, fi = abs(mpmath.mpf(fhat.real)), abs(mpmath.mpf(fhat.imag))
        # cross terms: |ĥ_i| (sin(ψ_i - ψ_j) + i cos(ψ_i - ψ_j)), each of sin, cos off by ε(1 + |ψ_i| + |ψ_j|), ψ mod 2π
        phase = [min(abs(p), 8) for p in psi]
        cross_x = mpmath.fsum(parts[i] * (abs(mpmath.sin(psi[i] - psi_j)) + phase[i] + phase[j])
                              for i in range(len(parts)) if i != j)
        cross_y = mpmath.fsum(parts[i] * (abs(mpmath.cos(psi[i] - psi_j)) + phase[i] + phase[j])
                              for i in range(len(parts)) if i != j)
        phase_err = (fr + fi) * phase[j]
        err_x = cross_x + fr * cos_psi + fi * sin_psi + phase_err
        err_y = cross_y + parts[j] + fr * sin_psi + fi * cos_psi + phase_err
        # |∂L/∂θ_l| = |T_l| / (|w|^{n_l} |sinh z|) with T_a = π Y, T_w = π a (G w Y - b k X), T_b = π a k X sign w
        t_err = [mpmath.pi * err_y, mpmath.pi * abs(A) * (abs(G * W) * err_y + abs(B * K) * err_x),
                 mpmath.pi * abs(A * K) * err_x]
        denominator = [abs(W) ** n * abs(mpmath.sinh(z)) for n in (1, 3, 2)]
        d_bound = 64 * _EPS * (mpmath.fsum(parts) + fr + fi) / abs(D) if D != 0 else mpmath.inf
        out = []
        for l in range(3):
            if grads[l] == 0:
                out.append((-math.inf, -math.inf, math.inf, math.inf))
                continue
            log_grad = mpmath.log(abs(grads[l]))
            bound = 64 * _EPS * t_err[l] / denominator[l] / abs(grads[l])
            log_factor = log_grad - mpmath.log(abs(D)) + abs(z) if D != 0 else mpmath.inf
            out.append((float(log_grad), float(log_factor), float(bound), float(d_bound)))
        return out


def _check_wide(draws, seed):
    rng = np.random.default_rng(seed)
    checked = refused = loose = unsettled = 0
    for _ in range(draws):
        m = int(rng.integers(1, 4))
        k, a, w, b, fhat = _draw_wide(rng, m)
        expected = _refusal_expected(k, w, b)
        if expected is None:
            continue
        try:
            with np.errstate(over="raise", invalid="raise", divide="ignore", under="ignore"):
                log_grad = stable.log_abs_loss_gradient(k, a, w, b, fhat)
                log_factor = stable.log_gradient_factor(k, a, w, b, fhat)
        except stable.InputError as err:
            assert expected, f"refused inside the documented range: {err} for k={k!r}, a={a!r}, w={w!r}, b={b!r}"
            assert str(err).count("\n") == 0
            refused += 1
            continue
        assert not expected, f"not refused outside the documented range: k={k!r}, w={w!r}, b={b!r}"
        assert not np.any(np.isnan(log_grad)) and not np.any(np.isnan(log_factor))
        assert not np.any(np.isposinf(log_grad)) and not np.any(np.isposinf(log_factor))
        for j in range(m):
            refs = _reference_with_bound(k, a, w, b, fhat, j)
            if refs is None:
                unsettled += 1
                continue
            for l, ref in enumerate(refs):
                where = f"l={'awb'[l]}, j={j}: k={k!r}, a={a.tolist()}, w={w.tolist()}, b={b.tolist()}, fhat={fhat!r}"
                if ref[0] == -math.inf:
                    assert log_grad[l, j] == -math.inf or ref[2] >= 1, where
                    continue
                ref_grad, ref_factor, bound, d_bound = ref
                if bound >= 0.5:  # the float64 terms cancel to below their rounding: nothing to check
                    loose += 1
                    continue
                ulps = 16 * _EPS * (abs(ref_grad) + 3 * abs(math.log(abs(w[j]))) + abs(ref_grad - ref_factor))
                assert abs(log_grad[l, j] - ref_grad) <= 2 * bound + ulps, where
                if d_bound < 0.5:
                    assert abs(log_factor[l, j] - ref_factor) <= 2 * (bound + d_bound) + ulps, where
                checked += 1
    return checked, refused, loose, unsettled


def test_log_gradient_whole_float64_range():
    """300 draws (default tier): every output agrees with mpmath within float64's forward error, or is refused."""
    checked, refused, loose, unsettled = _check_wide(300, seed=38)
    assert checked >= 150 and refused >= 30
    assert loose <= 0.02 * checked and unsettled <= 0.01 * checked


@pytest.mark.slow
def test_log_gradient_whole_float64_range_large():
    """20000 draws (slow tier), the same check."""
    checked, refused, loose, unsettled = _check_wide(20_000, seed=3801)
    assert checked >= 10_000 and loose <= 0.02 * checked and unsettled <= 0.01 * checked


@pytest.mark.slow
def test_jax_backend_whole_float64_range():
    """On concrete arrays (60 draws) the jax backend gives the numpy backend's answers over the whole range (to 1e-12), and
    refuses the same inputs, plus |bk/w| > 2^50, which it cannot reduce."""
    rng = np.random.default_rng(381)
    compared = 0
    for _ in range(60):
        k, a, w, b, fhat = _draw_wide(rng, int(rng.integers(1, 4)))
        try:
            ref = stable.log_abs_loss_gradient(k, a, w, b, fhat)
        except stable.InputError as err:
            with pytest.raises(stable.InputError, match=str(err).split(":")[0]):
                stable.log_abs_loss_gradient(k, a, w, b, fhat, backend="jax")
            continue
        try:
            got = np.asarray(stable.log_abs_loss_gradient(k, a, w, b, fhat, backend="jax"))
        except stable.InputError as err:
            assert "2^50" in str(err)
            continue
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
        compared += 1
    assert compared >= 12
