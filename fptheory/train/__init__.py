"""Layer 4: models and jitted JAX training loops that record per-frequency errors."""

from fptheory.train._frequency_errors import convergence_steps, normalised_magnitude, ordered_fraction, relative_error
from fptheory.train._loop import History, TrainSpec, train
from fptheory.train._models import CNN, MLP, NONLINEARITIES, TwoLayer

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
]
