"""The paper's Fig. 1 at quick scale: the peaks converge in order of frequency."""

import numpy as np
import pytest

from fptheory.experiments import f1d


def test_quick_f1d_converges_low_frequencies_first(tmp_path):
    """Statistic: the fraction of seeds whose convergence steps (Δ_F < 0.05) are non-decreasing in k with
    k = 1 strictly before k = 5. Threshold: at least 3 of 4 seeds; and the medians are ordered."""
    result = f1d.run(f1d.make_config(quick=True, seed=0))
    assert result.ordered >= 0.75
    med = result.median_steps()
    assert None not in med and med[0] <= med[1] <= med[2] and med[0] < med[2]
    path = f1d.save(result, tmp_path)
    data = path.read_text()
    assert '"experiment": "f1d"' in data and "NaN" not in data
    arrays = np.load(tmp_path / "arrays.npz")
    assert arrays["errors"].shape == (4, result.steps.size, 3)
    assert (tmp_path / "f1d.png").stat().st_size > 1000


@pytest.mark.slow
def test_full_scale_f1d():
    """The paper's 1-200-200-200-100-1 network, 8 seeds (about 40 s): at least 7 of 8 seeds ordered, and the
    median steps strictly ordered from k = 1 to k = 5."""
    result = f1d.run(f1d.make_config())
    assert result.ordered >= 7 / 8
    med = result.median_steps()
    assert None not in med and med[0] <= med[1] < med[2]
