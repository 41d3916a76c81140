"""No corridor in a formula that is analytic on all of ℝⁿ and bounded below.

On a corridor the flow line through θ₀ is θ₀ − t g₀ with g(θ₀ − t g₀) = g₀ for
small t. If the formula is analytic on ℝⁿ, that identity holds for every real
t (an analytic identity along a connected line), so
E(θ₀ − t g₀) = E(θ₀) − t‖g₀‖² → −∞ as t → ∞. A formula that is also bounded
below therefore has no corridor at all. This settles at once the losses most
people train: squared errors of polynomial and tanh networks, logistic and
softmax cross-entropy, log-cosh, ridge penalties, and every piece of a ReLU
network whose formula is such a loss.

Both properties are certified structurally, with SymPy's sound assumption
system: "analytic" by recursion (denominators, logarithms' arguments and
radicands provably positive), "bounded below" as a constant plus terms proven
non-negative (squares, exp, log(1 + …), log cosh, the log-softmax
log Σ exp(zₖ) − zⱼ). Anything not certified is left to the other routes.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["bounded_below_and_entire"]

_ENTIRE_FUNCTIONS = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asinh)


def bounded_below_and_entire(expr, variables) -> str | None:
    """A one-line proof that ``expr`` (over real ``variables``) has no corridor, or None."""
    if not _entire(expr):
        return None
    bound = _lower_bound(expr, depth=0)
    if bound is None:
        return None
    return (f"E is analytic on ℝ^{len(variables)} and E ≥ {bound}: a corridor line would make E "
            "decrease linearly without bound")


def _entire(e) -> bool:
    """Is ``e`` analytic at every real point (proved from its structure)?"""
    if e.is_Symbol or e.is_number:
        return e.is_real is not False and not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo)
    if e.is_Add or e.is_Mul:
        return all(_entire(a) for a in e.args)
    if e.is_Pow:
        base, exponent = e.args
        if not _entire(base):
            return False
        if exponent.is_Integer and exponent >= 0:
            return True
        if exponent.is_Integer:
            return bool(base.is_positive or base.is_negative)
        if exponent.is_Rational and exponent.q == 2:
            return bool(base.is_positive)
        return False
    if isinstance(e, _ENTIRE_FUNCTIONS):
        return _entire(e.args[0])
    if isinstance(e, sp.log):
        return _entire(e.args[0]) and bool(e.args[0].is_positive)
    return False


def _lower_bound(e, depth):
    """A number c with e ≥ c on ℝⁿ, or None."""
    if depth > 3:
        return None
    if e.is_number:
        return e if e.is_real else None
    if e.is_nonnegative:
        return sp.S.Zero
    constant, rest = e.as_independent(*e.free_symbols, as_Add=True)
    if constant != 0 and rest.is_nonnegative:
        return constant
    terms = sp.Add.make_args(e)
    if len(terms) > 1:
        bounds = []
        for term in terms:
            bound = _term_bound(term)
            if bound is None:
                # log Σ exp(zₖ) − zⱼ: log(1 + Σ exp(zₖ − zⱼ)) ≥ 0 for the remaining terms.
                return _log_softmax_bound(e, depth)
            bounds.append(bound)
        return sp.Add(*bounds)
    return _term_bound(e)


def _term_bound(term):
    if term.is_number:
        return term if term.is_real else None
    if term.is_nonnegative:
        return sp.S.Zero
    coefficient, factor = term.as_coeff_Mul()
    if coefficient > 0 and isinstance(factor, sp.log) and _at_least_one(factor.args[0]):
        return sp.S.Zero
    return None


def _at_least_one(argument) -> bool:
    if isinstance(argument, sp.cosh):
        return True
    return bool((argument - 1).is_nonnegative)


def _log_softmax_bound(e, depth):
    terms = sp.Add.make_args(e)
    for position, term in enumerate(terms):
        coefficient, factor = term.as_coeff_Mul()
        if coefficient <= 0 or not isinstance(factor, sp.log) or not factor.args[0].is_Add:
            continue
        exponentials = sp.Add.make_args(factor.args[0])
        if not all(isinstance(x, sp.exp) for x in exponentials):
            continue
        rest = sp.Add(*(t for i, t in enumerate(terms) if i != position))
        for exponential in exponentials:
            shifted = sp.expand(rest + coefficient * exponential.args[0])
            bound = _lower_bound(shifted, depth + 1)
            if bound is not None:
                return bound  # coefficient·log(Σ exp(zₖ − z)) ≥ 0 since one term is exp(0) = 1
    return None
