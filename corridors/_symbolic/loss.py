"""Validation of user losses: scalar, real, finite, made of supported functions."""

from __future__ import annotations

import dataclasses

import sympy as sp
from sympy.core.function import AppliedUndef

from .._errors import InvalidArgument, UnsupportedFunction
from .parsing import parse_loss

__all__ = ["MAX_VARIABLES", "SUPPORTED_FUNCTIONS", "PreparedLoss", "prepare", "prepare_loss"]

MAX_VARIABLES = 100

# Analytic building blocks plus the non-smooth ones that are split into pieces.
SUPPORTED_FUNCTIONS = (
    sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asinh,
    sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign,
)
_UNSUPPORTED_OBJECTS = (
    sp.Derivative, sp.Integral, sp.Sum, sp.Product, sp.Order, sp.Indexed, sp.MatrixSymbol,
)


@dataclasses.dataclass(frozen=True)
class PreparedLoss:
    """A validated loss over real symbols, and the caller's own symbols for the results."""

    expression: sp.Expr  # over real symbols
    variables: tuple  # real symbols, in order
    parameters: tuple  # real symbols of the data: every other symbol of the loss
    user_expression: sp.Expr  # as given
    user_variables: tuple  # the caller's symbols (real ones when the caller gave names or text)


def prepare_loss(loss, variables=None) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Check ``loss`` and return it over real symbols with its variables (see ``prepare``)."""
    prepared = prepare(loss, variables)
    return prepared.expression, prepared.variables


def prepare(loss, variables=None) -> PreparedLoss:
    """Check ``loss`` and return it over real symbols, with its variables and parameters.

    ``loss`` is a SymPy expression or a string (parsed safely); ``variables`` a
    sequence of symbols or names, by default every free symbol, sorted by name.
    Symbols of the loss that are not variables are *parameters* (data, such as
    the inputs and targets of a model): real constants that the analysis keeps
    symbolic. Symbols without ``real=True`` are replaced internally by real
    symbols of the same name, because the paper's losses live on real
    parameter space; results are given back in the caller's own symbols.
    """
    if isinstance(loss, str):
        names = None if variables is None else [_name_of(v) for v in _as_sequence(variables)]
        expression, parsed = parse_loss(loss, names)
        parameters = tuple(sorted(expression.free_symbols - set(parsed), key=lambda s: s.name))
        expression, checked = _check_expression(expression, parsed)
        return PreparedLoss(expression, checked, parameters, expression, checked)
    if isinstance(loss, (int, float)) and not isinstance(loss, bool):
        loss = sp.nsimplify(loss)
    if isinstance(loss, (sp.MatrixBase, list, tuple, sp.Tuple)) or getattr(loss, "shape", ()) not in ((), None):
        raise InvalidArgument("the loss must be a scalar expression, not a vector or matrix: sum or pick a component")
    if not isinstance(loss, sp.Expr):
        raise InvalidArgument(
            f"the loss must be a SymPy expression or a string, got {type(loss).__name__}"
        )
    if variables is None:
        symbols = sorted(loss.free_symbols, key=lambda s: s.name)
        if not symbols:
            raise InvalidArgument("the loss has no variables; pass variables=[...] to analyze a constant loss")
    else:
        symbols = [_as_symbol(v) for v in _as_sequence(variables)]
    names = [s.name for s in symbols]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidArgument(f"variable(s) {', '.join(duplicates)} given twice")
    by_name = {s.name: s for s in symbols}
    extra = sorted(loss.free_symbols - set(symbols), key=lambda s: s.name)
    clashing = [s.name for s in extra if s.name in by_name]
    if clashing:
        raise InvalidArgument(
            f"the loss's symbol(s) {', '.join(clashing)} differ from the variables of the same name "
            "(different assumptions); use the same Symbol objects"
        )
    extra_names = [s.name for s in extra]
    repeated = sorted({n for n in extra_names if extra_names.count(n) > 1})
    if repeated:
        raise InvalidArgument(f"the loss has two different symbols named {', '.join(repeated)}; rename one")
    real = {s: sp.Symbol(s.name, real=True) for s in list(symbols) + extra}
    expression, real_symbols = _check_expression(loss.xreplace(real), tuple(real[s] for s in symbols))
    return PreparedLoss(expression, real_symbols, tuple(real[s] for s in extra), loss, tuple(symbols))


def _check_expression(loss: sp.Expr, symbols):
    if len(symbols) > MAX_VARIABLES:
        raise InvalidArgument(f"{len(symbols)} variables: the symbolic core handles at most {MAX_VARIABLES}; use corridors.numeric")
    if not symbols:
        raise InvalidArgument("no variables given")
    undefined = sorted({str(f.func) for f in loss.atoms(AppliedUndef)})
    if undefined:
        raise UnsupportedFunction(
            f"undefined function(s) {', '.join(undefined)}: give an explicit formula (generic functions belong in proofs/)"
        )
    for kind in _UNSUPPORTED_OBJECTS:
        if loss.has(kind):
            raise UnsupportedFunction(f"{kind.__name__} objects are not supported in a loss; evaluate them first")
    for function in loss.atoms(sp.Function):
        if not isinstance(function, SUPPORTED_FUNCTIONS):
            allowed = ", ".join(sorted(f.__name__ for f in SUPPORTED_FUNCTIONS))
            raise UnsupportedFunction(f"function {function.func} is not supported; supported: {allowed}, and powers")
    if loss.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidArgument("the loss contains an infinite or undefined value (oo, zoo or nan)")
    if loss.has(sp.I):
        imaginary = sp.simplify(sp.im(loss))
        if imaginary != 0:
            raise InvalidArgument(f"the loss is complex-valued (imaginary part {imaginary}); losses must be real")
        loss = sp.simplify(sp.re(loss))
    if loss.is_real is False:
        raise InvalidArgument("the loss is complex-valued for every real input; losses must be real")
    return loss, tuple(symbols)


def _as_sequence(variables):
    if isinstance(variables, str):
        return [part.strip() for part in variables.split(",") if part.strip()]
    if isinstance(variables, sp.Symbol):
        return [variables]
    try:
        return list(variables)
    except TypeError:
        raise InvalidArgument(f"variables must be a sequence of symbols or names, got {variables!r}") from None


def _as_symbol(variable) -> sp.Symbol:
    if isinstance(variable, sp.Symbol):
        return variable
    if isinstance(variable, str) and variable.isidentifier():
        return sp.Symbol(variable, real=True)
    raise InvalidArgument(f"each variable must be a SymPy Symbol or a name, got {variable!r}")


def _name_of(variable) -> str:
    return variable.name if isinstance(variable, sp.Symbol) else variable
