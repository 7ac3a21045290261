"""Poisson's equation (Xu et al. 2020, Sec. 5): the derived exact solution against the paper's formula and finite
differences; the derived Jacobi spectrum against explicit matrices on sizes drawn at random; the measured per-mode
decay of Jacobi's error against λ_j^t; the banded solve against a dense one and its second-order convergence."""

import numpy as np
import pytest
import sympy as sp
from scipy.stats import linregress

from fptheory._checks import InputError
from fptheory.numeric import (
    jacobi,
    jacobi_2d,
    jacobi_eigenvalues,
    jacobi_to_target,
    poisson_grid,
    sine_modes,
    sine_modes_2d,
    solve_poisson,
    solve_poisson_2d,
)
from fptheory.symbolic._poisson import (
    POISSON_SOURCE,
    _is_zero,
    jacobi_spectrum,
    jacobi_spectrum_2d,
    planted_poisson_2d,
    poisson_solution,
    x,
    y,
)


def _paper_u(t):
    """The paper's solution as the issue states it: g0 + c1 x + c0, typed in here (not derived)."""
    g0 = lambda s: np.sin(s) + np.sin(4 * s) / 4 - np.sin(8 * s) / 8 + np.sin(24 * s) / 36
    c1, c0 = (g0(-1.0) - g0(1.0)) / 2, -(g0(-1.0) + g0(1.0)) / 2
    return g0(t) + c1 * t + c0


def _paper_g(t):
    return np.sin(t) + 4 * np.sin(4 * t) - 8 * np.sin(8 * t) + 16 * np.sin(24 * t)


def test_derived_solution_is_the_papers_and_solves_the_problem(rng):
    """The derived u equals the stated formula to 1e-14 on random points; its second difference (h = 1e-4) is -g
    to 1e-6, and u(±1) = 0 to 1e-15 (independent of sympy's own check)."""
    u = sp.lambdify(x, poisson_solution(), "numpy")
    t = rng.uniform(-1, 1, 200)
    assert np.max(np.abs(u(t) - _paper_u(t))) < 1e-14
    h = 1e-4
    second = (u(t + h) - 2 * u(t) + u(t - h)) / h**2
    assert np.max(np.abs(-second - _paper_g(t))) < 1e-6 * np.max(np.abs(_paper_g(t)))
    assert abs(u(-1.0)) < 1e-15 and abs(u(1.0)) < 1e-15
    assert sp.simplify(POISSON_SOURCE - sp.sympify("sin(x) + 4*sin(4*x) - 8*sin(8*x) + 16*sin(24*x)", {"x": x})) == 0


def test_solution_of_another_source():
    """-u'' = 1 on (-1, 1) with u(±1) = 0 is (1 - x²)/2."""
    assert sp.simplify(poisson_solution(sp.Integer(1)) - (1 - x**2) / 2) == 0


def _jacobi_matrix(size, omega):
    return (1 - omega) * np.eye(size) + omega / 2 * (np.eye(size, k=1) + np.eye(size, k=-1))


def test_jacobi_spectrum_against_explicit_matrices(rng):
    """On 12 sizes N in 2…60 and weights ω in (0, 1] drawn at random: M_ω v_j = λ_j v_j to 1e-12 for every mode
    (the derived expressions, lambdified), and they are all of M_ω's eigenvalues (numpy's eigvalsh, 1e-12)."""
    s = jacobi_spectrum()
    N, omega = sp.Symbol("N", integer=True, positive=True), sp.Symbol("omega", positive=True)
    lam = sp.lambdify((s.modes[0], N, omega), s.eigenvalue, "numpy")
    vec = sp.lambdify((s.indices[0], s.modes[0], N), s.eigenvector, "numpy")
    for _ in range(12):
        size, w = int(rng.integers(2, 61)), float(rng.uniform(0.05, 1.0))
        M = _jacobi_matrix(size, w)
        modes, idx = np.arange(1, size + 1), np.arange(1, size + 1)
        V = vec(idx[:, None], modes[None, :], size)  # columns are eigenvectors
        L = lam(modes, size, w)
        assert np.max(np.abs(M @ V - V * L[None, :])) < 1e-12
        assert np.max(np.abs(np.sort(np.linalg.eigvalsh(M)) - np.sort(L))) < 1e-12
        assert np.max(np.abs(L - jacobi_eigenvalues(size + 2, w))) < 1e-14


def test_jacobi_spectrum_2d_against_explicit_matrices(rng):
    """The 2-d weighted Jacobi propagator I - (ω/4)(4I - shifts), built by Kronecker products, has the derived
    eigenpairs for random N in 2…12, ω and modes (p, q), to 1e-12."""
    s = jacobi_spectrum_2d()
    N, omega = sp.Symbol("N", integer=True, positive=True), sp.Symbol("omega", positive=True)
    lam = sp.lambdify((*s.modes, N, omega), s.eigenvalue, "numpy")
    vec = sp.lambdify((*s.indices, *s.modes, N), s.eigenvector, "numpy")
    for _ in range(8):
        size, w = int(rng.integers(2, 13)), float(rng.uniform(0.05, 1.0))
        shift = np.eye(size, k=1) + np.eye(size, k=-1)
        eye = np.eye(size)
        M = np.eye(size * size) - w / 4 * (4 * np.eye(size * size) - np.kron(shift, eye) - np.kron(eye, shift))
        idx = np.arange(1, size + 1)
        for p, q in rng.integers(1, size + 1, size=(4, 2)):
            v = vec(idx[:, None], idx[None, :], p, q, size).ravel()  # row-major: index (i, l) -> i·N + l
            assert np.max(np.abs(M @ v - lam(p, q, size, w) * v)) < 1e-12


def test_the_derivation_check_rejects_a_wrong_eigenvalue():
    """The symbolic row check is not vacuous: cos(2θ) in place of cos θ fails it."""
    s = jacobi_spectrum()
    j, N, i = s.modes[0], sp.Symbol("N", integer=True, positive=True), s.indices[0]
    omega = sp.Symbol("omega", positive=True)
    theta = j * sp.pi / (N + 1)
    v = s.eigenvector
    row = (1 - omega) * v + omega / 2 * (v.subs(i, i - 1) + v.subs(i, i + 1))
    assert _is_zero(row - s.eigenvalue * v)
    assert not _is_zero(row - (1 - omega + omega * sp.cos(2 * theta)) * v)


@pytest.mark.parametrize("omega", [1.0, 2 / 3])
def test_jacobi_error_modes_decay_as_the_eigenvalues(rng, omega):
    """From a random start on a random grid (n in 50…400), the error's sine coefficients after t sweeps equal
    λ_j^t times the initial ones to 1e-10 of the largest initial coefficient (t = 1, 37, 300)."""
    n = int(rng.integers(50, 401))
    g = rng.normal(size=n)
    u_star = solve_poisson(g)
    u0 = rng.normal(size=n)
    u0[0] = u0[-1] = 0.0
    c0 = sine_modes(u0 - u_star)
    lam = jacobi_eigenvalues(n, omega)
    _, steps, records = jacobi(g, u0, 300, omega=omega, record_every=1)
    for t in (1, 37, 300):
        measured = sine_modes(records[t] - u_star)
        assert steps[t] == t
        assert np.max(np.abs(measured - lam**t * c0)) < 1e-10 * np.max(np.abs(c0))


@pytest.mark.parametrize("mode, omega", [(1, 1.0), (3, 2 / 3), (40, 1.0)])
def test_sweeps_to_target_as_the_eigenvalue_predicts(rng, mode, omega):
    """A start whose error is one sine mode j of amplitude A needs the first t with A·max|v_j|·|λ_j|^t ≤ target:
    jacobi_to_target, checking every sweep, finds exactly that t."""
    n = 101
    g = rng.normal(size=n)
    u_star = solve_poisson(g)
    i = np.arange(1, n - 1)
    v = np.zeros(n)
    v[1:-1] = np.sin(i * mode * np.pi / (n - 1))
    amplitude, target = 0.7, 1e-4
    lam = abs(jacobi_eigenvalues(n, omega)[mode - 1])
    expected = int(np.ceil(np.log(target / (amplitude * np.max(np.abs(v)))) / np.log(lam)))
    sweeps, checked, errors = jacobi_to_target(g, u_star + amplitude * v, u_star, target, omega=omega,
                                               max_sweeps=10 * expected, check_every=1)
    assert sweeps in (expected, expected + 1)  # the bound's last step can round either way by 1e-16
    assert errors[-1] <= target < errors[-2] and checked[0] == 0
    none, _, _ = jacobi_to_target(g, u_star + amplitude * v, u_star, target, omega=omega, max_sweeps=expected // 2)
    assert none is None


def test_jacobi_2d_error_modes_decay_as_the_derived_eigenvalues(rng):
    """On the unit square (n in 12…40, ω drawn in [0.5, 1]): from a random start with g = 0 (so the iterate is the
    error), every mode (p, q) after t sweeps is λ_pq^t times its start, λ_pq from the sympy derivation, to 1e-10
    of the largest start coefficient; the middle of the spectrum falls faster than the lowest mode."""
    s = jacobi_spectrum_2d()
    N, omega = sp.Symbol("N", integer=True, positive=True), sp.Symbol("omega", positive=True)
    lam = sp.lambdify((*s.modes, N, omega), s.eigenvalue, "numpy")
    n, w = int(rng.integers(12, 41)), float(rng.uniform(0.5, 1.0))
    u0 = rng.normal(size=(n, n))
    c0 = sine_modes_2d(u0)
    modes = np.arange(1, n - 1)
    L = lam(modes[:, None], modes[None, :], n - 2, w)
    for t in (1, 25):
        ct = sine_modes_2d(jacobi_2d(np.zeros((n, n)), u0, t, omega=w))
        assert np.max(np.abs(ct - L**t * c0)) < 1e-10 * np.max(np.abs(c0))
    assert abs(L[(n - 2) // 2, (n - 2) // 2]) <= 1 - w + 1e-12 < abs(L[0, 0])  # the middle of the spectrum falls faster


def test_planted_source_2d_is_minus_the_laplacian():
    """g = -Δu for u = sin(πx) sin(πy) + ½ sin(3πx) sin(2πy): g written out here, a_pq π² (p² + q²) per term."""
    u, g = planted_poisson_2d(((1, 1), (3, 2)), (1.0, 0.5))
    typed = (2 * sp.pi**2 * sp.sin(sp.pi * x) * sp.sin(sp.pi * y)
             + sp.Rational(13, 2) * sp.pi**2 * sp.sin(3 * sp.pi * x) * sp.sin(2 * sp.pi * y))
    assert sp.simplify(g - typed) == 0 and sp.simplify(u.subs(x, 1)) == 0
    with pytest.raises(ValueError, match="of one length"):
        planted_poisson_2d(((1, 1),), (1.0, 2.0))


def test_solve_poisson_2d_satisfies_the_5_point_system(rng):
    """On a grid drawn at random: the 5-point Laplacian of u* (applied here by array slicing) is g on the interior
    (1e-10 relative), u* vanishes on the boundary, and a single sine mode's solution is g/λ^h, λ^h =
    (4/h²)(sin²(pπh/2) + sin²(qπh/2)), to 1e-12."""
    n = int(rng.integers(9, 40))
    g = rng.normal(size=(n, n))
    u = solve_poisson_2d(g)
    h = 1.0 / (n - 1)
    lap = (4 * u[1:-1, 1:-1] - u[:-2, 1:-1] - u[2:, 1:-1] - u[1:-1, :-2] - u[1:-1, 2:]) / h**2
    assert np.max(np.abs(lap - g[1:-1, 1:-1])) < 1e-10 * np.max(np.abs(g))
    assert not u[0].any() and not u[-1].any() and not u[:, 0].any() and not u[:, -1].any()
    p, q = int(rng.integers(1, n - 1)), int(rng.integers(1, n - 1))
    t = np.linspace(0.0, 1.0, n)
    mode = np.outer(np.sin(p * np.pi * t), np.sin(q * np.pi * t))
    lam = 4 / h**2 * (np.sin(p * np.pi * h / 2) ** 2 + np.sin(q * np.pi * h / 2) ** 2)
    assert np.max(np.abs(solve_poisson_2d(mode) - mode / lam)) < 1e-12


def test_sine_modes_invert_the_sine_series(rng):
    size = 17
    c = rng.normal(size=size)
    i = np.arange(1, size + 1)
    e = np.zeros(size + 2)
    e[1:-1] = np.sin(np.outer(i, i) * np.pi / (size + 1)) @ c
    assert np.max(np.abs(sine_modes(e) - c)) < 1e-13


def test_banded_solve_against_dense_and_its_order(rng):
    """The banded solve equals numpy's dense solve (1e-12 relative); against the exact solution its max-norm error
    falls like h^p with p fitted over n = 51 … 801 within [1.95, 2.05] (central differences are second order)."""
    n = 40
    g = rng.normal(size=n)
    h = 2 / (n - 1)
    A = (2 * np.eye(n - 2) - np.eye(n - 2, k=1) - np.eye(n - 2, k=-1)) / h**2
    dense = np.linalg.solve(A, g[1:-1])
    assert np.max(np.abs(solve_poisson(g)[1:-1] - dense)) < 1e-12 * np.max(np.abs(dense))
    sizes = [51, 101, 201, 401, 801]
    errors = []
    for size in sizes:
        t = poisson_grid(size)
        errors.append(np.max(np.abs(solve_poisson(_paper_g(t)) - _paper_u(t))))
    fit = linregress(np.log(2 / (np.array(sizes) - 1)), np.log(errors))
    assert 1.95 <= fit.slope <= 2.05, fit.slope


@pytest.mark.parametrize("call, needle", [
    (lambda: poisson_grid(2), "n must be an integer >= 3"),
    (lambda: jacobi_eigenvalues(10, 0.0), "omega must be a number in (0, 1]"),
    (lambda: jacobi(np.zeros(10), np.zeros(9), 5), "u0 must have the shape of g"),
    (lambda: jacobi(np.zeros(10), np.zeros(10), -1), "sweeps must be an integer >= 0"),
    (lambda: jacobi(np.zeros(10), np.zeros(10), 3, record_every=0), "record_every must be"),
    (lambda: solve_poisson(np.array([0.0, np.nan, 0.0])), "g must be finite"),
    (lambda: jacobi_to_target(np.zeros(5), np.zeros(5), np.zeros(5), 0.0, max_sweeps=3), "target must be"),
    (lambda: jacobi_2d(np.zeros((4, 5)), np.zeros((4, 5)), 1), "g must be a finite square grid"),
    (lambda: jacobi_to_target(np.zeros(5), np.zeros(5), np.zeros(5), 1e-3, max_sweeps=0), "max_sweeps must be"),
])
def test_bad_input_is_refused(call, needle):
    with pytest.raises(InputError, match=None) as info:
        call()
    assert needle in str(info.value) and "\n" not in str(info.value)
