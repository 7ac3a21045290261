"""Measured accuracy of fptheory's derivations and numerics against independent references.

    .venv/bin/python benchmarks/accuracy.py

Prints the worst relative difference found for each check (the tests assert looser, stated bounds):
  1. FT[sech²] derived by residues vs 50-digit quadrature, k ∈ {0.3, 1, -2.5, 10, -12.5};
  2. network transform (m = 3, both signs of w) vs 45-digit quadrature of FT[h'] = ik ĥ(k);
  3. ∂L(k)/∂θ: sympy-derived vs jax.grad vs 4th-order central differences (float64, norm-wise relative);
  4. stable log|∂L/∂θ| and the Eq. 31 factor log F vs 50-digit mpmath on |w| ∈ ±[1e-8, 1e2] × |k| ∈ ±[0.1, 1e3];
  5. the reduced phase (bk/w mod 2π) vs 60-digit mpmath on 3000 random points.
"""

from __future__ import annotations

import jax
import mpmath
import numpy as np
import sympy as sp

jax.config.update("jax_enable_x64", True)

from fptheory.numeric import _stable as stable
from fptheory.reference import central_difference_gradient, mp_loss_gradient, mp_network_transform, mp_sech2_transform
from fptheory.symbolic._activation import sech2_transform
from fptheory.symbolic._compiled import loss_fn, loss_gradient_fn
from fptheory.symbolic._fourier import k as K
from fptheory.symbolic._network import network_transform_expr, neuron_parameters


def sech2_digits() -> float:
    derived = sp.lambdify(K, sech2_transform()[0], modules="mpmath")
    worst = mpmath.mpf(0)
    with mpmath.workdps(50):
        for kk in ("0.3", "1", "-2.5", "10", "-12.5"):
            kk = mpmath.mpf(kk)
            pieces = max(70, int(abs(kk) * 70 / mpmath.pi) + 1)
            quad = 2 * mpmath.quad(lambda t: mpmath.sech(t) ** 2 * mpmath.cos(kk * t), mpmath.linspace(0, 70, pieces + 1))
            worst = max(worst, abs(quad - derived(kk)) / abs(quad))
            worst = max(worst, abs(mp_sech2_transform(kk) - derived(kk)) / abs(quad))
    return float(worst)


def network_digits(rng: np.random.Generator) -> float:
    m = 3
    a, b = rng.uniform(-1.5, 1.5, m), rng.uniform(-1, 1, m)
    w = rng.uniform(0.5, 1.5, m) * np.array([1, -1, 1])
    symbols = [s for j in range(1, m + 1) for s in neuron_parameters(j)]
    h_hat = sp.lambdify([K, *symbols], network_transform_expr(m), modules="mpmath")
    worst = mpmath.mpf(0)
    with mpmath.workdps(45):
        params = [(mpmath.mpf(x), mpmath.mpf(y), mpmath.mpf(z)) for x, y, z in zip(a, w, b)]
        flat = [v for triple in params for v in triple]
        for kk in ("0.7", "-1.9", "4"):
            kk = mpmath.mpf(kk)
            f = lambda t: sum(p * q * mpmath.sech(q * t + r) ** 2 for p, q, r in params) * mpmath.expj(-kk * t)
            quad = mpmath.quad(f, mpmath.linspace(-130, 130, 131))
            derived = 1j * kk * h_hat(kk, *flat)
            by_reference = abs(mp_network_transform(kk, a, w, b) * 1j * kk - derived) / abs(derived)
            worst = max(worst, abs(quad - derived) / abs(derived), by_reference)
    return float(worst)


def gradient_agreement(rng: np.random.Generator) -> tuple[float, float]:
    grad, loss_np, loss_jax = loss_gradient_fn(), loss_fn(), loss_fn(backend="jax")
    jax_grad = jax.grad(lambda a, w, b, kk, fh: loss_jax(kk, a, w, b, fh), argnums=(0, 1, 2))
    worst_jax = worst_fd = 0.0
    for _ in range(20):
        a, b = rng.uniform(-1.5, 1.5, 4), rng.uniform(-1, 1, 4)
        w = rng.uniform(0.3, 2, 4) * rng.choice([-1, 1], 4)
        kk, fh = float(rng.uniform(0.5, 5) * rng.choice([-1, 1])), complex(rng.normal(), rng.normal())
        sym = grad(np.float64(kk), a, w, b, fh)
        via_jax = np.stack([np.asarray(g) for g in jax_grad(a, w, b, kk, fh)])
        fd = central_difference_gradient(lambda *p: loss_np(np.float64(kk), *p, fh), (a, w, b))
        scale = np.max(np.abs(sym))
        worst_jax = max(worst_jax, float(np.max(np.abs(via_jax - sym)) / scale))
        worst_fd = max(worst_fd, float(np.max(np.abs(fd - sym)) / scale))
    return worst_jax, worst_fd


def log_gradient_agreement() -> tuple[float, float]:
    fhat = 1.0 + 0.5j
    worst_log = worst_factor = 0.0
    with mpmath.workdps(50):
        for w0 in np.concatenate([np.logspace(-8, 2, 21), -np.logspace(-8, 2, 21)]):
            for kk in np.concatenate([np.logspace(-1, 3, 9), -np.logspace(-1, 3, 9)]):
                a, w, b = np.array([0.8, -1.1]), np.array([w0, 0.9]), np.array([0.37, -0.2])
                log_grad = stable.log_abs_loss_gradient(kk, a, w, b, fhat)[:, 0]
                log_factor = stable.log_gradient_factor(kk, a, w, b, fhat)[:, 0]
                ref = mp_loss_gradient(kk, a, w, b, fhat, 0)
                log_A = mpmath.log(abs(mp_network_transform(kk, a, w, b) - mpmath.mpc(fhat)))
                z = mpmath.pi * abs(mpmath.mpf(kk)) / (2 * abs(mpmath.mpf(w0)))
                for l in range(3):
                    r = mpmath.log(abs(ref[l]))
                    worst_log = max(worst_log, float(abs(log_grad[l] - r) / max(1, abs(r))))
                    worst_factor = max(worst_factor, float(abs(log_factor[l] - (r - log_A + z))))
    return worst_log, worst_factor


def phase_agreement(rng: np.random.Generator) -> float:
    b = rng.uniform(-3, 3, 3000)
    k = 10 ** rng.uniform(-1, 3, 3000) * rng.choice([-1, 1], 3000)
    w = 10 ** rng.uniform(-8, 2, 3000) * rng.choice([-1, 1], 3000)
    got = stable.reduced_phase(b, k, w)
    worst = mpmath.mpf(0)
    with mpmath.workdps(60):
        for bb, kk, ww, g in zip(b, k, w, got):
            diff = (mpmath.mpf(g) - mpmath.mpf(bb) * mpmath.mpf(kk) / mpmath.mpf(ww)) / (2 * mpmath.pi)
            worst = max(worst, abs(diff - mpmath.nint(diff)) * 2 * mpmath.pi)
    return float(worst)


def main() -> None:
    rng = np.random.default_rng(0)
    rows = [
        ("FT[sech²]: residues vs quadrature (relative)", sech2_digits()),
        ("Eq. 26 network transform vs quadrature (relative)", network_digits(rng)),
    ]
    worst_jax, worst_fd = gradient_agreement(rng)
    rows += [("∂L/∂θ: sympy vs jax.grad (norm-wise relative)", worst_jax), ("∂L/∂θ: sympy vs central differences", worst_fd)]
    worst_log, worst_factor = log_gradient_agreement()
    rows += [("stable log|∂L/∂θ| vs 50-digit mpmath (relative)", worst_log),
             ("Eq. 31 log F vs mpmath (absolute = rel. of F)", worst_factor)]
    rows.append(("reduced phase bk/w mod 2π (absolute, |ψ| ≤ 3e11)", phase_agreement(rng)))
    print(f"{'check':<52} {'worst difference':>16}")
    for name, value in rows:
        print(f"{name:<52} {value:16.2e}")


if __name__ == "__main__":
    main()
