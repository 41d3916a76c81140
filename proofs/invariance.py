"""A set S = {f = 0} on which H g = 0 is a corridor iff it is GF-invariant, i.e. ∇f·g = 0 on it.

Generic E and f, generic curve (n = 1..4), the runner applying θ̇ = −g:
    d/dt f(θ(t)) = −∇f·g                       so flows from S stay in S only if ∇f·g = 0 there;
    d/dt f(θ(t)) = 0 where ∇f·g = 0            tangency (pointwise, solved for ∂ₙE);
    θ̈ = 0 at points of S where H g = 0         (pointwise, solved for the ∂ᵢ∂ₙE):
an invariant S with H g = 0 on it carries straight GF lines. (Tangency of −g
to a regular level set makes it invariant: Nagumo's theorem / uniqueness of
the flow restricted to S.) Example: E = θ₁ + θ₂²/2 on {θ₂ = 0}.
Control (no tangency): E = θ₁ + θ₁³/3 + θ₂ on S = {θ₁ = 0} has H g = 0 on S,
but GF leaves S (d/dt θ₁ = −1) and bends (θ⃛ = (−2, 0)).
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, coordinates, difference, dot, generic_loss, gradient, gradient_flow, loss_is, on_path, path
from ._steps import Control, Proof, Step
from ._hypotheses import Eliminate, Substitute

__all__ = ["PROOF"]


def derive(dims):
    """Yield the invariance identities per dimension, then the invariant example."""
    for n in dims:
        loss = generic_loss(n)
        theta, g = loss.theta, loss.g
        f = sp.Function("f")(*theta)
        curve = path(n)
        flow = gradient_flow(loss, curve)
        rate = on_path(f, theta, curve).diff(T)
        yield Step(
            claim=r"\tfrac{d}{dt} f(\theta(t)) = -\nabla f \cdot g",
            justification="chain rule along GF: flows from {f = 0} stay in it only if ∇f·g = 0 there",
            residual=difference(rate, -on_path(dot(gradient(f, theta), g), theta, curve)),
            assumes=(flow,),
            dimension=n,
        )
        last = sp.diff(loss.E, theta[-1])
        tangent = Eliminate(
            "−g is tangent to S at this point: ∇f·g = 0 (solved for ∂ₙE where ∂ₙf ≠ 0)",
            r"\nabla f\cdot g = 0",
            equations=(dot(gradient(f, theta), g),),
            unknowns=(last,),
        )
        yield Step(
            claim=r"\tfrac{d}{dt} f(\theta(t)) = 0 \text{ where } \nabla f\cdot g = 0",
            justification="with tangency on the regular level set S, GF stays in S (Nagumo / uniqueness of the "
            "flow restricted to S)",
            residual=rate,
            assumes=(flow, tangent),
            dimension=n,
        )
        seconds = tuple(sp.diff(loss.E, v, theta[-1]) for v in theta)
        flat = Eliminate(
            "H g = 0 at this point of S (solved for the ∂ᵢ∂ₙE where ∂ₙE ≠ 0)",
            r"Hg = 0 \text{ on } S",
            equations=tuple(loss.Hg),
            unknowns=seconds,
        )
        yield Step(
            claim=r"\ddot\theta(t) = 0 \text{ at points of } S \text{ where } Hg = 0",
            justification="θ̈ = Hg along GF; on an invariant S the flow stays where Hg = 0, so θ̇ is constant: "
            "straight lines, a corridor",
            residual=sp.ImmutableMatrix([c.diff(T, 2) for c in curve]),
            assumes=(flow, flat),
            dimension=n,
        )
    # Invariant example: E = θ₁ + θ₂²/2 on S = {θ₂ = 0}: flows are the lines (a − t, 0).
    loss = generic_loss(2)
    x, y = loss.theta
    on_axis = Substitute("θ is a point of S = {θ₂ = 0}", r"\theta_2 = 0", rules=((y, sp.Integer(0)),))
    valley = loss_is(loss, x + y**2 / 2, r"\theta_1 + \tfrac12\theta_2^2")
    yield Step(
        claim=r"E = \theta_1 + \tfrac12\theta_2^2,\ S = \{\theta_2 = 0\}:\ Hg|_S = 0,\ \nabla\theta_2\cdot g|_S = 0",
        justification="an invariant set with Hg = 0 on it: a corridor (flows (a − t, 0) are straight)",
        residual=sp.ImmutableMatrix.vstack(loss.Hg, sp.ImmutableMatrix([loss.g[1]])),
        assumes=(valley, on_axis),
        dimension=None,
    )


def control():
    """Invariance without tangency: E = θ₁ + θ₁³/3 + θ₂ on S = {θ₁ = 0} (Hg = 0 on S, yet g crosses S)."""
    loss = generic_loss(2)
    x, y = coordinates(2)
    curve = path(2)
    on_s = Substitute("θ is a point of S = {θ₁ = 0}", r"\theta_1 = 0", rules=((x, sp.Integer(0)),))
    crossing = loss_is(loss, x + x**3 / 3 + y, r"\theta_1 + \tfrac13\theta_1^3 + \theta_2")
    flow = gradient_flow(loss, curve)
    yield Step(
        claim=r"E = \theta_1 + \tfrac13\theta_1^3 + \theta_2:\ Hg|_S = 0 \text{ and } \tfrac{d}{dt}\theta_1(t) = 0 "
        r"\text{ on } S = \{\theta_1 = 0\}",
        justification="would hold if S, where Hg = 0, were invariant without tangency",
        residual=sp.ImmutableMatrix.vstack(loss.Hg, sp.ImmutableMatrix([curve[0].diff(T)])),
        assumes=(flow, crossing, on_s),
        dimension=None,
    )
    yield Step(
        claim=r"\dddot\theta(0) = 0 \text{ for GF from } S",
        justification="would hold if the GF line from S were straight",
        residual=sp.ImmutableMatrix([c.diff(T, 3) for c in curve]),
        assumes=(flow, crossing, on_s),
        dimension=None,
    )


PROOF = Proof(
    name="invariance-lower-dimensional-corridors",
    title="Lower-dimensional corridors are GF-invariant sets",
    reference="Sec. 2",
    statement=r"A set $S = \{f = 0\}$ where $Hg = 0$ is a corridor iff $\nabla f\cdot g = 0$ on it: "
    r"$\tfrac{d}{dt} f(\theta(t)) = -\nabla f\cdot g$, and on an invariant set with $Hg = 0$, "
    r"$\ddot\theta = Hg = 0$, so flows are straight.",
    hypothesis=r"$\theta(t)$ solves $\dot\theta = -g(\theta)$; $\nabla f\cdot g = 0$ on $S$ (tangency); $Hg = 0$ on $S$.",
    derive=derive,
    control=Control(r"Invariance without tangency: on $E = \theta_1 + \tfrac13\theta_1^3 + \theta_2$, "
                    r"$S = \{\theta_1 = 0\}$ (where $Hg = 0$) is invariant and its GF lines are straight.", control),
)
