"""Real data, offline: data sets that ship with dependencies, generated locally, or read from files the
user points to. No function here reaches for the network."""

from fptheory.data.sets import DataSet, camera, digits, load, mnist1d, mnist5k
from fptheory.data.readers import read_cifar10, read_idx, read_mnist

__all__ = ["DataSet", "camera", "digits", "load", "mnist1d", "mnist5k", "read_cifar10", "read_idx", "read_mnist"]
