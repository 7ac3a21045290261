"""Multi-stage neural networks (Wang and Lai 2024, *Multi-stage neural networks: Function approximator of machine
precision*, Journal of Computational Physics 504, 112865, arXiv:2307.08934, Sec. 2-3).

Stage 1 fits the target u with a tanh MLP. Stage n ≥ 2 fits the normalised residual ``e_{n-1}/ε_n`` of the stages
before it, ``e_{n-1} = u - Σ_{j<n} ε_j u_j`` and ``ε_n = rms(e_{n-1})`` on the training points, with a network
whose first hidden layer is ``sin(κ_n (W x + b))``, ``κ_n = 2π f_n`` and ``f_n`` the dominant frequency (cycles per
unit) of ``e_{n-1}``'s spectrum: the scale moves the stage's features to the frequencies its residual holds, where a
plain network (spectral bias) would learn them last. The approximation is ``Σ_n ε_n u_n``. Each stage trains in
float64 with full-batch Adam, then L-BFGS (optax), on the mean squared error.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from fptheory._checks import InputError, check_counts
from fptheory.train._models import MLP, dense_layers

__all__ = ["StageNetwork", "dominant_frequency", "fit_stage"]


@dataclass(frozen=True)
class StageNetwork:
    """One stage's network, widths ``(1, h, …, h, 1)`` (``width`` × ``depth`` hidden) with tanh activations.

    ``kappa`` None: the plain tanh MLP (:class:`fptheory.train.MLP`, LeCun normal), stage 1's network. ``kappa`` > 0:
    the first hidden layer is ``sin(κ (W x + b))`` with W and b ~ U(-1, 1), so its features start at frequencies
    spread over [0, κ/2π] cycles per unit with all phases; the later layers as the MLP's. (W ~ N(0, 1), whose tail
    reaches 3κ/2π, ended the default experiment at the same error for twice the training points in its last stage.)
    """

    width: int
    depth: int
    kappa: float | None = None

    def __post_init__(self) -> None:
        check_counts(width=self.width, depth=self.depth)
        if self.kappa is not None and not (isinstance(self.kappa, (int, float)) and math.isfinite(self.kappa)
                                           and self.kappa > 0):
            raise InputError(f"kappa (the sin layer's scale) must be None or a finite number > 0; got {self.kappa!r}")

    @property
    def mlp(self) -> MLP:
        return MLP((1, *(self.width,) * self.depth, 1), "tanh")

    def init(self, *, key: Any, dtype: Any = jnp.float64) -> list[dict[str, Any]]:
        first, rest = jax.random.split(key)
        params = self.mlp.init(key=rest, dtype=dtype)
        if self.kappa is not None:
            k_w, k_b = jax.random.split(first)
            params[0] = {"W": jax.random.uniform(k_w, (1, self.width), dtype=dtype, minval=-1.0, maxval=1.0),
                         "b": jax.random.uniform(k_b, (self.width,), dtype=dtype, minval=-1.0, maxval=1.0)}
        return params

    def apply(self, params: list[dict[str, Any]], x: Any) -> Any:
        """Outputs (n,) at inputs x of shape (n, 1)."""
        return _apply(self, params, x, self.kappa)


def _apply(model: StageNetwork, params: list[dict[str, Any]], x: Any, kappa: Any) -> Any:
    """:meth:`StageNetwork.apply` with the sin layer's scale given apart (a traced number, so that the stages of one
    form share a compiled program); ``model.kappa`` only says whether there is a sin layer."""
    z = x @ params[0]["W"] + params[0]["b"]
    h = jnp.tanh(z) if model.kappa is None else jnp.sin(kappa * z)
    return dense_layers(params[1:], h, jnp.tanh, squeeze=True)


def dominant_frequency(values: np.ndarray, spacing: float) -> float:
    """The frequency (cycles per unit) of the largest non-zero bin of ``|rfft(values)|``, samples ``spacing`` apart.

    Args:
        values: (n,) samples on a uniform grid, n ≥ 3.
        spacing: the grid step, > 0.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 3:
        raise InputError(f"values must be a 1-d array of at least 3 samples; got shape {values.shape}")
    if not (math.isfinite(spacing) and spacing > 0):
        raise InputError(f"spacing must be a finite number > 0; got {spacing!r}")
    magnitude = np.abs(np.fft.rfft(values - values.mean()))
    return float(np.fft.rfftfreq(values.size, d=spacing)[1 + int(np.argmax(magnitude[1:]))])


def fit_stage(model: StageNetwork, x: np.ndarray, target: np.ndarray, *, key: Any, adam_steps: int,
              lbfgs_steps: int, learning_rate: float = 1e-3, memory: int = 50, chunk: int = 1000,
              progress: Callable[[int], None] | None = None) -> tuple[Any, np.ndarray]:
    """Fit ``model`` to ``target`` at ``x`` by full-batch Adam then L-BFGS on the mean squared error, in float64.

    Args:
        x: (n,) inputs; target: (n,) values (a stage's normalised residual).
        key: the initialisation key (keyword-only).
        adam_steps, lbfgs_steps: the two phases' iterations (Adam at ``learning_rate``; L-BFGS with ``memory``
            pairs and optax's zoom line search), run as jitted scans of at most ``chunk`` iterations (equal ones),
            so that Ctrl-C stops between chunks.
        progress: called with the iterations done after each chunk.

    Returns:
        The fitted parameters (float64 arrays) and the loss before each iteration, shape (adam_steps + lbfgs_steps,).
    """
    check_counts(adam_steps=adam_steps, lbfgs_steps=lbfgs_steps, memory=memory, chunk=chunk)
    form = model if model.kappa is None else dataclasses.replace(model, kappa=1.0)  # what the program depends on
    with jax.enable_x64(True):  # float64 for this fit only; the caller's jax settings stay as they are
        inputs = jnp.asarray(np.asarray(x, dtype=np.float64)[:, None])
        values = jnp.asarray(np.asarray(target, dtype=np.float64))
        kappa = jnp.asarray(0.0 if model.kappa is None else model.kappa, dtype=jnp.float64)
        params = model.init(key=key, dtype=jnp.float64)
        losses: list[np.ndarray] = []
        for phase, steps in (("adam", adam_steps), ("lbfgs", lbfgs_steps)):
            carry = None
            done, even = 0, -(-steps // -(-steps // chunk)) if steps else 0  # equal chunks: one program, not two
            while done < steps:
                length = min(even, steps - done)
                scan, optimizer = _phase(form, phase, learning_rate, memory, length)
                if carry is None:  # the optimiser's state without weak types, as the scan returns it: one program
                    carry = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=a.dtype), (params, optimizer.init(params)))
                carry, chunk_losses = scan(carry, inputs, values, kappa)
                losses.append(np.asarray(chunk_losses))
                done += length
                if progress is not None:
                    progress(len(np.concatenate(losses)))
            params = params if carry is None else carry[0]
        return jax.tree_util.tree_map(np.asarray, params), np.concatenate(losses)


@functools.cache
def _phase(form: StageNetwork, phase: str, learning_rate: float, memory: int, length: int) -> tuple[Any, Any]:
    """(jitted scan, optimizer): ``scan(carry, inputs, values, kappa)`` runs ``length`` iterations of one phase
    (Adam, or L-BFGS with ``memory`` pairs and optax's zoom line search) on the mean squared error of a network of
    this form, returning the carry and the loss before each iteration. Built once per process for each form, phase
    and length: the data and κ are arguments, not constants, so every stage and seed of a form reuses it."""
    import optax

    optimizer = optax.adam(learning_rate) if phase == "adam" else optax.lbfgs(memory_size=memory)

    def scan(carry: Any, inputs: Any, values: Any, kappa: Any) -> tuple[Any, Any]:
        def loss(params: Any) -> Any:
            return jnp.mean((_apply(form, params, inputs, kappa) - values) ** 2)

        value_and_grad = optax.value_and_grad_from_state(loss)

        def step(carry: Any, _: Any) -> tuple[Any, Any]:
            p, state = carry
            if phase == "adam":
                value, grad = jax.value_and_grad(loss)(p)
                updates, state = optimizer.update(grad, state, p)
            else:
                value, grad = value_and_grad(p, state=state)
                updates, state = optimizer.update(grad, state, p, value=value, grad=grad, value_fn=loss)
            return (optax.apply_updates(p, updates), state), value

        return jax.lax.scan(step, carry, xs=None, length=length)

    return jax.jit(scan), optimizer
