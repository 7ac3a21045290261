"""The fptheory command's persistent JAX compilation cache: in the folder FPTHEORY_COMPILATION_CACHE names (or the
user cache folder), off with FPTHEORY_COMPILATION_CACHE=off, and never set up by importing the library. Each case
runs in a fresh interpreter, since JAX reads the cache settings when it is imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JAX_COMPILATION_CACHE", "JAX_PERSISTENT_CACHE", "FPTHEORY_"))}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_the_command_caches_its_kernels_in_the_named_folder(tmp_path):
    folder = tmp_path / "cache"
    code = ("from fptheory.cli import main; import sys; sys.exit(main(['measure', '--theorem', '1', '--k1', '1', '--k2', '3', "
            f"'--delta', '1', '--samples', '2000', '--backend', 'jax', '--out', {str(tmp_path / 'm')!r}]))")
    python(code, FPTHEORY_COMPILATION_CACHE=str(folder))
    assert len(list(folder.iterdir())) >= 1  # the jitted counter's executable


def test_the_user_cache_folder_is_the_default_and_off_turns_it_off(tmp_path):
    code = "from fptheory._compilation_cache import enable; print(enable())"
    assert python(code, XDG_CACHE_HOME=str(tmp_path)) == str(tmp_path / "fptheory" / "jax")
    assert python(code, FPTHEORY_COMPILATION_CACHE="off", XDG_CACHE_HOME=str(tmp_path)) == "None"


@pytest.mark.slow
def test_importing_the_library_sets_up_no_cache():
    code = "import fptheory.train, fptheory.monitor, jax; print(jax.config.jax_compilation_cache_dir)"
    assert python(code) == "None"
