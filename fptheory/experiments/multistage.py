"""Multi-stage neural networks toward machine precision (Wang and Lai 2024, arXiv:2307.08934; listed among the remedies
for spectral bias by Xu, Zhang, Luo 2024, arXiv:2201.07395, Applications).

The target is smooth: ``u(x) = Σ_i a_i sin(ω_i x)`` on [-1, 1] (default ``sin 2x + ½ sin 7x + ¼ sin 15x``). Stage 1
fits u with a tanh MLP; stage n ≥ 2 fits the normalised residual of the stages before it with a network whose first
layer is ``sin(κ_n (W x + b))``, κ_n = 2π f_n (:mod:`fptheory.train._multistage`), f_n the dominant frequency of
the residual on a probe grid (the midpoints of the test grid, so that a previous stage's error between its training
points shows at its true frequency rather than aliased). Every stage trains in float64, full-batch Adam then L-BFGS,
on ``train_points`` uniform points, or ``points_per_cycle`` per cycle of f_n where that is more (Wang and Lai's
rule that a stage's data resolve its residual), and is measured on ``test_points`` uniform points (a denser grid:
most of them lie between training points). Measures: after each stage
the relative L2 error ``‖Σ ε_j u_j - u‖/‖u‖`` on the test and on the training grid, ε_n, f_n, the final loss and
the seconds. A single network of the same depth, with its width chosen so that its parameters come closest to the
stages' total, trains with the stages' total budget of Adam and L-BFGS iterations: where it stalls is the baseline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_counts
from fptheory._io import save_figure_atomic
from fptheory.experiments._common import result_json, seed_keys, write_result
from fptheory.train._multistage import StageNetwork, dominant_frequency, fit_stage

__all__ = ["Config", "Result", "Stage", "Single", "make_config", "run", "save", "plot", "target"]


@dataclass(frozen=True)
class Config:
    terms: tuple[tuple[float, float], ...] = ((2.0, 1.0), (7.0, 0.5), (15.0, 0.25))  # (ω_i, a_i)
    train_points: int = 2001
    test_points: int = 20001
    stages: int = 4
    width: int = 20  # stage 1's hidden width
    later_width: int = 32  # stages 2, 3, …: their residuals are rougher
    depth: int = 3
    points_per_cycle: float = 30.0  # stage n >= 2 trains on at least this many points per cycle of f_n
    adam_steps: int = 2000
    lbfgs_steps: int = 20_000
    learning_rate: float = 1e-3
    memory: int = 50
    single: bool = True  # the single network of the same total size and budget
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        check_counts(stages=self.stages, width=self.width, later_width=self.later_width, depth=self.depth, adam_steps=self.adam_steps,
                     lbfgs_steps=self.lbfgs_steps, memory=self.memory)
        if not self.terms or any(len(t) != 2 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in t)
                                 or t[1] == 0 for t in self.terms):
            raise InputError(f"terms must be (ω, a) pairs of finite numbers with a != 0; got {self.terms!r}")
        if not (isinstance(self.train_points, int) and self.train_points >= 16):
            raise InputError(f"train_points must be an integer >= 16; got {self.train_points!r}")
        if not (isinstance(self.test_points, int) and self.test_points >= self.train_points):
            raise InputError(f"test_points must be an integer >= train_points ({self.train_points}); got "
                             f"{self.test_points!r}")
        if not (isinstance(self.points_per_cycle, (int, float)) and 2 < self.points_per_cycle <= 1000):
            raise InputError(f"points_per_cycle must be a number in (2, 1000]; got {self.points_per_cycle!r}")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise InputError(f"learning_rate must be a finite number > 0; got {self.learning_rate!r}")


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(terms=((2.0, 1.0), (5.0, 0.5)), train_points=401, test_points=4001, stages=3, width=12,
                      later_width=16, adam_steps=300, lbfgs_steps=1500, seed=seed, seeds=seeds or 1)
    return Config(seed=seed, seeds=seeds or 1)


def target(config: Config, x: np.ndarray) -> np.ndarray:
    """u(x) = Σ_i a_i sin(ω_i x)."""
    x = np.asarray(x, dtype=float)
    return np.sum([a * np.sin(omega * x) for omega, a in config.terms], axis=0)


def parameter_count(width: int, depth: int) -> int:
    """Weights and biases of a (1, width × depth, 1) network."""
    return 2 * width + (depth - 1) * (width * width + width) + width + 1


def single_width(config: Config) -> int:
    """The width whose (1, width × depth, 1) network comes closest to the stages' total parameters."""
    total = parameter_count(config.width, config.depth) + (config.stages - 1) * parameter_count(config.later_width,
                                                                                              config.depth)
    return min(range(1, 2 * max(config.width, config.later_width) * config.stages + 2),
               key=lambda w: abs(parameter_count(w, config.depth) - total))


def stage_points(config: Config, frequency: float | None) -> int:
    """Stage n's training points: ``train_points``, or ``points_per_cycle`` per cycle of f_n over the interval's
    length 2 where that is more (Wang and Lai's rule that a stage's data must resolve its residual's frequency)."""
    if frequency is None:
        return config.train_points
    return max(config.train_points, int(math.ceil(config.points_per_cycle * 2.0 * frequency)) + 1)


@dataclass
class Stage:
    """One stage of one seed: its scale (None for stage 1), its training points, the residual's rms it was normalised
    by, the relative L2 errors of the sum so far (on ``train_points`` and on the test grid), its final loss (on the
    normalised residual) and seconds."""

    frequency: float | None  # f_n, cycles per unit
    points: int
    epsilon: float
    train_error: float
    test_error: float
    final_loss: float
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"frequency": self.frequency, "kappa": None if self.frequency is None else 2 * math.pi * self.frequency,
                "points": self.points, "epsilon": self.epsilon, "train_error": self.train_error, "test_error": self.test_error,
                "final_loss": self.final_loss, "seconds": self.seconds}


@dataclass
class Single:
    """The single network of one seed: its width and parameters, its relative L2 errors after the whole budget (on
    the training and the test grid; its loss history, seed 0's, is in the result), seconds."""

    width: int
    parameters: int
    train_error: float
    test_error: float
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "parameters": self.parameters, "train_error": self.train_error,
                "test_error": self.test_error, "seconds": self.seconds}


@dataclass
class Result:
    config: Config
    x_test: np.ndarray  # (n_test,)
    stages: list[list[Stage]]  # per seed, per stage
    prediction: np.ndarray  # (seeds, n_test): the final multi-stage sum on the test grid
    losses: list[np.ndarray]  # per stage (seed 0): the loss before each iteration
    singles: list[Single]  # per seed; empty when config.single is False
    single_prediction: np.ndarray  # (seeds, n_test) or (0, n_test)
    single_losses: np.ndarray  # seed 0's, or empty
    seconds: float
    notes: list[str] = field(default_factory=list)

    def test_errors(self) -> np.ndarray:
        """(seeds, stages) relative L2 test errors after each stage."""
        return np.array([[s.test_error for s in row] for row in self.stages])

    def final_error(self) -> float:
        """The median over seeds of the test error after the last stage."""
        return float(np.median(self.test_errors()[:, -1]))

    def summary(self) -> list[str]:
        lines = [f"{'stage':>5s} {'f_n (cycles/unit)':>18s} {'ε_n':>9s} {'test L2':>9s} {'train L2':>9s} {'seconds':>8s}"]
        for n, stage in enumerate(self.stages[0], start=1):
            freq = "-" if stage.frequency is None else f"{stage.frequency:.1f}"
            lines.append(f"{n:5d} {freq:>18s} {stage.epsilon:9.2e} {stage.test_error:9.2e} {stage.train_error:9.2e} "
                         f"{stage.seconds:8.1f}")
        for single in self.singles[:1]:
            lines.append(f"single network, width {single.width} ({single.parameters} parameters): test L2 "
                         f"{single.test_error:.2e}, train L2 {single.train_error:.2e}, {single.seconds:.1f} s")
        return lines

    def to_json(self) -> dict[str, Any]:
        errors = self.test_errors()
        return result_json(
            self,
            "multistage",
            seeds=(self.config.seed, self.config.seeds),
            target="u(x) = " + " + ".join(f"{a:g} sin({omega:g} x)" for omega, a in self.config.terms) + " on [-1, 1]",
            stage_test_error=np.median(errors, axis=0).tolist(),
            final_test_error=self.final_error(),
            stages=[[s.to_json() for s in row] for row in self.stages],
            stage_parameters=[parameter_count(self.config.width if n == 0 else self.config.later_width,
                                              self.config.depth) for n in range(self.config.stages)],
            single=[s.to_json() for s in self.singles],
        )


def _relative(prediction: np.ndarray, exact: np.ndarray) -> float:
    return float(np.linalg.norm(prediction - exact) / np.linalg.norm(exact))


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import jax

    began = time.perf_counter()
    x = np.linspace(-1.0, 1.0, config.train_points)
    x_test = np.linspace(-1.0, 1.0, config.test_points)
    probe = (x_test[1:] + x_test[:-1]) / 2
    u, u_test, u_probe = target(config, x), target(config, x_test), target(config, probe)
    per_stage = config.adam_steps + config.lbfgs_steps
    total = config.seeds * per_stage * (2 * config.stages if config.single else config.stages)
    done = 0

    def report(stage_done: int) -> None:
        if progress is not None:
            elapsed = time.perf_counter() - began
            now = done + stage_done
            progress(now, total, elapsed / now * (total - now))

    rows, predictions, losses, singles, single_predictions, single_losses = [], [], [], [], [], np.zeros(0)
    for s, key in enumerate(seed_keys(config.seed, config.seeds)):
        keys = jax.random.split(key, config.stages + 1)
        fitted: list[tuple[StageNetwork, Any, float]] = []
        row = []
        for n in range(config.stages):
            t0 = time.perf_counter()
            # f_n from the residual on the probe grid (the test grid's midpoints): a residual the training grid
            # aliases (a previous stage's error between its points) shows there at its true frequency
            frequency = None if n == 0 else dominant_frequency(u_probe - _evaluate(fitted, probe), probe[1] - probe[0])
            points = np.linspace(-1.0, 1.0, stage_points(config, frequency))
            residual = target(config, points) - _evaluate(fitted, points)
            epsilon = float(np.sqrt(np.mean(residual**2)))
            if frequency is None:
                model = StageNetwork(config.width, config.depth)
            else:
                model = StageNetwork(config.later_width, config.depth, 2 * math.pi * frequency)
            params, stage_losses = fit_stage(model, points, residual / epsilon, key=keys[n],
                                             adam_steps=config.adam_steps, lbfgs_steps=config.lbfgs_steps,
                                             learning_rate=config.learning_rate, memory=config.memory, progress=report)
            done += per_stage
            fitted.append((model, params, epsilon))
            row.append(Stage(frequency, points.size, epsilon, _relative(_evaluate(fitted, x), u),
                             _relative(_evaluate(fitted, x_test), u_test), float(stage_losses[-1]),
                             time.perf_counter() - t0))
            if s == 0:
                losses.append(stage_losses)
        rows.append(row)
        predictions.append(_evaluate(fitted, x_test))
        if config.single:
            t0 = time.perf_counter()
            width = single_width(config)
            model = StageNetwork(width, config.depth)
            params, history = fit_stage(model, x, u, key=keys[-1], adam_steps=config.stages * config.adam_steps,
                                        lbfgs_steps=config.stages * config.lbfgs_steps,
                                        learning_rate=config.learning_rate, memory=config.memory, progress=report)
            done += config.stages * per_stage
            single_fit = _evaluate([(model, params, 1.0)], x_test)
            singles.append(Single(width, parameter_count(width, config.depth),
                                  _relative(_evaluate([(model, params, 1.0)], x), u), _relative(single_fit, u_test),
                                  time.perf_counter() - t0))
            single_predictions.append(single_fit)
            if s == 0:
                single_losses = history
    notes = []
    if any(not np.all(np.isfinite(loss)) for loss in losses):
        notes.append("a stage's loss turned non-finite")
    return Result(config, x_test, rows, np.array(predictions),
                  losses, singles, np.array(single_predictions).reshape(-1, config.test_points), single_losses,
                  time.perf_counter() - began, notes)


def _evaluate(fitted: list[tuple[StageNetwork, Any, float]], x: np.ndarray) -> np.ndarray:
    """Σ_n ε_n u_n(x) over the fitted stages (0 for none), in float64."""
    import jax

    total = np.zeros(np.shape(x))
    with jax.enable_x64(True):
        for model, params, epsilon in fitted:
            total = total + epsilon * np.asarray(model.apply(params, np.asarray(x, dtype=np.float64)[:, None]),
                                                 dtype=float)
    return total


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 3.8))
    ax_err, ax_res, ax_loss = fig.subplots(1, 3)
    errors = np.median(result.test_errors(), axis=0)
    stages = np.arange(1, len(errors) + 1)
    ax_err.semilogy(stages, errors, "o-", label="multi-stage, test")
    for single in result.singles[:1]:
        ax_err.axhline(single.test_error, color="C3", ls="--", label=f"single network ({single.parameters} params)")
    ax_err.set_xticks(stages)
    ax_err.set_xlabel("stage")
    ax_err.set_ylabel("relative L2 error")
    ax_err.legend(fontsize=8)
    exact = target(result.config, result.x_test)
    ax_res.semilogy(result.x_test, np.maximum(np.abs(result.prediction[0] - exact), 1e-18), lw=0.5, label="multi-stage")
    if result.single_prediction.size:
        ax_res.semilogy(result.x_test, np.maximum(np.abs(result.single_prediction[0] - exact), 1e-18), lw=0.5,
                        color="C3", label="single")
    ax_res.set_xlabel("x (test grid)")
    ax_res.set_ylabel("|error|")
    ax_res.legend(fontsize=8)
    offset = 0
    for n, loss in enumerate(result.losses, start=1):
        ax_loss.semilogy(offset + np.arange(loss.size), loss, lw=0.8, label=f"stage {n} (normalised)")
        offset += loss.size
    if result.single_losses.size:
        ax_loss.semilogy(np.arange(result.single_losses.size), result.single_losses, lw=0.8, color="C3", ls="--",
                         label="single network")
    ax_loss.set_xlabel("iteration (Adam, then L-BFGS, stage after stage)")
    ax_loss.set_ylabel("training loss")
    ax_loss.legend(fontsize=7)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    arrays = {f"loss_stage_{n}": loss for n, loss in enumerate(result.losses, start=1)}
    return write_result(result, out, plot, "multistage.png", x_test=result.x_test,
                        target_test=target(result.config, result.x_test), prediction=result.prediction,
                        single_prediction=result.single_prediction, single_loss=result.single_losses,
                        stage_test_error=result.test_errors(), **arrays)
