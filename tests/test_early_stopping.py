"""The early-stopping experiment: what it saves, its noise-share measure against closed forms, and its config checks
(its verdict is the claim early-stopping-clean-first's, tests/test_claims.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import early_stopping


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("early-stopping-clean-first")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "early-stopping" and data["best_step"] == result.best_step
    arrays = np.load(folder / "arrays.npz")
    assert arrays["clean_error"].shape == arrays["train_error"].shape == (4, result.steps.size)
    assert (folder / "early_stopping.png").stat().st_size > 1000
    # the gain is the ratio it is said to be, and t* is the clean error's minimum
    s = 0
    i = result.steps.tolist().index(result.best_step[s])
    assert result.clean_error[s, i] == result.clean_error[s].min()
    assert result.gain[s] == pytest.approx(result.clean_error[s, -1] / result.clean_error[s, i], rel=1e-12)


def test_noise_share_against_closed_forms():
    n = 128
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    y = np.sin(x) + 0.3 * np.sin(9 * x) + 0.4 * np.cos(20 * x)
    assert early_stopping.noise_share(y, y, 3) == pytest.approx(1.0, rel=1e-12)
    assert early_stopping.noise_share(np.sin(x), y, 3) == pytest.approx(0.0, abs=1e-20)
    # half of the sin 9x term: its power 0.3²/4 of (0.3² + 0.4²)
    assert early_stopping.noise_share(0.15 * np.sin(9 * x), y, 3) == pytest.approx(0.3**2 / 4 / (0.3**2 + 0.4**2), rel=1e-12)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(noise=0.0), "noise must be a finite number > 0"),
    (dict(frequencies=(1.0, 4.0)), "frequencies must be integers in [1, cutoff)"),
    (dict(amplitudes=(1.0, -0.5)), "amplitudes must be finite numbers > 0"),
    (dict(points=8), "points must be an integer >= 16"),
])
def test_bad_config_is_one_clear_error(changes, message):
    with pytest.raises(InputError) as info:
        early_stopping.Config(**changes)
    assert message in str(info.value)
