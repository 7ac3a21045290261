"""``fptheory verify``: verdicts and exit status, a failing or broken claim as a result, the cache, the
reports, worker processes, and the registry's contents."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fptheory.verify import Claim, Evidence, exit_status, verify
from fptheory.verify.registry import load_builtin


def _claims(calls):
    def settings(quick):
        return {"n": 3 if quick else 30}

    def holds(settings, folder):
        calls.append("holds")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot(range(settings["n"]))
        fig.savefig(folder / "line.png")
        plt.close(fig)
        return Evidence(sum(range(settings["n"])) == settings["n"] * (settings["n"] - 1) // 2, "Gauss's sum", {"n": settings["n"]},
                        folder / "line.png")

    def fails(settings, folder):
        calls.append("fails")
        return Evidence(2 + 2 == 5, "2 + 2 = 4, not 5", {"sum": 4, "ratio": float("inf")})

    def broken(settings, folder):
        calls.append("broken")
        raise ZeroDivisionError("division by zero in the check")

    return [Claim("gauss", "Σ_{i<n} i = n(n-1)/2.", "direct sum", settings, holds),
            Claim("arith", "2 + 2 = 5.", "addition", settings, fails),
            Claim("broken", "A check that raises.", "nothing", settings, broken)]


def test_verdicts_reports_and_exit_status(tmp_path):
    calls = []
    outcomes = verify(_claims(calls), quick=True, out=tmp_path, jobs=1)
    assert [o.verdict for o in outcomes] == ["holds", "fails", "error"]
    assert exit_status(outcomes) == 2 and exit_status(outcomes[:2]) == 1 and exit_status(outcomes[:1]) == 0
    assert "ZeroDivisionError" in outcomes[2].key
    data = json.loads((tmp_path / "result.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["gauss", "arith", "broken"]
    assert {"id", "statement", "verdict", "evidence", "seconds"} <= set(data["claims"][0])
    assert data["claims"][1]["evidence"]["ratio"] is None  # no infinity reaches a result file
    md, page = (tmp_path / "report.md").read_text(), (tmp_path / "report.html").read_text()
    assert "| arith | fails |" in md and "claims/gauss/line.png" in md
    assert "data:image/png;base64," in page and "src='claims/" not in page  # the figure is inside the page


def test_cache_reuses_outcomes_until_settings_change(tmp_path):
    calls = []
    claims = _claims(calls)
    verify(claims, quick=True, out=tmp_path, jobs=1)
    assert calls == ["holds", "fails", "broken"]
    calls.clear()
    second = verify(claims, quick=True, out=tmp_path, jobs=1)
    assert calls == ["broken"]  # errors are tried again; the others come from the cache
    assert [o.cached for o in second] == [True, True, False]
    calls.clear()
    verify(claims, quick=False, out=tmp_path, jobs=1)  # other settings: other keys
    assert calls == ["holds", "fails", "broken"]
    calls.clear()
    verify(claims, quick=True, out=tmp_path, jobs=1, use_cache=False)
    assert calls == ["holds", "fails", "broken"]
    (tmp_path / "claims" / "gauss" / "line.png").unlink()  # a cached outcome whose figure is gone is redone
    calls.clear()
    verify(claims[:1], quick=True, out=tmp_path, jobs=1)
    assert calls == ["holds"]


def test_cli_runs_claims_in_worker_processes(tmp_path):
    """Two proofs in two spawned workers; then a second run from the cache; an unknown pattern is an error."""
    cmd = [sys.executable, "-m", "fptheory", "verify", "--only", "proof-theorem*", "--jobs", "2", "--out", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "result.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["proof-theorem1", "proof-theorem2"]
    assert all(c["verdict"] == "holds" and not c["cached"] for c in data["claims"])
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and again.stdout.count("cached") == 2
    bad = subprocess.run(cmd[:4] + ["--only", "nothing*", "--out", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2 and "matches no claim" in bad.stderr


def test_registry_covers_the_package():
    claims = load_builtin()
    ids = set(claims)
    assert {"proof-eq26", "proof-eq27-31", "proof-theorem1", "proof-theorem2", "parseval", "theorem1-decay-constant",
            "theorem2-decay-constant", "f1d-low-first", "filtering-low-first", "projection-low-first",
            "image2d-coarse-first", "parity-no-generalization"} <= ids
    for claim in claims.values():
        assert claim.statement.endswith(".") and claim.decided_by
        assert claim.settings(True) != claim.settings(False) or claim.id.startswith(("proof-", "parseval"))
        json.dumps(claim.settings(True))  # settings are JSON, so they can key the cache


def test_verify_bad_input(tmp_path):
    with pytest.raises(ValueError, match="jobs must be an integer >= 1"):
        verify([], quick=True, out=tmp_path, jobs=0)
    assert not Path(tmp_path / "result.json").exists()
