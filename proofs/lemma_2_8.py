"""Lemma 2.8: along gradient flow, d/dt g(θ(t)) = −H(θ(t)) g(θ(t)).

Checked for a generic E and a generic curve θ(t) (n = 1..4): the runner
applies θ̇ = −g(θ) and the residual vanishes; without it, it does not.
Control: along the ascent flow θ̇ = +g the same claim fails.
"""

from __future__ import annotations

from ._calculus import T, difference, generic_loss, gradient_flow, on_path, path
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def _steps(dims, sign):
    for n in dims:
        loss = generic_loss(n)
        curve = path(n)
        yield Step(
            claim=r"\tfrac{d}{dt}\, g(\theta(t)) = -H g",
            justification="chain rule: d/dt gᵢ(θ(t)) = Σⱼ ∂ⱼgᵢ θ̇ⱼ = −Σⱼ Hᵢⱼ gⱼ",
            residual=difference(on_path(loss.g, loss.theta, curve).diff(T), -on_path(loss.Hg, loss.theta, curve)),
            assumes=(gradient_flow(loss, curve, sign=sign),),
            dimension=n,
        )


def derive(dims):
    """Yield d/dt g(θ(t)) + H g = 0 along gradient flow for every dimension in ``dims``."""
    return _steps(dims, -1)


def control():
    """The same claim along the ascent flow θ̇ = +g, where d/dt g = +H g."""
    return _steps((1, 2), +1)


PROOF = Proof(
    name="lemma-2.8-gradient-along-flow",
    title="Gradient along the flow",
    reference="Lemma 2.8",
    statement=r"Along a gradient-flow solution, $\tfrac{d}{dt}\, g(\theta(t)) = -Hg$; so $g$ is constant along "
    r"the flow where $Hg = 0$.",
    hypothesis=r"$\theta(t)$ solves $\dot\theta = -g(\theta)$.",
    derive=derive,
    control=Control(r"Along the ascent flow $\dot\theta = +g$, $\tfrac{d}{dt}\, g(\theta(t)) = -Hg$.", control),
)
