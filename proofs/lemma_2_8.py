"""Lemma 2.8: along gradient flow, d/dt g(θ(t)) = −H(θ(t)) g(θ(t)).

Checked for a generic E, n = 1..4, by SymPy's chain rule on a generic curve.
"""

from __future__ import annotations

from ._calculus import along_flow, generic_loss
from ._core import Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield d/dt g(θ(t)) + H g = 0 for every dimension in ``dims``."""
    for n in dims:
        loss = generic_loss(n)
        yield Step(
            claim=r"\tfrac{d}{dt}\, g(\theta(t)) = -H g \text{ along } \dot\theta = -g(\theta)",
            justification="chain rule: d/dt gᵢ(θ(t)) = Σⱼ ∂ⱼgᵢ θ̇ⱼ = −Σⱼ Hᵢⱼ gⱼ",
            residual=along_flow(loss.g, -loss.g, loss.theta) + loss.Hg,
            dimension=n,
        )


PROOF = Proof(
    name="lemma-2.8-gradient-along-flow",
    title="Gradient along the flow",
    reference="Lemma 2.8",
    statement="Along a gradient-flow solution, d/dt g(θ(t)) = −H g; so g is constant along the flow where H g = 0.",
    derive=derive,
)
