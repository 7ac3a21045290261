"""The Fourier spectrum of ReLU networks (Rahaman et al. 2019, *On the spectral bias of neural networks*, ICML,
arXiv:1806.08734, Sec. 2, Lemma 1 and Theorem 1): a ReLU network is continuous and piecewise affine, and its transform
decays like ‖k‖^{-(d+1)} along generic directions but only like ‖k‖^{-2} along the normal of a face of its linear
regions (d = 2: a kink line), whatever its weights, random or trained.

Networks: ReLU MLPs R^d → R (d = 1 and 2, hidden widths ``hidden``), weights as :class:`fptheory.train.MLP` draws them
(He normal) and every bias drawn N(0, ``bias_scale``²) so that the kinks cross the box [-1, 1]^d; per seed, the
network at initialisation ("random") and the same network after training with MSE (Adam, full batch, ``steps``) on
f(x) = sin(πx₁) sin(2πx₂) (d = 2, a 32 × 32 grid) or f(x) = sin(2πx) + ½ sin(5πx) (d = 1, 256 points) ("trained").

Transform (fptheory.spectral): the linear regions on the box, exactly, and the closed-form transform summed over
their edges. Restricted to the box, f · 1_B jumps at the box's boundary, and that jump decays only like ‖k‖^{-d}
(‖k‖^{-1} along the box's normals): it hides the kinks' law. The kinks' part, the transform of kᵀ(∇²f)k / ‖k‖⁴
(:func:`fptheory.spectral.kinks_transform`; d = 1 :func:`fptheory.spectral.pieces_transform` with kinks_only), is what
Rahaman et al.'s theorem is about; the whole box-restricted transform is reported beside it.

Fits (:func:`fptheory.spectral.envelope_slope`): the slope of log max|F| over 12 log-spaced windows of ‖k‖ against
log ‖k‖, along k = r u over ``decades`` decades from the radius where every edge not orthogonal to u has |k·t| ≥
``periods`` (:func:`fptheory.spectral.asymptotic_start`; before it the edge integrals are not yet in their 1/(k·t)
regime), with a 95% interval (t quantile × linregress's standard error). Directions, d = 2: ``directions`` drawn
uniformly in angle (generic; predicted -3), and the normal of the first-layer neuron whose kink line is longest in
the box (predicted -2); d = 1: the one direction (predicted -2). Whole transform: the first generic direction
(predicted -2) and the box's normal e₂ (-1); d = 1: -1.
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
from fptheory.experiments._common import divergence_notes, plot_from, result_json, seed_keys, write_result
from fptheory.train._loop import TrainSpec, train
from fptheory.train._models import MLP

__all__ = ["Config", "Result", "make_config", "run", "save", "plot", "figure", "NetworkFit", "analyse_plane",
           "analyse_line", "bias_init", "KINDS", "BOX", "INTERVAL"]

KINDS = ("random", "trained")
BOX = (-1.0, 1.0, -1.0, 1.0)
INTERVAL = (-1.0, 1.0)
_WINDOWS = 12  # log-spaced windows of |k| whose maxima the exponent is fitted to
_MAX_START = 1e10  # a generic direction this close to an edge's normal is redrawn (phases k·x lose digits beyond)


@dataclass(frozen=True)
class Config:
    hidden: tuple[int, ...] = (32, 32)
    bias_scale: float = 0.5
    learning_rate: float = 1e-3
    steps: int = 10000
    directions: int = 3
    periods: float = 50.0
    decades: float = 2.0
    samples: int = 2400
    seed: int = 0
    seeds: int = 4

    def __post_init__(self) -> None:
        if not self.hidden or any(isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= 64 for h in self.hidden) \
                or len(self.hidden) > 3:
            raise InputError(f"hidden must list 1 to 3 widths, each an integer in [1, 64] (the regions grow like "
                             f"width^(d·depth)); got {self.hidden!r}")
        if not (math.isfinite(self.bias_scale) and 0 < self.bias_scale <= 10):
            raise InputError(f"bias_scale must be a finite number in (0, 10]; got {self.bias_scale!r}")
        if isinstance(self.directions, bool) or not isinstance(self.directions, int) or not 1 <= self.directions <= 20:
            raise InputError(f"directions must be an integer in [1, 20]; got {self.directions!r}")
        if not (math.isfinite(self.periods) and 10 <= self.periods <= 1000):
            raise InputError(f"periods must be a finite number in [10, 1000]; got {self.periods!r}")
        if not (math.isfinite(self.decades) and 0.5 <= self.decades <= 3):
            raise InputError(f"decades must be a finite number in [0.5, 3]; got {self.decades!r}")
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or not 240 <= self.samples <= 100_000:
            raise InputError(f"samples must be an integer in [240, 100000]; got {self.samples!r}")
        TrainSpec(self.steps, self.steps, self.learning_rate)


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        # 1200 samples per ray: the fitted slopes stay within 0.05 of their laws (tolerance 0.15), as with 2400
        return Config(hidden=(16, 16), steps=2000, samples=1200, seed=seed, seeds=seeds or 2)
    return Config(seed=seed, seeds=seeds or 4)


def bias_init(model: MLP, scale: float) -> Callable[..., list[dict[str, Any]]]:
    """``model.init`` with every bias drawn N(0, scale²) (MLP's are zero: every first-layer kink would pass through 0)."""
    import jax

    def init(*, key: Any, dtype: Any = None) -> list[dict[str, Any]]:
        import jax.numpy as jnp

        dtype = dtype or jnp.float32
        k_model, k_bias = jax.random.split(key)
        params = model.init(key=k_model, dtype=dtype)
        keys = jax.random.split(k_bias, len(params))
        return [{"W": p["W"], "b": scale * jax.random.normal(k, p["b"].shape, dtype=dtype)} for p, k in zip(params, keys)]

    return init


@dataclass(frozen=True)
class NetworkFit:
    """One network's fitted decay exponents (slope, 95% half-width, start radius) and its number of linear pieces."""

    pieces: int
    kinks: list[tuple[str, float, float, float]]  # (direction's name, slope, half-width, start)
    whole: list[tuple[str, float, float, float]]
    curves: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # "kinks generic" → (2, samples): r, |F|

    def to_json(self) -> dict[str, Any]:
        row = lambda f: {"direction": f[0], "slope": f[1], "interval": [f[1] - f[2], f[1] + f[2]], "start": f[3]}
        return {"pieces": self.pieces, "kinks": [row(f) for f in self.kinks], "whole": [row(f) for f in self.whole]}


#: The exponent Rahaman et al.'s theorem predicts for each direction's name (kinks' part), and the box's (whole).
PREDICTED = {"generic": -3.0, "kink normal": -2.0, "line": -2.0}
PREDICTED_WHOLE = {"generic": -2.0, "box normal": -1.0, "line": -1.0}


def _fit(transform: Callable[[np.ndarray], np.ndarray], u: np.ndarray, start: float, config: Config,
         curves: dict[str, np.ndarray], name: str) -> tuple[float, float, float]:
    """(slope, 95% half-width, start) along u; the sampled |F(r u)| kept in ``curves[name]`` (the first one only)."""
    from scipy.stats import t as student

    from fptheory.spectral._relu_regions import envelope_slope

    def sampled(k: np.ndarray) -> np.ndarray:
        values = transform(k)
        curves.setdefault(name, np.stack([np.linalg.norm(k, axis=1), np.abs(values)]))
        return values

    slope, se = envelope_slope(sampled, u, start, decades=config.decades, samples=config.samples, windows=_WINDOWS)
    return slope, float(student.ppf(0.975, _WINDOWS - 2) * se), start


def analyse_plane(layers: list[dict[str, Any]], config: Config, rng: np.random.Generator) -> NetworkFit:
    """Regions, transforms and fitted exponents of a ReLU MLP R² → R on :data:`BOX` (module docstring)."""
    from fptheory.spectral._relu_regions import (
        asymptotic_start,
        kinks_transform,
        linear_regions,
        region_edges,
        regions_transform,
    )

    regions = linear_regions(layers, BOX)
    edges = region_edges(regions, BOX)
    if not len(edges.start):
        raise InputError("the network has no kink in the box (it is affine there): no kinks' spectrum to fit")
    every = region_edges(regions).tangent
    kinks = lambda k: kinks_transform(regions, BOX, k)
    whole = lambda k: regions_transform(regions, k)
    generic: list[np.ndarray] = []
    while len(generic) < config.directions:
        angle = rng.uniform(0, math.pi)
        u = np.array([math.cos(angle), math.sin(angle)])
        if asymptotic_start(every, u, periods=config.periods) <= _MAX_START:
            generic.append(u)
    curves: dict[str, np.ndarray] = {}
    start = lambda tangents, u, skip=False: asymptotic_start(tangents, u, periods=config.periods, skip_orthogonal=skip)
    fits = [("generic", *_fit(kinks, u, start(edges.tangent, u), config, curves, "kinks generic")) for u in generic]
    normal = _longest_kink_normal(layers, edges)
    fits.append(("kink normal", *_fit(kinks, normal, start(edges.tangent, normal, True), config, curves, "kinks kink normal")))
    e2 = np.array([0.0, 1.0])
    whole_fits = [("generic", *_fit(whole, generic[0], start(every, generic[0]), config, curves, "whole generic")),
                  ("box normal", *_fit(whole, e2, start(every, e2, True), config, curves, "whole box normal"))]
    return NetworkFit(len(regions), fits, whole_fits, curves)


def _longest_kink_normal(layers: list[dict[str, Any]], edges: Any) -> np.ndarray:
    """The unit normal of the first-layer neuron whose kink line is longest inside the box (the total length of the
    interior edges on it)."""
    W, b = np.asarray(layers[0]["W"], dtype=np.float64), np.asarray(layers[0]["b"], dtype=np.float64)
    lengths = np.linalg.norm(edges.tangent, axis=1)
    mid = edges.start + 0.5 * edges.tangent
    best, longest = 0, -1.0
    for j in range(W.shape[1]):
        w = W[:, j] / np.linalg.norm(W[:, j])
        on = (np.abs(mid @ w + b[j] / np.linalg.norm(W[:, j])) <= 1e-9) & (np.abs(edges.tangent @ w) <= 1e-9 * lengths)
        if (total := float(lengths[on].sum())) > longest:
            best, longest = j, total
    return W[:, best] / np.linalg.norm(W[:, best])


def analyse_line(layers: list[dict[str, Any]], config: Config) -> NetworkFit:
    """Pieces, transforms and fitted exponents of a ReLU MLP R → R on :data:`INTERVAL` (module docstring)."""
    from fptheory.spectral._relu_regions import asymptotic_start, linear_pieces, pieces_transform

    pieces = linear_pieces(layers, INTERVAL)
    if pieces.slopes.size < 2 or not np.any(np.diff(pieces.slopes) != 0):
        raise InputError("the network has no kink in the interval (it is affine there): no kinks' spectrum to fit")
    one = np.array([1.0])
    curves: dict[str, np.ndarray] = {}
    start = asymptotic_start(np.diff(pieces.breaks)[:, None], one, periods=config.periods)
    kinks = _fit(lambda k: pieces_transform(pieces, k[:, 0], kinks_only=True), one, start, config, curves, "kinks line")
    whole = _fit(lambda k: pieces_transform(pieces, k[:, 0]), one, start, config, curves, "whole line")
    return NetworkFit(int(pieces.slopes.size), [("line", *kinks)], [("line", *whole)], curves)


def _targets(d: int) -> tuple[np.ndarray, np.ndarray]:
    if d == 1:
        x = np.linspace(-1, 1, 256)[:, None]
        return x, np.sin(2 * math.pi * x[:, 0]) + 0.5 * np.sin(5 * math.pi * x[:, 0])
    g = np.linspace(-1, 1, 32)
    x = np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)
    return x, np.sin(math.pi * x[:, 0]) * np.sin(2 * math.pi * x[:, 1])


@dataclass
class Result:
    config: Config
    fits: dict[int, dict[str, list[NetworkFit]]]  # d → kind → one per seed
    final_loss: dict[int, list[float]]  # d → per seed, the trained network's training loss
    diverged_at: list[int | None]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def slopes(self, d: int, kind: str, name: str, part: str = "kinks") -> np.ndarray:
        """The fitted slopes of every network of dimension d and kind along the directions called ``name``."""
        return np.array([f[1] for fit in self.fits[d][kind] for f in getattr(fit, part) if f[0] == name])

    def deviations(self) -> dict[str, float]:
        """The largest |fitted - predicted| of the kinks' part per (d, kind, direction)."""
        out = {}
        for d in (1, 2):
            for kind in KINDS:
                for name in ("line",) if d == 1 else ("generic", "kink normal"):
                    out[f"d={d} {kind} {name}"] = float(np.max(np.abs(self.slopes(d, kind, name) - PREDICTED[name])))
        return out

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(self, "relu-spectrum", seeds=(cfg.seed, cfg.seeds), predicted=PREDICTED,
                           predicted_whole=PREDICTED_WHOLE,
                           fits={f"d={d}": {kind: [f.to_json() for f in fits] for kind, fits in by_kind.items()}
                                 for d, by_kind in self.fits.items()},
                           largest_deviation=self.deviations(),
                           final_loss={f"d={d}": v for d, v in self.final_loss.items()}, diverged_at=self.diverged_at)


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import jax

    start_time = time.perf_counter()
    spec = TrainSpec(config.steps, config.steps, config.learning_rate)
    analysis = max(1, config.steps // 20)  # each network analysed counts as this many steps in the progress
    total = 2 * config.steps + 2 * 2 * config.seeds * analysis
    fits: dict[int, dict[str, list[NetworkFit]]] = {}
    final_loss, diverged, notes = {}, [], []
    done = 0
    for d in (1, 2):
        model = MLP((d, *config.hidden, 1), "relu")
        x, y = _targets(d)
        offset = done

        def step_progress(s: int, _total: int, eta: float, offset: int = offset) -> None:
            if progress:
                progress(offset + s, total, eta)

        history = train(model.apply, bias_init(model, config.bias_scale), x, y, keys=seed_keys(config.seed, config.seeds),
                        spec=spec, eval_x=x, eval_points=np.zeros(len(x)), frequencies=np.zeros(1), record_params=True,
                        progress=step_progress if progress else None)
        done += config.steps
        diverged.append(history.diverged_at)
        notes += [f"d = {d}: {n}" for n in divergence_notes(history)]
        final_loss[d] = np.asarray(history.loss, dtype=float)[:, -1].tolist()
        fits[d] = {kind: [] for kind in KINDS}
        for s in range(config.seeds):
            for kind, record in zip(KINDS, (0, -1)):
                layers = jax.tree_util.tree_map(lambda leaf, s=s, r=record: np.asarray(leaf[s, r], dtype=np.float64),
                                                history.params)
                t0 = time.perf_counter()
                rng = np.random.default_rng([config.seed + s, d, KINDS.index(kind)])
                fits[d][kind].append(analyse_line(layers, config) if d == 1 else analyse_plane(layers, config, rng))
                done += analysis
                if progress:
                    left = (2 - d) * 2 * config.seeds + 2 * (config.seeds - s) - 1 - KINDS.index(kind)
                    progress(done, total, left * (time.perf_counter() - t0))
    return Result(config, fits, final_loss, diverged, time.perf_counter() - start_time, notes)


def figure(result: Result) -> Any:
    """Left: |f̂(r u)| of seed 0's trained networks along each fitted direction, r over its start radius and |f̂| over
    its value there, with the predicted slopes dotted; right: every fitted exponent with its 95% interval against its
    prediction (black bars)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    shown = [(2, "kinks generic", -3.0), (2, "kinks kink normal", -2.0), (1, "kinks line", -2.0),
             (2, "whole generic", -2.0), (2, "whole box normal", -1.0)]
    for i, (d, name, slope) in enumerate(shown):
        r, F = result.fits[d]["trained"][0].curves[name]
        x, y = r / r[0], F / F[: max(1, r.size // 12)].max()
        ax1.loglog(x, y, color=f"C{i}", lw=0.5, label=f"d = {d}, {name}")
        ax1.loglog(x, x**slope, "--", color=f"C{i}", lw=1.2, zorder=3, alpha=0.9)
    ax1.set_xlabel("|k| / start of the asymptotic window")
    ax1.set_ylabel("|f̂| (scaled)")
    ax1.set_title("trained networks, seed 0 (dashed: predicted power)")
    ax1.legend(fontsize=7)
    rows = [(f"d={d} {name}" + ("" if part == "kinks" else " (whole)"), table[name], fit[1], fit[2], kind)
            for d in (1, 2) for kind in KINDS for net in result.fits[d][kind]
            for part, table in (("kinks", PREDICTED), ("whole", PREDICTED_WHOLE)) for fit in getattr(net, part)
            for name in (fit[0],)]
    labels = sorted({row[0] for row in rows}, key=lambda label: next(row[1] for row in rows if row[0] == label))
    for i, label in enumerate(labels):
        for j, kind in enumerate(KINDS):
            mine = [row for row in rows if row[0] == label and row[4] == kind]
            ax2.errorbar(np.full(len(mine), i + 0.15 * (2 * j - 1)), [row[2] for row in mine], yerr=[row[3] for row in mine],
                         fmt="o", ms=3, color=f"C{j}", label=kind if i == 0 else None)
        ax2.hlines(next(row[1] for row in rows if row[0] == label), i - 0.35, i + 0.35, color="k", lw=1)
    ax2.set_xticks(range(len(labels)), labels, rotation=50, ha="right", fontsize=7)
    ax2.set_ylabel("fitted exponent of |f̂| (95% intervals)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


plot = plot_from(figure)


def save(result: Result, out: str | Path) -> Path:
    curves = {f"d{d}_{kind}_{s}_{name.replace(' ', '_')}": curve for d, by_kind in result.fits.items()
              for kind, fits in by_kind.items() for s, fit in enumerate(fits) for name, curve in fit.curves.items()}
    return write_result(result, out, plot, "relu_spectrum.png", **curves)
