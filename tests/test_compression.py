"""The compression experiment: what it saves, its entropy and band measures against closed forms, and its config
checks (its verdict is the claim compression-entropy-turns's, tests/test_claims.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import compression
from fptheory.spectral._dft import periodic_grid


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("compression-entropy-turns")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "compression" and data["turning_step"] == result.turning_step()
    arrays = np.load(folder / "arrays.npz")
    assert arrays["entropy"].shape == arrays["e_low"].shape == arrays["e_high"].shape == (4, result.steps.size)
    assert (folder / "compression.png").stat().st_size > 1000
    # the turning step is the entropy's largest record, and no entropy exceeds ln(number of bins) or ln(points)
    edges = compression.bin_edges(result.config.levels, result.config.bins_per_level)
    for s, t in enumerate(result.turning_step()):
        assert result.entropy[s, result.steps.tolist().index(t)] == result.entropy[s].max()
    assert result.entropy.max() <= min(math.log(edges.size - 1), math.log(result.config.points)) + 1e-12


@pytest.mark.parametrize("levels", [3, 5, 7])
def test_staircase_entropy_against_its_level_counts(levels):
    """The target's binned entropy is -Σ q ln q over its levels, the shares counted here from sin x directly."""
    x = periodic_grid(301)
    A = (levels - 1) // 2
    shares = np.array([np.mean(np.abs(A * np.sin(x) - v) <= 0.5) for v in range(-A, A + 1)])  # round() ties do not occur
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    expected = -sum(q * math.log(q) for q in shares if q > 0)
    edges = compression.bin_edges(levels, 8)
    assert float(compression.output_entropy(compression.staircase(x, levels), edges)) == pytest.approx(expected, rel=1e-12)
    # each level lies at a bin's centre, half a bin from either edge
    width = edges[1] - edges[0]
    for v in np.arange(-A, A + 1) / A:
        i = np.searchsorted(edges, v) - 1
        assert v - edges[i] == pytest.approx(width / 2, rel=1e-9) and edges[i + 1] - v == pytest.approx(width / 2, rel=1e-9)


def test_entropy_of_spread_and_clipped_values():
    rng = np.random.default_rng(3)
    edges = compression.bin_edges(5, 4)
    bins = edges.size - 1
    centres = 0.5 * (edges[:-1] + edges[1:])
    # one value per bin: ln(bins); every value beyond the range: the two end bins, ln 2 for half and half
    assert float(compression.output_entropy(rng.permutation(centres), edges)) == pytest.approx(math.log(bins), rel=1e-12)
    assert float(compression.output_entropy(np.array([-9.0, 9.0, -7.0, 1e3]), edges)) == pytest.approx(math.log(2), rel=1e-12)
    assert float(compression.output_entropy(np.full(50, 0.3), edges)) == 0.0
    # batched shapes: (2, 3, n) in, (2, 3) out
    values = rng.uniform(-1, 1, (2, 3, 40))
    out = compression.output_entropy(values, edges)
    assert out.shape == (2, 3) and float(out[1, 2]) == pytest.approx(float(compression.output_entropy(values[1, 2], edges)))


def test_high_band_error_against_closed_forms():
    x = periodic_grid(128)
    y = np.sin(x) + 0.3 * np.sin(3 * x) + 0.4 * np.cos(5 * x)
    assert float(compression.high_band_error(y, y)) == pytest.approx(0.0, abs=1e-14)
    # the fundamental alone misses all of the harmonics; half of each harmonic misses half
    assert float(compression.high_band_error(np.sin(x), y)) == pytest.approx(1.0, rel=1e-12)
    assert float(compression.high_band_error(np.sin(x) + 0.5 * (y - np.sin(x)), y)) == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(levels=4), "levels must be an odd integer >= 3"),
    (dict(levels=1), "levels must be an odd integer >= 3"),
    (dict(bins_per_level=1), "bins_per_level must be an integer in [2, 64]"),
    (dict(points=20), "points must be an integer >= 8 · levels"),
    (dict(hidden=(0,)), "widths must be positive integers"),
])
def test_bad_config_is_one_clear_error(changes, message):
    with pytest.raises(InputError) as info:
        compression.Config(**changes)
    assert message in str(info.value) and "\n" not in str(info.value)
