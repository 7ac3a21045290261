"""Helpers the experiment modules share: seeds → keys, config → JSON, divergence notes, saving a result."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fptheory._checks import InputError

__all__ = ["seed_keys", "config_json", "finite_or_none", "divergence_notes", "write_result"]


def seed_keys(seed: int, seeds: int) -> Any:
    """One jax PRNG key per seed: seeds seed, seed+1, …, seed+seeds-1 (so seed s alone reproduces row s)."""
    import jax

    if not isinstance(seeds, int) or seeds < 1:
        raise InputError(f"seeds must be an integer >= 1; got {seeds!r}")
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


def divergence_notes(history: Any) -> list[str]:
    """The note a result carries when its training run stopped on a non-finite loss."""
    if history.diverged_at is None:
        return []
    return [f"training diverged at step {history.diverged_at}; records stop before it"]


def write_result(result: Any, out: str | Path, plot: Callable[[Any, Path], Path], figure: str, **arrays: Any) -> Path:
    """``out/arrays.npz`` (when arrays are given), ``out/<figure>`` and ``out/result.json``, each atomically;
    returns the JSON path."""
    from fptheory.io import write_json_atomic, write_npz_atomic

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if arrays:
        write_npz_atomic(folder / "arrays.npz", **arrays)
    plot(result, folder / figure)
    return write_json_atomic(folder / "result.json", result.to_json())
