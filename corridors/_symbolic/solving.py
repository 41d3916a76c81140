"""Solving H g = 0 with a record of whether no solution branch was missed.

``sympy.solve`` can miss branches and returns ``[]`` both for "no solution"
and for "could not solve". This module eliminates variables one equation at a
time and certifies completeness only where it can argue it:

* a factor that is strictly monotone in a variable (its derivative has a
  provable sign) has at most one root in that variable, so the root SymPy
  returns is the only one;
* a univariate polynomial is solved completely with ``real_roots``;
* a factor ``a·v + b`` linear in ``v`` contributes ``v = −b/a`` plus the
  branch ``a = b = 0``;
* factors with a provable sign (``exp(x)``, ``x² + 1``) are never zero.

Anything else is solved with ``sympy.solve`` and marked as possibly incomplete.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .._budget import BudgetExceeded, TimeBudget
from .zero_test import normalize, value_at, zero_test

__all__ = ["Solutions", "solve_equations"]

MAX_BRANCHES = 48
_SOLVE_SHARE = 0.3  # of the remaining budget, for one call of sympy.solve
MAX_DEPTH = 40


@dataclasses.dataclass(frozen=True)
class Solutions:
    """Solution branches of a system of equations ``f_i = 0``."""

    branches: tuple  # each a tuple of (variable, expression) pairs: the solved form
    complete: bool | None  # True: no real solution lies outside these branches
    notes: tuple  # why completeness could not be certified


def solve_equations(equations, variables, *, region=sp.true, budget: TimeBudget) -> Solutions:
    """Solve ``equations`` (expressions equal to zero) for real ``variables``."""
    state = _State(tuple(variables), region, budget)
    numerators = [_numerator(e, state.variables) for e in equations]
    state.solve([e for e in numerators if e != 0], {}, depth=0)
    branches = []
    for assignment in state.branches:
        pairs = tuple(sorted(assignment.items(), key=lambda item: state.variables.index(item[0])))
        if pairs not in branches:
            branches.append(pairs)
    return Solutions(tuple(branches), None if state.notes else True, tuple(dict.fromkeys(state.notes)))


def _numerator(expr, variables):
    numerator, _ = sp.fraction(sp.together(expr))
    return normalize(numerator, variables)


class _State:
    def __init__(self, variables, region, budget):
        self.variables, self.region, self.budget = variables, region, budget
        self.branches, self.notes = [], []

    def note(self, text):
        self.notes.append(text)

    def solve(self, equations, assignment, depth):
        self.budget.check("solving H g = 0")
        if depth > MAX_DEPTH or len(self.branches) >= MAX_BRANCHES:
            self.note(f"stopped after {MAX_BRANCHES} branches or depth {MAX_DEPTH}")
            return
        remaining = []
        for equation in equations:
            reduced = _numerator(equation.xreplace(assignment), self.variables) if assignment else equation
            if reduced == 0:
                continue
            if reduced.is_number:
                return  # a non-zero constant: this branch has no solution
            free = [v for v in self.variables if v not in assignment and reduced.has(v)]
            if not free:
                return
            test = zero_test(reduced, free, budget=self.budget, samples=3)
            if test.verdict is True:
                continue
            if test.verdict is None:
                self.note(f"could not decide whether {reduced} vanishes")
            remaining.append(reduced)
        if not remaining:
            self.branches.append(dict(assignment))
            return
        equation = min(remaining, key=sp.count_ops)
        for factor in real_factors(equation):
            self.solve_factor(factor, remaining, assignment, depth)

    def solve_factor(self, factor, equations, assignment, depth):
        terms = sp.Add.make_args(factor)
        if len(terms) > 1 and (all(t.is_nonnegative for t in terms) or all(t.is_nonpositive for t in terms)):
            # A sum of terms of one sign vanishes iff every term does (e.g. x² + y² = 0).
            self.solve(list(equations) + [_numerator(t, self.variables) for t in terms], assignment, depth + 1)
            return
        unknowns = [v for v in self.variables if v not in assignment and factor.has(v)]
        roots = None
        for variable in sorted(unknowns, key=lambda v: _degree(factor, v)):
            roots = self.roots_in(factor, variable, unknowns, equations, assignment, depth)
            if roots is not None:
                break
        if roots is None:
            self.note(f"could not solve {factor} = 0")
            return
        variable, values = roots
        for value in values:
            extended = {k: v.xreplace({variable: value}) for k, v in assignment.items()}
            extended[variable] = value
            if any(v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for v in extended.values()):
                continue  # v = −b/a where a = 0: covered by the a = b = 0 branch
            self.solve(equations, extended, depth + 1)

    def roots_in(self, factor, variable, unknowns, equations, assignment, depth):
        """Roots of ``factor`` in ``variable``, with completeness bookkeeping; None if unsolved."""
        derivative = sp.diff(factor, variable)
        monotone = bool(derivative.is_positive or derivative.is_negative)
        if len(unknowns) == 1 and factor.is_polynomial(variable):
            poly = sp.Poly(factor, variable)
            if all(c.is_Rational for c in poly.all_coeffs()):
                return variable, list(dict.fromkeys(sp.real_roots(poly)))
        if factor.is_polynomial(variable) and sp.degree(factor, variable) == 1:
            slope, intercept = sp.Poly(factor, variable).all_coeffs()
            if not (slope.is_nonzero or slope.is_number):
                # v = −b/a needs a ≠ 0: follow the a = b = 0 branch as well.
                self.solve(list(equations) + [slope, intercept], assignment, depth + 1)
            return variable, [sp.cancel(-intercept / slope)] if slope != 0 else []
        if len(unknowns) == 1 and factor.has(sp.sin, sp.cos, sp.tan):
            families = _periodic_roots(factor, variable, self.budget)
            if families is not None:
                return variable, families
        try:
            # A share of what is left: sympy.solve may never return on a transcendental
            # equation, and the other branches still deserve their time.
            share = TimeBudget(max(self.budget.remaining * _SOLVE_SHARE, 0.05))
            with share.enforced("solving H g = 0"):
                values = sp.solve(factor, variable, dict=False)
        except (NotImplementedError, BudgetExceeded):
            values = []
        self.budget.check("solving H g = 0")
        values = [v for v in values if v.is_real is not False and not v.has(sp.I)]
        if not values and len(unknowns) == 1:
            values = _special_roots(factor, variable)
            if values:
                self.note(f"{factor} = 0 solved only at special values ({', '.join(map(str, values))})")
                return variable, values
        if not values:
            return None
        if not monotone:
            polynomial = factor.is_polynomial(variable)
            leading = sp.Poly(factor, variable).LC() if polynomial else None
            if not (polynomial and sp.degree(factor, variable) <= 4 and leading is not None and leading.is_nonzero):
                self.note(f"roots of {factor} in {variable} found by sympy.solve may be incomplete")
        elif len(values) > 1:
            self.note(f"sympy.solve returned {len(values)} roots of the monotone {factor}")
        return variable, values


def _periodic_roots(factor, variable, budget):
    """All real roots of a univariate trigonometric equation as families in an integer k, or None.

    ``solveset`` returns unions of ``ImageSet(Lambda(n, a + p·n), Integers)``
    and finite sets, which describe every real root; anything else (a
    ``ConditionSet``, an interval) is not a complete list and gives None.
    """
    try:
        with budget.enforced("solving H g = 0"):
            solutions = sp.solveset(factor, variable, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return None
    k = sp.Symbol("k", integer=True)
    values = []
    for part in (solutions.args if isinstance(solutions, sp.Union) else (solutions,)):
        if isinstance(part, sp.FiniteSet):
            values.extend(part.args)
        elif isinstance(part, sp.ImageSet) and part.base_sets == (sp.S.Integers,) and len(part.lamda.variables) == 1:
            (n,) = part.lamda.variables
            values.append(part.lamda.expr.xreplace({n: k}))
        else:
            return None
    return values or None


def _special_roots(factor, variable):
    """Exact roots among the values where elementary functions are algebraic (0, 1, kπ/m)."""
    candidates = [sp.S.Zero, sp.S.One, -sp.S.One]
    if factor.has(sp.sin, sp.cos, sp.tan):
        candidates += [sp.pi * sp.Rational(a, m) for m in (1, 2, 3, 4, 6) for a in range(-2 * m, 2 * m + 1) if a]
    roots = []
    for value in dict.fromkeys(candidates):
        residual = factor.xreplace({variable: value})
        if residual.has(sp.zoo, sp.nan) or not residual.is_number:
            continue
        approximate = value_at(residual, ())
        if approximate is None or abs(approximate) > 1e-20:
            continue  # clearly not a root: no need for the costly exact check
        if residual == 0 or sp.simplify(residual) == 0:
            roots.append(value)
    return roots


def _degree(factor, variable):
    return sp.degree(factor, variable) if factor.is_polynomial(variable) else 99


def real_factors(expr):
    """Irreducible factors that can vanish for real arguments (signed ones dropped)."""
    try:
        _, factors = sp.factor_list(expr)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        factors = [(f, 1) for f in sp.Mul.make_args(expr)]
    result = []
    for factor, _ in factors:
        for part in sp.Mul.make_args(factor):
            base = part.base if part.is_Pow and part.exp.is_positive else part
            if base.is_number or base.is_positive or base.is_negative or base.is_nonzero:
                continue
            if base not in result:
                result.append(base)
    return result
