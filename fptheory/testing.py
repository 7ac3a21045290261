"""Assertions for a researcher's own pytest suite: spectral bias of a training run, a derivation against its
numeric implementation to stated digits, and a fitted exponent or decay constant inside a window (the pattern of
diffrax's order tests).

Each raises ``AssertionError`` with a message that says what was measured and what was expected, and
:class:`fptheory.InputError` for arguments that cannot be checked at all::

    from fptheory.testing import assert_agrees, assert_exponent_within, assert_low_frequency_first

    def test_my_network_learns_low_first():
        assert_low_frequency_first(x, y, outputs, steps=steps)        # outputs: (records, n) of your run

    def test_my_transform():
        assert_agrees(sympy_expr, my_numeric_fn, variables=(k, w), ranges={w: (0.1, 2)}, digits=12)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["assert_low_frequency_first", "assert_agrees", "assert_exponent_within", "assert_decay_constant_within", "Slope",
           "fit_slope"]


def assert_low_frequency_first(x: Any, y: Any = None, outputs: Any = None, *, steps: Any = None, **options: Any) -> Any:
    """Assert that a training run fits the target's low frequencies first (the verdict of
    :class:`fptheory.monitor.FrequencyMonitor`, the rule of the claim f1d-low-first; Xu et al. 2020,
    arXiv:1901.06523, Sec. 2).

    Args:
        x: the inputs, shape (n,) or (n, d); or a :class:`fptheory.monitor.FrequencyReport` (then nothing else).
        y: the targets, shape (n,) or (n, c).
        outputs: the model's outputs at each record, shape (R, n[, c]) or (runs, R, n[, c]).
        steps: the recorded steps, shape (R,), increasing.
        options: passed to :class:`fptheory.monitor.FrequencyMonitor` (frequencies, threshold, min_ordered, …).

    Returns:
        the report, when the assertion holds.
    """
    from fptheory._monitor import FrequencyMonitor, FrequencyReport

    if isinstance(x, FrequencyReport):
        if y is not None or outputs is not None or steps is not None or options:
            raise InputError("pass either a FrequencyReport alone, or x, y, outputs and steps")
        report = x
    else:
        if y is None or outputs is None or steps is None:
            raise InputError("x, y, outputs and steps are all needed (or a FrequencyReport alone)")
        report = FrequencyMonitor(x, y, **options).analyse(steps, outputs)
    if report.low_first is not True:
        why = ("undecided: no output component has two peaks to order" if report.low_first is None
               else "the frequencies did not converge low first")
        raise AssertionError(f"low frequency first: {why}\n{report.explain()}")
    return report


def assert_agrees(expr: Any, function: Callable[..., Any], *, variables: Sequence[Any], digits: int = 10,
                  points: int = 20, ranges: Mapping[Any, tuple[float, float]] | None = None, seed: int = 0) -> None:
    """Assert that a sympy expression and a numeric function agree to ``digits`` significant digits at ``points``
    random points. The expression is evaluated by mpmath at ``digits + 15`` digits (the reference); the function
    gets NumPy float64 arrays, one per variable, of shape (points,), and returns values of that shape (real or
    complex).

    Agreement: |f - e| ≤ 10^-digits · max(|e|, s) at every point, with s = 10^-3 · max over the points of |e| (so a
    value that crosses zero is judged against the function's scale, not to its own relative digits).

    Args:
        expr: a sympy expression in ``variables``.
        function: the numeric implementation, ``function(*arrays)``.
        variables: the sympy symbols, in the order the function takes them.
        digits: significant digits, 1 to 15.
        points: random points, ≥ 1.
        ranges: per symbol, (low, high) for a uniform draw; default (-2, 2).
        seed: the draw's seed.
    """
    import mpmath
    import sympy as sp

    if not (isinstance(digits, int) and 1 <= digits <= 15):
        raise InputError(f"digits must be an integer in [1, 15] (float64 holds about 15); got {digits!r}")
    if not (isinstance(points, int) and points >= 1):
        raise InputError(f"points must be an integer >= 1; got {points!r}")
    variables = tuple(variables)
    free = set(sp.sympify(expr).free_symbols)
    if not free <= set(variables):
        raise InputError(f"variables must list every free symbol of expr; missing {sorted(map(str, free - set(variables)))}")
    ranges = dict(ranges or {})
    if set(ranges) - set(variables):
        raise InputError(f"ranges names symbols that are not variables: {sorted(map(str, set(ranges) - set(variables)))}")
    rng = np.random.default_rng(seed)
    draws = []
    for v in variables:
        lo, hi = ranges.get(v, (-2.0, 2.0))
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError(f"ranges[{v}] must be finite with low < high; got {(lo, hi)}")
        draws.append(rng.uniform(lo, hi, points))
    reference = sp.lambdify(variables, expr, modules="mpmath")
    with mpmath.workdps(digits + 15):
        expected = np.array([complex(reference(*(mpmath.mpf(float(d[i])) for d in draws))) for i in range(points)])
    try:
        got = np.broadcast_to(np.asarray(function(*draws), dtype=complex), (points,))
    except Exception as failure:  # the user's function: say which call failed
        raise AssertionError(f"function(*arrays of shape ({points},)) failed: {type(failure).__name__}: {failure}") from failure
    scale = 1e-3 * float(np.max(np.abs(expected)))
    tol = 10.0**-digits * np.maximum(np.abs(expected), scale)
    err = np.abs(got - expected)
    bad = ~(err <= tol)  # NaN fails
    if np.any(bad):
        i = int(np.argmax(np.where(np.isfinite(err), err / np.maximum(tol, 1e-300), np.inf)))
        at = ", ".join(f"{v} = {d[i]!r}" for v, d in zip(variables, draws))
        agreed = -math.log10(max(err[i] / max(abs(expected[i]), scale, 1e-300), 1e-17)) if math.isfinite(err[i]) else 0.0
        raise AssertionError(f"expression and function disagree at {int(bad.sum())} of {points} points (digits = {digits}); "
                             f"worst at {at}: expected {_fmt(expected[i])}, got {_fmt(got[i])} (about {agreed:.1f} digits agree)")


def _fmt(z: complex) -> str:
    return f"{z.real:.17g}" if z.imag == 0 else f"{z.real:.17g}{z.imag:+.17g}j"


@dataclass(frozen=True)
class Slope:
    """A least-squares line: slope, its standard error, the intercept, R² and the number of points."""

    slope: float
    stderr: float
    intercept: float
    r2: float
    points: int


def fit_slope(x: Any, y: Any) -> Slope:
    """The least-squares slope of y against x (scipy.stats.linregress), with its standard error.

    Args:
        x, y: finite, shape (n,), n ≥ 3, x not constant.
    """
    from scipy.stats import linregress

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 3:
        raise InputError(f"x and y must be 1-d of the same length >= 3; got shapes {x.shape} and {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise InputError("x and y must be finite (after any logarithm)")
    if np.ptp(x) == 0:
        raise InputError("x must not be constant")
    fit = linregress(x, y)
    return Slope(float(fit.slope), float(fit.stderr), float(fit.intercept), float(fit.rvalue**2), x.size)


def _check_window(expected: float, window: float) -> None:
    if not math.isfinite(expected):
        raise InputError(f"expected must be finite; got {expected!r}")
    if not (math.isfinite(window) and window > 0):
        raise InputError(f"window must be a finite number > 0; got {window!r}")


def assert_exponent_within(x: Any, y: Any, *, expected: float, window: float) -> Slope:
    """Assert that y ∝ x^p with the fitted p (the slope of log|y| against log x) in [expected - window,
    expected + window].

    Args:
        x: positive, shape (n,), n ≥ 3.
        y: nonzero, shape (n,).
        expected, window: the theory's exponent and the half-width allowed (> 0).

    Returns:
        the fit (:class:`Slope`), when the assertion holds.
    """
    _check_window(expected, window)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if np.any(x <= 0) or np.any(y == 0):
        raise InputError("x must be > 0 and y nonzero (a power law is fitted in log-log)")
    fit = fit_slope(np.log(x), np.log(np.abs(y)))
    if not abs(fit.slope - expected) <= window:
        raise AssertionError(f"fitted exponent {fit.slope:.4g} ± {fit.stderr:.2g} (R² {fit.r2:.4f}, {fit.points} points) "
                             f"lies outside [{expected - window:.4g}, {expected + window:.4g}] (expected {expected:g} ± {window:g})")
    return fit


def assert_decay_constant_within(x: Any, y: Any, *, expected: float, window: float, log_values: bool = False) -> Slope:
    """Assert that |y| ∝ exp(-c x) with the fitted decay constant c (minus the slope of log|y| against x) in
    [expected - window, expected + window].

    Args:
        x: shape (n,), n ≥ 3.
        y: nonzero values, shape (n,); or their natural logarithms when ``log_values`` (for values below float64's
            range, such as exp(-πk/(2|w|)) at small |w|).
        expected, window: the theory's constant and the half-width allowed (> 0).
        log_values: y holds log|y|.

    Returns:
        the fit (:class:`Slope`, whose slope is -c), when the assertion holds.
    """
    _check_window(expected, window)
    y = np.asarray(y, dtype=float)
    if not log_values and np.any(y == 0):
        raise InputError("y must be nonzero (pass log|y| with log_values=True for values that underflow)")
    fit = fit_slope(x, y if log_values else np.log(np.abs(y)))
    c = -fit.slope
    if not abs(c - expected) <= window:
        raise AssertionError(f"fitted decay constant {c:.4g} ± {fit.stderr:.2g} (R² {fit.r2:.4f}, {fit.points} points) "
                             f"lies outside [{expected - window:.4g}, {expected + window:.4g}] (expected {expected:g} ± {window:g})")
    return fit
