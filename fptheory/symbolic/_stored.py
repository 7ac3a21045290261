"""Stored results of the slow sympy derivations, shipped with the package and written by it.

A derivation such as :func:`fptheory.symbolic._network.reduced_gradient` costs about 3 s of ``sp.simplify`` on
every process's first call (each verify worker, each test worker, a user's first rare estimate). Its result is
stored here, in ``derived.json``, as ``sp.srepr`` text, under a key: a hash of sympy's version and of every source
file of :mod:`fptheory.symbolic`. A stored result is used only where its key is the running code's; otherwise the
derivation runs as before (correct, only slower), and ``tests/test_symbolic_store.py`` fails until the file is
written again::

    python -c "from fptheory.symbolic._stored import write_store; write_store()"

The file is the package's own output (same trust as its code), read with sympy's parser; the test also
derives each result afresh and compares it with the stored one, so what is stored is always what is derived.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

import sympy as sp

__all__ = ["STORE", "code_key", "stored", "write_store"]

STORE = Path(__file__).with_name("derived.json")

#: name -> the derivation that produces it (a function of no arguments returning a dict of sympy expressions,
#: or of (expression, int) pairs), registered by :func:`stored`
_DERIVATIONS: dict[str, Callable[[], Any]] = {}


@cache
def code_key() -> str:
    """sha256 of sympy's version and of every ``fptheory/symbolic/*.py`` (sorted by name)."""
    digest = hashlib.sha256(sp.__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _load() -> dict[str, Any]:
    try:
        data = json.loads(STORE.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("key") == code_key() else {}


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(name): _encode(item) for name, item in value.items()}
    if isinstance(value, tuple):
        return {"tuple": [_encode(item) for item in value]}
    if isinstance(value, int):
        return {"int": value}
    return {"expr": sp.srepr(value)}


def _decode(value: Any) -> Any:
    if "tuple" in value:
        return tuple(_decode(item) for item in value["tuple"])
    if "int" in value:
        return int(value["int"])
    if "expr" in value:
        return sp.parse_expr(value["expr"])
    return {name: _decode(item) for name, item in value.items()}


def stored(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Decorator for a derivation of no arguments: its stored result where the store's key is the running code's,
    else the derivation itself; cached per process either way. The live derivation stays reachable as
    ``.derive``."""

    def wrap(derive: Callable[[], Any]) -> Callable[[], Any]:
        _DERIVATIONS[name] = derive

        @cache
        @wraps(derive)
        def result() -> Any:
            entry = _load().get("results", {}).get(name)
            return _decode(entry) if entry is not None else derive()

        result.derive = derive  # type: ignore[attr-defined]
        return result

    return wrap


def write_store(path: Path = STORE) -> Path:
    """Derive every registered result afresh and write them with the running code's key (temporary file, then
    rename)."""
    import importlib

    for module in ("fptheory.symbolic", "fptheory.symbolic._lfp", "fptheory.symbolic._polygon"):
        importlib.import_module(module)  # registers every stored derivation (the package does not import the last two)

    data = {"key": code_key(), "sympy": sp.__version__,
            "results": {name: _encode(derive()) for name, derive in sorted(_DERIVATIONS.items())}}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    temporary.replace(path)
    return path
