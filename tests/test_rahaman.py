"""Rahaman et al.'s experiments at quick scale: spectral bias (Exp. 1), robustness to parameter noise
(Exp. 2) and the flower manifolds (Sec. 4)."""

import numpy as np
import pytest

from fptheory.experiments import manifold, perturbation, spectral_bias


@pytest.mark.parametrize("amplitudes", ["equal", "increasing"])
def test_spectral_bias_low_frequencies_first(tmp_path, amplitudes):
    """Spearman correlation of frequency and convergence step (Δ_F < 0.1), mean over 2 seeds, at least 0.8
    — also when the high frequencies carry the larger amplitudes."""
    result = spectral_bias.run(spectral_bias.make_config(quick=True, amplitudes=amplitudes))
    assert np.mean(result.correlations) >= 0.8
    assert result.median_steps()[0] is not None
    spectral_bias.save(result, tmp_path)
    assert (tmp_path / "spectral_bias.png").exists() and (tmp_path / "result.json").exists()


def test_perturbation_low_frequencies_are_more_robust():
    """Over the noise sizes at which the lowest peak keeps at least half of itself, the highest peak keeps
    less of itself (retained fraction Re(ĥ_ε conj ĥ)/|ĥ|², 16 draws) in at least 3 of 4 cases."""
    result = perturbation.run(perturbation.make_config(quick=True))
    low, high = result.retained[0, :, 0], result.retained[0, :, -1]
    alive = low >= 0.5
    assert alive.sum() >= 3
    assert np.mean(high[alive] < low[alive]) >= 0.75


def test_manifold_winding_makes_high_frequencies_easier():
    """For the highest k, the error a third of the way through training and the convergence step are
    larger on the circle (L = 0) than on the most wound curve."""
    result = manifold.run(manifold.make_config(quick=True))
    early = result.early_error()
    assert early[0, -1] > early[-1, -1] + 0.1
    first, last = result.convergence[0][0][-1], result.convergence[-1][0][-1]
    assert first is None or (last is not None and last < first)


@pytest.mark.slow
def test_full_scale_spectral_bias():
    """Rahaman's setting (ReLU 6×256, k = 5…50, 30000 steps, 4 seeds; about 9 minutes on 2 cores): mean
    Spearman(k, convergence step) at least 0.9, and k = 5 converges."""
    result = spectral_bias.run(spectral_bias.make_config())
    assert np.mean(result.correlations) >= 0.9
    assert result.median_steps()[0] is not None
