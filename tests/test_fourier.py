import mpmath
import pytest
import sympy as sp

from fptheory.reference import mp_sech2_transform
from fptheory.symbolic._fourier import (
    b,
    derivative_factor,
    fourier_integral,
    k,
    scaling_shift_factor,
    substitution_factor,
    w,
    x,
)


@pytest.mark.parametrize("sign, expected", [("positive", lambda ws: sp.exp(sp.I * b * k / ws) / ws),
                                            ("negative", lambda ws: -sp.exp(sp.I * b * k / ws) / ws)])
def test_substitution_gives_the_scaling_factor_for_each_sign(sign, expected):
    """What sympy's substitution leaves in front of σ̂(k/w) is e^{ibk/w}/w for w > 0 and -e^{ibk/w}/w for w < 0
    (the limits flip), typed here per sign; the package's single form e^{ibk/w}/|w| covers both."""
    ws, factor = substitution_factor(sign)
    assert sp.simplify(factor - expected(ws)) == 0
    assert sp.simplify(scaling_shift_factor().subs(w, ws) - expected(ws)) == 0


def test_derivative_rule_on_gaussian():
    gauss = sp.exp(-x**2 / 2)
    lhs = sp.integrate(fourier_integral(sp.diff(gauss, x)).function, (x, -sp.oo, sp.oo))
    rhs = derivative_factor() * sp.integrate(fourier_integral(gauss).function, (x, -sp.oo, sp.oo))
    assert sp.simplify(lhs - rhs) == 0


@pytest.mark.slow
def test_scaling_rule_by_quadrature():
    """FT[sech²(wx+b)](k) by 30-digit quadrature equals e^{ibk/w}/|w| · FT[sech²](k/w), both signs of w."""
    factor = sp.lambdify((k, w, b), scaling_shift_factor(), modules="mpmath")
    with mpmath.workdps(40):
        for ww, bb, kk in ((mpmath.mpf("1.3"), mpmath.mpf("0.4"), mpmath.mpf(2)),
                           (mpmath.mpf("-0.8"), mpmath.mpf("-0.25"), mpmath.mpf("-1.5"))):
            centre = -bb / ww
            f = lambda t: mpmath.sech(ww * t + bb) ** 2 * mpmath.expj(-kk * t)
            edges = [centre + s for s in mpmath.linspace(-80, 80, 161)]
            numeric = mpmath.quad(f, edges)
            derived = factor(kk, ww, bb) * mp_sech2_transform(kk / ww)
            assert abs(numeric - derived) <= mpmath.mpf(10) ** -30 * abs(derived)
