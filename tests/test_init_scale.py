"""The F-Principle is strongest for small initialisation: rank correlation of frequency and convergence step."""

from fptheory.experiments import init_scale


def test_small_init_orders_frequencies_best(tmp_path):
    result = init_scale.run(init_scale.make_config(quick=True))
    mean = result.correlations.mean(axis=1)  # scales 0.5, 1, 3
    assert mean[0] >= 0.9 and mean[0] >= mean[-1]
    init_scale.save(result, tmp_path)
    assert "NaN" not in (tmp_path / "result.json").read_text()
