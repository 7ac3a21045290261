"""Theory against training (Theorem 2's setting, docs/theory.md §3 and §5): a two-layer tanh network trained by
gradient descent on L = L(k1) + L(k2), L(k) = ½|ĥ(k) - f̂(k)|², from parameters uniform in B_δ.

Two comparisons, at initialisation and along training:

* the measured rate dL(k)/dt — central differences of the run's own L(k) records over ±1 step, divided by
  the learning rate (gradient descent is the Euler scheme of the flow, so they differ by O(η)) — against
  the prediction -∇L(k)·∇L from the derived gradients (:func:`fptheory.numeric._stable.loss_gradient`) at
  the recorded parameters;
* the ratio of per-neuron gradient norms |∇_j L(k2)| / |∇_j L(k1)| against Eq. 31's law
  A(k2)/A(k1) · e^{-π(k2-k1)/(2|w_j|)} (times a factor polynomial in 1/|w_j|): the slope of the log ratio,
  corrected by log A(k2)/A(k1), against π(k2-k1)/(2|w_j|) should be -1.
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
from fptheory.numeric._stable import loss_gradient, network_transform
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, relative_error
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import TwoLayer

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure"]


@dataclass(frozen=True)
class Config:
    k1: float = 1.0
    k2: float = 3.0
    fhat1: complex = 1.0
    fhat2: complex = 1.0
    m: int = 16
    delta: float = 1.0
    learning_rate: float = 1e-2
    steps: int = 4000
    record_every: int = 1
    threshold: float = 0.05
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        from fptheory.numeric._setting import Setting

        Setting(2, float(self.k1), float(self.k2), int(self.m), complex(self.fhat1), complex(self.fhat2))
        TwoLayer(self.m, self.delta)
        TrainSpec(self.steps, self.record_every, self.learning_rate, "sgd")
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(steps=1500, seed=seed, seeds=seeds or 2)
    return Config(seed=seed, seeds=seeds or 4)


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    L: np.ndarray  # (seeds, records, 2)
    measured: np.ndarray  # (seeds, records - 2, 2) dL(k)/dt at interior records
    predicted: np.ndarray  # (seeds, records - 2, 2)
    rate_error: float  # median relative difference
    rate_error_p90: float
    slope: float
    slope_r2: float
    faster_k1: float  # fraction of (seed, record) with dL(k1)/dt < dL(k2)/dt (Theorem 2's S, rate part)
    faster_k1_at_init: float  # the same at the first interior record, over seeds
    convergence: list[list[int | None]]
    diverged_at: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(
            self,
            "theory-vs-training",
            seeds=(cfg.seed, cfg.seeds),
            frequencies=[cfg.k1, cfg.k2],
            convergence_step=median_steps(self.convergence),
            convergence_step_per_seed=self.convergence,
            threshold=cfg.threshold,
            rate_relative_error_median=self.rate_error,
            rate_relative_error_p90=self.rate_error_p90,
            gradient_ratio_slope=self.slope,
            gradient_ratio_slope_r2=self.slope_r2,
            fraction_k1_faster=self.faster_k1,
            fraction_k1_faster_at_init=self.faster_k1_at_init,
            diverged_at=self.diverged_at,
        )


def _objective(config: Config) -> Callable:
    import jax.numpy as jnp

    ks = (float(config.k1), float(config.k2))
    targets = (complex(config.fhat1), complex(config.fhat2))

    def loss(params: Any, _x: Any, _y: Any) -> Any:
        total: Any = 0.0
        for k, f in zip(ks, targets):
            h = network_transform(jnp.asarray(k), params["a"], params["w"], params["b"], backend="jax")
            total = total + 0.5 * jnp.abs(h - f) ** 2
        return total

    return loss


def _per_frequency(config: Config, a: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ĥ(k) (n, 2) and the gradients ∂L(k)/∂θ (n, 2, 3, m) at parameter rows of shape (n, m)."""
    n = a.shape[0]
    transforms, grads = [], []
    for k, f in ((config.k1, config.fhat1), (config.k2, config.fhat2)):
        kk = np.full(n, float(k))
        transforms.append(network_transform(kk, a, w, b))
        grads.append(np.moveaxis(np.asarray(loss_gradient(kk, a, w, b, np.full(n, complex(f)))), 0, 1))
    return np.stack(transforms, axis=1), np.stack(grads, axis=1)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    from scipy.stats import linregress

    model = TwoLayer(config.m, config.delta)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate, "sgd", dtype="float64")
    grid = np.linspace(-3 * math.pi, 3 * math.pi, 64)
    dummy = np.zeros(1)
    history = train(model.apply, model.init, dummy, dummy, keys=seed_keys(config.seed, config.seeds), spec=spec,
                    eval_x=grid, eval_points=grid, frequencies=np.array([config.k1, config.k2]),
                    objective=_objective(config), record_params=True, progress=progress)
    p = history.params
    S, R = p["a"].shape[:2]
    a, w, b = (np.asarray(p[name], dtype=float).reshape(S * R, config.m) for name in ("a", "w", "b"))
    spectrum, grads = _per_frequency(config, a, w, b)
    spectrum, grads = spectrum.reshape(S, R, 2), grads.reshape(S, R, 2, 3, config.m)
    f_hat = np.array([complex(config.fhat1), complex(config.fhat2)])
    L = 0.5 * np.abs(spectrum - f_hat) ** 2  # L(k) = ½|ĥ(k) - f̂(k)|²
    dt = config.learning_rate * config.record_every
    measured = (L[:, 2:] - L[:, :-2]) / (2 * dt)
    g = grads[:, 1:-1].reshape(S, R - 2, 2, -1)
    total = g[:, :, 0] + g[:, :, 1]
    predicted = -np.einsum("srkp,srp->srk", g, total)
    rel = np.abs(measured - predicted) / np.maximum(np.abs(predicted), 1e-300)
    # Eq. 31's law per neuron: log(|∇_j L(k2)| / |∇_j L(k1)|) - log(A2/A1) against π(k2-k1)/(2|w_j|)
    norms = np.linalg.norm(grads, axis=3)  # (S, R, 2, m)
    A = np.sqrt(2 * L)  # (S, R, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(norms[:, :, 1]) - np.log(norms[:, :, 0]) - (np.log(A[:, :, 1]) - np.log(A[:, :, 0]))[..., None]
    x = math.pi * (config.k2 - config.k1) / (2 * np.abs(w.reshape(S, R, config.m)))
    ok = np.isfinite(y) & np.isfinite(x)
    fit = linregress(x[ok], y[ok])
    errors = relative_error(spectrum, f_hat)
    conv = [convergence_steps(errors[s], history.steps, config.threshold) for s in range(S)]
    return Result(config, history.steps, L, measured, predicted, float(np.median(rel)), float(np.quantile(rel, 0.9)),
                  float(fit.slope), float(fit.rvalue**2), float(np.mean(measured[..., 0] < measured[..., 1])),
                  float(np.mean(measured[:, 0, 0] < measured[:, 0, 1])), conv,
                  history.diverged_at, history.seconds, divergence_notes(history))


def figure(result: Result) -> Any:
    """The experiment's figure (a matplotlib Figure; no pyplot state, so a notebook shows it inline)."""
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(10, 4))
    (ax1, ax2) = fig.subplots(1, 2)
    t = result.steps[1:-1]
    for i, k in enumerate((cfg.k1, cfg.k2)):
        ax1.plot(t, -result.measured[0, :, i], color=f"C{i}", label=f"-dL({k:g})/dt measured")
        ax1.plot(t[::max(1, len(t) // 40)], -result.predicted[0, ::max(1, len(t) // 40), i], "o", color=f"C{i}", ms=3,
                 label=f"∇L({k:g})·∇L predicted")
    ax1.set_yscale("symlog", linthresh=1e-8)
    ax1.set_xlabel("step")
    ax1.set_title(f"rates, seed {cfg.seed}: median rel. diff {result.rate_error:.1e}")
    ax1.legend(fontsize=7)
    ax2.plot(t, result.L[0, 1:-1, 0], label=f"L({cfg.k1:g})")
    ax2.plot(t, result.L[0, 1:-1, 1], label=f"L({cfg.k2:g})")
    ax2.set_xlabel("step")
    ax2.set_yscale("log")
    ax2.set_title(f"gradient-ratio slope {result.slope:.3f} (law: -1)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "theory_vs_training.png", steps=result.steps, L=result.L,
                        measured=result.measured, predicted=result.predicted)
