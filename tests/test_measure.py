"""Theorem 1 and 2 sets and their plain Monte-Carlo measure."""

import math
import re

import numpy as np
import pytest

from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2, theorem2_by_definition
from fptheory.numeric._ball import sample_ball
from fptheory.numeric._binomial import clopper_pearson, wilson
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Setting
from fptheory.numeric._stable import loss_gradient


def _theta(rng, n, m, delta):
    x = sample_ball(n, 3 * m, delta, rng)
    return x[:, :m], x[:, m : 2 * m], x[:, 2 * m :]


def test_theorem2_set_equals_its_definition(rng):
    """S^c = {|∇L1| < |∇L2|} equals the definition {dL1/dt > 0 or dL1/dt > dL2/dt}, dL(k)/dt = -∇L(k)·∇L."""
    setting = Setting(2, 1.0, 2.0, 3, 1.0 + 0.3j, -0.5 + 1.0j)
    a, w, b = _theta(rng, 20000, 3, 2.5)
    in_S, clear = theorem2_by_definition(setting, a, w, b)
    got = bad_theorem2(setting, a, w, b)
    assert 0.001 < got.mean() < 0.5  # a setting where the set is not rare, so the comparison bites
    assert clear.mean() > 0.999
    np.testing.assert_array_equal(got[clear], ~in_S[clear])


def test_theorem1_pairs_equal_direct_comparison(rng):
    setting = Setting(1, 1.0, 2.5, 4, 0.8 - 0.2j, 1.0)
    a, w, b = _theta(rng, 20000, 4, 2.0)
    n = a.shape[0]
    g1 = np.abs(loss_gradient(np.full(n, 1.0), a, w, b, np.full(n, setting.fhat1)))
    g2 = np.abs(loss_gradient(np.full(n, 2.5), a, w, b, np.full(n, setting.fhat2)))
    got = bad_pairs(setting, a, w, b)
    assert 0.001 < got.mean() < 0.5
    margin = np.abs(g1 - g2) > 1e-12 * (g1 + g2)
    np.testing.assert_array_equal(got[margin], (g1 <= g2)[margin])


def test_clopper_pearson_closed_forms():
    """Zero and full counts have closed forms: upper = 1 - (α/2)^{1/n}, lower = (α/2)^{1/n}."""
    n = 1000
    low, high = clopper_pearson(0, n)
    assert low == 0 and math.isclose(high, 1 - 0.025 ** (1 / n), rel_tol=1e-10)
    low, high = clopper_pearson(n, n)
    assert high == 1 and math.isclose(low, 0.025 ** (1 / n), rel_tol=1e-10)
    lo_cp, hi_cp = clopper_pearson(37, n)
    lo_w, hi_w = wilson(37, n)
    assert lo_cp < 0.037 < hi_cp and lo_w < 0.037 < hi_w
    assert hi_cp - lo_cp > hi_w - lo_w  # the exact interval is the conservative one


def test_plain_estimate_reproducible_and_backends_agree():
    setting = Setting(1, 1.0, 3.0, 2)
    first = plain_estimate(setting, 1.0, 40000, seed=7)
    assert plain_estimate(setting, 1.0, 40000, seed=7) == first  # same seed, same result
    via_jax = plain_estimate(setting, 1.0, 40000, seed=7, backend="jax")
    assert first.hits > 100 and via_jax.hits > 100
    se = math.sqrt(first.fraction * (1 - first.fraction) / 40000 + via_jax.fraction * (1 - via_jax.fraction) / 40000)
    assert abs(first.fraction - via_jax.fraction) < 4 * se


@pytest.mark.parametrize("theorem", [1, 2])
def test_plain_counts_are_exact_at_float64_extremes(theorem):
    """Issue 38, items 2 and 3. Past δ ≈ 1e20 every z = πk/(2w) is below 1e-15, ĥ_j = 2a_j e^{iψ_j}/k to every
    digit and f̂ = O(1) is below ĥ's rounding, so θ → cθ scales every gradient by the same power of c per pair:
    the same seed (the same points, scaled) must give the same count at δ = 1e40, 1e120 and 1e300 (the old
    counter said 1.0 from 1e120). Likewise at δ = 0.5 with |f̂| ≥ 1e200, ĥ is below f̂'s rounding and D = -f̂:
    scaling f̂ by c scales D, and the count must not move from 1e200 to 1e308 (the old counter said 0.847)."""
    setting = Setting(theorem, 1.0, 2.0, 2, fhat2=0.5 + 0.5j)
    counts = [plain_estimate(setting, delta, 20_000, seed=3).hits for delta in (1e40, 1e120, 1e300)]
    assert counts[0] > 50 and len(set(counts)) == 1
    by_scale = [plain_estimate(Setting(theorem, 1.0, 2.0, 2, fhat1=complex(c, c), fhat2=complex(c, -c)), 0.5, 20_000,
                               seed=3).hits for c in (1e200, 1e250, 1e308)]
    assert len(set(by_scale)) == 1
    assert plain_estimate(setting, np.float32(0.5), 2000, seed=1) == plain_estimate(setting, 0.5, 2000, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("theorem", [1, 2])
def test_jax_counter_agrees_with_the_log_domain_sets_over_its_range(theorem, rng):
    """The fused jax counter (plain float64, for speed) gives the log-domain sets' verdicts sample by sample at the
    corners of its range (δ, |f̂| from 1e-20 to 1e20, k from 1e-20 to 1e4, |f̂(k)| ≥ 1e-6 · 2mδ/k), and refuses
    beyond them in one line."""
    import jax

    from fptheory.numeric._fused import bad_pairs_fused, bad_theorem2_fused
    from fptheory.numeric._setting import JAX_FHAT_OVER_HHAT, JAX_MAX_K, JAX_RANGE, check_jax_range

    low, high = JAX_RANGE
    corners = 0
    for m in (1, 3):
        for k1, k2 in ((1.0, 2.0), (low, 2 * low), (JAX_MAX_K / 2, JAX_MAX_K)):
            for delta in (low, 1e-3, 0.5, 30.0, high):
                for scale in (low, max(low, JAX_FHAT_OVER_HHAT * 2 * m * delta / k1), high):
                    if scale > high:
                        continue
                    setting = Setting(theorem, k1, k2, m, fhat1=scale * (0.6 - 0.8j), fhat2=scale * (0.8 + 0.6j))
                    try:
                        check_jax_range(setting, delta)
                    except ValueError:
                        continue
                    a, w, b = _theta(rng, 1000, m, delta)
                    with jax.enable_x64(True):
                        fused = bad_pairs_fused if theorem == 1 else bad_theorem2_fused
                        got = np.asarray(fused(k1, k2, setting.fhat1, setting.fhat2, a, w, b))
                    exact = bad_pairs(setting, a, w, b) if theorem == 1 else bad_theorem2(setting, a, w, b)
                    assert np.mean(got != np.asarray(exact)) <= 2e-3, (m, k1, delta, scale)
                    corners += 1
    assert corners >= 40
    setting = Setting(theorem, 1.0, 2.0, 1, fhat2=1.0)
    for delta in (1e21, 1e-21):
        with pytest.raises(ValueError, match="delta = .* is outside the jax counter's range: it must lie between 1e-20"):
            plain_estimate(setting, delta, 10, seed=0, backend="jax")
    for fhat in (1e21, 1e-21j, 1e-7):
        with pytest.raises(ValueError, match="fhat2 = .* is outside the jax counter's range: \\|fhat2\\| must lie"):
            plain_estimate(Setting(theorem, 1.0, 2.0, 1, fhat1=1.0, fhat2=fhat), 0.5, 10, seed=0, backend="jax")
    with pytest.raises(ValueError, match="k2 = 100000 is outside the jax counter's range"):
        plain_estimate(Setting(theorem, 1.0, 1e5, 1), 0.5, 10, seed=0, backend="jax")
    assert plain_estimate(setting, 1e40, 10, seed=0).samples == 10  # numpy: any δ


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(theorem=3), "theorem must be 1 or 2"),
        (dict(k1=0.0), "k1 must be a finite number > 0"),
        (dict(k1=3.0, k2=1.0), "k1 must be smaller than k2"),
        (dict(m=0), "m \\(number of neurons\\) must be an integer >= 1"),
        (dict(fhat1=complex("nan")), "fhat1 must be finite"),
        (dict(fhat1=0.0), "fhat1 must be nonzero"),
        (dict(theorem=2, fhat2=0.0), "fhat2 must be nonzero"),
    ],
)
def test_setting_errors(kwargs, message):
    args = dict(theorem=1, k1=1.0, k2=2.0, m=1) | kwargs
    with pytest.raises(ValueError, match=message):
        Setting(**args)


def test_estimate_errors():
    with pytest.raises(ValueError, match="delta must be a finite number > 0"):
        plain_estimate(Setting(1, 1.0, 2.0, 1), 0.0, 10, seed=0)
    with pytest.raises(ValueError, match="samples must be an integer >= 1"):
        plain_estimate(Setting(1, 1.0, 2.0, 1), 1.0, 0, seed=0)
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):  # it used to loop for ever
        plain_estimate(Setting(1, 1.0, 2.0, 1), 1.0, 10, seed=0, chunk=0)
    with pytest.raises(ValueError, match="seed must be an integer in"):
        plain_estimate(Setting(1, 1.0, 2.0, 1), 1.0, 10, seed=2**32)


def test_chunks_are_bounded_by_bytes():
    """m = 1e6 must not need gigabytes for a handful of samples: a batch holds about CHUNK_BYTES of work arrays."""
    from fptheory.numeric._plain import _BYTES_PER_SAMPLE_NEURON, CHUNK_BYTES, plain_chunk

    for m in (1, 10, 1000, 10**6):
        assert 1 <= plain_chunk(m) * _BYTES_PER_SAMPLE_NEURON * m <= max(CHUNK_BYTES, _BYTES_PER_SAMPLE_NEURON * m)
    assert plain_chunk(10**6) == 1 and plain_chunk(1) == 2**16


def test_jax_cpu_batches_hold_a_cache_sized_number_of_sample_neuron_pairs():
    """On a CPU the jax counter's batches hold at most JAX_CPU_BATCH_ELEMENTS samples times neurons, and at least half
    of it where m allows; they are multiples of 8 (they split evenly across 2, 4 or 8 devices) from 8 samples up."""
    from fptheory.numeric._plain import JAX_CPU_BATCH_ELEMENTS, plain_chunk

    for m in (1, 3, 10, 100, 1000, 10**4, 10**5, 10**6):
        size = plain_chunk(m, "jax")
        assert 1 <= size and (size == 1 or size * m <= JAX_CPU_BATCH_ELEMENTS)
        assert size * m >= min(JAX_CPU_BATCH_ELEMENTS // 2, m)
        assert size < 8 or size % 8 == 0


@pytest.mark.slow
def test_accelerator_chunks_are_bounded_by_their_own_budget(monkeypatch):
    """On a GPU the jax counter's batches grow to ACCELERATOR_CHUNK_BYTES (at most 2^23 samples); numpy's and
    a CPU's stay as they are; and an explicit chunk gives the same count whatever the default."""
    import fptheory.numeric._plain as sets

    cpu = [sets.plain_chunk(m, "jax") for m in (1, 4, 1000)]
    monkeypatch.setattr(sets, "_on_accelerator", lambda: True)
    for m in (1, 4, 1000, 10**7):
        chunk = sets.plain_chunk(m, "jax")
        assert 1 <= chunk <= 2**23 and (chunk == 1 or chunk * sets._BYTES_PER_SAMPLE_NEURON * m <= sets.ACCELERATOR_CHUNK_BYTES)
    assert sets.plain_chunk(4, "jax") > cpu[1] and sets.plain_chunk(4, "numpy") == 2**16
    setting = Setting(1, 1.0, 3.0, 2, 1.0, 0.5j)
    counts = {sets.plain_estimate(setting, 1.0, 3000, seed=4, chunk=1000, backend="jax").hits for _ in range(2)}
    monkeypatch.undo()
    assert counts == {sets.plain_estimate(setting, 1.0, 3000, seed=4, chunk=1000, backend="jax").hits}


@pytest.mark.slow
def test_measure_passes_its_backend_to_the_rare_estimators():
    """`fptheory measure --method rare --backend jax` estimates with the JAX pilot: the experiment's point is the
    estimator's own with backend "jax" (seed and δ as the experiment sets them), not numpy's; an unknown backend
    is refused by the config."""
    from fptheory.experiments.measure import MeasureConfig, run
    from fptheory.numeric import rare_estimate

    config = MeasureConfig(theorem=1, k1=1.0, k2=3.0, m=2, deltas=(0.6,), method="rare", samples=40, seed=5,
                           backend="jax")
    point = run(config).points[0]
    assert point == rare_estimate(config.setting, 0.6, 40, seed=5, backend="jax")
    assert point != rare_estimate(config.setting, 0.6, 40, seed=5)
    with pytest.raises(ValueError, match=r"^backend must be 'numpy' or 'jax'; got 'gpu'$"):
        MeasureConfig(backend="gpu")


@pytest.mark.parametrize("backend", ["gpu", None, ["jax"]])
def test_every_estimator_refuses_an_unknown_backend_in_one_line(backend):
    """plain_estimate (before it sizes its batches for the backend), the rare estimators and MeasureConfig give the
    same one-line refusal."""
    from fptheory.experiments.measure import MeasureConfig
    from fptheory.numeric import Setting, plain_estimate, rare_estimate

    message = r"^backend must be 'numpy' or 'jax'; got " + re.escape(repr(backend)) + "$"
    setting = Setting(1, 1.0, 3.0, 1)
    for call in (lambda: plain_estimate(setting, 0.5, 100, seed=0, backend=backend),
                 lambda: rare_estimate(setting, 0.5, 10, seed=0, backend=backend),
                 lambda: MeasureConfig(backend=backend)):
        with pytest.raises(ValueError, match=message):
            call()
