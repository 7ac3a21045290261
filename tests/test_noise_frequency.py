"""The noise-frequency experiment: what it saves, its targets and measures against their definitions, and its config
checks (its verdict is the claim noise-frequency-dip's, tests/test_claims.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import noise_frequency


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("noise-frequency-dip")
    data = json.loads((folder / "result.json").read_text())
    K = len(result.config.frequencies)
    assert data["experiment"] == "noise-frequency" and len(data["dip"][0]) == K
    arrays = np.load(folder / "arrays.npz")
    assert arrays["val_loss"].shape == (result.config.seeds, 1 + K, result.steps.size)
    assert (folder / "noise_frequency.png").stat().st_size > 1000
    # the dip and harm are what they are said to be, from the curves
    v = result.val_loss[0]
    for j in range(K):
        assert result.dip()[0, j] == pytest.approx(v[j + 1, -1] - v[j + 1].min(), abs=1e-15)
        assert result.harm()[0, j] == pytest.approx(v[j + 1].min() - v[0].min(), abs=1e-15)
    assert np.all(result.dip() >= 0)


def test_noisy_targets_and_radial_coordinate():
    rng = np.random.default_rng(5)
    images = rng.uniform(0, 1, (300, 20))
    r = noise_frequency.radial_coordinate(images, images)
    assert r.mean() == pytest.approx(0.0, abs=1e-12) and r.std() == pytest.approx(1.0, rel=1e-12)
    # r depends on the image only through its norm: a rotation of the pixels leaves it unchanged
    q, _ = np.linalg.qr(rng.normal(size=(20, 20)))
    np.testing.assert_allclose(noise_frequency.radial_coordinate(images @ q, images @ q), r, rtol=1e-10, atol=1e-12)
    one_hot = np.eye(10)[rng.integers(0, 10, 300)]
    targets = noise_frequency.noisy_targets(one_hot, r, (1.0, 4.0), 0.3)
    assert targets.shape == (3, 300, 10)
    np.testing.assert_array_equal(targets[0], one_hot)
    for j, k in enumerate((1.0, 4.0)):
        noise = targets[j + 1] - one_hot
        np.testing.assert_allclose(noise, np.repeat(0.3 * np.sin(k * r)[:, None], 10, axis=1), rtol=0, atol=1e-15)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(frequencies=(1.0, 2.0)), "frequencies must hold at least 3 finite numbers > 0"),
    (dict(frequencies=(4.0, 2.0, 1.0)), "frequencies must be increasing"),
    (dict(frequencies=(0.0, 2.0, 3.0)), "frequencies must hold at least 3 finite numbers > 0"),
    (dict(amplitude=0.0), "amplitude must be a finite number in (0, 10]"),
    (dict(train_size=4500, val_size=1000), "train_size + val_size must be at most 5000"),
    (dict(val_size=10), "val_size must be an integer >= 50"),
])
def test_bad_config_is_one_clear_error(changes, message):
    with pytest.raises(InputError) as info:
        noise_frequency.Config(**changes)
    assert message in str(info.value) and "\n" not in str(info.value)
