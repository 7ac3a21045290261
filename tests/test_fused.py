"""The plain counter's fused kernels (Theorem 1's pairs, Theorem 2's set) decide every sample as the reference
evaluator does, on the same samples, for settings drawn at random (widths, frequencies, targets, and radii from
where gradients underflow to where the bad set is large), in either layout of the arrays; its polynomial sine and
cosine agree with numpy's."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest

from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2
from fptheory.numeric._ball import sample_ball
from fptheory.numeric._fused import bad_pairs_fused, bad_theorem2_fused, bad_union_fused, sincos, tail_only
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._setting import Setting, split_parameters


def _compare_on_random_settings(
    theorem: int, rng: np.random.Generator, settings: int = 24, points: int = 8000, log10_delta: tuple = (-3, 1.5)
) -> tuple[int, int]:
    """The fused kernel against the reference evaluator on ``points`` points of each of ``settings`` random settings, in
    its general form and, where δ allows it, its tail form, and (Theorem 1) the union alone: asserts every verdict
    is the same, returns (verdicts compared, bad verdicts)."""
    reference_fn, fused_fn = (bad_pairs, bad_pairs_fused) if theorem == 1 else (bad_theorem2, bad_theorem2_fused)
    compared = bad = 0
    for _ in range(settings):
        k1 = float(rng.uniform(0.2, 4.0))
        k2 = k1 + float(rng.uniform(0.05, 4.0))
        m = int(rng.integers(1, 12))
        f1, f2 = (complex(*rng.normal(size=2)) for _ in range(2))
        delta = float(10 ** rng.uniform(*log10_delta))  # |z| from above 700 (the exponential underflows) to below 0.5
        setting = Setting(theorem, k1, k2, m, f1, f2)
        a, w, b = split_parameters(sample_ball(points, 3 * m, delta, rng), m)
        reference = np.asarray(reference_fn(setting, a, w, b))
        fused = np.asarray(jax.jit(lambda a, w, b: fused_fn(k1, k2, f1, f2, a, w, b))(a, w, b))
        assert np.array_equal(fused, reference), (k1, k2, m, f1, f2, delta, int((fused != reference).sum()))
        # the same kernel on (m, n) arrays, as the counter lays them out on a GPU
        leading = np.asarray(jax.jit(lambda a, w, b: fused_fn(k1, k2, f1, f2, a.T, w.T, b.T, width_axis=0))(a, w, b))
        leading = leading.swapaxes(1, 2) if theorem == 1 else leading
        assert np.array_equal(leading, reference), (k1, k2, m, f1, f2, delta, int((leading != reference).sum()))
        if tail_only(k1, delta):
            tail = np.asarray(jax.jit(lambda a, w, b: fused_fn(k1, k2, f1, f2, a, w, b, tail=True))(a, w, b))
            assert np.array_equal(tail, reference), (k1, k2, m, f1, f2, delta, int((tail != reference).sum()))
        if theorem == 1:
            union = np.asarray(jax.jit(lambda a, w, b: bad_union_fused(k1, k2, f1, f2, a, w, b,
                                                                         tail=tail_only(k1, delta)))(a, w, b))
            assert np.array_equal(union, reference.any(axis=(0, 2))), (k1, k2, m, f1, f2, delta)
        compared, bad = compared + reference.size, bad + int(reference.sum())
    return compared, bad


@pytest.mark.slow
def test_fused_verdicts_equal_the_reference_on_random_settings(rng, x64):
    compared, bad = _compare_on_random_settings(1, rng)
    assert compared > 10**6 and 0.01 * compared < bad < 0.9 * compared  # both verdicts well represented


@pytest.mark.slow
def test_fused_theorem2_verdicts_equal_the_reference_on_random_settings(rng, x64):
    compared, bad = _compare_on_random_settings(2, rng)
    assert compared > 10**5 and 200 < bad < compared - 200  # Theorem 2's bad set is the rarer: a few per thousand


def test_sincos_agrees_with_numpy_to_rounding(x64):
    psi = np.concatenate([np.linspace(-math.pi, math.pi, 200_001), [-math.pi, math.pi, 0.0, 1e-300, -5e-324]])
    cos, sin = (np.asarray(v) for v in jax.jit(sincos)(psi))
    assert np.max(np.abs(cos - np.cos(psi))) < 1e-15 and np.max(np.abs(sin - np.sin(psi))) < 1e-15  # 5 ulp of 1
    assert sin[-2] == 1e-300 and cos[-3] == 1.0  # exact where the angle is tiny


@pytest.mark.slow
def test_jax_counter_counts_what_numpy_counts_on_the_same_points(rng):
    """The jitted counter (sampling and the fused kernel in one kernel) against numpy's evaluator on the points it
    drew, redrawn by the stream outside the kernel; with and without the pair counts, in batches of any size, and
    at a δ where the kernel takes its tail form and one where it does not."""
    import jax.numpy as jnp

    from fptheory.numeric._ball import sample_ball_hashed, stream_words
    from fptheory.numeric._fused import tail_only

    setting = Setting(1, 1.0, 2.5, 3, 0.7 - 0.2j, 0.4 + 0.1j)
    for delta in (1.5, 4.0):
        estimate = plain_estimate(setting, delta, 5000, seed=11, backend="jax", chunk=5000, pairs=True)
        with jax.enable_x64(True):
            words = jnp.asarray(stream_words(11), dtype=jnp.uint64)
            theta = np.asarray(sample_ball_hashed(words, jnp.uint64(0), 5000, 9, delta))
        pairs = np.asarray(bad_pairs(setting, *split_parameters(theta, 3)))
        assert estimate.hits == int(pairs.any(axis=(0, 2)).sum()) > 100
        assert estimate.per_pair["b"] == pairs[2].sum() / (5000 * 3)
        union_only = plain_estimate(setting, delta, 5000, seed=11, backend="jax", chunk=1234)
        assert union_only.hits == estimate.hits and union_only.per_pair == {}
    assert tail_only(1.0, 1.5) and not tail_only(1.0, 4.0)


@pytest.mark.slow
def test_width_leading_counter_draws_and_counts_what_the_row_counter_does(x64):
    """The counter with its arrays laid out width first (a GPU's choice at small m) draws the transpose of the
    row counter's points, to rounding, and counts the same hits on them, for both theorems, with and without the
    pair counts."""
    import jax.numpy as jnp

    from fptheory.numeric._ball import sample_ball_hashed, stream_words
    from fptheory.numeric._plain import _jax_counter

    words, first = jnp.asarray(stream_words(4), dtype=jnp.uint64), jnp.uint64(0)
    rows = np.asarray(jax.jit(lambda w: sample_ball_hashed(w, first, 3000, 12, 2.0))(words))
    columns = np.asarray(jax.jit(lambda w: sample_ball_hashed(w, first, 3000, 12, 2.0, transposed=True))(words))
    assert columns.shape == (12, 3000)
    np.testing.assert_allclose(columns.T, rows, rtol=1e-14, atol=0)
    for theorem, m, delta in ((1, 4, 1.5), (1, 1, 2.0), (2, 1, 4.0)):
        setting = Setting(theorem, 1.0, 3.0, m, 0.8 + 0.1j, 0.5 - 0.5j)
        by_rows, by_width = (_jax_counter(setting, 4000, leading, True)(words, first, delta) for leading in (False, True))
        assert int(by_rows[0]) == int(by_width[0]) > 20
        assert np.array_equal(np.asarray(by_rows[1]), np.asarray(by_width[1]))
        for tail in {False, tail_only(1.0, delta)}:  # the union alone, in the general and (where δ allows) tail form
            union = [int(_jax_counter(setting, 4000, leading, False, tail)(words, first, delta)[0]) for leading in (False, True)]
            assert union == [int(by_rows[0])] * 2
