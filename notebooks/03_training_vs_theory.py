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
# # 03 — Training curves against the theory
#
# The paper's Fig. 1 (three peaks; low ones converge first), then Theorem 2's setting trained by gradient
# descent: the run's own dL(k)/dt against the derived -∇L(k)·∇L, and Eq. 31's exponential law for the
# ratio of per-frequency gradients. Quick scale (the same configs as `fptheory run NAME --quick`).

# %%
# %matplotlib inline
from IPython.display import display

from fptheory.experiments import f1d, theory_vs_training

result = f1d.run(f1d.make_config(quick=True))
print("convergence step per peak (median over seeds):", dict(zip(result.config.frequencies, result.median_steps())))
print(f"seeds with the peaks converging in order of frequency: {result.ordered:.0%}")
display(f1d.figure(result))

# %%
tvt = theory_vs_training.run(theory_vs_training.make_config(quick=True))
print(f"measured vs predicted dL(k)/dt: median relative difference {tvt.rate_error:.2e} (90th percentile {tvt.rate_error_p90:.2e})")
print(f"log gradient ratio against π(k2-k1)/(2|w|): slope {tvt.slope:.4f} (law: -1), R² {tvt.slope_r2:.4f}")
display(theory_vs_training.figure(tvt))
assert tvt.rate_error < 1e-2 and abs(tvt.slope + 1) < 0.05
