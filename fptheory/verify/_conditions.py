"""A threshold's conditions: each says what it requires, what was measured, whether it holds and, when it does
not, by how much it misses. A claim's verdict is that every condition holds, so the report can say in words
which one failed and by how much.

Every condition reads numbers from a claim's *statistics* (a JSON-ready dict), never from a run's objects: the
same decision is then made on a fresh run, on a cached one (the cache stores the statistics, not the verdict)
and on the synthetic statistics of the negative controls (tests/test_negative_controls.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Condition", "at_least", "at_most", "between", "every", "that", "number", "all_hold"]


@dataclass(frozen=True)
class Condition:
    """One condition of a threshold: ``text`` (what it requires, in words, with the number), ``holds``,
    ``measured`` (what was found, in words) and ``miss`` (by how much it fails, in words; empty when it holds)."""

    text: str
    holds: bool
    measured: str
    miss: str = ""

    def explain(self) -> str:
        """One line: the requirement, what was measured, and the miss when it fails."""
        verdict = "holds" if self.holds else f"FAILS ({self.miss})" if self.miss else "FAILS"
        return f"{self.text}: measured {self.measured}; {verdict}"


def all_hold(conditions: list[Condition]) -> bool:
    """A threshold's verdict: at least one condition, and every one holds."""
    return bool(conditions) and all(c.holds for c in conditions)


def number(value: Any) -> float | None:
    """``value`` as a finite float, or None (None, NaN, infinity and non-numbers are no measurement)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _fmt(x: float | None) -> str:
    return "none (not measured)" if x is None else f"{x:.4g}"


def at_least(text: str, value: Any, bound: float, *, strict: bool = False) -> Condition:
    """``value ≥ bound`` (``value > bound`` when ``strict``); a missing or non-finite value fails."""
    x = number(value)
    holds = x is not None and (x > bound if strict else x >= bound)
    miss = "" if holds else ("no finite value" if x is None else f"{bound - x:.3g} {'short of' if strict else 'below'} {bound:g}")
    return Condition(f"{text} {'above' if strict else 'at least'} {bound:g}", holds, _fmt(x), miss)


def at_most(text: str, value: Any, bound: float, *, strict: bool = False) -> Condition:
    """``value ≤ bound`` (``value < bound`` when ``strict``); a missing or non-finite value fails."""
    x = number(value)
    holds = x is not None and (x < bound if strict else x <= bound)
    miss = "" if holds else ("no finite value" if x is None else f"{x - bound:.3g} {'beyond' if strict else 'above'} {bound:g}")
    return Condition(f"{text} {'below' if strict else 'at most'} {bound:g}", holds, _fmt(x), miss)


def between(text: str, value: Any, low: float, high: float) -> Condition:
    """``low ≤ value ≤ high``; a missing or non-finite value fails."""
    x = number(value)
    holds = x is not None and low <= x <= high
    if holds:
        miss = ""
    elif x is None:
        miss = "no finite value"
    else:
        miss = f"{low - x:.3g} below {low:g}" if x < low else f"{x - high:.3g} above {high:g}"
    return Condition(f"{text} within [{low:g}, {high:g}]", holds, _fmt(x), miss)


def every(text: str, flags: Iterable[Any], of: str = "seeds", values: Iterable[Any] | None = None) -> Condition:
    """Every one of ``flags`` true (and at least one given); ``values``, when given, are the numbers each flag was
    decided on, shown in the measurement."""
    held = [bool(f) for f in flags]
    good = sum(held)
    holds = bool(held) and good == len(held)
    measured = f"{good} of {len(held)} {of}"
    if values is not None:
        measured += " (" + ", ".join(_fmt(number(v)) if number(v) is not None or v is None else str(v) for v in values) + ")"
    miss = "" if holds else ("none given" if not held else f"{len(held) - good} of {len(held)} {of} fail")
    return Condition(f"{text}, in every one of the {of}", holds, measured, miss)


def that(text: str, flag: Any, measured: str, miss: str = "") -> Condition:
    """A condition that is true or false as a whole (an order, an existence): ``measured`` says what was found,
    ``miss`` what went wrong when it fails."""
    holds = bool(flag)
    return Condition(text, holds, measured, "" if holds else (miss or "not so"))
