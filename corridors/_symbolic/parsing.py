"""Safe parsing of losses written as text, e.g. ``"log(exp(x) + exp(y))"``.

The text is parsed with Python's ``ast`` module and walked over a whitelist of
node types and function names; SymPy objects are built directly from the
nodes. Nothing is ever evaluated or executed: no ``eval``, no ``sympify`` of raw
text, no attribute access, no unknown calls.
"""

from __future__ import annotations

import ast
import math
import re

import sympy as sp

from .._errors import ParseError, UnsupportedFunction

__all__ = ["ALLOWED_FUNCTIONS", "parse_loss", "parse_point"]

MAX_TEXT_LENGTH = 10_000
MAX_NODES = 5_000
MAX_DEPTH = 60
MAX_INTEGER_DIGITS = 50
MAX_EXPONENT = 1_000
MAX_NUMERIC_POWER_DIGITS = 10_000  # digits of a number**number result


def _relu(x):
    return sp.Max(0, x)


def _softplus(x):
    return sp.log(1 + sp.exp(x))


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


# name -> (builder, minimum arity, maximum arity or None for any)
_FUNCTIONS = {
    "exp": (sp.exp, 1, 1),
    "log": (sp.log, 1, 1),
    "ln": (sp.log, 1, 1),
    "sqrt": (sp.sqrt, 1, 1),
    "sin": (sp.sin, 1, 1),
    "cos": (sp.cos, 1, 1),
    "tan": (sp.tan, 1, 1),
    "sinh": (sp.sinh, 1, 1),
    "cosh": (sp.cosh, 1, 1),
    "tanh": (sp.tanh, 1, 1),
    "atan": (sp.atan, 1, 1),
    "arctan": (sp.atan, 1, 1),
    "asinh": (sp.asinh, 1, 1),
    "abs": (sp.Abs, 1, 1),
    "Abs": (sp.Abs, 1, 1),
    "max": (sp.Max, 1, None),
    "Max": (sp.Max, 1, None),
    "min": (sp.Min, 1, None),
    "Min": (sp.Min, 1, None),
    "sign": (sp.sign, 1, 1),
    "Heaviside": (sp.Heaviside, 1, 1),
    "relu": (_relu, 1, 1),
    "softplus": (_softplus, 1, 1),
    "sigmoid": (_sigmoid, 1, 1),
}
ALLOWED_FUNCTIONS = tuple(sorted(set(_FUNCTIONS) | {"Piecewise"}))
_CONSTANTS = {"pi": sp.pi, "E": sp.E}
_NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


def parse_loss(text: str, variables=None) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Parse ``text`` into a SymPy expression over real symbols, safely.

    ``variables`` is an optional sequence of variable names; by default the
    names found in the text, sorted. Other names in the text are parameters
    (data), real symbols like the variables. ``^`` means power, as in
    mathematics.
    Returns ``(expression, symbols)``. Raises ``ParseError`` for malformed or
    refused input and ``UnsupportedFunction`` for calls outside
    ``ALLOWED_FUNCTIONS``.

    >>> parse_loss("log(exp(x) + exp(y))")
    (log(exp(x) + exp(y)), (x, y))
    """
    if not isinstance(text, str):
        raise ParseError(f"the loss must be a string or a SymPy expression, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise ParseError(f"the loss text is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}")
    if not text.strip():
        raise ParseError("the loss is empty: give an expression such as 'x**2 + y'")
    if "\x00" in text:
        raise ParseError("the loss contains a NUL character")
    declared = _declared_names(variables)
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as error:
        raise ParseError(f"cannot parse the loss: {error.msg} (at column {error.offset})") from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("the loss is nested too deeply to parse") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ParseError(f"the loss has {nodes} syntax nodes; the limit is {MAX_NODES}")
    builder = _Builder(declared)
    try:
        expression = builder.build(tree.body, depth=0)
    except RecursionError:
        raise ParseError("the loss is nested too deeply") from None
    if isinstance(expression, (sp.logic.boolalg.Boolean, tuple)) and not isinstance(expression, sp.Expr):
        raise ParseError("the loss must be a scalar expression, not a condition or a tuple")
    if declared is None:
        symbols = tuple(sorted(builder.symbols.values(), key=lambda s: s.name))
    else:
        symbols = tuple(builder.symbol(name) for name in declared)
    return expression, symbols


def parse_point(text: str, names) -> dict[str, sp.Rational]:
    """Parse ``"x=1,y=-0.5"`` into ``{"x": 1, "y": -1/2}`` with exact rationals.

    Every name in ``names`` must get a value; each value is a plain number
    (decimal or integer, optionally a fraction ``p/q``). Raises ``ParseError``.
    """
    values: dict[str, sp.Rational] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ParseError(f"cannot read {item!r} in --at: write NAME=VALUE pairs, e.g. x=1,y=2")
        if name in values:
            raise ParseError(f"variable {name!r} is given twice in --at")
        values[name] = _parse_number(value, name)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ParseError(f"--at names unknown variable(s) {', '.join(unknown)}; the variables are {', '.join(names)}")
    missing = [name for name in names if name not in values]
    if missing:
        raise ParseError(f"--at gives no value for {', '.join(missing)}; give every variable a value")
    return values


def _parse_number(text: str, name: str) -> sp.Rational:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?", text):
        raise ParseError(f"the value of {name} must be a finite number, got {text!r}")
    numerator, _, denominator = text.partition("/")
    if len(text) > 60:
        raise ParseError(f"the value of {name} is too long ({len(text)} characters)")
    value = sp.Rational(numerator)
    if denominator:
        if int(denominator) == 0:
            raise ParseError(f"the value of {name} divides by zero")
        value = value / sp.Integer(denominator)
    return value


def _declared_names(variables):
    if variables is None:
        return None
    if isinstance(variables, str):
        variables = [part.strip() for part in variables.split(",") if part.strip()]
    names = []
    for variable in variables:
        name = variable.name if isinstance(variable, sp.Symbol) else variable
        if not isinstance(name, str) or not _NAME_PATTERN.match(name):
            raise ParseError(f"invalid variable name {name!r}: use letters, digits and underscores")
        if name in _FUNCTIONS or name in _CONSTANTS or name == "Piecewise":
            raise ParseError(f"{name!r} is a reserved function or constant name; choose another variable name")
        if name in names:
            raise ParseError(f"variable {name!r} is declared twice")
        names.append(name)
    if not names:
        raise ParseError("no variables declared")
    return names


class _Builder:
    """Turns whitelisted AST nodes into SymPy objects."""

    def __init__(self, declared):
        self.declared = declared
        self.symbols: dict[str, sp.Symbol] = {}

    def symbol(self, name: str) -> sp.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sp.Symbol(name, real=True)
        return self.symbols[name]

    def build(self, node, depth, *, in_condition=False):
        if depth > MAX_DEPTH:
            raise ParseError(f"the loss is nested more than {MAX_DEPTH} levels deep")
        depth += 1
        if isinstance(node, ast.Constant):
            return self._constant(node.value, in_condition)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self._expr(node.operand, depth)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self._expr(node.left, depth), self._expr(node.right, depth)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self._power(self._expr(node.left, depth), self._expr(node.right, depth))
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if in_condition and isinstance(node, ast.Compare):
            return self._compare(node, depth)
        if in_condition and isinstance(node, ast.BoolOp):
            parts = [self.build(value, depth, in_condition=True) for value in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        raise ParseError(f"{_describe(node)} is not allowed in a loss")

    def _expr(self, node, depth):
        value = self.build(node, depth)
        if not isinstance(value, sp.Expr):
            raise ParseError(f"{_describe(node)} is not a number-valued expression")
        return value

    def _constant(self, value, in_condition):
        if isinstance(value, bool):
            if in_condition and value is True:
                return sp.true
            raise ParseError("booleans are only allowed as the last condition of Piecewise (True)")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise ParseError(f"integer literal with more than {MAX_INTEGER_DIGITS} digits refused")
            return sp.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ParseError("non-finite number in the loss")
            return sp.Rational(repr(value))  # exact decimal value as written
        if isinstance(value, complex):
            raise ParseError("complex numbers are not allowed: losses are real-valued")
        raise ParseError(f"literal {value!r} is not allowed in a loss")

    def _name(self, name):
        if name.startswith("_"):
            raise ParseError(f"name {name!r} is refused: names may not start with an underscore")
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in _FUNCTIONS or name == "Piecewise":
            raise ParseError(f"{name!r} is a function: call it, e.g. {name}(x)")
        if name in ("I", "j", "oo", "nan", "zoo"):
            raise ParseError(f"{name!r} is refused: losses are real-valued and finite")
        if not _NAME_PATTERN.match(name):
            raise ParseError(f"invalid name {name!r}")
        # With declared variables, any other name is a parameter (data): a real constant.
        return self.symbol(name)

    def _power(self, base, exponent):
        if exponent.is_number:
            if abs(exponent) > MAX_EXPONENT:
                raise ParseError(f"exponent {exponent} is too large; the limit is {MAX_EXPONENT}")
            if base.is_number and base != 0:
                digits = float(abs(exponent)) * abs(math.log10(abs(float(sp.N(base, 15))) or 1))
                if digits > MAX_NUMERIC_POWER_DIGITS:
                    raise ParseError("a numeric power in the loss is too large to represent")
        return base**exponent

    def _call(self, node, depth):
        if not isinstance(node.func, ast.Name):
            raise ParseError(f"{_describe(node.func)} cannot be called: only the allowed functions by name")
        name = node.func.id
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ParseError(f"{name}() takes positional arguments only")
        if name.startswith("_"):
            raise ParseError(f"name {name!r} is refused: names may not start with an underscore")
        if name == "Piecewise":
            return self._piecewise(node, depth)
        if name not in _FUNCTIONS:
            raise UnsupportedFunction(
                f"function {name!r} is not supported; allowed: {', '.join(ALLOWED_FUNCTIONS)}"
            )
        builder, low, high = _FUNCTIONS[name]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            expected = str(low) if high == low else f"at least {low}"
            raise ParseError(f"{name}() takes {expected} argument(s), got {count}")
        return builder(*(self._expr(arg, depth) for arg in node.args))

    def _piecewise(self, node, depth):
        pairs = []
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise ParseError("Piecewise takes (value, condition) pairs, e.g. Piecewise((x, x > 0), (0, True))")
            value = self._expr(arg.elts[0], depth)
            condition = self.build(arg.elts[1], depth, in_condition=True)
            if not isinstance(condition, sp.logic.boolalg.Boolean):
                raise ParseError("the second item of each Piecewise pair must be a condition such as x > 0")
            pairs.append((value, condition))
        if not pairs:
            raise ParseError("Piecewise needs at least one (value, condition) pair")
        if pairs[-1][1] is not sp.true:
            raise ParseError("the last Piecewise condition must be True, so that the loss is defined everywhere")
        return sp.Piecewise(*pairs)

    def _compare(self, node, depth):
        parts = []
        left = self._expr(node.left, depth)
        for op, comparator in zip(node.ops, node.comparators):
            if type(op) not in _COMPARE:
                raise ParseError("only <, <=, >, >= are allowed in conditions")
            right = self._expr(comparator, depth)
            parts.append(_COMPARE[type(op)](left, right))
            left = right
        return sp.And(*parts)


def _describe(node) -> str:
    kinds = {
        ast.Attribute: "attribute access",
        ast.Lambda: "a lambda",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a generator expression",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.Subscript: "indexing",
        ast.Compare: "a comparison",
        ast.BoolOp: "a boolean operation",
        ast.IfExp: "a conditional expression (use Piecewise)",
        ast.NamedExpr: "an assignment",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.JoinedStr: "an f-string",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.Starred: "unpacking",
    }
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return type(node).__name__
