"""fptheory: machine-checked mathematics of the Frequency Principle (spectral bias) of neural networks.

The public face:

* symbolic derivations — :func:`activation_transform` (σ̂ for tanh, sigmoid, ReLU), and the network
  transform, loss and gradients in :mod:`fptheory.symbolic`;
* stable numerics — :func:`network_transform`, :func:`loss_gradient`, :func:`log_abs_loss_gradient`,
  :func:`log_gradient_factor`, :func:`log_abs_E` (log-domain, finite for tiny |w|);
* measures of Theorems 1 and 2 — :class:`Setting`, :func:`plain_estimate`, :func:`rare_estimate` (Theorem 1),
  :func:`rare_estimate_theorem2`, :func:`fit_decay`;
* proofs — :class:`Proof`, :class:`Step`, :func:`run_proof`, :func:`load_proofs`.
"""

from fptheory.numeric import (
    log_abs_E,
    log_abs_loss_gradient,
    log_gradient_factor,
    loss_gradient,
    network_transform,
)
from fptheory.numeric.fit import fit_decay
from fptheory.numeric.measure import Setting, plain_estimate
from fptheory.numeric.rare import rare_estimate
from fptheory.numeric.rare_flow import rare_estimate_theorem2
from fptheory.proof import Proof, Step, load_proofs, run_proof
from fptheory.symbolic import ACTIVATIONS, activation_transform

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Proof",
    "Setting",
    "Step",
    "__version__",
    "activation_transform",
    "fit_decay",
    "load_proofs",
    "log_abs_E",
    "log_abs_loss_gradient",
    "log_gradient_factor",
    "loss_gradient",
    "network_transform",
    "plain_estimate",
    "rare_estimate",
    "rare_estimate_theorem2",
    "run_proof",
]
