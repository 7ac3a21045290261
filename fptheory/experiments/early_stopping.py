"""Early stopping explained by the F-Principle (Xu, Zhang, Luo 2024, arXiv:2201.07395, "early stopping"; docs/theory.md
§7.14): a tanh MLP is trained on a low-frequency target plus white noise; its error against the clean target reaches
its minimum early, while its training error goes on falling, because it fits the target's low frequencies before
the noise, which spreads over every frequency.

Setting: f(x) = Σ_i A_i sin(k_i x) on the periodic grid of ``points`` points of [-π, π); the training targets
y = f + ε with ε white Gaussian noise of standard deviation ``noise`` (one draw per seed). Measures per seed, at
every record: the clean error ‖h - f‖/‖f‖ and the training error ‖h - y‖/‖y‖; the step t* of the smallest clean
error, and the gain (final clean error)/(clean error at t*); at t* and at the end, Δ_F(k_i) = |ĥ(k_i) - ŷ(k_i)|/|ŷ(k_i)|
at the target's peaks against the training data y, as the F-Principle defines it (fptheory.monitor; the noise's
own component in a peak's bin is part of what the network is given there), and the share of the noise's power
above ``cutoff`` that the network has fitted, Σ_{k > cutoff} |ĥ_k|² / Σ_{k > cutoff} |ŷ_k|² (DFT on the grid).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._monitor import FrequencyMonitor
from fptheory.experiments._common import divergence_notes, plot_from, result_json, seed_keys, write_result
from fptheory.spectral._dft import periodic_grid
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "noise_share"]


@dataclass(frozen=True)
class Config:
    frequencies: tuple[float, ...] = (1.0, 2.0)
    amplitudes: tuple[float, ...] = (1.0, 0.5)
    noise: float = 0.5
    points: int = 201
    hidden: tuple[int, ...] = (200, 200, 200)
    learning_rate: float = 1e-3
    steps: int = 12000
    record_every: int = 20
    cutoff: float = 3.0
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        if len(self.frequencies) != len(self.amplitudes) or not self.frequencies:
            raise InputError("frequencies and amplitudes must be non-empty and of the same length")
        if any(not (math.isfinite(a) and a > 0) for a in self.amplitudes):
            raise InputError(f"amplitudes must be finite numbers > 0; got {self.amplitudes}")
        if not (math.isfinite(self.noise) and self.noise > 0):
            raise InputError(f"noise must be a finite number > 0 (the noise's standard deviation); got {self.noise!r}")
        if any(k <= 0 or k != int(k) or k >= self.cutoff for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, cutoff) = [1, {self.cutoff:g}); got {self.frequencies}")
        if not (isinstance(self.points, int) and self.points >= 16 and self.cutoff < self.points // 2 - 1):
            raise InputError(f"points must be an integer >= 16 with cutoff < points/2 - 1; got points {self.points!r}, "
                             f"cutoff {self.cutoff!r}")
        MLP((1, *self.hidden, 1), "tanh")
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(hidden=(64, 64), learning_rate=3e-3, steps=4000, seed=seed, seeds=seeds or 4)
    return Config(seed=seed, seeds=seeds or 8)


def noise_share(outputs: np.ndarray, targets: np.ndarray, cutoff_index: int) -> np.ndarray:
    """Σ_{q > cutoff} |ĥ_q|² / Σ_{q > cutoff} |ŷ_q|² over the grid's frequencies q (rfft): how much of the targets'
    power above the cutoff the outputs hold. Shapes: outputs (..., n), targets (n,) -> (...)."""
    h, y = np.fft.rfft(outputs, axis=-1)[..., cutoff_index + 1 :], np.fft.rfft(targets)[cutoff_index + 1 :]
    return np.sum(np.abs(h) ** 2, axis=-1) / np.sum(np.abs(y) ** 2)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    clean_error: np.ndarray  # (seeds, records)
    train_error: np.ndarray  # (seeds, records)
    best_step: list[int]
    gain: list[float]
    peak_error_best: np.ndarray  # (seeds, K): Δ_F at the target's peaks at t*
    peak_error_final: np.ndarray
    noise_share_best: np.ndarray  # (seeds,)
    noise_share_final: np.ndarray
    diverged_at: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def train_error_at_best(self) -> list[float]:
        """Per seed, the training error at the step of the smallest clean error."""
        return [float(self.train_error[s, self.steps.tolist().index(b)]) for s, b in enumerate(self.best_step)]

    def summary(self) -> list[str]:
        return [f"seed {self.config.seed + s}: clean error smallest at step {self.best_step[s]} ({self.clean_error[s].min():.3f}), "
                f"final {self.clean_error[s, -1]:.3f} (gain {self.gain[s]:.2f}); noise power fitted {self.noise_share_best[s]:.1%} "
                f"at that step, {self.noise_share_final[s]:.1%} at the end" for s in range(len(self.gain))]

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(self, "early-stopping", seeds=(cfg.seed, cfg.seeds), frequencies=list(cfg.frequencies),
                           best_step=self.best_step, gain=self.gain, min_clean_error=self.clean_error.min(axis=1).tolist(),
                           final_clean_error=self.clean_error[:, -1].tolist(),
                           train_error_at_best=self.train_error_at_best(),
                           final_train_error=self.train_error[:, -1].tolist(), peak_error_best=self.peak_error_best.tolist(),
                           peak_error_final=self.peak_error_final.tolist(), noise_share_best=self.noise_share_best.tolist(),
                           noise_share_final=self.noise_share_final.tolist(), diverged_at=self.diverged_at)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    x = periodic_grid(config.points)
    clean = np.sum([a * np.sin(k * x) for k, a in zip(config.frequencies, config.amplitudes)], axis=0)
    noisy = np.stack([clean + config.noise * np.random.default_rng([config.seed + s, 7]).standard_normal(x.size)
                      for s in range(config.seeds)])  # one noise draw per seed
    model = MLP((1, *config.hidden, 1), "tanh")
    history = train(model.apply, model.init, x[:, None], noisy, keys=seed_keys(config.seed, config.seeds),
                    spec=TrainSpec(config.steps, config.record_every, config.learning_rate), eval_x=x[:, None], eval_points=x,
                    frequencies=np.asarray(config.frequencies), targets_per_run=True, progress=progress)
    out = np.asarray(history.outputs, dtype=float)  # (S, R, n)
    clean_error = np.linalg.norm(out - clean, axis=-1) / np.linalg.norm(clean)
    train_error = np.linalg.norm(out - noisy[:, None], axis=-1) / np.linalg.norm(noisy, axis=-1)[:, None]
    best = np.argmin(clean_error, axis=1)
    # Δ_F against the data each seed trains on (the F-Principle's definition): the noise's own component in a peak's
    # bin (rms σ/√n, 14% of |f̂(2)| here) is part of what the network is given there, not an error of its fit
    peaks = np.stack([FrequencyMonitor(x, noisy[s], frequencies=list(config.frequencies)).analyse(history.steps, out[s]).errors[0][0]
                      for s in range(config.seeds)])  # (S, R, K)
    cutoff_index = int(math.floor(config.cutoff))
    shares = np.stack([noise_share(out[s], noisy[s], cutoff_index) for s in range(config.seeds)])  # (S, R)
    rows = np.arange(config.seeds)
    return Result(config, history.steps, clean_error, train_error, [int(history.steps[i]) for i in best],
                  (clean_error[:, -1] / clean_error[rows, best]).tolist(), peaks[rows, best], peaks[:, -1],
                  shares[rows, best], shares[:, -1], history.diverged_at, history.seconds, divergence_notes(history))


def figure(result: Result) -> Any:
    """Clean and training errors over the steps (t* marked), and the noise power fitted."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for s in range(len(result.gain)):
        ax1.semilogy(result.steps, result.clean_error[s], color=f"C{s}", label="clean error" if s == 0 else None)
        ax1.semilogy(result.steps, result.train_error[s], "--", color=f"C{s}", label="training error" if s == 0 else None)
        ax1.axvline(result.best_step[s], color=f"C{s}", lw=0.6, ls=":")
    ax1.set_xlabel("step")
    ax1.set_title("early stopping: clean error smallest at the dotted steps")
    ax1.legend(fontsize=8)
    cutoff = result.config.cutoff
    ax2.bar(np.arange(len(result.gain)) - 0.2, result.noise_share_best, 0.4, label="at the smallest clean error")
    ax2.bar(np.arange(len(result.gain)) + 0.2, result.noise_share_final, 0.4, label="at the end")
    ax2.set_xlabel("seed")
    ax2.set_ylabel(f"noise power fitted above k = {cutoff:g}")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "early_stopping.png", steps=result.steps, clean_error=result.clean_error,
                        train_error=result.train_error)
