"""Gradient, Hessian and H g of a smooth loss, by two independent routes.

Route 1 multiplies the Hessian by the gradient; route 2 differentiates
‖g‖²/2, using the identity H g = ½∇‖g‖². Their agreement is checked and
reported, so an error in either route cannot go unnoticed.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .algebraic.models import AlgebraicModel, algebraic_model
from .._budget import TimeBudget
from .zero_test import ZeroTest, all_zero, normalize

__all__ = ["Derivatives", "derivatives", "gradient", "hessian", "loss_derivatives"]


def gradient(expr, variables) -> sp.ImmutableMatrix:
    """g = ∇E as a column matrix."""
    return sp.ImmutableMatrix([sp.diff(expr, v) for v in variables])


def hessian(expr, variables) -> sp.ImmutableMatrix:
    """H = ∇²E (symmetric)."""
    return sp.ImmutableMatrix(sp.hessian(expr, tuple(variables)))


@dataclasses.dataclass(frozen=True)
class Derivatives:
    """The differential objects of one smooth formula of the loss."""

    expression: sp.Expr
    variables: tuple
    gradient: sp.ImmutableMatrix  # g, column
    hessian: sp.ImmutableMatrix  # H
    hg: sp.ImmutableMatrix  # H g, normalised (route 1)
    grad_norm_squared: sp.Expr  # ‖g‖²
    hg_routes_agree: ZeroTest  # H g − ½∇‖g‖² ≡ 0 ?


def loss_derivatives(loss, variables=None) -> Derivatives:
    """g, H, H g (two routes, cross-checked) and ‖g‖² of a loss given as the user writes it.

    ``loss`` is a SymPy expression or a string (parsed safely), ``variables``
    symbols or names (default: the free symbols, sorted); results are in the
    caller's own symbols. Raises ``InvalidArgument`` (or its subclasses) for
    bad input, e.g. an empty list of variables.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> loss_derivatives(x + y**2, [x, y]).hg.T
    Matrix([[0, 4*y]])
    """
    from .loss import prepare

    prepared = prepare(loss, variables)
    d = derivatives(prepared.expression, prepared.variables)
    mapping = {w: u for w, u in zip(prepared.variables, prepared.user_variables) if w != u}
    if not mapping:
        return d
    back = lambda e: e.xreplace(mapping)  # noqa: E731
    return Derivatives(prepared.user_expression, tuple(prepared.user_variables), back(d.gradient),
                       back(d.hessian), back(d.hg), back(d.grad_norm_squared), d.hg_routes_agree)


def derivatives(expr, variables, *, region=sp.true, budget: TimeBudget | None = None, model=None) -> Derivatives:
    """Compute g, H, H g (two routes, cross-checked) and ‖g‖² for ``expr`` over real ``variables``.

    With an algebraic ``model`` of ``expr`` (see ``algebraic.models``) both
    routes run in its field of rational functions, where equality is exact.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> d = derivatives(sp.log(sp.exp(x) + sp.exp(y)), [x, y])
    >>> d.hg_routes_agree.verdict
    True
    >>> sp.simplify(d.hg[0] + d.hg[1])
    0
    """
    variables = tuple(variables)
    if model is None:
        model = algebraic_model(expr, variables)
    if model is not None:
        return _from_model(expr, variables, model)
    g = gradient(expr, variables)
    H = hessian(expr, variables)
    norm_squared = normalize(sum((component**2 for component in g), sp.S.Zero), variables)
    by_hessian = [normalize(e, variables) for e in H * g]
    # Route 2 differentiates the normalised ‖g‖²: for distance functions it is a constant.
    by_norm = [normalize(e, variables) for e in gradient(norm_squared / 2, variables)]
    # Component-wise, so that a disagreement names the exact residual.
    differences = [a - b for a, b in zip(by_hessian, by_norm)]
    agree = all_zero(differences, variables, region=region, domain=expr, budget=budget)
    return Derivatives(expr, variables, g, H, sp.ImmutableMatrix(by_hessian), norm_squared, agree)


def _from_model(expr, variables, model: AlgebraicModel) -> Derivatives:
    back = model.substitute_atoms
    g = sp.ImmutableMatrix([back(e) for e in model.gradient])
    H = sp.ImmutableMatrix([[back(e) for e in row] for row in model.hessian])
    hg = sp.ImmutableMatrix([back(e) for e in model.hg])
    method = "exact: H·g = ½∇‖g‖² as rational functions of the algebraic model, modulo its relations"
    agree = ZeroTest(True, sp.S.Zero, method) if model.hg_routes_agree else ZeroTest(
        False, sp.nan, "H·g and ½∇‖g‖² differ as rational functions of the algebraic model")
    return Derivatives(expr, variables, g, H, hg, back(model.norm_squared), agree)
