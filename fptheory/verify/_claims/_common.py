"""What the claim modules share: the citation helper and the claim decided on one experiment's run."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fptheory.verify._jobs import step_progress
from fptheory.verify._registry import Claim, Decide, Kind, Source, Statistics, decided
from fptheory.verify._thresholds import Threshold

__all__ = ["source", "experiment_claim", "seeds_of"]


def source(paper: dict[str, Any], where: str) -> Source:
    """A :class:`Source` from one of the registry's paper dicts and the place in the paper."""
    return Source(**paper, where=where)


def experiment_claim(claim_id: str, module: str, statement: str, cited: Source, statistic: str, threshold: str, *,
                     statistics: Callable[[Any], Statistics], decide: Decide, describe: Callable[[Statistics], str],
                     ledger: tuple[Threshold, ...], kind: Kind = "empirical",
                     changes: dict[str, Any] | None = None) -> Claim:
    """A claim decided on one experiment's run at its quick or default configuration, with ``changes`` to that
    configuration's fields (the part of an experiment a claim does not judge, left out)."""

    def settings(quick: bool) -> dict[str, Any]:
        return {"experiment": module, "quick": quick, "seed": 0, **({"changes": changes} if changes else {})}

    def with_seeds(result: Any) -> Statistics:
        return {"seeds": seeds_of(result), **statistics(result)}

    return Claim(claim_id, statement, cited, statistic, threshold, settings, _compute_experiment,
                 decided(with_seeds, decide, describe), kind=kind, ledger=ledger, decide=decide)


def seeds_of(result: Any) -> int | None:
    """How many seeds (independent training runs) an experiment's result holds: its config's ``seeds``, or its
    training config's (perturbation trains through spectral_bias's); None where the experiment has no seeds."""
    config = getattr(result, "config", None)
    for holder in (config, getattr(config, "train", None)):
        seeds = getattr(holder, "seeds", None)
        if isinstance(seeds, int):
            return seeds
    return None


def _compute_experiment(settings: dict[str, Any], folder: Path) -> Any:
    """Run the experiment the settings name (its quick or default configuration, with the claim's changes) and
    save it into ``folder``. One function for every experiment claim: two claims on the same settings share a
    run in the tests (tests/conftest.py keys the shared runs on this function and the settings)."""
    import dataclasses

    mod = importlib.import_module(f"fptheory.experiments.{settings['experiment']}")
    config = mod.make_config(quick=settings["quick"], seed=settings["seed"])
    changes = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.get("changes", {}).items()}
    result = mod.run(dataclasses.replace(config, **changes), progress=step_progress())
    mod.save(result, folder)
    return result
