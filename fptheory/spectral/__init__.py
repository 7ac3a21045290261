"""Layer 3: discrete Fourier transforms of sampled functions (uniform and nonuniform points)."""

from fptheory.spectral.dft import dft, grid_frequencies, periodic_grid

__all__ = ["dft", "grid_frequencies", "periodic_grid"]
