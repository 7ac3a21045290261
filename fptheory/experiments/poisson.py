"""Poisson's equation (Xu et al. 2020, arXiv:1901.06523, Sec. 5, Fig. 4; docs/theory.md §9): a DNN solver
converges low frequencies first, Jacobi high frequencies first, and a DNN-then-Jacobi hybrid can reach a target
error sooner than either. This module is the 1-d problem; ``make_config(dim=2)`` gives the unit square's
(:mod:`fptheory.experiments.poisson2d`), which ``run``, ``plot`` and ``save`` hand on.

Problem: ``-u'' = g`` on (-1, 1), ``u(±1) = 0``, ``g = sin x + 4 sin 4x - 8 sin 8x + 16 sin 24x``, on ``points``
evenly spaced points of [-1, 1]. Every error is measured against the discrete (central-difference) solution u*,
which both solvers converge to up to the DNN's own accuracy.

* Frequencies followed: the DFT ``û(k) = (1/n) Σ_j u(x_j) e^{-ikx_j}`` of the grid values at the bins of the
  period-2 grid nearest the source's frequencies, ``k = π round(k_s/π)`` for k_s = 4, 8, 24 (k = π, 3π, 8π:
  the three peaks of |û*|'s coarse spectrum; sin x falls in the bin k = 0, which the odd u leaves empty). A
  frequency has converged when ``Δ_F(k) = |û(k) - û*(k)|/|û*(k)|`` first falls below ``threshold``.
* DNN: a tanh MLP trained by full-batch Adam on the Ritz energy (or the residual loss;
  :func:`fptheory.train.ritz_energy`) through the training engine, which records its output on the grid.
* Jacobi: weighted Jacobi from u = 0 (:func:`fptheory.numeric.jacobi`).
* Hybrid: the DNN's output after T steps handed to Jacobi, for each T of ``hybrid_steps``.
* Time and work to reach ``target_error`` (max-norm against u*) for the DNN alone, Jacobi alone, the best
  hybrid, and two classical references: scipy's banded LU and pyamg's smoothed-aggregation multigrid. The DNN's
  time is its run's measured seconds per step (compilation included) times the steps; its work a rough count
  of 12 P n flops a step (P weights, n points: a forward pass and its x-derivative, then the backward pass at
  about twice that); Jacobi's 5 flops per interior point and sweep; the banded solve's 8 per point.
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
from fptheory.experiments import poisson2d
from fptheory.experiments._common import divergence_notes, result_json, seed_keys, write_result
from fptheory.numeric._poisson import jacobi, jacobi_eigenvalues, jacobi_to_target, poisson_grid, solve_poisson
from fptheory.spectral._dft import dft
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, relative_error
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP
from fptheory.train._poisson_objectives import poisson_residual, ritz_energy

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "source", "exact_solution"]

LOSSES = ("ritz", "residual")


@dataclass(frozen=True)
class Config:
    points: int = 1001
    source_frequencies: tuple[float, ...] = (4.0, 8.0, 24.0)  # followed at the DFT bins k = π round(k_s/π)
    hidden: tuple[int, ...] = (64, 64, 64)
    activation: str = "tanh"
    loss: str = "ritz"
    beta: float = 100.0  # boundary penalty of the DNN's loss
    learning_rate: float = 3e-3
    steps: int = 15000
    record_every: int = 50
    omega: float = 1.0  # Jacobi weight
    sweeps: int = 400_000  # Jacobi alone, recorded for the per-frequency view
    sweep_record_every: int = 2000
    threshold: float = 0.1  # Δ_F below which a frequency has converged
    target_error: float = 1e-3  # max-norm error against u* for the time-to-accuracy table
    hybrid_steps: tuple[int, ...] = (500, 1000, 2000, 4000, 8000)  # T: DNN steps before Jacobi
    max_sweeps: int = 3_000_000  # Jacobi's budget when run to the target
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        jacobi_eigenvalues(self.points, self.omega)  # the numeric layer's checks: points >= 3, 0 < omega <= 1
        if self.loss not in LOSSES:
            raise InputError(f"loss must be one of {', '.join(LOSSES)}; got {self.loss!r}")
        if not (math.isfinite(self.beta) and self.beta > 0):
            raise InputError(f"beta must be a finite number > 0; got {self.beta!r}")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        if not (math.isfinite(self.target_error) and self.target_error > 0):
            raise InputError(f"target_error must be a finite number > 0; got {self.target_error!r}")
        bins = [round(k / math.pi) for k in self.source_frequencies]
        if not bins or min(bins) < 1 or len(set(bins)) != len(bins) or bins != sorted(bins) or max(bins) >= (self.points - 1) / 2:
            raise InputError(f"source_frequencies must round to distinct increasing bins k/π in [1, (points-1)/2); got "
                             f"{self.source_frequencies} (bins {bins})")
        check_counts(sweeps=self.sweeps, sweep_record_every=self.sweep_record_every, max_sweeps=self.max_sweeps)
        if self.sweeps % self.sweep_record_every:
            raise InputError(f"sweeps ({self.sweeps}) must be a multiple of sweep_record_every ({self.sweep_record_every})")
        for t in self.hybrid_steps:
            if not (isinstance(t, int) and 0 <= t <= self.steps and t % self.record_every == 0):
                raise InputError(f"hybrid_steps must be integers T with 0 <= T <= steps ({self.steps}) and multiples of "
                                 f"record_every ({self.record_every}); got {t!r}")
        MLP((1, *self.hidden, 1), self.activation)
        TrainSpec(self.steps, self.record_every, self.learning_rate)

    @property
    def frequencies(self) -> np.ndarray:
        """The followed frequencies k = π round(k_s/π), ascending."""
        return np.array([math.pi * round(k / math.pi) for k in self.source_frequencies])


DIMENSIONS = (1, 2)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None, dim: int = 1) -> Any:
    """The 1-d problem's :class:`Config`, or with ``dim=2`` the unit square's
    (:class:`fptheory.experiments.poisson2d.Config`)."""
    if dim not in DIMENSIONS or isinstance(dim, bool):
        raise InputError(f"dim must be 1 or 2; got {dim!r}")
    if dim == 2:
        return poisson2d.make_config(quick=quick, seed=seed, seeds=seeds)
    if quick:
        return Config(points=201, hidden=(32, 32), steps=2000, record_every=50, sweeps=20_000, sweep_record_every=200,
                      hybrid_steps=(250, 500, 1000, 2000), max_sweeps=300_000, seed=seed, seeds=seeds or 1)
    return Config(seed=seed, seeds=seeds or 1)


@cache
def _compiled() -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """The paper's source g and the derived solution u, compiled once (sympy's lambdify)."""
    import sympy as sp

    from fptheory.symbolic._poisson import POISSON_SOURCE, poisson_solution
    from fptheory.symbolic._poisson import x as x_sym

    return sp.lambdify(x_sym, POISSON_SOURCE, "numpy"), sp.lambdify(x_sym, poisson_solution(), "numpy")


def source(x: np.ndarray) -> np.ndarray:
    """g(x) = sin x + 4 sin 4x - 8 sin 8x + 16 sin 24x, compiled from :data:`fptheory.symbolic.POISSON_SOURCE`."""
    return np.asarray(_compiled()[0](np.asarray(x, dtype=float)), dtype=float)


def exact_solution(x: np.ndarray) -> np.ndarray:
    """u = g0 + c1 x + c0 compiled from :func:`fptheory.symbolic.poisson_solution` (derived, not retyped)."""
    return np.asarray(_compiled()[1](np.asarray(x, dtype=float)), dtype=float)


@dataclass
class Method:
    """One row of the time-to-accuracy table."""

    name: str
    reached: bool
    iterations: int | None  # steps, sweeps, or steps + sweeps (hybrid); None where not reached
    seconds: float | None
    flops: float | None  # a rough estimate (module docstring); None where not estimated
    detail: str = ""


@dataclass
class Hybrid:
    """DNN for ``steps`` steps, then Jacobi: the sweeps to the target (None if not within the budget), the
    time and work in all, and Jacobi's error trace from the DNN's output (sweep counts, max-norm errors)."""

    steps: int
    sweeps: int | None
    seconds: float | None
    flops: float | None
    start_max_error: float
    checked: np.ndarray
    errors: np.ndarray

    def to_json(self) -> dict[str, Any]:
        return {"steps": self.steps, "sweeps": self.sweeps, "seconds": self.seconds, "flops": self.flops,
                "start_max_error": self.start_max_error}


@dataclass
class Result(poisson2d.FrequencyOrders):
    config: Config
    steps: np.ndarray  # DNN records (R,)
    dnn_errors: np.ndarray  # Δ_F, (seeds, R, K)
    dnn_max_error: np.ndarray  # max-norm error against u*, (seeds, R)
    dnn_output: np.ndarray  # final outputs on the grid, (seeds, n)
    sweeps: np.ndarray  # Jacobi records (R_j,)
    jacobi_errors: np.ndarray  # Δ_F, (R_j, K)
    jacobi_max_error: np.ndarray  # (R_j,)
    jacobi_output: np.ndarray  # the last recorded iterate, (n,)
    dnn_convergence: list[list[int | None]]  # per seed, per frequency
    jacobi_convergence: list[int | None]  # per frequency
    hybrid: list[Hybrid]  # per T
    table: list[Method]
    discretisation_error: float  # max|u* - u| on the grid
    step_seconds: float  # the DNN run's seconds per step (compilation included)
    sweep_seconds: float  # Jacobi's seconds per sweep
    seconds: float
    notes: list[str] = field(default_factory=list)

    def fastest(self) -> str | None:
        """The name of the method that reached the target in the least time."""
        reached = [m for m in self.table if m.reached and m.seconds is not None]
        return min(reached, key=lambda m: m.seconds or 0.0).name if reached else None

    def to_json(self) -> dict[str, Any]:
        return result_json(
            self,
            "poisson",
            seeds=(self.config.seed, self.config.seeds),
            frequencies=self.config.frequencies.tolist(),
            convergence_step=median_steps(self.dnn_convergence),
            convergence_step_per_seed=self.dnn_convergence,
            jacobi_convergence_sweep=self.jacobi_convergence,
            threshold=self.config.threshold,
            dnn_low_first_fraction=self.dnn_low_first(),
            jacobi_high_first=self.jacobi_high_first(),
            target_error=self.config.target_error,
            hybrid=[h.to_json() for h in self.hybrid],
            table=self.table,
            fastest=self.fastest(),
            dnn_final_errors=self.dnn_errors[:, -1].tolist(),
            jacobi_final_errors=self.jacobi_errors[-1].tolist(),
            dnn_final_max_error=[float(v) for v in self.dnn_max_error[:, -1]],
            jacobi_final_max_error=float(self.jacobi_max_error[-1]),
            discretisation_error=self.discretisation_error,
            dnn_seconds_per_step=self.step_seconds,
            jacobi_seconds_per_sweep=self.sweep_seconds,
        )


def _weights(widths: tuple[int, ...]) -> int:
    """P, the number of weights of an MLP with these layer widths (biases left out of the flop count)."""
    return sum(a * b for a, b in zip(widths[:-1], widths[1:]))


def _classical(g: np.ndarray, u_star: np.ndarray, target: float) -> list[Method]:
    """The banded LU (scipy) and smoothed-aggregation multigrid (pyamg) on the same system, timed (best of 3)."""
    import pyamg
    import scipy.sparse as sparse

    size = g.size - 2
    h = 2.0 / (g.size - 1)
    rows = []
    times = []
    for _ in range(3):
        began = time.perf_counter()
        u = solve_poisson(g)
        times.append(time.perf_counter() - began)
    error = float(np.max(np.abs(u - u_star)))
    rows.append(Method("banded LU (scipy)", error <= target, 1, min(times), 8.0 * size, "direct"))
    A = sparse.diags([-np.ones(size - 1), 2 * np.ones(size), -np.ones(size - 1)], [-1, 0, 1], format="csr") / h**2
    b = g[1:-1]
    times, iterations, error = [], 0, math.inf
    for _ in range(3):
        residuals: list[float] = []
        began = time.perf_counter()
        solver = pyamg.smoothed_aggregation_solver(A)
        x = solver.solve(b, tol=1e-12, residuals=residuals)
        times.append(time.perf_counter() - began)
        iterations = len(residuals) - 1
        error = float(np.max(np.abs(x - u_star[1:-1])))
    rows.append(Method("multigrid (pyamg SA)", error <= target, iterations, min(times), None,
                       f"setup and V-cycles to relative residual 1e-12; max error {error:.1e}"))
    return rows


def run(config: Any, *, progress: Callable[[int, int, float], None] | None = None) -> Any:
    """Run the 1-d experiment (``config`` a :class:`Config`) or the 2-d one (a ``poisson2d.Config``)."""
    if isinstance(config, poisson2d.Config):
        return poisson2d.run(config, progress=progress)
    began = time.perf_counter()
    x = poisson_grid(config.points)
    g = source(x)
    u_star = solve_poisson(g)
    freqs = config.frequencies
    f_hat = dft(u_star, x, freqs)
    notes: list[str] = []

    # DNN
    model = MLP((1, *config.hidden, 1), config.activation)
    objective = (ritz_energy(model.apply, n_points=config.points, beta=config.beta) if config.loss == "ritz"
                 else poisson_residual(model.apply, beta=config.beta))
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, x[:, None], g, keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=x[:, None], eval_points=x, frequencies=freqs, objective=objective, progress=progress)
    notes += divergence_notes(history)
    dnn_errors = relative_error(history.spectrum, f_hat)
    dnn_max = np.max(np.abs(history.outputs - u_star), axis=-1)
    dnn_conv = [convergence_steps(dnn_errors[s], history.steps, config.threshold) for s in range(config.seeds)]
    step_seconds = history.seconds / max(int(history.steps[-1]), 1)
    dnn_step_flops = 12.0 * _weights((1, *config.hidden, 1)) * config.points  # 12 P n (module docstring)

    # Jacobi alone, recorded
    t0 = time.perf_counter()
    _, sweeps, records = jacobi(g, np.zeros_like(g), config.sweeps, omega=config.omega,
                                record_every=config.sweep_record_every)
    sweep_seconds = (time.perf_counter() - t0) / config.sweeps
    jac_spec = dft(records, x, freqs)
    jac_errors = relative_error(jac_spec, f_hat)
    jac_max = np.max(np.abs(records - u_star), axis=-1)
    jac_conv = convergence_steps(jac_errors, sweeps, config.threshold)
    sweep_flops = 5.0 * (config.points - 2)

    # to the target: DNN alone, Jacobi alone, hybrids (seed 0's network)
    table: list[Method] = []
    below = np.flatnonzero(dnn_max[0] <= config.target_error)
    dnn_steps = int(history.steps[below[0]]) if below.size else None
    table.append(Method("DNN alone", dnn_steps is not None, dnn_steps,
                        None if dnn_steps is None else dnn_steps * step_seconds,
                        None if dnn_steps is None else dnn_steps * dnn_step_flops,
                        f"best max error {float(dnn_max[0].min()):.1e} in {config.steps} steps"))
    check = max(1, min(1000, config.max_sweeps // 100))
    jac_sweeps, _, _ = jacobi_to_target(g, np.zeros_like(g), u_star, config.target_error, omega=config.omega,
                                        max_sweeps=config.max_sweeps, check_every=check)
    table.append(Method("Jacobi alone", jac_sweeps is not None, jac_sweeps,
                        None if jac_sweeps is None else jac_sweeps * sweep_seconds,
                        None if jac_sweeps is None else jac_sweeps * sweep_flops, f"ω = {config.omega:g}"))
    hybrid = []
    for T in config.hybrid_steps:
        start = history.outputs[0, int(np.searchsorted(history.steps, T))].astype(float)
        n_sweeps, checked, errors = jacobi_to_target(g, start, u_star, config.target_error, omega=config.omega,
                                                     max_sweeps=config.max_sweeps, check_every=check)
        seconds = None if n_sweeps is None else T * step_seconds + n_sweeps * sweep_seconds
        flops = None if n_sweeps is None else T * dnn_step_flops + n_sweeps * sweep_flops
        hybrid.append(Hybrid(T, n_sweeps, seconds, flops, float(errors[0]), checked, errors))
    reached = [h for h in hybrid if h.sweeps is not None and h.seconds is not None]
    if reached:
        best = min(reached, key=lambda h: h.seconds or 0.0)
        table.append(Method("DNN then Jacobi (best T)", True, best.steps + (best.sweeps or 0), best.seconds,
                            best.flops, f"T = {best.steps} steps, then {best.sweeps} sweeps"))
    else:
        table.append(Method("DNN then Jacobi (best T)", False, None, None, None, "no T reached the target"))
    table += _classical(g, u_star, config.target_error)
    disc = float(np.max(np.abs(u_star - exact_solution(x))))
    return Result(config, history.steps, dnn_errors, dnn_max, history.outputs[:, -1], sweeps, jac_errors, jac_max,
                  records[-1], dnn_conv, jac_conv, hybrid, table, disc, step_seconds, sweep_seconds,
                  time.perf_counter() - began, notes)


def plot(result: Any, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    if isinstance(result, poisson2d.Result):
        return poisson2d.plot(result, path)

    cfg = result.config
    fig = Figure(figsize=(13, 8))
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)
    x = poisson_grid(cfg.points)
    ax1.plot(x, exact_solution(x), color="k", lw=1, label="exact u")
    ax1.plot(x, result.dnn_output[0], color="C0", ls="--", label=f"DNN after {int(result.steps[-1])} steps")
    ax1.plot(x, result.jacobi_output, color="C1", ls=":", label=f"Jacobi after {int(result.sweeps[-1])} sweeps")
    ax1.set_xlabel("x")
    ax1.legend(fontsize=8)
    ax1.set_title("solutions")
    labels = [f"k = {k / math.pi:.0f}π" for k in cfg.frequencies]
    for i, label in enumerate(labels):
        ax2.semilogy(result.steps, np.maximum(np.median(result.dnn_errors[:, :, i], axis=0), 1e-8), label=label)
        ax3.semilogy(result.sweeps, np.maximum(result.jacobi_errors[:, i], 1e-8), label=label)
    for ax, what, title in ((ax2, "step", "DNN: low frequencies first"), (ax3, "sweep", "Jacobi: high frequencies first")):
        ax.axhline(cfg.threshold, color="gray", ls="--", lw=0.8)
        ax.set_xlabel(what)
        ax.set_ylabel("Δ_F(k)")
        ax.set_title(title)
        ax.legend(fontsize=8)
    ax4.semilogy(result.steps * result.step_seconds, result.dnn_max_error[0], color="C0", label="DNN")
    ax4.semilogy(result.sweeps * result.sweep_seconds, result.jacobi_max_error, color="C1", label="Jacobi")
    for h in result.hybrid:
        start = h.steps * result.step_seconds
        ax4.semilogy(start + h.checked * result.sweep_seconds, h.errors, color="C2", ls="--", lw=0.8)
    ax4.plot([], [], color="C2", ls="--", lw=0.8, label="DNN for T steps, then Jacobi")
    ax4.axhline(cfg.target_error, color="gray", ls="--", lw=0.8)
    ax4.set_xlabel("seconds")
    ax4.set_ylabel("max |u - u*|")
    ax4.set_title(f"to max error {cfg.target_error:g}: fastest {result.fastest()}")
    ax4.legend(fontsize=8)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Any, out: str | Path) -> Path:
    if isinstance(result, poisson2d.Result):
        return poisson2d.save(result, out)
    return write_result(result, out, plot, "poisson.png", steps=result.steps, dnn_errors=result.dnn_errors,
                        dnn_max_error=result.dnn_max_error, dnn_output=result.dnn_output, sweeps=result.sweeps,
                        jacobi_errors=result.jacobi_errors, jacobi_max_error=result.jacobi_max_error,
                        jacobi_output=result.jacobi_output)
