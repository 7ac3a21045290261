"""The sets of Theorems 1 and 2 in the parameter ball, and their plain Monte-Carlo measure.

Setting (docs/theory.md §4-5): a two-layer tanh network with m neurons, θ = (a_j, w_j, b_j)_j uniform in the
ball B_δ ⊂ R^{3m}, target values f̂(k1), f̂(k2) at two frequencies 0 < k1 < k2.

* Theorem 1, pair (l, j) — the *bad* set ``Q_lj = {|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|}``; the theorem's set
  fails when any pair is bad (the union).
* Theorem 2 — ``S = {dL(k1)/dt ≤ 0 and dL(k1)/dt ≤ dL(k2)/dt}`` under gradient flow on L = L(k1) + L(k2),
  ``dL(k)/dt = -∇L(k)·(∇L(k1) + ∇L(k2))``. Its complement is exactly ``{|∇L(k1)| < |∇L(k2)|}``:
  ``dL1/dt ≤ dL2/dt ⟺ |∇L1|² ≥ |∇L2|²``, and then ``dL1/dt = -|∇L1|² - ∇L1·∇L2 ≤ |∇L1|(|∇L2| - |∇L1|) ≤ 0``
  by Cauchy-Schwarz (a step of ``proofs/theorem2.py``; the tests also compare with the definition).

Every comparison is made between log-domain gradients (:mod:`fptheory.numeric._stable`), so it stays exact
where the gradients themselves underflow (|∂L/∂θ| ~ e^{-π k/(2|w|)} with |w| ≤ δ).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from fptheory._checks import InputError, as_finite, check_backend, check_seed
from fptheory._json import jsonable
from fptheory._typing import Array, Bool, Float
from fptheory.numeric._ball import chunks, sample_ball, sample_ball_jax
from fptheory.numeric._fused import bad_pairs_fused, bad_theorem2_fused
from fptheory.numeric._stable import array_module, log_abs_loss_gradient, log_sum_exp2

__all__ = [
    "Setting",
    "Estimate",
    "log_gradients",
    "split_parameters",
    "bad_pairs",
    "bad_theorem2",
    "theorem2_by_definition",
    "check_delta",
    "clopper_pearson",
    "wilson",
    "plain_estimate",
]

PAIR_NAMES = ("a", "w", "b")

#: The plain estimator's range: δ ≥ k2 · 1e-280, so that a uniform point of B_δ has |k/w| ≤ 1e300 (the stable
#: evaluator's float64 range) except with probability about 1e-20.
PLAIN_MAX_K_OVER_DELTA = 1e280
#: The rare-event estimators' validated range: π(k2-k1)/(2δ) ≤ 5000 (fractions down to about e^{-5000}·…;
#: their weights' diagnostics stay sound there, tests/test_rare*.py).
RARE_MAX_EXPONENT = 5000.0
#: The jax counter's range. :mod:`fptheory.numeric._fused` forms ĥ - f̂ and its products with the reduced gradients
#: in plain float64, for speed; the log-domain numpy counter has no such range. With δ, |f̂(k_i)| in [1e-20, 1e20]
#: and k1, k2 in [1e-20, 1e4], the products stay between about 1e-100 and 1e100 (their squares in Theorem 2 below
#: 1e200), a neuron's ĥ_j that underflows is below f̂'s rounding, and the phase b·k/w passes 2^50 (where
#: double-double reduction ends) with probability below about 1e-11 per neuron. And since the kernel cancels each
#: neuron's own term of conj(ĥ) e^{iψ_j} in float64 (a residue of 1e-16 |ĥ_j|), |f̂(k_i)| must be at least 1e-6 of
#: |ĥ|'s bound 2mδ/k_i. Outside, it disagreed with the numpy counter on up to 4/5 of the samples
#: (tests/test_measure.py).
JAX_RANGE = (1e-20, 1e20)
JAX_MAX_K = 1e4
JAX_FHAT_OVER_HHAT = 1e-6


def check_jax_range(setting: Setting, delta: float) -> None:
    """Refuse (``InputError``) a δ, k1, k2 or f̂ outside the jax counter's range (``JAX_RANGE``, ``JAX_MAX_K``,
    ``JAX_FHAT_OVER_HHAT``), in one line."""
    low, high = JAX_RANGE
    ranges = [("delta", delta, high), ("k1", setting.k1, JAX_MAX_K), ("k2", setting.k2, JAX_MAX_K)]
    for name, value, top in ranges:
        if not low <= value <= top:
            raise InputError(f"{name} = {value:g} is outside the jax counter's range: it must lie between {low:g} and "
                             f"{top:g} with backend 'jax' (backend 'numpy' has no such range)")
    for name, k in (("fhat1", setting.k1), ("fhat2", setting.k2)):
        fhat = complex(getattr(setting, name))
        bound = 2 * setting.m * delta / k  # |ĥ(k)| ≤ Σ_j π|a_j|/(|w_j| |sinh z_j|) ≤ Σ_j 2|a_j|/k
        floor = max(low, JAX_FHAT_OVER_HHAT * bound)
        if not floor <= abs(fhat) <= high:
            raise InputError(f"{name} = {fhat:g} is outside the jax counter's range: |{name}| must lie between "
                             f"{floor:.3g} (1e-20, and 1e-6 of |ĥ|'s bound 2mδ/k = {bound:.3g}) and {high:g} with "
                             "backend 'jax' (backend 'numpy' has no such range)")


def check_delta(setting: Setting, delta: Any, method: str, backend: str = "numpy") -> float:
    """Refuse (``InputError``) a δ outside the range where ``method`` ('plain' or 'rare') can be trusted.

    Args:
        setting: the theorem's setting.
        delta: the ball's radius δ, a real number (Python or numpy).
        method: "plain" or "rare".
        backend: "numpy" or "jax"; the jax counter (plain, and the rare estimators' plain pilot) also needs δ,
            k1, k2 and f̂'s parts in ``JAX_RANGE`` (:func:`check_jax_range`).

    Returns:
        δ as a Python float; raises ``InputError`` naming the allowed range of δ otherwise.
    """
    if not (isinstance(delta, numbers.Real) and not isinstance(delta, (bool, np.bool_))
            and math.isfinite(float(delta)) and float(delta) > 0):
        raise InputError(f"delta must be a finite number > 0; got {delta!r}")
    delta = float(delta)
    if method == "plain" and setting.k2 / delta > PLAIN_MAX_K_OVER_DELTA:
        raise InputError(f"delta = {delta:g} is below the plain estimator's range: δ must be at least k2 · 1e-280 = "
                         f"{setting.k2 / PLAIN_MAX_K_OVER_DELTA:.3g} (the fraction there is 0 to every digit float64 has)")
    if method == "rare" and setting.predicted_c / delta > RARE_MAX_EXPONENT:
        raise InputError(f"delta = {delta:g} is below the rare-event estimators' validated range: π(k2-k1)/(2δ) must be "
                         f"at most {RARE_MAX_EXPONENT:g}, i.e. δ ≥ {setting.predicted_c / RARE_MAX_EXPONENT:.4g}")
    if backend == "jax":
        check_jax_range(setting, delta)
    return delta


@dataclass(frozen=True)
class Setting:
    """Which theorem, the two frequencies, the width m and the target's two transform values."""

    theorem: int
    k1: float
    k2: float
    m: int
    fhat1: complex = 1.0
    fhat2: complex = 1.0

    def __post_init__(self) -> None:
        if self.theorem not in (1, 2):
            raise InputError(f"theorem must be 1 or 2; got {self.theorem!r}")
        for name in ("k1", "k2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a finite number > 0; got {value!r}")
        if not self.k1 < self.k2:
            raise InputError(f"k1 must be smaller than k2 (0 < k1 < k2); got k1 = {self.k1}, k2 = {self.k2}")
        if not isinstance(self.m, int) or isinstance(self.m, bool) or self.m < 1:
            raise InputError(f"m (number of neurons) must be an integer >= 1; got {self.m!r}")
        for name in ("fhat1", "fhat2"):
            as_finite(name, complex(getattr(self, name)), complex_ok=True)
        if self.fhat1 == 0:
            raise InputError("fhat1 must be nonzero: the theorems need |f̂(k1)| > 0")
        if self.theorem == 2 and self.fhat2 == 0:
            raise InputError("fhat2 must be nonzero for Theorem 2 (the target has exactly two frequencies)")

    @property
    def predicted_c(self) -> float:
        """The proof's decay constant c = π(k2 - k1)/2 of Theorem 1 (docs/theory.md §4)."""
        return math.pi * (self.k2 - self.k1) / 2


@dataclass(frozen=True)
class Estimate:
    """A measured fraction μ(set ∩ B_δ)/μ(B_δ) with its 95% interval.

    Rare-event estimates also carry the importance weights' diagnostics (:func:`fptheory.numeric._rare.
    weight_diagnostics`): ``ess``, ``max_share`` and ``pareto_k``; ``warning`` says when they make the
    interval untrustworthy."""

    delta: float
    fraction: float
    ci_low: float
    ci_high: float
    samples: int
    method: str
    hits: int | None = None
    log10_fraction: float | None = None
    rel_se: float | None = None
    per_pair: dict[str, float] = field(default_factory=dict)
    ess: float | None = None
    max_share: float | None = None
    pareto_k: float | None = None
    log10_ci: tuple[float | None, float] | None = None

    @property
    def log_interval(self) -> tuple[float, float | None, float] | None:
        """(ln p, ln of the interval's low end or None where it is 0, ln of its high end); None where p = 0."""
        if self.log10_fraction is None or self.log10_ci is None:
            return None
        ln10 = math.log(10)
        low = self.log10_ci[0] * ln10 if self.log10_ci[0] is not None else None
        return self.log10_fraction * ln10, low, self.log10_ci[1] * ln10

    @property
    def warning(self) -> str | None:
        """Why the interval may be too narrow (heavy-tailed weights or a few samples carrying the estimate)."""
        reasons = []
        if self.pareto_k is not None and self.pareto_k > 0.7:
            reasons.append(f"heavy-tailed weights (Pareto k̂ = {self.pareto_k:.2f} > 0.7)")
        if self.ess is not None and self.ess < 20:
            reasons.append(f"effective sample size {self.ess:.1f} < 20")
        return "; ".join(reasons) + ": the interval may be too narrow" if reasons else None

    def to_json(self) -> dict[str, Any]:
        return jsonable(self) | {"warning": self.warning}


def split_parameters(theta: Any, m: int) -> tuple[Any, Any, Any]:
    """θ of shape (n, 3m) ordered (a_1..a_m, w_1..w_m, b_1..b_m) → a, w, b of shape (n, m)."""
    return theta[:, :m], theta[:, m : 2 * m], theta[:, 2 * m :]


def log_gradients(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> tuple[Float[Array, "3 n m"], Float[Array, "3 n m"]]:
    """``log|∂L(k)/∂θ_lj|`` at k1 and at k2, each of shape (3, n, m) (l = a, w, b)."""
    n = np.shape(a)[0]
    k1, k2 = np.full(n, setting.k1), np.full(n, setting.k2)
    g1 = log_abs_loss_gradient(k1, a, w, b, np.full(n, complex(setting.fhat1)), backend=backend)
    g2 = log_abs_loss_gradient(k2, a, w, b, np.full(n, complex(setting.fhat2)), backend=backend)
    return g1, g2


def bad_pairs(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> Bool[Array, "3 n m"]:
    """Theorem 1's bad sets ``|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|``, boolean of shape (3, n, m).

    Args:
        setting: the theorem's frequencies k1 < k2 and f̂ at both.
        a, w, b: the parameters of n networks of width m, each of shape (n, m); w ≠ 0.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        boolean (3, n, m): pair (l, j) of network i is bad, l = a, w, b (Xu et al. 2020, arXiv:1901.06523,
        Theorem 1), decided in the log domain (exact for any |w|).
    """
    g1, g2 = log_gradients(setting, a, w, b, backend=backend)
    return g1 <= g2


def bad_theorem2(
    setting: Setting, a: Float[Array, "n m"], w: Float[Array, "n m"], b: Float[Array, "n m"], *, backend: str = "numpy"
) -> Bool[Array, " n"]:
    """Complement of Theorem 2's S: ``|∇L(k1)| < |∇L(k2)|`` (all 3m parameters), boolean of shape (n,).

    Args:
        setting: the theorem's frequencies k1 < k2 and f̂ at both.
        a, w, b: the parameters of n networks of width m, each of shape (n, m); w ≠ 0.
        backend: "numpy" or "jax" (jax needs float64 enabled).

    Returns:
        boolean (n,): network i lies outside S, i.e. in the bad set of Theorem 2 (Xu et al. 2020, arXiv:1901.06523).
    """
    xp = array_module(backend)
    g1, g2 = log_gradients(setting, a, w, b, backend=backend)
    with np.errstate(divide="ignore"):
        return log_sum_exp2(g1, xp) < log_sum_exp2(g2, xp)


def theorem2_by_definition(
    setting: Setting, a: Float[np.ndarray, "n m"], w: Float[np.ndarray, "n m"], b: Float[np.ndarray, "n m"]
) -> tuple[Bool[np.ndarray, " n"], Bool[np.ndarray, " n"]]:
    """Theorem 2's S straight from its definition, as a check on :func:`bad_theorem2` (numpy, moderate δ).

    Returns ``in_S`` = {dL1/dt ≤ 0 and dL1/dt ≤ dL2/dt} with ``dL(k)/dt = -∇L(k)·(∇L(k1) + ∇L(k2))`` from the
    gradient vectors, and ``clear``: the samples not within 1e-12 (relative) of the boundary |∇L1| = |∇L2|.

    Args:
        setting: Theorem 2's setting.
        a, w, b: the parameters of n networks of width m, each of shape (n, m).

    Returns:
        (in_S, clear), two boolean arrays of shape (n,).
    """
    from fptheory.numeric._stable import loss_gradient

    n = a.shape[0]
    g1 = loss_gradient(np.full(n, setting.k1), a, w, b, np.full(n, complex(setting.fhat1))).transpose(1, 0, 2).reshape(n, -1)
    g2 = loss_gradient(np.full(n, setting.k2), a, w, b, np.full(n, complex(setting.fhat2))).transpose(1, 0, 2).reshape(n, -1)
    d1, d2 = -np.sum(g1 * (g1 + g2), axis=1), -np.sum(g2 * (g1 + g2), axis=1)
    n1, n2 = np.sum(g1**2, axis=1), np.sum(g2**2, axis=1)
    return (d1 <= 0) & (d1 <= d2), np.abs(n1 - n2) > 1e-12 * (n1 + n2)


def _binomial_interval(hits: int, n: int, level: float, method: str) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(int(hits), int(n)).proportion_ci(confidence_level=level, method=method)
    return float(ci.low), float(ci.high)


def clopper_pearson(hits: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial (Clopper-Pearson) interval for hits out of n (``scipy.stats.binomtest``).

    Args:
        hits: the number of successes, 0 ≤ hits ≤ n.
        n: the number of trials, > 0.
        level: the confidence level.

    Returns:
        (low, high), the interval's ends in [0, 1].
    """
    return _binomial_interval(hits, n, level, "exact")


def wilson(hits: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for hits out of n (``scipy.stats.binomtest``).

    Args:
        hits: the number of successes, 0 ≤ hits ≤ n.
        n: the number of trials, > 0.
        level: the confidence level.

    Returns:
        (low, high), the interval's ends in [0, 1].
    """
    return _binomial_interval(hits, n, level, "wilson")


def pair_counts(pairs: Bool[Array, "3 n m"], xp: Any) -> tuple[Any, Any]:
    """Theorem 1's counts from the bad pairs (l, n, m): samples with some bad pair, and bad pairs per l (shape (3,)),
    for the numpy or jax module ``xp``."""
    return xp.count_nonzero(pairs.any(axis=(0, 2))), pairs.sum(axis=(1, 2))


def _count_numpy(setting: Setting, theta: np.ndarray) -> tuple[int, np.ndarray]:
    a, w, b = split_parameters(theta, setting.m)
    if setting.theorem == 1:
        hits, per_pair = pair_counts(np.asarray(bad_pairs(setting, a, w, b)), np)
        return int(hits), per_pair
    return int(np.count_nonzero(bad_theorem2(setting, a, w, b))), np.zeros(3, dtype=int)


def ball_batch_jax(dim: int, size: int, width_leading: bool = False) -> Callable[[Any, Any], Any]:
    """``draw(key, delta)``: ``size`` uniform points of B_δ ⊂ R^dim (:func:`fptheory.numeric.sample_ball_jax`), shape
    (size, dim), or (dim, size) ``width_leading``, for use inside jitted code, split across all local JAX devices
    where ``size`` divides evenly among them. JAX's partitionable generator draws the same values however they
    are split, so the points (and whatever is decided on them) are those of the one-device run."""
    import jax

    devices = jax.local_devices()
    sharding = None
    if len(devices) > 1 and size % len(devices) == 0:
        from jax.sharding import Mesh, NamedSharding, PartitionSpec

        spec = PartitionSpec(None, "samples") if width_leading else PartitionSpec("samples", None)
        sharding = NamedSharding(Mesh(np.array(devices), ("samples",)), spec)

    def draw(key: Any, delta: Any) -> Any:
        theta = sample_ball_jax(key, size, dim, delta, transposed=width_leading)
        return theta if sharding is None else jax.lax.with_sharding_constraint(theta, sharding)

    return draw


@cache
def _jax_counter(setting: Setting, size: int, width_leading: bool = False) -> Callable:
    """The jitted counter of a batch of ``size`` points: it draws them and decides them in one kernel (by
    :mod:`fptheory.numeric._fused`: the reference's verdicts with few transcendentals). With ``width_leading`` the
    points and the kernel's arrays are laid out (3m, size) and (m, size), not (size, 3m) and (size, m): the same
    points (to rounding) and verdicts, several times faster on a GPU at small m (:func:`width_leads`)."""
    import jax
    import jax.numpy as jnp

    m = setting.m
    axis = 0 if width_leading else -1
    draw = ball_batch_jax(3 * m, size, width_leading)

    @jax.jit
    def count(key: Any, delta: Any) -> tuple[Any, Any]:
        theta = draw(key, delta)
        a, w, b = theta.reshape(3, m, size) if width_leading else split_parameters(theta, m)
        fhats = complex(setting.fhat1), complex(setting.fhat2)
        if setting.theorem == 1:
            pairs = bad_pairs_fused(setting.k1, setting.k2, *fhats, a, w, b, width_axis=axis)
            return pair_counts(pairs.swapaxes(1, 2) if width_leading else pairs, jnp)
        bad = bad_theorem2_fused(setting.k1, setting.k2, *fhats, a, w, b, width_axis=axis)
        return jnp.count_nonzero(bad), jnp.zeros(3, dtype=int)

    return count


#: Work arrays per batch of the plain estimator; it evaluates about 600 bytes per sample and neuron (measured
#: with tracemalloc: 530 for Theorem 1 at m = 10, 190 for Theorem 2), so a batch holds CHUNK_BYTES / (600 m)
#: samples.
CHUNK_BYTES = 256 * 2**20
_BYTES_PER_SAMPLE_NEURON = 600


MAX_SAMPLE_BYTES = 4 * 2**30


def check_width(m: int, method: str = "plain") -> None:
    """Refuse a width whose single sample would need more than 4 GiB of work arrays (m above about 7 million).

    Both methods hold one sample's m neurons at once: plain Monte Carlo about 600 bytes per neuron, the rare-event
    estimators (their pilot and each importance draw) about 500 (tracemalloc: 494 MB at m = 10^6 for Theorem 1;
    a fixed 220 MB, the pilot's batches, below m = 20000); so one bound serves both."""
    if _BYTES_PER_SAMPLE_NEURON * m > MAX_SAMPLE_BYTES:
        what = "plain Monte Carlo" if method == "plain" else "the rare-event estimators"
        raise InputError(f"m = {m} neurons needs about {_BYTES_PER_SAMPLE_NEURON * m / 2**30:.0f} GiB for a single sample "
                         f"of {what}; m must be at most {MAX_SAMPLE_BYTES // _BYTES_PER_SAMPLE_NEURON}")


#: A batch of the jax counter on an accelerator may take this much of its memory (plain_estimate queues a second
#: batch behind the one running, so up to twice this): CPU-sized batches (about 10^5 samples) leave a GPU mostly
#: idle (benchmarks/gpu_plain.py prints the rate with each device's own batches).
ACCELERATOR_CHUNK_BYTES = 4 * 2**30


def _on_accelerator() -> bool:
    """Whether jax computes on an accelerator here: its default device (or the one a ``jax.default_device``
    scope chose) is not a CPU."""
    import jax

    device = getattr(jax.config, "jax_default_device", None) or jax.devices()[0]
    return getattr(device, "platform", device) != "cpu"


#: Widths up to which the jax counter on an accelerator lays its arrays out width first (``_jax_counter``'s
#: ``width_leading``): the widest at which that layout won on an H200 (benchmarks/gpu_layout.py measures both
#: layouts at m = 1 to 100; at 30 and beyond the rows won).
ACCELERATOR_WIDTH_LEADING_MAX_M = 20


def width_leads(m: int) -> bool:
    """Whether the jax counter lays out its arrays width first here: on an accelerator, for m ≤
    ACCELERATOR_WIDTH_LEADING_MAX_M. A GPU reduces the short rows of an (n, m) array (the sums over the width, the
    ball's norms) slowly, and adds the rows of an (m, n) one fast; a CPU keeps (n, m) and its dot products over
    the width."""
    return _on_accelerator() and m <= ACCELERATOR_WIDTH_LEADING_MAX_M


#: Sample-neuron pairs per batch of the jax counter on a CPU: its work arrays (a few dozen float64 arrays of
#: n·m entries, about 30 MB) then stay in the caches. The byte bound's batches (44,739 samples at m = 10) ran
#: slower; benchmarks/bench_measure.py prints the counter's rate by batch size.
JAX_CPU_BATCH_ELEMENTS = 1 << 17


def plain_chunk(m: int, backend: str = "numpy") -> int:
    """Samples per batch for width m: bounded by bytes (CHUNK_BYTES; ACCELERATOR_CHUNK_BYTES for the jax
    counter on a GPU) and never more than 2^16 (numpy), JAX_CPU_BATCH_ELEMENTS / m rounded down to a multiple of
    8 (jax on a CPU) or 2^23 (on a GPU); at least 1."""
    if backend == "jax" and _on_accelerator():
        return int(max(1, min(1 << 23, ACCELERATOR_CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m))))
    if backend == "numpy":
        return int(max(1, min(1 << 16, CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m))))
    return jax_cpu_chunk(m)


def jax_cpu_chunk(m: int) -> int:
    """The jax counter's batch on a CPU for width m: JAX_CPU_BATCH_ELEMENTS / m samples (bounded by CHUNK_BYTES),
    rounded down to a multiple of 8, which splits evenly across 2, 4 or 8 devices; at least 1."""
    size = min(CHUNK_BYTES // (_BYTES_PER_SAMPLE_NEURON * m), JAX_CPU_BATCH_ELEMENTS // m)
    return int(max(1, size - size % 8 if size >= 8 else size))


def plain_estimate(
    setting: Setting,
    delta: float,
    samples: int,
    *,
    seed: int,
    chunk: int | None = None,
    backend: str = "numpy",
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Plain Monte Carlo: the fraction of ``samples`` uniform points of B_δ ⊂ R^{3m} in the theorem's bad set
    (docs/theory.md §4-6): Theorem 1's union of Q_lj = {|∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|}, or Theorem 2's
    {|∇L(k1)| < |∇L(k2)|}, decided on log-domain gradients.

    Args:
        setting: the theorem, frequencies, width and f̂.
        delta: the ball's radius, δ ≥ k2·1e-280 (``InputError`` below: the fraction is 0 to every digit there).
        samples: number of points (≥ 1).
        seed: in [0, 2^32).
        chunk: samples per batch; by default sized by bytes (:func:`plain_chunk`), so memory stays bounded for
            any sample count and any m. The jax backend draws each batch from its own key, so its sample for a
            seed depends on the batch size, which is larger on a GPU: pass ``chunk`` to get the same sample on
            every device (the CPU and an H100 then count the same hits).
        backend: "numpy" or "jax" (a jitted counter, float64 in its own scope).
        progress: called as ``progress(done, samples)``.

    Returns:
        an :class:`Estimate` with ``hits``, the Clopper-Pearson 95% interval and, for Theorem 1, ``per_pair``:
        the fraction of (sample, j) in Q_lj for each l (the same for every j by symmetry).
    """
    check_backend(backend)
    delta = check_delta(setting, delta, "plain", backend)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise InputError(f"samples must be an integer >= 1; got {samples!r}")
    check_seed(seed)
    check_width(setting.m)
    if chunk is None:
        chunk = plain_chunk(setting.m, backend)
    elif isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise InputError(f"chunk must be an integer >= 1 (samples per batch); got {chunk!r}")
    hits, pair_hits, done = 0, np.zeros(3, dtype=np.int64), 0
    if backend == "numpy":
        rng = np.random.default_rng(seed)
        for size in chunks(samples, chunk):
            h, p = _count_numpy(setting, sample_ball(size, 3 * setting.m, delta, rng))
            hits, pair_hits, done = hits + h, pair_hits + p, done + size
            if progress:
                progress(done, samples)
    else:  # "jax"
        import jax

        leading = width_leads(setting.m)

        def dispatched() -> Iterator[tuple[Any, int]]:
            key = jax.random.PRNGKey(seed)
            for size in chunks(samples, chunk):
                key, sub = jax.random.split(key)
                yield _jax_counter(setting, size, leading)(sub, delta), size

        with jax.enable_x64(True):  # the counter computes in float64; the caller's jax settings stay as they are
            batches = dispatched()
            batch = next(batches, None)
            while batch is not None:
                (h, p), size = batch
                batch = next(batches, None)  # the next batch is queued before this one's counts are read
                hits, pair_hits, done = hits + int(h), pair_hits + np.asarray(p), done + size
                if progress:
                    progress(done, samples)
    low, high = clopper_pearson(hits, samples)
    fraction = hits / samples
    per_pair = {name: float(pair_hits[i] / (samples * setting.m)) for i, name in enumerate(PAIR_NAMES)} if setting.theorem == 1 else {}
    return Estimate(
        delta=float(delta),
        fraction=fraction,
        ci_low=low,
        ci_high=high,
        samples=samples,
        method="plain",
        hits=hits,
        log10_fraction=math.log10(fraction) if hits else None,
        log10_ci=(math.log10(low) if low > 0 else None, math.log10(high)) if hits else None,
        rel_se=math.sqrt((1 - fraction) / hits) if hits else None,
        per_pair=per_pair,
    )
