"""The Linear Frequency Principle held against training (Zhang, Xu, Luo, Ma 2019, arXiv:1905.10264): a wide two-layer
ReLU network's error at frequency ξ falls at the rate γ²(ξ)∫ρ² that its initial parameters set, γ² derived by sympy
(:mod:`fptheory.symbolic._lfp`).

Setting: h(x) = m^{-1/2} Σ_j a_j ReLU(w_j x + b_j) (the NTK parametrisation) with w ~ N(0, 1), a ~ N(0, ``scale_a``²)
and b uniform on [-``bias_range``, ``bias_range``], drawn in pairs (a, w, b), (-a, w, b) so that h = 0 at
initialisation and the residual starts at -f exactly; trained by full-batch gradient descent in float64 on
½ mean (h - f)² at ``points`` data points, the quantiles of N(0, σ²) (σ = ``sigma``), once for each target
f_k(x) = cos(2πξ_k x + φ_k), ξ_k = ``frequencies``/σ, random phases (one frequency per run, all runs of a width in
one vmapped loop: with every mode in one target, the kernel's coupling between modes moves each mode's fitted
amplitude by as much as the slow modes' own decay). Learning rate: ``rate_fraction`` / the largest eigenvalue of Θ/n
at initialisation (the largest over the seeds).

Per width and seed, at each frequency:

* predicted: η γ²(ξ)∫ρ² per step, from the initial parameters (:func:`fptheory.symbolic._lfp.gaussian_data_rate`),
  and the form that leaves out the w-gradient (Zhang et al.'s constants);
* kernel: η vᵀΘv/(n vᵀv), the empirical NTK's Rayleigh quotient of the cosine and the sine of frequency ξ (their
  mean), with the kernel's polynomial part (degree ≤ 3) projected out: the linearised rate the LFP approximates;
* measured: the residual r_t = h_t - f_k on the data is fitted by least squares on the cosines and sines of every
  ξ and the polynomials of degree ≤ 3, giving the amplitude A_k(t) at ξ_k; the rate is minus the slope of ln A_k(t)
  against t over the records before A_k has fallen by e^{-1/2} (all records where it never does). The run is short
  (``steps``: the lowest frequency falls by about 5%): the LFP predicts the initial rate, and later the slow
  eigendirections within a frequency's band set the decay while the network drifts from its linearisation
  (at width 4096 over 2000 steps, measured / predicted fell to 0.75-0.94; over 400 steps it is 0.85-1.11).

The exponent: the slope of ln(rate) against ln ξ, measured and predicted (scipy.stats.linregress, 95% interval).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory.experiments._common import divergence_notes, plot_from, result_json, write_result
from fptheory.train._loop import TrainSpec, train

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "PairedReLU", "amplitudes", "initial_rate",
           "exponent"]


@dataclass(frozen=True)
class PairedReLU:
    """h(x) = m^{-1/2} Σ_j a_j ReLU(w_j x + b_j), m even, neurons m/2 + j copying neuron j with a → -a (h = 0 at
    initialisation); w ~ N(0, 1), a ~ N(0, scale_a²), b ~ U[-bias_range, bias_range]."""

    m: int
    scale_a: float
    bias_range: float

    def init(self, *, key: Any, dtype: Any) -> dict[str, Any]:
        import jax
        import jax.numpy as jnp

        ka, kw, kb = jax.random.split(key, 3)
        half = self.m // 2
        a = self.scale_a * jax.random.normal(ka, (half,), dtype)
        w = jax.random.normal(kw, (half,), dtype)
        b = jax.random.uniform(kb, (half,), dtype, -self.bias_range, self.bias_range)
        return {"a": jnp.concatenate([a, -a]), "w": jnp.concatenate([w, w]), "b": jnp.concatenate([b, b])}

    def apply(self, params: dict[str, Any], x: Any) -> Any:
        import jax
        import jax.numpy as jnp

        hidden = jax.nn.relu(jnp.reshape(x, (-1, 1)) * params["w"] + params["b"])
        return hidden @ params["a"] / math.sqrt(self.m)


@dataclass(frozen=True)
class Config:
    widths: tuple[int, ...] = (1024, 4096, 8192)
    scale_a: float = 1.0
    bias_range: float = 6.0
    sigma: float = 1.0
    points: int = 1000
    frequencies: tuple[float, ...] = (0.75, 1.0, 1.5, 2.0, 3.0)
    steps: int = 400
    record_every: int = 10
    rate_fraction: float = 0.5
    seed: int = 0
    seeds: int = 3

    def __post_init__(self) -> None:
        if not self.widths or any(isinstance(m, bool) or not isinstance(m, int) or not 2 <= m <= 65536 or m % 2
                                  for m in self.widths):
            raise InputError(f"widths must be even integers in [2, 65536] (neurons come in pairs); got {self.widths!r}")
        for name in ("scale_a", "sigma"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 < value <= 100):
                raise InputError(f"{name} must be a finite number in (0, 100]; got {value!r}")
        if not (math.isfinite(self.bias_range) and self.bias_range >= 4 * self.sigma):
            raise InputError(f"bias_range must be at least 4 sigma (the kinks then cover the data evenly); got "
                             f"{self.bias_range!r}")
        if isinstance(self.points, bool) or not isinstance(self.points, int) or not 64 <= self.points <= 4000:
            raise InputError(f"points must be an integer in [64, 4000]; got {self.points!r}")
        if len(self.frequencies) < 3 or any(not (math.isfinite(f) and 0.75 <= f <= 4) for f in self.frequencies) \
                or len(set(self.frequencies)) != len(self.frequencies):
            raise InputError(f"frequencies must be at least 3 distinct numbers ξσ in [0.75, 4] (below, the kernel's "
                             f"polynomial part leaks in; above, the data points alias); got {self.frequencies!r}")
        if not (math.isfinite(self.rate_fraction) and 0 < self.rate_fraction < 2):
            raise InputError(f"rate_fraction must be in (0, 2) (gradient descent is stable below 2); got "
                             f"{self.rate_fraction!r}")
        TrainSpec(self.steps, self.record_every, 1.0)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:  # the claim is decided at the largest width; 400 points move its ratios by 0.01 from 800's
        return Config(widths=(4096,), points=400, seed=seed, seeds=seeds or 2)
    return Config(seed=seed, seeds=seeds or 3)


def _basis(x: np.ndarray, xis: np.ndarray) -> np.ndarray:
    """Columns: cos and sin of 2πξx for each ξ, then 1, x, x², x³ (scaled), shape (n, 2K + 4)."""
    waves = [f(2 * math.pi * xi * x) for xi in xis for f in (np.cos, np.sin)]
    scale = np.max(np.abs(x))
    return np.column_stack(waves + [(x / scale) ** p for p in range(4)])


def amplitudes(residuals: np.ndarray, x: np.ndarray, xis: np.ndarray) -> np.ndarray:
    """A_k = |(c_cos, c_sin)| of the least-squares fit of each residual (rows, shape (R, n)) on :func:`_basis`;
    shape (R, K)."""
    coef, *_ = np.linalg.lstsq(_basis(x, xis), np.asarray(residuals, dtype=np.float64).T, rcond=None)
    pairs = coef[: 2 * len(xis)].T.reshape(len(residuals), len(xis), 2)
    return np.sqrt(np.sum(pairs**2, axis=-1))


def initial_rate(steps: np.ndarray, amplitude: np.ndarray, drop: float = 0.5) -> float:
    """Minus the slope of ln A against the step over the records before ln A has fallen by ``drop`` (every record
    where it never does; at least 3)."""
    from scipy.stats import linregress

    logs = np.log(amplitude)
    fallen = np.nonzero(logs[0] - logs >= drop)[0]
    end = max(3, int(fallen[0]) + 1) if fallen.size else logs.size
    return float(-linregress(steps[:end], logs[:end]).slope)


def exponent(xis: np.ndarray, rates: np.ndarray) -> tuple[float, float]:
    """Slope of ln(rate) against ln ξ and its 95% half-width (t quantile × standard error)."""
    from scipy.stats import linregress
    from scipy.stats import t as student

    fit = linregress(np.log(xis), np.log(rates))
    return float(fit.slope), float(student.ppf(0.975, len(xis) - 2) * fit.stderr)


def _kernel_rates(kernel: np.ndarray, x: np.ndarray, xis: np.ndarray) -> np.ndarray:
    """The mean over cos and sin of vᵀΘv/(n vᵀv) at each ξ, v with the polynomials of degree ≤ 3 projected out."""
    q, _ = np.linalg.qr(_basis(x, np.zeros(0)))
    out = []
    for xi in xis:
        values = []
        for f in (np.cos, np.sin):
            v = f(2 * math.pi * xi * x)
            v = v - q @ (q.T @ v)
            values.append(float(v @ kernel @ v / (x.size * (v @ v))))
        out.append(np.mean(values))
    return np.array(out)


@dataclass
class Result:
    config: Config
    xis: np.ndarray  # (K,) the frequencies ξ_k = frequencies/σ
    learning_rates: np.ndarray  # (widths,)
    steps: np.ndarray  # (R,)
    amplitude: np.ndarray  # (widths, seeds, R, K): A_k(t)
    measured: np.ndarray  # (widths, seeds, K): rates per step
    predicted: np.ndarray  # (widths, seeds, K): η γ²(ξ)∫ρ²
    predicted_without_w: np.ndarray  # (widths, seeds, K): Zhang et al.'s constants
    kernel: np.ndarray  # (widths, seeds, K): η × the kernel's Rayleigh quotients
    diverged_at: list[int | None]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def ratios(self) -> np.ndarray:
        """measured / predicted, shape (widths, seeds, K)."""
        return self.measured / self.predicted

    def exponents(self, which: str = "measured") -> np.ndarray:
        """(slope, half-width) of ln(rate) against ln ξ per width and seed, shape (widths, seeds, 2)."""
        rates = getattr(self, which)
        return np.array([[exponent(self.xis, rates[i, s]) for s in range(rates.shape[1])] for i in range(rates.shape[0])])

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(self, "lfp", seeds=(cfg.seed, cfg.seeds), xi=self.xis, widths=list(cfg.widths),
                           learning_rate=self.learning_rates, record_steps=self.steps, measured_rate=self.measured,
                           predicted_rate=self.predicted, predicted_rate_without_w=self.predicted_without_w,
                           kernel_rate=self.kernel, ratio=self.ratios(),
                           exponent_measured=self.exponents("measured"), exponent_predicted=self.exponents("predicted"),
                           exponent_kernel=self.exponents("kernel"), diverged_at=self.diverged_at)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import time

    import jax
    import jax.numpy as jnp
    from scipy.stats import norm

    from fptheory.symbolic._lfp import gaussian_data_rate
    from fptheory.train._ntk import empirical_ntk

    start = time.perf_counter()
    n, xis = config.points, np.asarray(config.frequencies) / config.sigma
    x = config.sigma * norm.ppf((np.arange(n) + 0.5) / n)
    phases = np.random.default_rng([config.seed, 17]).uniform(0, 2 * math.pi, xis.size)
    modes = np.stack([np.cos(2 * math.pi * xi * x + p) for xi, p in zip(xis, phases)])  # one target per frequency
    keys = jax.vmap(jax.random.PRNGKey)(jnp.arange(config.seed, config.seed + config.seeds, dtype=jnp.uint32))
    shape = (len(config.widths), config.seeds, xis.size)
    measured, predicted, without_w, kernel_rates = (np.zeros(shape) for _ in range(4))
    records = config.steps // config.record_every + 1
    amplitude = np.zeros((len(config.widths), config.seeds, records, xis.size))
    etas, diverged, notes = np.zeros(len(config.widths)), [], []
    total = len(config.widths) * config.steps
    steps = np.arange(records) * config.record_every
    for i, m in enumerate(config.widths):
        model = PairedReLU(m, config.scale_a, config.bias_range)
        with jax.enable_x64(True):
            params = [jax.tree_util.tree_map(np.asarray, model.init(key=keys[s], dtype=jnp.float64)) for s in range(config.seeds)]
            kernels = [empirical_ntk(model.apply, p, x) for p in params]
        largest = max(float(np.linalg.eigvalsh(kernel / n)[-1]) for kernel in kernels)
        etas[i] = eta = config.rate_fraction / largest
        for s, (p, kernel) in enumerate(zip(params, kernels)):
            predicted[i, s] = eta * gaussian_data_rate(p["w"], p["a"], xis, bias_density=1 / (2 * config.bias_range),
                                                       sigma=config.sigma)
            without_w[i, s] = eta * gaussian_data_rate(p["w"], p["a"], xis, bias_density=1 / (2 * config.bias_range),
                                                       sigma=config.sigma, include_w=False)
            kernel_rates[i, s] = eta * _kernel_rates(kernel, x, xis)

        def step_progress(done: int, _total: int, left: float, i: int = i) -> None:
            if progress:
                progress(i * config.steps + done, total, left)

        spec = TrainSpec(config.steps, config.record_every, eta, optimizer="sgd", dtype="float64")
        runs = np.repeat(np.asarray(keys), xis.size, axis=0)  # run s·K + k: seed s, target mode k
        history = train(model.apply, model.init, x[:, None], np.tile(modes, (config.seeds, 1)), keys=runs, spec=spec,
                        eval_x=x[:, None], eval_points=x, frequencies=xis, targets_per_run=True,
                        progress=step_progress if progress else None)
        diverged.append(history.diverged_at)
        notes += [f"width {m}: {note}" for note in divergence_notes(history)]
        outputs = np.asarray(history.outputs, dtype=np.float64)
        recorded = outputs.shape[1]
        for s in range(config.seeds):
            for k in range(xis.size):
                run_index = s * xis.size + k
                amplitude[i, s, :recorded, k] = amplitudes(outputs[run_index] - modes[k], x, xis)[:, k]
                measured[i, s, k] = initial_rate(steps[:recorded], amplitude[i, s, :recorded, k])
    return Result(config, xis, etas, steps, amplitude, measured, predicted, without_w, kernel_rates, diverged,
                  time.perf_counter() - start, notes)


def figure(result: Result) -> Any:
    """Left: A_k(t)/A_k(0) at the largest width (seed 0) with the predicted e^{-λt} dotted; right: the rates against
    ξ, measured (points, every seed), the LFP's (line) and without the w-gradient (dashed), at the largest width."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for k, xi in enumerate(result.xis):
        curve = result.amplitude[-1, 0, :, k]
        ax1.semilogy(result.steps, curve / curve[0], color=f"C{k}", label=f"ξ = {xi:.3g}")
        ax1.semilogy(result.steps, np.exp(-result.predicted[-1, 0, k] * result.steps), ":", color=f"C{k}")
    ax1.set_xlabel("step")
    ax1.set_ylabel("A_k(t) / A_k(0) (dotted: LFP)")
    ax1.set_title(f"width {result.config.widths[-1]}, seed {result.config.seed}")
    ax1.legend(fontsize=8)
    for s in range(result.config.seeds):
        ax2.loglog(result.xis, result.measured[-1, s], "o", color="C0", alpha=0.6, label="measured" if s == 0 else None)
    ax2.loglog(result.xis, result.predicted[-1].mean(axis=0), "-", color="C1", label="LFP, γ² with the w-gradient")
    ax2.loglog(result.xis, result.predicted_without_w[-1].mean(axis=0), "--", color="C2", label="without the w-gradient")
    ax2.loglog(result.xis, result.kernel[-1].mean(axis=0), ":", color="k", label="empirical NTK quotient")
    ax2.set_xlabel("ξ")
    ax2.set_ylabel("rate per step")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "lfp.png", steps=result.steps, xi=result.xis, amplitude=result.amplitude,
                        measured=result.measured, predicted=result.predicted, kernel=result.kernel)
