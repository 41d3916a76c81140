"""A set {f = 0} on which H g = 0 is a corridor iff it is GF-invariant, i.e. ∇f·g = 0 on it.

Generic E and f (n = 1..4): d/dt f(θ(t)) = −∇f·g along GF, so a flow from the
set stays on it only if ∇f·g = 0 there (and, for a regular level set, the
tangency ∇f·g = 0 makes it invariant). Once the flow stays where H g = 0,
d/dt g(θ(t)) = −H g = 0 and θ̈ = H g = 0: the flow is a straight line.
Two n = 2 examples: E = θ₁ + θ₂²/2 on {θ₂ = 0} (invariant: a corridor) and
E = θ₁ + θ₁³/3 + θ₂ on {θ₁ = 0} (H g = 0 there but ∇f·g = 1: the flow leaves
the set and bends, θ⃛(0) ≠ 0).
"""

from __future__ import annotations

import sympy as sp

from ._calculus import along_flow, coordinates, dot, generic_loss, gradient, hessian, jacobian, time_derivatives
from ._core import Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the invariance identities per dimension, then the two examples."""
    for n in dims:
        loss = generic_loss(n)
        theta, g = loss.theta, loss.g
        f = sp.Function("f")(*theta)
        yield Step(
            claim=r"\tfrac{d}{dt} f(\theta(t)) = -\nabla f \cdot g \text{ along GF}",
            justification="so f stays 0 on flows from {f = 0} iff ∇f·g = 0 on it (tangency of −g to a regular level set)",
            residual=along_flow(f, -g, theta) + dot(gradient(f, theta), g),
            dimension=n,
        )
        position = sp.ImmutableMatrix(theta)
        yield Step(
            claim=r"\tfrac{d}{dt} g(\theta(t)) = -Hg,\quad \ddot\theta = Hg",
            justification="on an invariant set where Hg = 0 the gradient is constant and θ̈ = 0: straight lines",
            residual=sp.ImmutableMatrix.vstack(
                along_flow(g, -g, theta) + loss.Hg, time_derivatives(position, -g, theta, 2)[1] - loss.Hg
            ),
            dimension=n,
        )
    x, y = coordinates(2)
    point = (x, y)
    # Invariant example: E = θ₁ + θ₂²/2 on S = {θ₂ = 0}.
    E = x + y**2 / 2
    g, H = gradient(E, point), hessian(E, point)
    x0, t = sp.Symbol("a"), sp.Symbol("t")
    line = {x: x0 - t, y: 0}
    yield Step(
        claim=r"E = \theta_1 + \tfrac12\theta_2^2,\ S = \{\theta_2 = 0\}:\ Hg|_S = 0,\ \nabla f\cdot g|_S = 0,\ \theta(t) = (a - t, 0) \text{ solves GF}",
        justification="invariant set with Hg = 0: a corridor, flows are straight lines in S",
        residual=sp.ImmutableMatrix.vstack(
            (H * g).subs(y, 0),
            sp.ImmutableMatrix([dot(gradient(y, point), g).subs(y, 0)]),
            sp.ImmutableMatrix([x0 - t, 0]).diff(t) + g.subs(line, simultaneous=True),
        ),
        dimension=None,
    )
    # Non-invariant example: E = θ₁ + θ₁³/3 + θ₂ on S = {θ₁ = 0}.
    E = x + x**3 / 3 + y
    g, H = gradient(E, point), hessian(E, point)
    position = sp.ImmutableMatrix(point)
    third = time_derivatives(position, -g, point, 3)[2]
    yield Step(
        claim=r"E = \theta_1 + \tfrac13\theta_1^3 + \theta_2,\ S = \{\theta_1 = 0\}:\ Hg|_S = 0,\ \nabla f\cdot g|_S = 1,\ \dddot\theta(0) = (-2, 0)",
        justification="Hg = 0 on S alone is not enough: g crosses S, the flow leaves it and is not a straight line",
        residual=sp.ImmutableMatrix.vstack(
            (H * g).subs(x, 0),
            sp.ImmutableMatrix([dot(gradient(x, point), g).subs(x, 0) - 1]),
            third.subs(x, 0) - sp.ImmutableMatrix([-2, 0]),
            jacobian(H * g, point).subs(x, 0) * g.subs(x, 0) - sp.ImmutableMatrix([2, 0]),
        ),
        dimension=None,
    )


PROOF = Proof(
    name="invariance-lower-dimensional-corridors",
    title="Lower-dimensional corridors are GF-invariant sets",
    reference="Sec. 2",
    statement="A set {f = 0} where H g = 0 is a corridor iff ∇f·g = 0 on it: d/dt f(θ(t)) = −∇f·g, and on an "
    "invariant set with H g = 0, dg/dt = 0 so flows are straight.",
    derive=derive,
)
