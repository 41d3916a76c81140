"""Gradient, Hessian and H g of a smooth loss, by two independent routes.

Route 1 multiplies the Hessian by the gradient; route 2 differentiates
‖g‖²/2, using the identity H g = ½∇‖g‖². Their agreement is checked and
reported, so an error in either route cannot go unnoticed.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .budget import TimeBudget
from .zero_test import ZeroTest, all_zero, normalize

__all__ = ["Derivatives", "derivatives", "gradient", "hessian"]


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


def derivatives(expr, variables, *, region=sp.true, budget: TimeBudget | None = None) -> Derivatives:
    """Compute g, H, H g (two routes, cross-checked) and ‖g‖² for ``expr``."""
    variables = tuple(variables)
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
