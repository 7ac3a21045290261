"""Layer 1: sympy derivations of the transforms and gradients, and their compiled numeric forms."""

from fptheory.symbolic._activation import ACTIVATIONS, ActivationTransform, activation_transform, decay_law, sech2_transform
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
from fptheory.symbolic._poisson import (
    POISSON_SOURCE,
    JacobiSpectrum,
    jacobi_spectrum,
    jacobi_spectrum_2d,
    planted_poisson_2d,
    poisson_solution,
)

__all__ = [
    "ACTIVATIONS",
    "ActivationTransform",
    "JacobiSpectrum",
    "POISSON_SOURCE",
    "BACKENDS",
    "PARAMETERS",
    "activation_transform",
    "decay_law",
    "activation_transform_fn",
    "compile_expression",
    "derivative_factor",
    "fourier_integral",
    "jacobi_spectrum",
    "jacobi_spectrum_2d",
    "planted_poisson_2d",
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
    "poisson_solution",
    "reduced_gradient",
    "scaling_shift_factor",
    "sech2_transform",
    "transform_gradient_fn",
    "zcothz_minus_one_series",
]
