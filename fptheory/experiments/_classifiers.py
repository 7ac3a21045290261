"""The classifiers of the high-dimensional experiments (paper Secs. 3-4): a tanh MLP trained with MSE on the
one-hot labels, a small ReLU CNN and a deeper VGG-like ReLU CNN trained with cross-entropy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from fptheory._checks import InputError
from fptheory.data import DataSet, load
from fptheory.experiments._common import seed_keys
from fptheory.train._loop import History, TrainSpec, train
from fptheory.train._models import CNN, MLP

__all__ = ["NETWORKS", "classifier", "check_config", "first_points", "fit"]

NETWORKS = ("mlp", "cnn", "vgg")
VGG_CHANNELS = (16, 32, 64)  # two 3×3 convolutions per block, three blocks
VGG_DENSE = 128


def classifier(name: str, *, hidden: tuple[int, ...], channels: tuple[int, ...], dense: int, X: np.ndarray,
               classes: int, image_shape: tuple | None) -> tuple[Any, Callable, Callable]:
    """(model, apply for the records, objective(params, x, y)). The MLP's records are its outputs and its
    objective ½ mean |h - y|²; the CNNs' records are softmax probabilities and their objective the mean
    cross-entropy of the logits."""
    import jax
    import jax.numpy as jnp

    if name not in NETWORKS:
        raise InputError(f"network must be one of {', '.join(NETWORKS)}; got {name!r}")
    if name == "mlp":
        model = MLP((X.shape[1], *hidden, classes), "tanh")
        return model, model.apply, lambda p, xb, yb: 0.5 * jnp.mean(jnp.sum((model.apply(p, xb) - yb) ** 2, axis=-1))
    if image_shape is None:
        raise InputError(f"network {name!r} needs image data; this data set is not images")
    if name == "cnn":
        cnn = CNN(tuple(image_shape), channels, dense, classes)
    else:
        cnn = CNN(tuple(image_shape), VGG_CHANNELS, VGG_DENSE, classes, convs_per_block=2)
    probs = lambda p, xb: jax.nn.softmax(cnn.apply(p, xb), axis=-1)
    ce = lambda p, xb, yb: -jnp.mean(jnp.sum(yb * jax.nn.log_softmax(cnn.apply(p, xb), axis=-1), axis=-1))
    return cnn, probs, ce


def check_config(config: Any) -> None:
    """The checks a classifier experiment's config shares: ``networks``, ``threshold`` and ``points``."""
    if not config.networks or any(net not in NETWORKS for net in config.networks):
        raise InputError(f"networks must be drawn from {', '.join(NETWORKS)}; got {config.networks!r}")
    if not (0 < config.threshold < 1):
        raise InputError(f"threshold must lie in (0, 1); got {config.threshold!r}")
    if config.points is not None and (not isinstance(config.points, int) or config.points < 10):
        raise InputError(f"points must be None or an integer >= 10; got {config.points!r}")


def first_points(spec: str, points: int | None) -> tuple[DataSet, np.ndarray, np.ndarray]:
    """The data set named by ``spec`` (or the subset used), its inputs and one-hot labels: all of them when
    ``points`` is None, else ``points`` examples with every class in proportion (those earliest within their
    class, in the data set's order)."""
    data = load(spec)
    available = data.X.shape[0]
    if points is not None and points > available:
        raise InputError(f"points = {points} exceeds the {available} examples of data {spec!r}; ask for at most {available}")
    if points is None or points == available:
        return data, data.X, data.one_hot()
    # the `points` examples earliest within their own class, kept in the data set's order: every class in
    # proportion whatever the storage order (mnist5k is stored sorted by class: its first 2000 are 0-3 only)
    rank = np.empty(available, dtype=int)
    for label in np.unique(data.y):
        members = np.flatnonzero(data.y == label)
        rank[members] = np.arange(members.size) * available // members.size
    keep = np.sort(np.lexsort((np.arange(available), rank))[:points])
    subset = DataSet(data.name, data.X[keep], data.y[keep], data.image_shape)
    return subset, subset.X, np.eye(data.classes)[subset.y]


def fit(name: str, config: Any, X: np.ndarray, Y: np.ndarray, image_shape: tuple | None, spec: TrainSpec,
        progress: Callable | None) -> tuple[History, np.ndarray]:
    """Train network ``name`` (sizes from ``config.hidden``, ``cnn_channels``, ``cnn_dense``; seeds from
    ``config.seed``, ``config.seeds``) on (X, Y); returns the history and the recorded outputs on X as
    float64, shape (seeds, records, n, classes). A divergence is an error."""
    model, apply, objective = classifier(name, hidden=config.hidden, channels=config.cnn_channels,
                                         dense=config.cnn_dense, X=X, classes=Y.shape[1], image_shape=image_shape)
    history = train(apply, model.init, X, Y, keys=seed_keys(config.seed, config.seeds), spec=spec, eval_x=X,
                    eval_points=np.zeros(X.shape[0]), frequencies=np.zeros(1), objective=objective, progress=progress)
    if history.diverged_at is not None:
        raise InputError(f"{name} training diverged at step {history.diverged_at}; lower the learning rate")
    return history, np.asarray(history.outputs, dtype=float)
