"""Rahaman et al., Exp. 1 (docs/theory.md §7.2): a ReLU MLP fits λ(x) = Σ_i A_i sin(2π k_i x + φ_i) on 200 points
of [0, 1) with full-batch Adam; the normalised magnitudes |ĥ(k_i)|/(A_i/2) rise to 1 low frequencies first.

Amplitudes ``equal`` (A_i = 1) or ``increasing`` (A_i = 0.1 i: the high frequencies carry the most
power, and are still learnt last). Phases are uniform, drawn from the config's ``phase_seed``. Measures:
Δ_F(k_i) = |ĥ_k - f̂_k|/|f̂_k|, its first step below ``threshold`` per frequency and seed, and per seed the
Spearman correlation between frequency and convergence step (never = after the last step).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._io import save_figure_atomic
from fptheory.experiments._common import divergence_notes, result_json, seed_keys, write_result
from fptheory.spectral._dft import dft, periodic_grid
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, normalised_magnitude, relative_error
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "target", "rank_correlation"]


@dataclass(frozen=True)
class Config:
    frequencies: tuple[float, ...] = tuple(float(k) for k in range(5, 55, 5))
    amplitudes: str = "equal"
    phase_seed: int = 0
    points: int = 200
    hidden: tuple[int, ...] = (256,) * 6
    activation: str = "relu"
    learning_rate: float = 1e-3
    steps: int = 30_000
    record_every: int = 100
    threshold: float = 0.1
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        if self.amplitudes not in ("equal", "increasing"):
            raise InputError(f"amplitudes must be 'equal' or 'increasing'; got {self.amplitudes!r}")
        if not self.frequencies or any(k <= 0 or k >= self.points / 2 or k != int(k) for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, points/2); got {self.frequencies}")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        MLP((1, *self.hidden, 1), self.activation)
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None, **changes: Any) -> Config:
    if quick:
        return Config(frequencies=(2.0, 4.0, 6.0, 8.0, 10.0), hidden=(128,) * 4, learning_rate=3e-3, steps=3000,
                      record_every=30, seed=seed, seeds=seeds or 2, **changes)
    return Config(seed=seed, seeds=seeds or 4, **changes)


def amplitudes(config: Config) -> np.ndarray:
    n = len(config.frequencies)
    return np.ones(n) if config.amplitudes == "equal" else 0.1 * np.arange(1, n + 1)


def target(config: Config, x: np.ndarray) -> np.ndarray:
    phases = np.random.default_rng(config.phase_seed).uniform(0, 2 * math.pi, len(config.frequencies))
    return sum(a * np.sin(2 * math.pi * k * x + p) for k, a, p in zip(config.frequencies, amplitudes(config), phases))


def rank_correlation(frequencies: Any, steps: list[int | None], last: int) -> float:
    """Spearman correlation of frequency and convergence step (a frequency never converged counts as last + 1)."""
    from scipy.stats import spearmanr

    values = [last + 1 if s is None else s for s in steps]
    if len(set(values)) == 1:
        return 0.0
    return float(spearmanr(frequencies, values)[0])


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    errors: np.ndarray  # (seeds, records, K)
    magnitudes: np.ndarray  # (seeds, records, K) |ĥ(k_i)|/(A_i/2)
    loss: np.ndarray
    convergence: list[list[int | None]]
    correlations: list[float]
    diverged_at: int | None
    seconds: float
    params: Any = None  # final parameters (leaves (seeds, ...)), for the perturbation experiment
    notes: list[str] = field(default_factory=list)

    def median_steps(self) -> list[int | None]:
        return median_steps(self.convergence)

    def to_json(self) -> dict[str, Any]:
        return result_json(
            self,
            "spectral-bias",
            seeds=(self.config.seed, self.config.seeds),
            frequencies=list(self.config.frequencies),
            convergence_step=self.median_steps(),
            convergence_step_per_seed=self.convergence,
            threshold=self.config.threshold,
            rank_correlation_per_seed=self.correlations,
            rank_correlation_mean=float(np.mean(self.correlations)),
            final_loss=[float(v) for v in self.loss[:, -1]],
            diverged_at=self.diverged_at,
        )


def fit(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> tuple[Any, Any, Any, Any]:
    """Train the config's network: returns (model, x, target DFT at 2πk_i, history)."""
    x = periodic_grid(config.points, start=0.0, length=1.0)
    y = target(config, x)
    freqs = 2 * math.pi * np.asarray(config.frequencies)
    model = MLP((1, *config.hidden, 1), config.activation)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, x[:, None], y, keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=x[:, None], eval_points=x, frequencies=freqs, progress=progress)
    return model, x, dft(y, x, freqs), history


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    model, x, f_hat, history = fit(config, progress=progress)
    errors = relative_error(history.spectrum, f_hat)
    mags = normalised_magnitude(history.spectrum, amplitudes(config) / 2)
    conv = [convergence_steps(errors[s], history.steps, config.threshold) for s in range(config.seeds)]
    corr = [rank_correlation(config.frequencies, c, int(history.steps[-1])) for c in conv]
    return Result(config, history.steps, errors, mags, history.loss, conv, corr, history.diverged_at,
                  history.seconds, history.params, divergence_notes(history))


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    im = ax.imshow(np.median(result.magnitudes, axis=0).T, aspect="auto", origin="lower", cmap="inferno",
                   vmin=0, vmax=1.2, extent=(result.steps[0], result.steps[-1], -0.5, len(cfg.frequencies) - 0.5))
    ax.set_yticks(range(len(cfg.frequencies)), [f"{k:g}" for k in cfg.frequencies])
    ax.set_ylabel("frequency k")
    ax.set_xlabel("step")
    ax.set_title(f"|ĥ(k)|/(A/2), {cfg.amplitudes} amplitudes, median of {cfg.seeds} seeds")
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "spectral_bias.png", steps=result.steps, errors=result.errors,
                        magnitudes=result.magnitudes, loss=result.loss)
