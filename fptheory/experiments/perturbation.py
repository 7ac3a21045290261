"""Rahaman et al., Exp. 2 (docs/theory.md §7.2): train as in ``spectral-bias``, then perturb the converged
parameters with isotropic Gaussian noise θ + ε ξ, ξ ~ N(0, I), and follow each learnt peak for growing ε.

Two measures per frequency, averaged over noise draws: the normalised magnitude ``|ĥ_ε(k)|/(A_k/2)``
(Rahaman's Fig. 3) and the *retained* fraction ``Re(ĥ_ε(k) conj ĥ(k)) / |ĥ(k)|²`` — the part of the learnt
peak that survives coherently (a random perturbation adds content of random phase, which raises the
magnitude but averages out of the retained fraction). The claim: low frequencies are the more robust, so
the retained fraction falls first at the highest peaks. (The plain change |ĥ_ε - ĥ| is *largest* at low k:
the perturbation of a ReLU net is itself a smooth function, with its power at low frequency.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jax
import numpy as np

from fptheory._checks import InputError
from fptheory._io import save_figure_atomic
from fptheory.experiments import spectral_bias
from fptheory.experiments._common import result_json, write_result
from fptheory.spectral._dft import dft
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, relative_error

__all__ = ["Config", "Result", "make_config", "run", "save", "plot"]


@dataclass(frozen=True)
class Config:
    train: spectral_bias.Config = spectral_bias.Config()
    noise: tuple[float, ...] = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
    draws: int = 32

    def __post_init__(self) -> None:
        if not self.noise or any(not (math.isfinite(e) and e > 0) for e in self.noise):
            raise InputError(f"noise sizes must be finite numbers > 0; got {self.noise}")
        if not isinstance(self.draws, int) or self.draws < 1:
            raise InputError(f"draws must be an integer >= 1; got {self.draws!r}")


def make_config(*, quick: bool = False, seed: int = 0, seeds: int | None = None) -> Config:
    if quick:
        return Config(train=spectral_bias.make_config(quick=True, seed=seed, seeds=seeds or 1), draws=16)
    return Config(train=spectral_bias.make_config(seed=seed, seeds=seeds or 2))


@dataclass
class Result:
    config: Config
    change: np.ndarray  # (seeds, noise, K): mean |ĥ_ε(k) - ĥ(k)|/(A_k/2)
    magnitude: np.ndarray  # (seeds, noise, K): mean |ĥ_ε(k)|/(A_k/2)
    retained: np.ndarray  # (seeds, noise, K): mean Re(ĥ_ε conj ĥ)/|ĥ|²
    convergence: list[list[int | None]]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def ordered_fraction(self) -> float:
        """Fraction of (seed, ε) where the lowest peak retains more of itself than the highest."""
        return float(np.mean(self.retained[:, :, 0] > self.retained[:, :, -1]))

    def to_json(self) -> dict[str, Any]:
        cfg = self.config
        return result_json(
            self,
            "perturbation",
            seeds=(cfg.train.seed, cfg.train.seeds),
            frequencies=list(cfg.train.frequencies),
            convergence_step=median_steps(self.convergence),
            threshold=cfg.train.threshold,
            noise=list(cfg.noise),
            change=self.change.tolist(),
            magnitude=self.magnitude.tolist(),
            retained=self.retained.tolist(),
            low_more_robust_fraction=self.ordered_fraction(),
        )


def run(config: Config, *, progress: Callable[[int, int, float], None] | None = None) -> Result:
    import time

    import jax.numpy as jnp

    began = time.perf_counter()
    tc = config.train
    model, x, f_hat, history = spectral_bias.fit(tc, progress=progress)
    if history.diverged_at is not None:
        raise InputError(f"training diverged at step {history.diverged_at}; nothing to perturb")
    freqs = 2 * math.pi * np.asarray(tc.frequencies)
    errors = relative_error(history.spectrum, f_hat)
    conv = [convergence_steps(errors[s], history.steps, tc.threshold) for s in range(tc.seeds)]
    half_amp = spectral_bias.amplitudes(tc) / 2
    leaves, treedef = jax.tree_util.tree_flatten(history.params)

    @jax.jit
    def changes(leaves_s: list, key: Any, eps: Any) -> Any:
        params = jax.tree_util.tree_unflatten(treedef, leaves_s)
        base = dft(model.apply(params, x[:, None]), x, freqs, backend="jax")

        def one(k: Any) -> Any:
            keys = jax.random.split(k, len(leaves_s))
            noisy = [v + eps * jax.random.normal(kk, v.shape) for v, kk in zip(leaves_s, keys)]
            out = model.apply(jax.tree_util.tree_unflatten(treedef, noisy), x[:, None])
            h = dft(out, x, freqs, backend="jax")
            return jnp.stack([jnp.abs(h - base), jnp.abs(h), jnp.real(h * jnp.conj(base)) / jnp.abs(base) ** 2])

        return jnp.mean(jax.vmap(one)(jax.random.split(key, config.draws)), axis=0)

    shape = (tc.seeds, len(config.noise), len(tc.frequencies))
    change, magnitude, retained = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    # float64 for the perturbed networks, whatever the caller's jax settings: a change of 1e-3 in the parameters
    # is otherwise partly float32 rounding
    with jax.enable_x64(True):
        for s in range(tc.seeds):
            leaves_s = [jnp.asarray(v[s], dtype=jnp.float64) for v in leaves]
            for i, eps in enumerate(config.noise):
                key = jax.random.fold_in(jax.random.PRNGKey(tc.seed + s), 1000 + i)
                c, mag, ret = np.asarray(changes(leaves_s, key, eps))
                change[s, i], magnitude[s, i], retained[s, i] = c / half_amp, mag / half_amp, ret
    return Result(config, change, magnitude, retained, conv, time.perf_counter() - began)


def plot(result: Result, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(10, 4))
    (ax1, ax2) = fig.subplots(1, 2)
    for ax, values, label in ((ax1, result.retained, "retained Re(ĥ_ε conj ĥ)/|ĥ|²"),
                              (ax2, result.magnitude, "|ĥ_ε(k)| / (A_k/2)")):
        mean = values.mean(axis=0)
        for i, eps in enumerate(cfg.noise):
            ax.plot(cfg.train.frequencies, mean[i], "o-", label=f"ε = {eps:g}")
        ax.set_xlabel("frequency k")
        ax.set_ylabel(label)
        ax.legend(fontsize=7)
    ax1.set_title("learnt peaks under parameter noise")
    fig.tight_layout()
    return save_figure_atomic(fig, path)


def save(result: Result, out: str | Path) -> Path:
    return write_result(result, out, plot, "perturbation.png", change=result.change, magnitude=result.magnitude,
                        retained=result.retained, noise=np.asarray(result.config.noise))
