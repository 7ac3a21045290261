"""Generalization and the F-Principle (paper Sec. 7, docs/theory.md §7.8): parity f(x) = Π_j x_j on {-1, 1}^d
against real digits, with the same tanh MLP.

Along p = (1, …, 1)/√d the transform of the full parity function is, in closed form,

    f̂(ξ) = 2^{-d} Σ_x Π_j x_j e^{-i2πξ p·x} = Π_j ½(e^{-iθ} - e^{iθ}) = (-i sin θ)^d,   θ = 2πξ/√d,

so its power sits at ξ = √d/4 and vanishes like θ^d at low frequency. A training sample of n ≪ 2^d points
has a nonuniform DFT ŷ_train(ξ) = (1/n) Σ_train y_i e^{-i2πξ p·x_i} with artificial low frequencies
(aliasing); the network fits those first, and its output on all 2^d points, ĥ(ξ), does not recover f̂:
test accuracy stays at chance or below. On digits (the same hidden widths), whose labels' power is at low
frequency along their first principal direction, the network's spectrum on train + test follows the
labels' and it generalizes.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory._io import save_figure_atomic
from fptheory.data import load
from fptheory.experiments._common import result_json, seed_keys, write_result
from fptheory.spectral._nudft import nudft, principal_directions, project
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "parity_transform", "hypercube"]


@dataclass(frozen=True)
class Config:
    dims: int = 10
    train_points: int = 200  # of the 2^dims points; the rest are the test set
    real_data: str = "digits"
    real_train_points: int = 1000  # the first ones; the rest of the set is the test set
    hidden: tuple[int, ...] = (200, 100)
    learning_rate: float = 1e-3
    steps: int = 3000
    record_every: int = 50
    grid: int = 201
    seed: int = 0
    seeds: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.dims, int) and 2 <= self.dims <= 16):
            raise InputError(f"dims must be an integer in [2, 16]; got {self.dims!r}")
        if not (isinstance(self.train_points, int) and 2 <= self.train_points < 2**self.dims):
            raise InputError(f"train_points must be an integer in [2, 2^dims) = [2, {2**self.dims}); got {self.train_points!r}")
        if not (isinstance(self.real_train_points, int) and self.real_train_points >= 10):
            raise InputError(f"real_train_points must be an integer >= 10; got {self.real_train_points!r}")
        if not (isinstance(self.grid, int) and self.grid >= 3):
            raise InputError(f"grid must be an integer >= 3; got {self.grid!r}")
        MLP((self.dims, *self.hidden, 1), "tanh")
        TrainSpec(self.steps, self.record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None, **changes: Any) -> Config:
    if quick:
        base = dict(hidden=(64, 64), steps=1000, record_every=25, seed=seed, seeds=seeds or 2)
        return Config(**{**base, **changes})
    return Config(**{**dict(seed=seed, seeds=seeds or 4), **changes})


def hypercube(dims: int) -> np.ndarray:
    """All 2^dims points of {-1, 1}^dims, shape (2^dims, dims)."""
    return np.array(list(itertools.product((-1.0, 1.0), repeat=dims)))


def parity_transform(xi: Any, dims: int) -> np.ndarray:
    """``(-i sin θ)^d`` with θ = 2πξ/√d: the exact NUDFT of parity over all of {-1, 1}^d along (1, …, 1)/√d."""
    theta = 2 * math.pi * np.asarray(xi, dtype=float) / math.sqrt(dims)
    return (-1j * np.sin(theta)) ** dims


@dataclass
class Result:
    config: Config
    steps: np.ndarray
    xi: np.ndarray  # parity's frequency grid along (1, …, 1)/√d
    parity_full: np.ndarray  # f̂ by the closed form
    parity_full_nudft: np.ndarray  # f̂ by the NUDFT over all 2^d points
    parity_train: np.ndarray  # ŷ_train, (seeds, K)
    parity_net: np.ndarray  # ĥ over all points at the end, (seeds, K)
    k_real: np.ndarray  # digits' frequency grid along PC1
    real_labels: np.ndarray  # ŷ of the one-hot labels on train + test, (c, K)
    real_net: np.ndarray  # ĥ on train + test at the end, (seeds, c, K)
    accuracy: dict[str, np.ndarray]  # "parity_train", "parity_test", "real_train", "real_test": (seeds, records)
    seconds: float
    notes: list[str] = field(default_factory=list)

    def fitted_step(self) -> int | None:
        """The median over seeds of the first recorded step at which every parity training point is fitted
        (sign of the output); None when some seed never gets there."""
        firsts = [np.flatnonzero(acc >= 1.0) for acc in self.accuracy["parity_train"]]
        if any(f.size == 0 for f in firsts):
            return None
        return int(np.median([self.steps[f[0]] for f in firsts]))

    def closed_form_error(self) -> float:
        return float(np.max(np.abs(self.parity_full_nudft - self.parity_full)))

    def low_band(self) -> np.ndarray:
        """ξ ≤ √d/8 (θ ≤ π/4), where |f̂| ≤ 2^{-d/2}."""
        return self.xi <= math.sqrt(self.config.dims) / 8

    def aliasing_ratio(self) -> float:
        """Mean |ŷ_train| over the low band divided by mean |f̂| there (median over seeds)."""
        low = self.low_band()
        return float(np.median(np.abs(self.parity_train[:, low]).mean(axis=1)) / np.abs(self.parity_full[low]).mean())

    def spectral_distance(self) -> dict[str, float]:
        """‖ĥ - f̂‖/‖f̂‖ over each grid (median over seeds): the network's spectrum on all points against the
        truth's; large for parity, small for digits."""
        par = np.linalg.norm(self.parity_net - self.parity_full, axis=1) / np.linalg.norm(self.parity_full)
        real = np.linalg.norm(self.real_net - self.real_labels, axis=(1, 2)) / np.linalg.norm(self.real_labels)
        return {"parity": float(np.median(par)), "real": float(np.median(real))}

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        final = {key: [float(v) for v in acc[:, -1]] for key, acc in self.accuracy.items()}
        return result_json(
            self,
            "parity",
            seeds=(cfg.seed, cfg.seeds),
            frequencies=[math.sqrt(cfg.dims) / 4],  # where parity's power sits along (1, …, 1)/√d
            convergence_step=[self.fitted_step()],
            threshold=None,
            final_accuracy=final,
            closed_form_max_error=self.closed_form_error(),
            aliasing_ratio_low_band=self.aliasing_ratio(),
            spectral_distance=self.spectral_distance(),
        )


def _fit(X_train: np.ndarray, y_train: np.ndarray, X_eval: np.ndarray, config: Config, outputs: int, seed: int,
         progress: Callable | None) -> Any:
    model = MLP((X_train.shape[1], *config.hidden, outputs), "tanh")
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    history = train(model.apply, model.init, X_train, y_train, keys=seed_keys(seed, config.seeds), spec=spec,
                    eval_x=X_eval, eval_points=np.zeros(X_eval.shape[0]), frequencies=np.zeros(1), progress=progress)
    if history.diverged_at is not None:
        raise InputError(f"training diverged at step {history.diverged_at}; lower the learning rate")
    return history


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    began = time.perf_counter()
    d = config.dims
    X = hypercube(d)
    y = np.prod(X, axis=1)
    t = project(X, np.ones(d))
    xi = np.linspace(0.0, math.sqrt(d) / 2, config.grid)
    full = parity_transform(xi, d)
    full_nudft = nudft(y, 2 * math.pi * t, xi)
    rng = np.random.default_rng(config.seed)
    # one random training sample per seed: the sample is part of what a seed fixes
    samples = [rng.choice(X.shape[0], config.train_points, replace=False) for _ in range(config.seeds)]
    parity_train, parity_net, acc_tr, acc_te = [], [], [], []
    for s, idx in enumerate(samples):
        test = np.setdiff1d(np.arange(X.shape[0]), idx)
        hist = _fit(X[idx], y[idx], X, replace(config, seeds=1), 1, config.seed + s, progress)
        out = np.asarray(hist.outputs[0], dtype=float)  # (R, 2^d)
        parity_train.append(nudft(y[idx], 2 * math.pi * t[idx], xi))
        parity_net.append(nudft(out[-1], 2 * math.pi * t, xi))
        correct = np.sign(out) == y
        acc_tr.append(correct[:, idx].mean(axis=1))
        acc_te.append(correct[:, test].mean(axis=1))
    real = load(config.real_data)
    if config.real_train_points >= real.X.shape[0]:
        raise InputError(f"real_train_points must be below the data set's size ({real.X.shape[0]}); got {config.real_train_points}")
    Y = real.one_hot()
    n_tr = config.real_train_points
    hist = _fit(real.X[:n_tr], Y[:n_tr], real.X, config, Y.shape[1], config.seed, progress)
    out = np.asarray(hist.outputs, dtype=float)  # (S, R, n, c)
    predicted = np.argmax(out, axis=-1) == real.y  # (S, R, n)
    tr = project(real.X, principal_directions(real.X)[0])
    k_real = np.linspace(0.0, 2.0 / float(np.std(tr)), config.grid)
    real_labels = nudft(Y.T, 2 * math.pi * tr, k_real)
    real_net = nudft(np.moveaxis(out[:, -1], -1, 1), 2 * math.pi * tr, k_real)  # (S, c, K)
    accuracy = {"parity_train": np.array(acc_tr), "parity_test": np.array(acc_te),
                "real_train": predicted[:, :, :n_tr].mean(axis=-1), "real_test": predicted[:, :, n_tr:].mean(axis=-1)}
    return Result(config, hist.steps, xi, full, full_nudft, np.array(parity_train), np.array(parity_net), k_real,
                  real_labels, real_net, accuracy, time.perf_counter() - began)


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(16, 4))
    axes = fig.subplots(1, 3)
    ax = axes[0]
    ax.plot(result.xi, np.abs(result.parity_full), "g", label="|f̂| all 2^d points")
    ax.plot(result.xi, np.abs(result.parity_train[0]), "r", label=f"|ŷ_train|, {cfg.train_points} points")
    ax.plot(result.xi, np.abs(result.parity_net[0]), "b--", label="|ĥ| all points, trained")
    ax.set_xlabel("ξ along (1,…,1)/√d")
    ax.set_title(f"parity, d = {cfg.dims}: aliasing ×{result.aliasing_ratio():.0f} at low ξ")
    ax.legend(fontsize=7)
    ax = axes[1]
    c = 0
    ax.plot(result.k_real, np.abs(result.real_labels[c]), "g", label="|ŷ| labels, train + test")
    ax.plot(result.k_real, np.abs(result.real_net[0, c]), "b--", label="|ĥ| trained, train + test")
    ax.set_xlabel("k along PC1")
    ax.set_title(f"{cfg.real_data}, output {c}")
    ax.legend(fontsize=7)
    ax = axes[2]
    for key, style in (("parity_train", "C3:"), ("parity_test", "C3-"), ("real_train", "C0:"), ("real_test", "C0-")):
        ax.plot(result.steps, result.accuracy[key].mean(axis=0), style, label=key.replace("_", " "))
    ax.axhline(0.5, color="gray", lw=0.8)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("step")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    arrays = {"steps": result.steps, "xi": result.xi, "parity_full_abs": np.abs(result.parity_full),
              "parity_train_abs": np.abs(result.parity_train), "parity_net_abs": np.abs(result.parity_net),
              "k_real": result.k_real, "real_labels_abs": np.abs(result.real_labels), "real_net_abs": np.abs(result.real_net),
              **{f"accuracy_{k}": v for k, v in result.accuracy.items()}}
    return write_result(result, out, plot, "parity.png", **arrays)
