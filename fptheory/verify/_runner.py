"""Running claims: worker processes, the cache, and the three report files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fptheory._checks import InputError
from fptheory._io import write_json_atomic, write_text_atomic
from fptheory.verify._conditions import all_hold
from fptheory.verify._jobs import JobProgress, reporting, worker_pool
from fptheory.verify._order import longest_first
from fptheory.verify._outcome import Outcome, code_unchanged, run_claim
from fptheory.verify._registry import CLAIMS, Claim, load_builtin
from fptheory.verify._thresholds import ledger_rows

__all__ = ["Outcome", "verify", "exit_status", "cache_key", "run_claim"]


def _version() -> str:
    from fptheory import __version__

    return __version__


def cache_key(claim_id: str, settings: dict[str, Any]) -> str:
    """sha256 of (claim id, settings, package version): the cache entry's name. Its validity also needs the
    code it ran to be unchanged (:func:`code_hashes`)."""
    text = json.dumps({"id": claim_id, "settings": settings, "version": _version()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _worker(claim_id: str, settings: dict[str, Any], out: str) -> dict[str, Any]:
    """A worker process's entry: load the registry, run the claim, return the outcome as a dict."""
    claims = load_builtin()
    return asdict(run_claim(claims[claim_id], settings, Path(out)))


#: the fields of a cached outcome and the types they must have (an entry edited by hand, or cut short, is recomputed)
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str, "statement": str, "source": str, "statistic": str, "threshold": str, "settings": dict, "verdict": str,
    "key": str, "evidence": dict, "seconds": (int, float), "figure": (str, type(None)), "code": dict, "cached": bool,
    "kind": str, "conditions": list}


def _cached(path: Path, out: Path, claim: Claim, notice: Callable[[str], None]) -> Outcome | None:
    """The cached outcome at ``path`` if it is readable, well-formed, its figure is there and its code is unchanged.

    The cache stores evidence, not a verdict to trust: a claim with a ``decide`` is decided again from the cached
    statistics, so a cached verdict is always its judge's. An entry that does not parse, has fields of the wrong
    type, or whose statistics its judge cannot decide is recomputed, and ``notice`` says so in one line."""
    if not path.is_file():
        return None

    def refuse(why: str) -> None:
        notice(f"{claim.id}: cache entry {path.name} {why}; recomputing")

    try:
        data = json.loads(path.read_text())
    except (ValueError, OSError, UnicodeDecodeError):
        refuse("does not parse")
        return None
    if not isinstance(data, dict):
        refuse("is not an outcome")
        return None
    wrong = [name for name, kind in _FIELD_TYPES.items() if name in data and (
        not isinstance(data[name], kind) or (kind == (int, float) and isinstance(data[name], bool)))]
    missing = [name for name in ("id", "verdict", "key", "evidence", "seconds", "settings") if name not in data]
    unknown = [name for name in data if name not in _FIELD_TYPES]
    if wrong or missing or unknown or data.get("verdict") not in ("holds", "fails") or data.get("id") != claim.id:
        refuse(f"has fields of the wrong type or value ({', '.join(wrong + missing + unknown) or 'verdict or id'})")
        return None
    outcome = Outcome(**data)
    if outcome.figure is not None and not (out / outcome.figure).is_file():
        return None
    if not code_unchanged(outcome.code):
        return None
    if claim.decide is not None:
        try:
            conditions = claim.decide(outcome.evidence)
        except Exception as exc:  # statistics its judge cannot read: not this judge's evidence
            refuse(f"holds statistics its judge cannot decide ({type(exc).__name__})")
            return None
        outcome.verdict = "holds" if all_hold(conditions) else "fails"
        outcome.conditions = [asdict(c) for c in conditions]
    outcome.kind = claim.kind
    outcome.cached = True
    return outcome


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """While the workers run, SIGTERM (``kill``, a batch system ending the job) stops them as Ctrl-C does,
    instead of killing this process and leaving them orphaned. The previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def verify(claims: list[Claim], *, quick: bool, out: str | Path, jobs: int = 2, use_cache: bool = True,
           progress: Callable[[Outcome, int, int], None] | None = None, scheduler: str | None = None,
           job_progress: JobProgress | None = None, notice: Callable[[str], None] | None = None,
           started: Callable[[], None] | None = None) -> list[Outcome]:
    """Decide ``claims`` and write ``out/result.json``, ``out/report.md`` and ``out/report.html``.

    Args:
        claims: the claims to decide (:func:`load_builtin`, or your own :class:`Claim` objects).
        quick: each claim's quick settings (minutes in all) or its full ones.
        out: the output folder, checked (writable, not a file) before any work.
        jobs: worker processes (≥ 1; 1 runs the claims in this process), one BLAS/OpenMP thread each.
        use_cache: reuse an outcome cached under ``out`` when the claim's settings and the code that decides
            it are unchanged (a hash of the modules it loads).
        progress: called as ``progress(outcome, done, total)`` after each claim.
        scheduler: run the claims on Dask (:mod:`fptheory.verify._cluster`): "local" starts a local cluster of
            ``jobs`` worker processes; an address (``tcp://host:8786``) uses that cluster. None: worker processes here.
        job_progress: called as ``job_progress(claim_id, done, total, eta)`` while a claim runs, with its
            computation's steps (training steps, samples), from worker processes too (not on Dask).
        notice: called with one line when a cache entry is refused (it does not parse, its fields have the wrong
            types, or its judge cannot decide its statistics) and recomputed.
        started: called once ``out`` is checked and locked, before any claim runs (the command's banner, so that a
            refused folder is the only line the user sees).

    Returns:
        the outcomes in the order of ``claims``. Ctrl-C stops the workers at once and writes no report (the
        claims finished so far stay in the cache). ``out`` is checked first (:func:`check_layout`) and locked for
        the run: a second run into the same folder meanwhile is refused (``InputError``)."""
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise InputError(f"jobs must be an integer >= 1; got {jobs!r}")
    began = time.perf_counter()
    out = Path(out)
    check_layout(out, [c.id for c in claims])
    (out / "cache").mkdir(parents=True, exist_ok=True)
    with _folder_lock(out):
        if started is not None:
            started()
        return _verify(claims, quick=quick, out=out, jobs=jobs, use_cache=use_cache, progress=progress,
                       scheduler=scheduler, job_progress=job_progress, notice=notice, began=began)


#: the lock file a run holds in its output folder (fcntl.flock, released when the run ends or its process dies)
LOCK_NAME = ".fptheory-verify.lock"


@contextlib.contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock for the run: a second ``verify`` into the same folder is refused in one line instead of
    the two silently overwriting each other's reports. Where the platform has no ``fcntl`` the run goes unlocked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(out / LOCK_NAME, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"--out {str(out)!r} is in use by another fptheory verify run; wait for it to end or "
                             "choose another folder") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _verify(claims: list[Claim], *, quick: bool, out: Path, jobs: int, use_cache: bool,
            progress: Callable[[Outcome, int, int], None] | None, scheduler: str | None,
            job_progress: JobProgress | None, notice: Callable[[str], None] | None, began: float) -> list[Outcome]:
    """:func:`verify`'s work, with the folder checked and locked."""
    compilation_cache = compilation_cache_state()
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[Claim, dict[str, Any], Path]] = []
    for claim in claims:
        settings = claim.settings(quick)
        entry = out / "cache" / f"{claim.id}-{cache_key(claim.id, settings)}.json"
        hit = _cached(entry, out, claim, notice or (lambda line: None)) if use_cache else None
        if hit is not None:
            outcomes[claim.id] = hit
            if progress:
                progress(hit, len(outcomes), len(claims))
        else:
            todo.append((claim, settings, entry))
    if jobs > 1 and len(todo) > 1:  # the longest expected first, so that the workers finish together (_order)
        todo = [todo[i] for i in longest_first([claim.id for claim, _, _ in todo], quick=quick, cache=out / "cache")]

    def finish(outcome: Outcome, entry: Path) -> None:
        outcomes[outcome.id] = outcome
        if outcome.verdict != "error":  # errors are not cached: the next run tries again
            write_json_atomic(entry, asdict(outcome))
        if progress:
            progress(outcome, len(outcomes), len(claims))

    if scheduler is not None and todo:
        from fptheory.verify._cluster import run_on_cluster

        run_on_cluster(todo, out, lambda done, entry: finish(Outcome(**done), entry), scheduler=scheduler, workers=jobs)
    elif jobs == 1 or len(todo) <= 1:
        with reporting(job_progress):
            for claim, settings, entry in todo:
                finish(run_claim(claim, settings, out), entry)
    else:
        with worker_pool(jobs, job_progress) as pool, _terminate_like_interrupt():
            pending: dict[Future, tuple[Claim, dict[str, Any], Path]] = {
                pool.submit(_worker, claim.id, settings, str(out)): (claim, settings, entry)
                for claim, settings, entry in todo
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    claim, settings, entry = pending.pop(future)
                    try:
                        outcome = Outcome(**future.result())
                    except Exception as exc:  # a worker that died is this claim's error
                        outcome = Outcome(claim.id, claim.statement, claim.source.cite(), claim.statistic,
                                          claim.threshold, settings, "error",
                                          f"worker failed: {type(exc).__name__}: {exc}"[:200], {}, 0.0, None,
                                          kind=claim.kind)
                    finish(outcome, entry)
    ordered = [outcomes[c.id] for c in claims]
    run = {"version": _version(), "scale": "quick" if quick else "full", "jobs": jobs, "scheduler": scheduler,
           "wall_seconds": time.perf_counter() - began, "from_cache": sum(o.cached for o in ordered),
           "compilation_cache": compilation_cache, "ledger": ledger_rows(claims)}
    write_reports(ordered, out, run)
    return ordered


def compilation_cache_state() -> dict[str, Any] | None:
    """The persistent JAX compilation cache this run's claims use (``JAX_COMPILATION_CACHE_DIR``, which the command
    sets: :mod:`fptheory._compilation_cache`) and how many compiled programs it held at the start: 0 is a cold run,
    which compiles everything. None where no persistent cache is in use."""
    import os

    folder = os.environ.get("JAX_COMPILATION_CACHE_DIR")
    if not folder:
        return None
    path = Path(folder)
    programs = sum(1 for entry in path.iterdir() if entry.is_file()) if path.is_dir() else 0
    return {"folder": str(path), "programs_at_start": programs}


def check_layout(out: Path, claim_ids: list[str]) -> None:
    """Before any work: every path a run writes under ``out`` can be written there, so that no claim's hours end
    in an error at the last step. The reports and result.json must not be folders; the cache, ``claims`` and each
    claim's folder must not be files (``InputError`` naming the path otherwise)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; it must be a folder (existing or to be created)")
    for name in ("result.json", "report.md", "report.html"):
        if (out / name).is_dir():
            raise InputError(f"{str(out / name)!r} is a folder; verify writes its {name} there (move it away)")
    for folder in [out / "cache", out / "claims", *(out / "claims" / cid for cid in claim_ids)]:
        if folder.exists() and not folder.is_dir():
            raise InputError(f"{str(folder)!r} is a file; verify keeps a folder there (move it away)")


def exit_status(outcomes: list[Outcome]) -> int:
    """0 when every claim holds, 1 when one fails (and none errs), 2 on an error.

    Args:
        outcomes: the :class:`Outcome` s of one run.

    Returns:
        the process exit status, 0, 1 or 2.
    """
    verdicts = {o.verdict for o in outcomes}
    return 2 if "error" in verdicts else (1 if "fails" in verdicts else 0)


def write_reports(outcomes: list[Outcome], out: Path, run: dict[str, Any]) -> None:
    """``out/result.json`` (the run and every outcome), ``out/report.md`` and ``out/report.html``."""
    from fptheory.verify._report import report_html, report_markdown

    claims = []
    for o in outcomes:
        row = asdict(o)
        row.pop("code")
        claims.append(row)
    data = {**run, "claims": claims}
    write_json_atomic(out / "result.json", data)
    write_text_atomic(out / "report.md", report_markdown(data))
    write_text_atomic(out / "report.html", report_html(data, out))


def select(pattern: str | None) -> list[Claim]:
    """The registered claims whose id matches the glob ``pattern`` (all when None), in registry order."""
    import fnmatch

    claims = list(load_builtin().values())
    if pattern is None:
        return claims
    chosen = [c for c in claims if fnmatch.fnmatch(c.id, pattern)]
    if not chosen:
        raise InputError(f"--only {pattern!r} matches no claim; known: {', '.join(CLAIMS)}")
    return chosen
