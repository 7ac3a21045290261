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
# # 01 — The transform of a tanh network and its per-frequency gradients
#
# docs/theory.md §1-3: sympy derives σ̂ for tanh by residues; the network's transform (Eq. 26) decays like
# e^{-π|k|/(2|w|)}; so does the gradient each frequency contributes (Eq. 31). Everything below is computed
# by the package; the check column compares with an independent 30-digit mpmath evaluation.

# %%
import math

import matplotlib.pyplot as plt
import mpmath
import numpy as np
import sympy as sp

import fptheory
from fptheory.reference import mp_loss_gradient, mp_network_transform

result = fptheory.activation_transform("tanh")
print("σ̂(k) =", sp.simplify(result.transform), "   decay:", result.decay)

# %% [markdown]
# ## Eq. 26 against 30-digit mpmath

# %%
rng = np.random.default_rng(0)
a, w, b = rng.normal(size=3), rng.uniform(0.2, 1.0, 3) * rng.choice([-1, 1], 3), rng.normal(size=3)
rows = []
for k in (0.5, 2.0, 8.0, 32.0):
    ours = complex(fptheory.network_transform(np.array(k), a, w, b))
    with mpmath.workdps(30):
        ref = complex(mp_network_transform(k, a, w, b))
    rows.append((k, abs(ours), abs(ours - ref) / abs(ref)))
for k, mag, rel in rows:
    print(f"k = {k:5.1f}   |ĥ(k)| = {mag:.3e}   relative difference from mpmath {rel:.1e}")
assert max(r[2] for r in rows) < 1e-12

# %% [markdown]
# The same check as one line of a pytest file (`fptheory.testing`): the derived sympy expression of one neuron's
# transform, evaluated by mpmath at 27 digits, against the stable numeric form at 20 random points.

# %%
from fptheory.symbolic import neuron_transform
from fptheory.testing import assert_agrees

expr = neuron_transform("tanh")
symbols = sorted(expr.free_symbols, key=str)  # a, b, k, w
print(symbols)
span = {s: r for s in symbols for name, r in (("k", (0.5, 10.0)), ("w", (0.2, 2.0))) if s.name == name}
one_neuron = lambda a, b, k, w: fptheory.network_transform(k, a[:, None], w[:, None], b[:, None])  # neurons: last axis
assert_agrees(expr, one_neuron, variables=symbols, ranges=span, digits=12)

# %% [markdown]
# ## Exponential decay in frequency, and the gradient law of Eq. 31
#
# For one neuron, log|∂L(k)/∂a| against 1/|w| has slope -πk/2 (up to a polynomial factor); the stable
# log-domain evaluation stays finite where the plain formula underflows.

# %%
ws = np.geomspace(0.01, 1.0, 60)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ks = np.linspace(0.1, 20, 200)
for wj in (0.5, 1.0, 2.0):
    one = np.ones((ks.size, 1))  # one neuron per k: the neurons sit on the last axis
    mags = np.abs(fptheory.network_transform(ks, one, wj * one, 0 * one))
    ax1.semilogy(ks, mags, label=f"w = {wj}")
ax1.set_xlabel("k"); ax1.set_ylabel("|ĥ(k)|, one neuron"); ax1.legend()
for k in (1.0, 2.0, 3.0):
    n = ws.size
    logs = fptheory.log_abs_loss_gradient(np.full(n, k), np.full((n, 1), 0.3), ws[:, None], np.full((n, 1), 0.1), np.ones(n))
    ax2.plot(1 / ws, logs[0, :, 0], label=f"k = {k:g}")
    slope = np.polyfit(1 / ws[:20], logs[0, :20, 0], 1)[0]
    print(f"k = {k:g}: fitted slope of log|∂L/∂a| against 1/|w| = {slope:.3f}   (theory -πk/2 = {-math.pi * k / 2:.3f})")
ax2.set_xlabel("1/|w|"); ax2.set_ylabel("log|∂L(k)/∂a|"); ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The stable gradients against the hand-typed formulas of docs/theory.md §3

# %%
with mpmath.workdps(40):
    ref = [float(v) for v in mp_loss_gradient(3.0, [0.3], [0.05], [0.1], 1.0, 0)]
ours = fptheory.loss_gradient(np.array([3.0]), np.array([[0.3]]), np.array([[0.05]]), np.array([[0.1]]), np.array([1.0]))[:, 0, 0]
print("stable:", ours, "\nmpmath:", np.array(ref))
np.testing.assert_allclose(ours, ref, rtol=1e-12)
