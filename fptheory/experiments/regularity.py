"""Activation regularity sets how fast the loss decays in frequency (Luo, Ma, Xu, Zhang 2019, *Theory of the frequency
principle for general deep neural networks*, arXiv:1906.09235; Xu et al. 2020, arXiv:1901.06523, Sec. 6): the share
of the loss above a frequency η falls with η at a rate fixed by the activation's transform — exponentially for tanh
(analytic), as a power for ReLU² (C¹) and, more slowly, for ReLU (C⁰).

Setting: two-layer networks h(x) = Σ_j a_j σ(w_j x + b_j) + c of width ``width`` (:class:`fptheory.train.MLP`),
σ ∈ ``activations``, trained with MSE (Adam, full batch) on ``samples`` points x ~ N(0, 1) of f(x) = sin 2x + ½ sin 5x.
Initialisation: MLP's (LeCun normal, He for ReLU), except that each first-layer bias is b_j = -u_j w_j with u_j
uniform on [-``spread``, ``spread``], so that neuron j's kink (or centre) x = u_j lies in the data's bulk. With MLP's
zero biases every kink starts at x = 0 and, after training, they sit in a cluster about 0.1 wide, whose kinks add
coherently up to ξ ~ 2π/(their spacing) ~ 10⁴: the power law is then reached only beyond any window a grid
resolves (fitted powers 0.2-0.7 steeper at width 1000), and the fit to f is poor (loss 0.04 against 1e-7).

Measure, at every record: the population loss L = E_{x~N(0,1)}[(h - f)²] = ∫ e(x)² dx with e = (h - f)√p (p the
input density), and by Parseval L = (1/2π) ∫ |ê(ξ)|² dξ. The share of the loss above η,

    S(η) = ∫_{|ξ|>η} |ê|² dξ / ∫ |ê|² dξ,

is computed from ê on a uniform grid of ``grid_points`` points of [-``half_width``, ``half_width``] (√p < 1e-15 of
its peak beyond; the network evaluated in float64 with NumPy from the recorded parameters, so float32 roundoff
adds no floor) by the FFT.

Prediction, from the transform the symbolic layer derives (:func:`fptheory.symbolic.decay_law`): neuron j
contributes a_j/|w_j| σ̂(ξ/w_j) e^{iξ b_j/w_j}, so

* |σ̂(k)| ~ |k|^p (ReLU p = -2, ReLU² p = -3): |ê|² ~ ξ^{2p} and S(η) ~ η^{2p+1}: powers -3 and -5;
* |σ̂(k)| ~ e^{-c|k|} (tanh c = π/2): |ê|² ~ e^{-2cξ/|w_j|}, slowest for the largest |w_j|: S(η) ~ e^{-r η} with
  r → 2c/max_j |w_j| = π/max_j |w_j| as η grows (a finite window fits r a little above it).

Fits: the power, the slope of ln S against ln η over η in ``power_window`` (scipy.stats.linregress, with its standard
error); the rate, minus the slope of ln S against η over the η where S lies in ``rate_range``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory.experiments._common import divergence_notes, plot_from, result_json, seed_keys, write_result
from fptheory.numeric._mlp import mlp_values
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "loss_share",
           "predicted_law", "fit_power", "fit_rate", "spread_init", "ACTIVATIONS"]

#: The activations this experiment compares: the smooth, the C¹ and the C⁰ one.
ACTIVATIONS = ("tanh", "relu2", "relu")


@dataclass(frozen=True)
class Config:
    activations: tuple[str, ...] = ACTIVATIONS
    width: int = 1000
    samples: int = 400
    learning_rate: float = 1e-3
    steps: int = 20000
    records: int = 5
    spread: float = 3.0
    half_width: float = 12.0
    grid_points: int = 2**19
    power_window: tuple[float, float] = (100.0, 10000.0)
    rate_range: tuple[float, float] = (1e-20, 1e-4)
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        unknown = [a for a in self.activations if a not in ACTIVATIONS]
        if unknown or not self.activations:
            raise InputError(f"activations must be a non-empty subset of {', '.join(ACTIVATIONS)}; got {self.activations!r}")
        if isinstance(self.width, bool) or not isinstance(self.width, int) or not 1 <= self.width <= 100_000:
            raise InputError(f"width must be an integer in [1, 100000]; got {self.width!r}")
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or self.samples < 8:
            raise InputError(f"samples must be an integer >= 8; got {self.samples!r}")
        if isinstance(self.records, bool) or not isinstance(self.records, int) or not 1 <= self.records <= self.steps:
            raise InputError(f"records must be an integer in [1, steps]; got {self.records!r}")
        if not (math.isfinite(self.spread) and 0 < self.spread <= 10):
            raise InputError(f"spread must be a finite number in (0, 10] (the kinks' range at initialisation); got {self.spread!r}")
        if not (math.isfinite(self.half_width) and self.half_width >= 10):
            raise InputError(f"half_width must be a finite number >= 10 (√p is then below 1e-10 at the ends); got "
                             f"{self.half_width!r}")
        if isinstance(self.grid_points, bool) or not isinstance(self.grid_points, int) or not 1024 <= self.grid_points <= 2**22:
            raise InputError(f"grid_points must be an integer in [1024, 2^22]; got {self.grid_points!r}")
        lo, hi = self.power_window
        nyquist = math.pi * self.grid_points / (2 * self.half_width)
        if not (0 < lo < hi <= nyquist / 4):
            raise InputError(f"power_window must satisfy 0 < low < high <= a quarter of the grid's Nyquist frequency "
                             f"({nyquist / 4:.4g}); got {self.power_window!r}")
        if not (0 < self.rate_range[0] < self.rate_range[1] < 1):
            raise InputError(f"rate_range must satisfy 0 < low < high < 1; got {self.rate_range!r}")
        TrainSpec(self.steps, self.steps // self.records, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(width=200, steps=5000, records=2, seed=seed, seeds=seeds or 2)  # the laws at start, middle, end
    return Config(seed=seed, seeds=seeds or 4)


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * x) + 0.5 * np.sin(5 * x)


def spread_init(model: MLP, spread: float) -> Callable[..., list[dict[str, Any]]]:
    """``model.init`` with the first layer's biases b_j = -u_j w_j, u_j uniform on [-spread, spread]: neuron j's kink
    (ReLU, ReLU²) or centre (tanh) at x = u_j."""
    import jax

    def init(*, key: Any, dtype: Any = None) -> list[dict[str, Any]]:
        import jax.numpy as jnp

        dtype = dtype or jnp.float32
        k_model, k_spread = jax.random.split(key)
        params = model.init(key=k_model, dtype=dtype)
        weights = params[0]["W"][0]
        u = jax.random.uniform(k_spread, weights.shape, dtype=dtype, minval=-spread, maxval=spread)
        return [{"W": params[0]["W"], "b": -u * weights}, *params[1:]]

    return init


def loss_share(error: np.ndarray, spacing: float, etas: np.ndarray) -> np.ndarray:
    """S(η) = ∫_{|ξ|>η} |ê|² dξ / ∫ |ê|² dξ from samples ``error`` of e(x) on a uniform grid of ``spacing``.

    The DFT gives |ê|² at ξ_q = 2πq/(N dx), each standing for the band [ξ_q - Δξ/2, ξ_q + Δξ/2] (the midpoint rule);
    the tail share is exact at the bands' lower edges and log-linear between them.

    Args:
        error: e on the grid, shape (N,), real.
        spacing: the grid's spacing dx.
        etas: the frequencies η ≥ 0, shape (E,).

    Returns:
        S at each η, shape (E,), in [0, 1] (0 beyond the grid's highest frequency).
    """
    power = np.abs(np.fft.rfft(error)) ** 2
    n = error.size
    power[1 : (n + 1) // 2] *= 2  # ±q, except q = 0 (the band [-Δξ/2, Δξ/2]) and, for even n, the Nyquist bin
    step = 2 * math.pi / (n * spacing)
    lower = np.concatenate([[0.0], (np.arange(1, power.size) - 0.5) * step, [(power.size - 0.5) * step]])
    above = np.concatenate([np.cumsum(power[::-1])[::-1], [0.0]])  # above[q] = Σ_{q' ≥ q}
    log_share = np.log(np.maximum(above / above[0], np.finfo(float).tiny))
    return np.where(etas < lower[-1], np.exp(np.interp(etas, lower, log_share)), 0.0)


def predicted_law(activation: str) -> tuple[str, float]:
    """("power", 2p + 1) for |σ̂| ~ |k|^p, or ("exponential", 2c) for |σ̂| ~ e^{-c|k|} (the share's rate is then
    2c / max|w|): read off the derived transform by :func:`fptheory.symbolic.decay_law`."""
    from fptheory.symbolic._activation import decay_law

    kind, value = decay_law(activation)
    return (kind, 2 * value + 1) if kind == "power" else (kind, 2 * value)


def fit_power(etas: np.ndarray, share: np.ndarray, window: tuple[float, float]) -> tuple[float | None, float | None]:
    """Slope of ln S against ln η over η in ``window`` and its standard error (None where fewer than 4 positive S)."""
    from scipy.stats import linregress

    sel = (etas >= window[0]) & (etas <= window[1]) & (share > 0)
    if sel.sum() < 4:
        return None, None
    fit = linregress(np.log(etas[sel]), np.log(share[sel]))
    return float(fit.slope), float(fit.stderr)


def fit_rate(etas: np.ndarray, share: np.ndarray, span: tuple[float, float]) -> tuple[float | None, float | None]:
    """Minus the slope of ln S against η where S lies in ``span``, and its standard error (None: fewer than 4 points)."""
    from scipy.stats import linregress

    sel = (share >= span[0]) & (share <= span[1])
    if sel.sum() < 4:
        return None, None
    fit = linregress(etas[sel], np.log(share[sel]))
    return float(-fit.slope), float(fit.stderr)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    etas: np.ndarray
    share: np.ndarray  # (activations, seeds, records, etas)
    power: np.ndarray  # (activations, seeds, records): fitted power (nan where none)
    power_se: np.ndarray
    rate: np.ndarray  # (activations, seeds, records): fitted exponential rate (nan where none)
    rate_se: np.ndarray
    largest_w: np.ndarray  # (activations, seeds, records): max_j |w_j|
    final_loss: np.ndarray  # (activations, seeds): the training loss at the end
    diverged_at: list[int | None]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def predicted(self) -> dict[str, tuple[str, float]]:
        return {a: predicted_law(a) for a in self.config.activations}

    def predicted_rate(self, i: int) -> np.ndarray:
        """The share's asymptotic rate 2c/max|w| of activation i (exponential ones), shape (seeds, records)."""
        return predicted_law(self.config.activations[i])[1] / self.largest_w[i]

    def share_at(self, eta: float) -> np.ndarray:
        """S(η) at the grid η nearest ``eta``, shape (activations, seeds, records)."""
        return self.share[..., int(np.argmin(np.abs(np.log(self.etas / eta))))]

    def summary(self) -> list[str]:
        lines = []
        for i, act in enumerate(self.config.activations):
            kind, value = predicted_law(act)
            if kind == "power":
                fitted = ", ".join(f"{v:.2f}" for v in self.power[i].ravel())
                lines.append(f"{act}: S(η) ~ η^p, predicted p = {value:g}; fitted over seeds and records {fitted}")
            else:
                ratio = ", ".join(f"{v:.2f}" for v in (self.rate[i] / self.predicted_rate(i)).ravel())
                lines.append(f"{act}: S(η) ~ e^(-rη), predicted r = {value:.4g}/max|w|; fitted / predicted {ratio}")
        return lines

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        acts = cfg.activations
        return result_json(self, "regularity", seeds=(cfg.seed, cfg.seeds), activations=list(acts),
                           predicted={a: {"law": k, "value": v} for a, (k, v) in self.predicted().items()},
                           power={a: self.power[i].tolist() for i, a in enumerate(acts)},
                           power_se={a: self.power_se[i].tolist() for i, a in enumerate(acts)},
                           rate={a: self.rate[i].tolist() for i, a in enumerate(acts)},
                           rate_se={a: self.rate_se[i].tolist() for i, a in enumerate(acts)},
                           predicted_rate={a: self.predicted_rate(i).tolist() for i, a in enumerate(acts)
                                           if predicted_law(a)[0] == "exponential"},
                           share_at_100={a: self.share_at(100.0)[i].tolist() for i, a in enumerate(acts)},
                           final_loss={a: self.final_loss[i].tolist() for i, a in enumerate(acts)},
                           record_steps=self.steps, diverged_at=self.diverged_at)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import jax

    x = np.sort(np.random.default_rng([config.seed, 11]).standard_normal(config.samples))
    grid = np.linspace(-config.half_width, config.half_width, config.grid_points, endpoint=False)
    spacing = float(grid[1] - grid[0])
    root_density = np.exp(-grid**2 / 4) / (2 * math.pi) ** 0.25
    etas = np.geomspace(1.0, config.power_window[1], 120)
    spec = TrainSpec(config.steps, config.steps // config.records, config.learning_rate)
    shape = (len(config.activations), config.seeds, config.records + 1)
    share = np.zeros((*shape, etas.size))
    power, power_se, rate, rate_se, largest_w = (np.full(shape, np.nan) for _ in range(5))
    final_loss, diverged, seconds, notes = np.zeros(shape[:2]), [], 0.0, []
    total = len(config.activations) * config.steps
    for i, act in enumerate(config.activations):
        model = MLP((1, config.width, 1), act)
        done = i * config.steps
        def step_progress(d: int, _total: int, eta: float, done: int = done) -> None:
            if progress:
                progress(done + d, total, eta)

        history = train(model.apply, spread_init(model, config.spread), x[:, None], target(x),
                        keys=seed_keys(config.seed, config.seeds), spec=spec, eval_x=x[:, None], eval_points=x,
                        frequencies=np.array([1.0]), record_params=True, progress=step_progress if progress else None)
        diverged.append(history.diverged_at)
        notes += [f"{act}: {n}" for n in divergence_notes(history)]
        seconds += history.seconds
        final_loss[i] = np.asarray(history.loss, dtype=float)[:, -1]
        for s in range(config.seeds):
            for r in range(history.steps.size):
                layers = jax.tree_util.tree_map(lambda leaf, s=s, r=r: np.asarray(leaf[s, r], dtype=np.float64), history.params)
                error = (mlp_values(layers, grid, act) - target(grid)) * root_density
                share[i, s, r] = loss_share(error, spacing, etas)
                largest_w[i, s, r] = float(np.max(np.abs(layers[0]["W"])))
                power[i, s, r], power_se[i, s, r] = fit_power(etas, share[i, s, r], config.power_window)
                rate[i, s, r], rate_se[i, s, r] = fit_rate(etas, share[i, s, r], config.rate_range)
    steps = np.arange(config.records + 1) * spec.record_every
    return Result(config, steps, etas, share, power, power_se, rate, rate_se, largest_w, final_loss, diverged, seconds, notes)


def figure(result: Result) -> Any:
    """S(η) at the last record for each activation (seed 0) with the predicted laws, and the fitted laws over training."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    etas = result.etas
    for i, act in enumerate(result.config.activations):
        shown = result.share[i, 0, -1]
        ax1.loglog(etas[shown > 0], shown[shown > 0], color=f"C{i}", label=act)
        kind, value = predicted_law(act)
        if kind == "power":
            anchor = np.argmin(np.abs(etas - result.config.power_window[0]))
            ax1.loglog(etas[anchor:], shown[anchor] * (etas[anchor:] / etas[anchor]) ** value, ":", color=f"C{i}",
                       label=f"η^{value:g} (predicted)")
            ax2.plot(result.steps, result.power[i].T, "o-", color=f"C{i}", ms=3)
            ax2.axhline(value, color=f"C{i}", lw=0.8, ls=":")
    ax1.set_ylim(1e-30, 2)
    ax1.set_xlabel("η")
    ax1.set_ylabel("share of the loss above η")
    ax1.set_title("last record, seed 0")
    ax1.legend(fontsize=8)
    ax2.set_xlabel("step")
    ax2.set_ylabel("fitted power of S(η) (dotted: predicted)")
    ax2.set_title("power laws over training (every seed)")
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "regularity.png", steps=result.steps, etas=result.etas, share=result.share,
                        power=result.power, rate=result.rate, largest_w=result.largest_w)
