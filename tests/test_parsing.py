"""Safe parsing: the whitelist accepts losses and refuses everything else without executing it."""

import pytest
import sympy as sp

from corridors import ALLOWED_FUNCTIONS, ParseError, UnsupportedFunction, parse_loss

x, y = sp.symbols("x y", real=True)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("log(exp(x) + exp(y))", sp.log(sp.exp(x) + sp.exp(y))),
        ("x^2 + y", x**2 + y),
        ("x**2 + y", x**2 + y),
        ("0.1*x", x / 10),  # decimals are exact
        ("relu(x - y)", sp.Max(0, x - y)),
        ("abs(x) + max(x, y, 0)", sp.Abs(x) + sp.Max(x, y, 0)),
        ("Piecewise((x, x > 0), (-2*x, True))", sp.Piecewise((x, x > 0), (-2 * x, True))),
        ("pi*x + E", sp.pi * x + sp.E),
        ("-x", -x),
    ],
)
def test_accepts_losses(text, expected):
    expression, symbols = parse_loss(text)
    assert sp.simplify(expression - expected) == 0
    assert all(s.is_real for s in symbols)


def test_variables_default_to_sorted_names_and_can_be_declared():
    assert parse_loss("y + x")[1] == (x, y)
    assert parse_loss("y + x", ["y", "x", "z"])[1] == (y, x, sp.Symbol("z", real=True))


HOSTILE = [
    ("__import__('os').system('touch /tmp/corridors-pwned')", ParseError, "attribute"),
    ("__import__('os')", ParseError, "underscore"),
    ("__builtins__", ParseError, "underscore"),
    ("x.__class__", ParseError, "attribute"),
    ("x.real", ParseError, "attribute"),
    ("(lambda: 1)()", ParseError, "lambda"),
    ("[x for x in (1, 2)]", ParseError, "comprehension"),
    ("{x: 1}", ParseError, "dict"),
    ("x[0]", ParseError, "indexing"),
    ("open('/etc/passwd')", UnsupportedFunction, "not supported"),
    ("eval('1')", UnsupportedFunction, "not supported"),
    ("floor(x)", UnsupportedFunction, "not supported"),
    ("exp", ParseError, "call it"),
    ("x if x > 0 else y", ParseError, "Piecewise"),
    ("x > 0", ParseError, "comparison"),
    ("(x := 2)", ParseError, "assignment"),
    ("f'{x}'", ParseError, "f-string"),
    ("'text'", ParseError, "literal"),
    ("x + 1j", ParseError, "complex"),
    ("I*x", ParseError, "real-valued"),
    ("x + oo", ParseError, "finite"),
    ("x +", ParseError, "cannot parse"),
    ("", ParseError, "empty"),
    ("   ", ParseError, "empty"),
    ("x**10**10", ParseError, "too large"),
    ("9**9**9", ParseError, "too large"),
    ("1" * 60 + "*x", ParseError, "digits"),
    ("x + " * 3000 + "x", ParseError, "limit"),
    ("exp(" * 100 + "x" + ")" * 100, ParseError, "nested"),
    ("-" * 5000 + "x", ParseError, "nested"),
    ("max(x, y, key=abs)", ParseError, "positional"),
    ("exp(*x)", ParseError, "positional"),
    ("exp(x, y)", ParseError, "argument"),
    ("Piecewise((x, x > 0))", ParseError, "True"),
    ("Piecewise(x)", ParseError, "pairs"),
    ("x & y", ParseError, "BitAnd"),
    ("x\x00", ParseError, "NUL"),
]


@pytest.mark.parametrize("text, error, fragment", HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_refuses_hostile_or_malformed_text(text, error, fragment, tmp_path):
    with pytest.raises(error) as info:
        parse_loss(text)
    message = str(info.value)
    assert fragment.lower() in message.lower()
    assert "\n" not in message


def test_nothing_is_executed(tmp_path):
    canary = tmp_path / "canary"
    with pytest.raises(ParseError):
        parse_loss(f"__import__('pathlib').Path('{canary}').touch()")
    assert not canary.exists()


def test_other_names_are_parameters_and_reserved_names_are_refused():
    # Names that are not variables are real parameters (data), not errors.
    loss, variables = parse_loss("x + z", ["x", "y"])
    assert [v.name for v in variables] == ["x", "y"]
    assert {s.name for s in loss.free_symbols} == {"x", "z"}
    with pytest.raises(ParseError, match="reserved"):
        parse_loss("x", ["exp"])
    with pytest.raises(ParseError, match="twice"):
        parse_loss("x", ["x", "x"])


def test_allowed_functions_are_listed_in_errors():
    with pytest.raises(UnsupportedFunction) as info:
        parse_loss("gamma(x)")
    assert all(name in str(info.value) for name in ("exp", "log", "relu"))
    assert "relu" in ALLOWED_FUNCTIONS
