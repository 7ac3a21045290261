"""Per-frequency measures of a training run (docs/theory.md §7.1-2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["relative_error", "convergence_steps", "median_steps", "normalised_magnitude", "ordered_fraction"]


def relative_error(h_hat: Any, f_hat: Any) -> np.ndarray:
    """The relative error per frequency ``Δ_F(k) = |ĥ_k - f̂_k| / |f̂_k|`` (Xu et al. 2020,
    arXiv:1901.06523, Sec. 2).

    Args:
        h_hat: the network's transform at the K frequencies, shape (..., K).
        f_hat: the target's, shape (K,), nonzero.

    Returns:
        Δ_F, shape (..., K).
    """
    h_hat, f_hat = np.asarray(h_hat), np.asarray(f_hat)
    if h_hat.shape[-1] != f_hat.shape[-1]:
        raise InputError(f"h_hat ({h_hat.shape[-1]} frequencies) and f_hat ({f_hat.shape[-1]}) must match")
    if np.any(np.abs(f_hat) == 0):
        raise InputError("f_hat must be nonzero at every chosen frequency (they are the target's peaks)")
    return np.abs(h_hat - f_hat) / np.abs(f_hat)


def convergence_steps(errors: Any, steps: Any, threshold: float) -> list[int | None]:
    """Each frequency's convergence step: the first recorded step at which its error falls below
    ``threshold`` (the F-Principle's "converged" of Xu et al. 2020, arXiv:1901.06523, Sec. 2).

    Args:
        errors: Δ_F at each record, shape (R, K).
        steps: the recorded steps, shape (R,).
        threshold: in (0, 1).

    Returns:
        K entries: the step, or None where the error never falls below ``threshold``.
    """
    if not (0 < threshold < 1):
        raise InputError(f"threshold must lie in (0, 1); got {threshold!r}")
    errors, steps = np.asarray(errors), np.asarray(steps)
    if errors.ndim != 2 or errors.shape[0] != steps.shape[0]:
        raise InputError(f"errors must have shape (records, frequencies) with records = {steps.shape[0]}; got {errors.shape}")
    out: list[int | None] = []
    for col in errors.T:
        below = np.flatnonzero(col < threshold)
        out.append(int(steps[below[0]]) if below.size else None)
    return out


def median_steps(steps_per_run: list[list[int | None]]) -> list[int | None]:
    """Per frequency, the median convergence step over runs (rows); None where some run never converged."""
    return [None if any(v is None for v in col) else int(np.median(col)) for col in zip(*steps_per_run)]


def normalised_magnitude(h_hat: Any, amplitudes: Any) -> np.ndarray:
    """``|ĥ(k_i)| / A_i`` (Rahaman, Baratin, Arpit, Draxler, Lin, Hamprecht, Bengio, Courville 2019,
    arXiv:1806.08734, Experiment 1).

    Args:
        h_hat: the network's transform at the K frequencies, shape (..., K).
        amplitudes: A_i, the target's amplitude at k_i in the same DFT, shape (K,), > 0.

    Returns:
        shape (..., K): 1 where the network has the target's full amplitude at k_i.
    """
    amplitudes = np.asarray(amplitudes, dtype=float)
    if np.any(amplitudes <= 0):
        raise InputError("amplitudes must be > 0")
    return np.abs(np.asarray(h_hat)) / amplitudes


def ordered_fraction(steps_per_seed: list[list[int | None]]) -> float:
    """The fraction of seeds that converge low frequency first.

    Args:
        steps_per_seed: per seed, the convergence steps of the frequencies in ascending order
            (:func:`convergence_steps`); None counts as converging after every recorded step.

    Returns:
        the fraction of seeds whose steps are non-decreasing in frequency and not all equal, in [0, 1].
    """
    if not steps_per_seed:
        raise InputError("no seeds")
    ordered = 0
    for row in steps_per_seed:
        values = [float("inf") if v is None else v for v in row]
        if all(a <= b for a, b in zip(values, values[1:])) and values[0] < values[-1]:
            ordered += 1
    return ordered / len(steps_per_seed)
