"""How fast each frequency converges, predicted by the network's tangent kernel and held against real training
(Jacot, Gabriel, Hongler 2018, arXiv:1806.07572; Lee et al. 2019, arXiv:1902.06720; the linear-regime account of the
F-Principle in Xu, Zhang, Luo 2024, arXiv:2201.07395).

Setting: two-layer tanh networks in the NTK parametrisation, h(x) = m^{-1/2} Σ_j a_j tanh(w_j x + b_j) with a, w, b
standard normal, of each width m in ``widths``, trained by full-batch gradient descent (rate η, float64) on
½ mean (h - f)² at ``points`` points of the periodic grid of [-π, π), f = Σ_i A_i sin(k_i x).

Prediction: the empirical NTK Θ at initialisation (:func:`fptheory.train.empirical_ntk`) and r_t = (I - ηΘ/n)^t r_0
(:func:`fptheory.train.linearised_residuals`); from r_t, Δ_F(k_i, t) = |r̂_t(k_i)|/|f̂(k_i)| (DFT on the grid), and
likewise from the real run. Measures per width and seed: the largest gap |Δ_F^pred - Δ_F^real| over the records
and peaks; the slope of log(gap) against log(m) over the widths (scipy.stats.linregress; lazy training predicts
-1/2, the network moving O(m^{-1/2}) from its linearisation); and per peak the kernel's rate there, the Rayleigh
quotient λ(k) = e_kᵀ Θ e_k / n of the unit Fourier mode e_k ∝ sin(k x), which orders the peaks' convergence.
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
from fptheory.experiments._common import result_json, write_result
from fptheory.spectral._dft import periodic_grid
from fptheory.train._loop import TrainSpec, train
from fptheory.train._ntk import empirical_ntk, linearised_residuals

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "TwoLayerNTK", "peak_errors"]


@dataclass(frozen=True)
class TwoLayerNTK:
    """h(x) = m^{-1/2} Σ_j a_j tanh(w_j x + b_j), a, w, b ~ N(0, 1) (the NTK parametrisation)."""

    m: int

    def init(self, *, key: Any, dtype: Any) -> dict[str, Any]:
        import jax

        ka, kw, kb = jax.random.split(key, 3)
        return {name: jax.random.normal(k, (self.m,), dtype) for name, k in (("a", ka), ("w", kw), ("b", kb))}

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        import jax.numpy as jnp

        return jnp.tanh(jnp.reshape(x, (-1, 1)) * params["w"] + params["b"]) @ params["a"] / math.sqrt(self.m)


@dataclass(frozen=True)
class Config:
    widths: tuple[int, ...] = (64, 256, 1024, 4096)
    frequencies: tuple[float, ...] = (1.0, 3.0, 5.0)
    amplitudes: tuple[float, ...] = (1.0, 1.0, 1.0)
    points: int = 64
    learning_rate: float = 0.5
    steps: int = 4000
    record_every: int = 100
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        if len(self.widths) < 3 or any(isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 65536 for m in self.widths):
            raise InputError(f"widths must hold at least 3 integers in [1, 65536] (width >= 1); got {self.widths!r}")
        if list(self.widths) != sorted(set(self.widths)):
            raise InputError(f"widths must be increasing, without repeats; got {self.widths!r}")
        if len(self.frequencies) != len(self.amplitudes) or not self.frequencies:
            raise InputError("frequencies and amplitudes must be non-empty and of the same length")
        if isinstance(self.points, bool) or not isinstance(self.points, int) or not 8 <= self.points <= 4000:
            raise InputError(f"points must be an integer in [8, 4000] (the kernel is points × points); got {self.points!r}")
        if any(k <= 0 or k != int(k) or k >= self.points / 2 for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, points/2); got {self.frequencies}")
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 1:
            raise InputError(f"seeds must be an integer >= 1; got {self.seeds!r}")
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(widths=(32, 128, 512), points=32, steps=1000, record_every=50, seed=seed, seeds=seeds or 2)
    return Config(seed=seed, seeds=seeds or 4)


def peak_errors(residuals: np.ndarray, x: np.ndarray, target: np.ndarray, frequencies: tuple[float, ...]) -> np.ndarray:
    """Δ_F(k, t) = |r̂_t(k)|/|f̂(k)| with ĝ(k) = (1/n) Σ_j g(x_j) e^{-ikx_j}. Shapes: residuals (..., n) -> (..., K)."""
    basis = np.exp(-1j * np.outer(x, frequencies)) / x.size  # (n, K)
    return np.abs(residuals @ basis) / np.abs(target @ basis)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    measured: np.ndarray  # (widths, seeds, records, K): Δ_F from the real runs
    predicted: np.ndarray  # (widths, seeds, records, K): Δ_F from the linearisation
    kernel_rate: np.ndarray  # (widths, seeds, K): λ(k) = e_kᵀ Θ e_k / n
    seconds: float
    notes: list[str] = field(default_factory=list)

    def gap(self) -> np.ndarray:
        """max over records and peaks of |Δ_F^pred - Δ_F^real|, shape (widths, seeds)."""
        return np.abs(self.predicted - self.measured).max(axis=(2, 3))

    def gap_slope(self) -> tuple[float, float]:
        """Slope of log(mean gap over seeds) against log(width), and its standard error."""
        from scipy.stats import linregress

        fit = linregress(np.log(self.config.widths), np.log(self.gap().mean(axis=1)))
        return float(fit.slope), float(fit.stderr)

    def summary(self) -> list[str]:
        slope, se = self.gap_slope()
        lines = [f"width {m}: largest |Δ_F predicted - measured| {g:.4f} (mean over seeds); kernel rate λ(k)/n at k = "
                 f"{', '.join(f'{k:g}' for k in self.config.frequencies)}: "
                 f"{', '.join(f'{v:.3g}' for v in self.kernel_rate[i].mean(axis=0))}"
                 for i, (m, g) in enumerate(zip(self.config.widths, self.gap().mean(axis=1)))]
        return lines + [f"slope of log gap against log width {slope:.3f} ± {se:.3f} (lazy training: -1/2)"]

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        slope, se = self.gap_slope()
        return result_json(self, "ntk", seeds=(cfg.seed, cfg.seeds), widths=list(cfg.widths), frequencies=list(cfg.frequencies),
                           gap=self.gap().tolist(), gap_slope=slope, gap_slope_se=se, kernel_rate=self.kernel_rate.tolist(),
                           final_measured=self.measured[:, :, -1].tolist(), final_predicted=self.predicted[:, :, -1].tolist())


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import jax
    import jax.numpy as jnp

    x = periodic_grid(config.points)
    target = np.sum([a * np.sin(k * x) for k, a in zip(config.frequencies, config.amplitudes)], axis=0)
    modes = np.stack([np.sin(k * x) for k in config.frequencies])
    modes /= np.linalg.norm(modes, axis=1, keepdims=True)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate, optimizer="sgd", dtype="float64")
    keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(config.seed, config.seed + config.seeds, dtype=jnp.uint32))
    shape = (len(config.widths), config.seeds, config.steps // config.record_every + 1, len(config.frequencies))
    measured, predicted = np.zeros(shape), np.zeros(shape)
    kernel_rate = np.zeros((len(config.widths), config.seeds, len(config.frequencies)))
    seconds, total = 0.0, len(config.widths) * config.steps
    for i, m in enumerate(config.widths):
        model = TwoLayerNTK(m)

        def step_progress(done: int, _total: int, eta: float, i: int = i) -> None:
            if progress:
                progress(i * config.steps + done, total, eta)

        history = train(model.apply, model.init, x[:, None], target, keys=np.asarray(keys), spec=spec, eval_x=x[:, None],
                        eval_points=x, frequencies=np.asarray(config.frequencies), progress=step_progress if progress else None)
        seconds += history.seconds
        measured[i] = peak_errors(np.asarray(history.outputs) - target, x, target, config.frequencies)
        with jax.enable_x64(True):
            for s in range(config.seeds):
                params = model.init(key=keys[s], dtype=jnp.float64)
                kernel = empirical_ntk(model.apply, params, x)
                r0 = np.asarray(model.apply(params, jnp.asarray(x))) - target
                residuals = linearised_residuals(kernel, r0, config.learning_rate, history.steps)
                predicted[i, s] = peak_errors(residuals, x, target, config.frequencies)
                kernel_rate[i, s] = np.einsum("kn,nm,km->k", modes, kernel, modes) / config.points
    return Result(config, history.steps, measured, predicted, kernel_rate, seconds)


def figure(result: Result) -> Any:
    """Δ_F against the step, measured (solid) and predicted (dotted), at the largest width (seed 0); the gap against
    the width."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for j, k in enumerate(result.config.frequencies):
        ax1.semilogy(result.steps, result.measured[-1, 0, :, j], color=f"C{j}", label=f"k = {k:g}")
        ax1.semilogy(result.steps, result.predicted[-1, 0, :, j], ":", color=f"C{j}")
    ax1.set_xlabel("step")
    ax1.set_ylabel("Δ_F (dotted: NTK prediction)")
    ax1.set_title(f"width {result.config.widths[-1]}, gradient descent")
    ax1.legend(fontsize=8)
    widths = np.asarray(result.config.widths)
    ax2.loglog(widths, result.gap(), "o", color="C0", alpha=0.5)
    ax2.loglog(widths, result.gap().mean(axis=1), "-", color="C0", label="mean over seeds")
    ax2.loglog(widths, result.gap().mean(axis=1)[0] * (widths / widths[0]) ** -0.5, ":", color="k", label="m^(-1/2)")
    ax2.set_xlabel("width m")
    ax2.set_ylabel("largest |Δ_F predicted - measured|")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot(result: Result, path: str | Path) -> Path:
    return save_figure_atomic(figure(result), path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "ntk.png", steps=result.steps, measured=result.measured,
                        predicted=result.predicted, kernel_rate=result.kernel_rate)
