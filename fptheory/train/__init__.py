"""Layer 4: models and jitted JAX training loops that record per-frequency errors."""

from fptheory.train.loop import History, TrainSpec, train
from fptheory.train.measures import convergence_steps, normalised_magnitude, ordered_fraction, relative_error
from fptheory.train.models import ACTIVATIONS, CNN, MLP, TwoLayer

__all__ = [
    "ACTIVATIONS",
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
