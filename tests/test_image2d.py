"""2-d image fitting: the radial band errors (checked on outputs whose spectrum is known) and, at quick
scale, coarse bands converging before fine ones."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from fptheory.experiments import image2d


def test_band_errors_on_known_outputs(rng):
    image = rng.uniform(size=(16, 16))
    bands = 4
    np.testing.assert_allclose(image2d.band_errors(image[None], image, bands), 0, atol=1e-14)
    np.testing.assert_allclose(image2d.band_errors(np.zeros((1, 16, 16)), image, bands), 1, rtol=1e-12)
    # keep the two lowest bands of the image exactly: their errors are 0, the others' 1
    idx = image2d.band_index(16, bands)
    low = np.real(np.fft.ifft2(np.fft.fft2(image) * (idx < 2)))
    np.testing.assert_allclose(image2d.band_errors(low[None], image, bands)[0], [0, 0, 1, 1], atol=1e-12)
    # Parseval: the weighted squares of the band errors add up to the relative error of the whole image
    out = rng.uniform(size=(16, 16))
    power = np.array([np.sum(np.abs(np.fft.fft2(image)) ** 2 * (idx == b)) for b in range(bands)])
    e = image2d.band_errors(out[None], image, bands)[0]
    np.testing.assert_allclose(np.sum(e**2 * power) / power.sum(), np.sum((out - image) ** 2) / np.sum(image**2), rtol=1e-12)


def test_downsample_is_block_means():
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_allclose(image2d.downsample(image, 2), [[2.5, 4.5], [10.5, 12.5]])
    with pytest.raises(ValueError, match="divisible"):
        image2d.downsample(image, 3)


def test_final_band_errors_grow_with_frequency(quick_claim):
    """Beyond the claim's first-step ordering: at the end of the quick run, the median band error grows with the
    band (Spearman > 0.9)."""
    result, folder = quick_claim("image2d-coarse-first")
    final = np.median(result.errors[:, -1], axis=0)
    assert spearmanr(np.arange(len(final)), final).statistic > 0.9
    assert (folder / "image2d.png").stat().st_size > 0
