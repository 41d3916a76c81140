"""The components of {H g = 0} that are not corridors: stationary points and sets the flow leaves.

Listing them needs the prime decomposition of ⟨H g⟩ itself, which is much
harder than the corridor ideal; it is attempted only for small systems, and
never for the verdict.
"""

from __future__ import annotations

import sympy as sp

from .algebraic.corridor_set import hg_components
from .algebraic.ideals import fibre, invariant_set
from .algebraic.real_points import all_real_solutions, real_point
from .._budget import BudgetExceeded
from .components import CorridorComponent
from .regions import condition_holds
from .zero_test import ZeroTest

__all__ = ["other_components"]

# Listing the non-corridor components of {H g = 0} (stationary points, sets the flow
# leaves) needs the prime decomposition of ⟨H g⟩ itself, which is much harder than
# the corridor ideal; it is attempted only for small systems, never for the verdict.
_LISTING_MAX_VARIABLES = 3
_LISTING_MAX_DEGREE = 8


def other_components(piece, d, model, corridor_bases, symbols, budget, notes):
    """Stationary points and sets the flow leaves: listed for small models only."""
    if model.parameters or len(symbols) > _LISTING_MAX_VARIABLES:
        return (), None
    if not model.is_rational:
        return _other_components_with_atoms(piece, d, model, corridor_bases, budget, notes)
    numerators = [model.numerator(h) for h in model.hg]
    degree = max((sp.Poly(h, *symbols).total_degree() for h in numerators if h != 0), default=0)
    if degree > _LISTING_MAX_DEGREE:
        return (), None
    try:
        ideal = invariant_set(numerators, symbols, saturate=[(f,) for f in model.denominators], budget=budget,
                              decompose=True)
        if ideal.empty:
            return (), True
        primes = ideal.primes
        corridor_bases = {tuple(sorted(map(sp.srepr, basis))) for basis in corridor_bases}
        gradient = [model.numerator(g) for g in model.gradient]
        listed = []
        for index, prime in enumerate(primes):
            if tuple(sorted(map(sp.srepr, prime.basis))) in corridor_bases:
                continue
            reducer = sp.groebner(list(prime.basis), *symbols, order="grevlex")
            stationary = all(reducer.reduce(g)[1] == 0 for g in gradient)
            if prime.dimension == 0:
                points = all_real_solutions(fibre(prime.basis, symbols, {}, budget=budget), list(symbols))
                if points is None:
                    return (), None  # some real points could not be enumerated: the list would be incomplete
                for point in points:
                    listed.append(_point_component(piece, d, point, symbols, stationary))
            else:
                # A prime can have no real point at all (y² + 1 = 0): there is nothing to list.
                # Undecided ones are listed, as before: the list never enters the verdict.
                if real_point(prime, symbols, admissible=lambda point: True, budget=budget,
                              seed=index).verdict is False:
                    continue
                equations = tuple(sp.Eq(p, 0, evaluate=False) for p in prime.basis)
                listed.append(_listed_component(piece, equations, prime.dimension, stationary))
        return tuple(listed), True
    except BudgetExceeded:
        notes.append("stationary points and non-invariant sets not listed: time budget exceeded")
        return (), None


def _other_components_with_atoms(piece, d, model, corridor_bases, budget, notes):
    if len(model.gens) > _LISTING_MAX_VARIABLES + 2:
        return (), None
    numerators = [model.numerator(h) for h in model.hg]
    degree = max((sp.Poly(h, *model.gens).total_degree() for h in numerators if h != 0), default=0)
    if degree > _LISTING_MAX_DEGREE:
        return (), None  # a decomposition this size would spend the budget on a list, not on the verdict
    try:
        found = hg_components(model, budget=budget)
    except BudgetExceeded:
        notes.append("stationary points and non-invariant sets not listed: time budget exceeded")
        return (), None
    if found is None:
        return (), None
    corridor_bases = {tuple(sorted(map(sp.srepr, basis))) for basis in corridor_bases}
    listed = []
    for component in found:
        if tuple(sorted(map(sp.srepr, component.basis))) in corridor_bases:
            continue
        if component.dimension == 0:
            listed.extend(_point_component(piece, d, point, model.variables, component.stationary)
                          for point in component.points)
        else:  # hg_components has already dropped the primes without a real point
            listed.append(_listed_component(piece, component.equations, component.dimension, component.stationary))
    return tuple(listed), True


def _point_component(piece, d, point, symbols, stationary) -> CorridorComponent:
    equations = tuple(sp.Eq(v, point[v], evaluate=False) for v in symbols)
    g_at = sp.Matrix([e.xreplace(point) for e in d.gradient])
    stationary_test = ZeroTest(True, sp.S.Zero, "g vanishes on this prime component") if stationary else \
        ZeroTest(False, g_at, "g ≠ 0 at this point", tuple(point.items()))
    invariant = ZeroTest(True if stationary else False, sp.S.Zero if stationary else g_at,
                         "an isolated point is invariant only if g = 0 there")
    hg = ZeroTest(True, sp.S.Zero, "a real zero of H g")
    return CorridorComponent(piece=piece.index, equations=equations, region=piece.region, dimension=0,
                             hg_vanishes=hg, stationary=stationary_test, invariant=invariant,
                             meets_region=(condition_holds(piece.region, point) if piece.region is not sp.true
                                           else True),
                             method="real roots of a zero-dimensional prime of ⟨H g⟩")


def _listed_component(piece, equations, dimension, stationary) -> CorridorComponent:
    hg = ZeroTest(True, sp.S.Zero, "a prime component of ⟨H g⟩")
    stationary_test = ZeroTest(stationary, sp.S.Zero if stationary else sp.nan,
                               "g is in the prime" if stationary else "g is not in the prime")
    invariant = ZeroTest(True if stationary else False, sp.S.Zero,
                         "stationary points" if stationary else "not in the corridor set: the flow leaves it")
    return CorridorComponent(piece=piece.index, equations=equations, region=piece.region, dimension=dimension,
                             hg_vanishes=hg, stationary=stationary_test, invariant=invariant,
                             meets_region=None if piece.region is not sp.true else True,
                             method="prime component of ⟨H g⟩ (complex dimension)")
