"""The Poisson objectives (Xu et al. 2020, Sec. 5.2): the Ritz energy is stationary at the exact solution and
quadratic around it with the Dirichlet form as its curvature; the residual loss vanishes there; autodiff's
derivatives against finite differences (training on it: tests/test_poisson_experiment.py)."""

import jax
import jax.numpy as jnp
import pytest

from fptheory._checks import InputError
from fptheory.numeric import poisson_grid
from fptheory.train import MLP, poisson_residual, ritz_energy, ritz_energy_2d


def _u(x):
    """The paper's solution, written out here (g0 + c1 x; c0 = 0 since g0 is odd)."""
    g0 = lambda s: jnp.sin(s) + jnp.sin(4 * s) / 4 - jnp.sin(8 * s) / 8 + jnp.sin(24 * s) / 36
    return g0(x) - g0(1.0) * x


def _g(x):
    return jnp.sin(x) + 4 * jnp.sin(4 * x) - 8 * jnp.sin(8 * x) + 16 * jnp.sin(24 * x)


def _v(x):
    return (1 - x**2) * jnp.sin(3 * x + 0.4)  # vanishes at ±1


def _model(params, x):
    """u + θ v: a one-parameter family through the solution."""
    t = x[:, 0]
    return _u(t) + params * _v(t)


def test_ritz_energy_is_stationary_at_the_solution_with_the_dirichlet_curvature(x64):
    """E(θ) on the grid is exactly quadratic with second difference Σ v'² Δx (1e-9 relative), and its slope at
    θ = 0, Σ (u'v' - g v) Δx, vanishes up to the quadrature's O(Δx) (integration by parts, v(±1) = 0)."""
    n = 4001
    x = jnp.asarray(poisson_grid(n))[:, None]
    energy = jax.jit(ritz_energy(_model, n_points=n, beta=10.0))
    E = lambda theta: float(energy(jnp.float64(theta), x, _g(x[:, 0])))
    eps = 1e-2
    curvature = (E(eps) - 2 * E(0.0) + E(-eps)) / eps**2
    dv = jax.vmap(jax.grad(_v))(x[:, 0])
    dirichlet = float(jnp.sum(dv**2) * 2 / (n - 1))
    assert abs(curvature - dirichlet) < 1e-9 * dirichlet
    slope = (E(eps) - E(-eps)) / (2 * eps)
    scale = float(jnp.sum(jnp.abs(_g(x[:, 0]) * _v(x[:, 0]))) * 2 / (n - 1))
    assert abs(slope) < 5e-3 * scale, (slope, scale)


def test_residual_loss_vanishes_at_the_solution_only(x64):
    x = jnp.asarray(poisson_grid(201))[:, None]
    loss = jax.jit(poisson_residual(_model, beta=1.0))
    assert float(loss(jnp.float64(0.0), x, _g(x[:, 0]))) < 1e-20
    assert float(loss(jnp.float64(0.1), x, _g(x[:, 0]))) > 1e-4


def test_autodiff_derivative_of_a_network_against_finite_differences(x64):
    """The jvp derivative the Ritz energy uses equals central differences of the network (h = 1e-5, 1e-8)."""
    from fptheory.train._poisson_objectives import _derivative

    net = MLP((1, 16, 16, 1))
    params = net.init(key=jax.random.PRNGKey(0), dtype=jnp.float64)
    x = jnp.asarray(poisson_grid(101))[:, None]
    _, dh = jax.jit(lambda p: _derivative(net.apply, p, x))(params)
    h = 1e-5
    apply = jax.jit(net.apply)
    fd = (apply(params, x + h) - apply(params, x - h)) / (2 * h)
    assert float(jnp.max(jnp.abs(dh - fd))) < 1e-8


@pytest.mark.parametrize("call, needle", [
    (lambda: ritz_energy(_model, n_points=2, beta=1.0), "n_points must be an integer >= 3"),
    (lambda: ritz_energy(_model, n_points=11, beta=0.0), "beta must be a finite number > 0"),
    (lambda: poisson_residual(_model, beta=-1.0), "beta must be a finite number > 0"),
])
def test_bad_input_is_refused(call, needle):
    with pytest.raises(InputError) as info:
        call()
    assert needle in str(info.value)


@pytest.mark.slow
def test_ritz_energy_2d_is_stationary_at_the_solution_with_the_dirichlet_curvature(x64):
    """On the unit square, u = sin(πx) sin(2πy) (g = 5π² u, written out here) and v vanishing on the boundary:
    E(u + θv) is exactly quadratic with second difference Σ |∇v|² Δx² (1e-9 relative); its slope at θ = 0 vanishes
    at the rate of the quadrature's error, O(Δx) (halving Δx halves it: ratio 2 ± 0.1); a constant c pays the
    boundary penalty β c² times the perimeter, 4."""
    u = lambda p: jnp.sin(jnp.pi * p[..., 0]) * jnp.sin(2 * jnp.pi * p[..., 1])
    v = lambda p: p[..., 0] * (1 - p[..., 0]) * p[..., 1] * (1 - p[..., 1]) * jnp.cos(p[..., 0] + 2 * p[..., 1])
    eps, slopes = 1e-2, []
    for n in (101, 201):
        t = jnp.linspace(0.0, 1.0, n)
        grid = jnp.stack(jnp.meshgrid(t, t, indexing="ij"), axis=-1).reshape(-1, 2)
        g = 5 * jnp.pi**2 * u(grid)
        energy = jax.jit(ritz_energy_2d(lambda theta, p: u(p) + theta * v(p), n_points=n, beta=3.0))
        E = lambda theta: float(energy(jnp.float64(theta), grid, g))
        curvature = (E(eps) - 2 * E(0.0) + E(-eps)) / eps**2
        dirichlet = float(jnp.sum(jax.vmap(jax.grad(v))(grid) ** 2)) / (n - 1) ** 2
        assert abs(curvature - dirichlet) < 1e-9 * dirichlet
        slopes.append((E(eps) - E(-eps)) / (2 * eps))
    assert slopes[0] / slopes[1] == pytest.approx(2.0, abs=0.1), slopes
    constant = jax.jit(ritz_energy_2d(lambda c, p: c * jnp.ones(p.shape[0]), n_points=201, beta=3.0))
    c = 0.7
    assert float(constant(jnp.float64(c), grid, jnp.zeros(201 * 201))) == pytest.approx(3.0 * c**2 * 4, rel=1e-12)


def test_ritz_energy_2d_refuses_bad_arguments():
    with pytest.raises(InputError, match="beta must be a finite number > 0"):
        ritz_energy_2d(lambda p, x: x[:, 0], n_points=5, beta=-1.0)
    with pytest.raises(InputError, match="n_points must be an integer >= 3"):
        ritz_energy_2d(lambda p, x: x[:, 0], n_points=2, beta=1.0)
