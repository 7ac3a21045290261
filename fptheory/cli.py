"""The ``fptheory`` command: thin subcommands over the package (``fptheory --help``)."""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path
from typing import Any, Sequence

__all__ = ["main"]


class CLIError(Exception):
    """An error reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
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
    from fptheory.io import write_json_atomic
    from fptheory.proof import load_proofs, run_proof

    try:
        proofs = load_proofs(args.dir)
    except FileNotFoundError as exc:
        raise CLIError(str(exc)) from None
    if args.only:
        proofs = [p for p in proofs if fnmatch.fnmatch(p.name, args.only)]
        if not proofs:
            raise CLIError(f"--only {args.only!r} matches no proof")
    results = []
    for proof in proofs:
        if not args.json:
            print(f"{proof.name}: {proof.title}  [{proof.source}]", flush=True)

        def show(result: Any) -> None:
            if not args.json:
                print(f"  {result.verdict:<6} {result.step:<18} {result.statement}", flush=True)
                print(f"         {'':<18} {result.evidence}  ({result.seconds:.2f} s)", flush=True)

        results.extend(run_proof(proof, on_step=show))
    verdicts = [r.verdict for r in results]
    report = {
        "proofs": [p.name for p in proofs],
        "steps": [vars(r) for r in results],
        "holds": verdicts.count("holds"),
        "fails": verdicts.count("fails"),
        "errors": verdicts.count("error"),
    }
    if args.out:
        write_json_atomic(Path(args.out) / "result.json", report)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{report['holds']} holds, {report['fails']} fails, {report['errors']} errors")
    return 2 if report["errors"] else (1 if report["fails"] else 0)


def _parser() -> _Parser:
    from fptheory import __version__
    from fptheory.symbolic.activation import ACTIVATIONS

    parser = _Parser(prog="fptheory", description="Machine-checked mathematics of the Frequency Principle.")
    parser.add_argument("--version", action="version", version=f"fptheory {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    derive = sub.add_parser("derive", help="print the derived transform and gradients of an activation")
    derive.add_argument("--activation", choices=ACTIVATIONS, default="tanh")
    shape = derive.add_mutually_exclusive_group()
    shape.add_argument("--latex", action="store_true", help="print expressions as LaTeX")
    shape.add_argument("--json", action="store_true", help="print expressions as strings in JSON")
    derive.set_defaults(func=_cmd_derive)

    proofs = sub.add_parser("proofs", help="run every step of the proofs and print the verdicts")
    proofs.add_argument("--dir", help="directory of proof modules (default: the checkout's proofs/)")
    proofs.add_argument("--only", help="run only proofs whose name matches this glob pattern")
    proofs.add_argument("--out", help="write DIR/result.json with every step's verdict")
    proofs.add_argument("--json", action="store_true", help="print the result as JSON")
    proofs.add_argument("--quick", action="store_true", help="accepted for uniformity; the proofs are already quick")
    proofs.set_defaults(func=_cmd_proofs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fptheory`` console script; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
        return int(args.func(args))
    except (CLIError, ValueError) as exc:
        message = str(exc) if isinstance(exc, CLIError) else f"fptheory: error: {exc}"
        print(message.splitlines()[0] if message else "fptheory: error", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fptheory: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
