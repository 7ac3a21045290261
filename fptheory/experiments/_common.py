"""Helpers the experiment modules share: seeds → keys, config → JSON."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

__all__ = ["seed_keys", "config_json", "finite_or_none"]


def seed_keys(seed: int, seeds: int) -> Any:
    """One jax PRNG key per seed: seeds seed, seed+1, …, seed+seeds-1 (so seed s alone reproduces row s)."""
    import jax

    if not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"seeds must be an integer >= 1; got {seeds!r}")
    return np.stack([np.asarray(jax.random.PRNGKey(seed + i)) for i in range(seeds)])


def config_json(config: Any) -> dict[str, Any]:
    out = asdict(config)
    for key, value in out.items():
        if isinstance(value, complex):
            out[key] = [value.real, value.imag]
        elif isinstance(value, tuple):
            out[key] = [([v.real, v.imag] if isinstance(v, complex) else v) for v in value]
    return out


def finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
