"""Layer 3: discrete Fourier transforms of sampled functions (uniform and nonuniform points), projection
and filtering methods, and PhaseDNN's frequency shifts."""

from fptheory.spectral._dft import dft, grid_frequencies, periodic_grid
from fptheory.spectral._filtering import smooth, split, split_errors
from fptheory.spectral._nudft import noise_level, nudft, principal_directions, project, select_peaks, significant_peaks
from fptheory.spectral._phase_shift import band_split, band_sum, phase_shift, phase_unshift

__all__ = [
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
