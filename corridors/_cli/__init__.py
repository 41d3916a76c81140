"""The ``corridors`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``handler``. Bad input
ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .._errors import CorridorsError

# Modules of this package that provide a sub-command, in help order.
_SUBCOMMANDS = ("check", "bench", "prove", "demo")

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in corridors, not in the input


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump: scripts parse stderr
        self.exit(EXIT_BAD_INPUT, f"corridors: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="corridors",
        description="Corridor geometry in gradient-based optimization.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in _SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``corridors`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CorridorsError as error:
        print(f"corridors: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("corridors: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - last resort: keep the one-line contract
        print(
            f"corridors: internal error: {type(error).__name__}: {_one_line(error)} "
            "(please report this with the command you ran)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
