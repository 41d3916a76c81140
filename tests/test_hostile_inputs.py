"""Bad input gets a clear error or an honest 'unknown', never a crash or a wrong answer."""

import math

import pytest
import sympy as sp

from corridors import InvalidArgument, ParseError, UnsupportedFunction, analyze

x, y = sp.symbols("x y", real=True)
f = sp.Function("f")

BAD_LOSSES = [
    (sp.Matrix([x, y]), [x, y], InvalidArgument, "scalar"),
    ([x, y], [x, y], InvalidArgument, "scalar"),
    (f(x) + y, [x, y], UnsupportedFunction, "undefined function"),
    (sp.floor(x), [x], UnsupportedFunction, "not supported"),
    (sp.Derivative(x**2, x), [x], UnsupportedFunction, "Derivative"),
    (x + sp.I * y, [x, y], InvalidArgument, "complex"),
    (x + sp.oo, [x], InvalidArgument, "infinite"),
    (x + y, [x, x, y], InvalidArgument, "twice"),
    (sp.Integer(3), None, InvalidArgument, "no variables"),
    (object(), [x], InvalidArgument, "SymPy expression"),
    (x, [1], InvalidArgument, "Symbol"),
    ("x + ", None, ParseError, "cannot parse"),
    ("gamma(x)", None, UnsupportedFunction, "not supported"),
]


@pytest.mark.parametrize(
    "loss, variables, error, fragment", BAD_LOSSES, ids=[f"{i}-{b[3]}" for i, b in enumerate(BAD_LOSSES)]
)
def test_bad_losses(loss, variables, error, fragment):
    with pytest.raises(error) as info:
        analyze(loss, variables, timeout=120)
    assert fragment.lower() in str(info.value).lower()


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf, "5", True])
def test_bad_timeouts(timeout):
    with pytest.raises(InvalidArgument, match="timeout"):
        analyze(x, [x], timeout=timeout)


BAD_POINTS = [
    ({x: 1}, "no value for y"),
    ({x: 1, y: 2, "z": 3}, "not a variable"),
    ({x: math.nan, y: 0}, "finite"),
    ({x: math.inf, y: 0}, "finite"),
    ({x: "one", y: 0}, "finite real number"),
    ({x: sp.I, y: 0}, "finite real"),
    ({x: True, y: 0}, "number"),
    ([1, 2, 3], "coordinates"),
    (5, "dict or a sequence"),
]


@pytest.mark.parametrize("point, fragment", BAD_POINTS)
def test_bad_points(point, fragment):
    report = analyze(x * y, [x, y], timeout=120)
    with pytest.raises(InvalidArgument, match=fragment):
        report.status_at(point)


def test_point_outside_the_domain():
    report = analyze(sp.log(x) + y, [x, y], timeout=120)
    with pytest.raises(InvalidArgument, match="not defined"):
        report.status_at({x: -1, y: 0})


def test_non_real_symbols_are_treated_as_real():
    a, b = sp.symbols("a b")  # no assumptions
    report = analyze(a + b**2, [a, b], timeout=120)
    assert report.classification == "partial"
    assert report.status_at({a: 1, b: 0}) == "corridor"
    assert report.status_at({"a": 1, "b": 0}) == "corridor"
