"""Components of the set where H g = 0, and what each one is.

A component is given by equations in the loss's variables inside one smooth
piece (or is the whole open piece). Most are graphs ``{vᵢ = φᵢ(free)}``; some
are implicit (``Eq(f, 0)``); a periodic family carries an integer parameter
(``x = π/2 + kπ``, k ∈ ℤ) and stands for all of its members at once. A
component is a corridor only if it is GF-invariant (g is tangent to it, so
gradient flow stays inside) and g does not vanish on it: an isolated point, a
set the flow leaves, or a set of stationary points is not.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .vocabulary import ComponentKind
from .zero_test import ZeroTest, points_in

__all__ = ["CorridorComponent"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CorridorComponent:
    """One component of {H g = 0}.

    ``equations`` are the relations that define it (empty for an open piece);
    ``region`` is the condition of the smooth piece it belongs to;
    ``integers`` are the integer parameters of a periodic family.
    """

    piece: int
    equations: tuple  # (Eq(v, φ(free)), ..., Eq(f, 0), ...)
    region: sp.Basic
    dimension: int | None  # real dimension; None if not determined
    hg_vanishes: ZeroTest  # H g ≡ 0 on the component (checks the solution)
    stationary: ZeroTest  # g ≡ 0 on the component
    invariant: ZeroTest  # g tangent to the component (GF stays inside)
    meets_region: bool | None  # the component has points in its piece's region
    integers: tuple = ()  # integer parameters k of a periodic family
    method: str = ""  # how the component was found
    ideal: tuple = ()  # a Gröbner basis in the variables whose zeros are the component (implicit ones)

    @property
    def is_corridor(self) -> bool | None:
        """True for a non-trivial corridor, False if it is not one, None if undecided."""
        verdicts = (
            self.hg_vanishes.verdict,
            _negate(self.stationary.verdict),
            self.invariant.verdict,
            self.meets_region,
        )
        if False in verdicts:
            return False
        if None in verdicts:
            return None
        if self.dimension is None:
            return True  # invariant with g ≠ 0: the flow line through a point lies in it
        return self.dimension > 0

    @property
    def kind(self) -> ComponentKind:
        """``corridor``, ``stationary``, ``not-invariant``, ``outside-piece``, ``spurious`` or ``undecided``."""
        if self.is_corridor:
            return "corridor"
        if self.meets_region is False or self.hg_vanishes.verdict is False:
            return "outside-piece" if self.meets_region is False else "spurious"
        if self.stationary.verdict is True:
            return "stationary"
        if self.invariant.verdict is False or self.dimension == 0:
            return "not-invariant"
        return "undecided"

    @property
    def assignment(self) -> dict:
        """The solved equations ``{variable: expression}`` (implicit ones are left out)."""
        return {eq.lhs: eq.rhs for eq in self.equations if _is_solved(eq)}

    @property
    def implicit(self) -> tuple:
        """The equations that are not solved for a variable, as expressions f with f = 0."""
        return tuple(eq.lhs - eq.rhs for eq in self.equations if not _is_solved(eq))

    def describe(self) -> str:
        relations = " and ".join(f"{eq.lhs} = {eq.rhs}" for eq in self.equations) or "the open region"
        if self.integers:
            relations += " for " + ", ".join(f"{k} ∈ ℤ" for k in self.integers)
        if self.region is not sp.true:
            relations += f" where {self.region}"
        return relations

    def as_set(self, variables) -> sp.Set:
        """The component as a SymPy ``ConditionSet`` in ℝⁿ (a family: its member for k = 0)."""
        at_zero = {k: 0 for k in self.integers}
        condition = sp.And(*(sp.Eq(eq.lhs, eq.rhs.xreplace(at_zero)) for eq in self.equations), self.region)
        return sp.ConditionSet(sp.Tuple(*variables), condition, sp.Reals ** len(variables))

    def contains(self, point: dict) -> bool | None:
        """Does the exact ``point`` (symbol → number) lie on this component (any member of a family)?"""
        inside = self.region.xreplace(point) if self.region is not sp.true else sp.true
        if inside not in (sp.true, sp.false):
            return None
        if inside is sp.false:
            return False
        if self.integers:
            return _family_contains(self, point)
        for eq in self.equations:
            difference = sp.nsimplify(eq.lhs.xreplace(point) - eq.rhs.xreplace(point))
            verdict = is_zero_number(difference)
            if verdict is not True:
                return verdict
        return True


def _is_solved(eq) -> bool:
    return isinstance(eq, sp.Eq) and eq.lhs.is_Symbol and not eq.rhs.has(eq.lhs)


def _family_contains(component, point) -> bool | None:
    """Is there an integer k with the point on member k of the family?"""
    verdicts = []
    for eq in component.equations:
        difference = eq.lhs.xreplace(point) - eq.rhs.xreplace(point)
        unknowns = [k for k in component.integers if difference.has(k)]
        if not unknowns:
            verdicts.append(is_zero_number(difference))
            continue
        if len(unknowns) > 1:
            return None
        (k,) = unknowns
        free = sp.Dummy("k", real=True)  # solve over the reals, then ask for an integer
        solutions = sp.solve(difference.xreplace({k: free}), free)
        if not solutions:
            verdicts.append(False)
            continue
        if len(solutions) != 1:
            return None
        value = sp.nsimplify(solutions[0])
        verdicts.append(value.is_integer if value.is_integer is not None else None)
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _negate(verdict):
    return None if verdict is None else not verdict


def is_zero_number(value) -> bool | None:
    """Is an exact numeric expression zero? Evaluation first: simplify can stall on big rationals."""
    value = sp.sympify(value)
    if value == 0:
        return True
    if value.is_zero is not None:
        return bool(value.is_zero)
    number = value.evalf(50)
    if number.is_number and not number.has(sp.nan, sp.zoo) and abs(number) > 1e-40:
        return False
    simplified = sp.simplify(value)
    if simplified == 0:
        return True
    return False if simplified.is_zero is False else None




def sample_component(component_assignment, free, region, domain, *, count=4):
    """Points of a component: random free values, solved values computed exactly."""
    points = []
    for point in points_in(free, sp.true, count=count * 4, domain=None, tries=200):
        full = dict(point)
        full.update({v: sp.nsimplify(e.xreplace(full)) for v, e in component_assignment.items()})
        if region is not sp.true and region.xreplace(full) is not sp.true:
            continue
        points.append(tuple(full.items()))
        if len(points) >= count:
            break
    return points
