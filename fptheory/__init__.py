"""fptheory: machine-checked mathematics of the Frequency Principle (spectral bias) of neural networks.

The public face (each name is imported on first use, so ``import fptheory`` is quick):

* symbolic derivations — :func:`activation_transform` (σ̂ for tanh, sigmoid, ReLU); the network transform,
  loss and gradients as sympy expressions in :mod:`fptheory.symbolic`;
* stable numerics — :func:`network_transform`, :func:`loss_gradient`, :func:`log_abs_loss_gradient`,
  :func:`log_gradient_factor`, :func:`log_abs_E` (log-domain, exact for tiny |w|);
* measures of Theorems 1 and 2 — :class:`Setting`, :func:`plain_estimate`, :func:`rare_estimate` (Theorem 1),
  :func:`rare_estimate_theorem2`, :func:`fit_decay`; more in :mod:`fptheory.numeric`;
* any training run — :class:`FrequencyMonitor` (per-frequency errors, peaks, filtering, the verdict) and its
  :class:`FrequencyReport`; figures by :func:`fptheory.monitor.figure`; pytest assertions in :mod:`fptheory.testing`;
* proofs — :class:`Proof`, :class:`Step`, :func:`run_proof`, :func:`load_proofs`;
* bad input raises :class:`InputError` (a ``ValueError``).

Layers, each depending only on those above it: :mod:`fptheory.symbolic`, :mod:`fptheory.numeric`,
:mod:`fptheory.spectral`, :mod:`fptheory.train`, :mod:`fptheory.experiments`, :mod:`fptheory.verify`.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("fptheory")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "ACTIVATIONS": "fptheory.symbolic",
    "activation_transform": "fptheory.symbolic",
    "log_abs_E": "fptheory.numeric",
    "log_abs_loss_gradient": "fptheory.numeric",
    "log_gradient_factor": "fptheory.numeric",
    "loss_gradient": "fptheory.numeric",
    "network_transform": "fptheory.numeric",
    "Setting": "fptheory.numeric",
    "plain_estimate": "fptheory.numeric",
    "rare_estimate": "fptheory.numeric",
    "rare_estimate_theorem2": "fptheory.numeric",
    "fit_decay": "fptheory.numeric",
    "Proof": "fptheory.proof",
    "Step": "fptheory.proof",
    "load_proofs": "fptheory.proof",
    "run_proof": "fptheory.proof",
    "InputError": "fptheory._checks",
    "FrequencyMonitor": "fptheory.train",
    "FrequencyReport": "fptheory.train",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'fptheory' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
