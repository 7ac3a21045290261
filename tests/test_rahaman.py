"""Rahaman et al.'s experiments: what each saves, and the manifold statistic on known errors. Their verdicts at
quick scale are the claims' (tests/test_claims.py)."""

import json

import numpy as np

from fptheory.experiments import manifold


def test_spectral_bias_figure_and_result_are_saved(quick_claim):
    result, folder = quick_claim("spectral-bias")
    assert (folder / "spectral_bias.png").stat().st_size > 0
    saved = json.loads((folder / "result.json").read_text())
    assert saved["frequencies"] == list(result.config.frequencies)


def test_perturbation_saves_retained_fractions(quick_claim):
    """Re(ĥ_ε conj ĥ)/|ĥ|² → 1 as the noise vanishes (it may exceed 1 at larger noise): at the smallest noise
    size every peak keeps all of itself to within 2%."""
    result, folder = quick_claim("perturbation-robustness")
    assert np.all(np.isfinite(result.retained))
    smallest = int(np.argmin(result.config.noise))
    np.testing.assert_allclose(result.retained[:, smallest, :], 1.0, atol=0.02)
    data = json.loads((folder / "result.json").read_text())
    np.testing.assert_allclose(data["retained"], result.retained)


def test_error_area_is_the_mean_over_records_and_seeds(quick_claim):
    result, folder = quick_claim("manifold-winding")
    errors = result.errors  # (L, seeds, records, K)
    expected = np.array([[np.mean([errors[i, s, t, j] for s in range(errors.shape[1]) for t in range(errors.shape[2])])
                          for j in range(errors.shape[3])] for i in range(errors.shape[0])])
    np.testing.assert_allclose(result.error_area(), expected, rtol=1e-12)
    data = json.loads((folder / "result.json").read_text())
    np.testing.assert_allclose(data["mean_error_over_training"], expected, rtol=1e-12)


def test_manifold_curve_has_the_stated_radius():
    z = np.linspace(0, 1, 50, endpoint=False)
    points = manifold.curve(z, 7.0)
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), 1 + 0.5 * np.sin(2 * np.pi * 7 * z), rtol=1e-14)
