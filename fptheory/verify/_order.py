"""The order claims start in: the longest expected first.

With two workers and claims of 2 s to 80 s, the registry's order (derivations first, the longest experiments
last) leaves one worker on a long claim while the other idles. Starting the longest first (Graham's LPT rule:
wall time at most 4/3 of the best schedule's) fixes that. The expected seconds of a claim at a scale are, first,
its own last run into this output folder (any cache entry of that claim and scale, the newest), else the
package's ``durations.json``, written from the ``result.json`` of verify runs::

    python -c "from fptheory.verify._order import write_durations; write_durations(['out/verify'])"

A claim with neither (one of your own) starts first, in registry order: its cost is unknown, so it may be long.
The order changes no verdict, only when each claim starts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from fptheory._io import write_json_atomic

__all__ = ["DURATIONS", "expected_seconds", "longest_first", "write_durations"]

DURATIONS = Path(__file__).with_name("durations.json")


def _shipped(scale: str) -> dict[str, float]:
    try:
        data = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}
    table = data.get(scale, {}) if isinstance(data, dict) else {}
    return {k: float(v) for k, v in table.items() if isinstance(v, (int, float)) and math.isfinite(v) and v >= 0}


def _from_cache(cache: Path, scale: str) -> dict[str, float]:
    """Each claim's seconds in its newest cache entry at ``scale`` (entries that do not parse are skipped)."""
    found: dict[str, tuple[float, float]] = {}
    for entry in cache.glob("*.json") if cache.is_dir() else ():
        try:
            data = json.loads(entry.read_text())
            claim, seconds, quick = data["id"], float(data["seconds"]), data["settings"].get("quick")
            modified = entry.stat().st_mtime
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if isinstance(claim, str) and quick == (scale == "quick") and math.isfinite(seconds) and seconds >= 0 \
                and modified >= found.get(claim, (-math.inf, 0.0))[0]:
            found[claim] = (modified, seconds)
    return {claim: seconds for claim, (_, seconds) in found.items()}


def expected_seconds(claim_ids: Sequence[str], *, quick: bool, cache: Path) -> dict[str, float]:
    """The expected seconds of each claim at the scale (module docstring); a claim with no record is absent."""
    scale = "quick" if quick else "full"
    known = {**_shipped(scale), **_from_cache(cache, scale)}
    return {cid: known[cid] for cid in claim_ids if cid in known}


def longest_first(claim_ids: Sequence[str], *, quick: bool, cache: Path) -> list[int]:
    """Indices into ``claim_ids`` in starting order: claims with no record first (registry order), then the rest
    by expected seconds, longest first (ties in registry order)."""
    expected = expected_seconds(claim_ids, quick=quick, cache=cache)
    return sorted(range(len(claim_ids)), key=lambda i: (claim_ids[i] in expected, -expected.get(claim_ids[i], 0.0), i))


def write_durations(folders: Sequence[str | Path], path: Path = DURATIONS) -> Path:
    """Merge the claims' seconds of verify runs (the ``result.json`` in each output folder) into ``path``, by
    scale; claims a run took from its cache (or that erred) keep their earlier number."""
    from fptheory.verify._report import load_run

    runs = [load_run(folder) for folder in folders]
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    for run in runs:
        table = data.setdefault(run["scale"], {})
        for claim in run["claims"]:
            if not claim.get("cached") and claim.get("verdict") != "error":
                table[claim["id"]] = round(float(claim["seconds"]), 1)
    write_json_atomic(path, {scale: dict(sorted(table.items())) for scale, table in sorted(data.items())})
    return path

