"""The fptheory command, run in-process through ``main(argv)``: output, JSON, atomic result files, one-line
errors with exit status 2 before any work."""

import contextlib
import io
import json
import os
import sys
from dataclasses import dataclass

import pytest
import sympy as sp

import fptheory.proofs
from fptheory.cli import main


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Done(code, out.getvalue(), err.getvalue())


def test_derive_json_round_trips_to_the_derivation():
    done = run("derive", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    k = sp.Symbol("k", real=True, nonzero=True)
    transform = sp.sympify(data["transform"], locals={"k": k})
    assert sp.simplify((transform - (-sp.I * sp.pi * sp.csch(sp.pi * k / 2))).rewrite(sp.exp)) == 0
    assert set(data["loss_gradient"]) == {"a", "w", "b"}


@pytest.mark.parametrize("activation, needle", [("relu", "-1/k**2"), ("sigmoid", "sinh(pi*k)")])
def test_derive_other_activations(activation, needle):
    done = run("derive", "--activation", activation)
    assert done.returncode == 0 and needle in done.stdout


def test_derive_latex():
    done = run("derive", "--latex")
    assert done.returncode == 0 and "\\sinh" in done.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (("derive", "--activation", "gelu"), "invalid choice: 'gelu'"),
        (("derive", "--latex", "--json"), "not allowed with argument"),
        (("nonsense",), "invalid choice"),
        (("proofs", "--dir", "/nonexistent/proofs"), "unrecognized arguments: --dir"),
        (("proofs", "--only", "no-such-proof"), "matches no proof"),
        (("results", "/nonexistent/run", "--out", "x.md"), "holds no result.json"),
    ],
)
def test_errors_are_one_line(args, needle):
    done = run(*args)
    assert done.returncode == 2
    assert needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_proofs_writes_result_from_any_directory(tmp_path, monkeypatch):
    """The proofs come from the installed package: run from an empty folder, they load and hold."""
    monkeypatch.chdir(tmp_path)
    done = run("proofs", "--only", "theorem2", "--out", tmp_path / "out")  # the shortest proof (the claims run them all)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "result.json").read_text())
    assert report["proofs"] == {"theorem2": "holds"} and report["fails"] == 0 and report["errors"] == 0
    assert len(report["steps"]) >= 7 and report["checks"]["holds"] >= 1
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["result.json"]  # no temporary file left


def test_proofs_exit_status_on_a_failing_or_missing_proof(tmp_path, monkeypatch):
    monkeypatch.setattr(fptheory.proofs, "__path__", [str(tmp_path)])
    done = run("proofs")
    assert done.returncode == 2 and "holds no proof module" in done.stderr  # empty: an error, not "0 hold"
    (tmp_path / "false_claim.py").write_text(
        "import sympy as sp\n"
        "from fptheory.proof import Proof, Step, sympy_identity\n"
        "x = sp.Symbol('x')\n"
        "PROOF = Proof('false', 'a false claim', 'test', (Step('s', 'sinh = cosh', lambda: sympy_identity(sp.sinh(x), sp.cosh(x))),))\n"
    )
    try:
        done = run("proofs", "--json")
    finally:
        sys.modules.pop("fptheory.proofs.false_claim", None)
    assert done.returncode == 1
    assert json.loads(done.stdout)["fails"] == 1


def test_measure_writes_result_and_figure(tmp_path):
    out = tmp_path / "m"
    done = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--m", "1", "--delta", "1", "--delta", "0.7",
               "--delta", "2", "--samples", "50000", "--seed", "3", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    saved = json.loads((out / "result.json").read_text())
    assert printed == saved
    assert set(saved) >= {"theorem", "k1", "k2", "m", "method", "points", "fit", "predicted_c"}
    assert abs(saved["predicted_c"] - 3.141592653589793) < 1e-12
    for point in saved["points"]:
        assert {"delta", "fraction", "ci_low", "ci_high", "samples"} <= set(point)
        assert point["ci_low"] <= point["fraction"] <= point["ci_high"]
    fractions = [p["fraction"] for p in sorted(saved["points"], key=lambda p: p["delta"])]
    assert fractions == sorted(fractions)  # the bad fraction grows with δ
    assert set(saved["fit"]) >= {"c", "c_ci", "alpha", "log_C"}
    assert (out / "measure.png").stat().st_size > 1000
    assert sorted(p.name for p in out.iterdir()) == ["measure.png", "result.json"]


def test_measure_rare_single_delta_has_no_fit(tmp_path):
    done = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "0.1", "--method", "rare",
               "--samples", "60", "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["fit"] is None and 0 < data["points"][0]["fraction"] < 1e-10


def test_measure_repeated_delta_writes_its_estimates_without_a_fit(tmp_path):
    """One δ three times (rare, so the estimation is the long part): the estimates are written and the note says the
    fit needs three distinct δ, in result.json and on the screen; no NaN interval, no traceback, exit status 0."""
    done = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "0.5", "--delta", "0.5", "--delta",
               "0.5", "--method", "rare", "--samples", "40", "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["fit"] is None and len(data["points"]) == 3 and all(p["fraction"] > 0 for p in data["points"])
    assert any("at least 3 distinct deltas" in note and "got 1 distinct of 3" in note for note in data["notes"])
    assert json.loads((tmp_path / "result.json").read_text())["fit"] is None
    assert "nan" not in done.stdout.lower() and "Traceback" not in done.stderr
    shown = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "0.5", "--delta", "0.5", "--method",
                "rare", "--samples", "40", "--out", str(tmp_path / "screen"))
    assert shown.returncode == 0 and "note: no fit: the decay fit needs at least 3 distinct deltas" in shown.stdout, shown


def test_measure_tiny_delta(tmp_path):
    """Below the plain estimator's range: refused in one line before any work. The rare estimator at
    δ = 1e-3 prints fractions far below float64's range from their log10, never as 0."""
    done = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1e-300", "--out", tmp_path / "x")
    assert done.returncode == 2 and "below the plain estimator's range" in done.stderr and not (tmp_path / "x").exists()
    done = run("measure", "--theorem", "1", "--k1", "2", "--k2", "3", "--delta", "1e-4", "--method", "rare",
               "--out", tmp_path / "y")
    assert done.returncode == 2 and "validated range" in done.stderr
    done = run("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1e-3", "--method", "rare",
               "--samples", "40", "--out", tmp_path / "z")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.strip().startswith("0.001"))
    assert "e-20" in row.split()[1]  # about 1e-2050
    saved = json.loads((tmp_path / "z" / "result.json").read_text())["points"][0]
    assert saved["log10_fraction"] < -2000 and saved["ess"] > 5


@pytest.mark.parametrize("make", ["file", "under-a-file", "empty"])
def test_bad_out_is_refused_before_any_work(tmp_path, make):
    target = tmp_path / "target"
    if make == "file":
        target.write_text("x")
        needle = "is a file"
    elif make == "under-a-file":  # its parent cannot become a folder (a permission test would pass as root)
        (tmp_path / "plain").write_text("x")
        target, needle = tmp_path / "plain" / "sub", "cannot be written"
    else:
        target, needle = "", "--out must name a folder"
    for args in (("verify", "--only", "parseval"), ("proofs", "--only", "eq26"),
                 ("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1")):
        done = run(*args, "--out", target)
        assert done.returncode == 2 and needle in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a /proc file system")
def test_out_where_permissions_say_yes_but_the_file_system_says_no(tmp_path):
    """/proc passes a permission check as root, but no folder can be made there: refused up front, in one line, and
    the probe leaves nothing behind in a folder that can be written."""
    from fptheory.cli import CLIError, _check_out

    with pytest.raises(CLIError, match="cannot be written"):
        _check_out("/proc/fptheory-out", "run")
    assert _check_out(str(tmp_path / "new" / "out"), "run") == tmp_path / "new" / "out"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_results_page_from_a_run(tmp_path):
    done = run("verify", "--only", "proof-eq26", "--quick", "--jobs", "1", "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    done = run("results", tmp_path / "run", "--out", tmp_path / "docs" / "results.md")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "docs" / "results.md").read_text()
    assert "fptheory verify --quick" in page and "proof-eq26" in page and "arXiv:1901.06523" in page
    done = run("results", tmp_path / "run", tmp_path / "run", "--out", tmp_path / "again.md")
    assert done.returncode == 2 and "one run per scale" in done.stderr
    done = run("results", tmp_path / "run", "--also", tmp_path / "run", "--out", tmp_path / "again.md")
    assert done.returncode == 0 and "`fptheory verify --quick` again: " in (tmp_path / "again.md").read_text()
    full = tmp_path / "full"
    full.mkdir()
    data = json.loads((tmp_path / "run" / "result.json").read_text())
    (full / "result.json").write_text(json.dumps({**data, "scale": "full"}))
    done = run("results", tmp_path / "run", "--also", full, "--out", tmp_path / "again.md")
    assert done.returncode == 2 and "no run given has" in done.stderr


def test_measure_rare_theorem2(tmp_path):
    """Theorem 2 by the ellipse estimator; with all zeros closed (f̂ real, k2 = 3 k1) the estimate is 0 and a
    note says what that means."""
    done = run("measure", "--theorem", "2", "--k1", "2", "--k2", "3", "--delta", "0.15", "--method", "rare",
               "--samples", "60", "--out", str(tmp_path / "open"), "--json")
    assert done.returncode == 0, done.stderr
    point = json.loads(done.stdout)["points"][0]
    assert point["ci_low"] < point["fraction"] < point["ci_high"] and 1e-24 < point["fraction"] < 1e-16
    done = run("measure", "--theorem", "2", "--k1", "1", "--k2", "3", "--delta", "0.3", "--method", "rare",
               "--samples", "20", "--out", str(tmp_path / "closed"), "--json")
    data = json.loads(done.stdout)
    assert data["points"][0]["fraction"] == 0 and "nothing near the leading-order" in data["notes"][0]


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--k1", "3", "--k2", "1", "--delta", "1"), "k1 must be smaller than k2"),
        (("--k1", "1", "--k2", "3", "--delta", "0"), "delta must be a finite number > 0"),
        (("--k1", "-1", "--k2", "3", "--delta", "1"), "k1 must be a finite number > 0"),
        (("--k1", "1", "--k2", "3", "--delta", "1", "--m", "0"), "m (number of neurons) must be an integer >= 1"),
        (("--k1", "1", "--k2", "3", "--delta", "1", "--fhat1", "0,0"), "fhat1 must be nonzero"),
        (("--k1", "1", "--k2", "3", "--delta", "1", "--fhat1", "nan,0"), "fhat1 must be finite"),
        (("--k1", "1", "--k2", "3", "--delta", "1", "--fhat1", "1"), "expected RE,IM"),
    ],
)
def test_measure_bad_input(tmp_path, args, needle):
    done = run("measure", "--theorem", "1", *args, "--out", tmp_path / "x")
    assert done.returncode == 2 and needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_run_lists_and_runs_an_experiment(tmp_path):
    listed = run("run", "--list")
    assert listed.returncode == 0 and "f1d" in listed.stdout and "theory-vs-training" in listed.stdout
    done = run("run", "theory-vs-training", "--quick", "--seeds", "1", "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"experiment", "frequencies", "convergence_step", "threshold", "seeds", "config"} <= set(data)
    assert data["seeds"] == [0] and json.loads((tmp_path / "result.json").read_text()) == data


def test_run_unknown_experiment(tmp_path):
    done = run("run", "nope", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "unknown experiment 'nope'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "x").exists()


def test_run_data_option_is_checked(tmp_path):
    done = run("run", "f1d", "--quick", "--data", "digits", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "takes no --data" in done.stderr
    done = run("run", "filtering", "--quick", "--data", "imagenet", "--out", str(tmp_path / "y"))
    assert done.returncode == 2 and "data must be" in done.stderr
    done = run("run", "parity", "--quick", "--networks", "vgg", "--out", str(tmp_path / "z"))
    assert done.returncode == 2 and "takes no --networks" in done.stderr
    done = run("run", "projection", "--quick", "--networks", "mlp,resnet", "--out", str(tmp_path / "w"))
    assert done.returncode == 2 and "networks must be drawn from mlp, cnn, vgg" in done.stderr


def _write_idx(path, array):
    """An IDX file (the MNIST format): magic 0x0803 (images) or 0x0801 (labels), sizes, uint8 payload."""
    import struct

    import numpy as np

    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 8, array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    path.write_bytes(header + array.tobytes())


@pytest.mark.parametrize(
    "args, needle",
    [
        (("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1", "--m", "10000000"), "GiB for a single sample"),
        (("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1", "--method", "rare", "--m", "100000000"),
         "GiB for a single sample of the rare-event estimators; m must be at most"),
        (("measure", "--theorem", "2", "--k1", "1", "--k2", "3", "--delta", "1", "--method", "rare", "--m", "100000000"),
         "GiB for a single sample of the rare-event estimators; m must be at most"),
        (("sweep", "decay", "--k1", "1", "--k2", "3", "--m", "1", "100000000"), "GiB for a single sample of the rare-event"),
        (("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "1", "--seed", "99999999999999999999"),
         "seed must be an integer in [0, 4294967295]; got 99999999999999999999"),
        (("measure", "--theorem", "1", "--k1", "1", "--k2", "3", "--delta", "0.5", "--delta", "0.6", "--seed", "4294967295"),
         "seed must be an integer in [0, 4294966295] with 2 deltas (the i-th δ uses seed + 1000 i); got 4294967295"),
        (("run", "f1d", "--quick", "--seed", "4294967296"), "--seed must be an integer in [0, 4294967295]"),
        (("run", "f1d", "--quick", "--seed", "4294967290", "--seeds", "8"), "--seed must be an integer in [0, 4294967288]"),
        (("run", "f1d", "--quick", "--seeds", "1000000"), "lower the number of seeds"),
        (("run", "poisson", "--quick", "--dim", "3"), "dim must be 1 or 2; got 3"),
        (("run", "f1d", "--quick", "--dim", "2"), "experiment 'f1d' takes no --dim"),
    ],
)
def test_huge_or_wrapping_inputs_are_refused_before_work(tmp_path, args, needle):
    done = run(*args, "--out", tmp_path / "x")
    assert done.returncode == 2 and needle in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "x" / "result.json").exists()


@pytest.mark.parametrize("case", ["too-few", "labels"])
def test_user_data_is_checked(tmp_path, case):
    """mnist:DIR with 10 images cannot give the 300 points a quick run asks for; labels 200-209 are not digits."""
    import numpy as np

    folder = tmp_path / "mnist"
    folder.mkdir()
    images = np.random.default_rng(0).integers(0, 256, (10, 28, 28))
    labels = np.arange(10) + (200 if case == "labels" else 0)
    _write_idx(folder / "train-images-idx3-ubyte", images)
    _write_idx(folder / "train-labels-idx1-ubyte", labels)
    done = run("run", "filtering", "--quick", "--data", f"mnist:{folder}", "--out", tmp_path / "x")
    needle = "exceeds the 10 examples" if case == "too-few" else "must be classes 0-9"
    assert done.returncode == 2 and needle in done.stderr, done.stderr


@pytest.mark.slow
def test_ctrl_c_in_measure_ends_on_the_interrupted_line(tmp_path):
    """Ctrl-C while measure's progress bar shows: exit 130, nothing written, and "fptheory: interrupted" is the last
    thing on stderr. Before, the bar was closed after the message (at exit) and wrote a blank line over it (issue 38)."""
    import signal
    import subprocess
    import time

    # the command gets the default SIGINT disposition a terminal's foreground command has (see test_verify.py)
    trampoline = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                  "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")
    cmd = [sys.executable, "-c", trampoline, "-m", "fptheory", "measure", "--theorem", "1", "--k1", "1", "--k2", "3",
           "--delta", "0.2", "--method", "rare", "--samples", "1000000", "--out", str(tmp_path / "m")]
    log = tmp_path / "stderr.txt"
    with log.open("w") as sink:
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=sink, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while "samples/s" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)  # imports, the pilot, and the bar's 2 s delay
        assert process.poll() is None and "samples/s" in log.read_text(), log.read_text()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = log.read_text()
    assert process.returncode == 130, stderr
    assert stderr.endswith("fptheory: interrupted\n"), repr(stderr[-200:])
    assert not (tmp_path / "m" / "result.json").exists()
