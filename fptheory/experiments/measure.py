"""Parameter-ball measures of Theorems 1 and 2 over a δ grid, with the fitted decay law.

``run(MeasureConfig(...)) -> MeasureResult``; ``save(result, out)`` writes ``out/result.json`` and
``out/measure.png`` (both atomically); ``plot(result)`` draws log p against 1/δ with the fit and the
slope of the theorem's bound. No printing here: progress goes through the ``progress`` callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fptheory._checks import SEED_LIMIT, InputError, check_backend, check_seed
from fptheory._io import save_figure_atomic
from fptheory._json import jsonable
from fptheory.experiments._common import write_result
from fptheory.numeric._fit import DecayFit, fit_decay_log
from fptheory.numeric._plain import check_width, plain_estimate
from fptheory.numeric._rare_theorem1 import rare_estimate
from fptheory.numeric._rare_theorem2 import rare_estimate_theorem2
from fptheory.numeric._setting import Estimate, Setting, check_delta

__all__ = ["Config", "MeasureConfig", "MeasureResult", "Result", "make_config", "run", "save", "plot"]

METHODS = ("plain", "rare")


@dataclass(frozen=True)
class MeasureConfig:
    theorem: int = 1
    k1: float = 1.0
    k2: float = 3.0
    m: int = 1
    deltas: tuple[float, ...] = (0.5, 1.0, 2.0)
    fhat1: complex = 1.0
    fhat2: complex = 1.0
    method: str = "plain"
    samples: int = 1_000_000
    seed: int = 0
    backend: str = "numpy"

    def __post_init__(self) -> None:
        _ = self.setting  # validates theorem, k1, k2, m, f̂
        if self.method not in METHODS:
            raise InputError(f"method must be one of {', '.join(METHODS)}; got {self.method!r}")
        check_backend(self.backend)
        if not self.deltas:
            raise InputError("deltas must hold at least one δ > 0")
        for d in self.deltas:
            check_delta(self.setting, d, self.method, self.backend)
        check_width(self.m, self.method)
        check_seed(self.seed)
        if self.seed + 1000 * (len(self.deltas) - 1) >= SEED_LIMIT:  # δ number i draws from seed + 1000 i
            top = SEED_LIMIT - 1 - 1000 * (len(self.deltas) - 1)
            raise InputError(f"seed must be an integer in [0, {top}] with {len(self.deltas)} deltas (the i-th δ uses "
                             f"seed + 1000 i); got {self.seed}")
        minimum = 2 if self.method == "rare" else 1
        if not isinstance(self.samples, int) or self.samples < minimum:
            raise InputError(f"samples must be an integer >= {minimum}; got {self.samples!r}")

    @property
    def setting(self) -> Setting:
        return Setting(self.theorem, float(self.k1), float(self.k2), int(self.m), complex(self.fhat1), complex(self.fhat2))


@dataclass
class MeasureResult:
    config: MeasureConfig
    points: list[Estimate]
    fit: DecayFit | None
    predicted_c: float
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "theorem": self.config.theorem,
            "k1": self.config.k1,
            "k2": self.config.k2,
            "m": self.config.m,
            "method": self.config.method,
            "points": [{key: value for key, value in p.to_json().items() if key != "method"} for p in self.points],
            "fit": jsonable(self.fit),
            "predicted_c": self.predicted_c,
            "config": jsonable(self.config),
            "notes": self.notes,
        }


def run(config: MeasureConfig, *, progress: Callable[[str, int, int], None] | None = None) -> MeasureResult:
    """Estimate the bad fraction at every δ of the config and fit the decay law when there are ≥ 3."""
    setting = config.setting
    points = []
    for i, delta in enumerate(config.deltas):
        report = (lambda done, total, d=delta: progress(f"δ = {d:g}", done, total)) if progress else None
        seed = config.seed + 1000 * i
        if config.method == "plain":
            points.append(plain_estimate(setting, float(delta), config.samples, seed=seed, backend=config.backend, progress=report))
        else:
            estimator = rare_estimate if setting.theorem == 1 else rare_estimate_theorem2
            points.append(estimator(setting, float(delta), config.samples, seed=seed, backend=config.backend,
                                    progress=report))
    fit, notes = None, []
    for p in points:
        if p.fraction == 0:
            notes.append(
                f"δ = {p.delta:g}: no sample fell in the bad set; the fraction is below what {p.samples} "
                + ("plain samples resolve (see ci_high)" if p.method == "plain" else
                   "rare samples resolve: nothing near the leading-order windows or ellipses")
            )
    hit = [(p.delta, *p.log_interval) for p in points if p.log_interval is not None]
    if len(points) >= 2:  # several δ ask for the decay fit; one δ asks for its fraction only
        distinct = len({d for d, *_ in hit})
        if distinct >= 3:
            fit = fit_decay_log(*zip(*hit))
        else:  # the estimates stand; only the fit is left out, said in the notes (the result is written as usual)
            notes.append(f"no fit: the decay fit needs at least 3 distinct deltas with a nonzero fraction; got "
                         f"{distinct} distinct of {len(hit)}")
    return MeasureResult(config, points, fit, setting.predicted_c, notes)


Config = MeasureConfig
Result = MeasureResult


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> MeasureConfig:
    """Theorem 1 for (k1, k2) = (1, 3), m = 1, by rare-event estimation at c/δ = 8 … 60 (quick: fewer samples);
    ``seeds`` is not used (one estimate per δ)."""
    deltas = tuple(math.pi / x for x in (8, 12, 18, 27, 40, 60))
    return MeasureConfig(theorem=1, k1=1.0, k2=3.0, m=1, deltas=deltas, method="rare", samples=300 if quick else 2000,
                         seed=seed)


def plot(result: MeasureResult, path: str | Path) -> Path:
    """log10 p against 1/δ: points with intervals, the fit, and the slope -c/ln 10 of the proof's c."""
    import numpy as np
    from matplotlib.figure import Figure

    pts = [p for p in result.points if p.log10_fraction is not None]
    fig = Figure(figsize=(6, 4.2))
    ax = fig.subplots()
    if pts:
        x = np.array([1 / p.delta for p in pts])
        y = np.array([p.log10_fraction for p in pts])
        cis = [p.log10_ci or (None, p.log10_fraction) for p in pts]
        lo = np.array([low if low is not None else float(p.log10_fraction or 0) - 1 for (low, _), p in zip(cis, pts)])
        hi = np.array([high for _, high in cis])
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color="C0", label=f"{result.config.method} estimate (95%)")
        grid = np.linspace(x.min(), x.max(), 200)
        if result.fit is not None:
            f = result.fit
            ax.plot(grid, (f.log_C + f.alpha * np.log(1 / grid) - f.c * grid) / math.log(10), color="C1",
                    label=f"fit: c = {f.c:.3g}, α = {f.alpha:.2g}")
        anchor = x.argmax()
        ax.plot(grid, y[anchor] - result.predicted_c * (grid - x[anchor]) / math.log(10), "--", color="C2",
                label=f"slope of the proof's bound, c = π(k2-k1)/2 = {result.predicted_c:.3g}")
    cfg = result.config
    ax.set_xlabel("1/δ")
    ax.set_ylabel("log10 of the bad fraction")
    ax.set_title(f"Theorem {cfg.theorem}: k1 = {cfg.k1:g}, k2 = {cfg.k2:g}, m = {cfg.m}")
    if pts:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: MeasureResult, out: str | Path) -> Path:
    """Write ``out/result.json`` and ``out/measure.png``; returns the JSON path."""
    return write_result(result, out, plot, "measure.png")
