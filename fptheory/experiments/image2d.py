"""2-d image fitting (the F-Principle overview's Fig. 2, docs/theory.md §7.4): an MLP maps pixel coordinates
(x, y) ∈ [-1, 1)² to scikit-image's camera gray level, downsampled to ``size`` × ``size`` by block means.
The output comes in coarse first, details later.

Measure: with the 2-d DFT F(q) = N^{-2} Σ f(x) e^{-i2π q·x/N} of the image and H(q) of the output on the
same pixel grid, the radially averaged relative error of band b,

    e_b = (Σ_{q in band b} |H(q) - F(q)|² / Σ_{q in band b} |F(q)|²)^{1/2},

for ``bands`` equal-width bands of |q| ∈ [0, N/2] (|q| beyond N/2, the corners, join the last band), its
first step below ``threshold``, and across seeds the fraction whose band steps are ordered by frequency.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._io import save_figure_atomic
from fptheory.data import camera
from fptheory.experiments._common import divergence_notes, result_json, seed_keys, write_result
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, ordered_fraction
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "downsample", "band_errors"]


@dataclass(frozen=True)
class Config:
    size: int = 64
    hidden: tuple[int, ...] = (200, 200, 100)
    activation: str = "relu"
    bands: int = 8
    learning_rate: float = 1e-3
    steps: int = 10000
    record_every: int = 100
    threshold: float = 0.3
    seed: int = 0
    seeds: int = 2

    def __post_init__(self) -> None:
        if not (isinstance(self.size, int) and 8 <= self.size <= 512 and 512 % self.size == 0):
            raise InputError(f"size must be an integer in [8, 512] that divides 512; got {self.size!r}")
        if not (isinstance(self.bands, int) and 2 <= self.bands <= self.size // 2):
            raise InputError(f"bands must be an integer in [2, size/2] = [2, {self.size // 2}]; got {self.bands!r}")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        MLP((2, *self.hidden, 1), self.activation)
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None, **changes: Any) -> Config:
    if quick:
        base = dict(size=32, hidden=(100, 100), steps=3000, record_every=50, seed=seed, seeds=seeds or 2)
        return Config(**{**base, **changes})
    return Config(**{**dict(seed=seed, seeds=seeds or 2), **changes})


def downsample(image: np.ndarray, size: int) -> np.ndarray:
    """Means over (N/size)² blocks of a square N × N image."""
    n = image.shape[0]
    if image.ndim != 2 or image.shape[1] != n or n % size:
        raise InputError(f"image must be square with a side divisible by size = {size}; got {image.shape}")
    b = n // size
    return image.reshape(size, b, size, b).mean(axis=(1, 3))


def band_index(size: int, bands: int) -> np.ndarray:
    """The band of each 2-d frequency of an size × size DFT: ⌊|q| / (size/2) · bands⌋, the corners clipped
    into the last band."""
    q = np.fft.fftfreq(size) * size
    radius = np.hypot(q[:, None], q[None, :])
    return np.minimum((radius / (size / 2) * bands).astype(int), bands - 1)


def band_errors(outputs: np.ndarray, image: np.ndarray, bands: int) -> np.ndarray:
    """e_b for outputs (..., N, N) against image (N, N): shape (..., bands)."""
    size = image.shape[0]
    F = np.fft.fft2(image) / size**2
    H = np.fft.fft2(outputs) / size**2
    member = np.eye(bands)[band_index(size, bands).ravel()]  # (N², bands): which band each frequency is in
    diff = (np.abs(H - F) ** 2).reshape(*outputs.shape[:-2], -1)
    return np.sqrt((diff @ member) / ((np.abs(F) ** 2).ravel() @ member))


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    image: np.ndarray
    snapshots: np.ndarray  # (4, N, N): seed 0's output at four records
    snapshot_steps: list[int]
    errors: np.ndarray  # (seeds, records, bands)
    loss: np.ndarray
    convergence: list[list[int | None]]
    ordered: float
    diverged_at: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def band_edges(self) -> list[float]:
        """The bands' |q| edges in cycles per image."""
        return [self.config.size / 2 * b / self.config.bands for b in range(self.config.bands + 1)]

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        edges = self.band_edges()
        return result_json(
            self,
            "image2d",
            seeds=(cfg.seed, cfg.seeds),
            frequencies=[0.5 * (a + b) for a, b in zip(edges[:-1], edges[1:])],
            band_edges=edges,
            convergence_step=median_steps(self.convergence),
            convergence_step_per_seed=self.convergence,
            threshold=cfg.threshold,
            ordered_fraction=self.ordered,
            final_band_error=np.median(self.errors[:, -1], axis=0).tolist(),
            snapshot_steps=self.snapshot_steps,
            diverged_at=self.diverged_at,
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    began = time.perf_counter()
    image = downsample(camera(), config.size)
    axis = -1 + 2 * np.arange(config.size) / config.size
    gx, gy = np.meshgrid(axis, axis, indexing="ij")
    coords = np.stack([gx.ravel(), gy.ravel()], axis=1)
    model = MLP((2, *config.hidden, 1), config.activation)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, coords, image.ravel(), keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=coords, eval_points=np.zeros(coords.shape[0]), frequencies=np.zeros(1), progress=progress)
    out = np.asarray(history.outputs, dtype=float).reshape(config.seeds, -1, config.size, config.size)
    errors = band_errors(out, image, config.bands)
    conv = [convergence_steps(errors[s], history.steps, config.threshold) for s in range(config.seeds)]
    records = out.shape[1]
    picks = sorted({min(records - 1, r) for r in (1, records // 20, records // 4, records - 1)})
    return Result(config, history.steps, image, out[0, picks], [int(history.steps[r]) for r in picks], errors,
                  history.loss, conv, ordered_fraction(conv), history.diverged_at, time.perf_counter() - began,
                  divergence_notes(history))


def plot(result: Result, path: str | Path) -> Path:
    import matplotlib
    from matplotlib.figure import Figure

    cfg = result.config
    panels = 1 + len(result.snapshots)
    fig = Figure(figsize=(3 * panels + 5, 3.4))
    grid = fig.add_gridspec(1, panels + 2)
    for i, (img, title) in enumerate([(result.image, "target")] + [(s, f"step {t}") for s, t in
                                                                   zip(result.snapshots, result.snapshot_steps)]):
        ax = fig.add_subplot(grid[0, i])
        ax.imshow(img, cmap="gray", vmin=0, vmax=1)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    ax = fig.add_subplot(grid[0, panels:])
    median = np.median(result.errors, axis=0)
    edges = result.band_edges()
    for b in range(cfg.bands):
        ax.semilogy(result.steps, median[:, b], color=matplotlib.colormaps['viridis'](b / max(1, cfg.bands - 1)),
                    label=f"|q| ∈ [{edges[b]:g}, {edges[b + 1]:g})")
    ax.axhline(cfg.threshold, color="gray", ls="--", lw=0.8)
    ax.set_xlabel("step")
    ax.set_ylabel("radial band error e_b")
    ax.set_title(f"ordered in {result.ordered:.0%} of seeds", fontsize=9)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "image2d.png", steps=result.steps, errors=result.errors, loss=result.loss,
                        snapshots=result.snapshots)
