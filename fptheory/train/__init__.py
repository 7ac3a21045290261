"""Layer 4: models and jitted JAX training loops that record per-frequency errors."""

from fptheory.train._frequency_errors import convergence_steps, normalised_magnitude, ordered_fraction, relative_error
from fptheory.train._loop import History, TrainSpec, train
from fptheory.train._models import CNN, MLP, NONLINEARITIES, TwoLayer
from fptheory.train._poisson_objectives import poisson_residual, ritz_energy, ritz_energy_2d

__all__ = [
    "NONLINEARITIES",
    "MLP",
    "TwoLayer",
    "CNN",
    "History",
    "TrainSpec",
    "train",
    "convergence_steps",
    "normalised_magnitude",
    "ordered_fraction",
    "relative_error",
    "ritz_energy",
    "poisson_residual",
    "ritz_energy_2d",
]
