"""The monitor of any training run (fptheory.monitor.FrequencyMonitor): its transform against NumPy's FFT and a direct
sum, its peaks against planted ones (drawn at random), its convergence steps against the closed form of a planted
run, the filtering method's identities, and the errors it gives for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fptheory import InputError
from fptheory.monitor import LOW_FIRST_SHARE, FrequencyMonitor, figure
from fptheory.spectral import smooth


def planted_run(x, ks, amps, taus, steps):
    """h_t(x) = Σ_k A_k (1 - e^{-t/τ_k}) sin(kx): ĥ_t(k) = (1 - e^{-t/τ_k}) f̂(k) on a grid, so Δ_F(k, t) = e^{-t/τ_k}
    exactly, and k's first recorded step below ε is the first t > τ_k ln(1/ε)."""
    return np.stack([sum(a * (1 - math.exp(-t / tau)) * np.sin(k * x) for k, a, tau in zip(ks, amps, taus)) for t in steps])


def test_transform_on_a_grid_is_numpys_fft(rng):
    n = 64
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    y = rng.normal(size=n)
    k = np.array([0, 3, 7, 31])
    monitor = FrequencyMonitor(x, y + 5 * np.sin(3 * x), frequencies=k)
    expected = np.exp(-1j * k * x[0]) * np.fft.fft(y)[k] / n
    assert np.allclose(monitor.transform(y, k), expected, rtol=0, atol=1e-13)


def test_transform_off_a_grid_is_the_direct_sum(rng):
    x = np.sort(rng.uniform(-3, 3, 300))
    y = np.cos(2.5 * x) + 0.2 * rng.normal(size=300)
    k = np.array([0.5, 2.5, 4.0])
    monitor = FrequencyMonitor(x, y, frequencies=k)
    direct = np.array([np.mean(y * np.exp(-1j * kk * x)) for kk in k])
    assert monitor.grid_spacing is None
    assert np.allclose(monitor.target[0], direct, rtol=1e-9, atol=1e-12)


def test_in_d_dimensions_the_transform_runs_along_the_first_principal_direction(rng):
    X = rng.normal(size=(400, 3)) * np.array([3.0, 1.0, 0.3])
    p = np.linalg.svd(X - X.mean(axis=0))[2][0]
    p *= np.sign(p[np.argmax(np.abs(p))])
    y = np.cos(2 * math.pi * 0.3 * X @ p)
    k = np.array([0.1, 0.3])
    monitor = FrequencyMonitor(X, y, frequencies=k)
    direct = np.array([np.mean(y * np.exp(-2j * math.pi * kk * (X @ p))) for kk in k])
    assert np.allclose(monitor.target[0], direct, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("draw", range(8))
def test_peaks_found_are_the_planted_ones(draw):
    """Random targets: 2-4 sines of random integer frequencies below 40, at least two apart (peaks in adjacent
    bins count as one, the rule's resolution), and amplitudes in [0.3, 2] on a grid of
    101-300 points, plus noise 0.05; the monitor picks exactly the planted frequencies."""
    r = np.random.default_rng(1000 + draw)
    n = int(r.integers(101, 301))
    ks = np.sort(2 * r.choice(np.arange(1, 20), size=int(r.integers(2, 5)), replace=False) - r.integers(0, 2))  # 2 bins apart
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    y = sum(r.uniform(0.3, 2) * np.sin(k * x + r.uniform(0, 2 * math.pi)) for k in ks) + 0.05 * r.normal(size=n)
    monitor = FrequencyMonitor(x, y, peaks=4)
    assert monitor.frequencies[0].tolist() == ks.tolist()


@pytest.mark.parametrize("draw", range(6))
def test_convergence_steps_are_the_planted_runs(draw):
    """Random planted runs (3 peaks, random time constants, either order): the monitor's steps are the closed
    form's, and its verdict is whether the time constants rise with frequency."""
    r = np.random.default_rng(2000 + draw)
    n, threshold = 128, 0.05
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    ks, amps = [1, 4, 9], r.uniform(0.5, 2, 3)
    taus = np.sort(r.uniform(20, 400, 3))
    if draw % 2:
        taus = taus[::-1]
    steps = np.arange(0, 3001, 10)
    monitor = FrequencyMonitor(x, sum(a * np.sin(k * x) for k, a in zip(ks, amps)), threshold=threshold)
    report = monitor.analyse(steps, planted_run(x, ks, amps, taus, steps))
    expected = [int(steps[np.argmax(steps > tau * math.log(1 / threshold))]) for tau in taus]
    assert report.convergence == [[expected]]
    assert np.allclose(report.errors[0][0], np.exp(-steps[:, None] / taus[None, :]), atol=1e-12)
    assert report.low_first is (draw % 2 == 0)
    assert report.ordered == (1.0 if draw % 2 == 0 else 0.0)


def test_record_callback_and_analyse_agree(rng):
    x = np.sort(rng.uniform(-2, 2, 150))
    Y = np.stack([np.sin(2 * x) + 0.5 * np.sin(7 * x), np.cos(x)], axis=1)
    steps = np.arange(0, 200, 10)
    outputs = np.stack([Y * (1 - math.exp(-t / 50)) + 0.01 * np.cos(11 * x)[:, None] for t in steps])
    a = FrequencyMonitor(x, Y, frequencies=[[2, 7], [1]], deltas=(0.1,))
    b = FrequencyMonitor(x, Y, frequencies=[[2, 7], [1]], deltas=(0.1,))
    hook = b.callback(lambda params, xs: params[:, None] * 0 + outputs[params[0]], every=1)
    for i, t in enumerate(steps):
        a.record(int(t), outputs[i])
        hook(int(t), np.array([i] * x.size))
    batch = FrequencyMonitor(x, Y, frequencies=[[2, 7], [1]], deltas=(0.1,)).analyse(steps, outputs)
    saved = FrequencyMonitor(x, Y, frequencies=[[2, 7], [1]], deltas=(0.1,)).analyse_params(
        steps, lambda i, xs: outputs[i] + 0 * xs, list(range(steps.size)))
    for report in (a.report(), b.report(), saved):
        assert report.convergence == batch.convergence
        assert all(np.array_equal(e, f) for e, f in zip(report.errors, batch.errors))
        assert np.array_equal(report.e_low, batch.e_low) and np.array_equal(report.e_high, batch.e_high)
    assert batch.scored() == [0]


def test_filtering_identities(rng):
    """h = y gives e_low = e_high = 0; h = y + c (a constant, which the smoothing keeps) gives e_high = 0 and
    e_low = |c|√n / ‖y^low‖ (Sec. 4's definitions)."""
    X = rng.normal(size=(120, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    monitor = FrequencyMonitor(X, y, frequencies=(), deltas=(0.5,))
    report = monitor.analyse([0, 1], np.stack([y, y + 0.1]))
    assert report.e_low[0, 0, 0] == pytest.approx(0, abs=1e-12) and report.e_high[0, 0, 0] == pytest.approx(0, abs=1e-12)
    expected = 0.1 * math.sqrt(120) / np.linalg.norm(smooth(X, y, 0.5))
    assert report.e_low[0, 0, 1] == pytest.approx(expected, rel=1e-10) and report.e_high[0, 0, 1] == pytest.approx(0, abs=1e-12)
    assert report.low_first is None and report.filtering_convergence() == [[[0, 0]]]


def test_several_runs_and_the_share_needed():
    n = 96
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    ks, amps, steps = [1, 3], [1.0, 1.0], np.arange(0, 2001, 20)
    good, bad = (planted_run(x, ks, amps, taus, steps) for taus in ([50, 300], [300, 50]))
    y = sum(a * np.sin(k * x) for k, a in zip(ks, amps))
    report = FrequencyMonitor(x, y).analyse(steps, np.stack([good, good, good, bad]))
    assert report.ordered == 0.75 and report.low_first is True
    strict = FrequencyMonitor(x, y, min_ordered=1.0).analyse(steps, np.stack([good, good, good, bad]))
    assert strict.low_first is False
    assert "75%" in strict.explain()


def test_the_verdict_share_is_the_claims():
    """The monitor's low-first share is the f1d-low-first claim's, 0.75 (its row in tests/test_ledger.py)."""
    from fptheory.verify import load_builtin

    assert LOW_FIRST_SHARE == 0.75
    (row,) = load_builtin()["f1d-low-first"].ledger
    assert row.value == LOW_FIRST_SHARE


def test_figure_draws_the_report_without_pyplot():
    n = 64
    x = -math.pi + 2 * math.pi * np.arange(n) / n
    steps = np.arange(0, 500, 10)
    y = np.sin(x) + np.sin(4 * x)
    report = FrequencyMonitor(x, y, deltas=(1.0,)).analyse(steps, planted_run(x, [1, 4], [1, 1], [30, 90], steps))
    fig = figure(report)
    assert len(fig.axes) == 2 and "low first" in fig.axes[0].get_title()
    import fptheory.monitor as m

    assert "pyplot" not in m.figure.__code__.co_names


def _grid(n=64):
    return -math.pi + 2 * math.pi * np.arange(n) / n


@pytest.mark.parametrize(("make", "message"), [
    (lambda x, y: FrequencyMonitor(x, y[:-1]), "y must have shape"),
    (lambda x, y: FrequencyMonitor(x, np.where(x > 0, np.nan, y)), "y must be finite"),
    (lambda x, y: FrequencyMonitor(x, y, frequencies=[1, 40]), "Nyquist limit"),
    (lambda x, y: FrequencyMonitor(x, y, frequencies=[3, 1]), "strictly ascending"),
    (lambda x, y: FrequencyMonitor(x, y, frequencies=[1, 2]), "vanishes at k = [2.0]"),
    (lambda x, y: FrequencyMonitor(x, y, threshold=1.5), "threshold must lie in (0, 1)"),
    (lambda x, y: FrequencyMonitor(x, 0 * y), "y must not be zero everywhere"),
    (lambda x, y: FrequencyMonitor(x, y).record(2.5, y), "step must be an integer >= 0"),
    (lambda x, y: FrequencyMonitor(x, y, deltas=(0.0,)), "deltas must be finite numbers > 0"),
    (lambda x, y: FrequencyMonitor(x, y, peaks=0), "peaks must be an integer >= 1"),
    (lambda x, y: FrequencyMonitor(np.zeros(10), np.zeros(10)), "must not repeat a point"),
    (lambda x, y: FrequencyMonitor(x, y).record(0, np.zeros(63)), "outputs at step 0 must have shape (64,)"),
    (lambda x, y: FrequencyMonitor(x, y).record(0, np.full(64, np.inf)), "outputs at step 0 must be finite"),
    (lambda x, y: FrequencyMonitor(x, y).record(-1, y), "step must be an integer >= 0"),
    (lambda x, y: FrequencyMonitor(x, y).report(), "at least two records"),
    (lambda x, y: FrequencyMonitor(x, y).record_params(0, lambda p, xs: p @ xs, np.ones(3)), "apply_fn(params, x) failed"),
    (lambda x, y: FrequencyMonitor(x, y).analyse([0, 10], np.zeros((3, 64))), "outputs hold 3 records but steps 2"),
    (lambda x, y: FrequencyMonitor(x, y).analyse([10, 0], np.zeros((2, 64))), "steps must be increasing"),
    (lambda x, y: FrequencyMonitor(x, y).analyse_params([0, 10], lambda p, xs: p, [y]), "params holds 1 parameter sets but steps 2"),
    (lambda x, y: FrequencyMonitor(x, y).analyse_params([0, 10], lambda p, xs: 1 / 0, [y, y]), "failed at step 0"),
    (lambda x, y: FrequencyMonitor(x, y).callback(lambda p, xs: xs, every=0), "every must be an integer >= 1"),
])
def test_bad_input_is_one_clear_error(make, message):
    x = _grid()
    y = np.sin(x) + np.sin(3 * x)
    with pytest.raises(InputError) as info:
        make(x, y)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_steps_must_increase_between_records():
    import jax.numpy as jnp

    x = _grid()
    monitor = FrequencyMonitor(x, np.sin(x) + np.sin(3 * x))
    monitor.record(jnp.int32(5), np.zeros(64))  # a 0-d JAX integer is a step too
    monitor.record(10, np.zeros(64))
    with pytest.raises(InputError, match="step must increase"):
        monitor.record(10, np.zeros(64))


def test_complex_targets_and_overflowing_outputs_are_refused():
    """A complex y lost its imaginary part with a warning only, and outputs of 1e308 overflowed into the verdict
    'no' (issue 38, item 14): both are refused in one line naming the argument."""
    x = np.linspace(-math.pi, math.pi, 64, endpoint=False)
    with pytest.raises(ValueError, match="y must be real; got complex values"):
        FrequencyMonitor(x, np.sin(x) + 1j * np.cos(x))
    with pytest.raises(ValueError, match=r"y must have magnitudes at most 1e\+150"):
        FrequencyMonitor(x, 1e200 * np.sin(x))
    monitor = FrequencyMonitor(x, np.sin(x) + np.sin(3 * x))
    with pytest.raises(ValueError, match=r"outputs at step 0 must have magnitudes at most 1e\+150 .*got 1e\+308"):
        monitor.record(0, np.full(64, 1e308))
    with pytest.raises(ValueError, match="outputs must be real"):
        monitor.record(0, np.zeros(64, dtype=complex))


def test_the_monitor_imports_neither_jax_nor_optax():
    """A PyTorch or numpy user of the monitor does not pay for JAX (issue 36): ``import fptheory.monitor`` and a
    numpy record and report leave jax and optax unimported (a fresh interpreter)."""
    import subprocess
    import sys

    code = ("import sys, numpy as np; import fptheory.monitor as fm; "
            "x = np.linspace(-np.pi, np.pi, 64, endpoint=False); y = np.sin(x) + np.sin(3 * x); "
            "m = fm.FrequencyMonitor(x, y); m.record(0, 0 * y); m.record(1, y); m.report(); "
            "print(sorted(name for name in ('jax', 'optax') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
