"""Definition 2.1: corridors are where GF solutions are straight lines, i.e. H g = 0.

Checked identities (generic E, n = 1..4):
    H g = ½ ∇‖g‖²                     (so H g = 0 on an open set iff ‖g‖ is locally constant)
    ∇‖g‖ = H g / ‖g‖                  (where g ≠ 0)
    θ̈ = H g along GF                  (a straight GF line forces H g = 0 along it)
    ė = H e − H g for e(t) = g(θ₀ − t g₀) − g₀  (so H g = 0 along the line gives e ≡ 0)
"""

from __future__ import annotations

import sympy as sp

from ._calculus import along_flow, chain_rule_residual, dot, generic_loss, gradient, symbols_vector, time_derivatives
from ._core import Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the steps for every dimension in ``dims``."""
    for n in dims:
        loss = generic_loss(n)
        theta, g, H = loss.theta, loss.g, loss.H
        yield Step(
            claim=r"H g = \tfrac{1}{2}\,\nabla \lVert g \rVert^2",
            justification="differentiate ‖g‖² = Σ gᵢ²: ∂ₖ(½Σgᵢ²) = Σ gᵢ ∂ₖgᵢ = (Hg)ₖ since H is symmetric",
            residual=loss.Hg - gradient(dot(g, g), theta) / 2,
            dimension=n,
        )
        norm = sp.sqrt(dot(g, g))
        yield Step(
            claim=r"\nabla \lVert g \rVert = H g / \lVert g \rVert \quad (g \neq 0)",
            justification="so on an open set Hg = 0 iff ‖g‖ is locally constant",
            residual=gradient(norm, theta) - loss.Hg / norm,
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d}{dt}\, w(\theta(t)) = L_f w = \textstyle\sum_i f_i\, \partial_i w \text{ along } \dot\theta = f(\theta)",
            justification="chain rule on a generic curve, generic w and f; licenses higher time derivatives as iterated Lie derivatives",
            residual=chain_rule_residual(n),
            dimension=n,
        )
        position = sp.ImmutableMatrix(theta)
        yield Step(
            claim=r"\ddot\theta(t) = (H g)(\theta(t)) \text{ along } \dot\theta = -g(\theta)",
            justification="second time derivative; a straight line at constant speed has θ̈ = 0, so Hg = 0 along it",
            residual=time_derivatives(position, -g, theta, 2)[1] - loss.Hg,
            dimension=n,
        )
        # Converse: the candidate line ℓ(t) = θ₀ − t c with c = g(θ₀) has velocity −c.
        c = symbols_vector("c", n)
        e = g - c  # e(t) = g(ℓ(t)) − c, evaluated at the point ℓ(t) = θ
        yield Step(
            claim=r"\tfrac{d}{dt}\big[g(\ell(t)) - c\big] = H\,(g - c) - H g,\ \ \ell(t) = \theta_0 - t\,c",
            justification="if Hg = 0 along ℓ then e = g(ℓ) − c solves ė = He with e(0) = 0, so e ≡ 0 "
            "(uniqueness for linear ODEs) and ℓ is the GF solution θ₀ − t g(θ₀)",
            residual=along_flow(e, -c, theta) - (H * e - loss.Hg),
            dimension=n,
        )


PROOF = Proof(
    name="definition-2.1-corridor-characterisation",
    title="Corridors: straight GF lines iff H g = 0",
    reference="Definition 2.1",
    statement="GF solutions are straight lines θ(t) = θ₀ − t g(θ₀) at constant speed exactly where "
    "H g = 0; H g = ½∇‖g‖², so corridors are where ‖g‖ is locally constant.",
    derive=derive,
)
