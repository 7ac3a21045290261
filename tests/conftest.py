"""Shared fixtures: seeded generators, float64 jax for the tests that need it (``x64``; the library itself never
switches it on), and each claim of the verify registry computed once per test run at quick scale.

Independent references live in :mod:`fptheory.reference` (docs/theory.md's formulas typed in, evaluated by
mpmath) or are computed in the tests by plain quadrature of the defining integrals.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import numpy as np
import pytest

_CACHE = "FPTHEORY_TEST_JAX_CACHE"
_owner = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """One JAX persistent compilation cache for the test runs, shared by pytest-xdist's workers and by the CLI
    subprocesses the tests start (they inherit the environment): a kernel one of them compiled, the others load.

    It persists between runs in pytest's own cache folder (``.pytest_cache/d/fptheory-jax``, removed by
    ``pytest --cache-clear`` or by deleting the folder), so a second run loads what the first compiled; XLA's
    programs are keyed by their own text, the jax version and the flags, so an edit to the code compiles afresh.
    With pytest's cache plugin off (``-p no:cacheprovider``), the run has a temporary cache of its own, deleted at
    its end. The library itself never configures a cache."""
    if _CACHE not in os.environ:
        cache = getattr(config, "cache", None)
        if cache is not None:
            os.environ[_CACHE] = str(cache.mkdir("fptheory-jax"))
        else:
            os.environ[_CACHE] = tempfile.mkdtemp(prefix="fptheory-test-jax-cache-")
            config.stash[_owner] = os.environ[_CACHE]
    os.environ["JAX_COMPILATION_CACHE_DIR"] = os.environ[_CACHE]
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    jax.config.update("jax_compilation_cache_dir", os.environ[_CACHE])
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    if "PYTEST_XDIST_WORKER" in os.environ:
        _one_thread_per_worker()


def _one_thread_per_worker() -> None:
    """pytest-xdist's workers already share the cores: each keeps to one XLA, one BLAS and one OpenMP thread,
    as ``fptheory verify``'s workers do for BLAS and OpenMP (two threads per worker on two cores made the quick
    projection claim take 24 s instead of 15, through finufft's OpenMP threads). XLA reads its flags at the
    worker's first JAX computation and OpenMP its variable when finufft first loads it, both after this; BLAS
    is loaded already and is limited through threadpoolctl."""
    from threadpoolctl import threadpool_limits

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flags}".strip()
    threadpool_limits(1)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _owner in config.stash:
        shutil.rmtree(config.stash[_owner], ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that judges or inspects a claim's quick run (the ``quick_claim`` fixture) is in the ``claims``
    tier (``pytest -m claims``), not the default one.

    The claims' quick runs go first (each takes seconds to tens of seconds; the tests that inspect their results
    wait on them): pytest-xdist's workers then end the run on short tests, not one of them on a long one
    (longest-processing-time-first scheduling)."""
    for item in items:
        if "quick_claim" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.claims)
    items.sort(key=lambda item: not item.nodeid.startswith("tests/test_claims.py::test_claim_holds_at_quick_scale"))


@pytest.fixture
def x64() -> Any:
    """float64 jax for one test (the library never switches it on for the process, and the claims' quick runs
    must compute here exactly what they compute for a user)."""
    with jax.enable_x64(True):
        yield


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)


@pytest.fixture(scope="session")
def quick_claim(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Any, Path]]:
    """``quick_claim(claim_id)`` -> (result, folder): the claim's computation at quick scale, run once per test
    run and shared by every test that asks (the claims test judges it; the experiments' tests inspect it), and by
    every claim whose computation is the same code on the same settings (the two Poisson claims).

    Under pytest-xdist the workers share it too (pytest-xdist's recipe for a session fixture that runs once): the
    first worker to ask computes it under a file lock and pickles it; the others wait and load it."""
    import fcntl
    import hashlib
    import json
    import pickle

    from fptheory.verify import load_builtin

    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # shared by the workers of this run
    shared = root / "quick-claims"
    shared.mkdir(exist_ok=True)
    done: dict[str, tuple[Any, Path]] = {}

    def get(claim_id: str) -> tuple[Any, Path]:
        if claim_id not in done:
            claim = load_builtin()[claim_id]
            settings = claim.settings(True)
            # claims that judge the same computation (the same code on the same settings) share one run
            recipe = json.dumps([claim.compute.__module__, claim.compute.__qualname__, settings], sort_keys=True,
                                default=str)
            name = hashlib.sha256(recipe.encode()).hexdigest()[:16]
            folder, stored = shared / name, shared / f"{name}.pickle"
            with open(shared / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not stored.exists():
                    folder.mkdir(exist_ok=True)
                    result = claim.compute(settings, folder)
                    stored.write_bytes(pickle.dumps(result))
                done[claim_id] = (pickle.loads(stored.read_bytes()), folder)
        return done[claim_id]

    return get
