"""The remedies yardstick at quick scale (the claim's own run): equal parameter budgets, the bookkeeping of the
highest-peak step, PhaseDNN's reconstruction, the files; bad configurations refused before any training."""

import json

import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.experiments import remedies


@pytest.fixture
def quick(quick_claim):
    return quick_claim("remedies-highest-peak-faster")


def test_every_method_has_the_plain_budget(quick):
    """Trainable parameters within 2% of the plain MLP's (counted here from the parameter shapes by hand for the
    plain one: (1+1)w + (depth-1)(w+1)w + (w+1))."""
    result, _ = quick
    cfg = result.config
    w, depth = cfg.width, cfg.depth
    plain = 2 * w + (depth - 1) * (w + 1) * w + (w + 1)
    assert result.method("plain").parameters == plain
    for m in result.methods:
        assert abs(m.parameters - plain) <= 0.02 * plain, (m.name, m.parameters, plain)


def test_highest_step_and_errors_bookkeeping(quick):
    """highest_step is the median over seeds of the recorded first step below the threshold (never: last + one
    record), recomputed here from the stored Δ_F; final L2 errors are finite and below 1 for every remedy."""
    result, _ = quick
    cfg = result.config
    for m in result.methods:
        firsts = []
        for s in range(cfg.seeds):
            below = np.flatnonzero(m.errors[s, :, -1] < cfg.threshold)
            firsts.append(result.steps[below[0]] if below.size else result.steps[-1] + cfg.record_every)
        assert result.highest_step(m.name) == float(np.median(firsts))
        assert np.all(np.isfinite(m.l2_error)) and (m.name == "plain" or np.all(m.l2_error < 1))


def test_psnr_and_the_image_budget(quick_claim):
    """PSNR of a prediction off by 0.1 everywhere is 20 dB; the image mappings' parameters are within 2% of the
    raw-coordinate network's; the basic mapping's B is the identity; PSNR curves are finite."""
    assert remedies.psnr(np.full(10, 0.6), np.full(10, 0.5)) == pytest.approx(20.0, abs=1e-9)
    result, _ = quick_claim("remedies-fourier-features-psnr")
    assert not result.methods and [m.name for m in result.mappings] == list(remedies.IMAGE_MAPPINGS)
    none = result.mapping("none").parameters
    for m in result.mappings:
        assert abs(m.parameters - none) <= 0.02 * none and np.all(np.isfinite(m.test_psnr)), m.name
    import jax

    basic = remedies.build_image(result.config, "basic", 8)
    np.testing.assert_array_equal(basic.init(key=jax.random.PRNGKey(0))["B"], np.eye(2))


def test_files(quick):
    result, folder = quick
    data = json.loads((folder / "result.json").read_text())
    assert [m["name"] for m in data["methods"]] == list(result.config.methods)
    assert set(data["highest_peak_step"]) == set(result.config.methods)
    arrays = np.load(folder / "arrays.npz")
    assert arrays["errors_phasednn"].shape == result.method("phasednn").errors.shape
    assert (folder / "remedies.png").stat().st_size > 0


@pytest.mark.parametrize("change, needle", [
    ({"methods": ("plain", "siren")}, "methods must start with 'plain'"),
    ({"methods": (), "image_size": 0}, "nothing to run"),
    ({"methods": ("mscale",)}, "methods must start with 'plain'"),
    ({"sigma": 0.0}, "sigma must be a finite number > 0"),
    ({"mscale_scales": ()}, "scales must list at least one scale"),
    ({"adaptive_n": 0.5}, "must be a finite number >= 1"),
    ({"phase_edges": (30.0, 10.0)}, "phase_edges must increase strictly"),
    ({"frequencies": (5.0, 150.0)}, "frequencies must be integers in [1, points/2)"),
])
def test_bad_config_is_refused(change, needle):
    with pytest.raises(InputError) as info:
        remedies.Config(**change)
    assert needle in str(info.value)
