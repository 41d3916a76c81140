"""Loss along GF: dE/dt = −‖g‖², d²E/dt² = 2 gᵀH g; on corridors E(θ(t)) = E(θ₀) − t‖g(θ₀)‖².

Generic E and curve (n = 1..4), with the runner applying θ̇ = −g and, where
stated, the corridor hypothesis. In a corridor d²E/dt² = 0 and
d/dt ‖g‖² = 0, so E(θ(t)) is the affine function with value E(θ₀) and slope
−‖g(θ₀)‖². Control: on the bowl ½‖θ‖², d²E/dt² = 2‖θ‖² ≠ 0 along GF.
"""

from __future__ import annotations

from ._calculus import T, corridor, difference, dot, generic_loss, gradient_flow, on_path, path
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the derivative identities along GF and their corridor consequences per dimension."""
    for n in dims:
        loss = generic_loss(n)
        theta, g = loss.theta, loss.g
        curve = path(n)
        flow, in_corridor = gradient_flow(loss, curve), corridor(loss)
        value = on_path(loss.E, theta, curve)
        first, second = value.diff(T), value.diff(T, 2)
        yield Step(
            claim=r"\tfrac{d}{dt} E(\theta(t)) = -\lVert g \rVert^2",
            justification="chain rule with θ̇ = −g",
            residual=difference(first, -on_path(dot(g, g), theta, curve)),
            assumes=(flow,),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d^2}{dt^2} E(\theta(t)) = 2\, g^\top H g",
            justification="differentiate −‖g(θ(t))‖² with Lemma 2.8",
            residual=difference(second, on_path(2 * dot(g, loss.Hg), theta, curve)),
            assumes=(flow,),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d^2}{dt^2} E(\theta(t)) = 0 \text{ in a corridor}",
            justification="so E(θ(t)) is affine in t while the flow stays in the corridor",
            residual=second,
            assumes=(flow, in_corridor),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d}{dt} \lVert g(\theta(t)) \rVert^2 = 0 \text{ in a corridor}",
            justification="the slope −‖g‖² is constant: E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²",
            residual=on_path(dot(g, g), theta, curve).diff(T),
            assumes=(flow, in_corridor),
            dimension=n,
        )


def control():
    """On the bowl, d²E/dt² along GF is 2‖θ‖², not 0: E(θ(t)) = ½‖θ₀‖² e^{−2t}."""
    return on_the_bowl(
        r"\tfrac{d^2}{dt^2} E(\theta(t)) = 0",
        "would hold if E(θ(t)) were affine in t for every loss",
        lambda loss, curve: on_path(loss.E, loss.theta, curve).diff(T, 2),
        along_flow=True,
    )


PROOF = Proof(
    name="linear-loss-decrease",
    title="Linear loss decrease on corridors",
    reference="Sec. 2",
    statement=r"Along GF, $\tfrac{dE}{dt} = -\lVert g\rVert^2$ and $\tfrac{d^2E}{dt^2} = 2\,g^\top Hg$; hence in "
    r"a corridor $E(\theta(t)) = E(\theta_0) - t\,\lVert g(\theta_0)\rVert^2$.",
    hypothesis=r"$\theta(t)$ solves $\dot\theta = -g(\theta)$ and stays in an open corridor ($Hg = 0$).",
    derive=derive,
    control=Control(r"$E(\theta(t))$ is affine in $t$ for every loss (here: the bowl).", control),
)
