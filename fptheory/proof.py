"""Proofs as sequences of named steps, each step checked by code.

A :class:`Proof` is a list of :class:`Step`; a step states one fact in words and carries a check that
decides it: a sympy identity (:func:`sympy_identity`), an inequality checked with mpmath interval
arithmetic on a stated range (:func:`interval_bound`), or an agreement of numbers to a stated number of
digits (:func:`digits_agree`). A check returns its evidence as a string, or raises :class:`StepFailed`.

The proofs themselves live in the repository's top-level ``proofs/`` directory, one module per result,
each defining ``PROOF``; :func:`load_proofs` finds and imports them.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Literal, Sequence

import mpmath
import sympy as sp

__all__ = [
    "Verdict",
    "StepFailed",
    "Step",
    "Proof",
    "StepResult",
    "run_proof",
    "proofs_directory",
    "load_proofs",
    "sympy_identity",
    "interval_bound",
    "digits_agree",
]

Verdict = Literal["holds", "fails", "error"]


class StepFailed(AssertionError):
    """A step's check ran and found the statement false."""


@dataclass(frozen=True)
class Step:
    """One named step: a statement and the code that decides it (returns evidence or raises)."""

    name: str
    statement: str
    check: Callable[[], str]


@dataclass(frozen=True)
class Proof:
    """A result (with its source in the literature) and the steps that establish it."""

    name: str
    title: str
    source: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class StepResult:
    proof: str
    step: str
    statement: str
    verdict: Verdict
    evidence: str
    seconds: float


def run_proof(proof: Proof, *, on_step: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run every step of ``proof`` in order; a failing or broken step does not stop the others."""
    results = []
    for step in proof.steps:
        start = time.perf_counter()
        try:
            evidence, verdict = step.check(), "holds"
        except StepFailed as exc:
            evidence, verdict = str(exc), "fails"
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, not raised
            evidence, verdict = f"{type(exc).__name__}: {exc}", "error"
        result = StepResult(proof.name, step.name, step.statement, verdict, evidence, time.perf_counter() - start)
        results.append(result)
        if on_step is not None:
            on_step(result)
    return results


def proofs_directory() -> Path:
    """The ``proofs/`` directory: ``$FPTHEORY_PROOFS``, else beside the package source, else ``./proofs``."""
    candidates = [os.environ.get("FPTHEORY_PROOFS"), Path(__file__).resolve().parents[1] / "proofs", Path.cwd() / "proofs"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise FileNotFoundError(
        "proofs directory not found: run from a checkout of fptheory, or set FPTHEORY_PROOFS / pass --dir"
    )


def load_proofs(directory: str | Path | None = None) -> list[Proof]:
    """Import every ``*.py`` in ``directory`` (sorted by name) and collect its ``PROOF``."""
    folder = Path(directory) if directory is not None else proofs_directory()
    if not folder.is_dir():
        raise FileNotFoundError(f"proofs directory {str(folder)!r} does not exist")
    proofs = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"fptheory_proofs_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        proof = getattr(module, "PROOF", None)
        if not isinstance(proof, Proof):
            raise ValueError(f"{path} defines no PROOF of type fptheory.proof.Proof")
        proofs.append(proof)
    return proofs


def sympy_identity(lhs: sp.Expr, rhs: sp.Expr) -> str:
    """Check ``lhs == rhs`` symbolically: simplify(lhs - rhs), then its exp-rewritten form, must be 0."""
    difference = sp.simplify(lhs - rhs)
    if difference != 0:
        difference = sp.simplify(sp.expand(difference.rewrite(sp.exp)))
    if difference != 0:
        raise StepFailed(f"lhs - rhs simplifies to {difference}, not 0")
    return "sympy: simplify(lhs - rhs) = 0"


def interval_bound(
    f: Callable[..., mpmath.ctx_iv.ivmpf],
    lo: float | Sequence[tuple[float, float]],
    hi: float | None = None,
    *,
    lower: float | None = None,
    upper: float | None = None,
    pieces: int = 64,
) -> str:
    """Check ``lower <= f(t) <= upper`` on a range or a box with mpmath interval arithmetic.

    One variable: ``interval_bound(f, lo, hi)``; several: ``interval_bound(f, [(lo1, hi1), (lo2, hi2)])``.
    Each range is cut into ``pieces`` intervals (a last piece may reach ``inf``) and f is evaluated on
    every box of the product as intervals, which enclose the true range: a pass is a proof.
    """
    ranges = [(lo, hi)] if hi is not None else list(lo)  # type: ignore[arg-type]
    iv = mpmath.iv
    cuts = []
    for a, b in ranges:
        finite_b = b if b != float("inf") else max(2 * abs(a), a + 1)
        edges = [a + (finite_b - a) * i / pieces for i in range(pieces + 1)]
        edges[-1] = b
        cuts.append(list(zip(edges[:-1], edges[1:])))
    enclosure_lo, enclosure_hi = mpmath.inf, -mpmath.inf
    for box in itertools.product(*cuts):
        value = f(*(iv.mpf([a, b]) for a, b in box))
        low, high = mpmath.mpf(value.a), mpmath.mpf(value.b)  # endpoints, rounded outwards
        enclosure_lo, enclosure_hi = min(enclosure_lo, low), max(enclosure_hi, high)
        if (lower is not None and low < lower) or (upper is not None and high > upper):
            raise StepFailed(f"on {box} the enclosure {value} leaves [{lower}, {upper}]")
    where = " × ".join(f"[{a}, {b}]" for a, b in ranges)
    return (
        f"interval arithmetic on {where} in {pieces}^{len(ranges)} boxes: range within "
        f"[{mpmath.nstr(enclosure_lo, 8)}, {mpmath.nstr(enclosure_hi, 8)}] ⊂ [{lower}, {upper}]"
    )


def digits_agree(values: Iterable, references: Iterable, digits: int, what: str) -> str:
    """Check that every value agrees with its reference to ``digits`` significant digits."""
    worst = mpmath.mpf(0)
    count = 0
    for value, reference in zip(values, references, strict=True):
        scale = max(abs(reference), mpmath.mpf(10) ** (-mpmath.mp.dps))
        worst = max(worst, abs(value - reference) / scale)
        count += 1
    if worst > mpmath.mpf(10) ** (-digits):
        raise StepFailed(f"{what}: worst relative difference {mpmath.nstr(worst, 3)} > 1e-{digits}")
    return f"{what}: {count} values agree to {digits} digits (worst relative difference {mpmath.nstr(worst, 3)})"
