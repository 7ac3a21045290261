"""One claim's outcome: running its check in this process (:func:`run_claim`), the record it leaves
(:class:`Outcome`, what result.json and the cache hold) and the hashes of the code that decided it. The runner
(:mod:`fptheory.verify._runner`) and the Dask path (:mod:`fptheory.verify._cluster`) both run claims through here."""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fptheory._json import jsonable
from fptheory.proof import Verdict
from fptheory.verify._jobs import running
from fptheory.verify._registry import Claim

__all__ = ["Outcome", "run_claim", "code_hashes", "code_unchanged"]


@dataclass
class Outcome:
    id: str
    statement: str
    source: str
    statistic: str
    threshold: str
    settings: dict[str, Any]
    verdict: Verdict
    key: str
    evidence: dict[str, Any]
    seconds: float
    figure: str | None  # relative to the output folder
    code: dict[str, str] = field(default_factory=dict)  # module -> sha256 of its source, when the claim finished
    cached: bool = False
    kind: str = "empirical"  # "derivation" or "empirical" (fptheory.verify.Claim.kind)
    conditions: list[dict[str, Any]] = field(default_factory=list)  # the threshold's conditions, as decided


def _file_hash(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def code_hashes(claim: Claim) -> dict[str, str]:
    """sha256 of the source of every loaded module of fptheory (the proofs included) and of the module that
    defines the claim: the code that can have decided it. Taken when the claim has run, so that the modules it
    imported on the way are in."""
    tracked = {getattr(claim.compute, "__module__", ""), getattr(claim.judge, "__module__", "")}
    out = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and (name == "fptheory" or name.startswith("fptheory.") or name in tracked):
            digest = _file_hash(path)
            if digest is not None:
                out[name] = f"{path}:{digest}"
    return out


def code_unchanged(code: dict[str, str]) -> bool:
    """True when every recorded module's source file still has the recorded hash."""
    if not code:
        return False
    for entry in code.values():
        path, _, digest = entry.rpartition(":")
        if _file_hash(path) != digest:
            return False
    return True


def run_claim(claim: Claim, settings: dict[str, Any], out: Path) -> Outcome:
    """Run one claim's check in this process; a check that raises gives verdict "error"."""
    folder = out / "claims" / claim.id
    shutil.rmtree(folder, ignore_errors=True)  # no figure of an earlier run may pose as this one's
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    conditions: list[dict[str, Any]] = []
    try:
        with running(claim.id):  # its computation's steps report under its id (fptheory.verify._jobs)
            found = claim.check(settings, folder)
        verdict: Verdict = "holds" if found.holds else "fails"
        key, details = found.key, jsonable(found.details)
        conditions = [asdict(c) for c in found.conditions]
        figure = str(Path(found.figure).resolve().relative_to(out.resolve())) if found.figure is not None else None
    except Exception as exc:  # an error in one claim is reported, not raised
        verdict, key, figure = "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:200], None
        details = {"traceback": traceback.format_exc(limit=6)}
    return Outcome(claim.id, claim.statement, claim.source.cite(), claim.statistic, claim.threshold, settings, verdict,
                   key, details, time.perf_counter() - began, figure, code_hashes(claim), kind=claim.kind,
                   conditions=conditions)
