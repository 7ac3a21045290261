"""Poisson's equation on the unit square (``fptheory run poisson --dim 2``): the contrast of Xu et al. (2020,
arXiv:1901.06523, Sec. 5, Fig. 4) in two dimensions. A DNN solver converges the planted low modes first, weighted
Jacobi the high ones first.

Problem: ``-Δu = g`` on [0, 1]², u = 0 on the boundary, with u planted as ``Σ a_pq sin(pπx) sin(qπy)`` and g = -Δu
derived by sympy (:func:`fptheory.symbolic.planted_poisson_2d`), on an n × n grid (h = 1/(n-1)). Errors are
measured against the discrete 5-point solution u* (:func:`fptheory.numeric.solve_poisson_2d`), mode by mode:
``Δ(p, q) = |c_pq(u) - c*_pq| / |c*_pq|`` with c the coefficients in the 2-d sine basis
(:func:`fptheory.numeric.sine_modes_2d`), in which weighted Jacobi multiplies mode (p, q) by
``λ_pq = 1 - ω (sin²(pπ/(2(N+1))) + sin²(qπ/(2(N+1))))`` per sweep (:func:`fptheory.symbolic.jacobi_spectrum_2d`).
A mode has converged when Δ first falls below ``threshold``. Modes are followed in order of |(p, q)|.

* DNN: a tanh MLP of (x, y) trained by full-batch Adam on the 2-d Ritz energy
  (:func:`fptheory.train.ritz_energy_2d`) through the training engine, which records its output on the grid.
* Jacobi: weighted Jacobi from u = 0 (:func:`fptheory.numeric.jacobi_2d`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_counts
from fptheory._io import save_figure_atomic
from fptheory.experiments._common import divergence_notes, result_json, seed_keys, write_result
from fptheory.numeric._poisson import _check_omega, jacobi_2d, sine_modes_2d, solve_poisson_2d
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, ordered_fraction, relative_error
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP
from fptheory.train._poisson_objectives import ritz_energy_2d

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "grid", "planted"]


@dataclass(frozen=True)
class Config:
    points: int = 65  # per side, boundary included
    modes: tuple[tuple[int, int], ...] = ((1, 1), (3, 2), (6, 5))  # planted (p, q), in order of |(p, q)|
    amplitudes: tuple[float, ...] = (1.0, 0.5, 0.25)  # a_pq of u
    hidden: tuple[int, ...] = (64, 64, 64)
    activation: str = "tanh"
    beta: float = 100.0  # boundary penalty of the DNN's loss
    learning_rate: float = 3e-3
    steps: int = 8000
    record_every: int = 50
    omega: float = 0.8  # Jacobi weight
    sweeps: int = 8000
    sweep_record_every: int = 20
    threshold: float = 0.1  # Δ below which a mode has converged
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.points, int) and self.points >= 3):
            raise InputError(f"points must be an integer >= 3 (per side of the grid); got {self.points!r}")
        if not (self.modes and len(self.modes) == len(self.amplitudes)):
            raise InputError(f"modes and amplitudes must be non-empty and of one length; got {self.modes} and "
                             f"{self.amplitudes}")
        interior = self.points - 2
        for mode in self.modes:
            if not (len(mode) == 2 and all(isinstance(v, int) and 1 <= v <= interior for v in mode)):
                raise InputError(f"each mode must be a pair of integers (p, q) in [1, points - 2 = {interior}]; got {mode!r}")
        radii = [math.hypot(*mode) for mode in self.modes]
        if radii != sorted(radii) or len(set(radii)) != len(radii):
            raise InputError(f"modes must have distinct increasing |(p, q)|; got {self.modes}")
        if not all(math.isfinite(a) and a != 0 for a in self.amplitudes):
            raise InputError(f"amplitudes must be finite and nonzero; got {self.amplitudes}")
        if not (math.isfinite(self.beta) and self.beta > 0):
            raise InputError(f"beta must be a finite number > 0; got {self.beta!r}")
        _check_omega(self.omega)  # the numeric layer's check, as jacobi_2d makes it
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        check_counts(sweeps=self.sweeps, sweep_record_every=self.sweep_record_every)
        if self.sweeps % self.sweep_record_every:
            raise InputError(f"sweeps ({self.sweeps}) must be a multiple of sweep_record_every ({self.sweep_record_every})")
        MLP((2, *self.hidden, 1), self.activation)
        TrainSpec(self.steps, self.record_every, self.learning_rate)

    @property
    def frequencies(self) -> np.ndarray:
        """The followed modes' radial frequencies π |(p, q)|, ascending."""
        return np.array([math.pi * math.hypot(*mode) for mode in self.modes])


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(points=33, hidden=(32, 32), learning_rate=1e-2, steps=3000, sweeps=2000, seed=seed,
                      seeds=seeds or 1)
    return Config(seed=seed, seeds=seeds or 1)


def grid(points: int) -> np.ndarray:
    """The n × n grid of [0, 1]², shape (n, n, 2), indexed [i, l] -> (x_i, y_l)."""
    t = np.linspace(0.0, 1.0, points)
    return np.stack(np.meshgrid(t, t, indexing="ij"), axis=-1)


@cache
def _compiled(modes: tuple[tuple[int, int], ...], amplitudes: tuple[float, ...]) -> tuple[Callable, Callable]:
    import sympy as sp

    from fptheory.symbolic._poisson import planted_poisson_2d
    from fptheory.symbolic._poisson import x as x_sym
    from fptheory.symbolic._poisson import y as y_sym

    u, g = planted_poisson_2d(modes, amplitudes)
    return sp.lambdify((x_sym, y_sym), u, "numpy"), sp.lambdify((x_sym, y_sym), g, "numpy")


def planted(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """(u, g) on the grid, each (n, n): the planted solution and its source, compiled from the sympy derivation."""
    points = grid(config.points)
    u_fn, g_fn = _compiled(tuple(config.modes), tuple(float(a) for a in config.amplitudes))
    shape = points.shape[:2]
    return (np.broadcast_to(u_fn(points[..., 0], points[..., 1]), shape).astype(float),
            np.broadcast_to(g_fn(points[..., 0], points[..., 1]), shape).astype(float))


def _mode_values(coefficients: np.ndarray, modes: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The coefficients of the followed modes, (..., K), from a (..., N, N) array of sine coefficients."""
    return np.stack([coefficients[..., p - 1, q - 1] for p, q in modes], axis=-1)


class FrequencyOrders:
    """The two orders of the Poisson experiments, from ``dnn_convergence`` (per seed, per frequency ascending) and
    ``jacobi_convergence`` (per frequency)."""

    dnn_convergence: list[list[int | None]]
    jacobi_convergence: list[int | None]

    def dnn_low_first(self) -> float:
        """Fraction of seeds whose DNN convergence steps increase with frequency (None: after every record)."""
        return ordered_fraction(self.dnn_convergence)

    def jacobi_high_first(self) -> bool:
        """Jacobi's convergence sweeps decrease with frequency (None: after every record)."""
        return ordered_fraction([self.jacobi_convergence[::-1]]) == 1.0


@dataclass
class Result(FrequencyOrders):
    config: Config
    steps: np.ndarray  # DNN records (R,)
    dnn_errors: np.ndarray  # Δ per mode, (seeds, R, K)
    dnn_output: np.ndarray  # final outputs on the grid, (seeds, n, n)
    sweeps: np.ndarray  # Jacobi records (R_j,)
    jacobi_errors: np.ndarray  # (R_j, K)
    jacobi_output: np.ndarray  # the last iterate, (n, n)
    dnn_convergence: list[list[int | None]]  # per seed, per mode
    jacobi_convergence: list[int | None]  # per mode
    discretisation_error: float  # max|u* - u| on the grid
    seconds: float
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return result_json(
            self,
            "poisson",
            seeds=(self.config.seed, self.config.seeds),
            dim=2,
            frequencies=self.config.frequencies.tolist(),
            modes=[list(m) for m in self.config.modes],
            convergence_step=median_steps(self.dnn_convergence),
            convergence_step_per_seed=self.dnn_convergence,
            jacobi_convergence_sweep=self.jacobi_convergence,
            threshold=self.config.threshold,
            dnn_low_first_fraction=self.dnn_low_first(),
            jacobi_high_first=self.jacobi_high_first(),
            dnn_final_errors=self.dnn_errors[:, -1].tolist(),
            jacobi_final_errors=self.jacobi_errors[-1].tolist(),
            discretisation_error=self.discretisation_error,
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    began = time.perf_counter()
    n = config.points
    u_exact, g = planted(config)
    u_star = solve_poisson_2d(g)
    target = _mode_values(sine_modes_2d(u_star), config.modes)

    model = MLP((2, *config.hidden, 1), config.activation)
    coords = grid(n).reshape(-1, 2)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, coords, g.ravel(), keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=coords, eval_points=np.zeros(coords.shape[0]), frequencies=np.zeros(1),
                    objective=ritz_energy_2d(model.apply, n_points=n, beta=config.beta), progress=progress)
    outputs = history.outputs.reshape(config.seeds, -1, n, n).astype(float)
    dnn_errors = relative_error(_mode_values(sine_modes_2d(outputs), config.modes), target)
    dnn_conv = [convergence_steps(dnn_errors[s], history.steps, config.threshold) for s in range(config.seeds)]

    u = np.zeros_like(g)
    records = [u]
    for _ in range(config.sweeps // config.sweep_record_every):
        u = jacobi_2d(g, u, config.sweep_record_every, omega=config.omega)
        records.append(u)
    sweeps = np.arange(len(records)) * config.sweep_record_every
    jac_errors = relative_error(_mode_values(sine_modes_2d(np.stack(records)), config.modes), target)
    jac_conv = convergence_steps(jac_errors, sweeps, config.threshold)
    return Result(config, history.steps, dnn_errors, outputs[:, -1], sweeps, jac_errors, records[-1], dnn_conv,
                  jac_conv, float(np.max(np.abs(u_star - u_exact))), time.perf_counter() - began,
                  divergence_notes(history))


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(14, 4.2))
    ax1, ax2, ax3 = fig.subplots(1, 3)
    image = ax1.imshow(planted(cfg)[0].T, origin="lower", extent=(0, 1, 0, 1), cmap="RdBu_r")
    fig.colorbar(image, ax=ax1, shrink=0.8)
    ax1.set_title("planted u")
    labels = [f"(p, q) = ({p}, {q})" for p, q in cfg.modes]
    for i, label in enumerate(labels):
        ax2.semilogy(result.steps, np.maximum(np.median(result.dnn_errors[:, :, i], axis=0), 1e-8), label=label)
        ax3.semilogy(result.sweeps, np.maximum(result.jacobi_errors[:, i], 1e-8), label=label)
    for ax, what, title in ((ax2, "step", "DNN: low modes first"), (ax3, "sweep", f"Jacobi (ω = {cfg.omega:g}): high modes first")):
        ax.axhline(cfg.threshold, color="gray", ls="--", lw=0.8)
        ax.set_xlabel(what)
        ax.set_ylabel("Δ(p, q)")
        ax.set_title(title)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "poisson2d.png", steps=result.steps, dnn_errors=result.dnn_errors,
                        dnn_output=result.dnn_output, sweeps=result.sweeps, jacobi_errors=result.jacobi_errors,
                        jacobi_output=result.jacobi_output)
