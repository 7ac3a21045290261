"""The compression phase explained by the F-Principle (Xu, Zhang, Xiao 2019, *Training behavior of deep neural
network in frequency domain*, ICONIP, arXiv:1807.01251; listed in Xu, Zhang, Luo 2024, arXiv:2201.07395; the
information plane of Shwartz-Ziv and Tishby 2017, arXiv:1703.00810): fitting a discretised target, a network first
learns its continuous low-frequency part, so its outputs spread over many values and their entropy rises; then it
fits the high frequencies that make the target's steps, its outputs gather on the target's few levels and their
entropy falls.

Setting: the staircase y(x) = round(A sin x)/A on the periodic grid of ``points`` points of [-π, π), with
``levels`` = 2A + 1 values (-1, …, 1, spacing 1/A); a tanh MLP trained on it with MSE (Adam, full batch).

Measures per seed, at every record:

* the entropy H(t) = -Σ_i p_i ln p_i (nats) of the network's outputs on the training points, binned: bins of width
  1/(A · ``bins_per_level``) centred so that each level of y is a bin's centre, spanning [-1.5, 1.5] (outputs
  beyond fall in the end bins). A deterministic network's output entropy is also its mutual information with the
  input, the quantity of the information plane. The target's own entropy is H_y = -Σ_v q_v ln q_v over its levels.
* the turning step t* = argmax_t H(t), and the final entropy: the median over the last tenth of the records;
* e_low(t) = Δ_F(1) = |ĥ(1) - ŷ(1)|/|ŷ(1)| at the fundamental (fptheory.monitor) and e_high(t) = ‖ĥ_q - ŷ_q‖/‖ŷ_q‖
  over every grid frequency q ≥ 2 (the DFT's harmonics that make the steps).
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

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "staircase", "bin_edges", "output_entropy",
           "high_band_error"]

#: Outputs are binned on [-RANGE, RANGE]; values beyond fall in the end bins.
RANGE = 1.5


@dataclass(frozen=True)
class Config:
    levels: int = 5
    points: int = 201
    hidden: tuple[int, ...] = (200, 200, 200)
    learning_rate: float = 1e-3
    steps: int = 12000
    record_every: int = 20
    bins_per_level: int = 8
    seed: int = 0
    seeds: int = 8

    def __post_init__(self) -> None:
        if isinstance(self.levels, bool) or not isinstance(self.levels, int) or self.levels < 3 or self.levels % 2 == 0:
            raise InputError(f"levels must be an odd integer >= 3 (the staircase's values -1, …, 1); got {self.levels!r}")
        if isinstance(self.bins_per_level, bool) or not isinstance(self.bins_per_level, int) or not 2 <= self.bins_per_level <= 64:
            raise InputError(f"bins_per_level must be an integer in [2, 64]; got {self.bins_per_level!r}")
        if isinstance(self.points, bool) or not isinstance(self.points, int) or self.points < 8 * self.levels:
            raise InputError(f"points must be an integer >= 8 · levels = {8 * self.levels} (every level needs points); "
                             f"got {self.points!r}")
        MLP((1, *self.hidden, 1), "tanh")
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(levels=3, hidden=(64, 64), learning_rate=3e-3, steps=8000, seed=seed, seeds=seeds or 4)
    return Config(seed=seed, seeds=seeds or 8)


def staircase(x: np.ndarray, levels: int) -> np.ndarray:
    """round(A sin x)/A with A = (levels - 1)/2: a periodic, piecewise-constant target with ``levels`` values."""
    amplitude = (levels - 1) // 2
    return np.round(amplitude * np.sin(x)) / amplitude


def bin_edges(levels: int, bins_per_level: int) -> np.ndarray:
    """Edges of bins of width 1/(A · bins_per_level) on [-RANGE, RANGE], each level k/A at a bin's centre."""
    width = 2 / ((levels - 1) * bins_per_level)
    half = int(math.ceil(RANGE / width - 0.5))
    return (np.arange(-half, half + 2) - 0.5) * width


def output_entropy(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Entropy in nats of the histogram of ``values`` over the last axis (values beyond the edges in the end bins).

    Args:
        values: shape (..., n).
        edges: increasing bin edges, shape (B + 1,).

    Returns:
        H = -Σ_i p_i ln p_i with p_i the share of the n values in bin i, shape (...).
    """
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, edges.size - 2)
    flat = index.reshape(-1, index.shape[-1])
    counts = np.stack([np.bincount(row, minlength=edges.size - 1) for row in flat]) / index.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, -counts * np.log(counts), 0.0)
    return terms.sum(axis=-1).reshape(index.shape[:-1])


def high_band_error(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """‖ĥ_q - ŷ_q‖/‖ŷ_q‖ over the grid's frequencies q ≥ 2 (rfft). Shapes: outputs (..., n), targets (n,) -> (...)."""
    h, y = np.fft.rfft(outputs, axis=-1)[..., 2:], np.fft.rfft(targets)[2:]
    return np.linalg.norm(h - y, axis=-1) / np.linalg.norm(y)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    entropy: np.ndarray  # (seeds, records), nats
    target_entropy: float
    e_low: np.ndarray  # (seeds, records): Δ_F at the fundamental
    e_high: np.ndarray  # (seeds, records): the error of the harmonics q ≥ 2
    diverged_at: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def final_entropy(self) -> np.ndarray:
        """Per seed, the median entropy over the last tenth of the records (at least one): the binned entropy jumps when
        a late optimizer spike shifts every output by a fraction of a bin, and a single record would report that."""
        tail = max(1, self.steps.size // 10)
        return np.median(self.entropy[:, -tail:], axis=1)

    def turning_index(self) -> np.ndarray:
        """Per seed, the record of the largest entropy."""
        return np.argmax(self.entropy, axis=1)

    def turning_step(self) -> list[int]:
        return [int(self.steps[i]) for i in self.turning_index()]

    def at_turn(self, values: np.ndarray) -> list[float]:
        return [float(values[s, i]) for s, i in enumerate(self.turning_index())]

    def summary(self) -> list[str]:
        return [f"seed {self.config.seed + s}: entropy {self.entropy[s, 0]:.2f} at step 0, largest {self.entropy[s].max():.2f} "
                f"at step {t}, {self.final_entropy()[s]:.2f} at the end (target {self.target_entropy:.2f} nats); at the turn "
                f"Δ_F(1) = {self.at_turn(self.e_low)[s]:.3f}, harmonics' error {self.at_turn(self.e_high)[s]:.3f}"
                for s, t in enumerate(self.turning_step())]

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(self, "compression", seeds=(cfg.seed, cfg.seeds), levels=cfg.levels,
                           target_entropy=self.target_entropy, turning_step=self.turning_step(),
                           initial_entropy=self.entropy[:, 0].tolist(), largest_entropy=self.entropy.max(axis=1).tolist(),
                           final_entropy=self.final_entropy().tolist(), e_low_at_turn=self.at_turn(self.e_low),
                           e_high_at_turn=self.at_turn(self.e_high), final_e_low=self.e_low[:, -1].tolist(),
                           final_e_high=self.e_high[:, -1].tolist(), diverged_at=self.diverged_at)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    x = periodic_grid(config.points)
    y = staircase(x, config.levels)
    model = MLP((1, *config.hidden, 1), "tanh")
    history = train(model.apply, model.init, x[:, None], y, keys=seed_keys(config.seed, config.seeds),
                    spec=TrainSpec(config.steps, config.record_every, config.learning_rate), eval_x=x[:, None], eval_points=x,
                    frequencies=np.array([1.0]), progress=progress)
    out = np.asarray(history.outputs, dtype=float)  # (S, R, n)
    edges = bin_edges(config.levels, config.bins_per_level)
    report = FrequencyMonitor(x, y, frequencies=[1.0]).analyse(history.steps, out)
    return Result(config, history.steps, output_entropy(out, edges), float(output_entropy(y, edges)),
                  report.errors[0][:, :, 0], high_band_error(out, y), history.diverged_at, history.seconds,
                  divergence_notes(history))


def figure(result: Result) -> Any:
    """The entropy of the outputs against the step (turning steps marked), and e_low, e_high against the step."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for s, t in enumerate(result.turning_step()):
        ax1.plot(result.steps, result.entropy[s], color=f"C{s % 10}", lw=1)
        ax1.axvline(t, color=f"C{s % 10}", lw=0.6, ls=":")
        ax2.semilogy(result.steps, result.e_low[s], color=f"C{s % 10}", lw=1, label="Δ_F(1)" if s == 0 else None)
        ax2.semilogy(result.steps, result.e_high[s], "--", color=f"C{s % 10}", lw=1,
                     label="harmonics q ≥ 2" if s == 0 else None)
    ax1.axhline(result.target_entropy, color="k", lw=0.8, ls="--", label="the target's entropy")
    for ax in (ax1, ax2):
        ax.set_xscale("symlog", linthresh=max(1.0, float(result.steps[1])))
        ax.set_xlim(0, float(result.steps[-1]))
    ax1.set_xlabel("step")
    ax1.set_ylabel("entropy of the binned outputs (nats)")
    ax1.set_title("compression: the entropy rises, then falls (turns dotted)")
    ax1.legend(fontsize=8)
    ax2.set_xlabel("step")
    ax2.set_ylabel("relative error")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "compression.png", steps=result.steps, entropy=result.entropy,
                        e_low=result.e_low, e_high=result.e_high)
