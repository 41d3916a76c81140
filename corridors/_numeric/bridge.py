"""Bridge from the symbolic core to JAX: a SymPy loss as a function of ``θ``.

Used to check a symbolic result (e.g. ``H g = 0`` on a corridor) against the
numeric backend on the same loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
import sympy as sp

from .._errors import InvalidArgument, UnsupportedFunction

__all__ = ["lambdify_loss", "to_jax"]

# SymPy prints these special functions to ``math.*`` / bare names that would
# fail on tracers; map them to their jax.scipy versions.
_SPECIAL = {
    "erf": jss.erf,
    "erfc": jss.erfc,
    "gamma": jss.gamma,
    "lgamma": jss.gammaln,
    "loggamma": jss.gammaln,
    "polygamma": jss.polygamma,
    "digamma": jss.digamma,
}
_HOST_MODULES = ("math", "mpmath", "cmath", "numpy", "sympy")


def lambdify_loss(expr, variables: Sequence) -> Callable[[jax.Array], jax.Array]:
    """Turn a SymPy scalar expression into a JAX loss ``E(θ)`` of a 1-D array ``θ``.

    Formula: ``E(θ) = expr(variables[0] = θ[0], …, variables[n−1] = θ[n−1])``.

    Abs, Max, Min, Piecewise, Heaviside, sign and the elementary functions map
    to ``jax.numpy`` (through ``sympy.lambdify(modules="jax")``), erf/gamma and
    friends to ``jax.scipy.special``. The result is jit-, grad- and
    vmap-compatible and keeps the dtype of ``θ``.

    Derivatives are JAX's: at a kink (``Abs`` at 0, ``Max`` on a tie) they are
    JAX's choice of one-sided derivative, and ``sqrt`` at 0 gives NaN exactly
    as ``jnp.sqrt`` does.

    Args:
        expr: a SymPy scalar expression (or a string, parsed safely by the
            symbolic core's parser).
        variables: the symbols (or their names), in the order of ``θ``'s entries.

    Returns:
        ``loss(theta)`` with ``theta`` of shape ``(len(variables),)``, returning a scalar.

    Raises:
        InvalidArgument: ``expr`` is not a scalar expression, ``variables``
            are not distinct symbols, or ``expr`` has other free symbols.
        UnsupportedFunction: ``expr`` uses a function with no JAX translation.

    Example:
        >>> import sympy as sp, jax.numpy as jnp
        >>> x, y = sp.symbols("x y")
        >>> loss = lambdify_loss(sp.log(sp.exp(x) + sp.exp(y)), [x, y])
        >>> round(float(loss(jnp.array([0.0, 0.0]))), 6)
        0.693147
    """
    expr, symbols = _prepare(expr, variables)
    try:
        raw = sp.lambdify(symbols, expr, modules=[_SPECIAL, "jax"])
    except Exception as error:  # the printer refuses the expression
        raise UnsupportedFunction(f"cannot translate {expr} to JAX: {error}") from None
    _reject_host_functions(raw, expr)
    count = len(symbols)

    def loss(theta):
        theta = jnp.asarray(theta)
        if theta.shape != (count,):
            raise InvalidArgument(
                f"theta must have shape ({count},) for variables {', '.join(map(str, symbols))}, "
                f"got {theta.shape}"
            )
        if not jnp.issubdtype(theta.dtype, jnp.floating):
            theta = theta.astype(jnp.result_type(float))
        out = raw(*(theta[i] for i in range(count)))
        # Constant sub-expressions print as Python numbers or weak-typed arrays.
        return jnp.asarray(out, dtype=theta.dtype)

    loss.__doc__ = f"JAX version of the SymPy loss {expr} in ({', '.join(map(str, symbols))})."
    loss.__name__ = "sympy_loss"
    _check_traceable(loss, count, expr)
    return loss


to_jax = lambdify_loss


def _prepare(expr, variables):
    if isinstance(variables, (str, sp.Symbol)):
        variables = [variables]
    try:
        variables = list(variables)
    except TypeError:
        raise InvalidArgument(f"variables must be a sequence of symbols, got {variables!r}") from None
    if not variables:
        raise InvalidArgument("variables is empty: give the symbols in the order of theta's entries")
    if isinstance(expr, str):
        from .._symbolic.parsing import parse_loss  # lazy: only string input needs the parser

        names = [v.name if isinstance(v, sp.Symbol) else v for v in variables]
        expr, symbols = parse_loss(expr, names)
        return expr, tuple(symbols)
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        expr = sp.sympify(expr)
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixBase):
        raise InvalidArgument(f"expr must be a scalar SymPy expression, got {type(expr).__name__}")
    by_name = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    symbols = []
    for v in variables:
        if isinstance(v, str):
            v = by_name.get(v, sp.Symbol(v))
        if not isinstance(v, sp.Symbol):
            raise InvalidArgument(f"each variable must be a SymPy Symbol or a name, got {v!r}")
        symbols.append(v)
    if len(set(symbols)) != len(symbols):
        raise InvalidArgument(f"variables contain duplicates: {symbols}")
    extra = expr.free_symbols - set(symbols)
    if extra:
        raise InvalidArgument(
            f"expr depends on {', '.join(sorted(map(str, extra)))}, not among the variables "
            f"{', '.join(map(str, symbols))}: add them or substitute values"
        )
    return expr, tuple(symbols)


def _reject_host_functions(raw, expr) -> None:
    """Refuse generated code that calls ``math.*`` & co., which fail on tracers."""
    namespace = raw.__globals__
    for name in raw.__code__.co_names:
        obj = namespace.get(name)
        module = getattr(obj, "__module__", None) or getattr(obj, "__name__", "")
        if obj is not None and str(module).split(".")[0] in _HOST_MODULES:
            raise UnsupportedFunction(f"{expr}: '{name}' has no JAX translation (it maps to {module})")


def _check_traceable(loss, count, expr) -> None:
    """Trace once (no FLOPs) so an untranslatable function fails now, clearly."""
    try:
        jax.eval_shape(jax.grad(loss), jax.ShapeDtypeStruct((count,), jnp.result_type(float)))
    except InvalidArgument:
        raise
    except Exception as error:
        raise UnsupportedFunction(
            f"{expr} cannot be evaluated by JAX ({type(error).__name__}: {str(error).splitlines()[0]})"
        ) from None
