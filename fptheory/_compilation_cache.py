"""The persistent JAX compilation cache of the ``fptheory`` command (its verify workers and experiments inherit it):
a kernel compiled by one run is loaded by the next instead of compiled again.

Where: ``$FPTHEORY_COMPILATION_CACHE`` when it names a folder; otherwise ``$XDG_CACHE_HOME/fptheory/jax``
(``~/.cache/fptheory/jax``). ``FPTHEORY_COMPILATION_CACHE=off`` turns it off; a ``JAX_COMPILATION_CACHE_DIR`` of your
own is left as it is. Only the command sets it up: importing :mod:`fptheory` as a library changes no JAX setting.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["ENV", "cache_folder", "enable"]

ENV = "FPTHEORY_COMPILATION_CACHE"
OFF = ("off", "0", "no", "false")


def cache_folder() -> Path | None:
    """The folder the command caches compiled kernels in, or None when turned off."""
    setting = os.environ.get(ENV, "").strip()
    if setting.lower() in OFF:
        return None
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fptheory" / "jax"


def enable() -> Path | None:
    """Point JAX's persistent compilation cache at :func:`cache_folder` for this process and the processes it starts
    (through the environment, which JAX reads when it is imported; and JAX's config if it is imported already).
    Every kernel is cached, however quick its compilation: the runs compile hundreds of small ones. Returns the
    folder in use (a folder set by ``JAX_COMPILATION_CACHE_DIR`` wins), or None when off or not writable."""
    if "JAX_COMPILATION_CACHE_DIR" in os.environ:
        return Path(os.environ["JAX_COMPILATION_CACHE_DIR"])
    folder = cache_folder()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: run uncached rather than fail
    if not os.access(folder, os.W_OK):
        return None
    os.environ["JAX_COMPILATION_CACHE_DIR"] = str(folder)
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    if "jax" in sys.modules:
        import jax

        jax.config.update("jax_compilation_cache_dir", str(folder))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", float(os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"]))
    return folder
