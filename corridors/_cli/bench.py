"""``corridors bench clr``: the paper's CLR experiments at CPU scale.

Writes loss curves and step plots (PNG, the paper's Figure 4), ``summary.csv``
and ``summary.json`` into ``--out`` and prints the folder, a summary table,
the goal table (the recommended optimizer against the best SGD learning rate
and the best ``optax.contrib`` optimizer), the defaults study when it ran, and
line by line where each corridors optimizer loses.
"""

from __future__ import annotations

import dataclasses
import sys
import time

from .._errors import InvalidArgument

_STUDIES = ("clr",)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="run a benchmark study (clr: CLR vs tuned SGD, tuned Adam and optax.contrib's parameter-free optimizers)",
        description=(
            "Reproduce the paper's CLR experiments at CPU scale: the corridors optimizers against SGD and "
            "Adam with the best learning rate of a sweep, optax.polyak_sgd and optax.contrib's parameter-free "
            "optimizers at their defaults, on digits (MLP, CNN), diabetes and a teacher-student network, "
            "over several batch sizes (full batch included) and seeds."
        ),
    )
    parser.add_argument("study", choices=_STUDIES, help="which study to run")
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--quick", dest="mode", action="store_const", const="quick",
        help="digits MLP, 2 batch sizes, 300 steps, a few methods (default; about 75 s of CPU time)",
    )
    size.add_argument(
        "--full", dest="mode", action="store_const", const="full",
        help="4 tasks x 4 batch sizes, 1000 steps, every method and the defaults study (hours on 2 cores)",
    )
    parser.add_argument("--out", metavar="DIR", help="output folder (default: ./corridors-bench-clr-MODE)")
    parser.add_argument("--seeds", metavar="N", type=_positive_int, help="number of seeds (default 3)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (a line per finished run instead)")
    parser.set_defaults(handler=run_bench, mode="quick")


def _positive_int(text: str) -> int:
    """argparse type: a whole number >= 1 (checked by the library's own validation)."""
    import argparse

    from .._validate import check_positive_int

    try:
        return check_positive_int(int(text), "the value")
    except (ValueError, InvalidArgument):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None


def run_bench(args) -> int:
    """Handler of ``corridors bench``; returns the exit status."""
    from .._optional import require_bench
    from ._output import writable_folder

    require_bench("corridors bench")  # before any work: say what to install first
    from .._experiments import study

    if args.study != "clr":  # argparse's choices already enforce this
        raise InvalidArgument(f"unknown study {args.study!r}")
    config = {"quick": study.QUICK, "full": study.FULL}[args.mode]
    if args.seeds is not None:
        config = dataclasses.replace(config, seeds=args.seeds)
    out = writable_folder(args.out or study.default_out_dir(args.mode))
    print(f"corridors bench clr --{args.mode}: writing into {out}", flush=True)
    return run_clr_study(config, out, progress=not args.no_progress)


def run_clr_study(config, out, *, progress: bool = True) -> int:
    """Run the CLR study of ``config`` (a :class:`corridors._experiments.study.StudyConfig`) into ``out`` and print it.

    Prints the summary table, the goal table, the defaults study when it ran
    and the comparisons the corridors optimizers lose; without ``progress``, a
    line per finished run instead of a bar. Returns the exit status (0).
    """
    from .._experiments import study, tables
    from .._experiments.methods import RECOMMENDED_CALL

    started = time.perf_counter()
    # Without a bar, say when each run finishes: the full study takes hours.
    on_run = None if progress else (lambda line: print(line, flush=True))
    summary = study.run_study(config, out, progress=progress, log=lambda line: None, on_run=on_run)
    print(tables.format_table(summary.rows))
    if summary.goal:
        print(f"\nrecommended: {RECOMMENDED_CALL} at its defaults; median steps to target:")
        print(tables.format_goal(summary.goal))
    if summary.defaults:
        print("\ndefaults study (each setting over every task and batch size):")
        print(tables.format_defaults(summary.defaults))
    losses = [line for line in summary.verdicts if " LOSES " in line]
    print(f"\nthe corridors optimizers lose {len(losses)} of {len(summary.verdicts)} comparisons" + (":" if losses else "."))
    for line in losses:
        print("  " + line)
    print(f"\nwall time {time.perf_counter() - started:.1f} s; output folder: {out}")
    sys.stdout.flush()
    return 0
