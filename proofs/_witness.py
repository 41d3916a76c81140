"""Refuting a residual at a witness: test functions for E, rationals for the symbols.

A residual that the reductions of ``_verdict`` leave non-zero is shown non-zero
by evaluating it at a witness: every undefined function is replaced by a fixed
polynomial test function and every symbol by a rational number respecting its
assumptions, and the residual is evaluated exactly (or with 60-digit ``evalf``
when radicals remain). Positivity claims are refuted by a witness where the
value is ≤ 0. The random draws are seeded, so verdicts are reproducible.
"""

from __future__ import annotations

import itertools
import random

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

__all__ = ["nonzero_at_a_witness", "not_shown_positive"]

_TRIALS = 3
_SIGN_TRIALS = 12  # positivity is refuted by one witness where the value is ≤ 0: try more, they are cheap
_TEST_DEGREE = 5  # above every derivative order used, so test functions do not degenerate
_NONZERO_BELOW = sp.Float("1e-40")  # |value| above this at 60 digits counts as non-zero
_SEED = 20240213  # fixed: verdicts are reproducible


def not_shown_positive(residual) -> bool:
    """True when the scalar residual is ≤ 0 at some witness (so "> 0" is refuted)."""
    rng = random.Random(_SEED)
    for _ in range(_SIGN_TRIALS):
        value = _value_at_random(sp.sympify(residual), rng)
        if value is None:
            continue
        if value.is_Rational:
            if value <= 0:
                return True
            continue
        numeric = value.evalf(60)
        if numeric.is_real and numeric < -_NONZERO_BELOW:  # clear of rounding at 60 digits
            return True
    return False


def nonzero_at_a_witness(expr: sp.Expr) -> bool:
    """True when some substitution of test functions and rationals gives a non-zero value."""
    rng = random.Random(_SEED)
    for _ in range(_TRIALS):
        value = _value_at_random(expr, rng)
        if value is not None and _nonzero(value):
            return True
    return False


def _nonzero(value: sp.Expr) -> bool:
    if value.is_Rational:
        return value != 0
    numeric = value.evalf(60)
    try:
        return abs(complex(numeric)) > _NONZERO_BELOW
    except TypeError:
        return False


def _value_at_random(expr: sp.Expr, rng: random.Random) -> sp.Expr | None:
    """The value of expr at one random witness; None if the witness is singular.

    Every undefined function becomes a test polynomial and every free symbol a
    rational. The fast route evaluates each derivative atom ∂^α F(a₁, …, aₖ)
    directly as (∂^α P_F)(values of the aᵢ), with no symbolic composition;
    residuals it cannot read that way (``Subs``, integrals, derivatives at
    composite points) take the general route: substitute, then ``doit``.
    """
    functions = {}
    for applied in sorted(expr.atoms(AppliedUndef), key=sp.default_sort_key):
        if applied.func not in functions:
            functions[applied.func] = _test_function(len(applied.args), rng)
    symbols = sorted((a for a in expr.free_symbols if isinstance(a, sp.Symbol)), key=sp.default_sort_key)
    symbols += sorted(expr.atoms(MatrixElement), key=sp.default_sort_key)
    values = {a: _random_value(a, rng) for a in symbols}
    value = _fast_value(expr, functions, values)
    if value is None:
        value = _general_value(expr, functions, values)
    if not isinstance(value, sp.Expr) or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or value.free_symbols:
        return None
    return value


def _fast_value(expr, functions, values):
    if expr.has(sp.Integral):
        return None
    polynomials: dict = {}  # (function, multi-index) -> differentiated Poly, shared by all atoms

    def polynomial(func, slots):
        key = (func, slots)
        if key not in polynomials:
            lam = functions[func]
            base = sp.Poly(lam.expr, *lam.variables)
            for slot in slots:
                base = base.diff(slot)
            polynomials[key] = base
        return polynomials[key]

    def evaluate(e, env):
        memo: dict = {}

        def argument(a):
            if a in env:
                return env[a]
            if isinstance(a, (AppliedUndef, sp.Derivative)):
                return jet(a)
            return evaluate(a, env)  # a composite point, e.g. θ − h g(θ)

        def jet(atom):
            if atom in memo:
                return memo[atom]
            applied, variables = (atom.expr, atom.variables) if isinstance(atom, sp.Derivative) else (atom, ())
            if not isinstance(applied, AppliedUndef) or not applied.args:
                raise LookupError(atom)
            if variables and len(set(applied.args)) != len(applied.args):
                raise LookupError(atom)
            slots = functions[applied.func].variables
            position = dict(zip(applied.args, slots))
            if any(v not in position for v in variables):
                raise LookupError(atom)
            multi_index = tuple(sorted((position[v] for v in variables), key=sp.default_sort_key))
            memo[atom] = polynomial(applied.func, multi_index).eval(
                dict(zip(slots, (argument(a) for a in applied.args)))
            )
            return memo[atom]

        # A Subs is its expression evaluated with its variables bound to its (evaluated) point.
        nested = e.atoms(sp.Subs)
        outermost = [s for s in nested if not any(o is not s and o.has(s) for o in nested)]
        if outermost:
            bound = {}
            for subs in outermost:
                point = [evaluate(p, env) for p in subs.point]
                bound[subs] = evaluate(subs.expr, {**env, **dict(zip(subs.variables, point))})
            e = e.xreplace(bound)
        # xreplace works top-down, so a derivative is replaced whole before its E(θ) is reached.
        atoms = e.atoms(sp.Derivative) | e.atoms(AppliedUndef)
        value = e.xreplace({atom: jet(atom) for atom in atoms}).xreplace(env)
        if value.free_symbols:  # something this route cannot read (e.g. a bound variable)
            raise LookupError(value)
        return value

    try:
        return evaluate(expr, values)
    except LookupError:
        return None


def _general_value(expr, functions, values):
    # Functions that are differentiated *with respect to* (a curve θᵢ(t) in
    # ∂E/∂θᵢ(t)) are replaced last, once those derivatives are evaluated.
    inner = {v.func for d in expr.atoms(sp.Derivative) for v in d.variables if isinstance(v, AppliedUndef)}
    concrete = expr
    for stage in ([f for f in functions if f not in inner], [f for f in functions if f in inner]):
        if stage:
            concrete = concrete.replace(
                lambda e, stage=stage: isinstance(e, AppliedUndef) and e.func in stage,
                lambda e: functions[e.func](*e.args),
            )
            concrete = concrete.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), lambda e: e.doit())
    # Numbers in before integrating: an integral of a polynomial with rational coefficients is cheap.
    value = concrete.xreplace({a: v for a, v in values.items() if a in concrete.free_symbols or
                               isinstance(a, MatrixElement)})
    value = value.replace(lambda e: isinstance(e, sp.Integral), _integrate)
    return value.doit() if value.has(sp.Derivative, sp.Subs, sp.Integral) else value


def _integrate(integral: sp.Integral):
    """A definite integral of a polynomial by its antiderivative (fast); anything else by ``doit``."""
    if len(integral.limits) == 1 and len(integral.limits[0]) == 3:
        variable, lower, upper = integral.limits[0]
        try:
            antiderivative = sp.Poly(integral.function, variable).integrate()
        except sp.PolynomialError:
            return integral.doit()
        return antiderivative.eval(upper) - antiderivative.eval(lower)
    return integral.doit()


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
