"""Real data, offline: data sets that ship with dependencies, generated locally, or read from files the
user points to. No function here reaches for the network."""

from fptheory.data._readers import read_cifar10, read_idx, read_mnist
from fptheory.data._sets import DataSet, camera, digits, load, mnist1d, mnist5k

__all__ = ["DataSet", "camera", "digits", "load", "mnist1d", "mnist5k", "read_cifar10", "read_idx", "read_mnist"]
