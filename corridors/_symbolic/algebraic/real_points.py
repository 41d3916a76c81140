"""Real points of prime components, and certificates that there are none.

A complex component of {H g = 0} matters only through its real points (with
g ≠ 0, inside the domain). Two cheap arguments settle most components:

* **a witness**: a linear component is parametrised exactly; otherwise the
  variables of a maximal independent set are set to small rationals, the
  remaining system is triangular (a lexicographic Gröbner basis in shape
  position) and its real roots are isolated exactly (``sympy.real_roots``);
* **a sign certificate**: a basis polynomial whose terms are all ≥ 0 (or all
  ≤ 0) on the domain, one of them strictly, has no real zero there
  (x² + y² + 1; u + 3 with u = eˣ > 0).

A root found at random values of an independent set is simple for generic
values, so the real dimension of the component equals its complex dimension.
Anything else is left undecided.
"""

from __future__ import annotations

import dataclasses
import functools
import random

import sympy as sp

from ..._budget import TimeBudget
from .ideals import Prime, fibre

__all__ = ["RealPoint", "real_point", "sign_certificate"]

_DIGITS = 50
_CLEAR = sp.Float("1e-30")


@dataclasses.dataclass(frozen=True)
class RealPoint:
    """Does a component have an admissible real point? With the evidence."""

    verdict: bool | None
    point: dict | None  # generator → exact real number, when verdict is True
    method: str


def sign_certificate(poly, gens, positive=()) -> bool:
    """True if ``poly`` has no zero where the ``positive`` generators are > 0 (a sufficient test)."""
    poly = sp.expand(poly)
    if poly == 0 or not poly.free_symbols:
        return poly != 0
    p = sp.Poly(poly, *gens)
    signs, strict = set(), False
    for monomial, coefficient in p.terms():
        free = [g for g, e in zip(gens, monomial) if e and g not in positive]
        if any(e % 2 for g, e in zip(gens, monomial) if e and g not in positive):
            return False  # an odd power of an unsigned variable: no sign
        signs.add(coefficient > 0)
        if not free:
            strict = True  # a constant or a monomial in positive generators only: > 0
    return len(signs) == 1 and strict


def _forced_zero(poly, gens, positive):
    """Variables that vanish at every real zero of ``poly`` (a sum of like-signed even monomials)."""
    poly = sp.expand(poly)
    p = sp.Poly(poly, *gens)
    forced, signs = set(), set()
    for monomial, coefficient in p.terms():
        unsigned = [(g, e) for g, e in zip(gens, monomial) if e and g not in positive]
        if not unsigned or any(e % 2 for _, e in unsigned):
            return set()
        if len(unsigned) == 1:
            forced.add(unsigned[0][0])
        else:
            return set()  # x²y²: x = 0 or y = 0, a branch not taken here
        signs.add(coefficient > 0)
    return forced if len(signs) == 1 else set()


def real_point(prime: Prime, gens, *, admissible, positive=(), region=None, budget: TimeBudget | None = None,
               tries: int = 6, seed: int = 0, depth: int = 0, parameters=()) -> RealPoint:
    """An admissible real point of ``prime``, a proof that there is none, or undecided.

    ``admissible(point)`` returns True / False / None for an exact point
    (signs, g ≠ 0, the piece's region); ``positive`` are generators > 0 on the domain;
    ``region``, a condition on the generators, is used to show that a linear
    component misses it altogether.
    """
    gens = tuple(gens)
    if list(prime.basis) == [1]:
        return RealPoint(False, None, "no complex point")
    for p in prime.basis:
        if sign_certificate(p, gens, positive):
            return RealPoint(False, None, f"{p} has one sign on the domain")
    forced = set()
    for p in prime.basis:
        forced |= _forced_zero(p, gens, positive)
    forced -= {g for g in gens if sp.S.Zero in [sp.expand(p) for p in prime.basis if p == g]}
    if forced and depth < 3 and not all(any(sp.expand(p - g) == 0 for p in prime.basis) for g in forced):
        # Real zeros of x² + y² lie on x = y = 0: recurse on the smaller real component.
        from .ideals import minimal_primes

        smaller = minimal_primes(list(prime.basis) + sorted(forced, key=str), gens, budget=budget,
                                 parameters=parameters)
        results = [real_point(q, gens, admissible=admissible, positive=positive, region=region, budget=budget,
                              tries=tries, seed=seed, depth=depth + 1, parameters=parameters) for q in smaller]
        for r in results:
            if r.verdict is True:
                return r
        if all(r.verdict is False for r in results):
            return RealPoint(False, None, "its real points satisfy " + ", ".join(f"{g} = 0" for g in sorted(forced, key=str))
                             + ", where none is admissible")
        return RealPoint(None, None, "undecided after restricting to its real part")
    rng = random.Random(seed)
    if prime.is_linear(gens):
        return _linear_point(prime, gens, admissible, positive, rng, tries, region)
    if parameters:
        return RealPoint(None, None, "a non-linear component of a parametric loss: its real points depend on the parameters")
    for attempt in range(tries):
        values = {v: _sample(rng, v in positive, attempt) for v in prime.independent}
        triangular = fibre(prime.basis, gens, values, budget=budget)
        for point in solve_triangular(triangular, [g for g in gens if g not in values]):
            point.update(values)
            verdict = admissible(point)
            if verdict is True:
                return RealPoint(True, point, "real root of the fibre at random rational values of an independent set")
    return RealPoint(None, None, f"no admissible real point in {tries} random fibres, and no sign certificate")


def _sample(rng, positive, attempt):
    scale = (3, 7, 20)[attempt % 3]
    value = sp.Rational(rng.randint(1 if positive else -scale, scale), rng.choice((1, 2, 3)))
    return value if value != 0 or positive else sp.S.One


def _linear_point(prime, gens, admissible, positive, rng, tries, region=None):
    equations = [p for p in prime.basis if p.free_symbols]
    solution = sp.linsolve(equations, *gens)
    if not solution:
        return RealPoint(False, None, "inconsistent linear equations")
    (parametric,) = solution
    if region is not None and region is not sp.true:
        restricted = region.xreplace(dict(zip(gens, parametric)))
        if restricted is sp.false:
            return RealPoint(False, None, "the component lies outside the piece's open region")
    parameters = sorted(set().union(*(sp.sympify(e).free_symbols for e in parametric)) & set(gens), key=str)
    for attempt in range(max(tries, 12)):
        values = {t: _sample(rng, t in positive, attempt) for t in parameters}
        point = {g: _exact(sp.sympify(e).xreplace(values)) for g, e in zip(gens, parametric)}
        verdict = admissible(point)
        if verdict is True:
            return RealPoint(True, point, "rational point of a linear component")
    return RealPoint(None, None, "no admissible point among random points of the linear component")


def _exact(value):
    return sp.nsimplify(value) if value.is_number else sp.cancel(value)


def _leading_variable(poly, order):
    for g in order:
        if poly.has(g):
            return g
    return None


def solve_triangular(polys, order):
    """Real solutions of a lexicographic Gröbner basis in shape position (x₁ − f₁(xₙ), …, p(xₙ)).

    A search: solutions it cannot reach are left out. :func:`all_real_solutions`
    says when the list is complete.
    """
    return all_real_solutions(polys, order, search=True)


def all_real_solutions(polys, order, *, search: bool = False):
    """Every real solution of a zero-dimensional lexicographic basis, or None if some may be missing.

    With ``search=True`` the solutions found are returned even when some may be missing.
    """
    missing: list | None = [] if search else None
    polys = [sp.expand(p) for p in polys if p != 0]
    if any(not p.free_symbols for p in polys):
        return []  # a non-zero constant: no solution at all
    if not order:
        return [{}]
    last = order[-1]
    univariate = [p for p in polys if p.free_symbols == {last}]
    others = [p for p in polys if p not in univariate]
    if len(univariate) != 1:
        return missing
    solved = {}
    for g in order[:-1]:
        candidates = [p for p in others if _leading_variable(p, order) == g]
        linear = [p for p in candidates if sp.degree(p, g) == 1 and sp.Poly(p, g).LC().is_number]
        if not linear:
            skipped: list = []  # not in shape position
            points = _back_substitute(polys, list(reversed(order)), {}, skipped)
            return points if search or not skipped else None
        p = linear[0]
        coefficient = sp.Poly(p, g).LC()
        solved[g] = sp.expand(-(p - coefficient * g) / coefficient)
    try:
        roots = sp.real_roots(sp.Poly(univariate[0], last))
    except (sp.PolynomialError, NotImplementedError):
        return missing
    points = []
    for root in dict.fromkeys(roots):
        point = {last: root}
        for g, expression in solved.items():
            point[g] = expression.xreplace({last: root})
        points.append(point)
    return points


def _back_substitute(polys, remaining, known, skipped):
    """Real solutions of a lexicographic basis, one variable at a time (last first).

    At each level the basis polynomials in the solved variables and one more,
    evaluated at the partial solution, have as common real roots exactly the
    extensions of that solution. real_roots needs rational coefficients, so a
    branch whose coefficients became irrational is left out and recorded in
    ``skipped``: callers never read "not found" as "no point".
    """
    if not remaining:
        return [dict(known)]
    g, rest = remaining[0], remaining[1:]
    level = [sp.expand(p.xreplace(known)) for p in polys if p.free_symbols <= set(known) | {g}]
    for p in (p for p in level if p.is_number):
        sign = 0 if p == 0 else numeric_sign(p)
        if sign is None:
            skipped.append(known)  # an irrational value too close to 0 to tell: leave the branch out
            return []
        if sign != 0:
            return []  # this partial solution does not extend
    level = [p for p in level if not p.is_number]
    if not level:
        skipped.append(known)  # g is free here: the fibre was not zero-dimensional
        return []
    try:
        common = functools.reduce(lambda a, b: a.gcd(b), [sp.Poly(p, g, domain="QQ") for p in level])
        roots = sp.real_roots(common) if common.degree() > 0 else []
    except (sp.PolynomialError, NotImplementedError, sp.CoercionFailed):
        skipped.append(known)
        return []
    points = []
    for root in dict.fromkeys(roots):
        # An irrational root is extended too: where it enters later coefficients, the
        # coercion to QQ fails and the branch is recorded as skipped.
        points.extend(_back_substitute(polys, rest, {**known, g: root}, skipped))
    return points


def numeric_sign(value) -> int | None:
    """Sign of an exact real number from a 50-digit evaluation; None when too close to 0."""
    number = sp.sympify(value)
    if number.is_Rational:
        return int(bool(number > 0)) - int(bool(number < 0))
    approximation = number.evalf(_DIGITS)
    if not approximation.is_real:
        if approximation.is_number and abs(sp.im(approximation)) < _CLEAR:
            approximation = sp.re(approximation)
        else:
            return None
    if abs(approximation) < _CLEAR:
        return 0 if sp.nsimplify(number) == 0 else None
    return 1 if approximation > 0 else -1
