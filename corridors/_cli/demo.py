"""``corridors demo [--out DIR] [--quick]``: the whole library in one run, written up as a report.

Runs the symbolic gallery, the proofs, a numeric check of an MLP on
scikit-learn's digits and a short CLR-vs-SGD study (logic in
:mod:`corridors._demo`), prints one line per step and the output folder.
Exit status 1 if a gallery classification differs from the expected one or a
proof failed, 0 otherwise; 2 for bad input.
"""

from __future__ import annotations

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="run everything once (gallery, proofs, MLP on digits, CLR vs SGD) and write a report",
        description=(
            "Show the whole library in one run on embedded defaults (under three minutes on 2 cores): "
            "the symbolic gallery with its classifications, the machine-checked proofs, H g and "
            "GD-vs-GF drift of a small MLP on scikit-learn's digits, and a short CLR-vs-SGD run. "
            "Writes report.md, summary.json and PNG figures into --out."
        ),
    )
    parser.add_argument("--out", metavar="DIR", help="output folder (default: ./corridors-output/demo)")
    parser.add_argument("--quick", action="store_true", help="a reduced run (seconds, for smoke tests)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (step lines only)")
    parser.set_defaults(handler=_handle)


def _handle(args) -> int:
    """Run the demo; returns the exit status."""
    from .._optional import require_bench
    from ._output import writable_folder

    require_bench("corridors demo")  # before any work: say what to install first
    from .._demo import DEFAULT, QUICK, default_out_dir, run_demo

    out = writable_folder(args.out if args.out is not None else default_out_dir())
    result = run_demo(QUICK if args.quick else DEFAULT, out, progress=not args.no_progress,
                      log=lambda line: print(line, flush=True))
    print(f"output folder: {result.out_dir}")
    return 0 if (result.gallery_ok and result.proofs_ok) else 1
