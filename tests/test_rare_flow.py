"""Theorem 2's rare-event estimator: the leading-order ellipses against 60-digit mpmath, closed zeros, plain
Monte Carlo where the fraction is >= 1e-4, and the decay constant the ellipses predict."""

import math

import helpers
import mpmath
import numpy as np
import pytest

from fptheory.numeric import bad_ellipses, rare_estimate_theorem2
from fptheory.numeric._bad_sets import bad_theorem2
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._rare_theorem2 import bad_area_batch
from fptheory.numeric._setting import Setting
from fptheory.reference import mp_loss_gradient, mp_theorem2_area_m1

NONE = ((), (), ())


@pytest.mark.parametrize(
    "k1, k2, fhat1, fhat2, w0",
    [(2.0, 3.0, 1, 1, 0.12), (2.0, 3.0, 1, 1, -0.06), (1.0, 2.5, 1, 1, 0.1), (1.0, 2.0, 1, 1j, 0.08), (1.0, 3.0, 0.5 - 1j, 2, -0.09)],
)
def test_ellipse_area_matches_mpmath(k1, k2, fhat1, fhat2, w0):
    """The leading-order area π r²/(|T'| Q) of the first ellipse equals the area of the exact bad set (edges by
    60-digit root finding on the hand-typed gradients of docs/theory.md §3, Gauss-Chebyshev over a) to 1e-7:
    the ellipse is thin (half-widths ~ e^{-π(k2-k1)/(2|w|)}), so the leading order is exact to that level."""
    setting = Setting(2, k1, k2, 1, fhat1, fhat2)
    ellipses = bad_ellipses(setting, w0, NONE, 0.5)
    assert ellipses, "an open zero must give an ellipse"
    e = ellipses[0]
    with mpmath.workdps(60):
        exact = mp_theorem2_area_m1(k1, k2, fhat1, fhat2, w0, e.b_n, 3 * e.half_a, 3 * e.half_b, nodes=8)
    assert float(exact) == pytest.approx(math.exp(e.log_area), rel=1e-7)


@pytest.mark.slow
def test_batched_bad_area_against_hit_or_miss_of_the_disc():
    """The batched conditional area (ellipses, boxes and disc points for many samples at once) against plain
    hit-or-miss: on random settings and random draws of the rest, where a screen of 10,000 uniform points of the
    (a_0, b_0) disc finds at least 0.2% bad, the mean of 200 batched estimates (the sample repeated) agrees with
    the share of 400,000 fresh uniform points that bad_theorem2 calls bad, within 4 combined standard errors."""
    rng = np.random.default_rng(77)
    checked = 0
    while checked < 6:
        s = helpers.random_setting(rng, 2)
        setting = Setting(2, s.k1, s.k2, s.m, s.fhat1, s.fhat2)
        m, delta = setting.m, float(10 ** rng.uniform(-0.3, 0.6))
        theta = rng.standard_normal(3 * m) * delta / math.sqrt(3 * m)
        w0, R = float(theta[0]), delta * float(rng.uniform(0.2, 1.0))
        others = tuple(theta[1 + i * (m - 1) : 1 + (i + 1) * (m - 1)] for i in range(3))
        if m > 1 and np.abs(others[1]).max() > abs(w0):
            continue

        def disc_share(n: int) -> float:
            r, angle = R * np.sqrt(rng.uniform(size=n)), rng.uniform(0, 2 * math.pi, n)
            a0, b0 = r * np.sin(angle), r * np.cos(angle)
            full = [np.column_stack([x, np.broadcast_to(o, (n, m - 1))]) for x, o in zip((a0, np.full(n, w0), b0), others)]
            return float(np.mean(bad_theorem2(setting, *full)))

        if disc_share(10_000) < 2e-3:  # a screen; the reference below is a fresh sample
            continue
        n = 400_000
        plain = disc_share(n)
        reps = 200
        rest = tuple(np.tile(np.asarray(o, dtype=float), (reps, 1)) for o in others)
        shares = np.exp(bad_area_batch(setting, np.full(reps, w0), rest, np.full(reps, R), rng)) / (math.pi * R * R)
        se = math.hypot(shares.std(ddof=1) / math.sqrt(reps), math.sqrt(plain * (1 - plain) / n))
        assert abs(shares.mean() - plain) <= 4 * se, (setting, delta, w0, R, shares.mean(), plain)
        print(f"m = {m}: batched {shares.mean():.4e}, hit-or-miss {plain:.4e}, z = {(shares.mean() - plain) / se:+.2f}")
        checked += 1


@pytest.mark.parametrize("w0, R, message", [
    (0.0, 0.5, "w0 must be nonzero"),
    (0.1, -1.0, "R (the radius of the (a_0, b_0) disc)"),
    (float("nan"), 0.5, "w0"),
])
def test_bad_area_refuses_bad_input_in_one_line(w0, R, message):
    from fptheory._checks import InputError
    from fptheory.numeric import bad_area

    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bad_area(Setting(2, 1.0, 2.0, 1, 1.0, 1j), w0, NONE, R, np.random.default_rng(0))


@pytest.mark.parametrize("k1, k2", [(1.0, 3.0), (1.0, 2.0)])
def test_closed_zeros_leave_no_bad_set(k1, k2):
    """With f̂ real and k2/k1 ∈ {2, 3} every zero of the k1 factor is a zero of the k2 factor (docs/theory.md §4),
    so there is no ellipse (m = 1). Independently, at 50 digits: around such a zero |∇L(k1)|² > |∇L(k2)|²
    at every point of a grid over |a| ≤ 1e-3, |b - b_n| ≤ 1e-3 (the centre excluded)."""
    setting = Setting(2, k1, k2, 1)
    w0 = 0.1
    assert bad_ellipses(setting, w0, NONE, 0.09) == []
    b_n = w0 * math.pi / k1  # ψ1 = π: a zero of sin(ψ1 - φ1) with φ1 = arg(-1) = π
    with mpmath.workdps(50):
        for a in np.linspace(-1e-3, 1e-3, 5):
            for x in np.linspace(-1e-3, 1e-3, 5):
                if a == 0 and x == 0:
                    continue
                g1 = mp_loss_gradient(k1, [a], [w0], [b_n + x], 1, 0)
                g2 = mp_loss_gradient(k2, [a], [w0], [b_n + x], 1, 0)
                assert sum(v * v for v in g1) > sum(v * v for v in g2)


@pytest.mark.parametrize(
    "k1, k2, m, delta, plain_samples, backend",
    [(2.0, 3.0, 1, 1.5, 2_000_000, "numpy"), (1.0, 3.0, 1, 2.0, 400_000, "numpy"), (1.0, 2.0, 10, 3.0, 200_000, "jax")],
)
@pytest.mark.slow
def test_rare_agrees_with_plain(k1, k2, m, delta, plain_samples, backend):
    """Where p >= 1e-4 the rare estimate agrees with plain Monte Carlo within 3.5 combined standard errors:
    (2,3) in the ellipse regime, (1,3) and m = 10 where the bad set is broad (the disc samples carry it)."""
    setting = Setting(2, k1, k2, m)
    plain = plain_estimate(setting, delta, plain_samples, seed=11, backend=backend)
    rare = rare_estimate_theorem2(setting, delta, 400, seed=12)
    assert plain.fraction >= 1e-4
    assert abs(helpers.z_score(rare.fraction, helpers.rare_se(rare, plain.fraction), plain.fraction, helpers.plain_se(plain))) <= 3.5


def test_rare_agrees_with_plain_on_random_settings():
    """Property test (default tier, 2 draws): k1 < k2 ≤ 4, m in 1..4, f̂ with random moduli and phases, δ where
    plain Monte Carlo sees ≥ 300 events: within 3.5 combined standard errors."""
    draws, _ = helpers.rare_against_plain(2, rare_estimate_theorem2, 2, seed=202)
    assert all(abs(d.z) <= 3.5 for d in draws), helpers.describe(draws)


@pytest.mark.slow
def test_rare_agrees_with_plain_on_many_random_settings():
    """The same property on 200 draws (a few minutes on 2 cores), for the whole family: every |z| within the
    Bonferroni bound at 1% (4.06), and at most 10% beyond 1.96 (helpers.assert_calibrated);
    and intervals that cover (helpers.assert_covers, issue 35 item 4: the share within 1.96 consistent with 95% by a
    binomial test at 1%, the mean z within 3/√n of 0); pytest -s prints every draw's z."""
    draws, passed_over = helpers.rare_against_plain(2, rare_estimate_theorem2, 200, seed=2002)
    print(f"\nTheorem 2, rare vs plain: {passed_over} settings passed over (no δ in [0.05, 20] with 300 events)")
    print(helpers.describe(draws))
    helpers.assert_calibrated(draws)
    helpers.assert_covers(draws)


def test_heavy_tailed_weights_are_gone_where_the_disc_is_small():
    """k = (1, 2), m = 3, f̂ = (1, i), δ = 0.5: plain Monte Carlo gives 5.42e-5 ± 0.7% (21681 hits in 4e8 samples,
    ``plain_estimate(Setting(2, 1, 2, 3, 1, 1j), 0.5, 400_000_000, seed=1, backend="jax")``, 7 minutes). The ellipses
    do not shrink with the (a_0, b_0) disc, so the conditional fraction grows like 1/R² where the other
    coordinates take most of the radius; a proposal without that factor gave Pareto k̂ ≈ 1 and an ESS of 7 of
    300, and estimates that rose with the sample count. Now: k̂ < 0.5, ESS > 100, and the estimate within
    3.5 s.e. of that reference."""
    setting = Setting(2, 1.0, 2.0, 3, 1.0, 1j)
    est = rare_estimate_theorem2(setting, 0.5, 400, seed=3)
    assert est.ess > 100 and est.pareto_k is not None and est.pareto_k < 0.5 and est.warning is None
    assert abs(est.fraction - 5.42e-5) <= 3.5 * math.hypot(helpers.rare_se(est, 5.42e-5), 5.42e-5 * 0.0068)


def test_rare_theorem2_errors():
    with pytest.raises(ValueError, match="needs a Theorem 2 setting"):
        rare_estimate_theorem2(Setting(1, 1.0, 2.0, 1), 0.5, 10, seed=0)
    with pytest.raises(ValueError, match="delta must be"):
        rare_estimate_theorem2(Setting(2, 1.0, 2.0, 1), -1.0, 10, seed=0)
    with pytest.raises(ValueError, match="samples must be an integer >= 2"):
        rare_estimate_theorem2(Setting(2, 1.0, 2.0, 1), 0.5, 1, seed=0)


@pytest.mark.slow
def test_small_delta_decay_constant_on_random_settings():
    """Theorem 2 as tests/test_rare.py's counterpart: on 12 random settings (m = 1, complex f̂), the constant
    fitted over c/δ = 60 … 600 equals twice the leading open a-window constant (docs/theory.md §8, written out in
    tests/helpers.py) within 2%."""
    rng = np.random.default_rng(4004)
    rows = []
    for i in range(12):
        s = helpers.random_setting(rng, 2)
        setting = Setting(2, s.k1, s.k2, 1, s.fhat1, s.fhat2)
        expected = helpers.leading_order_c(setting)
        c, ci = helpers.fitted_small_delta_c(setting, rare_estimate_theorem2, seed=100 * i)
        rows.append((setting, expected, c, ci))
    print("\n" + "\n".join(f"k = ({s.k1:g}, {s.k2:g}) f̂ = ({s.fhat1:.2f}, {s.fhat2:.2f}): leading order {e:.4f}, "
                           f"fitted {c:.4f} [{ci[0]:.4f}, {ci[1]:.4f}]" for s, e, c, ci in rows))
    assert all(abs(c / e - 1) < 0.02 for _, e, c, _ in rows), rows
