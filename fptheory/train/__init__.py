"""Layer 4: models and jitted JAX training loops that record per-frequency errors.

The per-frequency measures are the spectral layer's (:mod:`fptheory.spectral`), and the monitor of any training
run is :mod:`fptheory.monitor` (numpy only); both are re-exported here under their former names."""

from fptheory._monitor import LOW_FIRST_SHARE, FrequencyMonitor, FrequencyReport
from fptheory.spectral._frequency_errors import convergence_steps, normalised_magnitude, ordered_fraction, relative_error
from fptheory.train._adaptive import AdaptiveMLP
from fptheory.train._fourier_features import MAPPINGS, FourierFeatures
from fptheory.train._loop import History, TrainSpec, train
from fptheory.train._models import CNN, MLP, NONLINEARITIES, TwoLayer, relu2, s2relu, srelu
from fptheory.train._mscale import SCALINGS, MscaleDNN, mscale_scales
from fptheory.train._multistage import StageNetwork, dominant_frequency, fit_stage
from fptheory.train._ntk import empirical_ntk, linearised_residuals
from fptheory.train._poisson_objectives import poisson_residual, ritz_energy, ritz_energy_2d

__all__ = [
    "NONLINEARITIES",
    "MLP",
    "TwoLayer",
    "CNN",
    "srelu",
    "s2relu",
    "relu2",
    "empirical_ntk",
    "linearised_residuals",
    "FourierFeatures",
    "MAPPINGS",
    "MscaleDNN",
    "mscale_scales",
    "SCALINGS",
    "AdaptiveMLP",
    "StageNetwork",
    "dominant_frequency",
    "fit_stage",
    "FrequencyMonitor",
    "FrequencyReport",
    "LOW_FIRST_SHARE",
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
