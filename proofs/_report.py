"""The table / JSON report shared by ``python -m proofs`` and ``corridors prove``.

Exit status: 0 when every proof is proved; 1 if any proof failed; 3 if none
failed but some is unknown (undecided, out of budget, or its control did not
fail) — an unproved statement is never a success. Bad input (an unknown proof
name, a bad --timeout) is exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ._runner import DEFAULT_TIMEOUT, UnknownProof, run

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_OK", "EXIT_UNKNOWN",
    "add_arguments", "exit_status", "format_json", "format_table", "main", "report",
]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3

_COLUMNS = ("Statement", "Reference", "Dimensions", "Verdict", "Control", "CPU")


def positive_seconds(text: str) -> float:
    """argparse type for --timeout: a number of CPU seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--timeout must be a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"--timeout must be a positive number of seconds, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type for --jobs: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be at least 1, got {text!r}")
    return value


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """NAME ..., --json and --timeout, the same for both entry points."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="proofs to check (default: all)")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of the table")
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=available_cores(),
        metavar="N",
        help="worker processes (default: the cores available to this process, here %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"CPU seconds per proof before it is reported unknown (default {DEFAULT_TIMEOUT:g})",
    )


def exit_status(results) -> int:
    """0 if every proof is proved, 1 if any failed, 3 if none failed but some is unknown.

    >>> from proofs._runner import check_proof
    >>> from proofs.false_statements import false_statements
    >>> exit_status([check_proof(false_statements()[0])]) == EXIT_FAILED
    True
    """
    statuses = {str(result.status) for result in results}
    if "failed" in statuses:
        return EXIT_FAILED
    return EXIT_UNKNOWN if "unknown" in statuses or not results else EXIT_OK


def format_table(results, total_seconds: float | None = None) -> str:
    """One row per proof: statement, paper reference, dimensions, verdict, its control's verdict, CPU time."""
    rows = [(r.title, r.reference, r.dimensions, str(r.status),
             "-" if r.control is None else str(r.control.status), f"{r.seconds:.1f} s") for r in results]
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(_COLUMNS, widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    counts = {status: sum(str(r.status) == status for r in results) for status in ("proved", "failed", "unknown")}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    if total_seconds is not None:
        cpu = sum(r.seconds for r in results)
        summary += f" in {total_seconds:.1f} s ({cpu:.1f} CPU s)"
    lines += ["", summary]
    lines += [f"  {r.name}: {r.status}: {r.message}" for r in results if r.status != "proved"]
    return "\n".join(lines)


def format_json(results) -> str:
    """A JSON list with one object per proof (name, status, reference, dimensions, seconds, ...)."""
    return json.dumps([result.to_dict() for result in results], indent=2, ensure_ascii=False)


def report(names, *, as_json: bool, timeout: float | None, jobs: int = 1, stream=None) -> int:
    """Check ``names`` and print the table (or JSON) on ``stream``; returns the exit status.

    Raises ``UnknownProof`` before checking anything if a name is unknown.
    """
    stream = stream if stream is not None else sys.stdout
    start = time.perf_counter()
    results = run(names or None, timeout=timeout, jobs=jobs)
    text = format_json(results) if as_json else format_table(results, time.perf_counter() - start)
    print(text, file=stream)
    return exit_status(results)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def main(argv=None, prog: str = "python -m proofs") -> int:
    """``python -m proofs [NAME ...] [--json] [--timeout S] [--jobs N]``; returns the exit status."""
    parser = _Parser(prog=prog, description="Check the machine derivations of the paper's statements.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return report(args.names, as_json=args.json, timeout=args.timeout, jobs=args.jobs)
    except UnknownProof as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. piped into `head`: nothing left to report to
        sys.stderr.close()
        return EXIT_OK
