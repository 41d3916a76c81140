"""Compact LaTeX for residuals and rewrites: E for E(θ₁, …, θₙ), ∂_{θ₁}∂_{θ₂}E for its derivatives.

SymPy writes a generic loss at the point as ``E{\\left(\\theta_{1},\\theta_{2} \\right)}`` and
each derivative as a fraction; a residual with a dozen of them is unreadable.
Here a function applied at the point (symbols, or curve coordinates θᵢ(t))
is written by its name alone, and derivatives as products of ∂'s. Functions
at any other point keep their arguments.

>>> import sympy as sp
>>> x, y = sp.symbols("theta_1 theta_2"); E = sp.Function("E")(x, y)
>>> print(latex(sp.diff(E, x, y) * sp.diff(E, y) - E))
- E + \\partial_{\\theta_{2}} E\\,\\partial_{\\theta_{1}} \\partial_{\\theta_{2}} E
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

__all__ = ["latex"]


def _at_the_point(applied) -> bool:
    """E(θ₁, …, θₙ) or θᵢ(t): every argument a symbol, or a curve coordinate of a symbol."""
    return all(
        isinstance(a, sp.Symbol) or (isinstance(a, AppliedUndef) and all(isinstance(b, sp.Symbol) for b in a.args))
        for a in applied.args
    )


class _CompactPrinter(LatexPrinter):
    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef) and _at_the_point(expr):
            name = self._deal_with_super_sub(expr.func.__name__)
            return f"{name}^{{{exp}}}" if exp else name
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr):
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and _at_the_point(inner):
            parts = []
            for variable, count in expr.variable_count:
                label = self._print(variable)
                parts.append(rf"\partial_{{{label}}}" + (f"^{{{count}}}" if count > 1 else ""))
            return " ".join(parts) + " " + self._print(inner)
        return super()._print_Derivative(expr)


def latex(expr) -> str:
    """Compact LaTeX of a SymPy object (see the module docstring)."""
    # A thin space between factors keeps ∂_{θ₁}E ∂_{θ₂}E from reading as one derivative.
    return _CompactPrinter({"mul_symbol": r"\,"}).doprint(expr)
