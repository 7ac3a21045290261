"""Layer 3: discrete Fourier transforms of sampled functions (uniform and nonuniform points), projection
and filtering methods."""

from fptheory.spectral.dft import dft, grid_frequencies, periodic_grid
from fptheory.spectral.filtering import smooth, split, split_errors
from fptheory.spectral.nudft import nudft, principal_directions, project, select_peaks

__all__ = [
    "dft",
    "grid_frequencies",
    "periodic_grid",
    "nudft",
    "principal_directions",
    "project",
    "select_peaks",
    "smooth",
    "split",
    "split_errors",
]
