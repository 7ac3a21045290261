"""The framework examples (examples/): a Flax, an Equinox and a PyTorch model trained by their own loops on the
paper's Fig. 1 target, monitored by fptheory.monitor. Their verdicts must agree with the built-in f1d experiment's on
the same target (quick scale: the same widths, learning rate, steps and records)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_agrees_with_f1d(report, quick_claim) -> None:
    builtin, _ = quick_claim("f1d-low-first")
    cfg = builtin.config
    assert cfg.hidden == (64, 64) and cfg.steps == 3000 and cfg.record_every == 20  # the examples' settings
    assert np.allclose(np.concatenate(report.frequencies), cfg.frequencies)
    assert report.steps.tolist() == builtin.steps.tolist()
    verdict = builtin.ordered >= 0.75 and builtin.median_steps() == sorted(builtin.median_steps())
    assert report.low_first is True and verdict is True, report.explain()
    assert None not in report.median_steps()


@pytest.mark.parametrize("name", ["flax_monitor", "equinox_monitor"])
def test_example_agrees_with_the_builtin_experiment(name, quick_claim):
    check_agrees_with_f1d(load(name).run(), quick_claim)


@pytest.mark.slow  # PyTorch's CPU wheel is 190 MB (750 MB installed); .ci/run installs it for this tier
def test_pytorch_example_agrees_with_the_builtin_experiment(quick_claim):
    pytest.importorskip("torch", reason="PyTorch is not installed (.ci/run installs its CPU wheel for the slow tier)")
    check_agrees_with_f1d(load("torch_monitor").run(), quick_claim)
