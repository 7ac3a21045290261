"""Running claims: worker processes, the cache, and the three report files."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from fptheory.io import write_json_atomic, write_text_atomic
from fptheory.proof import Verdict
from fptheory.verify.registry import CLAIMS, Claim, load_builtin

__all__ = ["Outcome", "verify", "exit_status", "cache_key", "run_claim"]


@dataclass
class Outcome:
    id: str
    statement: str
    decided_by: str
    settings: dict[str, Any]
    verdict: Verdict
    key: str
    evidence: dict[str, Any]
    seconds: float
    figure: str | None  # relative to the output folder
    cached: bool = False


def _version() -> str:
    from fptheory import __version__

    return __version__


def cache_key(claim_id: str, settings: dict[str, Any]) -> str:
    """sha256 of (claim id, settings, package version)."""
    text = json.dumps({"id": claim_id, "settings": settings, "version": _version()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _finite(value: Any) -> Any:
    """Evidence made JSON-safe: non-finite floats become None (no NaN or inf in a result file)."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_claim(claim: Claim, settings: dict[str, Any], out: Path) -> Outcome:
    """Run one claim's check in this process; a check that raises gives verdict "error"."""
    folder = out / "claims" / claim.id
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    try:
        found = claim.check(settings, folder)
        verdict: Verdict = "holds" if found.holds else "fails"
        key, details = found.key, _finite(found.details)
        figure = str(Path(found.figure).resolve().relative_to(out.resolve())) if found.figure is not None else None
    except Exception as exc:  # noqa: BLE001 - an error in one claim is reported, not raised
        verdict, key, figure = "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:200], None
        details = {"traceback": traceback.format_exc(limit=6)}
    return Outcome(claim.id, claim.statement, claim.decided_by, settings, verdict, key, details,
                   time.perf_counter() - began, figure)


def _worker(claim_id: str, settings: dict[str, Any], out: str) -> dict[str, Any]:
    """A worker process's entry: load the registry, run the claim, return the outcome as a dict."""
    claims = load_builtin()
    return asdict(run_claim(claims[claim_id], settings, Path(out)))


def _cached(path: Path, out: Path) -> Outcome | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        outcome = Outcome(**data)
    except (ValueError, TypeError):
        return None
    if outcome.figure is not None and not (out / outcome.figure).is_file():
        return None
    outcome.cached = True
    return outcome


def verify(claims: list[Claim], *, quick: bool, out: str | Path, jobs: int = 2, use_cache: bool = True,
           progress: Callable[[Outcome, int, int], None] | None = None) -> list[Outcome]:
    """Run ``claims`` (cached outcomes reused unless ``use_cache`` is False), ``jobs`` at a time in worker
    processes (``jobs = 1``: in this process), and write ``out/result.json``, ``out/report.md`` and
    ``out/report.html``. Returns the outcomes in the order of ``claims``."""
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1; got {jobs!r}")
    out = Path(out)
    (out / "cache").mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[Claim, dict[str, Any], Path]] = []
    for claim in claims:
        settings = claim.settings(quick)
        entry = out / "cache" / f"{claim.id}-{cache_key(claim.id, settings)}.json"
        hit = _cached(entry, out) if use_cache else None
        if hit is not None:
            outcomes[claim.id] = hit
            if progress:
                progress(hit, len(outcomes), len(claims))
        else:
            todo.append((claim, settings, entry))

    def finish(outcome: Outcome, entry: Path) -> None:
        outcomes[outcome.id] = outcome
        if outcome.verdict != "error":  # errors are not cached: the next run tries again
            write_json_atomic(entry, asdict(outcome))
        if progress:
            progress(outcome, len(outcomes), len(claims))

    if jobs == 1 or len(todo) <= 1:
        for claim, settings, entry in todo:
            finish(run_claim(claim, settings, out), entry)
    else:
        import multiprocessing

        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
        try:
            pending: dict[Future, tuple[Claim, dict[str, Any], Path]] = {
                pool.submit(_worker, claim.id, settings, str(out)): (claim, settings, entry) for claim, settings, entry in todo
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    claim, settings, entry = pending.pop(future)
                    try:
                        outcome = Outcome(**future.result())
                    except Exception as exc:  # noqa: BLE001 - a worker that died is this claim's error
                        outcome = Outcome(claim.id, claim.statement, claim.decided_by, settings, "error",
                                          f"worker failed: {type(exc).__name__}: {exc}"[:200], {}, 0.0, None)
                    finish(outcome, entry)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    ordered = [outcomes[c.id] for c in claims]
    write_reports(ordered, out, quick=quick)
    return ordered


def exit_status(outcomes: list[Outcome]) -> int:
    """0 when every claim holds, 1 when one fails (and none errs), 2 on an error."""
    verdicts = {o.verdict for o in outcomes}
    return 2 if "error" in verdicts else (1 if "fails" in verdicts else 0)


def write_reports(outcomes: list[Outcome], out: Path, *, quick: bool) -> None:
    scale = "quick" if quick else "full"
    write_json_atomic(out / "result.json", {
        "version": _version(),
        "scale": scale,
        "claims": [{"id": o.id, "statement": o.statement, "decided_by": o.decided_by, "settings": o.settings,
                    "verdict": o.verdict, "key": o.key, "evidence": o.evidence, "seconds": o.seconds,
                    "figure": o.figure, "cached": o.cached} for o in outcomes],
    })
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("holds", "fails", "error")}
    summary = f"{counts['holds']} hold, {counts['fails']} fail, {counts['error']} errors ({scale} scale, fptheory {_version()})"
    md = [f"# fptheory verify\n\n{summary}\n", "| claim | verdict | key number | seconds |", "|---|---|---|---|"]
    md += [f"| {o.id} | {o.verdict} | {o.key.replace('|', '/')} | {o.seconds:.1f}{' (cached)' if o.cached else ''} |"
           for o in outcomes]
    for o in outcomes:
        md += [f"\n## {o.id}: {o.verdict}\n", f"**Statement.** {o.statement}\n", f"**Decided by.** {o.decided_by}\n",
               f"**Settings.** `{json.dumps(o.settings)}`\n", f"**Evidence.** {o.key}\n",
               "```json\n" + json.dumps(o.evidence, indent=1, ensure_ascii=False)[:4000] + "\n```"]
        if o.figure:
            md.append(f"\n![{o.id}]({o.figure})")
    write_text_atomic(out / "report.md", "\n".join(md) + "\n")
    colour = {"holds": "#1a7f37", "fails": "#cf222e", "error": "#9a6700"}
    rows = "".join(f"<tr><td><a href='#{o.id}'>{html.escape(o.id)}</a></td><td style='color:{colour[o.verdict]}'>"
                   f"<b>{o.verdict}</b></td><td>{html.escape(o.key)}</td><td>{o.seconds:.1f}</td></tr>" for o in outcomes)
    sections = []
    for o in outcomes:
        image = ""
        if o.figure and (out / o.figure).is_file():
            data = base64.b64encode((out / o.figure).read_bytes()).decode()
            image = f"<img alt='{html.escape(o.id)}' style='max-width:100%' src='data:image/png;base64,{data}'>"
        sections.append(
            f"<h2 id='{o.id}'>{html.escape(o.id)}: <span style='color:{colour[o.verdict]}'>{o.verdict}</span></h2>"
            f"<p><b>Statement.</b> {html.escape(o.statement)}</p><p><b>Decided by.</b> {html.escape(o.decided_by)}</p>"
            f"<p><b>Settings.</b> <code>{html.escape(json.dumps(o.settings))}</code></p>"
            f"<p><b>Evidence.</b> {html.escape(o.key)}</p>"
            f"<pre>{html.escape(json.dumps(o.evidence, indent=1, ensure_ascii=False)[:4000])}</pre>{image}")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>fptheory verify</title></head>"
            f"<body style='font-family:sans-serif;max-width:1100px;margin:auto'><h1>fptheory verify</h1>"
            f"<p>{html.escape(summary)}</p><table border='1' cellpadding='4' style='border-collapse:collapse'>"
            f"<tr><th>claim</th><th>verdict</th><th>key number</th><th>seconds</th></tr>{rows}</table>"
            f"{''.join(sections)}</body></html>")
    write_text_atomic(out / "report.html", page)


def select(pattern: str | None) -> list[Claim]:
    """The registered claims whose id matches the glob ``pattern`` (all when None), in registry order."""
    import fnmatch

    claims = list(load_builtin().values())
    if pattern is None:
        return claims
    chosen = [c for c in claims if fnmatch.fnmatch(c.id, pattern)]
    if not chosen:
        raise ValueError(f"--only {pattern!r} matches no claim; known: {', '.join(CLAIMS)}")
    return chosen
