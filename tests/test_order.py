"""The order verify starts claims in (fptheory.verify._order): the longest expected first, from this folder's own
cache entries, else the shipped durations; claims with no record first. Graham's bound for the rule is checked on a
random instance against the best schedule found by brute force."""

import itertools
import json
import math
import os

import numpy as np

from fptheory.verify import _order
from fptheory.verify._registry import load_builtin


def _entry(cache, name, claim, seconds, *, quick=True, mtime=None):
    path = cache / f"{name}.json"
    path.write_text(json.dumps({"id": claim, "seconds": seconds, "settings": {"quick": quick}}))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def test_longest_first_from_the_folders_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(_order, "DURATIONS", tmp_path / "none.json")  # no shipped numbers
    cache = tmp_path / "cache"
    cache.mkdir()
    _entry(cache, "a1", "a", 5.0, mtime=1000)
    _entry(cache, "a2", "a", 50.0, mtime=2000)  # the newer entry of a claim wins
    _entry(cache, "b", "b", 20.0)
    _entry(cache, "c-full", "c", 99.0, quick=False)  # another scale: no record at quick scale
    (cache / "broken.json").write_text("{not json")
    ids = ["b", "c", "a", "d"]
    assert _order.expected_seconds(ids, quick=True, cache=cache) == {"a": 50.0, "b": 20.0}
    assert [ids[i] for i in _order.longest_first(ids, quick=True, cache=cache)] == ["c", "d", "a", "b"]
    assert [ids[i] for i in _order.longest_first(ids, quick=False, cache=cache)] == ["b", "a", "d", "c"]


def test_shipped_durations_fill_in_and_the_cache_overrides(tmp_path, monkeypatch):
    shipped = tmp_path / "durations.json"
    shipped.write_text(json.dumps({"quick": {"a": 1.0, "b": 2.0, "bad": float("nan")}}).replace("NaN", '"x"'))
    monkeypatch.setattr(_order, "DURATIONS", shipped)
    cache = tmp_path / "cache"
    cache.mkdir()
    _entry(cache, "a", "a", 3.0)
    assert _order.expected_seconds(["a", "b", "bad"], quick=True, cache=cache) == {"a": 3.0, "b": 2.0}


def test_write_durations_merges_fresh_outcomes_only(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "result.json").write_text(json.dumps({"scale": "quick", "claims": [
        {"id": "a", "seconds": 12.34, "cached": False, "verdict": "holds"},
        {"id": "b", "seconds": 0.01, "cached": True, "verdict": "holds"},
        {"id": "c", "seconds": 0.0, "cached": False, "verdict": "error"}]}))
    path = tmp_path / "durations.json"
    path.write_text(json.dumps({"quick": {"b": 7.0}, "full": {"a": 100.0}}))
    _order.write_durations([run], path)
    assert json.loads(path.read_text()) == {"full": {"a": 100.0}, "quick": {"a": 12.3, "b": 7.0}}


def test_the_shipped_durations_name_registered_claims():
    data = json.loads(_order.DURATIONS.read_text())
    claims = load_builtin()
    assert set(data) <= {"quick", "full"} and data["quick"]
    for table in data.values():
        assert set(table) <= set(claims)
        assert all(isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in table.values())


def _makespan(times, order, workers=2):
    """Wall time of list scheduling: each claim in ``order`` goes to the worker free first."""
    free = [0.0] * workers
    for i in order:
        free[free.index(min(free))] += times[i]
    return max(free)


def test_graham_bound_on_random_instances(tmp_path, monkeypatch):
    """The order's wall time on 2 workers is at most 4/3 - 1/6 = 7/6 of the best schedule's (Graham 1969, LPT) on
    random costs, the best found by brute force; the registry order's is not bounded so (long claims last)."""
    monkeypatch.setattr(_order, "DURATIONS", tmp_path / "none.json")
    rng = np.random.default_rng(3)
    for trial in range(20):
        cache = tmp_path / f"cache{trial}"
        cache.mkdir()
        times = list(rng.lognormal(2.0, 1.0, size=8))
        ids = [f"c{i}" for i in range(8)]
        for cid, t in zip(ids, times):
            _entry(cache, cid, cid, float(t))
        order = _order.longest_first(ids, quick=True, cache=cache)
        best = min(max(s, sum(times) - s) for s in (sum(t for t, side in zip(times, sides) if side)
                                                    for sides in itertools.product((0, 1), repeat=8)))
        assert _makespan(times, order) <= (7 / 6) * best + 1e-9
    times = [1.0] * 6 + [6.0]
    assert _makespan(times, range(7)) == 9.0 and _makespan(times, sorted(range(7), key=lambda i: -times[i])) == 6.0
