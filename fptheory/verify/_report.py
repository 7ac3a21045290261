"""Reports rendered from ``result.json`` (the only source of their numbers): a run's ``report.md`` and
self-contained ``report.html``, and the results page (docs/results.md) that puts the quick and full runs
side by side.

Each report keeps the derivation checks (exact identities, closed forms, proofs: they fail only through a bug)
apart from the empirical claims (training and sampling), says for every claim that does not hold which condition
of its threshold failed and by how much (the Findings section), and renders the threshold ledger: every number
a verdict turns on, its reason, and whether it was fixed before the claim's first full-scale run.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from fptheory.verify._conditions import Condition
from fptheory.verify._thresholds import ledger_markdown, when_fixed

__all__ = ["report_markdown", "report_html", "results_page", "load_run", "why"]

_COLOUR = {"holds": "#1a7f37", "fails": "#cf222e", "error": "#9a6700"}
_KINDS = (("derivation", "Derivation checks",
           "exact identities, closed forms and proofs: they fail only through a bug in the package"),
          ("empirical", "Empirical claims",
           "measurements on training runs and samples: they can fail because the paper's claim does not hold here"))


def _counts(run: dict[str, Any]) -> dict[str, int]:
    return {v: sum(c["verdict"] == v for c in run["claims"]) for v in ("holds", "fails", "error")}


def _summary(run: dict[str, Any]) -> str:
    n = _counts(run)
    cached = f", {run['from_cache']} of them from the cache" if run.get("from_cache") else ""
    own = sum(c["seconds"] for c in run["claims"])
    return (f"{n['holds']} hold, {n['fails']} fail, {n['error']} errors ({run['scale']} scale, fptheory {run['version']}); "
            f"{len(run['claims'])} claims in {run['wall_seconds']:.0f} s wall with {run['jobs']} worker(s){cached}"
            f"{_compilation(run)}; the claims' own times add up to {own:.0f} s")


def _compilation(run: dict[str, Any]) -> str:
    """How warm the run's JAX compilation cache was (runs before it was recorded say nothing)."""
    if "compilation_cache" not in run:
        return ""
    state = run["compilation_cache"]
    if state is None:
        return ", no persistent JAX compilation cache"
    held = state["programs_at_start"]
    return (", JAX compilation cache cold (empty at the start)" if held == 0 else
            f", JAX compilation cache warm ({held} compiled programs at the start)")


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _explain(condition: dict[str, Any]) -> str:
    """A recorded condition (a result.json dict) in :meth:`Condition.explain`'s words."""
    return Condition(**condition).explain()


def why(claim: dict[str, Any]) -> str:
    """In words, why a claim of a run does not hold: each failed condition of its threshold with what was
    measured and by how much it misses; an error's message; or, for a claim without conditions, its threshold."""
    if claim["verdict"] == "error":
        return f"the check raised an error: {claim['key']}"
    failed = [c for c in claim.get("conditions", []) if not c["holds"]]
    if failed:
        return "; ".join(_explain(c) for c in failed)
    return f"{claim['key']} (threshold: {claim['threshold']})"


def _seeds(claim: dict[str, Any]) -> str:
    """The number of seeds (training runs) a claim's evidence rests on, or '-' where it has none."""
    seeds = claim.get("evidence", {}).get("seeds") if isinstance(claim.get("evidence"), dict) else None
    return str(seeds) if isinstance(seeds, int) else "-"


def _by_kind(claims: list[dict[str, Any]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [(title, blurb, [c for c in claims if c.get("kind", "empirical") == kind]) for kind, title, blurb in _KINDS]


def _findings(runs: list[dict[str, Any]], with_scale: bool) -> list[str]:
    lines = []
    for run in runs:
        for c in run["claims"]:
            if c["verdict"] != "holds":
                scale = f" ({run['scale']} scale, {c['verdict']})" if with_scale else f" ({c['verdict']})"
                lines.append(f"- **{c['id']}**{scale}: {_cell(c['key'])}. Why: {_cell(why(c))}.")
    return lines


def report_markdown(run: dict[str, Any]) -> str:
    """One run: the summary, the derivation checks and the empirical claims apart, the findings (why each claim
    that does not hold fails), the threshold ledger, and a section per claim (statement, source, statistic,
    threshold, its conditions as decided)."""
    md = [f"# fptheory verify\n\n{_summary(run)}\n"]
    for title, blurb, claims in _by_kind(run["claims"]):
        if claims:
            md += [f"\n## {title}\n\n{blurb.capitalize()}.\n", "| claim | verdict | key number | seeds | seconds |",
                   "|---|---|---|---|---|"]
            md += [f"| {c['id']} | {c['verdict']} | {_cell(c['key'])} | {_seeds(c)} | "
                   f"{c['seconds']:.1f}{' (cached)' if c.get('cached') else ''} |" for c in claims]
    findings = _findings([run], with_scale=False)
    md += ["\n## Findings: claims that do not hold\n"] + (findings or ["None: every claim holds."])
    if run.get("ledger"):
        md += ["\n## Threshold ledger\n", "Every number a verdict turns on, with its reason and whether it was fixed "
               "before the claim's first full-scale run.\n"] + ledger_markdown(run["ledger"])
    for c in run["claims"]:
        md += [f"\n## {c['id']}: {c['verdict']}\n", f"**Statement.** {c['statement']}\n", f"**Source.** {c['source']}\n",
               f"**Kind.** {c.get('kind', 'empirical')}" + (f"; {_seeds(c)} seeds" if _seeds(c) != "-" else "") + "\n",
               f"**Statistic.** {c['statistic']}\n",
               f"**Threshold.** {c['threshold']}\n"]
        if c.get("conditions"):
            md += ["**Conditions.**\n"] + [f"- {_explain(cond)}" for cond in c["conditions"]] + [""]
        md += [f"**Settings.** `{json.dumps(c['settings'])}`\n", f"**Evidence.** {c['key']}\n",
               "```json\n" + json.dumps(c["evidence"], indent=1, ensure_ascii=False)[:4000] + "\n```"]
        if c.get("figure"):
            md.append(f"\n![{c['id']}]({c['figure']})")
    return "\n".join(md) + "\n"


def _html_table(claims: list[dict[str, Any]]) -> str:
    rows = "".join(f"<tr><td><a href='#{c['id']}'>{html.escape(c['id'])}</a></td><td style='color:{_COLOUR[c['verdict']]}'>"
                   f"<b>{c['verdict']}</b></td><td>{html.escape(c['key'])}</td><td>{_seeds(c)}</td>"
                   f"<td>{c['seconds']:.1f}</td></tr>" for c in claims)
    return (f"<table border='1' cellpadding='4' style='border-collapse:collapse'>"
            f"<tr><th>claim</th><th>verdict</th><th>key number</th><th>seeds</th><th>seconds</th></tr>{rows}</table>")


def report_html(run: dict[str, Any], out: Path) -> str:
    """The same as :func:`report_markdown`, with the figures embedded (a page that stands alone)."""
    tables = "".join(f"<h2>{title}</h2><p>{html.escape(blurb.capitalize())}.</p>{_html_table(claims)}"
                     for title, blurb, claims in _by_kind(run["claims"]) if claims)
    failing = [c for c in run["claims"] if c["verdict"] != "holds"]
    findings = ("<ul>" + "".join(f"<li><b><a href='#{c['id']}'>{html.escape(c['id'])}</a></b> ({c['verdict']}): "
                                 f"{html.escape(c['key'])}. Why: {html.escape(why(c))}.</li>" for c in failing) + "</ul>"
                if failing else "<p>None: every claim holds.</p>")
    ledger = ""
    if run.get("ledger"):
        rows = "".join(f"<tr><td>{html.escape(r['claim'])}</td><td>{html.escape(r['name'])}</td>"
                       f"<td>{html.escape(json.dumps(r['value']))}</td><td>{html.escape(r['reason'])}"
                       f"{' (' + html.escape(r['history']) + ')' if r.get('history') else ''}</td>"
                       f"<td>{when_fixed(r['fixed_before_full_run'], bold='<b>no</b>')}</td></tr>"
                       for r in run["ledger"])
        ledger = ("<h2>Threshold ledger</h2><table border='1' cellpadding='4' style='border-collapse:collapse'><tr>"
                  "<th>claim</th><th>threshold</th><th>value</th><th>reason</th><th>fixed before the first full run</th>"
                  f"</tr>{rows}</table>")
    sections = []
    for c in run["claims"]:
        image = ""
        if c.get("figure") and (out / c["figure"]).is_file():
            data = base64.b64encode((out / c["figure"]).read_bytes()).decode()
            image = f"<img alt='{html.escape(c['id'])}' style='max-width:100%' src='data:image/png;base64,{data}'>"
        fields = "".join(f"<p><b>{name}.</b> {html.escape(str(c.get(key, 'empirical')))}</p>" for name, key in
                         (("Statement", "statement"), ("Source", "source"), ("Kind", "kind"), ("Statistic", "statistic"),
                          ("Threshold", "threshold"), ("Evidence", "key")))
        conditions = ("<ul>" + "".join(f"<li>{html.escape(_explain(cond))}</li>" for cond in c["conditions"]) + "</ul>"
                      if c.get("conditions") else "")
        sections.append(
            f"<h2 id='{c['id']}'>{html.escape(c['id'])}: <span style='color:{_COLOUR[c['verdict']]}'>{c['verdict']}</span></h2>"
            f"{fields}{conditions}<p><b>Settings.</b> <code>{html.escape(json.dumps(c['settings']))}</code></p>"
            f"<pre>{html.escape(json.dumps(c['evidence'], indent=1, ensure_ascii=False)[:4000])}</pre>{image}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>fptheory verify</title></head>"
            f"<body style='font-family:sans-serif;max-width:1100px;margin:auto'><h1>fptheory verify</h1>"
            f"<p>{html.escape(_summary(run))}</p>{tables}<h2>Findings: claims that do not hold</h2>{findings}{ledger}"
            f"{''.join(sections)}</body></html>")


def load_run(folder: str | Path) -> dict[str, Any]:
    """The ``result.json`` of a ``fptheory verify`` output folder."""
    path = Path(folder) / "result.json"
    if not path.is_file():
        from fptheory._checks import InputError

        raise InputError(f"{str(folder)!r} holds no result.json of fptheory verify")
    return json.loads(path.read_text())


def results_page(runs: list[dict[str, Any]], also: list[dict[str, Any]] | None = None) -> str:
    """docs/results.md: every claim with its statement, source, statistic and threshold, and its verdict and key
    number in each run given (quick and full scale, as run), the derivation checks apart from the empirical
    claims; the findings with the condition that failed; the threshold ledger. Written only from the runs'
    result.json. ``also``: reruns listed by their summary line only, after the run of their scale (the quick run
    again with a warm compilation cache: its wall time)."""
    order = {"quick": 0, "full": 1}
    runs = sorted(runs, key=lambda r: order.get(r["scale"], 2))
    by_id = [{c["id"]: c for c in run["claims"]} for run in runs]
    ids = list(dict.fromkeys(cid for run in runs for cid in (c["id"] for c in run["claims"])))
    latest = {cid: next(table[cid] for table in reversed(by_id) if cid in table) for cid in ids}
    lines = ["# Results", "",
             "Generated by `fptheory results` from the `result.json` of the `fptheory verify` runs below; every number "
             "here comes from those runs (rerun them and this page to update it).", ""]
    for run in runs:
        command = "fptheory verify --quick" if run["scale"] == "quick" else "fptheory verify"
        lines.append(f"- `{command}`: {_summary(run)}.")
        lines += [f"- `{command}` again: {_summary(again)}." for again in also or () if again["scale"] == run["scale"]]
    header = " | ".join(f"{r['scale']} scale" for r in runs)
    for title, blurb, claims in _by_kind([latest[cid] for cid in ids]):
        if not claims:
            continue
        lines += ["", f"## {title}", "", f"{blurb.capitalize()}.", "", f"| claim | {header} |", "|---|" + "---|" * len(runs)]
        for c in claims:
            cells = [f"**{t[c['id']]['verdict']}**: {_cell(t[c['id']]['key'])}" if c["id"] in t else "not run" for t in by_id]
            lines.append(f"| [{c['id']}](#{c['id']}) | " + " | ".join(cells) + " |")
    findings = _findings(runs, with_scale=True)
    if findings:
        lines += ["", "## Findings: claims that do not hold", ""] + findings
    ledger = next((run["ledger"] for run in reversed(runs) if run.get("ledger")), None)
    if ledger:
        lines += ["", "## Threshold ledger", "", "Every number a verdict turns on, with its reason and whether it was "
                  "fixed before the claim's first full-scale run.", ""] + ledger_markdown(ledger)
    for cid in ids:
        c = latest[cid]
        lines += ["", f"## {cid}", "", c["statement"], "", f"- Source: {c['source']}", f"- Kind: {c.get('kind', 'empirical')}",
                  f"- Statistic: {c['statistic']}", f"- Threshold: {c['threshold']}"]
        for run, table in zip(runs, by_id):
            if cid in table:
                lines.append(f"- {run['scale'].capitalize()} scale: {table[cid]['verdict']}, {table[cid]['key']} "
                             f"({table[cid]['seconds']:.0f} s).")
    return "\n".join(lines) + "\n"
