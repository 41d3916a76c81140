"""Loss along GF: dE/dt = −‖g‖², d²E/dt² = 2 gᵀH g; on corridors E(θ(t)) = E(θ₀) − t‖g(θ₀)‖².

The first two are checked for a generic E (n = 1..4). With H g = 0 along the
flow, E(θ(t)) has zero second derivative, so it is the affine function with
the same value and slope at t = 0; d/dt‖g‖² = −2 gᵀH g shows the slope is
constant. The closed form is also checked on the plane family in all n.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, along_flow, dot, generic_loss, time_derivatives
from ._core import ALL_N, Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the derivative identities per dimension, then the all-n plane check."""
    for n in dims:
        loss = generic_loss(n)
        theta, g = loss.theta, loss.g
        first = along_flow(loss.E, -g, theta)
        second = time_derivatives(first, -g, theta, 1)[0]
        yield Step(
            claim=r"\tfrac{d}{dt} E(\theta(t)) = -\lVert g \rVert^2",
            justification="chain rule with θ̇ = −g",
            residual=first + dot(g, g),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d^2}{dt^2} E(\theta(t)) = 2\, g^\top H g",
            justification="differentiate −‖g(θ(t))‖² with Lemma 2.8; zero where Hg = 0, so E(θ(t)) is affine in t",
            residual=second - 2 * dot(g, loss.Hg),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d}{dt} \lVert g(\theta(t)) \rVert^2 = -2\, g^\top H g",
            justification="so the slope −‖g‖² is constant on corridors: E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²",
            residual=along_flow(dot(g, g), -g, theta) + 2 * dot(g, loss.Hg),
            dimension=n,
        )
    size = sp.Symbol("n", integer=True, positive=True)
    a, theta0 = sp.MatrixSymbol("a", size, 1), sp.MatrixSymbol("theta_0", size, 1)
    b = sp.Symbol("b") * sp.Identity(1)

    def loss_at(point):  # the plane E(θ) = aᵀθ + b, as a 1×1 matrix expression
        return a.T * point + b

    yield Step(
        claim=r"E = a^\top\theta + b:\ E(\theta_0 - t\,a) = E(\theta_0) - t\,\lVert a \rVert^2",
        justification="the GF solution of a plane is θ₀ − t a (g = a, H = 0); symbolic size n",
        residual=loss_at(theta0 - T * a) - (loss_at(theta0) - T * a.T * a),
        dimension=ALL_N,
    )


PROOF = Proof(
    name="linear-loss-decrease",
    title="Linear loss decrease on corridors",
    reference="Sec. 2",
    statement="Along GF, dE/dt = −‖g‖² and d²E/dt² = 2 gᵀH g; hence on corridors E(θ(t)) = E(θ₀) − t‖g(θ₀)‖².",
    derive=derive,
)
