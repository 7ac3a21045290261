"""Sweeps: one job per cell of a grid, run in local worker processes or on a Dask cluster
(:func:`fptheory.verify._cluster.map_jobs`), gathered into one table.

``decay_sweep``: Theorem 1's or 2's fitted decay constant c over a grid of (k1, k2, m), each cell the rare-event
estimator at δ = c_proof/x for x in ``ratios`` (c_proof = π(k2 - k1)/2) and the weighted fit of
log p = log C + α log δ - c/δ (:mod:`fptheory.experiments.measure`), beside the decay constant the leading-order
windows predict (:func:`fptheory.numeric.leading_order_windows`; Theorem 1).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from itertools import product
from pathlib import Path
from typing import Any

from fptheory._checks import InputError, check_counts
from fptheory.experiments.measure import MeasureConfig
from fptheory.verify._jobs import JobProgress, step_progress

__all__ = ["RATIOS", "decay_cells", "decay_cell", "cell_label", "decay_sweep", "decay_table", "write_sweep"]

#: c_proof/δ at the six δ of each cell: fractions from about 1e-4 down to 1e-26 or so at k2 - k1 = 1.
RATIOS = (8.0, 12.0, 18.0, 27.0, 40.0, 60.0)


def decay_cells(*, theorem: int, k1: Sequence[float], k2: Sequence[float], m: Sequence[int], samples: int, seed: int,
                ratios: Sequence[float] = RATIOS) -> list[MeasureConfig]:
    """The grid's cells with k1 < k2, each checked (an ``InputError`` names the bad value before any work)."""
    check_counts(samples=samples)
    if not ratios or any(not (math.isfinite(r) and r > 0) for r in ratios):
        raise InputError(f"ratios must be finite numbers > 0; got {tuple(ratios)}")
    cells = [MeasureConfig(theorem=theorem, k1=a, k2=b, m=w, method="rare", samples=samples, seed=seed,
                           deltas=tuple(math.pi * (b - a) / 2 / r for r in ratios))
             for a, b, w in product(k1, k2, m) if a < b]
    if not cells:
        raise InputError(f"no cell has k1 < k2 (k1 {list(k1)}, k2 {list(k2)})")
    return cells


def decay_cell(config: MeasureConfig) -> dict[str, Any]:
    """One cell's row: the fitted c with its 95% interval, α, χ²/dof, the proof's and the windows' c, the smallest
    fraction, seconds."""
    from fptheory.experiments.measure import run
    from fptheory.numeric import leading_order_windows

    began = time.perf_counter()
    report = step_progress()
    progress = None
    if report is not None:
        labels: list[str] = []

        def progress(label: str, done: int, total: int) -> None:  # one δ after another: the cell's share done
            if label not in labels:
                labels.append(label)
            report((len(labels) - 1) * total + done, len(config.deltas) * total)

    result = run(config, progress=progress)
    fit = result.fit
    window = min(w.c for w in leading_order_windows(config.setting)) if config.theorem == 1 else None
    return {"theorem": config.theorem, "k1": config.k1, "k2": config.k2, "m": config.m, "proof_c": result.predicted_c,
            "c": fit.c if fit else None, "c_ci": list(fit.c_ci) if fit else None, "alpha": fit.alpha if fit else None,
            "chi2_dof": fit.chi2_dof if fit else None, "window_c": window,
            "smallest_fraction": min(p.fraction for p in result.points), "seconds": time.perf_counter() - began}


def cell_label(k1: float, k2: float, m: int) -> str:
    """How a cell is named while it runs: ``k1 = 1, k2 = 3, m = 1``."""
    return f"k1 = {k1:g}, k2 = {k2:g}, m = {m}"


def decay_sweep(cells: list[MeasureConfig], *, workers: int = 2, scheduler: str | None = None,
                progress: Callable[[dict[str, Any], int, int], None] | None = None,
                job_progress: JobProgress | None = None, started: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """Every cell's row (in the order of ``cells``), computed by ``workers`` local processes or on Dask. ``progress``
    is called after each cell; ``job_progress(label, done, total, eta)`` while cells run (samples drawn; not on
    Dask), with labels from :func:`cell_label`; ``started()`` once the scheduler has answered, before any cell."""
    from fptheory.verify._cluster import map_jobs

    check_counts(workers=workers)
    rows: list[dict[str, Any] | None] = [None] * len(cells)
    jobs = map_jobs(decay_cell, [(c,) for c in cells], workers=workers, scheduler=scheduler,
                    labels=[cell_label(c.k1, c.k2, c.m) for c in cells], job_progress=job_progress, started=started)
    for done, (i, row) in enumerate(jobs, 1):
        rows[i] = row
        if progress:
            progress(row, done, len(cells))
    return [r for r in rows if r is not None]


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def decay_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    lines = ["| theorem | k1 | k2 | m | proof's c | fitted c [95%] | α | χ²/dof | window c | smallest p | seconds |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ci = f" [{r['c_ci'][0]:.3f}, {r['c_ci'][1]:.3f}]" if r["c_ci"] else ""
        lines.append(f"| {r['theorem']} | {r['k1']:g} | {r['k2']:g} | {r['m']} | {r['proof_c']:.3f} | {_num(r['c'], '.3f')}{ci} "
                     f"| {_num(r['alpha'], '.2f')} | {_num(r['chi2_dof'], '.2f')} | {_num(r['window_c'], '.3f')} "
                     f"| {r['smallest_fraction']:.1e} | {r['seconds']:.0f} |")
    return "\n".join(lines) + "\n"


def write_sweep(rows: list[dict[str, Any]], out: Path, run: dict[str, Any]) -> None:
    """``out/table.md`` and ``out/result.json`` (the run's settings and every row), each atomically."""
    from fptheory._io import write_json_atomic, write_text_atomic

    write_json_atomic(out / "result.json", {**run, "rows": rows})
    write_text_atomic(out / "table.md", decay_table(rows))
