"""``corridors prove [NAME ...] [--json] [--timeout S]``: machine-checked derivations of the paper.

Runs the SymPy derivations of the top-level ``proofs`` package and prints the
same table / JSON as ``python -m proofs``. Exit status 1 if any proof failed,
0 otherwise (unknown verdicts are reported, not failures); 2 for bad input.
"""

from __future__ import annotations

from .._errors import InvalidArgument

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``prove`` sub-command."""
    from proofs import _report  # the report is shared with ``python -m proofs``

    parser = subparsers.add_parser(
        "prove",
        help="check the SymPy derivations of the paper's statements",
        description="Check the machine derivations of every statement of the paper for a generic loss.",
    )
    _report.add_arguments(parser)
    parser.set_defaults(handler=_handle)


def _handle(args) -> int:
    """Run the selected proofs and print the report; returns the exit status."""
    import proofs
    from proofs import _report

    try:
        return _report.report(args.names, as_json=args.json, timeout=args.timeout)
    except proofs.UnknownProof as error:
        raise InvalidArgument(str(error)) from None
