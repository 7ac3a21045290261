"""The ``fptheory`` command: thin subcommands over the package (``fptheory --help``)."""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = ["main"]


class CLIError(Exception):
    """An error reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage block
        raise CLIError(f"{self.prog}: {message}")


def _derivation(activation: str) -> dict[str, Any]:
    """The derived expressions for ``activation`` (sympy objects)."""
    from fptheory.symbolic import activation_transform, neuron_loss_gradient, neuron_transform, neuron_transform_gradient

    result = activation_transform(activation)
    out: dict[str, Any] = {
        "activation": result.activation,
        "transform": result.transform,
        "decay": result.decay,
        "steps": dict(result.steps),
        "neuron_transform": neuron_transform(activation),
        "neuron_transform_gradient": neuron_transform_gradient(activation),
        "loss_gradient": neuron_loss_gradient(activation),
    }
    return out


def _render(value: Any, fmt: str) -> Any:
    import sympy as sp

    if isinstance(value, dict):
        return {key: _render(item, fmt) for key, item in value.items()}
    if isinstance(value, sp.Basic):
        return sp.latex(value) if fmt == "latex" else str(value)
    return value


def _cmd_derive(args: argparse.Namespace) -> int:
    fmt = "latex" if args.latex else "str"
    data = {"activation_name": args.activation, **_render(_derivation(args.activation), fmt)}
    data["convention"] = "f̂(k) = ∫ f(x) e^{-ikx} dx; transforms hold for real k ≠ 0"
    data["loss"] = "L(k) = ½|ĥ(k) - f̂(k)|², D = ĥ - f̂ = D_re + i D_im; gradients of one neuron (a, w, b)"
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"activation     σ(x) = {data['activation']}    ({data['decay']} decay of σ̂)")
    print(f"convention     {data['convention']}")
    for name, expr in data["steps"].items():
        print(f"  step         {name}:\n                 {expr}")
    print(f"transform      σ̂(k) = {data['transform']}")
    print(f"neuron         FT[a σ(wx+b)](k) = {data['neuron_transform']}")
    for name, expr in data["neuron_transform_gradient"].items():
        print(f"  ∂ĥ_j/∂{name}      {expr}")
    print(f"loss           {data['loss']}")
    for name, expr in data["loss_gradient"].items():
        print(f"  ∂L(k)/∂{name}     {expr}")
    return 0


def _cmd_proofs(args: argparse.Namespace) -> int:
    from fptheory._io import write_json_atomic
    from fptheory.proof import ProofsError, load_proofs, proof_verdict, run_proof

    out = _check_out(args.out, "fptheory proofs") if args.out is not None else None
    try:
        proofs = load_proofs()
    except ProofsError as exc:
        raise CLIError(f"fptheory proofs: {exc}") from None
    if args.only:
        proofs = [p for p in proofs if fnmatch.fnmatch(p.name, args.only)]
        if not proofs:
            raise CLIError(f"fptheory proofs: --only {args.only!r} matches no proof")
    results, verdicts = [], {}
    for proof in proofs:
        if not args.json:
            print(f"{proof.name}: {proof.title}\n  [{proof.source}]", flush=True)

        def show(result: Any) -> None:
            if not args.json:
                label = result.step if result.kind == "proof" else f"{result.step} (check)"
                print(f"  {result.verdict:<6} {label:<26} {result.statement}", flush=True)
                print(f"         {'':<26} {result.evidence}  ({result.seconds:.2f} s)", flush=True)

        steps = run_proof(proof, on_step=show)
        verdicts[proof.name] = proof_verdict(steps)
        results.extend(steps)
        if not args.json:
            rigorous = [r for r in steps if r.kind == "proof"]
            checks = [r for r in steps if r.kind == "check"]
            print(f"  proof {verdicts[proof.name]}: {sum(r.verdict == 'holds' for r in rigorous)}/{len(rigorous)} "
                  f"rigorous steps; checks apart: {sum(r.verdict == 'holds' for r in checks)}/{len(checks)} hold", flush=True)
    check_verdicts: list[str] = [r.verdict for r in results if r.kind == "check"]
    report: dict[str, Any] = {
        "proofs": verdicts,
        "steps": [vars(r) for r in results],
        "holds": sum(v == "holds" for v in verdicts.values()),
        "fails": sum(v == "fails" for v in verdicts.values()),
        "errors": sum(v == "error" for v in verdicts.values()),
        "checks": {v: check_verdicts.count(k) for v, k in (("holds", "holds"), ("fails", "fails"), ("errors", "error"))},
    }
    if out is not None:
        write_json_atomic(out / "result.json", report)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{report['holds']} proofs hold, {report['fails']} fail, {report['errors']} errors; checks: "
              f"{report['checks']['holds']} hold, {report['checks']['fails']} fail, {report['checks']['errors']} errors")
    if report["errors"] or report["checks"]["errors"]:
        return 2
    return 1 if report["fails"] or report["checks"]["fails"] else 0


def _check_out(path: str, command: str) -> Path:
    """The --out folder, checked before any work: not empty, not a file, creatable and writable."""
    import os
    import tempfile

    if not path or not path.strip():
        raise CLIError(f"{command}: --out must name a folder; got an empty string")
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CLIError(f"{command}: --out {path!r} is a file; it must be a folder (existing or to be created)")
    parent = out
    while not parent.exists():
        parent = parent.parent
    # try it and leave nothing: a permission check says yes where the file system says no (root, /proc, a read-only
    # mount), and a file in the way fails here too
    try:
        os.rmdir(tempfile.mkdtemp(dir=parent, prefix=".fptheory-check-"))
    except OSError as error:
        raise CLIError(f"{command}: --out {path!r} cannot be written (creating a folder in {str(parent)!r} failed: "
                       f"{error.strerror})") from None
    return out


class _Progress:
    """Progress on stderr (tqdm): a bar per label (each δ, each training run) with its rate and ETA, shown once a
    run has lasted 2 s; the training engine's own ETA, when given, is shown beside it."""

    def __init__(self, unit: str = "samples") -> None:
        self.unit = unit
        self._bar: Any = None
        self._label = ""

    def __call__(self, label: str, done: int, total: int, eta: float | None = None) -> None:
        from tqdm import tqdm

        if self._bar is None or label != self._label:
            self.close()
            self._bar = tqdm(total=total, desc=label, unit=self.unit, file=sys.stderr, delay=2, mininterval=1,
                             dynamic_ncols=True, leave=False)
            self._label = label
        if eta is not None:
            self._bar.set_postfix_str(f"engine ETA {eta:.0f} s", refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # before main's "interrupted" line: a bar closed later (at exit) would write over it


def _complex(text: str) -> complex:
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected RE,IM (two numbers); got {text!r}") from None
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected RE,IM (two numbers); got {text!r}")
    return complex(parts[0], parts[1])


def _sci(log10_value: float | None) -> str:
    """A number given by its log10 in scientific notation (fractions below 1e-308 included); None is 0."""
    if log10_value is None:
        return "0"
    exponent = math.floor(log10_value)
    return f"{10 ** (log10_value - exponent):.4f}e{exponent:+d}"


def _cmd_measure(args: argparse.Namespace) -> int:
    from fptheory.experiments.measure import MeasureConfig, run, save

    out = _check_out(args.out, "fptheory measure")
    samples = args.samples
    if samples is None:
        samples = {("plain", False): 1_000_000, ("plain", True): 100_000, ("rare", False): 2000, ("rare", True): 300}[
            (args.method, args.quick)
        ]
    config = MeasureConfig(
        theorem=args.theorem, k1=args.k1, k2=args.k2, m=args.m, deltas=tuple(args.delta), fhat1=args.fhat1,
        fhat2=args.fhat2, method=args.method, samples=samples, seed=args.seed, backend=args.backend,
    )
    with _Progress() as bar:
        result = run(config, progress=None if args.json else bar)
    save(result, out)
    data = result.to_json()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"Theorem {config.theorem}, k1 = {config.k1:g}, k2 = {config.k2:g}, m = {config.m}, method {config.method}")
    print(f"{'delta':>8} {'fraction':>12} {'95% interval':>27} {'samples':>9}")
    for p in result.points:
        low, high = p.log10_ci if p.log10_ci is not None else (None, math.log10(p.ci_high) if p.ci_high > 0 else None)
        print(f"{p.delta:8.4g} {_sci(p.log10_fraction):>12} [{_sci(low):>11}, {_sci(high):>11}] {p.samples:9d}")
        if p.ess is not None:
            print(f"{'':8} effective sample size {p.ess:.0f}, largest share {p.max_share:.3f}, Pareto k̂ "
                  f"{'n/a' if p.pareto_k is None else f'{p.pareto_k:.2f}'}")
        if p.warning:
            print(f"{'':8} warning: {p.warning}")
    if result.fit is not None:
        f = result.fit
        print(f"fit: c = {f.c:.4g} [{f.c_ci[0]:.4g}, {f.c_ci[1]:.4g}], alpha = {f.alpha:.3g}, log C = {f.log_C:.3g}")
    for note in result.notes:  # why there is no fit, where there is none
        print(f"note: {note}")
    print(f"proof's c = π(k2 - k1)/2 = {result.predicted_c:.4g}; wrote {out / 'result.json'}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from fptheory._checks import check_seed
    from fptheory.experiments.registry import EXPERIMENTS, load

    if args.list:
        for name, (_, summary) in EXPERIMENTS.items():
            print(f"{name:20s} {summary}")
        return 0
    if args.name is None:
        raise CLIError("fptheory run: name an experiment (fptheory run --list)")
    if args.out is None:
        raise CLIError("fptheory run: --out DIR is required")
    out = _check_out(args.out, "fptheory run")
    if args.seeds is not None and args.seeds < 1:
        raise CLIError(f"fptheory run: --seeds must be >= 1; got {args.seeds}")
    check_seed(args.seed, args.seeds or 1, name="--seed")
    module = load(args.name)
    from dataclasses import fields

    extra: dict[str, Any] = {}
    for option, value in (("data", args.data), ("networks", args.networks)):
        if value is None:
            continue
        if option not in {f.name for f in fields(module.Config)}:
            raise CLIError(f"fptheory run: experiment {args.name!r} takes no --{option}")
        extra[option] = tuple(v.strip() for v in value.split(",")) if option == "networks" else value
    if args.dim is not None:
        import inspect

        if "dim" not in inspect.signature(module.make_config).parameters:
            raise CLIError(f"fptheory run: experiment {args.name!r} takes no --dim")
        extra["dim"] = args.dim
    config = module.make_config(quick=args.quick, seed=args.seed, seeds=args.seeds, **extra)  # ValueError: see main
    with _Progress("steps") as bar:
        progress = None if args.json else lambda done, total, eta: bar(args.name, done, total, eta)
        result = module.run(config, progress=progress)
    path = module.save(result, out)
    data = result.to_json()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    if "convergence_step" in data:  # the training experiments that follow peaks
        print(f"{args.name}: frequencies {data['frequencies']}, convergence step (median over seeds) "
              f"{data['convergence_step']} at threshold {data['threshold']}")
    else:
        print(f"{args.name}:")
    for key, value in data.items():
        if key not in ("experiment", "frequencies", "convergence_step", "threshold", "config", "seeds",
                       "convergence_step_per_seed") and not isinstance(value, (list, dict)):
            print(f"  {key}: {value}")
    for line in getattr(result, "summary", lambda: [])():  # an experiment's table, where it has one
        print(f"  {line}")
    for note in data.get("notes", []):
        print(f"  note: {note}")
    print(f"wrote {path}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from fptheory.verify._jobs import JobsLine
    from fptheory.verify._sweep import cell_label, decay_cells, decay_sweep, decay_table, write_sweep

    out = _check_out(args.out, "fptheory sweep")
    if args.jobs < 1:
        raise CLIError(f"fptheory sweep: --jobs must be >= 1; got {args.jobs}")
    cells = decay_cells(theorem=args.theorem, k1=args.k1, k2=args.k2, m=args.m, samples=args.samples, seed=args.seed)
    where = f"on Dask ({args.scheduler})" if args.scheduler else f"{args.jobs} at a time"
    banner = f"fptheory sweep decay: {len(cells)} cells (k1 < k2), {args.samples} rare samples per δ, {where}"

    running = JobsLine()

    def show(row: dict[str, Any], done: int, total: int) -> None:
        running.finished(cell_label(row["k1"], row["k2"], row["m"]))
        c = "-" if row["c"] is None else f"{row['c']:.3f}"
        print(f"[{done:>2}/{total}] k1 = {row['k1']:g}, k2 = {row['k2']:g}, m = {row['m']}: fitted c {c} "
              f"(proof's {row['proof_c']:.3f})  ({row['seconds']:.0f} s)", flush=True)

    rows = decay_sweep(cells, workers=args.jobs, scheduler=args.scheduler, progress=show, job_progress=running,
                       started=lambda: print(banner, flush=True))
    write_sweep(rows, out, {"sweep": "decay", "theorem": args.theorem, "samples": args.samples, "seed": args.seed,
                            "scheduler": args.scheduler})
    print(decay_table(rows), end="")
    print(f"wrote {out / 'table.md'} and result.json")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from fptheory.verify._jobs import JobsLine
    from fptheory.verify._runner import exit_status, select, verify

    out = _check_out(args.out, "fptheory verify") if args.out is not None else None
    if out is None:
        raise CLIError("fptheory verify: --out DIR is required")
    if args.jobs < 1:
        raise CLIError(f"fptheory verify: --jobs must be >= 1; got {args.jobs}")
    claims = select(args.only)
    width = max(len(c.id) for c in claims)

    running = JobsLine()

    def show(outcome: Any, done: int, total: int) -> None:
        running.finished(outcome.id)
        cached = ", cached" if outcome.cached else ""
        print(f"[{done:>2}/{total}] {outcome.id:<{width}} {outcome.verdict:<6} {outcome.key}  ({outcome.seconds:.1f} s{cached})",
              flush=True)
        if outcome.verdict == "fails":
            for condition in outcome.conditions:
                if not condition["holds"]:
                    print(f"{'':>8}{'':<{width}} failed: {condition['text']}: measured {condition['measured']} "
                          f"({condition['miss']})", flush=True)

    where = f"on Dask ({args.scheduler})" if args.scheduler else f"{args.jobs} at a time"
    banner = f"fptheory verify: {len(claims)} claims, {'quick' if args.quick else 'full'} scale, {where}"
    outcomes = verify(claims, quick=args.quick, out=out, jobs=args.jobs, use_cache=not args.no_cache, progress=show,
                      scheduler=args.scheduler, job_progress=running,
                      notice=lambda line: print(f"notice: {line}", flush=True),
                      started=lambda: print(banner, flush=True))
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("holds", "fails", "error")}
    print(f"{counts['holds']} hold, {counts['fails']} fail, {counts['error']} errors; "
          f"wrote {out / 'report.md'}, report.html and result.json")
    return exit_status(outcomes)


def _cmd_results(args: argparse.Namespace) -> int:
    from fptheory._io import write_text_atomic
    from fptheory.verify._report import load_run, results_page

    if args.out is None or not str(args.out).strip():
        raise CLIError("fptheory results: --out FILE is required (for example docs/results.md)")
    target = Path(args.out)
    if target.is_dir():
        raise CLIError(f"fptheory results: --out {args.out!r} is a folder; it must name a file")
    _check_out(str(target.parent) if str(target.parent) else ".", "fptheory results")
    runs = [load_run(folder) for folder in args.runs]
    scales = [run["scale"] for run in runs]
    if len(set(scales)) != len(scales):
        raise CLIError(f"fptheory results: give at most one run per scale (a rerun's time: --also); got scales {scales}")
    also = [load_run(folder) for folder in args.also or ()]
    unmatched = [str(folder) for folder, run in zip(args.also or (), also) if run["scale"] not in scales]
    if unmatched:
        raise CLIError(f"fptheory results: --also {unmatched[0]!r} is a run of a scale no run given has")
    write_text_atomic(target, results_page(runs, also))
    print(f"wrote {target} from {len(runs)} run(s): {', '.join(scales)}")
    return 0


def _parser() -> _Parser:
    from fptheory import __version__
    from fptheory.symbolic._activation import ACTIVATIONS

    parser = _Parser(prog="fptheory", description="Machine-checked mathematics of the Frequency Principle.")
    parser.add_argument("--version", action="version", version=f"fptheory {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    derive = sub.add_parser("derive", help="print the derived transform and gradients of an activation")
    derive.add_argument("--activation", choices=ACTIVATIONS, default="tanh")
    shape = derive.add_mutually_exclusive_group()
    shape.add_argument("--latex", action="store_true", help="print expressions as LaTeX")
    shape.add_argument("--json", action="store_true", help="print expressions as strings in JSON")
    derive.set_defaults(func=_cmd_derive)

    proofs = sub.add_parser("proofs", help="run every step of the installed proofs and print the verdicts")
    proofs.add_argument("--only", help="run only proofs whose name matches this glob pattern")
    proofs.add_argument("--out", help="write DIR/result.json with every step's verdict")
    proofs.add_argument("--json", action="store_true", help="print the result as JSON")
    proofs.add_argument("--quick", action="store_true", help="accepted for uniformity; the proofs are already quick")
    proofs.set_defaults(func=_cmd_proofs)

    sweep = sub.add_parser("sweep", help="a grid of jobs gathered into one table (local processes or Dask)")
    sweep.add_argument("what", choices=("decay",), help="decay: the fitted decay constant c over (k1, k2, m)")
    sweep.add_argument("--theorem", type=int, choices=(1, 2), default=1)
    sweep.add_argument("--k1", type=float, nargs="+", required=True, help="lower frequencies, > 0")
    sweep.add_argument("--k2", type=float, nargs="+", required=True, help="higher frequencies (cells with k1 < k2 run)")
    sweep.add_argument("--m", type=int, nargs="+", default=[1], help="numbers of neurons, >= 1 (default 1)")
    sweep.add_argument("--samples", type=int, default=200, help="rare-event samples per δ (default 200)")
    sweep.add_argument("--seed", type=int, default=1)
    sweep.add_argument("--jobs", type=int, default=2, help="cells at a time in worker processes (default 2)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="run the cells on Dask: 'local' or a scheduler's address")
    sweep.add_argument("--out", required=True, help="write DIR/table.md and DIR/result.json")
    sweep.set_defaults(func=_cmd_sweep)

    measure = sub.add_parser("measure", help="estimate the bad-set fraction of Theorem 1 or 2 in the ball B_δ")
    measure.add_argument("--theorem", type=int, choices=(1, 2), required=True)
    measure.add_argument("--k1", type=float, required=True, help="lower frequency, > 0")
    measure.add_argument("--k2", type=float, required=True, help="higher frequency, > k1")
    measure.add_argument("--m", type=int, default=1, help="number of neurons, >= 1 (default 1)")
    measure.add_argument("--delta", type=float, action="append", required=True, help="ball radius δ > 0 (repeat)")
    measure.add_argument("--fhat1", type=_complex, default=complex(1.0), help="f̂(k1) as RE,IM (default 1,0)")
    measure.add_argument("--fhat2", type=_complex, default=complex(1.0), help="f̂(k2) as RE,IM (default 1,0)")
    measure.add_argument("--method", choices=("plain", "rare"), default="plain")
    measure.add_argument("--samples", type=int, help="samples per δ (default 1e6 plain, 2000 rare; --quick: 1e5, 300)")
    measure.add_argument("--seed", type=int, default=0)
    measure.add_argument("--backend", choices=("numpy", "jax"), default="numpy",
                         help="jax: jitted float64 on all local JAX devices (for method rare, its plain pilot)")
    measure.add_argument("--quick", action="store_true", help="fewer samples")
    measure.add_argument("--out", required=True, help="write DIR/result.json and DIR/measure.png")
    measure.add_argument("--json", action="store_true", help="print result.json to stdout")
    measure.set_defaults(func=_cmd_measure)

    run = sub.add_parser("run", help="run a training experiment by name (fptheory run --list)")
    run.add_argument("name", nargs="?", help="experiment name")
    run.add_argument("--list", action="store_true", help="list the experiments")
    run.add_argument("--quick", action="store_true",
                     help="small scale: seconds to about three minutes on 2 cores (docs/results.md gives each claim's time)")
    run.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    run.add_argument("--seeds", type=int, help="number of seeds (default per experiment)")
    run.add_argument("--data", help="data set for the high-dimensional experiments: digits, mnist5k, mnist1d, "
                     "mnist:PATH (IDX files) or cifar10:PATH (python batches)")
    run.add_argument("--networks", help="comma-separated networks for projection and filtering: mlp, cnn and "
                     "vgg (a deeper VGG-like CNN); default mlp,cnn")
    run.add_argument("--dim", type=int, help="poisson: 1 (the paper's -u'' = g on (-1, 1), default) or 2 (the unit square)")
    run.add_argument("--out", help="write DIR/result.json, arrays and figures")
    run.add_argument("--json", action="store_true", help="print result.json to stdout")
    run.set_defaults(func=_cmd_run)

    ver = sub.add_parser("verify", help="run every registered claim and write report.md, report.html, result.json")
    ver.add_argument("--quick", action="store_true", help="quick scale (under 10 minutes on 2 cores)")
    ver.add_argument("--only", help="run only claims whose id matches this glob pattern")
    ver.add_argument("--out", help="output folder (also holds the cache)")
    ver.add_argument("--jobs", type=int, default=2, help="claims run at a time in worker processes (default 2)")
    ver.add_argument("--scheduler", metavar="ADDRESS", help="run the claims on Dask: 'local' (a local cluster of --jobs "
                     "workers) or a scheduler's address, e.g. tcp://host:8786 (needs fptheory[cluster])")
    ver.add_argument("--no-cache", action="store_true", help="recompute every claim")
    ver.set_defaults(func=_cmd_verify)

    res = sub.add_parser("results", help="write the results page (docs/results.md) from verify runs' result.json")
    res.add_argument("runs", nargs="+", help="output folders of fptheory verify (one per scale)")
    res.add_argument("--out", help="the page to write, e.g. docs/results.md")
    res.add_argument("--also", action="append", metavar="FOLDER",
                     help="a rerun of one of those scales, listed by its wall time only (e.g. the quick run again, with "
                          "a warm compilation cache); repeatable")
    res.set_defaults(func=_cmd_results)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fptheory`` console script; returns the exit status."""
    from fptheory._checks import InputError
    from fptheory._compilation_cache import enable

    try:
        args = _parser().parse_args(argv)
        enable()  # the persistent JAX compilation cache for this command and its workers (FPTHEORY_COMPILATION_CACHE)
        return int(args.func(args))
    except (CLIError, InputError) as exc:  # a user's mistake: one line; anything else is a bug and shows its traceback
        message = str(exc) if isinstance(exc, CLIError) else f"fptheory: error: {exc}"
        print(message.splitlines()[0] if message else "fptheory: error", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fptheory: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
