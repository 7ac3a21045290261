import mpmath
import sympy as sp

from fptheory.reference import mp_sech2_transform
from fptheory.symbolic.fourier import b, derivative_factor, fourier_integral, k, scaling_shift_factor, w, x


def test_scaling_shift_factor_is_derived_form():
    assert sp.simplify(scaling_shift_factor() - sp.exp(sp.I * b * k / w) / sp.Abs(w)) == 0


def test_derivative_rule_on_gaussian():
    gauss = sp.exp(-x**2 / 2)
    lhs = sp.integrate(fourier_integral(sp.diff(gauss, x)).function, (x, -sp.oo, sp.oo))
    rhs = derivative_factor() * sp.integrate(fourier_integral(gauss).function, (x, -sp.oo, sp.oo))
    assert sp.simplify(lhs - rhs) == 0


def test_scaling_rule_by_quadrature():
    """FT[sech²(wx+b)](k) by 30-digit quadrature equals e^{ibk/w}/|w| · FT[sech²](k/w), both signs of w."""
    factor = sp.lambdify((k, w, b), scaling_shift_factor(), modules="mpmath")
    with mpmath.workdps(40):
        for ww, bb, kk in ((mpmath.mpf("1.3"), mpmath.mpf("0.4"), mpmath.mpf(2)),
                           (mpmath.mpf("-0.8"), mpmath.mpf("-0.25"), mpmath.mpf("-1.5"))):
            centre = -bb / ww
            f = lambda t: mpmath.sech(ww * t + bb) ** 2 * mpmath.expj(-kk * t)  # noqa: E731
            edges = [centre + s for s in mpmath.linspace(-80, 80, 161)]
            numeric = mpmath.quad(f, edges)
            derived = factor(kk, ww, bb) * mp_sech2_transform(kk / ww)
            assert abs(numeric - derived) <= mpmath.mpf(10) ** -30 * abs(derived)
