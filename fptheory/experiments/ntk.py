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
-1/2, the network moving O(m^{-1/2}) from its linearisation); and per peak the rate at which Δ_F falls, predicted
and measured: 1/t_e, t_e the first step where Δ_F has fallen by e (where it never does within the run,
-ln(Δ_F(T)/Δ_F(0))/T). A rate over the whole run would misread k = 1, whose Δ_F falls to 1e-3 within a few hundred
steps and then stays, as the other modes' residual leaks into it. (The Rayleigh quotient e_kᵀΘe_k/n of a Fourier mode is no rate here:
on [-π, π) the kernel is not translation invariant, sin 5x mixes fast and slow eigendirections, and the slow ones
set its decay.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory.experiments._common import plot_from, result_json, write_result
from fptheory.spectral._dft import periodic_grid
from fptheory.symbolic._ntk import relu_ntk
from fptheory.train._loop import TrainSpec, train
from fptheory.train._ntk import empirical_ntk, linearised_residuals

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "TwoLayerNTK", "peak_errors", "circle",
           "circle_eigenvalues"]


@dataclass(frozen=True)
class TwoLayerNTK:
    """h(x) = m^{-1/2} Σ_j a_j σ(w_j·x + b_j), a_j, w_j ∈ R^d, b_j ~ N(0, 1) (the NTK parametrisation); σ = tanh or
    relu."""

    m: int
    activation: str = "tanh"
    d: int = 1

    def init(self, *, key: Any, dtype: Any) -> dict[str, Any]:
        import jax

        ka, kw, kb = jax.random.split(key, 3)
        return {"a": jax.random.normal(ka, (self.m,), dtype), "w": jax.random.normal(kw, (self.d, self.m), dtype),
                "b": jax.random.normal(kb, (self.m,), dtype)}

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        import jax
        import jax.numpy as jnp

        sigma = jnp.tanh if self.activation == "tanh" else jax.nn.relu
        return sigma(jnp.reshape(x, (-1, self.d)) @ params["w"] + params["b"]) @ params["a"] / math.sqrt(self.m)


def circle(points: int) -> np.ndarray:
    """``points`` equally spaced points (cos t, sin t) of the unit circle, shape (points, 2)."""
    t = 2 * math.pi * np.arange(points) / points
    return np.column_stack([np.cos(t), np.sin(t)])


def circle_eigenvalues(points: int) -> np.ndarray:
    """The ReLU NTK's eigenvalues on the unit circle, μ_k = (1/N) Σ_j Θ(x_0, x_j) e^{-ik t_j} for k = 0 … N/2: Θ
    depends on t - t' only, so its Gram matrix on N equally spaced points is circulant, with eigenvalues N μ_k;
    μ_k → (1/2π) ∫ Θ(Δ) e^{-ikΔ} dΔ, the kernel operator's eigenvalues under the uniform measure."""
    from fptheory.symbolic._ntk import relu_ntk

    x = circle(points)
    return np.real(np.fft.rfft(relu_ntk(x[:1], x)[0])) / points


@dataclass(frozen=True)
class Config:
    widths: tuple[int, ...] = (64, 256, 1024, 4096)
    frequencies: tuple[float, ...] = (1.0, 3.0, 5.0)
    amplitudes: tuple[float, ...] = (1.0, 1.0, 1.0)
    points: int = 64
    learning_rate: float = 0.5
    steps: int = 4000
    record_every: int = 100
    relu_widths: tuple[int, ...] = (256, 1024, 4096, 16384)
    relu_points: int = 64
    eigen_points: int = 4096
    eigen_window: tuple[int, int] = (8, 256)
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        if len(self.relu_widths) < 3 or list(self.relu_widths) != sorted(set(self.relu_widths)) or any(
                isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 2**20 for m in self.relu_widths):
            raise InputError(f"relu_widths must hold at least 3 increasing integers in [1, 2^20] (width >= 1); got "
                             f"{self.relu_widths!r}")
        if isinstance(self.relu_points, bool) or not isinstance(self.relu_points, int) or not 4 <= self.relu_points <= 4000:
            raise InputError(f"relu_points must be an integer in [4, 4000]; got {self.relu_points!r}")
        lo, hi = self.eigen_window
        if isinstance(self.eigen_points, bool) or not isinstance(self.eigen_points, int) or not (
                64 <= self.eigen_points <= 2**20 and 1 <= lo < hi <= self.eigen_points // 8):
            raise InputError(f"eigen_window must satisfy 1 <= low < high <= eigen_points/8 with eigen_points in [64, 2^20]; "
                             f"got {self.eigen_window!r} with {self.eigen_points!r}")
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
        return Config(widths=(32, 128, 512), points=32, steps=1000, record_every=50, relu_widths=(256, 1024, 4096),
                      relu_points=32, eigen_points=1024, eigen_window=(8, 64), seed=seed, seeds=seeds or 2)
    return Config(seed=seed, seeds=seeds or 4)


def peak_errors(residuals: np.ndarray, x: np.ndarray, target: np.ndarray, frequencies: tuple[float, ...]) -> np.ndarray:
    """Δ_F(k, t) = |r̂_t(k)|/|f̂(k)| with ĝ(k) = (1/n) Σ_j g(x_j) e^{-ikx_j}. Shapes: residuals (..., n) -> (..., K)."""
    basis = np.exp(-1j * np.outer(x, frequencies)) / x.size  # (n, K)
    return np.abs(residuals @ basis) / np.abs(target @ basis)


def _rates(errors: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Result.rates for one array of Δ_F, shape (..., records, K) -> (..., K)."""
    ratio = errors / errors[..., :1, :]
    fallen = ratio <= math.exp(-1)
    first = np.argmax(fallen, axis=-2)  # the first record below 1/e (0 where none is)
    reached = fallen.any(axis=-2)
    span = float(steps[-1])
    return np.where(reached, 1.0 / np.maximum(steps[first], 1), -np.log(ratio[..., -1, :]) / span)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    measured: np.ndarray  # (widths, seeds, records, K): Δ_F from the real runs
    predicted: np.ndarray  # (widths, seeds, records, K): Δ_F from the linearisation
    relu_gap: np.ndarray  # (relu widths, seeds): ‖Θ_empirical - Θ_analytic‖_F / ‖Θ_analytic‖_F on the circle
    eigenvalues: np.ndarray  # (eigen_points/2 + 1,): the analytic ReLU NTK's μ_k on the circle
    seconds: float
    notes: list[str] = field(default_factory=list)

    def relu_gap_slope(self) -> tuple[float, float]:
        """Slope of log(mean relu gap over seeds) against log(width), and its standard error."""
        from scipy.stats import linregress

        fit = linregress(np.log(self.config.relu_widths), np.log(self.relu_gap.mean(axis=1)))
        return float(fit.slope), float(fit.stderr)

    def eigen_slope(self) -> tuple[float, float]:
        """Slope of log μ_k against log k over k in eigen_window, and its standard error."""
        from scipy.stats import linregress

        lo, hi = self.config.eigen_window
        k = np.arange(lo, hi + 1)
        fit = linregress(np.log(k), np.log(self.eigenvalues[lo : hi + 1]))
        return float(fit.slope), float(fit.stderr)

    def rates(self) -> tuple[np.ndarray, np.ndarray]:
        """Per width, seed and peak, the rate at which Δ_F falls, predicted and measured, each shape (widths, seeds, K):
        1/t_e with t_e the first recorded step where Δ_F ≤ Δ_F(0)/e; where it never falls that far within the run,
        -ln(Δ_F(T)/Δ_F(0))/T (T the last step), which is then below 1/T."""
        return _rates(self.predicted, self.steps), _rates(self.measured, self.steps)

    def gap(self) -> np.ndarray:
        """max over records and peaks of |Δ_F^pred - Δ_F^real|, shape (widths, seeds)."""
        return np.abs(self.predicted - self.measured).max(axis=(2, 3))

    def gap_slope(self) -> tuple[float, float]:
        """Slope of log(mean gap over seeds) against log(width), and its standard error."""
        from scipy.stats import linregress

        fit = linregress(np.log(self.config.widths), np.log(self.gap().mean(axis=1)))
        return float(fit.slope), float(fit.stderr)

    def gap_law_fits(self) -> dict[str, float]:
        """The two laws the gap's decay in width could follow, each fitted with its slope fixed: log(gap) = a + s
        log(width), s = -1/2 (lazy training's bound, Lee et al. 2019, Sec. 2.4) and s = -1 (the O(1/width) drift of
        finite-width corrections, Dyer and Gur-Ari 2020, arXiv:1909.11304), the intercept a by least squares.

        Returns:
            ``{"-1/2": rss, "-1": rss}``: each law's residual sum of squares in log(gap) (one free parameter each,
            so the smaller fits better).
        """
        x, y = np.log(self.config.widths), np.log(self.gap().mean(axis=1))
        return {name: float(np.sum((y - s * x - np.mean(y - s * x)) ** 2)) for name, s in (("-1/2", -0.5), ("-1", -1.0))}

    def summary(self) -> list[str]:
        slope, se = self.gap_slope()
        predicted, measured = (r.mean(axis=1) for r in self.rates())
        ks = ", ".join(f"{k:g}" for k in self.config.frequencies)
        lines = [f"width {m}: largest |Δ_F predicted - measured| {g:.4f} (mean over seeds); rate per step at k = {ks}: "
                 f"predicted {', '.join(f'{v:.3g}' for v in predicted[i])}, measured {', '.join(f'{v:.3g}' for v in measured[i])}"
                 for i, (m, g) in enumerate(zip(self.config.widths, self.gap().mean(axis=1)))]
        relu_slope, relu_se = self.relu_gap_slope()
        eigen, eigen_se = self.eigen_slope()
        return lines + [f"slope of log gap against log width {slope:.3f} ± {se:.3f} (lazy training: -1/2)",
                        "ReLU NTK, empirical against analytic on the circle: relative gap "
                        + ", ".join(f"{g:.4f}" for g in self.relu_gap.mean(axis=1))
                        + f" at widths {list(self.config.relu_widths)} (slope {relu_slope:.3f} ± {relu_se:.3f})",
                        f"ReLU NTK eigenvalues on the circle: μ_k ~ k^p with p = {eigen:.3f} ± {eigen_se:.3f} over k in "
                        f"{list(self.config.eigen_window)}"]

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        slope, se = self.gap_slope()
        predicted_rate, measured_rate = self.rates()
        eigen_slope, eigen_se = self.eigen_slope()
        return result_json(self, "ntk", seeds=(cfg.seed, cfg.seeds), widths=list(cfg.widths), frequencies=list(cfg.frequencies),
                           gap=self.gap().tolist(), gap_slope=slope, gap_slope_se=se,
                           predicted_rate=predicted_rate.tolist(), measured_rate=measured_rate.tolist(),
                           final_measured=self.measured[:, :, -1].tolist(), final_predicted=self.predicted[:, :, -1].tolist(),
                           relu_widths=list(cfg.relu_widths), relu_gap=self.relu_gap.tolist(),
                           relu_gap_slope=self.relu_gap_slope()[0], eigen_slope=eigen_slope,
                           eigen_slope_se=eigen_se, eigenvalues_head=self.eigenvalues[:9].tolist())


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import jax
    import jax.numpy as jnp

    x = periodic_grid(config.points)
    target = np.sum([a * np.sin(k * x) for k, a in zip(config.frequencies, config.amplitudes)], axis=0)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate, optimizer="sgd", dtype="float64")
    keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(config.seed, config.seed + config.seeds, dtype=jnp.uint32))
    shape = (len(config.widths), config.seeds, config.steps // config.record_every + 1, len(config.frequencies))
    measured, predicted = np.zeros(shape), np.zeros(shape)
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
    relu_gap = np.zeros((len(config.relu_widths), config.seeds))
    points = circle(config.relu_points)
    analytic = relu_ntk(points, points)
    with jax.enable_x64(True):
        for i, m in enumerate(config.relu_widths):
            relu_model = TwoLayerNTK(m, "relu", 2)
            for s in range(config.seeds):
                params = relu_model.init(key=keys[s], dtype=jnp.float64)
                empirical = empirical_ntk(relu_model.apply, params, points)
                relu_gap[i, s] = np.linalg.norm(empirical - analytic) / np.linalg.norm(analytic)
    return Result(config, history.steps, measured, predicted, relu_gap,
                  circle_eigenvalues(config.eigen_points), seconds)


def figure(result: Result) -> Any:
    """Δ_F against the step, measured (solid) and predicted (dotted), at the largest width (seed 0); the gap against
    the width."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(14, 4))
    ax1, ax2, ax3 = fig.subplots(1, 3)
    for j, k in enumerate(result.config.frequencies):
        ax1.semilogy(result.steps, result.measured[-1, 0, :, j], color=f"C{j}", label=f"k = {k:g}")
        ax1.semilogy(result.steps, result.predicted[-1, 0, :, j], ":", color=f"C{j}")
    ax1.set_xlabel("step")
    ax1.set_ylabel("Δ_F (dotted: NTK prediction)")
    ax1.set_title(f"width {result.config.widths[-1]}, gradient descent")
    ax1.legend(fontsize=8)
    widths = np.asarray(result.config.widths)
    ax2.loglog(widths, result.gap(), "o", color="C0", alpha=0.5)
    ax2.loglog(widths, result.gap().mean(axis=1), "-", color="C0", label="tanh: largest |Δ_F pred. - meas.| (mean)")
    ax2.loglog(widths, result.gap().mean(axis=1)[0] * (widths / widths[0]) ** -0.5, ":", color="k", label="m^(-1/2)")
    ax2.set_xlabel("width m")
    ax2.set_ylabel("gap to the kernel's prediction")
    ax2.loglog(np.asarray(result.config.relu_widths), result.relu_gap.mean(axis=1), "s-", color="C3",
               label="ReLU: ‖Θ_empirical - Θ‖/‖Θ‖ (mean)")
    ax2.legend(fontsize=8)
    degrees = np.arange(1, result.eigenvalues.size)
    ax3.loglog(degrees, result.eigenvalues[1:], color="C3", label="analytic ReLU NTK on the circle")
    power, _ = result.eigen_slope()
    lo = result.config.eigen_window[0]
    ax3.loglog(degrees, result.eigenvalues[lo] * (degrees / lo) ** power, ":", color="k", label=f"k^{power:.2f} (fit)")
    ax3.set_xlabel("k")
    ax3.set_ylabel("eigenvalue μ_k")
    ax3.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "ntk.png", steps=result.steps, measured=result.measured,
                        predicted=result.predicted, relu_gap=result.relu_gap,
                        eigenvalues=result.eigenvalues)
