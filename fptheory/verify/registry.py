"""The registry of claims: what each states, where it comes from, and the code that decides it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

__all__ = ["Claim", "Evidence", "CLAIMS", "register", "load_builtin"]


@dataclass
class Evidence:
    """What a check found: whether the statement holds, the key number in words (for the table), details
    (JSON-ready numbers), and the figure it wrote (a path inside the claim's folder) if any."""

    holds: bool
    key: str
    details: dict[str, Any] = field(default_factory=dict)
    figure: Path | None = None


@dataclass(frozen=True)
class Claim:
    """``statement``: one sentence with the paper and equation or figure it comes from; ``decided_by``: the
    check in words; ``settings(quick)`` a JSON-ready dict; ``check(settings, folder)`` runs it and returns
    :class:`Evidence` (it may write files, a figure among them, into ``folder``)."""

    id: str
    statement: str
    decided_by: str
    settings: Callable[[bool], dict[str, Any]]
    check: Callable[[dict[str, Any], Path], Evidence]


CLAIMS: dict[str, Claim] = {}

_BUILTIN = ("fptheory.verify.claims",)


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (ids are unique)."""
    if claim.id in CLAIMS and CLAIMS[claim.id] is not claim:
        raise ValueError(f"a claim with id {claim.id!r} is already registered")
    CLAIMS[claim.id] = claim
    return claim


def load_builtin() -> dict[str, Claim]:
    """Import the package's claim modules (they register themselves) and return the registry."""
    for name in _BUILTIN:
        importlib.import_module(name)
    return CLAIMS
