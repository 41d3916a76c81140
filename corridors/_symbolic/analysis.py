"""``analyze``: where are a loss's corridors?

The loss is split into smooth pieces (``pieces``); each piece is analyzed
(``piece_analysis``): derivatives with H g by two routes, whether H g vanishes
identically, and otherwise its corridor components, decided by algebra where
the loss has an algebraic model and by solving otherwise. The classification
then follows from the pieces, with two rules that keep it honest:

* a certified corridor makes the loss at least ``partial``, even when the
  rest is undecided (the reason then says what is still open);
* ``none`` needs every piece decided; anything undecided is ``unknown``.

The result is an immutable ``CorridorReport``.
"""

from __future__ import annotations


from .._budget import BudgetExceeded, TimeBudget, cpu_seconds, validate_timeout
from .loss import prepare
from .piece_analysis import PieceAnalysis, analyze_piece
from .pieces import smooth_pieces
from .report import CorridorReport
from .vocabulary import CLASSIFICATIONS, POINT_STATUSES, Classification

__all__ = ["CLASSIFICATIONS", "POINT_STATUSES", "DEFAULT_TIMEOUT", "PieceAnalysis", "analyze"]

DEFAULT_TIMEOUT = 5.0


def analyze(loss, variables=None, *, timeout: float = DEFAULT_TIMEOUT) -> CorridorReport:
    """Find the corridors of ``loss`` and classify it.

    A corridor is a region where gradient-flow lines are straight and
    traversed at constant speed, θ(t) = θ₀ − t g(θ₀); analytically H g = 0 there
    (H g = ½∇‖g‖², so ‖g‖ is locally constant).

    Args:
      loss: a SymPy expression, or a string parsed safely (no ``eval``).
      variables: symbols or names; default: the free symbols sorted by name.
      timeout: CPU seconds of symbolic work (Singular's included); past it the undecided parts are
        ``unknown``. CPU time, not wall-clock time: a busy machine does not change the verdict.

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
    timeout = validate_timeout(timeout)
    started = cpu_seconds()  # parsing included
    prepared = prepare(loss, variables)
    expression, symbols, parameters = prepared.expression, prepared.variables, prepared.parameters
    budget = TimeBudget(timeout)
    analyses, problems, dropped, kinks = [], [], (), ()
    try:
        with budget.enforced("splitting into smooth pieces"):
            split = smooth_pieces(expression, symbols)
            pieces, dropped, kinks = split.pieces, split.dropped, split.kinks
    except BudgetExceeded:
        pieces = ()
        problems.append(f"CPU time budget of {timeout:g} s exceeded while splitting the loss into smooth pieces")
    except ValueError as error:
        pieces = ()
        problems.append(str(error))
    for piece in pieces:
        try:
            with budget.enforced("analysis"):
                analyses.append(analyze_piece(piece, symbols, budget, parameters))
        except BudgetExceeded as stage:
            label = f"piece {piece.index + 1}: " if len(pieces) > 1 else ""
            problems.append(f"{label}CPU time budget of {timeout:g} s exceeded ({stage or 'analysis'})")
    classification, reason = classify(analyses, problems, complete=len(analyses) == len(pieces))
    if parameters and classification != "unknown":
        reason += _parameter_scope(analyses, parameters)
    undecided = tuple(problems) + tuple(_undecided(analyses)) + (
        () if analyses or problems else ("no smooth piece with interior points was found",))
    user = {w: u for w, u in zip(symbols, prepared.user_variables)}
    user.update({p: next((s for s in prepared.user_expression.free_symbols if s.name == p.name), p)
                 for p in parameters})
    return CorridorReport(
        loss=prepared.user_expression,
        variables=tuple(prepared.user_variables),
        classification=classification,
        reason=reason,
        pieces=tuple(analyses),
        dropped_regions=tuple(dropped),
        kinks=tuple(kinks),
        undecided=undecided,
        parameters=tuple(user[p] for p in parameters),
        piece_variables=tuple(symbols),
        piece_loss=expression,
        piece_parameters=tuple(parameters),
        seconds=cpu_seconds() - started,
        timeout=timeout,
    )


def classify(analyses, problems, *, complete: bool = True) -> tuple[Classification, str]:
    """Classification and reason from the analyses of the pieces (see the module docstring)."""
    corridors = [c for a in analyses for c in a.corridors]
    hg = [a.hg_vanishes.verdict for a in analyses]
    flat = [a.gradient_vanishes.verdict for a in analyses]
    undecided = _undecided(analyses)
    if analyses and complete and not problems and all(v is True for v in hg):
        if all(f is True for f in flat):
            return "none", "g ≡ 0: every point is stationary, and a corridor needs g ≠ 0"
        plateau = [a for a in analyses if a.gradient_vanishes.verdict is True]
        extra = f" ({len(plateau)} flat piece(s) where g = 0)" if plateau else ""
        return "everywhere", "H g ≡ 0 on the domain minus the singular set" + extra
    if corridors:
        described = "; ".join(c.describe() for c in corridors[:3])
        if len(corridors) > 3:
            described += f"; … ({len(corridors)} in all)"
        still = problems + undecided
        rest = f"; still undecided: {'; '.join(still)}" if still else ""
        return "partial", f"H g ≢ 0, but there is a corridor: {described}{rest}"
    if problems:
        return "unknown", "; ".join(problems + undecided)
    if not analyses:
        return "unknown", "no smooth piece with interior points was found"
    if undecided:
        return "unknown", "; ".join(undecided)
    kinds = sorted({c.kind for a in analyses for c in a.components} - {"corridor"})
    methods = sorted({a.method.split(":")[0] for a in analyses if a.method})
    how = f" [{'; '.join(methods)}]" if methods else ""
    if kinds:
        return "none", ("H g vanishes only at stationary points or on sets gradient flow leaves "
                        f"(components: {', '.join(kinds)}){how}")
    return "none", f"no corridor point: H g = 0 has no real solution with g ≠ 0 that the flow keeps{how}"


def _parameter_scope(analyses, parameters) -> str:
    names = ", ".join(p.name for p in parameters)
    # A bound holds at every value; H g ≡ 0 with g ≢ 0, or algebra over ℚ(parameters), only generically.
    structural = all(a.method.startswith("bounded below") for a in analyses)
    if structural:
        return f" (for every value of the parameters {names})"
    return f" (for generic values of the parameters {names}: all but a set of measure zero)"


def _undecided(analyses) -> list[str]:
    reasons = []
    for a in analyses:
        label = f"piece {a.piece.index + 1}: " if len(analyses) > 1 else ""
        if a.hg_vanishes.verdict is None:
            reasons.append(f"{label}undecided whether H g ≡ 0 ({a.hg_vanishes.method})")
            continue
        if a.hg_vanishes.verdict is True:
            if a.gradient_vanishes.verdict is None:
                reasons.append(f"{label}undecided whether g ≡ 0 on a piece where H g ≡ 0")
            continue
        if a.corridors_decided is not True:
            detail = "; ".join(a.notes) or "the corridor set is not known to be complete"
            reasons.append(f"{label}corridors may be missing ({detail})")
        for c in a.components:
            if c.is_corridor is None:
                reasons.append(f"{label}undecided component {c.describe()}")
    return reasons


__all__ += ["classify"]
