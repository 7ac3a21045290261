"""Shared fixtures: seeded generators and float64 jax.

Independent references live in :mod:`fptheory.reference` (THEORY.md's formulas typed in, evaluated by
mpmath) or are computed in the tests by plain quadrature of the defining integrals.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest

jax.config.update("jax_enable_x64", True)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)
