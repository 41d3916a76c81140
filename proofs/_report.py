"""The table / JSON report shared by ``python -m proofs`` and ``corridors prove``.

Exit status: 1 if any proof "failed", else 0 ("unknown" — undecided or timed
out — is reported in the table and JSON but is not a failure). Bad input
(an unknown proof name, a bad --timeout) is exit 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from . import DEFAULT_TIMEOUT, UnknownProof, run

__all__ = ["add_arguments", "exit_status", "format_json", "format_table", "main", "report"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

_COLUMNS = ("Statement", "Reference", "Dimensions", "Verdict", "Time")


def positive_seconds(text: str) -> float:
    """argparse type for --timeout: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--timeout must be a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"--timeout must be a positive number of seconds, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """NAME ..., --json and --timeout, the same for both entry points."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="proofs to check (default: all)")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of the table")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per proof before it is reported unknown (default {DEFAULT_TIMEOUT:g})",
    )


def exit_status(results) -> int:
    """1 if any proof failed, else 0."""
    return EXIT_FAILED if any(result.status == "failed" for result in results) else EXIT_OK


def format_table(results, total_seconds: float | None = None) -> str:
    """One row per proof: statement, paper reference, dimensions, verdict, time."""
    rows = [(r.title, r.reference, r.dimensions, r.status, f"{r.seconds:.1f} s") for r in results]
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(_COLUMNS, widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    counts = {status: sum(r.status == status for r in results) for status in ("proved", "failed", "unknown")}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    if total_seconds is not None:
        summary += f" in {total_seconds:.1f} s"
    lines += ["", summary]
    lines += [f"  {r.name}: {r.status}: {r.message}" for r in results if r.status != "proved"]
    return "\n".join(lines)


def format_json(results) -> str:
    """A JSON list with one object per proof (name, status, reference, dimensions, seconds, ...)."""
    return json.dumps([result.to_dict() for result in results], indent=2, ensure_ascii=False)


def report(names, *, as_json: bool, timeout: float | None, stream=None) -> int:
    """Check ``names`` and print the table (or JSON) on ``stream``; returns the exit status.

    Raises ``UnknownProof`` before checking anything if a name is unknown.
    """
    stream = stream if stream is not None else sys.stdout
    start = time.perf_counter()
    results = run(names or None, timeout=timeout)
    text = format_json(results) if as_json else format_table(results, time.perf_counter() - start)
    print(text, file=stream)
    return exit_status(results)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def main(argv=None, prog: str = "python -m proofs") -> int:
    """``python -m proofs [NAME ...] [--json] [--timeout S]``; returns the exit status."""
    parser = _Parser(prog=prog, description="Check the machine derivations of the paper's statements.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return report(args.names, as_json=args.json, timeout=args.timeout)
    except UnknownProof as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. piped into `head`: nothing left to report to
        sys.stderr.close()
        return EXIT_OK
