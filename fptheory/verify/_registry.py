"""The registry of claims: what each states, where it comes from, the statistic and threshold that decide it,
and the code that computes the statistic."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fptheory._json import jsonable
from fptheory.verify._conditions import Condition, all_hold
from fptheory.verify._thresholds import Threshold

__all__ = ["Source", "Claim", "Evidence", "CLAIMS", "register", "load_builtin", "decided"]

#: "derivation": an exact identity, a closed form or a proof, which fails only through a bug; "empirical": a
#: measurement on training runs or samples, which can fail because the world is not as the paper says.
Kind = Literal["derivation", "empirical"]


@dataclass(frozen=True)
class Source:
    """A full citation: authors, year, title, arXiv id, and where in the paper (equation, figure, section)."""

    authors: str
    year: int
    title: str
    arxiv: str
    where: str

    def cite(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. arXiv:{self.arxiv}. {self.where}."


#: The papers the claims come from.
XU_2020 = dict(authors="Zhi-Qin John Xu, Yaoyu Zhang, Tao Luo, Yanyang Xiao, Zheng Ma", year=2020,
               title="Frequency Principle: Fourier Analysis Sheds Light on Deep Neural Networks "
                     "(Communications in Computational Physics 28(5))", arxiv="1901.06523")
RAHAMAN_2019 = dict(authors="Nasim Rahaman, Aristide Baratin, Devansh Arpit, Felix Draxler, Min Lin, Fred A. "
                            "Hamprecht, Yoshua Bengio, Aaron Courville", year=2019,
                    title="On the Spectral Bias of Neural Networks (ICML 2019)", arxiv="1806.08734")
XU_OVERVIEW_2024 = dict(authors="Zhi-Qin John Xu, Yaoyu Zhang, Tao Luo", year=2024,
                        title="Overview frequency principle/spectral bias in deep learning (Communications on "
                              "Applied Mathematics and Computation)", arxiv="2201.07395")
LUO_2019 = dict(authors="Tao Luo, Zheng Ma, Zhi-Qin John Xu, Yaoyu Zhang", year=2019,
                title="Theory of the frequency principle for general deep neural networks (CSIAM Transactions on Applied "
                      "Mathematics 2(3), 2021)", arxiv="1906.09235")
WANG_LAI_2024 = dict(authors="Yongji Wang, Ching-Yao Lai", year=2024,
                     title="Multi-stage neural networks: Function approximator of machine precision (Journal of "
                           "Computational Physics 504, 112865)", arxiv="2307.08934")


@dataclass
class Evidence:
    """What a check found: whether the statement holds, the key number in words (for the table), details
    (JSON-ready numbers: for the built-in claims, the statistics the verdict is decided from), the figure it wrote
    (a path inside the claim's folder) if any, and the threshold's conditions, each with what it measured."""

    holds: bool
    key: str
    details: dict[str, Any] = field(default_factory=dict)
    figure: Path | None = None
    conditions: list[Condition] = field(default_factory=list)


Statistics = dict[str, Any]
Decide = Callable[[Statistics], list[Condition]]


def decided(statistics: Callable[[Any], Statistics], decide: Decide, describe: Callable[[Statistics], str]
            ) -> Callable[[Any], Evidence]:
    """A judge in three parts: ``statistics(result)`` measures (a JSON-ready dict, made so before deciding, so
    that a cached copy decides the same), ``decide(statistics)`` applies the threshold as a list of
    :class:`Condition` (the claim holds when every one does) and ``describe(statistics)`` gives the key number."""

    def judge(result: Any) -> Evidence:
        stats = jsonable(statistics(result))
        conditions = decide(stats)
        return Evidence(all_hold(conditions), describe(stats), stats,
                        conditions=conditions)

    return judge


@dataclass(frozen=True)
class Claim:
    """One claim, in one place: ``statement`` (one sentence), ``source`` (the full citation), ``statistic``
    (what is measured, in words) and ``threshold`` (the rule that decides, in words, built from the same
    constants ``judge`` uses). ``settings(quick)`` gives a JSON-ready dict; ``compute(settings, folder)`` runs
    the measurement (it may write files, a figure among them, into ``folder``) and returns its result;
    ``judge(result)`` applies the statistic and threshold.

    ``kind`` says whether the claim is a derivation check or an empirical claim; ``ledger`` names the numbers the
    threshold turns on, each with its reason (:class:`Threshold`); ``decide``, when given, is the threshold applied
    to the statistics alone (``judge`` is then :func:`decided`'s), so that a cached outcome is decided again on
    load and the negative controls can feed it synthetic statistics."""

    id: str
    statement: str
    source: Source
    statistic: str
    threshold: str
    settings: Callable[[bool], dict[str, Any]]
    compute: Callable[[dict[str, Any], Path], Any]
    judge: Callable[[Any], Evidence]
    kind: Kind = "empirical"
    ledger: tuple[Threshold, ...] = ()
    decide: Decide | None = None

    def check(self, settings: dict[str, Any], folder: Path) -> Evidence:
        """Compute and judge; the figure is the first PNG the computation wrote into ``folder``."""
        evidence = self.judge(self.compute(settings, folder))
        if evidence.figure is None:
            pngs = sorted(Path(folder).glob("*.png"))
            evidence.figure = pngs[0] if pngs else None
        return evidence


CLAIMS: dict[str, Claim] = {}

_BUILTIN = ("fptheory.verify._claims",)  # a package: its modules register the claims grouped by source


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (ids are unique).

    Args:
        claim: the :class:`Claim`; its id must not be registered already (``ValueError``).

    Returns:
        the claim, so that ``register`` can wrap its construction.
    """
    if claim.id in CLAIMS and CLAIMS[claim.id] is not claim:
        raise ValueError(f"a claim with id {claim.id!r} is already registered")
    CLAIMS[claim.id] = claim
    return claim


def load_builtin() -> dict[str, Claim]:
    """Import the package's claim modules (they register themselves) and return the registry."""
    for name in _BUILTIN:
        importlib.import_module(name)
    return CLAIMS
