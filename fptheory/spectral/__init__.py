"""Layer 3: discrete Fourier transforms of sampled functions (uniform and nonuniform points), projection
and filtering methods, PhaseDNN's frequency shifts, and the exact transform of ReLU networks on a box from their
linear regions."""

from fptheory.spectral._dft import dft, grid_frequencies, periodic_grid
from fptheory.spectral._filtering import smooth, split, split_errors
from fptheory.spectral._frequency_errors import (
    convergence_steps,
    median_steps,
    normalised_magnitude,
    ordered_fraction,
    relative_error,
)
from fptheory.spectral._nudft import noise_level, nudft, principal_directions, project, select_peaks, significant_peaks
from fptheory.spectral._phase_shift import band_split, band_sum, phase_shift, phase_unshift
from fptheory.spectral._relu_regions import (
    asymptotic_start,
    envelope_slope,
    kinks_transform,
    linear_pieces,
    linear_regions,
    pieces_transform,
    polygon_transform,
    region_edges,
    regions_transform,
)

__all__ = [
    "convergence_steps",
    "median_steps",
    "normalised_magnitude",
    "ordered_fraction",
    "relative_error",
    "asymptotic_start",
    "envelope_slope",
    "kinks_transform",
    "linear_pieces",
    "linear_regions",
    "pieces_transform",
    "polygon_transform",
    "region_edges",
    "regions_transform",
    "band_split",
    "band_sum",
    "phase_shift",
    "phase_unshift",
    "dft",
    "grid_frequencies",
    "periodic_grid",
    "noise_level",
    "nudft",
    "principal_directions",
    "project",
    "select_peaks",
    "significant_peaks",
    "smooth",
    "split",
    "split_errors",
]
