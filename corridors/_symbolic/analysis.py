"""``analyze``: where are a loss's corridors?

For each smooth piece of the loss: derivatives (H g by two routes), whether
H g vanishes identically, otherwise the solution set of H g = 0 split into
components, each classified (corridor, stationary, not GF-invariant). The
result is an immutable ``CorridorReport``.
"""

from __future__ import annotations

import dataclasses
import time

import sympy as sp

from .budget import BudgetExceeded, TimeBudget, validate_timeout
from .components import CorridorComponent, _is_zero_number, sample_component
from .derivatives import Derivatives, derivatives
from .loss import prepare_loss
from .pieces import Piece, smooth_pieces
from .solving import _real_factors, solve_equations
from .zero_test import ZeroTest, all_zero, normalize

__all__ = ["CLASSIFICATIONS", "POINT_STATUSES", "DEFAULT_TIMEOUT", "PieceAnalysis", "analyze"]

CLASSIFICATIONS = ("everywhere", "partial", "none", "unknown")
POINT_STATUSES = ("corridor", "stationary", "not-corridor", "singular", "unknown")
DEFAULT_TIMEOUT = 5.0

_OPEN_SET = ZeroTest(True, sp.S.Zero, "open set: every direction is tangent")


@dataclasses.dataclass(frozen=True)
class PieceAnalysis:
    """Analysis of one smooth piece of the loss."""

    piece: Piece
    derivatives: Derivatives
    hg_vanishes: ZeroTest  # H g ≡ 0 on the whole piece?
    gradient_vanishes: ZeroTest  # g ≡ 0 on the whole piece (a plateau)?
    components: tuple  # CorridorComponent, ...
    complete: bool | None  # no component of {H g = 0} in this piece is missing
    singular: tuple  # expressions f: E is not C² where f = 0 (denominators of g, H)
    notes: tuple

    @property
    def is_open_corridor(self) -> bool | None:
        if self.hg_vanishes.verdict is not True:
            return self.hg_vanishes.verdict
        return None if self.gradient_vanishes.verdict is None else not self.gradient_vanishes.verdict


def analyze(loss, variables=None, *, timeout: float = DEFAULT_TIMEOUT):
    """Find the corridors of ``loss`` and classify it.

    A corridor is a region where gradient-flow lines are straight and
    traversed at constant speed, θ(t) = θ₀ − t g(θ₀); analytically H g = 0 there
    (H g = ½∇‖g‖², so ‖g‖ is locally constant).

    Args:
      loss: a SymPy expression, or a string parsed safely (no ``eval``).
      variables: symbols or names; default: the free symbols sorted by name.
      timeout: seconds of symbolic work; past it the answer is ``unknown``.

    Returns:
      A ``CorridorReport`` with ``classification`` in ``everywhere``,
      ``partial``, ``none``, ``unknown`` and the evidence behind it.

    Raises:
      InvalidArgument, ParseError, UnsupportedFunction: for bad input.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> report = analyze(x + y**2, [x, y])
    >>> report.classification
    'partial'
    >>> [str(c.equations) for c in report.corridors]
    ['(Eq(y, 0),)']
    >>> report.status_at({x: 3, y: 0})
    'corridor'

    Reference: Dherin & Rosca, Corridor Geometry in Gradient-Based
    Optimization, arXiv:2402.08818, Definition 2.1.
    """
    from .report import CorridorReport  # the report renders analyses; import late to avoid a cycle

    timeout = validate_timeout(timeout)
    started = time.monotonic()
    expression, symbols = prepare_loss(loss, variables)
    budget = TimeBudget(timeout)
    analyses, problems = [], []
    dropped = ()
    try:
        with budget.enforced("analysis"):
            pieces, dropped = smooth_pieces(expression, symbols)
            for piece in pieces:
                analyses.append(_analyze_piece(piece, symbols, budget))
    except BudgetExceeded as stage:
        problems.append(f"time budget of {timeout:g} s exceeded ({stage or 'analysis'})")
    except ValueError as error:
        problems.append(str(error))
    classification, reason = _classify(analyses, problems)
    return CorridorReport(
        loss=expression,
        variables=symbols,
        classification=classification,
        reason=reason,
        pieces=tuple(analyses),
        dropped_regions=tuple(dropped),
        seconds=time.monotonic() - started,
        timeout=timeout,
    )


def _analyze_piece(piece: Piece, symbols, budget: TimeBudget) -> PieceAnalysis:
    expr, region = piece.expression, piece.region
    d = derivatives(expr, symbols, region=region, budget=budget)
    options = dict(region=region, domain=expr, budget=budget)
    hg_vanishes = all_zero(d.hg, symbols, **options)
    gradient_vanishes = all_zero(d.gradient, symbols, **options)
    notes: list[str] = []
    if hg_vanishes.verdict is True:
        whole = CorridorComponent(piece.index, (), region, len(symbols), hg_vanishes, gradient_vanishes, _OPEN_SET, True)
        components, complete = (whole,), True
    elif hg_vanishes.verdict is False:
        solutions = solve_equations(list(d.hg), symbols, region=region, budget=budget)
        components = tuple(
            _component(piece, d, dict(branch), symbols, budget) for branch in solutions.branches
        )
        components = _drop_contained(components)
        complete = solutions.complete
        notes.extend(solutions.notes)
    else:
        components, complete = (), None
        notes.append(f"could not decide whether H g vanishes identically: {hg_vanishes.method}")
    return PieceAnalysis(piece, d, hg_vanishes, gradient_vanishes, components, complete, _singular(d, symbols), tuple(notes))


def _component(piece, d: Derivatives, assignment, symbols, budget) -> CorridorComponent:
    free = tuple(v for v in symbols if v not in assignment)
    on = lambda e: e.xreplace(assignment)  # noqa: E731 - restriction to the component
    region = piece.region.xreplace(assignment) if piece.region is not sp.true else sp.true
    options = dict(region=region if free else sp.true, domain=on(piece.expression), budget=budget)
    g = {v: on(component) for v, component in zip(symbols, d.gradient)}
    hg_vanishes = all_zero([on(h) for h in d.hg], free, **options)
    stationary = all_zero(list(g.values()), free, **options)
    # Tangency: each constraint c_s = v_s − φ_s(free) has ∇c_s · g = 0 on the component.
    tangency = [g[v] - sum((sp.diff(phi, f) * g[f] for f in free), sp.S.Zero) for v, phi in assignment.items()]
    invariant = all_zero(tangency, free, **options)
    if region is sp.true:
        meets = True
    elif not free:
        meets = {sp.true: True, sp.false: False}.get(region, None)
    else:
        meets = True if sample_component(assignment, free, piece.region, piece.expression, count=1) else None
    equations = tuple(sp.Eq(v, assignment[v]) for v in symbols if v in assignment)
    return CorridorComponent(piece.index, equations, piece.region, len(free), hg_vanishes, stationary, invariant, meets)


def _drop_contained(components):
    """Drop components lying inside a larger one of the same piece (e.g. a point on a line)."""
    kept = []
    for small in sorted(components, key=lambda c: -c.dimension):
        inside = any(
            big.dimension > small.dimension
            and all(normalize((eq.lhs - eq.rhs).xreplace(small.assignment)) == 0 for eq in big.equations)
            for big in kept
        )
        if not inside:
            kept.append(small)
    return tuple(kept)


def _singular(d: Derivatives, symbols) -> tuple:
    """Factors of the denominators of g and H: E is not twice differentiable where they vanish."""
    denominators = []
    for entry in list(d.gradient) + list(d.hessian):
        for power in entry.atoms(sp.Pow):
            # Negative powers are denominators; fractional ones (√P) are not differentiable at P = 0.
            if power.exp.is_negative or (power.exp.is_Rational and not power.exp.is_integer):
                if not power.base.is_number and power.base not in denominators:
                    denominators.append(power.base)
    factors = []
    for denominator in denominators:
        for factor in _real_factors(denominator):
            if factor not in factors:
                factors.append(factor)
    return tuple(factors)


def _classify(analyses, problems) -> tuple[str, str]:
    corridors = [c for a in analyses for c in a.components if c.is_corridor is True]
    hg = [a.hg_vanishes.verdict for a in analyses]
    described = "; ".join(c.describe() for c in corridors[:3])
    if analyses and False in hg and corridors:
        return "partial", f"H g ≢ 0, but there is a corridor: {described}"
    if problems:
        return "unknown", "; ".join(problems)
    if not analyses:
        return "unknown", "no smooth piece with interior points was found"
    if all(v is True for v in hg):
        plateau = [a for a in analyses if a.gradient_vanishes.verdict is True]
        extra = f" ({len(plateau)} flat piece(s) where g = 0)" if plateau else ""
        return "everywhere", "H g ≡ 0 on the domain minus the singular set" + extra
    reasons = []
    for a in analyses:
        label = f"piece {a.piece.index + 1}: " if len(analyses) > 1 else ""
        if a.hg_vanishes.verdict is None:
            reasons.append(f"{label}undecided whether H g ≡ 0 ({a.hg_vanishes.method})")
        elif a.hg_vanishes.verdict is True and a.gradient_vanishes.verdict is not True:
            reasons.append(f"{label}undecided whether g ≡ 0 on a piece where H g ≡ 0")
        if a.complete is not True and a.hg_vanishes.verdict is False:
            reasons.append(f"{label}solution set of H g = 0 may be incomplete ({'; '.join(a.notes) or 'unknown'})")
        for c in a.components:
            if c.is_corridor is None:
                reasons.append(f"{label}undecided component {c.describe()}")
    if reasons:
        return "unknown", "; ".join(reasons)
    kinds = sorted({c.kind for a in analyses for c in a.components} - {"corridor"})
    found = f" (components: {', '.join(kinds)})" if kinds else ""
    return "none", "H g vanishes only at stationary points or on sets gradient flow leaves" + found if kinds else "H g = 0 has no real solution"


def exact_point(point, symbols) -> dict:
    """Validate a point (symbol or name → finite real number) and make it exact."""
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
    exact = {}
    for key, value in point.items():
        name = key.name if isinstance(key, sp.Symbol) else key
        if name not in by_name:
            raise InvalidArgument(f"the point names {name!r}, which is not a variable ({', '.join(by_name)})")
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
    if isinstance(value, int) or (hasattr(value, "is_integer") and isinstance(value, int)):
        return sp.Integer(int(value))
    return sp.Rational(repr(number))  # the decimal the user wrote, exactly


def point_status(report, point) -> str:
    """``corridor``, ``stationary``, ``not-corridor``, ``singular`` or ``unknown`` at ``point``.

    Exact arithmetic at the point runs under the report's time budget; past it
    the status is ``unknown``.
    """
    pt = exact_point(point, report.variables)
    try:
        with TimeBudget(report.timeout).enforced("status_at"):
            return _point_status(report, pt)
    except BudgetExceeded:
        return "unknown"


def _point_status(report, pt) -> str:
    from .._errors import InvalidArgument

    value = report.loss.xreplace(pt)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or (value.is_real is False):
        if _non_smooth_boundary(report, pt) is None:
            raise InvalidArgument(f"the loss is not defined (not finite and real) at {_format_point(pt)}")
    if not report.pieces:
        return "unknown"
    analysis = _piece_at(report, pt)
    if analysis is None:
        return "singular"
    d = analysis.derivatives
    g = [e.xreplace(pt) for e in d.gradient]
    H = [e.xreplace(pt) for e in d.hessian]
    if any(_not_finite(v) for v in g + H):
        return "singular"
    if any(f.xreplace(pt) == 0 for f in analysis.singular):
        return "singular"
    gradient_zero = [_is_zero_number(v) for v in g]
    if all(v is True for v in gradient_zero):
        return "stationary"
    if None in gradient_zero:
        return "unknown"
    if analysis.is_open_corridor is True:
        return "corridor"
    containing = [c for c in analysis.components if c.contains(pt) is not False]
    if any(c.is_corridor is True and c.contains(pt) is True for c in containing):
        return "corridor"
    hg_zero = [_is_zero_number(e.xreplace(pt)) for e in d.hg]
    if False in hg_zero:
        return "not-corridor"
    if None in hg_zero or any(c.is_corridor is None or c.contains(pt) is None for c in containing):
        return "unknown"
    if containing:  # on {H g = 0}, but only on stationary or non-invariant components
        return "not-corridor"
    return "unknown"  # H g = 0 here yet no component was found: the solution set is incomplete


def _piece_at(report, pt):
    """The piece whose formula holds at ``pt``; None at a non-smooth junction of pieces."""
    boundary = _non_smooth_boundary(report, pt)
    if boundary is not None:
        return boundary or None
    for analysis in report.pieces:
        if analysis.piece.region.xreplace(pt) is sp.true:
            return analysis
    return None


def _non_smooth_boundary(report, pt):
    """None if ``pt`` is inside one piece; else the piece to use there, or False if E is not C² there."""
    if len(report.pieces) < 2:
        return None
    inside = [a for a in report.pieces if a.piece.region.xreplace(pt) is sp.true]
    closure = [a for a in report.pieces if _relaxed(a.piece.region).xreplace(pt) is sp.true]
    if len(closure) <= 1:
        return None if inside else (closure[0] if closure else False)
    # The pieces meeting here must agree up to second derivatives for E to be C² at pt.
    jets = []
    for a in closure:
        d = a.derivatives
        jets.append([sp.nsimplify(e.xreplace(pt)) for e in [a.piece.expression, *d.gradient, *d.hessian]])
    if all(_is_zero_number(p - q) is True for jet in jets[1:] for p, q in zip(jets[0], jet)):
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
