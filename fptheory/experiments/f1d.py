"""The paper's Fig. 1 (docs/theory.md §7.1): a tanh MLP fits sin x + sin 3x + sin 5x on a periodic grid of
[-π, π) with full-batch Adam; the DFT of its output at the three peaks shows the low ones converging first.

Measure: Δ_F(k) = |ĥ_k - f̂_k|/|f̂_k| at each peak, the first recorded step where it falls below
``threshold``, and across seeds the fraction whose steps are ordered by frequency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._monitor import FrequencyMonitor
from fptheory.experiments._common import divergence_notes, plot_from, result_json, seed_keys, write_result
from fptheory.spectral._dft import periodic_grid
from fptheory.spectral._frequency_errors import median_steps
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure"]


@dataclass(frozen=True)
class Config:
    frequencies: tuple[float, ...] = (1.0, 3.0, 5.0)
    amplitudes: tuple[float, ...] = (1.0, 1.0, 1.0)
    points: int = 201
    hidden: tuple[int, ...] = (200, 200, 200, 100)
    activation: str = "tanh"
    init_scale: float = 1.0
    learning_rate: float = 1e-3
    steps: int = 2000
    record_every: int = 10
    threshold: float = 0.05
    seed: int = 0
    seeds: int = 8

    def __post_init__(self) -> None:
        if len(self.frequencies) != len(self.amplitudes) or not self.frequencies:
            raise InputError("frequencies and amplitudes must be non-empty and of the same length")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        if any(a <= 0 for a in self.amplitudes):
            raise InputError("amplitudes must be > 0")
        if any(k <= 0 or k >= self.points / 2 or k != int(k) for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, points/2) = [1, {self.points / 2:g}); got {self.frequencies}")
        MLP((1, *self.hidden, 1), self.activation, self.init_scale)  # validates widths, activation, scale
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(hidden=(64, 64), steps=3000, record_every=20, seed=seed, seeds=seeds or 4)
    return Config(seed=seed, seeds=seeds or 8)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    errors: np.ndarray  # (seeds, records, K)
    loss: np.ndarray  # (seeds, records)
    convergence: list[list[int | None]]  # per seed, per frequency
    ordered: float
    diverged_at: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def median_steps(self) -> list[int | None]:
        return median_steps(self.convergence)

    def to_json(self) -> dict[str, Any]:
        return result_json(
            self,
            "f1d",
            seeds=(self.config.seed, self.config.seeds),
            frequencies=list(self.config.frequencies),
            convergence_step=self.median_steps(),
            convergence_step_per_seed=self.convergence,
            threshold=self.config.threshold,
            ordered_fraction=self.ordered,
            final_loss=[float(v) for v in self.loss[:, -1]],
            diverged_at=self.diverged_at,
        )


def target(config: Config, x: np.ndarray) -> np.ndarray:
    return np.sum([a * np.sin(k * x) for k, a in zip(config.frequencies, config.amplitudes)], axis=0)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    x = periodic_grid(config.points)
    y = target(config, x)
    freqs = np.asarray(config.frequencies)
    monitor = FrequencyMonitor(x, y, frequencies=freqs, threshold=config.threshold)
    model = MLP((1, *config.hidden, 1), config.activation, config.init_scale)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, x[:, None], y, keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=x[:, None], eval_points=x, frequencies=freqs, progress=progress)
    report = monitor.analyse_spectrum(history.steps, history.spectrum)  # the spectrum the training loop recorded
    return Result(config, history.steps, report.errors[0], history.loss, report.convergence[0], report.ordered or 0.0,
                  history.diverged_at, history.seconds, divergence_notes(history))


def figure(result: Result) -> Any:
    """The experiment's figure (a matplotlib Figure; no pyplot state, so a notebook shows it inline)."""
    from matplotlib.figure import Figure

    cfg = result.config
    median = np.median(result.errors, axis=0)  # (records, K)
    fig = Figure(figsize=(10, 4))
    (ax1, ax2) = fig.subplots(1, 2)
    im = ax1.imshow(median.T, aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=1,
                    extent=(result.steps[0], result.steps[-1], -0.5, len(cfg.frequencies) - 0.5))
    ax1.set_yticks(range(len(cfg.frequencies)), [f"k = {k:g}" for k in cfg.frequencies])
    ax1.set_xlabel("step")
    ax1.set_title(f"Δ_F(k), median over {cfg.seeds} seeds")
    fig.colorbar(im, ax=ax1)
    for i, k in enumerate(cfg.frequencies):
        ax2.semilogy(result.steps, np.maximum(median[:, i], 1e-8), label=f"k = {k:g}")
    ax2.axhline(cfg.threshold, color="gray", ls="--", lw=0.8, label=f"threshold {cfg.threshold:g}")
    ax2.set_xlabel("step")
    ax2.set_ylabel("Δ_F(k)")
    ax2.legend(fontsize=8)
    ax2.set_title(f"ordered in {result.ordered:.0%} of seeds")
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "f1d.png", steps=result.steps, errors=result.errors, loss=result.loss)
