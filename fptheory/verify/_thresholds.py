"""The threshold ledger: every number a claim's verdict turns on, with the reason for that number and whether it
was fixed before the claim's first full-scale run.

A claim names its thresholds as :class:`Threshold` objects next to its decision and reads their ``value``; the
registry gathers them (:func:`ledger_rows`), and the report and docs/results.md render them. tests/test_ledger.py
holds its own copy of every value, so a threshold cannot change without that copy, and the row's reason, changing
with it in the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Threshold", "ledger_rows", "ledger_markdown", "when_fixed"]


@dataclass(frozen=True)
class Threshold:
    """One number of a claim's threshold.

    Attributes:
        name: what the number bounds, in a few words ("share of seeds ordered").
        value: the number (or a (low, high) window).
        reason: why this number: a citation, a derivation, or the measurement that set it.
        fixed_before_full_run: True when the number was fixed before the claim's first full-scale run, False when
            it was set or changed after one (the reason says what was seen), None when the history does not say.
        history: where that is recorded (the commit that introduced or changed it).
    """

    name: str
    value: Any
    reason: str
    fixed_before_full_run: bool | None
    history: str = ""


def ledger_rows(claims: Any) -> list[dict[str, Any]]:
    """One JSON-ready row per threshold of ``claims`` (an iterable of :class:`fptheory.verify.Claim`), in order."""
    rows = []
    for claim in claims:
        for t in getattr(claim, "ledger", ()):
            rows.append({"claim": claim.id, "name": t.name,
                         "value": list(t.value) if isinstance(t.value, tuple) else t.value,
                         "reason": t.reason, "fixed_before_full_run": t.fixed_before_full_run, "history": t.history})
    return rows


def when_fixed(flag: bool | None, bold: str = "**no**") -> str:
    """The ledger's words for ``fixed_before_full_run``: yes, no (in ``bold``, markdown's by default), not recorded."""
    return {True: "yes", False: bold, None: "not recorded"}[flag]


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def ledger_markdown(rows: list[dict[str, Any]]) -> list[str]:
    """The ledger as a markdown table (lines)."""
    lines = ["| claim | threshold | value | reason | fixed before the first full run |", "|---|---|---|---|---|"]
    for r in rows:
        reason = r["reason"] + (f" ({r['history']})" if r.get("history") else "")
        lines.append(f"| {r['claim']} | {r['name']} | {_value(r['value'])} | {reason.replace('|', '/')} | "
                     f"{when_fixed(r['fixed_before_full_run'])} |")
    return lines
