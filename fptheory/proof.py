"""Proofs as sequences of named steps, each step checked by code.

A :class:`Proof` is a list of :class:`Step`; a step states one fact in words and carries a check that
decides it. A step of kind ``"proof"`` is rigorous: an exact sympy identity (:func:`sympy_identity`) or an
inequality checked with mpmath interval arithmetic over its whole stated range (:func:`interval_bound`);
the proof holds when all of them hold. A step of kind ``"check"`` is evidence, not proof — agreement of
numbers at chosen points (:func:`digits_agree`), a property seen on random samples, a statistical
estimate — and is reported apart from the proof's verdict. A check returns its evidence as a string, or
raises :class:`StepFailed`.

The proofs live in the repository's top-level ``proofs/`` directory, installed as the package
``fptheory.proofs`` (one module per result, each defining ``PROOF``); :func:`load_proofs` imports them
from the installed package, never from the current directory.
"""

from __future__ import annotations

import importlib
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mpmath
import sympy as sp

from fptheory._checks import InputError

__all__ = [
    "Verdict",
    "StepKind",
    "StepFailed",
    "ProofsError",
    "Step",
    "Proof",
    "StepResult",
    "run_proof",
    "proof_verdict",
    "load_proofs",
    "sympy_identity",
    "interval_bound",
    "digits_agree",
]

Verdict = Literal["holds", "fails", "error"]
StepKind = Literal["proof", "check"]


class StepFailed(AssertionError):
    """A step's check ran and found the statement false."""


class ProofsError(RuntimeError):
    """The installed proofs are missing or broken (no proof module, or one that fails to import)."""


@dataclass(frozen=True)
class Step:
    """One named step: a statement and the code that decides it (returns evidence or raises). ``kind``:
    "proof" (a sympy identity or an interval bound: rigorous) or "check" (evidence reported apart)."""

    name: str
    statement: str
    check: Callable[[], str]
    kind: StepKind = "proof"

    def __post_init__(self) -> None:
        if self.kind not in ("proof", "check"):
            raise InputError(f"step kind must be 'proof' or 'check'; got {self.kind!r}")


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
    kind: StepKind = "proof"


def proof_verdict(results: Sequence[StepResult]) -> Verdict:
    """The proof's verdict from its rigorous steps alone: error if one broke, fails if one failed.

    Args:
        results: the proof's :class:`StepResult` s.

    Returns:
        "holds", "fails" or "error".
    """
    rigorous = [r.verdict for r in results if r.kind == "proof"]
    if not rigorous:
        return "error"
    return "error" if "error" in rigorous else ("fails" if "fails" in rigorous else "holds")


def run_proof(proof: Proof, *, on_step: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run every step of ``proof`` in order; a failing or broken step does not stop the others.

    Args:
        proof: the :class:`Proof` whose steps to run.
        on_step: called with each step's :class:`StepResult` as it finishes (progress), or None.

    Returns:
        one :class:`StepResult` per step, in the proof's order; :func:`proof_verdict` reads the verdict from them.
    """
    results = []
    for step in proof.steps:
        start = time.perf_counter()
        verdict: Verdict
        try:
            evidence, verdict = step.check(), "holds"
        except StepFailed as exc:
            evidence, verdict = str(exc), "fails"
        except Exception as exc:  # a broken check is reported, not raised
            evidence, verdict = f"{type(exc).__name__}: {exc}", "error"
        result = StepResult(proof.name, step.name, step.statement, verdict, evidence, time.perf_counter() - start,
                            step.kind)
        results.append(result)
        if on_step is not None:
            on_step(result)
    return results


def load_proofs() -> list[Proof]:
    """Import every module of the installed package ``fptheory.proofs`` (sorted by name) and collect its
    ``PROOF``. ``ProofsError`` when the package is missing, holds no proof module, or a module fails to
    import or defines no ``PROOF``: a broken proofs folder is an error, never "0 proofs hold"."""
    import pkgutil

    try:
        package = importlib.import_module("fptheory.proofs")
    except ImportError as exc:
        import fptheory

        root = Path(fptheory.__file__).resolve().parent.parent
        if (root / "proofs").is_dir() and (root / "pyproject.toml").is_file():
            raise ProofsError(f"fptheory is imported from the source tree {root} (python -m fptheory run inside the "
                              "checkout?), where proofs/ becomes fptheory.proofs only when installed: run the "
                              "installed `fptheory` command, or install with `pip install -e .`") from None
        raise ProofsError(f"the proofs package fptheory.proofs is not installed ({exc}); reinstall fptheory") from None
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    if not names:
        raise ProofsError(f"the proofs package holds no proof module ({', '.join(package.__path__)})")
    proofs = []
    for name in names:
        try:
            module = importlib.import_module(f"fptheory.proofs.{name}")
        except Exception as exc:  # reported as a broken proofs package
            raise ProofsError(f"proof module {name!r} fails to import: {type(exc).__name__}: {exc}") from exc
        proof = getattr(module, "PROOF", None)
        if not isinstance(proof, Proof):
            raise ProofsError(f"proof module {name!r} defines no PROOF of type fptheory.proof.Proof")
        proofs.append(proof)
    return proofs


def sympy_identity(lhs: sp.Expr, rhs: sp.Expr) -> str:
    """Check ``lhs == rhs`` symbolically: simplify(lhs - rhs), then its exp-rewritten form, must be 0.

    Args:
        lhs, rhs: the two sides.

    Returns:
        a one-line account of the check; raises ``StepFailed`` (the step fails) where the difference does not
        simplify to 0.
    """
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

    Args:
        f: the function, evaluated on mpmath intervals (``mpmath.iv``).
        lo, hi: one variable's range; or ``lo`` a list of (lo, hi) ranges, one per variable, and ``hi`` None.
        lower, upper: the bounds to prove (at least one).
        pieces: intervals per range.

    Returns:
        a one-line account of the bound proven; raises ``StepFailed`` (the step fails) where a box's enclosure
        crosses a bound.
    """
    ranges: list[tuple[float, float]] = [(float(lo), hi)] if hi is not None else list(lo)  # type: ignore[arg-type]
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
    """Check that every value agrees with its reference to ``digits`` significant digits.

    Args:
        values: the computed values.
        references: their references, one each.
        digits: the significant digits required.
        what: the name of the quantity, for the message.

    Returns:
        a one-line account with the worst agreement; raises ``StepFailed`` (the step fails) where one disagrees.
    """
    worst = mpmath.mpf(0)
    count = 0
    for value, reference in zip(values, references, strict=True):
        scale = max(abs(reference), mpmath.mpf(10) ** (-mpmath.mp.dps))
        worst = max(worst, abs(value - reference) / scale)
        count += 1
    if worst > mpmath.mpf(10) ** (-digits):
        raise StepFailed(f"{what}: worst relative difference {mpmath.nstr(worst, 3)} > 1e-{digits}")
    return f"{what}: {count} values agree to {digits} digits (worst relative difference {mpmath.nstr(worst, 3)})"
