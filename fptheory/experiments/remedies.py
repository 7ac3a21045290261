"""The remedies for spectral bias on one yardstick (Xu, Zhang, Luo 2024, arXiv:2201.07395, Applications): the plain
MLP and each method built to learn high frequencies faster, with (nearly) equal trainable parameter counts and the
same optimiser budget, on Rahaman et al.'s target (arXiv:1806.08734, Exp. 1; :mod:`fptheory.experiments.spectral_bias`)
``λ(x) = Σ_i sin(2π k_i x + φ_i)`` on ``points`` points of [0, 1).

Methods (each a documented model of :mod:`fptheory.train`, trained by the same engine with full-batch Adam):

* ``plain``: a ReLU MLP (Rahaman et al.'s network), widths ``(1, width × depth, 1)``: the reference budget P.
* ``fourier-gaussian`` and ``fourier-positional``: :class:`fptheory.train.FourierFeatures` (Tancik et al. 2020),
  ReLU, ``features`` rows of B ~ N(0, σ²) (``sigma``), or the positional ladder 1 … ``positional_sigma``.
* ``mscale``: :class:`fptheory.train.MscaleDNN` kind 1 with s2ReLU and the scales ``mscale_scales``.
* ``adaptive``: :class:`fptheory.train.AdaptiveMLP`, tanh with the factor ``adaptive_n`` (Jagtap et al. 2020).
* ``phasednn``: the target split into bands at ``phase_edges`` (:func:`fptheory.spectral.band_split`), each band's
  shifted, low-frequency real and imaginary parts fitted by its own ReLU MLP with 2 outputs (P/B parameters each),
  shifted back and summed (Cai, Li, Liu 2020). The default bands are uniform, as wide as the spacing of the
  target's frequencies, so that each holds one peak at its centre: the method at its best on this target.

Every method's hidden width is chosen so that its trainable parameters (B of the Fourier features is fixed, not
counted) come closest to P. Measures, per method and seed: Δ_F(k_i) of the fit on the training grid, the first
step with Δ_F < ``threshold`` per frequency, and the final relative L2 error ``‖h - λ‖/‖λ‖`` on the grid.

The image part follows Tancik et al.'s protocol (Sec. 6, Table 1): scikit-image's camera, block-averaged to
``image_size`` × ``image_size`` gray levels in [0, 1] at coordinates ``[0, 1)²``, a ReLU MLP trained on every other
pixel in both axes and tested on all of them, ``PSNR = -10 log10(mean squared error)``, for the input mappings
``none`` (the coordinates), ``basic`` ([cos 2πv, sin 2πv]), ``positional`` (the ladder 1 … ``image_positional_sigma``,
``image_features`` rungs) and ``gaussian`` (``image_features`` rows of B ~ N(0, ``image_sigma``²)), again with
the parameter count of ``none``'s network matched. The scales follow one rule at every image size: Tancik et al.'s
σ = 10 for natural images (as we read their Sec. 6) belongs to a training grid of 256 pixels per unit (Nyquist
frequency 128 cycles), so ours
is ``σ = 10 ν/128`` with ν = ``image_size``/4 our training grid's Nyquist frequency, and the positional ladder
tops at ν/2.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_counts
from fptheory._io import save_figure_atomic
from fptheory.experiments._common import divergence_notes, result_json, seed_keys, write_result
from fptheory.spectral._dft import dft, periodic_grid
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, relative_error
from fptheory.spectral._phase_shift import band_split, band_sum, check_band_edges

__all__ = ["Config", "Result", "Method", "Mapping", "METHODS", "IMAGE_MAPPINGS", "make_config", "run", "save", "plot",
           "build", "build_image", "parameter_count", "psnr"]

METHODS = ("plain", "fourier-gaussian", "fourier-positional", "mscale", "adaptive", "phasednn")
IMAGE_MAPPINGS = ("none", "basic", "positional", "gaussian")


@dataclass(frozen=True)
class Config:
    frequencies: tuple[float, ...] = tuple(float(k) for k in range(5, 55, 5))
    points: int = 200
    phase_seed: int = 0
    methods: tuple[str, ...] = METHODS
    width: int = 128  # the plain MLP's hidden width: the parameter budget
    depth: int = 4
    sigma: float = 10.0  # Gaussian Fourier features' scale (cycles per unit)
    features: int = 32
    positional_sigma: float = 64.0
    positional_features: int = 8
    mscale_scales: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
    adaptive_n: float = 10.0
    phase_edges: tuple[float, ...] = tuple(2.5 + 5.0 * i for i in range(11))  # band edges (cycles per unit)
    learning_rate: float = 1e-3
    steps: int = 6000
    record_every: int = 50
    threshold: float = 0.1
    image_size: int = 128  # 0: no image part
    image_width: int = 128
    image_depth: int = 3
    image_sigma: float = 2.5  # Tancik's σ = 10 at a training Nyquist of 128 cycles, scaled to ours (image_size/4)
    image_positional_sigma: float = 16.0  # image_size/8
    image_features: int = 64
    image_steps: int = 2000
    image_record_every: int = 100
    seed: int = 0
    seeds: int = 2

    def __post_init__(self) -> None:
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or (self.methods and self.methods[0] != "plain") or len(set(self.methods)) != len(self.methods):
            raise InputError(f"methods must start with 'plain' and list distinct methods of {', '.join(METHODS)} "
                             f"(or be empty: the image part alone); got {self.methods}")
        if not self.methods and not self.image_size:
            raise InputError("nothing to run: methods is empty and image_size is 0")
        if not self.frequencies or any(k <= 0 or k >= self.points / 2 or k != int(k) for k in self.frequencies):
            raise InputError(f"frequencies must be integers in [1, points/2); got {self.frequencies}")
        if list(self.frequencies) != sorted(set(self.frequencies)):
            raise InputError(f"frequencies must increase strictly; got {self.frequencies}")
        check_counts(width=self.width, depth=self.depth, features=self.features,
                     positional_features=self.positional_features)
        if not (0 < self.threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {self.threshold!r}")
        for method in self.methods:  # every model's own checks (sigma > 0, scales, n >= 1, edges) before any work
            build(self, method, self.width)
        from fptheory.train._loop import TrainSpec

        TrainSpec(self.steps, self.record_every, self.learning_rate)
        if self.image_size:
            if not (isinstance(self.image_size, int) and 4 <= self.image_size <= 512 and 512 % self.image_size == 0):
                raise InputError(f"image_size must be 0 (no image part) or a divisor of 512 that is >= 4; got "
                                 f"{self.image_size!r}")
            for mapping in IMAGE_MAPPINGS:
                build_image(self, mapping, self.image_width)
            TrainSpec(self.image_steps, self.image_record_every, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(frequencies=(2.0, 4.0, 6.0, 8.0, 10.0), width=64, depth=3, sigma=2.0, features=16,
                      positional_sigma=16.0, positional_features=5, mscale_scales=(1.0, 2.0, 4.0, 8.0),
                      phase_edges=(1.0, 3.0, 5.0, 7.0, 9.0, 11.0), learning_rate=3e-3, steps=1500, record_every=25,
                      image_size=64, image_width=48, image_sigma=1.25, image_positional_sigma=8.0, image_features=16,
                      image_steps=600, image_record_every=50, seed=seed, seeds=seeds or 1)
    return Config(seed=seed, seeds=seeds or 2)


def _bands(config: Config) -> int:
    return len(config.phase_edges) + 1


def build(config: Config, method: str, width: int) -> Any:
    """The model of ``method`` with hidden width ``width`` (PhaseDNN: one band's network)."""
    from fptheory.train._adaptive import AdaptiveMLP
    from fptheory.train._fourier_features import FourierFeatures
    from fptheory.train._models import MLP
    from fptheory.train._mscale import MscaleDNN

    hidden = (width,) * config.depth
    if method == "plain":
        return MLP((1, *hidden, 1), "relu")
    if method == "fourier-gaussian":
        return FourierFeatures(1, config.features, config.sigma, hidden, "relu", "gaussian")
    if method == "fourier-positional":
        return FourierFeatures(1, config.positional_features, config.positional_sigma, hidden, "relu", "positional")
    if method == "mscale":
        return MscaleDNN(1, hidden, config.mscale_scales, kind=1, activation="s2relu")
    if method == "adaptive":
        return AdaptiveMLP((1, *hidden, 1), "tanh", n=config.adaptive_n)
    if method == "phasednn":
        if not config.phase_edges:
            raise InputError("phase_edges must list at least one band edge")
        check_band_edges(config.phase_edges, config.points, name="phase_edges")  # band_split's own check
        return MLP((1, *hidden, 2), "relu")
    raise InputError(f"unknown method {method!r}; known: {', '.join(METHODS)}")


def build_image(config: Config, mapping: str, width: int) -> Any:
    """The image network of ``mapping`` (:data:`IMAGE_MAPPINGS`) with hidden width ``width``."""
    from fptheory.train._fourier_features import FourierFeatures
    from fptheory.train._models import MLP

    hidden = (width,) * config.image_depth
    if mapping == "none":
        return MLP((2, *hidden, 1), "relu")
    if mapping == "basic":
        return FourierFeatures(2, 1, 1.0, hidden, "relu", "positional")
    if mapping == "positional":
        return FourierFeatures(2, config.image_features, config.image_positional_sigma, hidden, "relu", "positional")
    if mapping == "gaussian":
        return FourierFeatures(2, config.image_features, config.image_sigma, hidden, "relu", "gaussian")
    raise InputError(f"unknown image mapping {mapping!r}; known: {', '.join(IMAGE_MAPPINGS)}")


def psnr(prediction: Any, image: Any) -> np.ndarray:
    """``-10 log10(mean (prediction - image)²)`` over the last axis, for gray levels in [0, 1] (dB).

    Args:
        prediction: shape (..., P).
        image: shape (P,).

    Returns:
        the PSNR, shape (...); the mean squared error is floored at 1e-30 (300 dB) so that it stays finite.
    """
    mse = np.mean((np.asarray(prediction, dtype=float) - np.asarray(image, dtype=float)) ** 2, axis=-1)
    return -10 * np.log10(np.maximum(mse, 1e-30))


def parameter_count(model: Any) -> int:
    """The trainable parameters of ``model`` (Fourier features' fixed B left out)."""
    import jax

    shapes = jax.eval_shape(lambda key: model.init(key=key), jax.random.PRNGKey(0))
    if isinstance(shapes, dict) and "B" in shapes:
        shapes = {k: v for k, v in shapes.items() if k != "B"}
    return int(sum(math.prod(leaf.shape) for leaf in jax.tree_util.tree_leaves(shapes)))


def _matched_width(config: Config, method: str, budget: int, *, image: bool = False) -> int:
    """The hidden width whose parameter count (times the bands, for PhaseDNN) comes closest to ``budget`` (the
    count grows with the width: bisection; MscaleDNN's widths are multiples of its number of scales)."""
    share = _bands(config) if method == "phasednn" else 1
    step = len(config.mscale_scales) if method == "mscale" else 1
    make = build_image if image else build
    count = lambda units: share * parameter_count(make(config, method, units * step))
    if count(1) >= budget:
        return step
    lo, hi = 1, 2  # count(lo) < budget < count(hi) from here on
    while count(hi) <= budget:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if count(mid) <= budget else (lo, mid)
    return step * min((lo, hi), key=lambda units: abs(count(units) - budget))


@dataclass
class Method:
    """One method's run: its width, parameters, Δ_F per seed and record, convergence steps and final L2 error."""

    name: str
    width: int
    parameters: int
    errors: np.ndarray  # (seeds, R, K)
    convergence: list[list[int | None]]  # per seed, per frequency
    l2_error: np.ndarray  # final relative L2 error per seed
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "width": self.width, "parameters": self.parameters,
                "convergence_step": median_steps(self.convergence), "convergence_step_per_seed": self.convergence,
                "final_relative_l2": self.l2_error.tolist(), "seconds": self.seconds}


@dataclass
class Mapping:
    """One input mapping's image run: its width, parameters, and test PSNR (all pixels) per seed and record."""

    name: str
    width: int
    parameters: int
    test_psnr: np.ndarray  # (seeds, R_image)
    train_psnr: np.ndarray  # (seeds,), at the end
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "width": self.width, "parameters": self.parameters,
                "final_test_psnr": self.test_psnr[:, -1].tolist(), "final_train_psnr": self.train_psnr.tolist(),
                "seconds": self.seconds}


@dataclass
class Result:
    config: Config
    steps: np.ndarray  # (R,)
    methods: list[Method]
    image_steps: np.ndarray  # (R_image,); empty without the image part
    mappings: list[Mapping]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def mapping(self, name: str) -> Mapping:
        return next(m for m in self.mappings if m.name == name)

    def method(self, name: str) -> Method:
        return next(m for m in self.methods if m.name == name)

    def highest_step(self, name: str) -> float:
        """The median over seeds of the first step with Δ_F < threshold at the highest frequency (never: the last
        step plus one record)."""
        never = float(self.steps[-1] + self.config.record_every)
        return float(np.median([never if c[-1] is None else c[-1] for c in self.method(name).convergence]))

    def summary(self) -> list[str]:
        """The side-by-side table as text lines: per method the parameters, the highest peak's step, the final L2
        error and the seconds; per image mapping the test PSNR."""
        lines = [f"{'method':20s} {'params':>8s} {'highest-peak step':>18s} {'final L2':>9s} {'seconds':>8s}"] if self.methods else []
        for m in self.methods:
            lines.append(f"{m.name:20s} {m.parameters:8d} {self.highest_step(m.name):18g} {np.median(m.l2_error):9.2e} "
                         f"{m.seconds:8.1f}")
        for mapping in self.mappings:
            lines.append(f"image {mapping.name:14s} {mapping.parameters:8d} test PSNR {np.median(mapping.test_psnr[:, -1]):6.2f} dB "
                         f"{mapping.seconds:8.1f} s")
        return lines

    def to_json(self) -> dict[str, Any]:
        plain = median_steps(self.method("plain").convergence) if self.methods else []
        return result_json(
            self,
            "remedies",
            seeds=(self.config.seed, self.config.seeds),
            frequencies=list(self.config.frequencies),
            convergence_step=plain,
            threshold=self.config.threshold,
            methods=[m.to_json() for m in self.methods],
            highest_peak_step={m.name: self.highest_step(m.name) for m in self.methods},
            image=[m.to_json() for m in self.mappings],
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    from fptheory.experiments.spectral_bias import Config as TargetConfig
    from fptheory.experiments.spectral_bias import target
    from fptheory.train._loop import TrainSpec, train

    began = time.perf_counter()
    x = periodic_grid(config.points, start=0.0, length=1.0)
    y = target(TargetConfig(frequencies=config.frequencies, points=config.points, phase_seed=config.phase_seed), x)
    freqs = 2 * math.pi * np.asarray(config.frequencies)
    f_hat = dft(y, x, freqs)
    spec = TrainSpec(config.steps, config.record_every, config.learning_rate)
    budget = parameter_count(build(config, "plain", config.width))
    keys = seed_keys(config.seed, config.seeds)
    methods, notes, steps = [], [], np.zeros(1)
    for method in config.methods:
        t0 = time.perf_counter()
        width = config.width if method == "plain" else _matched_width(config, method, budget)
        model = build(config, method, width)
        if method == "phasednn":
            g, omegas = band_split(y, x, config.phase_edges, length=1.0)
            bands = len(omegas)
            targets = np.stack([g.real, g.imag], axis=-1)  # (B, n, 2)
            run_keys = np.repeat(keys, bands, axis=0)  # (seeds·B, 2): seed s's B bands, then s + 1's
            history = train(model.apply, model.init, x[:, None], np.tile(targets, (config.seeds, 1, 1)),
                            keys=run_keys, spec=spec, eval_x=x[:, None], eval_points=x, frequencies=freqs,
                            targets_per_run=True, progress=progress)
            outputs = history.outputs.reshape(config.seeds, bands, *history.outputs.shape[1:])  # (S, B, R, n, 2)
            fit = band_sum(np.moveaxis(outputs, 1, 2).astype(float), x, omegas)  # (S, R, n)
            parameters = bands * parameter_count(model)
        else:
            history = train(model.apply, model.init, x[:, None], y, keys=keys, spec=spec, eval_x=x[:, None],
                            eval_points=x, frequencies=freqs, progress=progress)
            fit = history.outputs.astype(float)
            parameters = parameter_count(model)
        notes += [f"{method}: {n}" for n in divergence_notes(history)]
        steps = history.steps
        errors = relative_error(dft(fit, x, freqs), f_hat)
        conv = [convergence_steps(errors[s], steps, config.threshold) for s in range(config.seeds)]
        l2 = np.linalg.norm(fit[:, -1] - y, axis=-1) / np.linalg.norm(y)
        methods.append(Method(method, width, parameters, errors, conv, l2, time.perf_counter() - t0))
    image_steps, mappings = _image_part(config, keys, progress, notes) if config.image_size else (np.zeros(0), [])
    return Result(config, steps, methods, image_steps, mappings, time.perf_counter() - began, notes)


def _image_part(config: Config, keys: Any, progress: Any, notes: list[str]) -> tuple[np.ndarray, list[Mapping]]:
    """Tancik et al.'s protocol (module docstring): every mapping trained on the even pixels, tested on all."""
    from fptheory.data import camera
    from fptheory.train._loop import TrainSpec, train

    size = config.image_size
    block = 512 // size
    image = camera().reshape(size, block, size, block).mean(axis=(1, 3))
    t = np.arange(size) / size
    coords = np.stack(np.meshgrid(t, t, indexing="ij"), axis=-1)
    train_x, train_y = coords[::2, ::2].reshape(-1, 2), image[::2, ::2].ravel()
    all_x, all_y = coords.reshape(-1, 2), image.ravel()
    spec = TrainSpec(config.image_steps, config.image_record_every, config.learning_rate)
    budget = parameter_count(build_image(config, "none", config.image_width))
    mappings, steps = [], np.zeros(0)
    for name in IMAGE_MAPPINGS:
        t0 = time.perf_counter()
        width = config.image_width if name == "none" else _matched_width(config, name, budget, image=True)
        model = build_image(config, name, width)
        history = train(model.apply, model.init, train_x, train_y, keys=keys, spec=spec, eval_x=all_x,
                        eval_points=np.zeros(all_x.shape[0]), frequencies=np.zeros(1), progress=progress)
        notes += [f"image {name}: {n}" for n in divergence_notes(history)]
        steps = history.steps
        outputs = history.outputs.astype(float)  # (S, R, size²)
        on_train = outputs[:, -1].reshape(-1, size, size)[:, ::2, ::2].reshape(outputs.shape[0], -1)
        mappings.append(Mapping(name, width, parameter_count(model), psnr(outputs, all_y), psnr(on_train, train_y),
                                time.perf_counter() - t0))
    return steps, mappings


def _plot_psnr(ax: Any, result: Result) -> None:
    for mapping in result.mappings:
        ax.plot(result.image_steps, np.median(mapping.test_psnr, axis=0), label=mapping.name)
    ax.set_xlabel("step")
    ax.set_ylabel("test PSNR (dB)")
    ax.set_title(f"camera {result.config.image_size}², every other pixel", fontsize=9)
    ax.legend(fontsize=8)


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    count = len(result.methods)
    if not count:  # the image part alone
        fig = Figure(figsize=(5, 3.6))
        _plot_psnr(fig.subplots(), result)
        return save_figure_atomic(fig, path)
    fig = Figure(figsize=(3.2 * count + (4.0 if result.mappings else 0.0), 3.6))
    if result.mappings:
        grid = fig.add_gridspec(1, count + 2, width_ratios=[1.0] * count + [0.15, 1.3])
        axes = [fig.add_subplot(grid[0, i]) for i in range(count)]
        for ax in axes[1:]:
            ax.sharey(axes[0])
        _plot_psnr(fig.add_subplot(grid[0, -1]), result)
    else:
        axes = list(np.atleast_1d(fig.subplots(1, count, sharey=True)))
    for ax, m in zip(axes, result.methods):
        image = ax.imshow(np.median(m.errors, axis=0).T, aspect="auto", origin="lower", cmap="viridis", vmin=0,
                          vmax=1, extent=(0, float(result.steps[-1]), -0.5, len(cfg.frequencies) - 0.5),
                          interpolation="nearest")
        ax.set_title(f"{m.name}\n{m.parameters} params, L2 {np.median(m.l2_error):.1e}", fontsize=9)
        ax.set_xlabel("step")
    first = axes[0]
    first.set_yticks(range(len(cfg.frequencies)), [f"{k:g}" for k in cfg.frequencies])
    first.set_ylabel("k")
    fig.colorbar(image, ax=axes, shrink=0.8, label="Δ_F(k)")
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    arrays = {f"errors_{m.name.replace('-', '_')}": m.errors for m in result.methods}
    arrays |= {f"test_psnr_{m.name}": m.test_psnr for m in result.mappings}
    return write_result(result, out, plot, "remedies.png", steps=result.steps, image_steps=result.image_steps, **arrays)
