"""Corridor learning rate: h = (E(θ) − E*)/‖g(θ)‖² reaches level E* in one GD step on a corridor.

On a corridor one GD step is the GF at time h (GD = GF) and the loss decreases
linearly, E(θ − h g) = E(θ) − h‖g‖²; solving E(θ − h g) = E* gives the step.
With E* = 0 it is the Polyak step-size E/‖g‖². The algebra is checked for
symbolic size n; the landing is checked on cones c‖θ − p‖ + d (n = 1..4).
"""

from __future__ import annotations

import sympy as sp

from ._calculus import coordinates, dot, gradient, symbols_vector
from ._core import ALL_N, Proof, Step

__all__ = ["PROOF"]


def corridor_learning_rate(loss_value, target, squared_gradient_norm):
    """h = (E − E*) / ‖g‖²."""
    return (loss_value - target) / squared_gradient_norm


def derive(dims):
    """Yield the all-n algebra, then the exact landing on a cone per dimension."""
    size = sp.Symbol("n", integer=True, positive=True)
    g = sp.MatrixSymbol("g", size, 1)
    loss_value, target = sp.symbols("E E^*")
    squared = (g.T * g)[0, 0]
    step = corridor_learning_rate(loss_value, target, squared)
    yield Step(
        claim=r"E(\theta - h g) = E(\theta) - h\lVert g\rVert^2 = E^* \text{ at } h = \frac{E(\theta) - E^*}{\lVert g \rVert^2}",
        justification="linear decrease on corridors (GD = GF, E(θ(t)) = E(θ₀) − t‖g₀‖²) solved for h; symbolic size n",
        residual=(loss_value - step * squared) - target,
        dimension=ALL_N,
    )
    yield Step(
        claim=r"E^* = 0:\ h = E(\theta)/\lVert g \rVert^2 \text{ (Polyak step-size with } \min E = 0)",
        justification="Polyak's step (E − E_min)/‖g‖² with E_min = 0",
        residual=step.subs(target, 0) - loss_value / squared,
        dimension=ALL_N,
    )
    for n in dims:
        theta = sp.ImmutableMatrix(coordinates(n))
        p = symbols_vector("p", n)
        c, d, s = sp.symbols("c d s", positive=True)  # target level E* = d + s above the apex value d
        offset = theta - p
        loss = c * sp.sqrt(dot(offset, offset)) + d
        grad = gradient(loss, list(theta))
        h = corridor_learning_rate(loss, d + s, dot(grad, grad))
        landed = offset - h * grad  # θ₁ − p after one GD step
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert + d:\ \lVert \theta_1 - p \rVert^2 = (s/c)^2, \text{ so } E(\theta_1) = d + s = E^*",
            justification="one GD step with the corridor learning rate lands on the level set E* = d + s (s > 0)",
            residual=dot(landed, landed) - (s / c) ** 2,
            dimension=n,
        )


PROOF = Proof(
    name="corridor-learning-rate",
    title="Corridor learning rate reaches E* in one step",
    reference="Sec. 3",
    statement="On a corridor, h = (E(θ) − E*)/‖g(θ)‖² gives E(θ − h g) = E*; with E* = 0 this is the Polyak step.",
    derive=derive,
)
