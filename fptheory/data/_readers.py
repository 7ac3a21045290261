"""Readers for the real MNIST (IDX files, gzipped or not) and CIFAR-10 (the python pickled batches).

IDX (LeCun's format): a big-endian header — two zero bytes, a type code (0x08 unsigned byte, 0x09 signed
byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions — then one big-endian
uint32 per dimension, then the data in row-major order. CIFAR-10 python batches: pickled dicts with
``b"data"`` (N × 3072 uint8, channel-major 32×32 images) and ``b"labels"``.
"""

from __future__ import annotations

import gzip
import math
import pickle
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from fptheory._checks import InputError

__all__ = ["read_idx", "read_mnist", "read_cifar10"]

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _open_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"data file not found: {path}")
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise InputError(f"{path} is not a readable gzip file ({exc.__class__.__name__}: {exc})") from None


def _digit_labels(labels: np.ndarray, where: str | Path) -> np.ndarray:
    """Labels as ints, refused unless every one is a class 0-9 (MNIST and CIFAR-10 have ten): labels 200-209
    would otherwise make a 210-class network."""
    if labels.size and not np.all(np.isfinite(labels) & (labels == np.round(labels))):
        bad = labels[~(np.isfinite(labels) & (labels == np.round(labels)))]
        raise InputError(f"labels in {where} must be whole class numbers 0-9; got {bad.size} that are not, e.g. {float(bad[0]):g}")
    labels = labels.astype(int)
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise InputError(f"labels in {where} must be classes 0-9; got values from {labels.min()} to {labels.max()}")
    return labels


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file (``.gz`` or plain).

    Args:
        path: the file.

    Returns:
        the array with the file's shape and dtype; ``InputError`` for a file that is not IDX.
    """
    path = Path(path)
    raw = _open_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise InputError(f"{path} is not an IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise InputError(f"{path}: truncated IDX header")
    shape = tuple(int(v) for v in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = math.prod(shape) * dtype.itemsize  # Python ints: a header's sizes cannot overflow the check
    if len(raw) - header != expected:
        raise InputError(f"{path}: IDX payload is {len(raw) - header} bytes; the header announces {expected}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_mnist(folder: str | Path, *, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """MNIST images (n, 784) scaled to [0, 1] and labels (n,) from the standard file names in ``folder``
    (``train-images-idx3-ubyte[.gz]``/``train-labels-idx1-ubyte[.gz]``, ``t10k-…`` for split ``test``).

    Args:
        folder: the folder holding the four standard files.
        split: "train" or "test".

    Returns:
        (X, y): X (n, 784) floats in [0, 1], y (n,) ints in 0-9; ``InputError`` where the files are missing,
        malformed or disagree in n.
    """
    folder = Path(folder)
    prefix = {"train": "train", "test": "t10k"}.get(split)
    if prefix is None:
        raise InputError(f"split must be 'train' or 'test'; got {split!r}")

    def find(stem: str) -> Path:
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                return folder / name
        raise InputError(f"MNIST file {stem}[.gz] not found in {folder}")

    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise InputError(f"MNIST files in {folder} disagree: images {images.shape}, labels {labels.shape}")
    if images.shape[0] == 0:
        raise InputError(f"MNIST files in {folder} hold no images")
    if images.shape[1:] != (28, 28):  # the networks' input size; other sizes failed deep inside JAX
        raise InputError(f"MNIST images in {folder} must be 28×28; got {images.shape[1]}×{images.shape[2]}")
    low, high = float(images.min()), float(images.max())
    if not (np.all(np.isfinite(images)) and low >= 0 and high <= 255):  # scaled by 1/255 below: pixel values only
        raise InputError(f"MNIST pixel values in {folder} must lie in [0, 255]; got values from {low:g} to {high:g}")
    return images.reshape(images.shape[0], -1).astype(float) / 255.0, _digit_labels(labels, folder)


#: The only globals a CIFAR-10 python batch may name: numpy's array and scalar reconstruction (under numpy 1's and
#: numpy 2's module names) and the codec Python 3 uses for bytes in protocol 2. Anything else, os.system or any
#: other callable a crafted file names, is refused before it is looked up, so reading a batch runs no code of its.
_CIFAR_GLOBALS = frozenset({
    *((module, name) for module in ("numpy.core.multiarray", "numpy._core.multiarray") for name in ("_reconstruct", "scalar")),
    *((module, "_frombuffer") for module in ("numpy.core.numeric", "numpy._core.numeric")),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
})


class _BatchUnpickler(pickle.Unpickler):
    """An unpickler that admits only :data:`_CIFAR_GLOBALS` (the Python docs' "restricting globals" recipe)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _CIFAR_GLOBALS:
            raise pickle.UnpicklingError(f"it names {module}.{name}, which a CIFAR-10 batch never holds; not loaded")
        return super().find_class(module, name)


def read_cifar10(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """CIFAR-10 images (n, 3072) scaled to [0, 1], each the row-major flattening of a (32, 32, 3) image, and
    labels (n,), from one python batch file or from every ``data_batch_*`` file of a folder (in name order).

    Args:
        path: a batch file, or a folder holding ``data_batch_*`` files.

    Returns:
        (X, y): X (n, 3072) floats in [0, 1], y (n,) ints in 0-9; ``InputError`` where the files are missing or
        malformed. The files are unpickled with only numpy's array globals admitted: a file that names any other
        callable is refused without running it.
    """
    path = Path(path)
    files = sorted(path.glob("data_batch_*")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"no CIFAR-10 batch files (data_batch_*) in {path}")
    images, labels = [], []
    for f in files:
        if not f.is_file():
            raise InputError(f"data file not found: {f}")
        try:
            with f.open("rb") as handle:
                batch = _BatchUnpickler(handle, encoding="bytes").load()
            data, lab = np.asarray(batch[b"data"]), np.asarray(batch[b"labels"])
        except pickle.UnpicklingError as exc:
            raise InputError(f"{f} is not a CIFAR-10 python batch: {exc}") from None
        except (EOFError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise InputError(f"{f} is not a CIFAR-10 python batch ({exc.__class__.__name__})") from None
        if data.ndim != 2 or data.shape[1] != 3072 or data.shape[0] != lab.shape[0]:
            raise InputError(f"{f}: expected data (n, 3072) and n labels; got {data.shape} and {lab.shape}")
        # channel-major (3, 32, 32) per row in the file; returned as (32, 32, 3) flattened, like the other images
        images.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).reshape(data.shape[0], -1).astype(float) / 255.0)
        labels.append(lab.astype(int))
    return np.concatenate(images), _digit_labels(np.concatenate(labels), path)
