"""The status of one point: decided at the point first, from the global analysis only if needed.

At an exact point p of a smooth piece (in this order):

1. E is not C² at p (a kink between pieces that differ to second order, a
   denominator or radicand of g or H vanishing): ``singular``;
2. g(p) = 0 exactly: ``stationary``;
3. the piece is an open corridor (H g ≡ 0, g ≢ 0): ``corridor``;
4. (H g)(p) ≠ 0 exactly: ``not-corridor``;
5. the line identity: p is a corridor point exactly when the straight line
   θ(s) = p + s·g(p) keeps g constant, g(θ(s)) ≡ g(p) for small s (the line is
   then the flow line, and H g = 0 along it). The residual is exact in s; it is
   0 by exact normalisation (``corridor``) or non-zero at a tiny s in a
   50-digit evaluation (``not-corridor``, since H g(p) = 0 makes the residual
   O(s²));
6. only then the global components: membership in a certified corridor.

Nothing of this needs the global solution set, so a point keeps its exact
status when the global analysis ran out of time.
"""

from __future__ import annotations

import sympy as sp

from .._budget import BudgetExceeded, TimeBudget
from .components import is_zero_number
from .derivatives import derivatives
from .pieces import smooth_pieces
from .vocabulary import PointStatus
from .zero_test import normalize, value_at

__all__ = ["exact_point", "line_identity_at", "point_status"]

_SMALL_STEPS = (sp.Rational(1, 10**3), sp.Rational(1, 10**5))


def exact_point(point, symbols, parameters=()) -> dict:
    """Validate a point (symbol or name → finite real number) and make it exact.

    Values for ``parameters`` may be given too; the others stay symbolic.
    """
    from .._errors import InvalidArgument

    if not isinstance(point, dict):
        try:
            values = list(point)
        except TypeError:
            raise InvalidArgument(f"a point must be a dict or a sequence of numbers, got {point!r}") from None
        if len(values) != len(symbols):
            raise InvalidArgument(f"the point has {len(values)} coordinates; the loss has {len(symbols)} variables")
        point = dict(zip(symbols, values))
    by_name = {s.name: s for s in symbols}
    by_name.update({p.name: p for p in parameters})
    exact = {}
    for key, value in point.items():
        name = key.name if isinstance(key, sp.Symbol) else key
        if name not in by_name:
            known = ", ".join(s.name for s in symbols)
            raise InvalidArgument(f"the point names {name!r}, which is not a variable ({known})")
        exact[by_name[name]] = _exact_number(value, name)
    missing = [s.name for s in symbols if s not in exact]
    if missing:
        raise InvalidArgument(f"the point gives no value for {', '.join(missing)}")
    return exact


def _exact_number(value, name):
    from .._errors import InvalidArgument

    if isinstance(value, bool):
        raise InvalidArgument(f"the value of {name} must be a number, got {value!r}")
    if isinstance(value, sp.Basic):
        if not value.is_number or value.is_real is False or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InvalidArgument(f"the value of {name} must be a finite real number, got {value}")
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidArgument(f"the value of {name} must be a finite real number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidArgument(f"the value of {name} must be finite, got {value!r}")
    if isinstance(value, int):
        return sp.Integer(int(value))
    return sp.Rational(repr(number))  # the decimal the user wrote, exactly


def point_status(report, point) -> PointStatus:
    """``corridor``, ``stationary``, ``not-corridor``, ``singular`` or ``unknown`` at ``point``.

    Exact arithmetic at the point runs under the report's time budget; past it
    the status is ``unknown``.
    """
    pt = exact_point(point, report.piece_variables, report.piece_parameters)
    try:
        with TimeBudget(report.timeout).enforced("status_at"):
            return _point_status(report, pt)
    except BudgetExceeded:
        return "unknown"


def line_identity_at(formula, symbols, point, gradient=None) -> bool | None:
    """Is ``point`` a corridor point of the smooth ``formula``: g(p + s g(p)) ≡ g(p) near s = 0?

    Assumes g(p) ≠ 0 and (H g)(p) = 0. True by exact normalisation in s, False
    when the residual is clearly non-zero at a tiny s, None otherwise.
    """
    if gradient is None:
        gradient = [sp.diff(formula, v) for v in symbols]
    g_at = [sp.nsimplify(e.xreplace(point)) if not e.xreplace(point).is_Rational else e.xreplace(point)
            for e in gradient]
    s = sp.Dummy("s")
    line = {v: point[v] + s * gv for v, gv in zip(symbols, g_at)}
    residual = [e.xreplace(line) - gv for e, gv in zip(gradient, g_at)]
    if all(normalize(r, (s,)) == 0 for r in residual):
        return True
    for step in _SMALL_STEPS:
        values = [value_at(r, ((s, step),)) for r in residual]
        if any(v is not None and abs(v) > 1e-25 for v in values):
            return False
    simplified = [sp.simplify(r) for r in residual]
    return True if all(r == 0 for r in simplified) else None


def _point_status(report, pt) -> PointStatus:
    from .._errors import InvalidArgument

    value = report.piece_loss.xreplace(pt)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or (value.is_real is False):
        if _non_smooth_boundary(report.pieces, pt) is None:
            raise InvalidArgument(f"the loss is not defined (not finite and real) at {_format_point(pt)}")
    pieces = report.pieces or _local_pieces(report)
    if not pieces:
        return "unknown"
    analysis = _piece_at(pieces, pt)
    if analysis is None:
        return "singular"
    d = analysis.derivatives
    g = [e.xreplace(pt) for e in d.gradient]
    H = [e.xreplace(pt) for e in d.hessian]
    if any(_not_finite(v) for v in g + H):
        return "singular"
    if any(f.xreplace(pt) == 0 for f in analysis.singular):
        return "singular"
    gradient_zero = [is_zero_number(v) for v in g]
    if all(v is True for v in gradient_zero):
        return "stationary"
    if None in gradient_zero:
        return "unknown"
    if analysis.is_open_corridor is True:
        return "corridor"
    hg_zero = [is_zero_number(e.xreplace(pt)) for e in d.hg]
    if False in hg_zero:
        return "not-corridor"
    if None not in hg_zero:
        local = line_identity_at(analysis.piece.expression, report.piece_variables, pt, list(d.gradient))
        if local is not None:
            return "corridor" if local else "not-corridor"
    containing = [c for c in analysis.components if c.contains(pt) is not False]
    if any(c.is_corridor is True and c.contains(pt) is True for c in containing):
        return "corridor"
    return "unknown"


class _LocalPiece:
    """What status_at needs of a piece when the global analysis stopped before it."""

    def __init__(self, piece, d):
        self.piece, self.derivatives = piece, d
        self.singular, self.components = (), ()
        self.is_open_corridor = None


def _local_pieces(report):
    try:
        pieces, _ = smooth_pieces(report.piece_loss, report.piece_variables)
    except ValueError:
        return ()
    return tuple(_LocalPiece(p, derivatives(p.expression, report.piece_variables)) for p in pieces)


def _piece_at(pieces, pt):
    """The piece whose formula holds at ``pt``; None at a non-smooth junction of pieces."""
    boundary = _non_smooth_boundary(pieces, pt)
    if boundary is not None:
        return boundary or None
    for analysis in pieces:
        if analysis.piece.region.xreplace(pt) is sp.true:
            return analysis
    return None


def _non_smooth_boundary(pieces, pt):
    """None if ``pt`` is inside one piece; else the piece to use there, or False if E is not C² there."""
    if len(pieces) < 2:
        return None
    inside = [a for a in pieces if a.piece.region.xreplace(pt) is sp.true]
    closure = [a for a in pieces if _relaxed(a.piece.region).xreplace(pt) is sp.true]
    if len(closure) <= 1:
        return None if inside else (closure[0] if closure else False)
    # The pieces meeting here must agree up to second derivatives for E to be C² at pt.
    jets = []
    for a in closure:
        d = a.derivatives
        jets.append([sp.nsimplify(e.xreplace(pt)) for e in [a.piece.expression, *d.gradient, *d.hessian]])
    if all(is_zero_number(p - q) is True for jet in jets[1:] for p, q in zip(jets[0], jet)):
        return inside[0] if inside else closure[0]
    return False


def _relaxed(region):
    """The closure of an open region: strict inequalities made non-strict."""
    return region.replace(lambda e: isinstance(e, sp.StrictLessThan), lambda e: sp.Le(e.lhs, e.rhs)).replace(
        lambda e: isinstance(e, sp.StrictGreaterThan), lambda e: sp.Ge(e.lhs, e.rhs)
    )


def _not_finite(value) -> bool:
    return value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or value.is_real is False


def _format_point(pt) -> str:
    return ", ".join(f"{k}={v}" for k, v in pt.items())
