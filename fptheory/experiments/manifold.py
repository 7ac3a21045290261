"""Rahaman et al., Sec. 4 (docs/theory.md §7.3): data on the flower curve
γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz) ⊂ R², z ∈ [0, 1), target sin(2πkz). A ReLU MLP trained on
the 2-d points; its output, read as a function of z, has its DFT taken at 2πk. The more the curve winds
(larger L), the easier a high k becomes: the error at k after a fixed budget falls with L.

Every (k, seed) run of one L shares a vmap (one target per run).
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
from fptheory.experiments._common import result_json, seed_keys, write_result
from fptheory.spectral._dft import dft, periodic_grid
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, relative_error
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "curve"]


@dataclass(frozen=True)
class Config:
    frequencies: tuple[float, ...] = (4.0, 8.0, 12.0, 16.0, 20.0)
    windings: tuple[float, ...] = (0.0, 4.0, 8.0, 12.0, 16.0, 20.0)
    points: int = 200
    hidden: tuple[int, ...] = (256,) * 4
    activation: str = "relu"
    learning_rate: float = 1e-3
    steps: int = 10_000
    record_every: int = 100
    threshold: float = 0.1
    seed: int = 0
    seeds: int = 2

    def __post_init__(self) -> None:
        if not self.frequencies or any(k <= 0 or k >= self.points / 2 or k != int(k) for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, points/2); got {self.frequencies}")
        if not self.windings or any(L < 0 or not math.isfinite(L) for L in self.windings):
            raise InputError(f"windings L must be finite and >= 0; got {self.windings}")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        MLP((2, *self.hidden, 1), self.activation)
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(frequencies=(4.0, 12.0, 20.0), windings=(0.0, 10.0, 20.0), hidden=(64,) * 3,
                      learning_rate=1e-3, steps=1200, record_every=20, seed=seed, seeds=seeds or 1)
    return Config(seed=seed, seeds=seeds or 2)


def curve(z: np.ndarray, L: float) -> np.ndarray:
    """γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz), shape (n, 2)."""
    r = 1 + 0.5 * np.sin(2 * math.pi * L * z)
    return np.column_stack([r * np.cos(2 * math.pi * z), r * np.sin(2 * math.pi * z)])


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    errors: np.ndarray  # (L, seeds, records, K): Δ_F at the run's own k
    convergence: list[list[list[int | None]]]  # [L][seed][k]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def final_error(self) -> np.ndarray:
        """Δ_F at the last record, mean over seeds: shape (L, K)."""
        return self.errors[:, :, -1, :].mean(axis=1)

    def error_area(self) -> np.ndarray:
        """Δ_F averaged over every record of the run and over seeds: shape (L, K). The area under the error
        curve per unit of training: it measures how hard (k, L) is at every run length, since the early records
        keep their weight when the late ones have all converged."""
        return self.errors.mean(axis=(1, 2))

    def early_error(self) -> np.ndarray:
        """Δ_F a third of the way through training, mean over seeds: shape (L, K) (the heat map's measure:
        by the end of a generous budget every cell may have converged)."""
        return self.errors[:, :, (self.steps.size - 1) // 3, :].mean(axis=1)

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        med = median_steps([row for per_winding in self.convergence for row in per_winding])
        return result_json(
            self,
            "manifold",
            seeds=(cfg.seed, cfg.seeds),
            frequencies=list(cfg.frequencies),
            windings=list(cfg.windings),
            convergence_step=med,
            convergence_step_per_winding=self.convergence,
            final_error=self.final_error().tolist(),
            mean_error_over_training=self.error_area().tolist(),
            early_error=self.early_error().tolist(),
            early_step=int(self.steps[(self.steps.size - 1) // 3]),
            threshold=cfg.threshold,
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import time

    began = time.perf_counter()
    z = periodic_grid(config.points, start=0.0, length=1.0)
    ks = np.asarray(config.frequencies)
    freqs = 2 * math.pi * ks
    targets = np.stack([np.sin(2 * math.pi * k * z) for k in ks])  # (K, n)
    f_hat = np.array([dft(targets[i], z, freqs[i : i + 1])[0] for i in range(ks.size)])
    model = MLP((2, *config.hidden, 1), config.activation)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    base_keys = seed_keys(config.seed, config.seeds)
    keys = np.concatenate([base_keys] * ks.size)  # run r: frequency r // seeds, seed r % seeds
    y = np.repeat(targets, config.seeds, axis=0)
    errors, conv, notes = [], [], list[str]()
    for L in config.windings:
        x = curve(z, L)
        history = train(model.apply, model.init, x, y, keys=keys, spec=spec, eval_x=x, eval_points=z,
                        frequencies=freqs, targets_per_run=True, progress=progress)
        if history.diverged_at is not None:
            raise InputError(f"training diverged at step {history.diverged_at} (L = {L:g}); lower the learning rate")
        err = np.empty((config.seeds, history.steps.size, ks.size))
        for i in range(ks.size):
            runs = slice(i * config.seeds, (i + 1) * config.seeds)
            err[:, :, i] = relative_error(history.spectrum[runs, :, i : i + 1], f_hat[i : i + 1])[..., 0]
        errors.append(err)
        conv.append([convergence_steps(err[s], history.steps, config.threshold) for s in range(config.seeds)])
    return Result(config, history.steps, np.stack(errors), conv, time.perf_counter() - began, notes)


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    im = ax.imshow(result.error_area(), aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(cfg.frequencies)), [f"{k:g}" for k in cfg.frequencies])
    ax.set_yticks(range(len(cfg.windings)), [f"{L:g}" for L in cfg.windings])
    ax.set_xlabel("target frequency k (in z)")
    ax.set_ylabel("winding L of the curve")
    ax.set_title(f"Δ_F(k) averaged over {int(result.steps[-1])} steps")
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "manifold.png", steps=result.steps, errors=result.errors)
