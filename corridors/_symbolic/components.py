"""Components of the set where H g = 0, and what each one is.

A component is a graph ``{v_s = φ_s(free variables)}`` inside one smooth piece
(or the whole open piece). It is a corridor only if it is GF-invariant (g is
tangent to it, so gradient flow stays inside) and g does not vanish on it:
an isolated point, a set the flow leaves, or a set of stationary points is not.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .zero_test import ZeroTest, points_in

__all__ = ["CorridorComponent"]


@dataclasses.dataclass(frozen=True)
class CorridorComponent:
    """One component of {H g = 0}.

    ``equations`` are the solved relations (empty for an open piece);
    ``region`` is the condition of the smooth piece it belongs to.
    """

    piece: int
    equations: tuple  # (Eq(v, φ(free)), ...)
    region: sp.Basic
    dimension: int
    hg_vanishes: ZeroTest  # H g ≡ 0 on the component (checks the solution)
    stationary: ZeroTest  # g ≡ 0 on the component
    invariant: ZeroTest  # g tangent to the component (GF stays inside)
    meets_region: bool | None  # the component has points in its piece's region

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
        return self.dimension > 0

    @property
    def kind(self) -> str:
        """``corridor``, ``stationary``, ``not-invariant``, ``outside-piece`` or ``undecided``."""
        if self.is_corridor:
            return "corridor"
        if self.meets_region is False or self.hg_vanishes.verdict is False:
            return "outside-piece" if self.meets_region is False else "spurious"
        if self.stationary.verdict is True:
            return "stationary"
        if self.invariant.verdict is False:
            return "not-invariant"
        return "undecided"

    @property
    def assignment(self) -> dict:
        return {eq.lhs: eq.rhs for eq in self.equations}

    def describe(self) -> str:
        relations = " and ".join(f"{eq.lhs} = {eq.rhs}" for eq in self.equations) or "the open region"
        if self.region is not sp.true:
            relations += f" where {self.region}"
        return relations

    def as_set(self, variables) -> sp.Set:
        """The component as a SymPy ``ConditionSet`` in ℝⁿ."""
        condition = sp.And(*self.equations, self.region)
        return sp.ConditionSet(sp.Tuple(*variables), condition, sp.Reals ** len(variables))

    def contains(self, point: dict) -> bool | None:
        """Does the exact ``point`` (symbol → number) lie on this component?"""
        inside = self.region.xreplace(point) if self.region is not sp.true else sp.true
        if inside not in (sp.true, sp.false):
            return None
        if inside is sp.false:
            return False
        for eq in self.equations:
            difference = sp.nsimplify(eq.lhs.xreplace(point) - eq.rhs.xreplace(point))
            verdict = _is_zero_number(difference)
            if verdict is not True:
                return verdict
        return True


def _negate(verdict):
    return None if verdict is None else not verdict


def _is_zero_number(value) -> bool | None:
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
