"""A fused reference for plain Monte Carlo of Theorem 1, written by hand for speed, and the library's counter held
against it (issue 36, goal 4: the counter at ≥ 0.6 of the reference's rate at m = 1, ≥ 0.8 at m = 10).

    .venv/bin/python benchmarks/plain_reference.py [--samples N] [--rounds R]

The reference draws the same points as the library (the counter-based stream that
:func:`fptheory.numeric._ball.sample_ball_hashed` documents: SplitMix64 words, Box-Muller, the first 3m of 3m + 2
normals normalised), written again here from that description, and decides Theorem 1's union
``any_{l,j} |∂L(k1)/∂θ_lj| ≤ |∂L(k2)/∂θ_lj|`` from gradients derived by hand (below), not from the package's
sympy expressions; it counts the union only. It is specialised where the benchmark runs it (|z| = πk/(2|w|) ≥
1/2, so ``1 - e^{-2|z|}`` and ``z coth z`` need no series; ψ = bk/w reduced in plain float64): the library's counter
is correct over its whole range (δ from 1e-20 to 1e20, k to 1e4), which costs it some speed.

Derivation. ĥ_j(k) = -iπ a_j e^{iψ_j} / (|w_j| sinh z_j), ψ_j = b_j k/w_j, z_j = πk/(2 w_j), L(k) = |D|²,
D = Σ_j ĥ_j - f̂, ∂L/∂θ = 2 Re(conj(D) ∂ĥ_j/∂θ), and by logarithmic differentiation

    ∂ĥ_j/∂a_j = ĥ_j / a_j,   ∂ĥ_j/∂b_j = ĥ_j · ik/w_j,   ∂ĥ_j/∂w_j = ĥ_j / w_j · (z_j coth z_j - 1 - iψ_j).

The factors common to k1 and k2 for one pair (2, π, a_j, |w_j|, w_j, the sign of z_j) cancel from each comparison;
what is left is V(k) = conj(D) (-i) e^{iψ} / sinh|z| = (X + iY) / sinh|z| with X = R sin ψ - I cos ψ,
Y = -(R cos ψ + I sin ψ), D = R + iI, and the pairs compare |X|, k|Y| and |gX + ψY| (g = z coth z - 1) at k1 and
k2, both sides times e^{|z1|}: 1/ε1 against e^{|z1|-|z2|}/ε2, ε = 1 - e^{-2|z|}.

Rates are samples per second of whole batches (drawn and decided in one jitted call, the hits read back), the
median of interleaved rounds; the ratio is the library's over the reference's, taken within each round. The run
first checks, on shared points, that the two draw bit-identical points and give identical verdicts.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from fptheory.numeric._ball import stream_words
from fptheory.numeric._fused import sincos, tail_only
from fptheory.numeric._plain import _jax_counter, jax_cpu_chunk
from fptheory.numeric._setting import Setting

K1, K2 = 1.0, 3.0
FHAT1, FHAT2 = 0.7 - 0.2j, 0.4 + 0.1j
DELTA = 0.5
GOALS = {1: 0.6, 10: 0.8}


def reference_points(words: Any, first: Any, n: int, dim: int, radius: float) -> Any:
    """The stream's points ``first .. first + n - 1`` in B_radius ⊂ R^dim, shape (n, dim): written from
    sample_ball_hashed's description of its bits."""
    pairs = (dim + 3) // 2
    x = (first + jnp.arange(n, dtype=jnp.uint64))[:, None] * np.uint64(2 * pairs) + jnp.arange(2 * pairs, dtype=jnp.uint64)
    h = words[0] + x * words[1]
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    u = ((h >> np.uint64(11)).astype(jnp.float64) + 0.5) * 2.0**-53
    r = jnp.sqrt(-2.0 * jnp.log(u[:, :pairs]))
    cos, sin = sincos(2 * math.pi * u[:, pairs:] - math.pi)
    g = jnp.concatenate([r * cos, r * sin], axis=1)[:, : dim + 2]
    return g[:, :dim] * (radius / jnp.sqrt(jnp.sum(g * g, axis=1, keepdims=True)))


def _parts(k: float, fhat: complex, a: Any, w: Any, b: Any) -> tuple[Any, Any, Any, Any, Any, Any]:
    """X, Y, g, ψ (unreduced), |z| and ε at frequency k, each (n, m)."""
    az = math.pi * k / 2 / jnp.abs(w)
    e = jnp.exp(-az)
    eps = 1.0 - e * e
    psi = b * k / w
    cos, sin = sincos(psi - 2 * math.pi * jnp.round(psi / (2 * math.pi)))
    c = (2 * math.pi) * a * jnp.sign(w) * e / (jnp.abs(w) * eps)  # ĥ_j = c_j (sin ψ_j - i cos ψ_j)
    ones = jnp.ones(a.shape[1], a.dtype)
    re = jnp.dot(c * sin, ones)[:, None] - fhat.real
    im = -jnp.dot(c * cos, ones)[:, None] - fhat.imag
    x, y = re * sin - im * cos, -(re * cos + im * sin)
    g = az * (1.0 + e * e) / eps - 1.0
    return x, y, g, psi, az, eps


def reference_bad(a: Any, w: Any, b: Any) -> Any:
    """Theorem 1's union per sample, shape (n,), for (n, m) parameters (valid where |z| ≥ 1/2)."""
    x1, y1, g1, p1, az1, eps1 = _parts(K1, FHAT1, a, w, b)
    x2, y2, g2, p2, az2, eps2 = _parts(K2, FHAT2, a, w, b)
    s1, s2 = 1.0 / eps1, jnp.exp(az1 - az2) / eps2
    bad = (jnp.abs(x1) * s1 <= jnp.abs(x2) * s2) | (K1 * jnp.abs(y1) * s1 <= K2 * jnp.abs(y2) * s2)
    bad = bad | (jnp.abs(g1 * x1 + p1 * y1) * s1 <= jnp.abs(g2 * x2 + p2 * y2) * s2)
    return bad.any(axis=1)


def reference_counter(m: int, size: int) -> Any:
    """The jitted reference: ``count(words, first)`` draws points first .. first + size - 1 of B_δ ⊂ R^{3m} and
    returns how many lie in Theorem 1's union."""

    @jax.jit
    def count(words: Any, first: Any) -> Any:
        theta = reference_points(words, first, size, 3 * m, DELTA)
        return jnp.count_nonzero(reference_bad(theta[:, :m], theta[:, m : 2 * m], theta[:, 2 * m :]))

    return count


def _check(m: int, size: int, words: Any) -> int:
    """Points and verdicts of the library (its counter's kernel, as the counter calls it) and the reference on the
    same batches: asserts they are identical and returns the number of points compared."""
    from fptheory.numeric._ball import sample_ball_hashed
    from fptheory.numeric._fused import bad_union_fused
    from fptheory.numeric._setting import split_parameters

    library_points = jax.jit(lambda w, f: sample_ball_hashed(w, f, size, 3 * m, DELTA))
    tail = tail_only(K1, DELTA)
    library_bad = jax.jit(lambda th: bad_union_fused(K1, K2, FHAT1, FHAT2, *split_parameters(th, m), tail=tail))
    ours_points = jax.jit(lambda w, f: reference_points(w, f, size, 3 * m, DELTA))
    ours_bad = jax.jit(lambda th: reference_bad(th[:, :m], th[:, m : 2 * m], th[:, 2 * m :]))
    compared = 0
    for batch in range(4):
        first = jnp.uint64(batch * size)
        theta = library_points(words, first)
        same = np.asarray(ours_points(words, first))
        assert np.array_equal(np.asarray(theta), same), "the reference draws other points than the library"
        mine, theirs = np.asarray(library_bad(theta)), np.asarray(ours_bad(theta))
        assert np.array_equal(mine, theirs), f"verdicts differ on {int(np.sum(mine != theirs))} points"
        compared += size
    return compared


def _timed(count: Any, words: Any, size: int, samples: int) -> float:
    jax.block_until_ready(count(words, jnp.uint64(0)))
    batches = max(1, samples // size)
    start = time.perf_counter()
    total = 0
    for i in range(batches):
        total += int(count(words, jnp.uint64(i * size)))
    return batches * size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4_000_000, help="samples per timing at m = 1 (m = 10: a tenth)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before the run (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Theorem 1, k = ({K1:g}, {K2:g}), f̂ = ({FHAT1}, {FHAT2}), δ = {DELTA}; batches of jax_cpu_chunk(m) points")
    print("| m | points compared (identical points, identical verdicts) | library samples/s | reference samples/s "
          "| ratio, median [range] | goal |\n|---|---|---|---|---|---|")
    with jax.enable_x64(True):
        words = jnp.asarray(stream_words(2026), dtype=jnp.uint64)
        for m, goal in GOALS.items():
            size = jax_cpu_chunk(m)
            compared = _check(m, size, words)
            library = _jax_counter(Setting(1, K1, K2, m, FHAT1, FHAT2), size, tail=tail_only(K1, DELTA))
            library_count = lambda w, f: library(w, f, DELTA)[0]
            reference = reference_counter(m, size)
            samples = args.samples if m == 1 else args.samples // 10
            rates: dict[str, list[float]] = {"library": [], "reference": []}
            for _ in range(args.rounds):
                rates["library"].append(_timed(library_count, words, size, samples))
                rates["reference"].append(_timed(reference, words, size, samples))
            ratios = [x / y for x, y in zip(rates["library"], rates["reference"])]
            print(f"| {m} | {compared} | {statistics.median(rates['library']):.3e} | "
                  f"{statistics.median(rates['reference']):.3e} | {statistics.median(ratios):.2f} "
                  f"[{min(ratios):.2f}, {max(ratios):.2f}] | ≥ {goal} |", flush=True)


if __name__ == "__main__":
    main()
