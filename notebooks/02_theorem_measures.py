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
# # 02 — How small are the theorems' bad sets?
#
# docs/theory.md §4-6. In the ball B_δ the set where a higher frequency's gradient wins has relative measure
# ≤ C e^{-c/δ}. Plain Monte Carlo sees it only at large δ; the rare-event estimators (Theorem 1: windows in
# b; Theorem 2: ellipses in (a, b)) follow it down to 1e-30. Quick scale: a few hundred samples per δ.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import fptheory
from fptheory.numeric import leading_order_windows

setting = fptheory.Setting(1, 2.0, 3.0, 1)
plain = fptheory.plain_estimate(setting, 1.0, 50_000, seed=0)
rare = fptheory.rare_estimate(setting, 1.0, 200, seed=0)
print(f"δ = 1: plain {plain.fraction:.4e} [{plain.ci_low:.3e}, {plain.ci_high:.3e}]   rare {rare.fraction:.4e} ± {rare.rel_se:.1%}")

# %% [markdown]
# ## Theorem 1: the decay constant

# %%
window_c = min(w.c for w in leading_order_windows(setting))
deltas = window_c / np.geomspace(8, 40, 4)
points = [fptheory.rare_estimate(setting, float(d), 80, seed=i) for i, d in enumerate(deltas)]
fit1 = fptheory.fit_decay(deltas, [p.fraction for p in points], [p.ci_low for p in points], [p.ci_high for p in points])
print(f"fitted c = {fit1.c:.3f} [{fit1.c_ci[0]:.3f}, {fit1.c_ci[1]:.3f}]; proof's c = {setting.predicted_c:.3f}; window c = {window_c:.3f}")

# %% [markdown]
# ## Theorem 2: ellipses, so about twice the window constant

# %%
setting2 = fptheory.Setting(2, 2.0, 3.0, 1)
ellipse_c = 2 * min(w.c for w in leading_order_windows(setting2) if w.pair == "a" and not w.closed)
deltas2 = ellipse_c / np.geomspace(12, 60, 4)
points2 = [fptheory.rare_estimate_theorem2(setting2, float(d), 80, seed=i) for i, d in enumerate(deltas2)]
fit2 = fptheory.fit_decay(deltas2, [p.fraction for p in points2], [p.ci_low for p in points2], [p.ci_high for p in points2])
print(f"fitted c = {fit2.c:.3f} [{fit2.c_ci[0]:.3f}, {fit2.c_ci[1]:.3f}]; ellipse c = {ellipse_c:.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
for pts, ds, label in ((points, deltas, "Theorem 1 (union)"), (points2, deltas2, "Theorem 2 (complement of S)")):
    ax.plot(1 / ds, [math.log10(p.fraction) for p in pts], "o-", label=label)
ax.set_xlabel("1/δ"); ax.set_ylabel("log10 bad fraction"); ax.legend()
plt.show()
assert fit1.c > setting.predicted_c and fit2.c > setting2.predicted_c
