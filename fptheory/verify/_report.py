"""Reports rendered from ``result.json`` (the only source of their numbers): a run's ``report.md`` and
self-contained ``report.html``, and the results page (docs/results.md) that puts the quick and full runs
side by side."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

__all__ = ["report_markdown", "report_html", "results_page", "load_run"]

_COLOUR = {"holds": "#1a7f37", "fails": "#cf222e", "error": "#9a6700"}


def _counts(run: dict[str, Any]) -> dict[str, int]:
    return {v: sum(c["verdict"] == v for c in run["claims"]) for v in ("holds", "fails", "error")}


def _summary(run: dict[str, Any]) -> str:
    n = _counts(run)
    cached = f", {run['from_cache']} of them from the cache" if run.get("from_cache") else ""
    own = sum(c["seconds"] for c in run["claims"])
    return (f"{n['holds']} hold, {n['fails']} fail, {n['error']} errors ({run['scale']} scale, fptheory {run['version']}); "
            f"{len(run['claims'])} claims in {run['wall_seconds']:.0f} s wall with {run['jobs']} worker(s){cached}; "
            f"the claims' own times add up to {own:.0f} s")


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def report_markdown(run: dict[str, Any]) -> str:
    """One run: the summary, the table, and a section per claim (statement, source, statistic, threshold)."""
    md = [f"# fptheory verify\n\n{_summary(run)}\n", "| claim | verdict | key number | seconds |", "|---|---|---|---|"]
    md += [f"| {c['id']} | {c['verdict']} | {_cell(c['key'])} | {c['seconds']:.1f}{' (cached)' if c.get('cached') else ''} |"
           for c in run["claims"]]
    for c in run["claims"]:
        md += [f"\n## {c['id']}: {c['verdict']}\n", f"**Statement.** {c['statement']}\n", f"**Source.** {c['source']}\n",
               f"**Statistic.** {c['statistic']}\n", f"**Threshold.** {c['threshold']}\n",
               f"**Settings.** `{json.dumps(c['settings'])}`\n", f"**Evidence.** {c['key']}\n",
               "```json\n" + json.dumps(c["evidence"], indent=1, ensure_ascii=False)[:4000] + "\n```"]
        if c.get("figure"):
            md.append(f"\n![{c['id']}]({c['figure']})")
    return "\n".join(md) + "\n"


def report_html(run: dict[str, Any], out: Path) -> str:
    """The same as :func:`report_markdown`, with the figures embedded (a page that stands alone)."""
    rows = "".join(f"<tr><td><a href='#{c['id']}'>{html.escape(c['id'])}</a></td><td style='color:{_COLOUR[c['verdict']]}'>"
                   f"<b>{c['verdict']}</b></td><td>{html.escape(c['key'])}</td><td>{c['seconds']:.1f}</td></tr>"
                   for c in run["claims"])
    sections = []
    for c in run["claims"]:
        image = ""
        if c.get("figure") and (out / c["figure"]).is_file():
            data = base64.b64encode((out / c["figure"]).read_bytes()).decode()
            image = f"<img alt='{html.escape(c['id'])}' style='max-width:100%' src='data:image/png;base64,{data}'>"
        fields = "".join(f"<p><b>{name}.</b> {html.escape(str(c[key]))}</p>" for name, key in
                         (("Statement", "statement"), ("Source", "source"), ("Statistic", "statistic"),
                          ("Threshold", "threshold"), ("Evidence", "key")))
        sections.append(
            f"<h2 id='{c['id']}'>{html.escape(c['id'])}: <span style='color:{_COLOUR[c['verdict']]}'>{c['verdict']}</span></h2>"
            f"{fields}<p><b>Settings.</b> <code>{html.escape(json.dumps(c['settings']))}</code></p>"
            f"<pre>{html.escape(json.dumps(c['evidence'], indent=1, ensure_ascii=False)[:4000])}</pre>{image}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>fptheory verify</title></head>"
            f"<body style='font-family:sans-serif;max-width:1100px;margin:auto'><h1>fptheory verify</h1>"
            f"<p>{html.escape(_summary(run))}</p><table border='1' cellpadding='4' style='border-collapse:collapse'>"
            f"<tr><th>claim</th><th>verdict</th><th>key number</th><th>seconds</th></tr>{rows}</table>"
            f"{''.join(sections)}</body></html>")


def load_run(folder: str | Path) -> dict[str, Any]:
    """The ``result.json`` of a ``fptheory verify`` output folder."""
    path = Path(folder) / "result.json"
    if not path.is_file():
        from fptheory._checks import InputError

        raise InputError(f"{str(folder)!r} holds no result.json of fptheory verify")
    return json.loads(path.read_text())


def results_page(runs: list[dict[str, Any]]) -> str:
    """docs/results.md: every claim with its statement, source, statistic and threshold, and its verdict and key
    number in each run given (quick and full scale, as run). Written only from the runs' result.json."""
    order = {"quick": 0, "full": 1}
    runs = sorted(runs, key=lambda r: order.get(r["scale"], 2))
    by_id = [{c["id"]: c for c in run["claims"]} for run in runs]
    ids = list(dict.fromkeys(cid for run in runs for cid in (c["id"] for c in run["claims"])))
    lines = ["# Results", "",
             "Generated by `fptheory results` from the `result.json` of the `fptheory verify` runs below; every number "
             "here comes from those runs (rerun them and this page to update it).", ""]
    for run in runs:
        command = "fptheory verify --quick" if run["scale"] == "quick" else "fptheory verify"
        lines.append(f"- `{command}`: {_summary(run)}.")
    header = " | ".join(f"{r['scale']} scale" for r in runs)
    lines += ["", f"| claim | {header} |", "|---|" + "---|" * len(runs)]
    for cid in ids:
        cells = [f"**{c['verdict']}**: {_cell(c['key'])}" if (c := table.get(cid)) else "not run" for table in by_id]
        lines.append(f"| [{cid}](#{cid}) | " + " | ".join(cells) + " |")
    findings = [(run["scale"], c) for run in runs for c in run["claims"] if c["verdict"] != "holds"]
    if findings:
        lines += ["", "## Findings: claims that do not hold", ""]
        lines += [f"- **{c['id']}** ({scale} scale, {c['verdict']}): {c['key']}. Threshold: {c['threshold']}." for scale, c in findings]
    for cid in ids:
        c = next(table[cid] for table in by_id if cid in table)
        lines += ["", f"## {cid}", "", c["statement"], "", f"- Source: {c['source']}", f"- Statistic: {c['statistic']}",
                  f"- Threshold: {c['threshold']}"]
        for run, table in zip(runs, by_id):
            if cid in table:
                lines.append(f"- {run['scale'].capitalize()} scale: {table[cid]['verdict']}, {table[cid]['key']} "
                             f"({table[cid]['seconds']:.0f} s).")
    return "\n".join(lines) + "\n"
