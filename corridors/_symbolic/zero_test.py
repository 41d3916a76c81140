"""Three-valued zero tests: is an expression identically zero on a region?

``True`` is only returned when an exact symbolic normalisation reduces the
expression to 0; ``False`` only with a witness point where a 30-digit
evaluation is clearly non-zero; otherwise ``None`` (not decided), with the
residual kept so that callers can report it.
"""

from __future__ import annotations

import dataclasses
import random

import sympy as sp

from .._budget import BudgetExceeded, TimeBudget

__all__ = ["ZeroTest", "all_zero", "condition_at", "find_witness", "normalize", "points_in", "value_at", "zero_test"]

_DIGITS = 30
_NONZERO = sp.Float("1e-12")


@dataclasses.dataclass(frozen=True)
class ZeroTest:
    """Verdict of a zero test with the evidence behind it."""

    verdict: bool | None  # True: identically zero; False: not; None: undecided
    residual: sp.Expr  # the normalised expression that was tested
    method: str  # how the verdict was reached
    witness: tuple | None = None  # ((symbol, value), ...) where the residual is non-zero

    def __bool__(self):  # a ZeroTest is not a boolean: the verdict may be None
        raise TypeError("use .verdict, which is True, False or None")


def normalize(expr, variables=()) -> sp.Expr:
    """A cheap canonical form: expanded polynomials, cancelled rational functions."""
    expr = sp.sympify(expr)
    if expr.is_number:
        return expr
    if variables and expr.is_polynomial(*variables):
        return sp.expand(expr)
    if variables and expr.is_rational_function(*variables):
        return sp.cancel(expr)
    radical = _single_radical_form(expr, variables)
    if radical is not None:
        return radical
    together = sp.together(expr)
    numerator, denominator = sp.fraction(together)
    numerator = sp.expand(numerator)
    if numerator == 0:
        return sp.S.Zero
    try:
        return sp.factor(numerator / denominator)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        return numerator / denominator


def _is_half_power(p, base=None) -> bool:
    return p.is_Pow and p.exp.is_Rational and p.exp.q == 2 and (base is None or p.base == base)


def _single_radical_form(expr, variables):
    """Exact normal form A + B·√P for expressions whose only radical is √P, P a polynomial.

    Distance functions produce sums of terms in P^(k/2); reducing with s² = P
    (s = √P) and rationalising the denominator gives A + B s with A, B rational
    functions, cancelled. None when the expression is not of that kind.
    """
    radicands = {p.base for p in expr.atoms(sp.Pow) if _is_half_power(p) and not p.base.is_number}
    if len(radicands) != 1 or not variables:
        return None
    (radicand,) = radicands
    if not radicand.is_polynomial(*variables):
        return None
    s, p = sp.Dummy("s", positive=True), sp.Dummy("p", positive=True)
    # P^(m/2) with m odd is p^((m-1)/2)·s, also for negative m (1/√P = s/p). P stays an
    # opaque symbol p while reducing, so that its powers are never expanded.
    reduced = expr.replace(lambda q: _is_half_power(q, radicand), lambda q: p ** ((q.exp.p - 1) // 2) * s)
    reduced = reduced.replace(lambda q: q.is_Pow and q.base == radicand and q.exp.is_Integer, lambda q: p**q.exp)
    if not reduced.is_rational_function(*variables, s, p):
        return None
    numerator, denominator = sp.fraction(sp.cancel(reduced))
    modulus = sp.Poly(s**2 - p, s)

    def linear_in_s(polynomial):
        remainder = sp.Poly(polynomial, s).rem(modulus).all_coeffs()
        return ([sp.S.Zero] * (2 - len(remainder)) + remainder)[-2:]  # [b, a] of b·s + a

    d1, d0 = linear_in_s(sp.expand(denominator))
    conjugate = d0 - d1 * s  # (d0 + d1 s)(d0 − d1 s) = d0² − d1² p has no s
    n1, n0 = linear_in_s(sp.expand(numerator * conjugate))
    # Reduce modulo the principal ideal (P − p): one generator is a Gröbner basis, so the
    # remainder is canonical and vanishes exactly when the polynomial does at p = P.
    relation = sp.expand(radicand) - p
    generators = (*variables, p)

    def modulo_radicand(polynomial):
        polynomial = sp.expand(polynomial)
        if polynomial == 0:
            return sp.S.Zero
        return sp.reduced(polynomial, [relation], *generators)[1]

    rational_denominator = modulo_radicand(d0**2 - d1**2 * p)
    if rational_denominator == 0:
        return None
    denominator = rational_denominator.xreplace({p: radicand})
    a, b = (modulo_radicand(part).xreplace({p: radicand}) / denominator for part in (n0, n1))
    return a + b * sp.sqrt(radicand)


def value_at(expr, point) -> complex | None:
    """``expr`` evaluated to 30 digits at ``point``; None where undefined or infinite."""
    try:
        value = sp.sympify(expr).evalf(_DIGITS, subs=dict(point))
        if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        number = complex(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
        return None
    if number != number or abs(number) == float("inf"):
        return None
    return number


def points_in(variables, region=sp.true, *, count=6, seed=0, domain=None, tries=400):
    """Random rational points of ``region`` (a SymPy condition) where ``domain`` is real.

    ``domain`` is an expression that must evaluate to a finite real number at
    the point (typically the loss), so that points outside its domain of
    definition are skipped. Deterministic for a given ``seed``.
    """
    rng = random.Random(seed)
    variables = tuple(variables)
    points = []
    for attempt in range(tries):
        if len(points) >= count:
            break
        scale = (1, 3, 10)[attempt % 3]
        point = tuple((v, _draw(rng, v, scale)) for v in variables)
        if region is not sp.true and condition_at(region, point) is not True:
            continue
        if domain is not None:
            value = value_at(domain, point)
            if value is None or abs(value.imag) > 1e-20:
                continue
        points.append(point)
    return points


def condition_at(condition, point) -> bool | None:
    """Truth of a SymPy condition at an exact point: True, False, or None when too close to call.

    Each relation is decided from a 30-digit evaluation of its two sides, far
    cheaper than SymPy's assumptions on radicals; a difference below 1e-20 is
    left undecided rather than guessed.
    """
    if condition is sp.true or condition is sp.false:
        return bool(condition)
    if isinstance(condition, (sp.And, sp.Or)):
        verdicts = [condition_at(a, point) for a in condition.args]
        wanted = isinstance(condition, sp.Or)
        if wanted in verdicts:
            return wanted
        return None if None in verdicts else not wanted
    if isinstance(condition, sp.Not):
        inner = condition_at(condition.args[0], point)
        return None if inner is None else not inner
    if isinstance(condition, sp.core.relational.Relational):
        value = value_at(condition.lhs - condition.rhs, point)
        if value is None or abs(value.imag) > 1e-20:
            return None
        difference = value.real
        if abs(difference) < 1e-20:
            exact = condition.xreplace(dict(point))
            return bool(exact) if exact in (sp.true, sp.false) else None
        sign = difference > 0
        return {sp.StrictGreaterThan: sign, sp.GreaterThan: sign, sp.StrictLessThan: not sign,
                sp.LessThan: not sign, sp.Equality: False, sp.Unequality: True}.get(type(condition))
    exact = condition.xreplace(dict(point))
    return bool(exact) if exact in (sp.true, sp.false) else None


def _draw(rng, variable, scale):
    """A random rational value; an integer for the integer parameter of a periodic family."""
    if variable.is_integer:
        return sp.Integer(rng.randint(-3 * scale, 3 * scale))
    return sp.Rational(rng.randint(-12 * scale, 12 * scale), rng.choice((3, 4, 5, 7)))


def zero_test(expr, variables, *, region=sp.true, domain=None, budget: TimeBudget | None = None,
              samples: int = 5, seed: int = 0) -> ZeroTest:
    """Decide whether ``expr`` vanishes identically on ``region``.

    Steps: exact normalisation (polynomial expansion, cancellation, factoring);
    a numeric witness search at random rational points of the region; then
    ``sympy.simplify`` under the time budget. Undecided cases return ``None``.
    """
    expr = sp.sympify(expr)
    variables = tuple(variables)
    if expr == 0:
        return ZeroTest(True, sp.S.Zero, "exact normalisation")
    # A witness is cheap and settles the common non-zero case before any normalisation.
    witness = _witness(expr, variables, region, domain, min(samples, 2), seed)
    if witness is not None:
        return ZeroTest(False, expr, "non-zero at a witness point (30-digit evaluation)", witness)
    residual = expr
    try:
        if budget is not None:
            with budget.enforced("zero test"):
                residual = normalize(expr, variables)
        else:
            residual = normalize(expr, variables)
    except BudgetExceeded:
        return ZeroTest(None, expr, "time budget exceeded while normalising")
    if residual == 0:
        return ZeroTest(True, sp.S.Zero, "exact normalisation")
    if residual.is_number:
        value = value_at(residual, ())
        if value is not None and abs(value) > _NONZERO:
            return ZeroTest(False, residual, "non-zero constant")
    else:
        witness = _witness(residual, variables, region, domain, samples, seed + 1)
        if witness is not None:
            return ZeroTest(False, residual, "non-zero at a witness point (30-digit evaluation)", witness)
    if budget is None or budget.remaining > 0:
        try:
            if budget is not None:
                with budget.enforced("simplify"):
                    simplified = sp.simplify(residual)
            else:
                simplified = sp.simplify(residual)
        except BudgetExceeded:
            return ZeroTest(None, residual, "numerically zero at sample points; simplification ran out of time")
        if simplified == 0:
            return ZeroTest(True, sp.S.Zero, "simplification")
        residual = simplified
    return ZeroTest(None, residual, "numerically zero at sample points, but not reduced to 0 symbolically")


def _witness(expr, variables, region, domain, count, seed):
    """A point of the region where ``expr`` is clearly non-zero, or None."""
    if count <= 0:
        return None
    for point in points_in(variables, region, count=count, seed=seed, domain=domain):
        value = value_at(expr, point)
        if value is not None and abs(value) > _NONZERO:
            return point
    return None


def find_witness(expr, variables, region=sp.true, domain=None, *, count=4, seed=0):
    """A point of ``region`` where ``expr`` is clearly non-zero (30-digit evaluation), or None."""
    return _witness(sp.sympify(expr), tuple(variables), region, domain, count, seed)


def all_zero(exprs, variables, **options) -> ZeroTest:
    """Zero test of every component of ``exprs``: False wins, then None, else True."""
    checks = [zero_test(e, variables, **options) for e in exprs]
    for check in checks:
        if check.verdict is False:
            return check
    undecided = [c for c in checks if c.verdict is None]
    if undecided:
        return undecided[0]
    return ZeroTest(True, sp.S.Zero, ", ".join(sorted({c.method for c in checks})) or "no components")
