"""Layer 2: stable (log-domain) evaluation of the derived formulas, and the measures of Theorems 1 and 2.

* Stable evaluation (docs/theory.md §2-3): :func:`network_transform`, :func:`loss_gradient`,
  :func:`log_abs_loss_gradient`, :func:`log_gradient_factor`, :func:`log_abs_E` and their parts.
* The theorems' sets and plain Monte Carlo (§4-6): :class:`Setting`, :class:`Estimate`, :func:`bad_pairs`,
  :func:`bad_theorem2`, :func:`plain_estimate`, :func:`sample_ball`.
* Rare-event estimation (§6): :func:`rare_estimate` (Theorem 1), :func:`rare_estimate_theorem2`, the exact
  windows and ellipses they integrate, and :func:`weight_diagnostics`.
* The decay law (§8): :func:`fit_decay`, :func:`fit_decay_log`, :func:`leading_order_windows`.
* Poisson's equation (Xu et al. 2020, Sec. 5): :func:`poisson_grid`, :func:`solve_poisson`, weighted
  :func:`jacobi` and its :func:`jacobi_eigenvalues`, the error's :func:`sine_modes`; on the unit square
  :func:`solve_poisson_2d`, :func:`jacobi_2d` and :func:`sine_modes_2d`.
"""

from fptheory.numeric._bad_sets import bad_pairs, bad_theorem2, theorem2_by_definition
from fptheory.numeric._ball import sample_ball
from fptheory.numeric._binomial import clopper_pearson, wilson
from fptheory.numeric._fit import DecayFit, fit_decay, fit_decay_log
from fptheory.numeric._importance import weight_diagnostics
from fptheory.numeric._plain import plain_estimate
from fptheory.numeric._poisson import (
    jacobi,
    jacobi_2d,
    jacobi_eigenvalues,
    jacobi_to_target,
    poisson_grid,
    sine_modes,
    sine_modes_2d,
    solve_poisson,
    solve_poisson_2d,
)
from fptheory.numeric._rare_theorem1 import rare_estimate
from fptheory.numeric._rare_theorem2 import Ellipse, bad_area, bad_ellipses, rare_estimate_theorem2
from fptheory.numeric._setting import PLAIN_MAX_K_OVER_DELTA, RARE_MAX_EXPONENT, Estimate, Setting, check_delta
from fptheory.numeric._stable import (
    log_abs_E,
    log_abs_loss_gradient,
    log_abs_sinh,
    log_gradient_factor,
    loss_gradient,
    network_transform,
    reduced_phase,
    zcothz_minus_one,
)
from fptheory.numeric._windows import (
    Window,
    WindowBatch,
    Windows,
    certified_sublevel_set,
    leading_order_windows,
    window_lengths,
    window_lengths_batch,
)

__all__ = [
    "PLAIN_MAX_K_OVER_DELTA",
    "RARE_MAX_EXPONENT",
    "DecayFit",
    "Ellipse",
    "Estimate",
    "Setting",
    "Window",
    "WindowBatch",
    "Windows",
    "bad_area",
    "bad_ellipses",
    "bad_pairs",
    "bad_theorem2",
    "certified_sublevel_set",
    "check_delta",
    "clopper_pearson",
    "fit_decay",
    "fit_decay_log",
    "jacobi",
    "jacobi_2d",
    "jacobi_eigenvalues",
    "jacobi_to_target",
    "leading_order_windows",
    "log_abs_E",
    "log_abs_loss_gradient",
    "log_abs_sinh",
    "log_gradient_factor",
    "loss_gradient",
    "network_transform",
    "plain_estimate",
    "poisson_grid",
    "rare_estimate",
    "rare_estimate_theorem2",
    "reduced_phase",
    "sample_ball",
    "sine_modes",
    "sine_modes_2d",
    "solve_poisson",
    "solve_poisson_2d",
    "theorem2_by_definition",
    "weight_diagnostics",
    "wilson",
    "window_lengths",
    "window_lengths_batch",
    "zcothz_minus_one",
]
