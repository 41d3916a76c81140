"""Deciding a step's residual: exactly zero, shown non-zero, or undecided.

Zero is decided symbolically only (expand / cancel, then ``simplify``). Non-zero
is shown by a witness: every undefined function is replaced by a fixed
polynomial test function and every symbol by a rational number, and the
residual is evaluated exactly (or with 60-digit interval-checked ``evalf`` when
radicals remain). A residual that is neither is "undecided" (holds = None).
"""

from __future__ import annotations

import itertools
import random

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from ._core import Step, with_holds

__all__ = ["settle", "decide"]

_TRIALS = 3
_TEST_DEGREE = 5  # above every derivative order used, so test functions do not degenerate
_NONZERO_BELOW = sp.Float("1e-40")  # |value| above this at 60 digits counts as non-zero


def settle(step: Step) -> Step:
    """Return ``step`` with ``holds`` decided from its residual (None stays undecided)."""
    if step.residual is None:
        return step
    holds, reduced = decide(step.residual)
    return with_holds(step, holds, reduced)


def decide(residual) -> tuple[bool | None, object]:
    """(True, 0) if residual ≡ 0; (False, r) if shown non-zero; (None, r) otherwise."""
    if residual is sp.true or residual is sp.false:  # an Eq that SymPy already evaluated
        return (True, sp.Integer(0)) if residual is sp.true else (False, residual)
    if isinstance(residual, sp.Equality):
        residual = residual.lhs - residual.rhs
    if isinstance(residual, sp.MatrixExpr) and not isinstance(residual, sp.MatrixBase):
        return _decide_matrix_expression(residual)
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [sp.sympify(residual)]
    reduced = [_reduce(entry) for entry in entries]
    if all(entry == 0 for entry in reduced):
        return True, sp.Integer(0)
    if any(_shown_nonzero(entry) for entry in reduced if entry != 0):
        return False, _pack(residual, reduced)
    reduced = [entry if entry == 0 else sp.simplify(entry) for entry in reduced]
    if all(entry == 0 for entry in reduced):
        return True, sp.Integer(0)
    return None, _pack(residual, reduced)


def _pack(original, entries):
    if isinstance(original, sp.MatrixBase):
        return sp.ImmutableMatrix(original.rows, original.cols, entries)
    return entries[0]


def _reduce(expr: sp.Expr) -> sp.Expr:
    """Cheap canonical form: doit, then expand (polynomials) or cancel (radicals, fractions).

    Expanding products of radicals first can blow up, so rational expressions
    go straight to ``cancel(together(·))``, which keeps radicals as generators.
    """
    if expr.has(sp.Derivative, sp.Subs):
        expr = expr.doit()
    rational = any(not (p.exp.is_Integer and p.exp >= 0) for p in expr.atoms(sp.Pow))
    if rational:
        return sp.cancel(sp.together(expr))
    return sp.expand(expr)


def _decide_matrix_expression(residual: sp.MatrixExpr) -> tuple[bool | None, object]:
    """Matrix expressions of symbolic size: zero symbolically, refuted at size 3."""
    reduced = sp.expand(residual.doit())
    if reduced == 0 or isinstance(reduced, sp.ZeroMatrix) or _is_zero_scaled(reduced):
        return True, sp.Integer(0)
    explicit = _at_size(reduced, 3)
    if explicit is not None and any(_shown_nonzero(_reduce(e)) for e in explicit if e != 0):
        return False, reduced
    return None, reduced


def _is_zero_scaled(expr) -> bool:
    """True for c·M with a scalar c that is exactly 0 (what expand leaves of k·h·g − k·h·g)."""
    if isinstance(expr, sp.MatMul):
        scalars = [a for a in expr.args if not isinstance(a, sp.MatrixExpr)]
        return any(sp.expand(s) == 0 for s in scalars)
    return False


def _at_size(expr: sp.MatrixExpr, size: int):
    """Entries of ``expr`` with every symbolic dimension set to ``size`` (None if impossible)."""
    dims = {
        s
        for matrix in expr.atoms(sp.MatrixSymbol)
        for extent in matrix.shape
        for s in sp.sympify(extent).free_symbols
    }
    try:
        explicit = expr.xreplace({d: sp.Integer(size) for d in dims})
        shapes = {sym: sym.shape for sym in explicit.atoms(sp.MatrixSymbol)}
        if any(not (r.is_Integer and c.is_Integer) for r, c in shapes.values()):
            return None
        return list(sp.ImmutableMatrix(explicit.as_explicit()))
    except (TypeError, ValueError, AttributeError):
        return None


def _shown_nonzero(expr: sp.Expr) -> bool:
    """True when some substitution of test functions and rationals gives a non-zero value."""
    rng = random.Random(20240213)  # fixed seed: verdicts are reproducible
    for _ in range(_TRIALS):
        value = _evaluate_at_random(expr, rng)
        if value is not None and value:
            return True
    return False


def _evaluate_at_random(expr: sp.Expr, rng: random.Random) -> bool | None:
    """Whether expr is non-zero at one random witness; None if the witness is singular."""
    functions = {}
    for applied in expr.atoms(AppliedUndef):
        if applied.func not in functions:
            functions[applied.func] = _test_function(len(applied.args), rng)
    concrete = expr
    if functions:
        concrete = expr.replace(
            lambda e: isinstance(e, AppliedUndef) and e.func in functions,
            lambda e: functions[e.func](*e.args),
        ).doit()
    atoms = [a for a in concrete.free_symbols if isinstance(a, sp.Symbol)]
    atoms += list(concrete.atoms(MatrixElement))
    values = {a: _random_value(a, rng) for a in sorted(atoms, key=sp.default_sort_key)}
    value = concrete.xreplace(values)
    value = value.doit() if value.has(sp.Derivative, sp.Subs) else value
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or value.free_symbols:
        return None
    if not isinstance(value, sp.Expr):
        return None
    if value.is_Rational:
        return value != 0
    numeric = value.evalf(60)
    try:
        magnitude = abs(complex(numeric))
    except TypeError:
        return None
    return magnitude > _NONZERO_BELOW


def _test_function(arity: int, rng: random.Random) -> sp.Lambda:
    """A dense polynomial of degree 5 with small non-zero integer coefficients."""
    args = sp.symbols(f"y_1:{arity + 1}") if arity else ()
    terms = []
    for exponents in itertools.product(range(_TEST_DEGREE + 1), repeat=arity):
        if sum(exponents) <= _TEST_DEGREE:
            coefficient = rng.choice([-3, -2, -1, 1, 2, 3])
            terms.append(coefficient * sp.Mul(*(a**k for a, k in zip(args, exponents))))
    return sp.Lambda(args, sp.Add(*terms))


def _random_value(atom, rng: random.Random) -> sp.Rational:
    """A rational respecting the atom's assumptions (integer, positive)."""
    if getattr(atom, "is_integer", False):
        return sp.Integer(rng.randint(1, 5))
    value = sp.Rational(rng.randint(1, 9), rng.randint(2, 7))
    if getattr(atom, "is_positive", False) or getattr(atom, "is_nonnegative", False):
        return value
    return value if rng.random() < 0.5 else -value
