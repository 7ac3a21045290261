"""Poisson's equation ``-u'' = g`` on (-1, 1), ``u(±1) = 0``, discretised by central differences (Xu et al.
2020, arXiv:1901.06523, Sec. 5.1, Eqs. 12-15): the grid, the banded direct solve, weighted Jacobi, and the
error's sine modes, in which Jacobi acts diagonally (:func:`fptheory.symbolic.jacobi_spectrum`).

On n evenly spaced points x_0 = -1 … x_{n-1} = 1 (h = 2/(n-1)) the N = n - 2 interior values solve
``(1/h²)(-u_{i-1} + 2u_i - u_{i+1}) = g_i`` with u_0 = u_{n-1} = 0. Weighted Jacobi sweeps
``u_i ← (1 - ω) u_i + (ω/2)(u_{i-1} + u_{i+1} + h² g_i)``; its error e = u - u* (u* the discrete solution) is
multiplied by ``M_ω`` each sweep, so the sine coefficient of mode j (:func:`sine_modes`) is multiplied by
``λ_j = 1 - ω + ω cos(jπ/(N+1))``.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
import scipy.linalg

from fptheory._checks import InputError, check_counts
from fptheory._typing import Float

__all__ = [
    "jacobi",
    "jacobi_2d",
    "jacobi_eigenvalues",
    "jacobi_to_target",
    "poisson_grid",
    "sine_modes",
    "sine_modes_2d",
    "solve_poisson",
    "solve_poisson_2d",
]


def poisson_grid(n: int) -> Float[np.ndarray, " n"]:
    """n evenly spaced points of [-1, 1], both ends included (h = 2/(n-1)).

    Args:
        n: the number of points, ≥ 3 (at least one interior point).

    Returns:
        the points, shape (n,).
    """
    if not (isinstance(n, int) and n >= 3):
        raise InputError(f"n must be an integer >= 3 (at least one interior point); got {n!r}")
    return np.linspace(-1.0, 1.0, n)


def _interior(g: np.ndarray) -> tuple[np.ndarray, float]:
    g = np.asarray(g, dtype=float)
    if g.ndim != 1 or g.size < 3:
        raise InputError(f"g must be the source on the n >= 3 grid points, shape (n,); got shape {g.shape}")
    if not np.all(np.isfinite(g)):
        raise InputError("g must be finite")
    return g[1:-1], 2.0 / (g.size - 1)


def solve_poisson(g: Float[np.ndarray, " n"]) -> Float[np.ndarray, " n"]:
    """The discrete solution u* of the central-difference system (scipy's banded LU, O(n)).

    Args:
        g: the source at the n grid points of :func:`poisson_grid` (its end values are not used).

    Returns:
        u* at the n points, with u*(±1) = 0.
    """
    inner, h = _interior(g)
    size = inner.size
    bands = np.zeros((3, size))
    bands[0, 1:], bands[1, :], bands[2, :-1] = -1.0, 2.0, -1.0
    u = np.zeros(size + 2)
    u[1:-1] = scipy.linalg.solve_banded((1, 1), bands, h * h * inner)
    return u


def jacobi_eigenvalues(n: int, omega: float = 1.0) -> Float[np.ndarray, " N"]:
    """λ_j = 1 - ω + ω cos(jπ/(N+1)), j = 1 … N = n - 2: the factor of the error's mode j per sweep.

    Args:
        n: the number of grid points, ≥ 3.
        omega: the Jacobi weight, 0 < ω ≤ 1 (1: plain Jacobi; 2/3: the smoother of multigrid).

    Returns:
        the N eigenvalues, by mode.
    """
    poisson_grid(n)
    _check_omega(omega)
    size = n - 2
    return 1.0 - omega + omega * np.cos(np.arange(1, size + 1) * np.pi / (size + 1))


def _check_omega(omega: float) -> None:
    if not (isinstance(omega, (int, float)) and 0 < omega <= 1):
        raise InputError(f"omega must be a number in (0, 1]; got {omega!r}")


def jacobi(
    g: Float[np.ndarray, " n"],
    u0: Float[np.ndarray, " n"],
    sweeps: int,
    *,
    omega: float = 1.0,
    record_every: int | None = None,
) -> tuple[Float[np.ndarray, " n"], np.ndarray, Float[np.ndarray, "r n"]]:
    """Weighted Jacobi sweeps on the central-difference system, from u0 (its end values are set to 0).

    Args:
        g: the source at the n grid points.
        u0: the initial iterate at the n points (e.g. a network's output).
        sweeps: the number of sweeps, ≥ 0.
        omega: the weight, 0 < ω ≤ 1.
        record_every: keep the iterate after every this many sweeps (and at sweep 0); None keeps none.

    Returns:
        (u, steps, records): the final iterate (n,), the recorded sweep counts (r,), the iterates there (r, n).
    """
    inner, h = _interior(g)
    u = np.array(u0, dtype=float, copy=True)
    if u.shape != (inner.size + 2,):
        raise InputError(f"u0 must have the shape of g, ({inner.size + 2},); got {u.shape}")
    if not (isinstance(sweeps, int) and sweeps >= 0):
        raise InputError(f"sweeps must be an integer >= 0; got {sweeps!r}")
    if record_every is not None and not (isinstance(record_every, int) and record_every >= 1):
        raise InputError(f"record_every must be an integer >= 1 or None; got {record_every!r}")
    _check_omega(omega)
    u[0] = u[-1] = 0.0
    source = h * h * inner
    steps, records = [], []
    for t in range(sweeps + 1):
        if record_every is not None and t % record_every == 0:
            steps.append(t)
            records.append(u.copy())
        if t == sweeps:
            break
        u[1:-1] = (1.0 - omega) * u[1:-1] + 0.5 * omega * (u[:-2] + u[2:] + source)
    return u, np.array(steps, dtype=int), np.array(records).reshape(len(records), u.size)


def sine_modes(e: Float[np.ndarray, "*batch n"]) -> Float[np.ndarray, "*batch N"]:
    """Coefficients c_j of e's interior values in the sine basis of the Jacobi eigenvectors:
    ``e_i = Σ_j c_j sin(i j π/(N+1))``, i, j = 1 … N (scipy's DST-I, inverted).

    Args:
        e: grid functions on n points (the end values are ignored), shape (..., n).

    Returns:
        the coefficients by mode j = 1 … N, shape (..., n - 2).
    """
    e = np.asarray(e, dtype=float)
    return scipy.fft.idst(2.0 * e[..., 1:-1], type=1, axis=-1)  # scipy's DST-I is y_k = 2 Σ x_n sin(…)


def jacobi_to_target(
    g: Float[np.ndarray, " n"],
    u0: Float[np.ndarray, " n"],
    reference: Float[np.ndarray, " n"],
    target: float,
    *,
    omega: float = 1.0,
    max_sweeps: int,
    check_every: int = 1000,
) -> tuple[int | None, np.ndarray, np.ndarray]:
    """Weighted Jacobi from u0 until the max-norm error against ``reference`` is at most ``target``.

    The error is checked every ``check_every`` sweeps, so the count is exact to that many.

    Args:
        g: the source at the n grid points.
        u0: the initial iterate (n,).
        reference: the solution the error is measured against, e.g. :func:`solve_poisson`'s (n,).
        target: the max-norm error to reach, > 0.
        omega: the Jacobi weight, 0 < ω ≤ 1.
        max_sweeps: give up after this many sweeps, ≥ 1.
        check_every: sweeps between checks, ≥ 1.

    Returns:
        (sweeps, checked, errors): the first checked sweep count at which the error is at most ``target`` (None
        if not within ``max_sweeps``), and the checked sweep counts and max-norm errors there (sweep 0 first).
    """
    if not (isinstance(target, (int, float)) and np.isfinite(target) and target > 0):
        raise InputError(f"target must be a finite number > 0; got {target!r}")
    check_counts(max_sweeps=max_sweeps, check_every=check_every)
    reference = np.asarray(reference, dtype=float)
    u = np.array(u0, dtype=float, copy=True)
    u[0] = u[-1] = 0.0
    done, checked, errors = 0, [0], [float(np.max(np.abs(u - reference)))]
    while errors[-1] > target and done < max_sweeps:
        block = min(check_every, max_sweeps - done)
        u, _, _ = jacobi(g, u, block, omega=omega)
        done += block
        checked.append(done)
        errors.append(float(np.max(np.abs(u - reference))))
    reached = checked[-1] if errors[-1] <= target else None
    return reached, np.array(checked), np.array(errors)


def jacobi_2d(
    g: Float[np.ndarray, "n n"], u0: Float[np.ndarray, "n n"], sweeps: int, *, omega: float = 0.8
) -> Float[np.ndarray, "n n"]:
    """Weighted Jacobi for ``-Δu = g`` on the unit square with u = 0 on the boundary, 5-point Laplacian on an
    n × n grid of [0, 1]² (boundary rows and columns included, h = 1/(n-1)):
    ``u_il ← (1 - ω) u_il + (ω/4)(u_{i±1,l} + u_{i,l±1} + h² g_il)``. Its error's mode (p, q) (:func:`sine_modes_2d`)
    is multiplied by ``1 - ω (sin²(pπ/(2(N+1))) + sin²(qπ/(2(N+1))))`` per sweep, N = n - 2
    (:func:`fptheory.symbolic.jacobi_spectrum_2d`).

    Args:
        g: the source on the grid, shape (n, n), n ≥ 3 (boundary values not used).
        u0: the initial iterate, shape (n, n) (its boundary is set to 0).
        sweeps: the number of sweeps, ≥ 0.
        omega: the weight, 0 < ω ≤ 1.

    Returns:
        the iterate after ``sweeps`` sweeps, shape (n, n).
    """
    g = np.asarray(g, dtype=float)
    if g.ndim != 2 or g.shape[0] != g.shape[1] or g.shape[0] < 3 or not np.all(np.isfinite(g)):
        raise InputError(f"g must be a finite square grid (n, n) with n >= 3; got shape {g.shape}")
    u = np.array(u0, dtype=float, copy=True)
    if u.shape != g.shape:
        raise InputError(f"u0 must have the shape of g, {g.shape}; got {u.shape}")
    if not (isinstance(sweeps, int) and sweeps >= 0):
        raise InputError(f"sweeps must be an integer >= 0; got {sweeps!r}")
    _check_omega(omega)
    h = 1.0 / (g.shape[0] - 1)
    u[0, :] = u[-1, :] = u[:, 0] = u[:, -1] = 0.0
    source = h * h * g[1:-1, 1:-1]
    for _ in range(sweeps):
        neighbours = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
        u[1:-1, 1:-1] = (1.0 - omega) * u[1:-1, 1:-1] + 0.25 * omega * (neighbours + source)
    return u


def solve_poisson_2d(g: Float[np.ndarray, "n n"]) -> Float[np.ndarray, "n n"]:
    """The discrete solution u* of the 5-point system for ``-Δu = g`` on the unit square, u = 0 on the boundary
    (n × n grid with h = 1/(n-1), as :func:`jacobi_2d`): ``(4u_il - u_{i±1,l} - u_{i,l±1})/h² = g_il`` on the
    interior, by a sparse LU (scipy's SuperLU).

    Args:
        g: the source on the grid, shape (n, n), n ≥ 3 (boundary values not used).

    Returns:
        u*, shape (n, n), zero on the boundary.
    """
    import scipy.sparse as sparse
    import scipy.sparse.linalg

    g = np.asarray(g, dtype=float)
    if g.ndim != 2 or g.shape[0] != g.shape[1] or g.shape[0] < 3 or not np.all(np.isfinite(g)):
        raise InputError(f"g must be a finite square grid (n, n) with n >= 3; got shape {g.shape}")
    size = g.shape[0] - 2
    h = 1.0 / (g.shape[0] - 1)
    second = sparse.diags([-np.ones(size - 1), 2 * np.ones(size), -np.ones(size - 1)], [-1, 0, 1])
    eye = sparse.identity(size)
    laplacian = (sparse.kron(second, eye) + sparse.kron(eye, second)).tocsc()
    u = np.zeros_like(g)
    u[1:-1, 1:-1] = scipy.sparse.linalg.spsolve(laplacian, h * h * g[1:-1, 1:-1].ravel()).reshape(size, size)
    return u


def sine_modes_2d(e: Float[np.ndarray, "*batch n n"]) -> Float[np.ndarray, "*batch N N"]:
    """Coefficients c_pq of e's interior values in the 2-d sine basis:
    ``e_il = Σ_pq c_pq sin(ipπ/(N+1)) sin(lqπ/(N+1))``, i, l, p, q = 1 … N (DST-I on both axes, inverted).

    Args:
        e: grid functions on n × n points (the boundary ignored), shape (..., n, n).

    Returns:
        the coefficients, shape (..., n - 2, n - 2), indexed [p - 1, q - 1].
    """
    e = np.asarray(e, dtype=float)
    return scipy.fft.idstn(4.0 * e[..., 1:-1, 1:-1], type=1, axes=(-2, -1))
