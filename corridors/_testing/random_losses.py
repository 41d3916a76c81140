"""Hypothesis strategies for losses with no known answer: the inputs that find crashes.

``polynomial_losses`` draws the low-degree polynomials a researcher types
first (the family that exposed the first release's crashes);
``composed_losses`` wraps polynomials in exp, log, sqrt and Abs. Their truth is
not known by construction, so tests use them for properties that hold for
every loss: no undocumented exception, verdicts that agree with an
independent numeric check, statuses consistent with H g at the point.
"""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st

from .._errors import InvalidArgument

__all__ = ["composed_losses", "polynomial_losses"]

_NAMES = ("x", "y", "z", "w")


def _check_count(value, name, low, high) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(f"{name} must be an int between {low} and {high}, got {value!r}")
    return value


def _variables(count):
    return sp.symbols(_NAMES[:count], real=True)


def polynomial_losses(*, variables: int = 2, max_degree: int = 2, max_terms: int = 4, max_coefficient: int = 5):
    """``(expression, variables)`` with a polynomial of degree ≤ ``max_degree`` in each variable.

    Each term is an integer coefficient in ±1..``max_coefficient`` times a
    monomial; at least one variable occurs.

    >>> from hypothesis import given
    >>> @given(polynomial_losses(variables=3))
    ... def test_three_variables(drawn):
    ...     expression, symbols = drawn
    ...     assert len(symbols) == 3 and expression.free_symbols
    >>> test_three_variables()
    """
    count = _check_count(variables, "variables", 1, len(_NAMES))
    degree = _check_count(max_degree, "max_degree", 1, 6)
    terms = _check_count(max_terms, "max_terms", 1, 12)
    size = _check_count(max_coefficient, "max_coefficient", 1, 10**6)
    symbols = _variables(count)
    coefficient = st.integers(-size, size).filter(bool)
    monomial = st.tuples(*([st.integers(0, degree)] * count)).map(
        lambda exponents: sp.Mul(*(s**e for s, e in zip(symbols, exponents))))
    term = st.builds(lambda c, m: c * m, coefficient, monomial)
    polynomial = st.lists(term, min_size=1, max_size=terms).map(lambda ts: sp.Add(*ts))
    return polynomial.filter(lambda p: bool(p.free_symbols)).map(lambda p: (p, symbols))


def composed_losses(*, variables: int = 2, max_depth: int = 2):
    """``(expression, variables)``: polynomials composed with exp, log, sqrt and Abs.

    Arguments of log and sqrt are made positive on ℝⁿ (1 + p², or a sum of
    squares plus a constant), so that the loss is real everywhere; Abs takes
    any polynomial, so kinks appear where it changes sign.
    """
    count = _check_count(variables, "variables", 1, len(_NAMES))
    depth = _check_count(max_depth, "max_depth", 1, 4)
    symbols = _variables(count)
    leaves = polynomial_losses(variables=count, max_degree=2, max_terms=3, max_coefficient=3).map(lambda d: d[0])

    def extend(children):
        positive = children.map(lambda e: 1 + e**2)
        return st.one_of(
            children.map(sp.exp),
            positive.map(sp.log),
            positive.map(sp.sqrt),
            children.map(sp.Abs),
            st.builds(lambda a, b: a + b, children, children),
            st.builds(lambda a, b: a * b, children, leaves),
        )

    expressions = st.recursive(leaves, extend, max_leaves=2 * depth)
    return expressions.filter(lambda e: bool(e.free_symbols)).map(lambda e: (e, symbols))
