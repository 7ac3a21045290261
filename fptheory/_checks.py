"""Input checks shared by the numeric entry points: clear errors (InputError) that name the argument."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

__all__ = ["InputError", "is_traced", "as_finite", "check_nonzero", "check_broadcast", "check_counts", "check_seed",
           "check_backend", "SEED_LIMIT"]

#: Seeds are integers in [0, 2^32): jax's generators take 32 bits, and a larger seed would wrap onto a smaller one.
SEED_LIMIT = 2**32


class InputError(ValueError):
    """Bad input from a user: a value out of its allowed range, named with that range, found before any work."""


def is_traced(value: Any) -> bool:
    """True for a JAX tracer (inside jit/grad/vmap), whose values cannot be checked. A tracer exists only once
    jax is imported, so a numpy caller never pays jax's import (about 3 s) for this check."""
    if "jax" not in sys.modules:
        return False
    from jax.core import Tracer

    return isinstance(value, Tracer)


def as_finite(name: str, value: Any, *, complex_ok: bool = False) -> Any:
    """Return ``value`` unchanged after checking that every entry is a finite number."""
    if is_traced(value):
        return value
    arr = np.asarray(value)
    if arr.dtype.kind not in ("b", "i", "u", "f") + (("c",) if complex_ok else ()):
        kind = "real or complex" if complex_ok else "real"
        raise InputError(f"{name} must be {kind} numbers; got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite; got {np.count_nonzero(~np.isfinite(arr))} non-finite value(s)")
    return value


def check_nonzero(name: str, value: Any, why: str) -> None:
    """Raise if any entry of ``value`` is 0 (``why`` says what is singular there)."""
    if is_traced(value):
        return
    if np.any(np.asarray(value) == 0):
        raise InputError(f"{name} must be nonzero ({why}); allowed: any finite real except 0")


def check_broadcast(**shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of the named shapes, or a ValueError naming them all."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{n} {tuple(s)}" for n, s in shapes.items())
        raise InputError(f"shapes do not broadcast: {listed}") from None


def check_counts(**values: Any) -> None:
    """Each named value must be a count: an integer >= 1 (a bool is not one).

    Args:
        values: name=value pairs; the first that is not a count is named in the error.

    Returns:
        None; ``InputError`` "NAME must be an integer >= 1; got VALUE" otherwise.
    """
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be an integer >= 1; got {value!r}")


def check_seed(seed: Any, count: int = 1, name: str = "seed") -> int:
    """``seed`` as an int, after checking that it and the ``count - 1`` seeds after it lie in [0, 2^32)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"{name} must be an integer in [0, {SEED_LIMIT - 1}]; got {seed!r}")
    if not 0 <= int(seed) <= SEED_LIMIT - int(count):
        top = SEED_LIMIT - int(count)
        used = f" (seeds {name}, …, {name} + {int(count) - 1} are used)" if int(count) > 1 else ""
        raise InputError(f"{name} must be an integer in [0, {top}]{used}; got {seed}")
    return int(seed)


def check_backend(backend: Any) -> None:
    """The estimators' array backend: "numpy" or "jax" (one message for every entry point that takes one)."""
    if not isinstance(backend, str) or backend not in ("numpy", "jax"):
        raise InputError(f"backend must be 'numpy' or 'jax'; got {backend!r}")
