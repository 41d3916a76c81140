"""``corridors prove [NAME ...] [--json] [--timeout S] [--jobs N]``: machine-checked derivations of the paper.

Runs the SymPy derivations of the top-level ``proofs`` package through its
public API and prints the same table / JSON as ``python -m proofs``. Exit
status 0 when every statement is proved, 1 if any failed, 3 if none failed
but some is unknown (an unproved statement is not a success), 2 for bad input.
"""

from __future__ import annotations

from .._errors import InvalidArgument

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``prove`` sub-command."""
    import proofs

    parser = subparsers.add_parser(
        "prove",
        help="check the SymPy derivations of the paper's statements",
        description="Check the machine derivations of every statement of the paper for a generic loss.",
    )
    proofs.add_arguments(parser)
    parser.set_defaults(handler=_handle)


def _handle(args) -> int:
    """Run the selected proofs and print the report; returns the exit status."""
    import proofs

    try:
        return proofs.report(args.names, as_json=args.json, timeout=args.timeout, jobs=args.jobs)
    except proofs.UnknownProof as error:
        raise InvalidArgument(str(error)) from None
