"""Corridor learning rate: h = (E(θ) − E*)/‖g(θ)‖² reaches level E* in one GD step inside a corridor.

Generic E (n = 1..4): one GD step θ₁ = θ − h g lands on the line
ℓ(s) = θ − s g at s = h; on a corridor, E decreases linearly along it
(proved in "Linear loss decrease"), E(ℓ(s)) = E(θ) − s‖g‖², as long as ℓ
stays in the corridor down to level E*. The runner rewrites E(θ₁) by that
hypothesis and the residual E(θ₁) − E* vanishes; with E* = 0 the step is
Polyak's E/‖g‖². Example: on cones c‖θ − p‖ + d one step lands on E* = d + s.
Control: on the bowl ½‖θ‖² with E* = 0, E(θ₁) = ‖θ‖²/8 ≠ 0.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import coordinates, difference, dot, generic_loss, loss_is, symbols_vector
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step
from ._hypotheses import Substitute

__all__ = ["PROOF", "clr_landing", "corridor_learning_rate"]

TARGET = sp.Symbol("E^*")


def corridor_learning_rate(loss_value, target, squared_gradient_norm):
    """h = (E − E*) / ‖g‖²."""
    return (loss_value - target) / squared_gradient_norm


def clr_landing(loss, target):
    """(h, E(θ − h g)) for the corridor learning rate, with E generic at the new point."""
    g = loss.g
    h = corridor_learning_rate(loss.E, target, dot(g, g))
    landed = loss.E.xreplace({v: v - h * gv for v, gv in zip(loss.theta, g)})  # E at θ − h g
    return h, landed


def derive(dims):
    """Yield the landing on E* for a generic corridor loss, then the cone example, per dimension."""
    for n in dims:
        loss = generic_loss(n)
        h, landed = clr_landing(loss, TARGET)
        linear = Substitute(
            "E decreases linearly on the line ℓ(s) = θ − s g down to level E* (a corridor)",
            r"E(\theta - s\,g) = E(\theta) - s\,\lVert g\rVert^2",
            rules=((landed, loss.E - h * dot(loss.g, loss.g)),),
        )
        yield Step(
            claim=r"E(\theta - h g) = E^* \text{ for } h = \frac{E(\theta) - E^*}{\lVert g \rVert^2}",
            justification="GD = GF on the corridor and E(θ(t)) = E(θ) − t‖g‖², at t = h",
            residual=difference(landed, TARGET),
            assumes=(linear,),
            dimension=n,
        )
    c, d, s = sp.symbols("c d s", positive=True)  # target level E* = d + s above the apex value d
    for n in dims:
        loss = generic_loss(n)
        theta = sp.ImmutableMatrix(coordinates(n))
        p = symbols_vector("p", n)
        offset = theta - p
        h = corridor_learning_rate(loss.E, d + s, dot(loss.g, loss.g))
        moved = offset - h * loss.g  # θ₁ − p after one GD step
        cone = loss_is(loss, c * sp.sqrt(dot(offset, offset)) + d, r"c\lVert\theta - p\rVert + d")
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert + d:\ \lVert \theta_1 - p \rVert^2 = (s/c)^2, \text{ so } "
            r"E(\theta_1) = d + s = E^*",
            justification="one GD step with the corridor learning rate lands on the level set E* = d + s (s > 0)",
            residual=difference(dot(moved, moved), (s / c) ** 2),
            assumes=(cone,),
            dimension=n,
        )


def control():
    """For every loss? On the bowl with E* = 0 the Polyak step lands at θ/2, where E = ‖θ‖²/8."""
    return on_the_bowl(
        r"E(\theta - h g) = 0 \text{ for } h = E/\lVert g\rVert^2",
        "would hold if the corridor learning rate reached E* in one step for every loss",
        lambda loss, _: clr_landing(loss, sp.Integer(0))[1],
    )


PROOF = Proof(
    name="corridor-learning-rate",
    title="Corridor learning rate reaches E* in one step",
    reference="Sec. 3",
    statement=r"Inside a corridor, $h = (E(\theta) - E^*)/\lVert g(\theta)\rVert^2$ gives $E(\theta - h g) = E^*$; "
    r"with $E^* = 0$ this is the Polyak step.",
    hypothesis=r"The line $\theta - s\,g(\theta)$, $0 \le s \le h$, stays in an open corridor down to level $E^*$.",
    derive=derive,
    control=Control(r"The corridor learning rate reaches $E^*$ in one step for every loss (here: the bowl, "
                    r"$E^* = 0$).", control),
)
