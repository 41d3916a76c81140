"""A smooth piece's region condition evaluated at a point: True, False or None (undecided)."""

from __future__ import annotations

import sympy as sp

from .algebraic.real_points import numeric_sign

__all__ = ["condition_holds", "region_test"]


def region_test(region):
    """A test ``point -> bool | None`` of the piece's region (None for the whole space)."""
    if region is sp.true:
        return None

    def holds(point):
        return condition_holds(region, point)

    return holds


def condition_holds(condition, point) -> bool | None:
    """Whether ``condition`` holds at ``point``: True, False, or None when a sign cannot be decided."""
    value = condition.xreplace(point)
    if value in (sp.true, sp.false):
        return bool(value)
    if isinstance(value, sp.And):
        verdicts = [condition_holds(a, {}) for a in value.args]
        return False if False in verdicts else (None if None in verdicts else True)
    if isinstance(value, sp.Or):
        verdicts = [condition_holds(a, {}) for a in value.args]
        return True if True in verdicts else (None if None in verdicts else False)
    if isinstance(value, sp.Not):
        inner = condition_holds(value.args[0], {})
        return None if inner is None else not inner
    if isinstance(value, sp.core.relational.Relational):
        sign = numeric_sign(value.lhs - value.rhs)
        if sign is None:
            return None
        return {sp.StrictGreaterThan: sign > 0, sp.GreaterThan: sign >= 0, sp.StrictLessThan: sign < 0,
                sp.LessThan: sign <= 0, sp.Equality: sign == 0, sp.Unequality: sign != 0}.get(type(value))
    return None
