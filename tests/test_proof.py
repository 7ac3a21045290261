"""The proof framework decides steps honestly; the installed proofs load, and their rigorous steps are
rigorous (identities and interval bounds), with sampled evidence labelled as checks."""

import sys

import mpmath
import pytest
import sympy as sp

import fptheory.proofs
from fptheory.proof import (
    Proof,
    ProofsError,
    Step,
    StepFailed,
    digits_agree,
    interval_bound,
    load_proofs,
    proof_verdict,
    run_proof,
    sympy_identity,
)


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


def test_checks_do_not_decide_a_proof():
    def false() -> str:
        raise StepFailed("a sample disagrees")

    ok = Step("rigorous", "1 = 1", lambda: sympy_identity(sp.Integer(1), sp.Integer(1)))
    results = run_proof(Proof("demo", "demo", "none", (ok, Step("sampled", "seen on samples", false, "check"))))
    assert [r.kind for r in results] == ["proof", "check"] and proof_verdict(results) == "holds"
    assert proof_verdict(run_proof(Proof("demo", "demo", "none", (Step("s", "x", false),)))) == "fails"
    assert proof_verdict(run_proof(Proof("demo", "demo", "none", (Step("s", "x", lambda: "ok", "check"),)))) == "error"
    with pytest.raises(ValueError, match="kind must be"):
        Step("s", "x", lambda: "ok", "guess")


PROOF_NAMES = ("eq26", "eq27-31", "theorem1", "theorem2")


def test_every_installed_proof_holds(quick_claim):
    """Every step, rigorous or check, of every installed proof holds (the step results are the proof claims' own
    runs, shared with tests/test_claims.py)."""
    assert {p.name for p in load_proofs()} == set(PROOF_NAMES)
    results = [r for name in PROOF_NAMES for r in quick_claim(f"proof-{name}")[0]]
    failing = [(r.proof, r.step, r.evidence) for r in results if r.verdict != "holds"]
    assert not failing
    assert len(results) >= 33
    for name in PROOF_NAMES:
        assert proof_verdict(quick_claim(f"proof-{name}")[0]) == "holds"


def test_rigorous_steps_are_identities_or_interval_bounds(quick_claim):
    """A step of kind "proof" must rest on sympy or interval arithmetic; sampled evidence is a "check"."""
    for name in PROOF_NAMES:
        for result in quick_claim(f"proof-{name}")[0]:
            if result.kind == "proof":
                assert "sympy" in result.evidence or "interval arithmetic" in result.evidence, (name, result.step)


def test_broken_or_empty_proofs_package_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fptheory.proofs, "__path__", [str(tmp_path)])
    with pytest.raises(ProofsError, match="holds no proof module"):
        load_proofs()
    (tmp_path / "bad_proof.py").write_text("PROOF = 3\n")
    with pytest.raises(ProofsError, match="defines no PROOF"):
        load_proofs()
    sys.modules.pop("fptheory.proofs.bad_proof", None)
    (tmp_path / "bad_proof.py").write_text("raise RuntimeError('broken')\n")
    with pytest.raises(ProofsError, match="fails to import"):
        load_proofs()
    sys.modules.pop("fptheory.proofs.bad_proof", None)
