"""Monitor your own training run against the F-Principle: :class:`FrequencyMonitor` measures per-frequency errors,
the filtering method's e_low/e_high and the verdict from a model's outputs (any framework), and :func:`figure` draws
its report (a matplotlib Figure, shown inline in a notebook).

A few lines in a training loop (x, y your inputs and targets; ``apply_fn(params, x)`` your model)::

    from fptheory.monitor import FrequencyMonitor, figure

    monitor = FrequencyMonitor(x, y)              # peaks of y picked, or frequencies=[1, 3, 5]
    hook = monitor.callback(apply_fn, every=20)   # or monitor.record(step, outputs)
    for step in range(steps + 1):
        hook(step, params)
        params, opt_state = update(params, opt_state)
    report = monitor.report()
    print(report.explain()); report.low_first     # True, False, or None (undecided)
    figure(report)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fptheory._monitor import LOW_FIRST_SHARE, FrequencyMonitor, FrequencyReport

__all__ = ["FrequencyMonitor", "FrequencyReport", "LOW_FIRST_SHARE", "figure"]


def figure(report: FrequencyReport, *, component: int | None = None) -> Any:
    """Δ_F(k) over the steps at each followed peak of one component (median over runs), and the filtering method's
    e_low and e_high per δ when the report has them.

    Args:
        report: a :class:`FrequencyReport`.
        component: the output component to draw; default the scored one with the most peaks (else 0).

    Returns:
        a ``matplotlib.figure.Figure`` (no pyplot state is touched; a notebook shows it inline).
    """
    from matplotlib.figure import Figure

    from fptheory._checks import InputError

    count = len(report.frequencies)
    if component is None:
        scored = report.scored()
        component = max(scored, key=lambda c: (len(report.frequencies[c]), -c)) if scored else 0
    if not (isinstance(component, int) and 0 <= component < count):
        raise InputError(f"component must be an integer in [0, {count - 1}]; got {component!r}")
    panels = 1 + bool(report.deltas)
    fig = Figure(figsize=(5.5 * panels, 3.8))
    axes = fig.subplots(1, panels, squeeze=False)[0]
    ax = axes[0]
    median = np.median(report.errors[component], axis=0)  # (R, K)
    for i, k in enumerate(report.frequencies[component]):
        ax.semilogy(report.steps, np.maximum(median[:, i], 1e-12), label=f"k = {k:.4g}")
    ax.axhline(report.threshold, color="gray", ls="--", lw=0.8, label=f"threshold {report.threshold:g}")
    ax.set_xlabel("step")
    ax.set_ylabel("Δ_F(k)")
    verdict = {True: "low first", False: "not low first", None: "undecided"}[report.low_first]
    ax.set_title(f"component {component}: {verdict}")
    ax.legend(fontsize=7)
    if report.deltas:
        ax = axes[1]
        for i, d in enumerate(report.deltas):
            ax.semilogy(report.steps, report.e_low[i].mean(axis=0), color=f"C{i}", label=f"e_low, δ = {d:g}")
            ax.semilogy(report.steps, report.e_high[i].mean(axis=0), "--", color=f"C{i}", label=f"e_high, δ = {d:g}")
        ax.axhline(report.threshold, color="gray", lw=0.8)
        ax.set_xlabel("step")
        ax.set_title("filtering method")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
