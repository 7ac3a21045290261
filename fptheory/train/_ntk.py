"""The empirical neural tangent kernel of any model and the linearised training it predicts (Jacot, Gabriel, Hongler
2018, *Neural Tangent Kernel*, arXiv:1806.07572; Lee et al. 2019, *Wide neural networks of any depth evolve as
linear models under gradient descent*, arXiv:1902.06720, Eqs. 8-11).

For a model h(θ; x) with one output, the empirical NTK on points x_1 … x_n is

    Θ_ij = Σ_p ∂h(x_i)/∂θ_p · ∂h(x_j)/∂θ_p = (J Jᵀ)_ij,    J_ip = ∂h(x_i)/∂θ_p.

Full-batch gradient descent with rate η on L = ½ mean_i (h(x_i) - y_i)², linearised about θ_0, moves the residual
r = h - y as r_{t+1} = (I - (η/n) Θ) r_t, so r_t = V (1 - ηλ/n)^t Vᵀ r_0 with Θ = V diag(λ) Vᵀ: each eigendirection
of the kernel converges at its own rate, and Θ's eigenvectors on a grid are close to Fourier modes with eigenvalues
falling with the frequency, which is the linear-regime account of the F-Principle.

neural-tangents, the field's library for this, does not import with the jax this package installs (0.6.5 with jax
0.10.2: ``ImportError: cannot import name 'Jaxpr' from 'jax.core'``), so the kernel is built here on ``jax.grad`` and
``jax.jvp``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["empirical_ntk", "linearised_residuals", "MAX_KERNEL_BYTES", "JACOBIAN_BYTES"]

#: The kernel is held in float64 in memory: n² · 8 bytes, at most this much (n about 11,000).
MAX_KERNEL_BYTES = 2**30
#: The Jacobian (points × parameters) is built whole, in float64, when it takes at most this much (else Θ is built
#: column block by column block).
JACOBIAN_BYTES = 2**30
#: What one block of gradients, tangents and intermediate values may take.
_BLOCK_BYTES = 256 * 2**20


def _parameter_count(params: Any) -> int:
    import jax

    return int(sum(np.size(leaf) for leaf in jax.tree_util.tree_leaves(params)))


def _activation_size(apply_fn: Callable[[Any, Any], Any], params: Any, point: Any) -> int:
    """Numbers the forward pass of one point produces (the sizes of every value in its jaxpr): what a vmapped
    gradient or tangent holds per point besides the parameters."""
    import jax

    jaxpr = jax.make_jaxpr(lambda p: apply_fn(p, point))(params).jaxpr
    return int(sum(np.prod(v.aval.shape, dtype=np.int64) for eqn in jaxpr.eqns for v in eqn.outvars)) + 1


def empirical_ntk(apply_fn: Callable[[Any, Any], Any], params: Any, x: Any, *, block: int | None = None) -> np.ndarray:
    """Θ = J Jᵀ on the points ``x`` for a model with one output.

    Where the Jacobian J (n × parameters, float64) fits in ``JACOBIAN_BYTES``, it is built row block by row block
    (vmapped ``jax.grad``) and Θ is one matrix product. Otherwise Θ is built column block by column block: the
    parameter gradients u_j = ∇_θ h(x_j) of a block, then Θ[:, j] = J u_j (vmapped ``jax.jvp`` over all points), so
    that memory stays at a block's gradients and tangents besides the kernel. Blocks are sized from the parameter
    count and the forward pass's intermediate values so that each holds about 256 MiB.

    Args:
        apply_fn: ``apply_fn(params, x)`` -> outputs of shape (n,) (or (n, 1)).
        params: the parameters (any pytree of arrays).
        x: the points, shape (n, d) (or (n,) for d = 1).
        block: points per block (rows of J, or columns of Θ); by default sized by bytes.

    Returns:
        Θ, shape (n, n), float64, symmetric (the two triangles averaged).
    """
    import jax
    import jax.numpy as jnp
    from jax.flatten_util import ravel_pytree

    x = jnp.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    n = int(x.shape[0])
    if n < 1:
        raise InputError("x must hold at least one point")
    if 8 * n * n > MAX_KERNEL_BYTES:
        raise InputError(f"an NTK on {n} points needs {8 * n * n / 2**30:.1f} GiB; at most "
                         f"{int((MAX_KERNEL_BYTES / 8) ** 0.5)} points (MAX_KERNEL_BYTES = 1 GiB)")
    if block is not None and (isinstance(block, bool) or not isinstance(block, int) or block < 1):
        raise InputError(f"block must be an integer >= 1; got {block!r}")
    count = max(_parameter_count(params), 1)
    itemsize = 8 if x.dtype == jnp.float64 else 4
    activations = _activation_size(apply_fn, params, x[:1])
    by_rows = 8 * n * count <= JACOBIAN_BYTES

    def scalar(p: Any, point: Any) -> Any:
        return jnp.reshape(apply_fn(p, point[None]), (-1,))[0]

    def gradients(points: Any) -> Any:
        flat = jax.vmap(lambda pt: ravel_pytree(jax.grad(scalar)(params, pt))[0])(points)
        return flat  # (b, parameters)

    if by_rows:
        per_point = itemsize * (count + 2 * activations)
        size = block or int(max(1, min(n, _BLOCK_BYTES // per_point)))
        rows = jax.jit(gradients)
        jacobian = np.concatenate([np.asarray(rows(x[i : i + size]), dtype=np.float64) for i in range(0, n, size)])
        kernel = jacobian @ jacobian.T
        return 0.5 * (kernel + kernel.T)

    def outputs(p: Any) -> Any:
        return jnp.reshape(apply_fn(p, x), (n,))

    @jax.jit
    def columns(points: Any) -> Any:
        grads = jax.vmap(lambda pt: jax.grad(scalar)(params, pt))(points)  # pytree, leaves (b, ...)
        return jax.vmap(lambda u: jax.jvp(outputs, (params,), (u,))[1], out_axes=1)(grads)  # (n, b)

    per_column = itemsize * (2 * count + 2 * n * activations)
    size = block or int(max(1, min(n, _BLOCK_BYTES // per_column)))
    kernel = np.empty((n, n), dtype=np.float64)
    for start in range(0, n, size):
        stop = min(n, start + size)
        kernel[:, start:stop] = np.asarray(columns(x[start:stop]), dtype=np.float64)
    return 0.5 * (kernel + kernel.T)


def linearised_residuals(kernel: np.ndarray, residual: np.ndarray, learning_rate: float, steps: np.ndarray) -> np.ndarray:
    """r_t = (I - (η/n) Θ)^t r_0 at each t of ``steps``: full-batch gradient descent on ½ mean (h - y)², linearised.

    Args:
        kernel: Θ, shape (n, n), symmetric.
        residual: r_0 = h_0(x) - y, shape (n,).
        learning_rate: η > 0.
        steps: the steps t ≥ 0, shape (R,).

    Returns:
        r_t, shape (R, n).
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    n = kernel.shape[0]
    if kernel.shape != (n, n) or np.shape(residual) != (n,):
        raise InputError(f"kernel must be (n, n) and residual (n,); got {kernel.shape} and {np.shape(residual)}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise InputError(f"learning_rate must be a finite number > 0; got {learning_rate!r}")
    lam, vectors = np.linalg.eigh(kernel)
    factor = 1.0 - learning_rate * lam / n  # per eigendirection, per step
    coefficients = vectors.T @ np.asarray(residual, dtype=np.float64)
    steps = np.asarray(steps)
    powers = np.sign(factor)[None, :] ** steps[:, None] * np.abs(factor)[None, :] ** steps[:, None]
    return (powers * coefficients[None, :]) @ vectors.T
