"""The Poisson experiment at quick scale (Xu et al. 2020, Sec. 5): the DNN trained on the Ritz energy converges
the followed frequencies low first and Jacobi high first; the hybrid scan's and the table's bookkeeping checked
against the records and against Jacobi rerun from outside; the files; bad configurations refused."""

import json
import math

import numpy as np
import pytest

from fptheory._checks import InputError
from fptheory.experiments import poisson
from fptheory.numeric import jacobi, poisson_grid, solve_poisson


@pytest.fixture
def quick(quick_claim):
    """The quick run the poisson-opposite-orders claim computes (once per test run)."""
    return quick_claim("poisson-opposite-orders")


def test_dnn_low_first_and_jacobi_high_first(quick):
    result, _ = quick
    assert result.dnn_low_first() == 1.0 and result.dnn_convergence[0][0] is not None
    assert result.jacobi_high_first() and all(s is not None for s in result.jacobi_convergence)
    errors = result.dnn_max_error[0]
    assert errors[-1] < 0.2 * errors[0]  # the Ritz energy trains the network towards u*


def test_hybrid_and_table_bookkeeping(quick):
    """Each hybrid starts from the DNN's record at T (its max error there), adds T steps' and its sweeps' time
    and work; the table's best hybrid is the fastest reached T; Jacobi alone's sweep count is confirmed by
    rerunning Jacobi from zero: at most the target there, above it one check earlier."""
    result, _ = quick
    cfg = result.config
    x = poisson_grid(cfg.points)
    g = poisson.source(x)
    u_star = solve_poisson(g)
    for h in result.hybrid:
        i = int(np.flatnonzero(result.steps == h.steps)[0])
        assert h.start_max_error == pytest.approx(result.dnn_max_error[0, i], rel=1e-6)
        if h.sweeps is not None:
            assert h.seconds == pytest.approx(h.steps * result.step_seconds + h.sweeps * result.sweep_seconds)
            assert h.errors[-1] <= cfg.target_error < h.errors[-2]
    rows = {m.name: m for m in result.table}
    reached = [h for h in result.hybrid if h.sweeps is not None]
    assert rows["DNN then Jacobi (best T)"].seconds == min(h.seconds for h in reached)
    n_sweeps = rows["Jacobi alone"].iterations
    check = max(1, min(1000, cfg.max_sweeps // 100))
    before, _, _ = jacobi(g, np.zeros_like(g), n_sweeps - check)
    after, _, _ = jacobi(g, before, check)
    assert np.max(np.abs(after - u_star)) <= cfg.target_error < np.max(np.abs(before - u_star))
    assert rows["banded LU (scipy)"].reached and rows["multigrid (pyamg SA)"].reached
    assert result.fastest() == min((m for m in result.table if m.reached), key=lambda m: m.seconds).name
    assert result.discretisation_error < 1e-3  # central differences, h = 0.01: O(h²)


@pytest.fixture(scope="module")
def quick_2d(tmp_path_factory):
    result = poisson.run(poisson.make_config(quick=True, dim=2))
    folder = tmp_path_factory.mktemp("poisson2d")
    poisson.save(result, folder)
    return result, folder


@pytest.mark.claims
def test_2d_dnn_low_first_and_jacobi_high_first(quick_2d):
    """On the unit square at quick scale: the DNN converges the planted modes in order of |(p, q)| (at least the
    two lowest), Jacobi in the opposite order (all three); Jacobi's per-mode error from u = 0 is |λ_pq|^t exactly,
    λ_pq from the sympy derivation, to 1e-10 (so the measure is Jacobi's spectrum, not an artefact)."""
    import sympy as sp

    from fptheory.symbolic import jacobi_spectrum_2d

    result, folder = quick_2d
    cfg = result.config
    assert result.dnn_low_first() == 1.0 and None not in result.dnn_convergence[0][:2]
    assert result.jacobi_high_first() and None not in result.jacobi_convergence
    s = jacobi_spectrum_2d()
    lam = sp.lambdify((*s.modes, sp.Symbol("N", integer=True, positive=True), sp.Symbol("omega", positive=True)),
                      s.eigenvalue, "numpy")
    for k, (p, q) in enumerate(cfg.modes):
        expected = np.abs(lam(p, q, cfg.points - 2, cfg.omega)) ** result.sweeps
        np.testing.assert_allclose(result.jacobi_errors[:, k], expected, rtol=1e-10, atol=1e-12)
    assert result.discretisation_error < 0.02  # 5-point stencil, h = 1/32: O(h²)
    data = json.loads((folder / "result.json").read_text())
    assert data["dim"] == 2 and data["modes"] == [list(m) for m in cfg.modes] and data["jacobi_high_first"]
    assert np.load(folder / "arrays.npz")["dnn_output"].shape == (1, cfg.points, cfg.points)
    assert (folder / "poisson2d.png").stat().st_size > 0


def test_files(quick):
    result, folder = quick
    data = json.loads((folder / "result.json").read_text())
    assert data["experiment"] == "poisson" and data["dnn_low_first_fraction"] == 1.0 and data["jacobi_high_first"]
    assert [round(k / math.pi) for k in data["frequencies"]] == [1, 3, 8]
    assert len(data["hybrid"]) == len(result.config.hybrid_steps) and len(data["table"]) == 5
    assert data["dnn_final_errors"] == result.dnn_errors[:, -1].tolist() and len(data["jacobi_final_errors"]) == 3
    arrays = np.load(folder / "arrays.npz")
    assert arrays["dnn_errors"].shape == result.dnn_errors.shape and (folder / "poisson.png").stat().st_size > 0


@pytest.mark.parametrize("change, needle", [
    ({"points": 2}, "n must be an integer >= 3"),
    ({"beta": 0.0}, "beta must be a finite number > 0"),
    ({"hybrid_steps": (-50,)}, "hybrid_steps must be integers T with 0 <= T"),
    ({"target_error": 0.0}, "target_error must be a finite number > 0"),
    ({"loss": "l1"}, "loss must be one of ritz, residual"),
    ({"source_frequencies": (4.0, 3.5)}, "source_frequencies must round to distinct increasing bins"),
])
def test_bad_config_is_refused(change, needle):
    with pytest.raises(InputError) as info:
        poisson.Config(**change)
    assert needle in str(info.value)


@pytest.mark.parametrize("change, needle", [
    ({"points": 2}, "points must be an integer >= 3"),
    ({"beta": -1.0}, "beta must be a finite number > 0"),
    ({"modes": ((1, 1), (40, 2)), "amplitudes": (1.0, 1.0), "points": 33},
     "each mode must be a pair of integers (p, q) in [1, points - 2 = 31]"),
    ({"modes": ((3, 2), (1, 1)), "amplitudes": (1.0, 1.0)}, "modes must have distinct increasing |(p, q)|"),
    ({"amplitudes": (1.0,)}, "modes and amplitudes must be non-empty and of one length"),
    ({"omega": 1.5}, "omega must be a number in (0, 1]"),
])
def test_bad_2d_config_is_refused(change, needle):
    from fptheory.experiments import poisson2d

    with pytest.raises(InputError) as info:
        poisson2d.Config(**change)
    assert needle in str(info.value)
    with pytest.raises(InputError, match="dim must be 1 or 2; got 3"):
        poisson.make_config(dim=3)
