"""Shared fixtures: seeded generators, float64 jax for the tests (the library itself never sets it), and each
claim of the verify registry computed once per test run at quick scale.

Independent references live in :mod:`fptheory.reference` (docs/theory.md's formulas typed in, evaluated by
mpmath) or are computed in the tests by plain quadrature of the defining integrals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import jax
import numpy as np
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)


@pytest.fixture(scope="session")
def quick_claim(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Any, Path]]:
    """``quick_claim(claim_id)`` -> (result, folder): the claim's computation at quick scale, run once per test
    run and shared by every test that asks (the claims test judges it; the experiments' tests inspect it)."""
    from fptheory.verify import load_builtin

    done: dict[str, tuple[Any, Path]] = {}

    def get(claim_id: str) -> tuple[Any, Path]:
        if claim_id not in done:
            claim = load_builtin()[claim_id]
            folder = tmp_path_factory.mktemp(claim_id)
            done[claim_id] = (claim.compute(claim.settings(True), folder), folder)
        return done[claim_id]

    return get
