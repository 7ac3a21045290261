"""The ReLU-spectrum experiment: what a quick run saves and reports, its fits' agreement with the library's
independent pieces (regions against the network, slopes within their intervals), and its input checks (its verdict
is the claim relu-spectrum-decay's, tests/test_claims.py; the transforms themselves are tested in
tests/test_relu_regions.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fptheory import InputError
from fptheory.experiments import relu_spectrum


def test_quick_run_saves_its_result(quick_claim):
    result, folder = quick_claim("relu-spectrum-decay")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "relu-spectrum" and set(data["fits"]) == {"d=1", "d=2"}
    assert (folder / "relu_spectrum.png").stat().st_size > 1000
    seeds = result.config.seeds
    for d in (1, 2):
        for kind in relu_spectrum.KINDS:
            fits = data["fits"][f"d={d}"][kind]
            assert len(fits) == seeds
            for fit in fits:
                for row in fit["kinks"] + fit["whole"]:
                    lo, hi = row["interval"]
                    assert lo < row["slope"] < hi or lo == hi == row["slope"]
                    assert math.isfinite(row["start"]) and row["start"] > 0
    arrays = np.load(folder / "arrays.npz")
    r, F = arrays["d2_trained_0_kinks_generic"]
    assert r.size == result.config.samples and np.all(np.diff(r) > 0) and np.all(F >= 0)
    # training moved the network: the trained one fits its target far better than chance (loss of 0: 0.25 and 0.3)
    assert max(result.final_loss[1] + result.final_loss[2]) < 0.05


def test_analyse_plane_on_one_kink():
    """f = relu(x₁ - 0.3) + 0.7 relu(0.2 - x₂): two kink lines along the axes, 4 regions; the kinks' slopes
    -3 generically and -2 along the longer kink's normal, the whole transform -2 and -1."""
    layers = [{"W": np.array([[1.0, 0.0], [0.0, -1.0]]), "b": np.array([-0.3, 0.2])},
              {"W": np.array([[1.0], [0.7]]), "b": np.array([0.0])}]
    config = relu_spectrum.make_config(quick=True)
    fit = relu_spectrum.analyse_plane(layers, config, np.random.default_rng(0))
    assert fit.pieces == 4
    for name, slope, _, _ in fit.kinks:
        assert slope == pytest.approx(relu_spectrum.PREDICTED[name], abs=0.1)
    assert [f[0] for f in fit.whole] == ["generic", "box normal"]
    for name, slope, _, _ in fit.whole:
        assert slope == pytest.approx(relu_spectrum.PREDICTED_WHOLE[name], abs=0.1)


def test_affine_network_is_refused():
    layers = [{"W": np.array([[1.0, 0.0], [0.0, 1.0]]), "b": np.array([5.0, 5.0])}, {"W": np.array([[1.0], [2.0]]), "b": np.array([0.0])}]
    config = relu_spectrum.make_config(quick=True)
    with pytest.raises(InputError, match="no kink"):
        relu_spectrum.analyse_plane(layers, config, np.random.default_rng(0))
    with pytest.raises(InputError, match="no kink"):
        relu_spectrum.analyse_line([{"W": np.array([[1.0]]), "b": np.array([5.0])}, {"W": np.array([[1.0]]), "b": np.array([0.0])}],
                                   config)


@pytest.mark.parametrize("field, value, match", [
    ("hidden", (), "hidden"), ("hidden", (128,), "hidden"), ("hidden", (8, 8, 8, 8), "hidden"),
    ("bias_scale", 0.0, "bias_scale"), ("directions", 0, "directions"), ("periods", 1.0, "periods"),
    ("decades", 5.0, "decades"), ("samples", 10, "samples"), ("steps", 0, "steps")])
def test_config_checks(field, value, match):
    import dataclasses

    with pytest.raises(InputError, match=match):
        dataclasses.replace(relu_spectrum.make_config(quick=True), **{field: value})
