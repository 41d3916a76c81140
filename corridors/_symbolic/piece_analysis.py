"""Analysis of one smooth piece: derivatives, whether H g ≡ 0, and the corridor components.

Two routes find the components where H g ≢ 0:

* **algebra** (``algebraic/``), for every formula with an algebraic model
  (polynomial and rational losses, exponentials of linear forms, square roots,
  trigonometric functions): the corridor set is decided exactly by Gröbner
  bases, and only its real points are searched;
* **solving** (``solving.py``), for the rest and for the candidate components
  of a relaxed model: ``sympy.solve`` branch by branch, each candidate checked
  by exact zero tests, completeness certified only where it can be argued.

The components that are not corridors (stationary points, sets the flow
leaves) are listed by ``other_components.py`` for small systems.

A certified corridor is kept even when the rest of the piece is undecided (a
lower bound); ``corridors_decided`` says whether the list of corridors is
known to be complete.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .algebraic.corridor_set import AlgebraicDecision, decide_corridor_set
from .algebraic.ideals import engine_name
from .algebraic.models import AlgebraicModel, algebraic_model
from .bounds import bounded_below_and_entire
from .._budget import BudgetExceeded, TimeBudget
from .components import CorridorComponent, sample_component
from .derivatives import Derivatives, derivatives
from .families import merge_families, periodic_presentation
from .other_components import other_components
from .pieces import Piece
from .regions import region_test
from .solving import real_factors, solve_equations
from .zero_test import ZeroTest, all_zero, find_witness, normalize, value_at

__all__ = ["PieceAnalysis", "analyze_piece"]

_OPEN_SET = ZeroTest(True, sp.S.Zero, "open set: every direction is tangent")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PieceAnalysis:
    """Analysis of one smooth piece of the loss."""

    piece: Piece
    derivatives: Derivatives
    hg_vanishes: ZeroTest  # H g ≡ 0 on the whole piece?
    gradient_vanishes: ZeroTest  # g ≡ 0 on the whole piece (a plateau)?
    components: tuple  # CorridorComponent, ...
    complete: bool | None  # every component of {H g = 0} in this piece is listed
    singular: tuple  # expressions f: E is not C² where f = 0 (denominators of g, H)
    notes: tuple
    corridors_decided: bool | None = None  # every corridor of the piece is among the components
    method: str = ""  # how the corridors were decided
    model: AlgebraicModel | None = None

    @property
    def is_open_corridor(self) -> bool | None:
        if self.hg_vanishes.verdict is not True:
            return self.hg_vanishes.verdict
        return None if self.gradient_vanishes.verdict is None else not self.gradient_vanishes.verdict

    @property
    def corridors(self) -> tuple:
        return tuple(c for c in self.components if c.is_corridor is True)


def analyze_piece(piece: Piece, symbols, budget: TimeBudget, parameters=()) -> PieceAnalysis:
    """Analyze one smooth piece; raises ``BudgetExceeded`` only if its derivatives time out.

    ``parameters`` are data symbols held constant: algebraic answers then hold
    for generic values of them, structural ones (H g ≡ 0, bounded below) for all.

    >>> import sympy as sp
    >>> from corridors._budget import TimeBudget
    >>> from corridors._symbolic.pieces import Piece
    >>> x, y = sp.symbols("x y", real=True)
    >>> analysis = analyze_piece(Piece(0, sp.log(sp.exp(x) + sp.exp(y)), sp.true), [x, y], TimeBudget(60))
    >>> [c.equations for c in analysis.components if c.is_corridor]
    [(Eq(x, y),)]
    >>> analysis.corridors_decided
    True
    """
    expr, region = piece.expression, piece.region
    model = algebraic_model(expr, symbols, parameters)
    d = derivatives(expr, symbols, region=region, budget=budget, model=model)
    options = dict(region=region, domain=expr, budget=budget)
    notes: list[str] = []
    try:
        # Witnesses draw values for the parameters too: non-zero at one value is non-zero generically.
        sampled = tuple(symbols) + tuple(parameters)
        hg_vanishes = _vanishes(model.hg if model else None, d.hg, sampled, options, piece.interior)
        gradient_vanishes = _vanishes(model.gradient if model else None, d.gradient, sampled, options,
                                      piece.interior)
    except BudgetExceeded:
        undecided = ZeroTest(None, sp.nan, "time budget exceeded")
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=undecided, gradient_vanishes=undecided,
                             components=(), complete=None, singular=_singular(d), notes=("time budget exceeded",))
    singular = _singular(d)
    if hg_vanishes.verdict is True:
        whole = CorridorComponent(piece=piece.index, equations=(), region=region, dimension=len(symbols),
                                  hg_vanishes=hg_vanishes, stationary=gradient_vanishes, invariant=_OPEN_SET,
                                  meets_region=True, method="H g ≡ 0 on the piece")
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=(whole,), complete=True,
                             singular=singular, notes=(), corridors_decided=True,
                             method="H g ≡ 0 by exact normalisation")
    if hg_vanishes.verdict is None:
        notes.append(f"could not decide whether H g vanishes identically: {hg_vanishes.method}")
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=(), complete=None, singular=singular,
                             notes=tuple(notes))
    bounded = bounded_below_and_entire(expr, symbols)
    if bounded is not None:
        listed, complete = (), None
        if model is not None:
            listed, complete = other_components(piece, d, model, (), symbols, budget, notes)
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=listed, complete=complete,
                             singular=singular, notes=tuple(notes), corridors_decided=True,
                             method=f"bounded below: {bounded}", model=model)
    decision = None
    if model is not None:
        try:
            decision = decide_corridor_set(model, admissible_region=region_test(region), region=region,
                                           budget=budget)
        except BudgetExceeded:
            hint = "" if engine_name() == "Singular" else " (pip install 'corridors[algebra]' for the faster Singular engine)"
            notes.append("time budget exceeded in the algebraic decision" + hint)
    if decision is not None and _decided(decision, region):
        found = [_from_algebra(piece, decision, c, symbols) for c in decision.components
                 if c.real.verdict is True]
        found = merge_families(found)
        corridor_bases = tuple(c.basis for c in decision.components)
        listed, complete = other_components(piece, d, model, corridor_bases, symbols, budget, notes)
        method = f"{decision.method} ({decision.corridor_set.engine}): {decision.reason}"
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=tuple(found) + listed,
                             complete=complete, singular=singular, notes=tuple(notes), corridors_decided=True,
                             method=method, model=model)
    if decision is not None:
        notes.append(f"algebra: {decision.reason}")
    if parameters:
        # sympy.solve divides by parameter expressions without saying so: not an honest route here.
        notes.append(f"the corridor set depends on the parameters {', '.join(map(str, parameters))}: "
                     "substitute values for them to decide")
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=(), complete=None, singular=singular,
                             notes=tuple(notes), corridors_decided=None, method="parametric loss", model=model)
    # Solving route: for losses without a model, relaxed models and undecided real points.
    equations = list(d.hg)
    if decision is not None and decision.components:
        # Candidates from the relaxed model narrow the search: solve their equations in θ.
        candidates = _candidate_components(piece, d, decision, symbols, budget, notes)
        corridors_decided = None
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=candidates, complete=None,
                             singular=singular, notes=tuple(notes), corridors_decided=corridors_decided,
                             method="candidates of a relaxed algebraic model, solved in θ", model=model)
    try:
        solutions = solve_equations(equations, symbols, region=region, budget=budget)
        components = tuple(_component(piece, d, dict(branch), symbols, budget) for branch in solutions.branches)
    except BudgetExceeded:
        notes.append("time budget exceeded while solving H g = 0")
        return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes,
                             gradient_vanishes=gradient_vanishes, components=(), complete=None, singular=singular,
                             notes=tuple(notes), corridors_decided=None, method="sympy.solve", model=model)
    components = tuple(merge_families(list(_drop_contained(components))))
    notes.extend(solutions.notes)
    decided = solutions.complete is True and all(c.is_corridor is not None for c in components)
    return PieceAnalysis(piece=piece, derivatives=d, hg_vanishes=hg_vanishes, gradient_vanishes=gradient_vanishes,
                         components=components, complete=solutions.complete, singular=singular, notes=tuple(notes),
                         corridors_decided=True if decided else None, method="solving H g = 0 branch by branch",
                         model=model)


def _vanishes(in_model, exprs, symbols, options, interior=()) -> ZeroTest:
    """Zero test of ``exprs``: exact in the algebraic model when there is one, witness or normalisation otherwise."""
    if in_model is not None and all(e == 0 for e in in_model):
        return ZeroTest(True, sp.S.Zero, "exact: zero as a rational function of the algebraic model")
    for point in interior:  # known points of the piece: the cheapest witnesses
        for e in exprs:
            value = value_at(e, point)
            if value is not None and abs(value) > 1e-12:
                return ZeroTest(False, e, "non-zero at an interior point of the piece (30-digit evaluation)", point)
    if in_model is not None:
        for e in exprs:
            witness = find_witness(e, symbols, options["region"], options["domain"])
            if witness is not None:
                return ZeroTest(False, e, "non-zero at a witness point (30-digit evaluation)", witness)
    return all_zero(exprs, symbols, **options)


def _decided(decision: AlgebraicDecision, region) -> bool:
    if decision.has_corridor is False:
        return True
    if decision.has_corridor is True:
        # Real points of an exact model are corridor points; on a non-smooth piece they
        # must also lie in the piece, which is only tested in θ for rational models.
        return decision.model.is_rational or region is sp.true
    return False


def _from_algebra(piece, decision: AlgebraicDecision, component, symbols) -> CorridorComponent:
    engine = decision.corridor_set.engine
    equations, integers = component.equations, ()
    if not decision.model.is_rational:
        equations, integers = periodic_presentation(decision.model, component.basis, component.generators,
                                                    equations)
    witness = component.real.point or {}
    gradient_at = [sp.sympify(decision.model.numerator(g)).xreplace(witness) for g in decision.model.gradient]
    hg = ZeroTest(True, sp.S.Zero, f"H g lies in the corridor ideal ({decision.method}, {engine})")
    stationary = ZeroTest(False, sp.Matrix(gradient_at), f"g ≠ 0 at the real point {_short_point(witness)}",
                          tuple(witness.items()))
    invariant = ZeroTest(True, sp.S.Zero, f"the corridor ideal is closed under the flow ({decision.method})")
    ideal = tuple(component.basis) if decision.model.is_rational else ()
    return CorridorComponent(piece=piece.index, equations=tuple(equations), region=piece.region,
                             dimension=component.dimension, hg_vanishes=hg, stationary=stationary,
                             invariant=invariant, meets_region=True, integers=tuple(integers),
                             method=f"{decision.method} ({engine})", ideal=ideal)


def _short_point(point) -> str:
    text = ", ".join(f"{k} = {v}" for k, v in point.items())
    return text if len(text) < 120 else text[:119] + "…"




def _candidate_components(piece, d, decision: AlgebraicDecision, symbols, budget, notes):
    """Components of a relaxed model, solved in θ and checked exactly: certified ones are kept."""
    found = []
    for candidate in decision.components:
        if candidate.real.verdict is False:
            continue
        # Relations of the model (sin² + cos² = 1, r² = B) hold identically in θ: drop the
        # equations that vanish at sample points. Dropping more only widens the search, and
        # every component found is checked exactly below.
        equations = [e for e in (eq.lhs - eq.rhs for eq in candidate.equations)
                     if find_witness(e, symbols, count=2) is not None]
        try:
            solutions = solve_equations(equations, symbols, region=piece.region, budget=budget)
        except BudgetExceeded:
            notes.append("time budget exceeded while solving a candidate component")
            break
        for branch in solutions.branches:
            component = _component(piece, d, dict(branch), symbols, budget)
            found.append(component)
        if solutions.complete is not True:
            notes.append(f"the solutions of {', '.join(map(str, candidate.equations))} may be incomplete")
    return tuple(merge_families(list(_drop_contained(tuple(found)))))


def _component(piece, d: Derivatives, assignment, symbols, budget) -> CorridorComponent:
    free = tuple(v for v in symbols if v not in assignment)
    integers = tuple(sorted({s for e in assignment.values() for s in e.free_symbols if s.is_integer}, key=str))
    on = lambda e: e.xreplace(assignment)  # noqa: E731 - restriction to the component
    region = piece.region.xreplace(assignment) if piece.region is not sp.true else sp.true
    parameters = free + integers
    options = dict(region=region if parameters else sp.true, domain=on(piece.expression), budget=budget)
    g = {v: on(component) for v, component in zip(symbols, d.gradient)}
    try:
        hg_vanishes = all_zero([on(h) for h in d.hg], parameters, **options)
        stationary = all_zero(list(g.values()), parameters, **options)
        # Tangency: each constraint c_s = v_s − φ_s(free) has ∇c_s · g = 0 on the component.
        tangency = [g[v] - sum((sp.diff(phi, f) * g[f] for f in free), sp.S.Zero) for v, phi in assignment.items()]
        invariant = all_zero(tangency, parameters, **options)
    except BudgetExceeded:
        undecided = ZeroTest(None, sp.nan, "time budget exceeded")
        hg_vanishes = stationary = invariant = undecided
    meets: bool | None
    if region is sp.true:
        meets = True
    elif not parameters:
        meets = {sp.true: True, sp.false: False}.get(region, None)
    else:
        meets = True if sample_component(assignment, parameters, piece.region, piece.expression, count=1) else None
    equations = tuple(sp.Eq(v, assignment[v], evaluate=False) for v in symbols if v in assignment)
    return CorridorComponent(piece=piece.index, equations=equations, region=piece.region, dimension=len(free),
                             hg_vanishes=hg_vanishes, stationary=stationary, invariant=invariant, meets_region=meets,
                             integers=integers, method="solving H g = 0")


def _drop_contained(components):
    """Drop components lying inside a larger one of the same piece (e.g. a point on a line)."""
    kept = []
    for small in sorted(components, key=lambda c: -(c.dimension or 0)):
        inside = any(
            (big.dimension or 0) > (small.dimension or 0)
            and all(normalize((v - phi).xreplace(small.assignment)) == 0 for v, phi in big.assignment.items())
            and not big.implicit
            for big in kept
        )
        if not inside:
            kept.append(small)
    return tuple(kept)


def _singular(d: Derivatives) -> tuple:
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
        for factor in real_factors(denominator):
            if factor not in factors:
                factors.append(factor)
    return tuple(factors)
