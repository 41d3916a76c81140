"""``corridors check``: classify a loss, or the built-in gallery when no loss is given."""

from __future__ import annotations

import json

from .._errors import InvalidArgument
from .._symbolic.analysis import DEFAULT_TIMEOUT, analyze
from .._budget import validate_timeout
from .._symbolic.gallery import GALLERY
from .._symbolic.parsing import parse_point


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="find the corridors of a loss (or of the built-in gallery)",
        description=(
            "Classify a loss E as 'everywhere', 'partial', 'none' or 'unknown' corridor, "
            "and optionally the status of one point. Without EXPR, analyze the built-in gallery."
        ),
    )
    parser.add_argument("expr", nargs="?", metavar="EXPR",
                        help="the loss, e.g. 'log(exp(x) + exp(y))'; ^ means power")
    parser.add_argument("--vars", metavar="x,y,...", help="variables in order (default: the names in EXPR, sorted)")
    parser.add_argument("--at", metavar="x=1,y=2", help="also report the status of this point")
    parser.add_argument("--json", action="store_true", help="print one JSON object (a list for the gallery)")
    parser.add_argument("--verify", action="store_true", help="also check the paper's statements (a)-(g)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds of symbolic work per loss (default {DEFAULT_TIMEOUT:g})")
    parser.set_defaults(handler=run)


def run(args) -> int:
    timeout = validate_timeout(args.timeout)
    if args.expr is None:
        if args.at or args.vars:
            raise InvalidArgument("--at and --vars need a loss EXPR")
        return _gallery(args.json, args.verify, timeout)
    report = analyze(args.expr, args.vars, timeout=timeout)
    status = None
    if args.at is not None:
        point = parse_point(args.at, [v.name for v in report.variables])
        status = report.status_at(point)
    verification = report.verify(timeout=timeout) if args.verify else None
    if args.json:
        payload = report.to_dict()
        if status is not None:
            payload["status"] = status
            payload["point"] = args.at
        if verification is not None:
            payload["verification"] = verification.to_dict()
        print(json.dumps(payload))
        return 0
    print(report)
    if status is not None:
        print(f"  status at {args.at}: {status}")
    if verification is not None:
        print(verification)
    return 0


def _gallery(as_json: bool, verify: bool, timeout: float) -> int:
    rows = []
    for example in GALLERY:
        expression, symbols = example.expression()
        report = analyze(expression, symbols, timeout=timeout)
        verified = report.verify(timeout=timeout).holds if verify else None
        rows.append((example, report, verified))
    if as_json:
        print(json.dumps([
            {
                "name": example.name, "family": example.family, "loss": example.text,
                "variables": list(example.variables), "classification": report.classification,
                "expected": example.expected, "corridors": [c.describe() for c in report.corridors],
                "reason": report.reason, "seconds": round(report.seconds, 4),
                **({"statements_hold": verified} if verify else {}),
            }
            for example, report, verified in rows
        ]))
        return 0
    header = f"{'loss':<45} {'family':<19} {'classification':<14} {'theory':<10} {'time':>6}  corridors"
    print("Corridor gallery: classification found by corridors vs. the one theory predicts")
    print(header)
    print("-" * len(header))
    for example, report, verified in rows:
        mark = "" if report.classification == example.expected else " (differs)"
        corridors = "; ".join(c.describe() for c in report.corridors[:2])
        if len(report.corridors) > 2:
            corridors += f"; … ({len(report.corridors)} in all)"
        suffix = {True: "  [statements hold]", False: "  [a statement FAILS]", None: "  [undecided]"}.get(verified, "") if verify else ""
        text = example.text
        named = {v for v in example.variables if v in text}
        if named != set(example.variables):  # e.g. the distance to the z-axis: say z is a variable too
            text += f" in ({', '.join(example.variables)})"
        text = text if len(text) < 44 else text[:43] + "…"
        print(f"{text:<45} {example.family:<19} {report.classification + mark:<14} {example.expected:<10} "
              f"{report.seconds:>5.2f}s  {corridors or '—'}{suffix}")
    matches = sum(report.classification == example.expected for example, report, _ in rows)
    print(f"\n{matches}/{len(rows)} classifications agree with theory. "
          "Try: corridors check 'log(exp(x) + exp(y))' --at x=1,y=1 --verify")
    return 0
