"""Result files written atomically: a temporary file in the same directory, then ``os.replace``, so a reader
(or an interrupted run) sees the old file or the whole new one, never a part."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "write_json_atomic", "write_text_atomic", "write_npz_atomic", "save_figure_atomic"]

_FILE_MODE = 0o644  # mkstemp creates 0600; result files are for everyone on the machine to read


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to; on success it replaces ``path`` (mode 0644), on any
    exception (Ctrl-C included) it is removed and ``path`` is left as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix or ".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as JSON atomically, through the one serialiser (:func:`fptheory._json.jsonable`: dataclasses,
    arrays, complex numbers; non-finite floats become null)."""
    from fptheory._json import jsonable

    return write_text_atomic(path, json.dumps(jsonable(data), indent=2, allow_nan=False) + "\n")


def write_npz_atomic(path: str | Path, **arrays: Any) -> Path:
    """Write arrays to ``path`` (.npz) atomically; non-finite values are refused (``ValueError``)."""
    import numpy as np

    for name, value in arrays.items():
        arr = np.asarray(value)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            raise ValueError(f"array {name!r} holds NaN or infinity; refusing to write it")
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, **arrays)
    return Path(path)


def save_figure_atomic(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Save a matplotlib ``Figure`` atomically. Figures are drawn on ``matplotlib.figure.Figure`` objects, so no
    pyplot state or backend is touched and nothing needs closing."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=Path(path).suffix.lstrip(".") or "png")
    return Path(path)
