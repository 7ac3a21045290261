# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 — Check a derivation of your own
#
# A researcher's path: a new activation, here the Gaussian σ(x) = e^{-x²}. Derive its transform with sympy in
# fptheory's convention (f̂(k) = ∫ f(x) e^{-ikx} dx), the transform of one neuron a σ(wx + b) and its gradients
# in (a, w, b); then check each against an independent numeric evaluation with `fptheory.testing`, and read the
# decay rate the F-Principle turns on. Each `assert_*` line is what goes into your own pytest file.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from scipy.integrate import quad

from fptheory.symbolic import fourier_integral, scaling_shift_factor
from fptheory.symbolic._fourier import b, k, w, x
from fptheory.testing import assert_agrees, assert_decay_constant_within

sigma = sp.exp(-x**2)
sigma_hat = sp.simplify(fourier_integral(sigma).doit())
print("σ̂(k) =", sigma_hat)

# %% [markdown]
# ## The transform against quadrature (10 digits at 20 random k)

# %%
def quadrature(ks):
    # σ is even (the sine part vanishes) and below 1e-60 beyond |x| = 12
    return np.array([2 * quad(lambda t: math.exp(-t * t) * math.cos(kk * t), 0, 12, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
                     for kk in ks])

assert_agrees(sigma_hat, quadrature, variables=(k,), ranges={k: (0.1, 6)}, digits=10)
print("σ̂ agrees with quadrature to 10 digits")

# %% [markdown]
# ## One neuron: a e^{ibk/w} σ̂(k/w)/|w| and its gradients, against JAX's automatic derivatives

# %%
import jax
import jax.numpy as jnp

a = sp.Symbol("a", real=True)
neuron = a * scaling_shift_factor() * sigma_hat.subs(k, k / w)  # the scaling-and-shift rule fptheory derives
gradients = {name: sp.diff(neuron, s) for name, s in (("a", a), ("w", w), ("b", b))}


def neuron_numeric(a_, w_, b_, k_):  # typed independently, in JAX
    return a_ * jnp.exp(1j * b_ * k_ / w_) * jnp.sqrt(jnp.pi) * jnp.exp(-(k_ / w_) ** 2 / 4) / jnp.abs(w_)


with jax.enable_x64(True):
    for i, name in enumerate("awb"):
        def auto(a_, w_, b_, k_, i=i):
            re = jax.vmap(lambda *p: jax.grad(lambda *q: jnp.real(neuron_numeric(*q)), argnums=i)(*p))(a_, w_, b_, k_)
            im = jax.vmap(lambda *p: jax.grad(lambda *q: jnp.imag(neuron_numeric(*q)), argnums=i)(*p))(a_, w_, b_, k_)
            return np.asarray(re) + 1j * np.asarray(im)
        assert_agrees(gradients[name], auto, variables=(a, w, b, k), ranges={w: (0.3, 2.0), k: (0.1, 5)}, digits=12)
print("∂ĥ/∂a, ∂ĥ/∂w, ∂ĥ/∂b agree with JAX to 12 digits")

# %% [markdown]
# ## The decay that decides which frequency wins
#
# tanh's σ̂ decays like e^{-π|k|/2}; the Gaussian's like e^{-k²/4}, faster than any exponential. So log|σ̂| is
# linear in k², with decay constant 1/4.

# %%
ks = np.linspace(1, 30, 40)
numeric = sp.lambdify(k, sp.expand_log(sp.log(sp.Abs(sigma_hat)), force=True))(ks)  # log|σ̂|: |σ̂(30)| ~ 1e-98
fit = assert_decay_constant_within(ks**2, numeric, expected=0.25, window=1e-6, log_values=True)
print(f"fitted decay constant in k²: {-fit.slope:.8f} (theory 1/4)")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(ks, numeric / math.log(10), label="Gaussian: log10|σ̂(k)|")
ax.plot(ks, np.log10(math.pi / np.sinh(math.pi * ks / 2)), label="tanh: log10|σ̂(k)|")
ax.set_xlabel("k"); ax.legend()
plt.show()
