"""The paper's Fig. 1 experiment: what it saves (its verdict is the f1d-low-first claim's, tests/test_claims.py)."""

import json

import numpy as np


def test_quick_f1d_saves_its_result(quick_claim):
    result, folder = quick_claim("f1d-low-first")
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "f1d" and data["ordered_fraction"] == result.ordered
    arrays = np.load(folder / "arrays.npz")
    assert arrays["errors"].shape == (4, result.steps.size, 3)
    assert np.all(np.isfinite(arrays["errors"])) and np.all(arrays["errors"] >= 0)
    assert (folder / "f1d.png").stat().st_size > 1000
