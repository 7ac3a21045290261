"""``fptheory verify``: verdicts and exit status, a failing or broken claim as a result, the cache (keyed by
settings and by the code that decided the claim), the reports and the results page, worker processes."""

import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fptheory.verify import Claim, Evidence, exit_status, verify
from fptheory.verify._registry import Source
from fptheory.verify._report import results_page

SOURCE = Source("A. Author", 2024, "A paper", "2401.00001", "Eq. 1")


def _claims(calls):
    def settings(quick):
        return {"n": 3 if quick else 30}

    def line(settings, folder):
        calls.append("holds")
        from matplotlib.figure import Figure

        fig = Figure()
        fig.add_subplot().plot(range(settings["n"]))
        fig.savefig(folder / "line.png")
        return settings["n"]

    def gauss(n):
        return Evidence(sum(range(n)) == n * (n - 1) // 2, "Gauss's sum", {"n": n})

    def four(settings, folder):
        calls.append("fails")
        return 2 + 2

    def is_five(total):
        return Evidence(total == 5, f"2 + 2 = {total}, not 5", {"sum": total, "ratio": float("inf")})

    def broken(settings, folder):
        calls.append("broken")
        raise ZeroDivisionError("division by zero in the check")

    return [Claim("gauss", "Σ_{i<n} i = n(n-1)/2.", SOURCE, "the direct sum", "equal", settings, line, gauss),
            Claim("arith", "2 + 2 = 5.", SOURCE, "the sum", "equal to 5", settings, four, is_five),
            Claim("broken", "A check that raises.", SOURCE, "nothing", "none", settings, broken, gauss)]


def test_verdicts_reports_and_exit_status(tmp_path):
    calls = []
    outcomes = verify(_claims(calls), quick=True, out=tmp_path, jobs=1)
    assert [o.verdict for o in outcomes] == ["holds", "fails", "error"]
    assert exit_status(outcomes) == 2 and exit_status(outcomes[:2]) == 1 and exit_status(outcomes[:1]) == 0
    assert "ZeroDivisionError" in outcomes[2].key
    data = json.loads((tmp_path / "result.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["gauss", "arith", "broken"]
    assert {"id", "statement", "source", "statistic", "threshold", "verdict", "evidence", "seconds"} <= set(data["claims"][0])
    assert data["scale"] == "quick" and data["wall_seconds"] > 0 and data["from_cache"] == 0
    assert data["claims"][1]["evidence"]["ratio"] is None  # no infinity reaches a result file
    md, page = (tmp_path / "report.md").read_text(), (tmp_path / "report.html").read_text()
    assert "| arith | fails |" in md and "claims/gauss/line.png" in md and "arXiv:2401.00001" in md
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


CLAIM_MODULE = '''
from fptheory.verify import Claim, Evidence
from fptheory.verify._registry import Source

THRESHOLD = {threshold}
CALLS = []


def compute(settings, folder):
    CALLS.append(1)
    return 0.5


def judge(value):
    return Evidence(value <= THRESHOLD, f"{{value}} <= {{THRESHOLD}}")


CLAIM = Claim("changing", "A claim whose check changes.", Source("A", 2024, "T", "2401.00001", "Eq. 1"), "value",
              f"at most {{THRESHOLD}}", lambda quick: {{}}, compute, judge)
'''


def test_a_changed_check_is_recomputed(tmp_path, monkeypatch):
    """The cache follows the code: edit the module that decides a claim and the next run recomputes it."""
    folder = tmp_path / "code"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    source = folder / "changing_claim.py"

    def load(threshold):
        source.write_text(CLAIM_MODULE.format(threshold=threshold))
        sys.modules.pop("changing_claim", None)
        importlib.invalidate_caches()
        return importlib.import_module("changing_claim")

    module = load(1.0)
    first = verify([module.CLAIM], quick=True, out=tmp_path / "out", jobs=1)
    assert first[0].verdict == "holds" and module.CALLS == [1]
    again = verify([module.CLAIM], quick=True, out=tmp_path / "out", jobs=1)
    assert again[0].cached and module.CALLS == [1]
    module = load(0.25)  # the threshold changes: same id, same settings, other code
    changed = verify([module.CLAIM], quick=True, out=tmp_path / "out", jobs=1)
    assert not changed[0].cached and changed[0].verdict == "fails" and module.CALLS == [1]
    sys.modules.pop("changing_claim", None)


@pytest.mark.slow
def test_cli_runs_claims_in_worker_processes(tmp_path, capsys):
    """Two proofs in two spawned workers; then a second run from the cache; an unknown pattern is an error."""
    from fptheory.cli import main

    args = ["verify", "--only", "proof-theorem*", "--jobs", "2", "--out", str(tmp_path)]
    # from outside the checkout, so that `python -m fptheory` imports the installed package, proofs included
    done = subprocess.run([sys.executable, "-m", "fptheory", *args], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "result.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["proof-theorem1", "proof-theorem2"]
    assert all(c["verdict"] == "holds" and not c["cached"] for c in data["claims"])
    capsys.readouterr()
    assert main(args) == 0 and capsys.readouterr().out.count("cached") == 2  # in-process: the cache, no workers
    assert main(args[:1] + ["--only", "nothing*", "--out", str(tmp_path)]) == 2
    assert "matches no claim" in capsys.readouterr().err


def test_results_page_is_written_from_the_runs(tmp_path):
    calls = []
    verify(_claims(calls)[:2], quick=True, out=tmp_path / "quick", jobs=1)
    verify(_claims(calls)[:2], quick=False, out=tmp_path / "full", jobs=1)
    runs = [json.loads((tmp_path / name / "result.json").read_text()) for name in ("full", "quick")]
    page = results_page(runs)
    assert page.index("quick scale") < page.index("full scale")  # quick first, whatever the order given
    assert "| [gauss](#gauss) | **holds**: Gauss's sum | **holds**: Gauss's sum |" in page
    assert "## Findings" in page and "**arith** (quick scale, fails)" in page
    assert f"{runs[0]['wall_seconds']:.0f} s wall" in page


def test_results_state_the_compilation_cache_and_list_a_rerun(tmp_path, monkeypatch):
    """result.json records how many compiled programs the JAX cache held at the start (0: a cold run); the page says
    cold or warm, and lists a rerun given as ``also`` by its summary line."""
    jax_cache = tmp_path / "jax"
    jax_cache.mkdir()
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(jax_cache))
    claims = _claims([])[:2]
    verify(claims, quick=True, out=tmp_path / "cold", jobs=1)
    cold = _run(tmp_path / "cold")
    for name in ("a", "b"):
        (jax_cache / name).write_bytes(b"program")
    verify(claims, quick=True, out=tmp_path / "warm", jobs=1)
    warm = _run(tmp_path / "warm")
    assert cold["compilation_cache"] == {"folder": str(jax_cache), "programs_at_start": 0}
    assert warm["compilation_cache"]["programs_at_start"] == 2
    page = results_page([cold], also=[warm])
    assert "JAX compilation cache cold (empty at the start)" in page
    assert "- `fptheory verify --quick` again: " in page and "warm (2 compiled programs at the start)" in page
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR")
    verify(claims, quick=True, out=tmp_path / "none", jobs=1)
    assert _run(tmp_path / "none")["compilation_cache"] is None
    assert "no persistent JAX compilation cache" in results_page([_run(tmp_path / "none")])
    older = {k: v for k, v in cold.items() if k != "compilation_cache"}  # a run from before the field: silent
    assert "compilation cache" not in results_page([older]).split("\n## ")[0]


def _run(folder):
    return json.loads((folder / "result.json").read_text())


def test_verify_bad_input(tmp_path):
    with pytest.raises(ValueError, match="jobs must be an integer >= 1"):
        verify([], quick=True, out=tmp_path, jobs=0)
    assert not Path(tmp_path / "result.json").exists()


def _children(pid: int) -> set[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found |= {int(c) for c in text}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_stops_the_workers_at_once(tmp_path, sig):
    """Ctrl-C (SIGINT) or SIGTERM during a run: the workers are killed at once (no orphan keeps computing), the
    command exits within seconds with status 130 and one line, and no report is written."""
    import time

    # A child inherits an ignored SIGINT (pytest-xdist's workers ignore it, as shells do for background jobs): a
    # small trampoline gives the command the default disposition a terminal's foreground command has, then execs
    # it in place (same pid; no fork of this multithreaded process).
    trampoline = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                  "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")
    cmd = [sys.executable, "-c", trampoline, "-m", "fptheory", "verify", "--only", "[sf][p1]*", "--jobs", "2",
           "--out", str(tmp_path)]
    # as a user runs it: without the test run's shared JAX compilation cache (conftest), whose writes a kill
    # can interrupt
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAX_COMPILATION_CACHE", "JAX_PERSISTENT_CACHE"))}
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 3:  # the resource tracker and two workers
            time.sleep(0.5)
            workers = _children(process.pid)
        assert len(workers) >= 3, "the workers did not start"
        time.sleep(2)  # the workers are importing and computing their claims now
        began = time.monotonic()
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
        took = time.monotonic() - began
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and took < 15, (process.returncode, took, stderr)
    assert stderr.strip().splitlines() == ["fptheory: interrupted"]
    assert not (tmp_path / "result.json").exists() and not (tmp_path / "report.md").exists()
    time.sleep(1)
    assert not [pid for pid in workers if _alive(pid) and "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]


def test_every_experiment_follows_the_protocol():
    """config in, result out, figure: every module `fptheory run` knows, and the measure experiment."""
    import fptheory.experiments.measure as measure
    from fptheory.experiments._common import check_protocol
    from fptheory.experiments.registry import EXPERIMENTS, load

    for name in EXPERIMENTS:
        module = load(name)
        assert isinstance(module.make_config(quick=True), module.Config)
    check_protocol(measure)
    with pytest.raises(TypeError, match="lacks"):
        check_protocol(json)


def _stepping_claim(calls):
    """A claim whose computation reports three steps of five through fptheory.verify._jobs.step_progress."""
    from fptheory.verify._jobs import step_progress

    def compute(settings, folder):
        report = step_progress()
        for done in (1, 3, 5):
            if report:
                report(done, 5, 5.0 - done)
        calls.append(report is not None)
        return 5

    return Claim("stepping", "Five steps are five.", SOURCE, "the steps", "five", lambda quick: {}, compute,
                 lambda n: Evidence(n == 5, "5 steps"))


def test_job_progress_in_process(tmp_path):
    """With jobs = 1 a claim's steps reach job_progress under its id, in order; without a listener it gets no callback."""
    seen, calls = [], []
    verify([_stepping_claim(calls)], quick=True, out=tmp_path / "a", jobs=1, use_cache=False,
           job_progress=lambda *m: seen.append(m))
    assert seen == [("stepping", 1, 5, 4.0), ("stepping", 3, 5, 2.0), ("stepping", 5, 5, 0.0)]
    verify([_stepping_claim(calls)], quick=True, out=tmp_path / "b", jobs=1, use_cache=False)
    assert calls == [True, False]


@pytest.mark.slow
def test_job_progress_from_worker_processes(tmp_path):
    """Two quick training claims in two spawned workers: each one's training steps reach the parent while it runs,
    under its own id, increasing to the total."""
    from fptheory.verify._runner import select

    seen = []
    claims = select("compression*") + select("early-stopping*")
    outcomes = verify(claims, quick=True, out=tmp_path, jobs=2, use_cache=False, job_progress=lambda *m: seen.append(m))
    assert all(o.verdict == "holds" for o in outcomes)
    for claim in claims:
        steps = [(done, total) for claim_id, done, total, _ in seen if claim_id == claim.id]
        assert len(steps) >= 2, seen
        assert [d for d, _ in steps] == sorted(d for d, _ in steps) and steps[-1][0] == steps[-1][1]


def test_jobs_line_shows_running_claims():
    import io

    from fptheory.verify._jobs import JobsLine

    log = io.StringIO()
    line = JobsLine(log, tty=False, every=0.0)
    line("f1d-low-first", 400, 1000, 12.0)
    line("spectral-bias", 1, 10, 200.0)
    assert log.getvalue().splitlines()[-1] == "running: f1d-low-first 40% (ETA 12 s), spectral-bias 10% (ETA 3 min)"
    line.finished("f1d-low-first")
    assert line.text() == "running: spectral-bias 10% (ETA 3 min)"
    terminal = io.StringIO()
    line = JobsLine(terminal, tty=True)
    line._shown = 0.0  # draw now
    line("parseval", 1, 4)
    assert terminal.getvalue() == "\rrunning: parseval 25%"
    line.finished("parseval")
    assert terminal.getvalue().endswith("\r" + " " * len("running: parseval 25%") + "\r")


def _decided_claim(calls):
    """A claim with a ``decide``: its verdict comes from its statistics (value ≤ 1/2), so a cached outcome is decided
    again on load."""
    from fptheory.verify._conditions import at_most
    from fptheory.verify._registry import decided

    def compute(settings, folder):
        calls.append(1)
        return 0.25

    def decide(stats):
        return [at_most("the value", stats["value"], 0.5)]

    return Claim("decided", "A quarter is at most a half.", SOURCE, "the value", "at most 1/2", lambda quick: {},
                 compute, decided(lambda v: {"value": v}, decide, lambda s: f"value {s['value']}"), decide=decide)


def _entry(out):
    (entry,) = (out / "cache").glob("decided-*.json")
    return entry


def test_a_cached_verdict_is_always_the_judges(tmp_path):
    """The cache stores the statistics; a verdict edited into a cache entry is not believed: the judge decides again."""
    calls, out = [], tmp_path / "out"
    first = verify([_decided_claim(calls)], quick=True, out=out, jobs=1)
    assert first[0].verdict == "holds" and first[0].conditions[0]["holds"] and calls == [1]
    entry = _entry(out)
    data = json.loads(entry.read_text())
    data["verdict"] = "fails"
    entry.write_text(json.dumps(data))
    again = verify([_decided_claim(calls)], quick=True, out=out, jobs=1)
    assert again[0].cached and again[0].verdict == "holds" and calls == [1]
    data["verdict"], data["evidence"] = "holds", {"value": 0.75}  # statistics that fail the threshold
    entry.write_text(json.dumps(data))
    third = verify([_decided_claim(calls)], quick=True, out=out, jobs=1)
    assert third[0].cached and third[0].verdict == "fails" and calls == [1]
    assert "0.25 above 0.5" in third[0].conditions[0]["miss"]


@pytest.mark.parametrize(("edit", "why"), [
    (lambda text, data: "{ not json", "does not parse"),
    (lambda text, data: json.dumps({**data, "seconds": "abc"}), "wrong type"),
    (lambda text, data: json.dumps({**data, "verdict": "h0lds"}), "wrong type or value"),
    (lambda text, data: json.dumps({**data, "evidence": {"other": 1}}), "cannot decide"),
    (lambda text, data: json.dumps([1, 2]), "not an outcome"),
])
def test_a_broken_cache_entry_is_recomputed_with_a_notice(tmp_path, edit, why):
    calls, out, notices = [], tmp_path / "out", []
    verify([_decided_claim(calls)], quick=True, out=out, jobs=1)
    entry = _entry(out)
    entry.write_text(edit(entry.read_text(), json.loads(entry.read_text())))
    again = verify([_decided_claim(calls)], quick=True, out=out, jobs=1, notice=notices.append)
    assert not again[0].cached and again[0].verdict == "holds" and calls == [1, 1]
    assert len(notices) == 1 and "\n" not in notices[0] and why in notices[0] and "recomputing" in notices[0]


def test_report_says_why_a_claim_fails_and_renders_the_ledger(tmp_path):
    """report.md and report.html: derivation checks apart from empirical claims, a Findings section that names the
    failed condition with its measurement and miss, and the threshold ledger."""
    from fptheory.verify._conditions import at_least
    from fptheory.verify._registry import decided
    from fptheory.verify._thresholds import Threshold

    share = Threshold("share of seeds ordered", 0.75, "a clear majority of the seeds, three of four", True, "test")

    def decide(stats):
        return [at_least("share of seeds ordered", stats["ordered"], share.value)]

    failing = Claim("ordered", "Seeds converge low first.", SOURCE, "the share", "at least 75%", lambda quick: {},
                    lambda settings, folder: 0.5,
                    decided(lambda v: {"ordered": v, "seeds": 4}, decide, lambda s: f"{s['ordered']:.0%}"),
                    ledger=(share,), decide=decide)
    identity = Claim("identity", "1 = 1.", SOURCE, "equality", "equal", lambda quick: {}, lambda settings, folder: 1,
                     lambda v: Evidence(v == 1, "1 = 1"), kind="derivation")
    outcomes = verify([identity, failing], quick=True, out=tmp_path, jobs=1)
    assert [o.kind for o in outcomes] == ["derivation", "empirical"]
    md, page = (tmp_path / "report.md").read_text(), (tmp_path / "report.html").read_text()
    assert md.index("## Derivation checks") < md.index("| identity |") < md.index("## Empirical claims") < md.index("| ordered |")
    assert "| ordered | fails | 50% | 4 |" in md and "| identity | holds | 1 = 1 | - |" in md
    why = "share of seeds ordered at least 0.75: measured 0.5; FAILS (0.25 below 0.75)"
    findings = md[md.index("## Findings"):md.index("## Threshold ledger")]
    assert "**ordered** (fails)" in findings and why in findings and "identity" not in findings
    assert "| ordered | share of seeds ordered | 0.75 | a clear majority of the seeds, three of four (test) | yes |" in md
    assert why in page and "Threshold ledger" in page and "Derivation checks" in page
    data = json.loads((tmp_path / "result.json").read_text())
    assert data["ledger"] == [{"claim": "ordered", "name": "share of seeds ordered", "value": 0.75,
                               "reason": "a clear majority of the seeds, three of four", "fixed_before_full_run": True,
                               "history": "test"}]
    page_md = results_page([data])
    assert "## Threshold ledger" in page_md and why in page_md and "- Kind: derivation" in page_md


def test_the_runner_and_the_cluster_path_import_no_circle():
    """run_claim lives with the outcome it makes (fptheory.verify._outcome), which imports neither the runner nor
    the cluster module; both import it."""
    import ast

    import fptheory.verify._outcome as outcome

    tree = ast.parse(Path(outcome.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"fptheory.verify._runner", "fptheory.verify._cluster"}
    for name in ("_runner", "_cluster"):
        text = Path(outcome.__file__).with_name(f"{name}.py").read_text()
        assert "from fptheory.verify._outcome import" in text
    cluster = Path(outcome.__file__).with_name("_cluster.py").read_text()
    assert "fptheory.verify._runner" not in cluster


@pytest.mark.parametrize(("make", "message"), [
    (lambda out: (out / "report.md").mkdir(parents=True), "report.md' is a folder"),
    (lambda out: (out / "result.json").mkdir(parents=True), "result.json' is a folder"),
    (lambda out: (out.mkdir(), (out / "cache").write_text("x")), "cache' is a file"),
    (lambda out: (out.mkdir(), (out / "claims").write_text("x")), "claims' is a file"),
    (lambda out: ((out / "claims").mkdir(parents=True), (out / "claims" / "arith").write_text("x")), "arith' is a file"),
])
def test_an_output_folder_that_cannot_take_the_run_is_refused_before_any_work(tmp_path, make, message):
    calls, out = [], tmp_path / "out"
    make(out)
    with pytest.raises(ValueError, match=message):
        verify(_claims(calls)[:2], quick=True, out=out, jobs=1)
    assert calls == []  # nothing computed


def test_cli_refuses_a_report_folder_in_one_line(tmp_path, capsys):
    from fptheory.cli import main

    (tmp_path / "report.html").mkdir()
    assert main(["verify", "--only", "parseval", "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "report.html' is a folder" in err and len(err.splitlines()) == 1
    assert captured.out == ""  # the run's banner only once the folder is checked and locked (issue 38)


def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path):
    """While one run holds the folder's lock, another is refused in one line before any work; once it is released
    the folder can be used again."""
    import fcntl

    from fptheory.verify._runner import LOCK_NAME

    calls = []
    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / LOCK_NAME, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ValueError, match=r"is in use by another fptheory verify run"):
            verify(_claims(calls)[:1], quick=True, out=tmp_path, jobs=1)
        assert calls == [] and not (tmp_path / "result.json").exists()
        fcntl.flock(held, fcntl.LOCK_UN)
    verify(_claims(calls)[:1], quick=True, out=tmp_path, jobs=1)
    assert calls == ["holds"]


WORKER_SCRIPT = '''
import os
import time

from fptheory.verify._jobs import worker_pool

if __name__ == "__main__":
    with worker_pool(1, None) as pool:
        print(pool.submit(os.getpid).result(), flush=True)
        pool.submit(time.sleep, 120)
        time.sleep(120)
'''


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    """SIGKILL of the process that holds the pool (no handler runs): its worker, busy with a two-minute job, exits
    within seconds instead of computing on with nobody to read its result (issue 38, item 8)."""
    import signal
    import time

    script = tmp_path / "pool.py"
    script.write_text(WORKER_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker)
    finally:
        parent.kill()


def test_seeds_of_reads_the_config_or_its_training_config():
    from types import SimpleNamespace

    from fptheory.verify._claims._common import seeds_of

    assert seeds_of(SimpleNamespace(config=SimpleNamespace(seeds=8))) == 8
    assert seeds_of(SimpleNamespace(config=SimpleNamespace(train=SimpleNamespace(seeds=2)))) == 2
    assert seeds_of(SimpleNamespace(config=SimpleNamespace())) is None and seeds_of(object()) is None
