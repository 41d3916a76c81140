"""Periodic families: trigonometric corridors written with an integer parameter.

In the algebraic model sin(A) and cos(A) are generators s, c with s² + c² = 1.
A component on which (s, c) takes finitely many values (s₀, c₀) is, in θ, the
family A(θ) = atan2(s₀, c₀) + 2kπ, k ∈ ℤ: one component stands for all its
members, and everything proved on it (H g ∈ ideal, invariance) holds for each.
Two families that behave alike and interleave are merged into one.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .algebraic.models import AlgebraicModel
from .algebraic.real_points import solve_triangular

__all__ = ["merge_families", "periodic_presentation"]


def periodic_presentation(model: AlgebraicModel, basis, gens, equations):
    """``(equations, integers)`` with the trigonometric relations replaced by families in θ.

    Returns the input unchanged when the component does not fix sin and cos of
    one linear argument to finitely many values.
    """
    pairs = []
    for atom in model.atoms:
        if atom.kind != "sin" or atom.symbol not in gens:
            continue
        cosine = next(a for a in model.atoms if a.kind == "cos" and a.argument == atom.argument)
        if cosine.symbol in gens:
            pairs.append((atom, cosine))
    if len(pairs) != 1:
        return tuple(equations), ()
    sine, cosine = pairs[0]
    others = [g for g in gens if g not in (sine.symbol, cosine.symbol)]
    order = [*others, sine.symbol, cosine.symbol]
    elimination = sp.groebner(list(basis), *order, order="lex").exprs
    on_circle = [p for p in elimination if not p.has(*others)] if others else list(elimination)
    points = solve_triangular(on_circle, [sine.symbol, cosine.symbol]) if on_circle else []
    if len(points) != 1 or any(p.has(*others) for p in on_circle if others):
        return tuple(equations), ()
    point = points[0]
    argument = sp.expand(model.substitute_atoms(sine.argument))
    variable = _solved_variable(argument, model.variables)
    if variable is None:
        return tuple(equations), ()
    k = sp.Symbol("k", integer=True)
    offset = sp.atan2(point[sine.symbol], point[cosine.symbol])
    value = sp.solve(sp.Eq(argument, offset + 2 * sp.pi * k), variable)
    if len(value) != 1:
        return tuple(equations), ()
    trig = {sine.original, cosine.original}
    kept = [eq for eq in equations if not (eq.has(*trig) and not eq.free_symbols - argument.free_symbols)]
    return (sp.Eq(variable, sp.simplify(value[0]), evaluate=False), *kept), (k,)


def _solved_variable(argument, variables):
    for v in reversed(variables):
        if argument.has(v) and sp.degree(argument, v) == 1:
            return v
    return None


def merge_families(components):
    """Families x = a + pk and x = a + p/2 + pk (k ∈ ℤ) that behave alike are one family x = a + (p/2)k."""
    merged, used = [], set()
    for i, first in enumerate(components):
        if i in used:
            continue
        shape = _family_shape(first)
        if shape is not None:
            lhs, offset, period = shape
            for j in range(i + 1, len(components)):
                other = components[j]
                other_shape = _family_shape(other)
                if j in used or other_shape is None or other_shape[0] != lhs:
                    continue
                if other.kind != first.kind or other.is_corridor is not first.is_corridor:
                    continue  # members that behave differently stay apart
                if sp.simplify(other_shape[2] - period) != 0:
                    continue
                shift = sp.simplify((other_shape[1] - offset) / period - sp.S.Half)
                if shift.is_integer:
                    used.add(j)
                    (k,) = first.integers
                    start = sp.Mod(offset, period / 2) if (offset / period).is_number else offset
                    equation = sp.Eq(lhs, start + k * period / 2, evaluate=False)
                    first = dataclasses.replace(first, equations=(equation,))
                    break
        merged.append(first)
    return merged


def _family_shape(component):
    """``(variable, offset, period)`` of a one-equation family x = offset + period·k, else None."""
    if len(component.integers) != 1 or len(component.equations) != 1:
        return None
    (k,) = component.integers
    eq = component.equations[0]
    rhs = sp.expand(eq.rhs)
    period = sp.diff(rhs, k)
    if period == 0 or period.has(k) or not eq.lhs.is_Symbol:
        return None
    return eq.lhs, sp.expand(rhs - period * k), period
