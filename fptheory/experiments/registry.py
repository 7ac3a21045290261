"""The experiments that ``fptheory run NAME`` knows: name → module.

Each module follows one protocol (:data:`fptheory.experiments._common.PROTOCOL`): ``Config`` (a dataclass),
``make_config(*, quick, seed, seeds) -> Config``, ``run(config, *, progress) -> Result`` (``Result.to_json()``),
``plot(result, path)`` and ``save(result, out) -> Path`` (``out/result.json``, arrays and figures, each written
atomically). The measure experiment (``fptheory measure``) follows it too.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from fptheory._checks import InputError
from fptheory.experiments._common import check_protocol

__all__ = ["EXPERIMENTS", "load"]

EXPERIMENTS: dict[str, tuple[str, str]] = {
    "f1d": ("fptheory.experiments.f1d", "the paper's Fig. 1: three peaks, tanh MLP, per-peak convergence"),
    "spectral-bias": ("fptheory.experiments.spectral_bias", "Rahaman Exp. 1: ReLU MLP, sines at k = 5…50, |ĥ(k)|/A against step"),
    "perturbation": ("fptheory.experiments.perturbation", "Rahaman Exp. 2: spectrum change per frequency under parameter noise"),
    "manifold": ("fptheory.experiments.manifold", "Rahaman Sec. 4: sin(2πkz) on flower curves γ_L; error over (k, L)"),
    "init-scale": ("fptheory.experiments.init_scale", "rank correlation of frequency and convergence step against init scale"),
    "filtering": ("fptheory.experiments.filtering", "paper Sec. 4: e_low and e_high against step, tanh MLP (MSE) and ReLU CNN (CE)"),
    "projection": ("fptheory.experiments.projection",
                   "paper Sec. 3: Δ_F at significant peaks along PC1 of MNIST 5k, tanh MLP (MSE) and ReLU CNN (CE)"),
    "image2d": ("fptheory.experiments.image2d", "overview Fig. 2: camera image from coordinates, radial band errors against step"),
    "parity": ("fptheory.experiments.parity", "paper Sec. 7: parity's aliased spectrum and chance test accuracy, against digits"),
    "poisson": ("fptheory.experiments.poisson",
                "paper Sec. 5: -u'' = g, DNN (Ritz) low first against Jacobi high first, the hybrid, time to target"),
    "remedies": ("fptheory.experiments.remedies",
                 "overview's remedies: Fourier features, MscaleDNN, adaptive activation, PhaseDNN against a plain MLP"),
    "multistage": ("fptheory.experiments.multistage",
                   "Wang & Lai: stages fitting normalised residuals (sin first layer), float64, toward 1e-12"),
    "early-stopping": ("fptheory.experiments.early_stopping",
                       "overview: low-frequency target plus white noise; the clean error's minimum comes early"),
    "compression": ("fptheory.experiments.compression",
                    "Xu et al. 2019: staircase target; the outputs' entropy rises, then falls as the steps are fitted"),
    "regularity": ("fptheory.experiments.regularity",
                   "Luo et al.: share of the loss above η against η for tanh, ReLU², ReLU; decay laws from σ̂"),
    "noise-frequency": ("fptheory.experiments.noise_frequency",
                        "Rahaman Exp. 3: MNIST 5k targets + ε sin(k r); validation dip against k (clean labels)"),
    "relu-spectrum": ("fptheory.experiments.relu_spectrum",
                      "Rahaman Sec. 2: exact transform of ReLU nets from their linear regions; decay exponents, random and trained"),
    "ntk": ("fptheory.experiments.ntk",
            "NTK-linearised gradient descent against real training per width: Δ_F predicted and measured, the gap's rate"),
    "lfp": ("fptheory.experiments.lfp",
            "Linear Frequency Principle: two-layer ReLU rates per frequency, γ²(ξ) by sympy against GD in float64, per width"),
    "theory-vs-training": (
        "fptheory.experiments.theory_vs_training",
        "two-layer tanh net on Theorem 2's two-frequency loss: measured dL(k)/dt against -∇L(k)·∇L",
    ),
}


def load(name: str) -> ModuleType:
    """The experiment module ``name``, checked to follow the protocol (:data:`fptheory.experiments._common.PROTOCOL`)."""
    if name not in EXPERIMENTS:
        raise InputError(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)} (fptheory run --list)")
    return check_protocol(importlib.import_module(EXPERIMENTS[name][0]))
