"""Layer 2: stable (log-domain) numeric evaluation of the derived formulas."""

from fptheory.numeric.stable import (
    log_abs_E,
    log_abs_loss_gradient,
    log_abs_sinh,
    log_gradient_factor,
    loss_gradient,
    network_transform,
    reduced_phase,
    zcothz_minus_one,
)

__all__ = [
    "log_abs_E",
    "log_abs_loss_gradient",
    "log_abs_sinh",
    "log_gradient_factor",
    "loss_gradient",
    "network_transform",
    "reduced_phase",
    "zcothz_minus_one",
]
