"""Helpers the experiment modules share: seeds → keys, config → JSON, divergence notes, saving a result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_seed
from fptheory._json import jsonable

__all__ = ["PROTOCOL", "check_protocol", "seed_keys", "config_json", "result_json", "divergence_notes", "write_result",
           "plot_from"]

#: What every experiment module provides (config in, result out, figure; the verdict is its claim's):
#: ``Config`` a frozen dataclass that checks its fields; ``make_config(*, quick, seed, seeds)``;
#: ``run(config, *, progress) -> Result`` (no printing or plotting); ``Result`` with ``to_json()``;
#: ``plot(result, path)``; ``save(result, out)`` (result.json, arrays.npz, figure, each atomically).
PROTOCOL = ("Config", "Result", "make_config", "run", "plot", "save")


def check_protocol(module: Any) -> Any:
    """``module`` after checking it follows :data:`PROTOCOL` (a programming error, ``TypeError``, if not)."""
    import dataclasses
    import inspect

    missing = [name for name in PROTOCOL if not hasattr(module, name)]
    if missing:
        raise TypeError(f"experiment module {module.__name__} lacks {', '.join(missing)}")
    if not dataclasses.is_dataclass(module.Config) or not hasattr(module.Result, "to_json"):
        raise TypeError(f"{module.__name__}: Config must be a dataclass and Result have to_json()")
    make = inspect.signature(module.make_config).parameters
    run = inspect.signature(module.run).parameters
    keywords = ("quick", "seed", "seeds")
    if not set(keywords) <= set(make) or any(make[n].kind != inspect.Parameter.KEYWORD_ONLY for n in keywords):
        raise TypeError(f"{module.__name__}: make_config must take keyword-only quick, seed and seeds")
    if "progress" not in run or run["progress"].kind != inspect.Parameter.KEYWORD_ONLY:
        raise TypeError(f"{module.__name__}: run must take a keyword-only progress")
    return module


def seed_keys(seed: int, seeds: int) -> Any:
    """One jax PRNG key per seed: seeds seed, seed+1, …, seed+seeds-1 (so seed s alone reproduces row s)."""
    import jax
    import jax.numpy as jnp

    if not isinstance(seeds, int) or seeds < 1:
        raise InputError(f"seeds must be an integer >= 1; got {seeds!r}")
    check_seed(seed, seeds)
    return np.asarray(jax.vmap(jax.random.PRNGKey)(jnp.arange(seed, seed + seeds, dtype=jnp.uint32)))


def config_json(config: Any) -> dict[str, Any]:
    """A config as JSON (the one serialiser, :func:`fptheory._json.jsonable`)."""
    return jsonable(config)


def result_json(result: Any, experiment: str, *, seeds: tuple[int, int], **fields: Any) -> dict[str, Any]:
    """The JSON form of a training experiment's result (``result.json``; what verify's claims and
    ``fptheory results`` read): its name, ``fields`` (the experiments that follow peaks give
    frequencies, convergence_step and threshold, then their own), the seeds run (first, count), and the seconds,
    config and notes every result carries. Serialised by :func:`fptheory._json.jsonable`, so no NaN or infinity reaches the file."""
    first, count = seeds
    return jsonable({"experiment": experiment, **fields, "seeds": list(range(first, first + count)),
                     "seconds": result.seconds, "config": result.config, "notes": result.notes})


def divergence_notes(history: Any) -> list[str]:
    """The note a result carries when its training run stopped on a non-finite loss."""
    if history.diverged_at is None:
        return []
    return [f"training diverged at step {history.diverged_at}; records stop before it"]


def write_result(result: Any, out: str | Path, plot: Callable[[Any, Path], Path], figure: str, **arrays: Any) -> Path:
    """``out/arrays.npz`` (when arrays are given), ``out/<figure>`` and ``out/result.json``, each atomically;
    returns the JSON path."""
    from fptheory._io import write_json_atomic, write_npz_atomic

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if arrays:
        write_npz_atomic(folder / "arrays.npz", **arrays)
    plot(result, folder / figure)
    return write_json_atomic(folder / "result.json", result.to_json())


def plot_from(figure: Callable[[Any], Any]) -> Callable[[Any, str | Path], Path]:
    """An experiment's ``plot(result, path)`` from its ``figure(result)`` (a matplotlib Figure, no pyplot): the figure
    saved atomically as a PNG at ``path``, which it returns. One definition for every experiment that draws its
    figure with a ``figure`` function (notebooks show that function's Figure inline)."""
    from fptheory._io import save_figure_atomic

    def plot(result: Any, path: str | Path) -> Path:
        return save_figure_atomic(figure(result), path)

    plot.__doc__ = f"Save ``{figure.__module__}.figure(result)`` atomically as a PNG at ``path``; return the path."
    return plot
