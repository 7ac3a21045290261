"""Layer 1: sympy derivations of the transforms and gradients, and their compiled numeric forms."""

from fptheory.symbolic._activation import ACTIVATIONS, ActivationTransform, activation_transform, sech2_transform
from fptheory.symbolic._compiled import (
    BACKENDS,
    activation_transform_fn,
    compile_expression,
    loss_fn,
    loss_gradient_fn,
    network_transform_fn,
    transform_gradient_fn,
)
from fptheory.symbolic._fourier import derivative_factor, fourier_integral, scaling_shift_factor
from fptheory.symbolic._network import (
    PARAMETERS,
    network_loss,
    network_loss_gradient,
    network_transform_expr,
    neuron_loss_gradient,
    neuron_parameters,
    neuron_transform,
    neuron_transform_gradient,
    reduced_gradient,
    zcothz_minus_one_series,
)

__all__ = [
    "ACTIVATIONS",
    "ActivationTransform",
    "BACKENDS",
    "PARAMETERS",
    "activation_transform",
    "activation_transform_fn",
    "compile_expression",
    "derivative_factor",
    "fourier_integral",
    "loss_fn",
    "loss_gradient_fn",
    "network_loss",
    "network_loss_gradient",
    "network_transform_expr",
    "network_transform_fn",
    "neuron_loss_gradient",
    "neuron_parameters",
    "neuron_transform",
    "neuron_transform_gradient",
    "reduced_gradient",
    "scaling_shift_factor",
    "sech2_transform",
    "transform_gradient_fn",
    "zcothz_minus_one_series",
]
