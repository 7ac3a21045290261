"""The stored sympy derivations (fptheory.symbolic._stored): shipped, current, and equal to what the code derives."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from fptheory.symbolic import _stored
from fptheory.symbolic._lfp import gradient_powers
from fptheory.symbolic._network import reduced_gradient, scaled_reduced_gradient
from fptheory.symbolic._polygon import edge_integrals

STORED = {"reduced_gradient": reduced_gradient, "scaled_reduced_gradient": scaled_reduced_gradient,
          "lfp_gradient_powers": gradient_powers, "polygon_edge_integrals": edge_integrals}


def test_the_store_ships_and_is_current():
    """The installed package holds derived.json, written by this code (its key is the running sources' hash); else
    regenerate it: python -c "from fptheory.symbolic._stored import write_store; write_store()"."""
    assert _stored.STORE.exists(), "derived.json is not in the package (pyproject's package-data)"
    data = json.loads(_stored.STORE.read_text())
    assert data["key"] == _stored.code_key(), "the symbolic sources changed since derived.json was written"
    assert set(data["results"]) == set(STORED)


@pytest.mark.parametrize("name", sorted(STORED))
def test_each_stored_result_is_the_derivation(name):
    """Stored and freshly derived results are the same sympy objects (structural equality), with the same symbols'
    assumptions (srepr round trip)."""
    fn = STORED[name]
    fresh, used = fn.derive(), fn()
    assert fresh == used
    assert {str(s): s.assumptions0 for e in _leaves(used) for s in e.free_symbols} == \
           {str(s): s.assumptions0 for e in _leaves(fresh) for s in e.free_symbols}


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, tuple):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, sp.Basic):
        yield value


def test_a_store_of_other_code_is_ignored(tmp_path, monkeypatch):
    """A store whose key is not the running code's (edited sources, another sympy) is not used: the derivation
    runs instead; a store that does not parse is ignored too."""
    calls = []

    def derive():
        calls.append(1)
        return {"x": sp.Symbol("x", real=True) + 1}

    store = tmp_path / "derived.json"
    monkeypatch.setattr(_stored, "STORE", store)
    _stored._load.cache_clear()
    try:
        store.write_text(json.dumps({"key": "0" * 64, "results": {"probe": {"x": {"expr": "Integer(7)"}}}}))
        assert _stored.stored("probe")(derive)() == {"x": sp.Symbol("x", real=True) + 1} and calls == [1]
        _stored._load.cache_clear()
        store.write_text(json.dumps({"key": _stored.code_key(), "results": {"probe": {"x": {"expr": "Integer(7)"}}}}))
        assert _stored.stored("probe")(derive)() == {"x": sp.Integer(7)} and calls == [1]  # the key matches: used
        _stored._load.cache_clear()
        store.write_text("{not json")
        assert _stored.stored("probe")(derive)() == {"x": sp.Symbol("x", real=True) + 1} and calls == [1, 1]
    finally:
        _stored._DERIVATIONS.pop("probe", None)
        _stored._load.cache_clear()
