"""Per-frequency monitoring of any training run: what the built-in experiments measure (Xu, Zhang, Luo, Xiao,
Ma 2020, arXiv:1901.06523, Secs. 2-4), computed from a model's outputs at chosen steps, whatever trained it (JAX,
Flax, Equinox, PyTorch; outputs as arrays, or an ``apply_fn(params, x)`` called on the inputs).

The transform, in the conventions of :mod:`fptheory.spectral`:

* 1-d inputs: ``ĥ(k) = (1/n) Σ_j h(x_j) e^{-i k x_j}``, k angular (radians per unit of x). On an evenly spaced
  grid (spacing Δx) k must lie in [0, π/Δx), below the grid's Nyquist limit; other points take the nonuniform
  DFT.
* d-dimensional inputs (d ≥ 2): the projection method (Sec. 3) along the first principal direction p of the
  inputs, ``ĥ(k) = (1/n) Σ_i h(x_i) e^{-i 2π k p·x_i}``, k in cycles per unit of p·x.

The peaks followed, per output component: those given, or by the projection experiment's rule
(:func:`fptheory.spectral.significant_peaks`): the DC peak when it is the spectrum's maximum, plus the largest
interior local maxima of |ŷ| above ``significance`` × σ_y/√n. The candidate grid is k = 2πq/L, q = 0, 1, …,
⌊(n-1)/2⌋ in 1-d (L = n × the mean spacing, the period of a periodic grid), and ``grid`` points on
[0, ``k_max_sd``/σ(p·x)] in d ≥ 2. A peak is a strict local maximum, so two peaks of y in adjacent candidates
count as one; pass ``frequencies`` to follow both.

Measures: ``Δ_F(k) = |ĥ(k) - ŷ(k)|/|ŷ(k)|`` at each peak and record; each peak's first step below
``threshold``; per (component, run) whether the steps are ordered by frequency; the filtering method's e_low and
e_high for each δ in ``deltas`` (Sec. 4). The verdict (:attr:`FrequencyReport.low_first`) is the claim
f1d-low-first's rule, stated there.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fptheory._checks import InputError, check_counts
from fptheory.spectral._dft import dft
from fptheory.spectral._filtering import split_errors
from fptheory.spectral._frequency_errors import convergence_steps, median_steps, ordered_fraction, relative_error
from fptheory.spectral._nudft import noise_level, nudft, principal_directions, project, significant_peaks

__all__ = ["FrequencyMonitor", "FrequencyReport", "LOW_FIRST_SHARE"]

#: The share of (component, run) pairs that must converge in order of frequency for the verdict "low first"
#: (the threshold of the claim f1d-low-first, which uses this constant).
LOW_FIRST_SHARE = 0.75


def _as_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 NumPy array (JAX arrays, PyTorch tensors and lists alike)."""
    if hasattr(value, "detach"):  # a PyTorch tensor, perhaps one that requires grad
        value = value.detach().cpu().numpy()
    try:
        raw = np.asarray(value)
        if np.iscomplexobj(raw):  # a cast to float would drop the imaginary part with a warning only
            raise InputError(f"{name} must be real; got complex values (pass the real and imaginary parts as two "
                             "components of a (n, 2) array)")
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(f"{name} must be an array of real numbers; got {type(value).__name__} ({err})") from None
    return arr


#: the largest magnitude of a target or an output: squared errors and transforms of larger values overflow float64
#: (1e154² is 1e308), and an overflow would read as a verdict, not as the input it is
MAGNITUDE_LIMIT = 1e150


def _check_magnitude(name: str, arr: np.ndarray) -> None:
    largest = float(np.max(np.abs(arr))) if arr.size else 0.0
    if largest > MAGNITUDE_LIMIT:
        raise InputError(f"{name} must have magnitudes at most {MAGNITUDE_LIMIT:g} (their squares must stay finite); "
                         f"got {largest:.3g} (did training diverge?)")


@dataclass(frozen=True)
class FrequencyReport:
    """What a monitored run measured (R records, ``runs`` runs, c output components).

    Attributes:
        steps: the recorded steps, shape (R,).
        frequencies: per component, the peaks followed, ascending, shape (K_c,).
        target: per component, ŷ at its peaks, shape (K_c,), complex.
        errors: per component, Δ_F, shape (runs, R, K_c).
        convergence: [component][run][peak]: the first step with Δ_F < threshold (None: never).
        ordered: the share of scored (component, run) pairs whose steps are ordered by frequency (a component is
            scored when it has two peaks or more); None when none is.
        deltas: the filtering method's δ values (may be empty).
        e_low, e_high: the filtering errors, shape (len(deltas), runs, R).
        threshold: the convergence threshold.
        convention: how k is measured.
    """

    steps: np.ndarray
    frequencies: list[np.ndarray]
    target: list[np.ndarray]
    errors: list[np.ndarray]
    convergence: list[list[list[int | None]]]
    ordered: float | None
    deltas: tuple[float, ...]
    e_low: np.ndarray
    e_high: np.ndarray
    threshold: float
    convention: str
    min_ordered: float = LOW_FIRST_SHARE

    def scored(self) -> list[int]:
        """The components with two peaks or more (those whose order can be checked)."""
        return [c for c, k in enumerate(self.frequencies) if len(k) >= 2]

    def median_steps(self, component: int = 0) -> list[int | None]:
        """Per peak of ``component``, the median convergence step over runs (None where a run never converged)."""
        return median_steps(self.convergence[component])

    @property
    def low_first(self) -> bool | None:
        """The verdict, by the rule of the claim f1d-low-first: at least ``min_ordered`` of the scored (component,
        run) pairs converge in order of frequency, and in every scored component the median steps over runs
        converge, non-decreasing in frequency and the lowest before the highest. None (undecided) when no
        component has two peaks."""
        if self.ordered is None:
            return None
        for c in self.scored():
            med = self.median_steps(c)
            if None in med or any(a > b for a, b in zip(med, med[1:])) or not med[0] < med[-1]:  # type: ignore[operator]
                return False
        return self.ordered >= self.min_ordered

    def filtering_convergence(self) -> list[list[list[int | None]]]:
        """[δ][run]: [first step with e_low < threshold, first step with e_high < threshold]."""
        return [[convergence_steps(np.stack([lo, hi], axis=1), self.steps, self.threshold) for lo, hi in zip(L, H)]
                for L, H in zip(self.e_low, self.e_high)]

    @property
    def filtering_low_first(self) -> bool | None:
        """The filtering verdict, by the rule of the claim filtering-low-first: for every δ and run e_low falls below
        the threshold, and before e_high does (or e_high never does). None without ``deltas``."""
        if not self.deltas:
            return None
        return all(low is not None and (high is None or low < high) for per in self.filtering_convergence() for low, high in per)

    def explain(self) -> str:
        """The verdict in words: per scored component, each peak's convergence step, and what decided."""
        lines = []
        for c in range(len(self.frequencies)):
            peaks = ", ".join(f"k = {k:.4g}: {'never' if s is None else f'step {s}'}"
                              for k, s in zip(self.frequencies[c], self.median_steps(c)))
            tag = "" if c in self.scored() else " (one peak: not scored)"
            lines.append(f"component {c}{tag}: first step with Δ_F < {self.threshold:g} (median over runs): {peaks or 'no peaks'}")
        if self.ordered is None:
            lines.append("verdict: undecided (no component has two peaks to order)")
        else:
            lines.append(f"ordered by frequency in {self.ordered:.0%} of (component, run) pairs (needed: {self.min_ordered:.0%}); "
                         f"low frequency first: {'yes' if self.low_first else 'no'}")
        for d, per in zip(self.deltas, self.filtering_convergence()):
            lines.append(f"filtering δ = {d:g}: (e_low, e_high) first steps below {self.threshold:g} per run: {per}")
        return "\n".join(lines)


class FrequencyMonitor:
    """Per-frequency errors of any training run, against the targets ``y`` at the inputs ``x``.

    Record the model's outputs as training goes (:meth:`record`, :meth:`record_params` or :meth:`callback` inside
    the loop), then read :meth:`report`; or analyse what was saved earlier in one call: outputs (:meth:`analyse`) or
    parameter sets (:meth:`analyse_params`).

    Args:
        x: the inputs, shape (n,) or (n, d), finite; n ≥ 3.
        y: the targets, shape (n,) or (n, c), finite.
        frequencies: the peaks to follow: None picks them by the module's rule; one sequence applies to every
            component; a sequence of sequences gives each component its own; () follows none (filtering only).
        peaks: the most peaks per component when picking them (≥ 1).
        significance: a picked interior peak must exceed this multiple of σ_y/√n (> 0).
        k_max_sd: d ≥ 2: the candidates span [0, k_max_sd/σ(p·x)] cycles per unit (> 0).
        grid: d ≥ 2: the number of candidates (≥ 3).
        threshold: Δ_F (and e_low, e_high) below it counts as converged, in (0, 1).
        deltas: the filtering method's variances δ > 0 (empty: no filtering).
        min_ordered: the verdict's share of ordered runs, in (0, 1].
    """

    def __init__(self, x: Any, y: Any, *, frequencies: Any = None, peaks: int = 4, significance: float = 2.0,
                 k_max_sd: float = 3.0, grid: int = 301, threshold: float = 0.05, deltas: Sequence[float] = (),
                 min_ordered: float = LOW_FIRST_SHARE) -> None:
        x, y = _as_array("x", x), _as_array("y", y)
        if x.ndim not in (1, 2) or x.shape[0] < 3 or (x.ndim == 2 and x.shape[1] < 1):
            raise InputError(f"x must have shape (n,) or (n, d) with n >= 3; got {x.shape}")
        if y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
            raise InputError(f"y must have shape ({x.shape[0]},) or ({x.shape[0]}, c), one value per input; got {y.shape}")
        for name, arr in (("x", x), ("y", y)):
            if not np.all(np.isfinite(arr)):
                raise InputError(f"{name} must be finite; got {np.count_nonzero(~np.isfinite(arr))} non-finite value(s)")
        _check_magnitude("y", y)
        check_counts(peaks=peaks)
        if not (isinstance(grid, int) and grid >= 3):
            raise InputError(f"grid must be an integer >= 3; got {grid!r}")
        for name, value in (("significance", significance), ("k_max_sd", k_max_sd)):
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a finite number > 0; got {value!r}")
        if not (0 < threshold < 1):
            raise InputError(f"threshold must lie in (0, 1); got {threshold!r}")
        if not (0 < min_ordered <= 1):
            raise InputError(f"min_ordered must lie in (0, 1]; got {min_ordered!r}")
        self.deltas = tuple(float(d) for d in deltas)
        if any(not (math.isfinite(d) and d > 0) for d in self.deltas):
            raise InputError(f"deltas must be finite numbers > 0; got {tuple(deltas)}")
        self.threshold, self.min_ordered = float(threshold), float(min_ordered)
        self.vector = y.ndim == 1
        self.X = x[:, None] if x.ndim == 1 else x  # (n, d): what apply_fn receives
        self.Y = y[:, None] if self.vector else y  # (n, c)
        n, c = self.Y.shape
        self.t, self.grid_spacing = np.zeros(n), None
        if frequencies is not None and len(frequencies) == 0:  # filtering only: no transform needed
            self.convention = "none (no frequencies followed)"
            candidates = np.zeros(0)
        elif self.X.shape[1] == 1:
            order = np.sort(self.X[:, 0])
            gaps = np.diff(order)
            if not np.all(gaps > 0):
                raise InputError("x must not repeat a point (1-d inputs)")
            self.t = self.X[:, 0]
            self.grid_spacing = float(gaps.mean()) if np.allclose(gaps, gaps.mean(), rtol=1e-9, atol=0) else None
            self.convention = "angular: ĥ(k) = (1/n) Σ h(x_j) e^{-i k x_j}"
            candidates = 2 * math.pi / (n * float(gaps.mean())) * np.arange((n - 1) // 2 + 1)
            whole = np.round(candidates)
            candidates = np.where(np.abs(candidates - whole) <= 1e-9 * np.maximum(whole, 1), whole, candidates)  # 2π-periodic: integers
        else:
            p = principal_directions(self.X)[0]
            proj = project(self.X, p)
            self.t, self.grid_spacing = 2 * math.pi * proj, None
            self.convention = "cycles per unit of p·x along the first principal direction p: ĥ(k) = (1/n) Σ h(x_i) e^{-i 2π k p·x_i}"
            candidates = np.linspace(0.0, k_max_sd / float(np.std(proj)), grid)
        self.candidates, self.magnitude = candidates, np.zeros((c, 0))
        if frequencies is None and np.any(np.all(self.Y == 0, axis=0)):
            raise InputError(f"y must not be zero everywhere: component(s) {np.flatnonzero(np.all(self.Y == 0, axis=0)).tolist()} "
                             "have no spectrum to follow")
        if frequencies is None:  # the module's peak rule on the candidates
            if candidates.size < 3:
                raise InputError(f"x has too few points ({n}) to pick peaks from; pass frequencies")
            self.magnitude = np.abs(self.transform(self.Y.T, candidates))
            levels = significance * noise_level(self.Y.T)
            self.frequencies = [significant_peaks(self.magnitude[j], candidates, level=float(levels[j]), count=peaks)
                                for j in range(c)]
        else:
            self.frequencies = self._given(frequencies, c)
        self.target = [self.transform(self.Y[:, j], k) for j, k in enumerate(self.frequencies)]
        for j, (k, f) in enumerate(zip(self.frequencies, self.target)):
            tiny = np.abs(f) <= 1e-12 * max(1.0, float(np.abs(self.Y[:, j]).max()))
            if np.any(tiny):
                raise InputError(f"frequencies: the target's transform vanishes at k = {k[tiny].tolist()} (component {j}); "
                                 "follow the target's peaks")
        self.steps: list[int] = []
        self._spectra: list[list[np.ndarray]] = []  # per record, per component: ĥ at its peaks
        self._outputs: list[np.ndarray] = []  # per record (n, c), kept only for the filtering method

    def _given(self, frequencies: Any, components: int) -> list[np.ndarray]:
        try:
            nested = len(frequencies) > 0 and all(np.ndim(f) == 1 for f in frequencies)
            per = [np.asarray(f, dtype=float) for f in frequencies] if nested else [np.asarray(frequencies, dtype=float)] * components
        except (TypeError, ValueError):
            raise InputError(f"frequencies must be None, numbers, or one sequence per component; got {frequencies!r}") from None
        if len(per) != components:
            raise InputError(f"frequencies: {len(per)} sequences for {components} output components")
        limit = math.pi / self.grid_spacing if self.grid_spacing is not None else math.inf
        for k in per:
            if k.ndim != 1 or not np.all(np.isfinite(k)) or np.any(k < 0):
                raise InputError(f"frequencies must be finite numbers >= 0; got {k.tolist()}")
            if np.any(np.diff(k) <= 0):
                raise InputError(f"frequencies must be strictly ascending; got {k.tolist()}")
            if np.any(k >= limit):
                raise InputError(f"frequencies must lie below the grid's Nyquist limit π/Δx = {limit:.6g}; got {k.tolist()}")
        return per

    def transform(self, values: Any, k: np.ndarray) -> np.ndarray:
        """ĥ(k) of ``values`` (shape (..., n)) in the module's convention, shape (..., K): the direct sum on a grid
        (exact, and cheap for the few peaks followed), finufft's type-3 transform elsewhere."""
        if k.size == 0:
            return np.zeros((*np.shape(values)[:-1], 0), dtype=complex)
        if self.grid_spacing is not None:
            return dft(values, self.t, k)
        return nudft(values, self.t, k)

    def _outputs_array(self, outputs: Any, *, lead: int, where: str) -> np.ndarray:
        """``outputs`` (lead axes, then (n,) or (n, c)) as float64 with a components axis, checked."""
        out = _as_array("outputs", outputs)
        n, c = self.Y.shape
        shape = out.shape[lead:]
        if shape == (n,) and c == 1:
            out = out[..., None]
        elif shape != (n, c):
            expect = f"({n},) or ({n}, 1)" if c == 1 else f"({n}, {c})"
            after = f" after {lead} leading axes" if lead else ""
            raise InputError(f"outputs{where} must have shape {expect}{after}, matching x and y; got {out.shape}")
        bad = ~np.isfinite(out)
        if np.any(bad):
            raise InputError(f"outputs{where} must be finite; got {np.count_nonzero(bad)} non-finite value(s) (did training diverge?)")
        _check_magnitude(f"outputs{where}", out)
        return out

    def _check_step(self, step: Any) -> int:
        try:  # Python, NumPy and 0-d JAX integers alike
            value = operator.index(step)
        except TypeError:
            value = -1
        if isinstance(step, bool) or value < 0:
            raise InputError(f"step must be an integer >= 0; got {step!r}")
        step = value
        if self.steps and step <= self.steps[-1]:
            raise InputError(f"step must increase from record to record; got {step} after {self.steps[-1]}")
        return int(step)

    def record(self, step: int, outputs: Any) -> None:
        """Record the model's outputs at the inputs x after ``step`` training steps.

        Args:
            step: the step count, increasing from call to call.
            outputs: h(x), shape (n,) or (n, c) like y; any array type (NumPy, JAX, PyTorch).
        """
        step = self._check_step(step)
        out = self._outputs_array(outputs, lead=0, where=f" at step {step}")
        self._spectra.append([self.transform(out[:, j], k) for j, k in enumerate(self.frequencies)])
        if self.deltas:
            self._outputs.append(out)
        self.steps.append(step)

    def _apply(self, apply_fn: Callable[[Any, Any], Any], params: Any, step: Any) -> Any:
        """``apply_fn(params, x)``, x of shape (n, d); an error in the user's model is reported as bad input."""
        try:
            return apply_fn(params, self.X)
        except Exception as err:  # the user's model: say what failed, on which input
            raise InputError(f"apply_fn(params, x) failed at step {step} on x of shape {self.X.shape}: "
                             f"{type(err).__name__}: {err}") from err

    def record_params(self, step: int, apply_fn: Callable[[Any, Any], Any], params: Any) -> None:
        """:meth:`record` of ``apply_fn(params, x)``, x of shape (n, d); an error in apply_fn is reported as bad input."""
        self.record(step, self._apply(apply_fn, params, step))

    def callback(self, apply_fn: Callable[[Any, Any], Any], *, every: int = 1) -> Callable[[int, Any], None]:
        """A function ``hook(step, params)`` to call in a training loop: it records ``apply_fn(params, x)`` when
        ``step`` is a multiple of ``every``."""
        check_counts(every=every)

        def hook(step: int, params: Any) -> None:
            if step % every == 0:
                self.record_params(step, apply_fn, params)

        return hook

    def report(self) -> FrequencyReport:
        """The measures over the records so far (at least two)."""
        if len(self.steps) < 2:
            raise InputError(f"at least two records are needed for a report; got {len(self.steps)}")
        spectra = [np.stack([rec[j] for rec in self._spectra])[None] for j in range(len(self.frequencies))]
        outputs = np.stack(self._outputs)[None] if self.deltas else None
        return self._report(np.asarray(self.steps), spectra, outputs)

    def analyse(self, steps: Any, outputs: Any) -> FrequencyReport:
        """The measures from outputs saved earlier.

        Args:
            steps: the recorded steps, increasing, shape (R,), R ≥ 2.
            outputs: h(x) at each step, shape (R, n) / (R, n, c), or (runs, R, n) / (runs, R, n, c) for several runs
                (seeds) of the same model.
        """
        steps = self._steps_array(steps)
        arr = _as_array("outputs", outputs)
        lead = arr.ndim - (1 if self.vector and arr.ndim in (2, 3) and arr.shape[-1] == self.Y.shape[0] else 2)
        if lead not in (1, 2):
            raise InputError(f"outputs must have shape (R, n[, c]) or (runs, R, n[, c]); got {arr.shape}")
        out = self._outputs_array(arr if lead == 2 else arr[None], lead=2, where="")
        if out.shape[1] != steps.size:
            raise InputError(f"outputs hold {out.shape[1]} records but steps {steps.size}")
        spectra = [self.transform(out[..., j], k) for j, k in enumerate(self.frequencies)]
        return self._report(steps, spectra, out if self.deltas else None)

    def analyse_params(self, steps: Any, apply_fn: Callable[[Any, Any], Any], params: Sequence[Any]) -> FrequencyReport:
        """The measures of ``apply_fn(p, x)`` (x of shape (n, d)) for each saved parameter set p, as :meth:`analyse`.

        Args:
            steps: the steps the parameters were saved at, increasing, shape (R,).
            apply_fn: the model; an error in it is reported as bad input.
            params: R parameter sets (any pytrees the model takes), in the order of ``steps``.
        """
        steps = self._steps_array(steps)
        if len(params) != steps.size:
            raise InputError(f"params holds {len(params)} parameter sets but steps {steps.size}")
        outputs = [self._outputs_array(self._apply(apply_fn, p, step), lead=0, where=f" at step {step}")
                   for step, p in zip(steps, params)]
        return self.analyse(steps, np.stack(outputs))

    def analyse_spectrum(self, steps: Any, spectrum: Any) -> FrequencyReport:
        """The measures from ĥ already computed at the peaks (for a training loop that records the transform itself).

        Args:
            steps: the recorded steps, shape (R,).
            spectrum: ĥ at the single component's peaks, shape (runs, R, K).
        """
        steps = self._steps_array(steps)
        h = np.asarray(spectrum)
        if len(self.frequencies) != 1 or h.ndim != 3 or h.shape[1:] != (steps.size, self.frequencies[0].size):
            raise InputError(f"spectrum must have shape (runs, {steps.size}, {self.frequencies[0].size}) for one component; got {h.shape}")
        if self.deltas:
            raise InputError("deltas: the filtering method needs the outputs; use analyse")
        return self._report(steps, [h], None)

    @staticmethod
    def _steps_array(steps: Any) -> np.ndarray:
        s = np.asarray(steps)
        if s.ndim != 1 or s.size < 2 or s.dtype.kind not in "iu" or np.any(np.diff(s) <= 0) or s[0] < 0:
            raise InputError(f"steps must be increasing integers >= 0, at least two; got {s.tolist()!r:.80}")
        return s

    def _report(self, steps: np.ndarray, spectra: list[np.ndarray], outputs: np.ndarray | None) -> FrequencyReport:
        errors = [relative_error(h, f) for h, f in zip(spectra, self.target)]  # (runs, R, K_c)
        conv = [[convergence_steps(e[r], steps, self.threshold) for r in range(e.shape[0])] for e in errors]
        rows = [row for c, per_run in enumerate(conv) if len(self.frequencies[c]) >= 2 for row in per_run]
        if outputs is not None:  # (runs, R, n, c) -> smoothed in one pass
            e_low, e_high = np.stack([np.stack(split_errors(self.X, self.Y, outputs.transpose(2, 0, 1, 3), d)) for d in self.deltas],
                                     axis=1)
        else:
            runs = spectra[0].shape[0] if spectra else 1
            e_low = e_high = np.zeros((0, runs, steps.size))
        return FrequencyReport(steps, list(self.frequencies), list(self.target), errors, conv,
                               ordered_fraction(rows) if rows else None, self.deltas, e_low, e_high, self.threshold,
                               self.convention, self.min_ordered)
