"""The proof framework decides steps honestly, and every proof in proofs/ holds."""

from pathlib import Path

import mpmath
import pytest
import sympy as sp

from fptheory.proof import Proof, Step, StepFailed, digits_agree, interval_bound, load_proofs, run_proof, sympy_identity

PROOFS = Path(__file__).resolve().parents[1] / "proofs"


def test_sympy_identity_decides():
    x = sp.Symbol("x", real=True)
    assert "= 0" in sympy_identity(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1))
    with pytest.raises(StepFailed):
        sympy_identity(sp.sinh(x), sp.cosh(x))


def test_interval_bound_decides():
    assert "interval arithmetic" in interval_bound(lambda t: mpmath.iv.exp(-t), 0, 10, lower=0, upper=1)
    with pytest.raises(StepFailed):
        interval_bound(lambda t: mpmath.iv.exp(-t), 0, 10, lower=0, upper=0.99)  # exp(-0) = 1 > 0.99
    with pytest.raises(StepFailed):
        # enclosure of t² on [0.9, 1.1] reaches above 1.2 only in the last piece: bound must catch it
        interval_bound(lambda t: t * t, 0, 1.1, upper=1.2, pieces=11)


def test_digits_agree_decides():
    assert "agree" in digits_agree([mpmath.mpf(1)], [mpmath.mpf(1) + mpmath.mpf(10) ** -12], 10, "x")
    with pytest.raises(StepFailed):
        digits_agree([mpmath.mpf(1)], [mpmath.mpf(1) + mpmath.mpf(10) ** -8], 10, "x")


def test_run_proof_reports_fails_and_errors_without_stopping():
    def broken() -> str:
        raise ZeroDivisionError("boom")

    def false() -> str:
        raise StepFailed("1 != 2")

    proof = Proof("demo", "demo", "none", (Step("a", "false", false), Step("b", "broken", broken), Step("c", "ok", lambda: "fine")))
    verdicts = [r.verdict for r in run_proof(proof)]
    assert verdicts == ["fails", "error", "holds"]


def test_every_proof_step_holds():
    proofs = load_proofs(PROOFS)
    assert {p.name for p in proofs} >= {"eq26", "eq27-31", "theorem1", "theorem2"}
    results = [r for p in proofs for r in run_proof(p)]
    failing = [(r.proof, r.step, r.evidence) for r in results if r.verdict != "holds"]
    assert not failing
    assert len(results) >= 28


def test_load_proofs_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_proofs(tmp_path / "missing")
    (tmp_path / "bad.py").write_text("PROOF = 3\n")
    with pytest.raises(ValueError, match="defines no PROOF"):
        load_proofs(tmp_path)
