"""Eikonal characterisation: corridor losses are locally c·u + e with ‖∇u‖ = 1; GF lines are its straight characteristics.

Generic E and u (n = 1..4). Since H g = ½∇‖g‖², H g = 0 on an open connected
set U iff ‖g‖ = c is constant there. Then:
    E = c u + e with ‖∇u‖ = 1  ⇒  H g = 0                (eikonal applied to u);
    H g = 0 (‖g‖ = c)          ⇒  u = (E − e)/c has ‖∇u‖ = 1;
    ‖∇u‖ = 1                   ⇒  ∇²u ∇u = 0: ∇u is constant along its own
                                  integral curves, the straight characteristics;
    GF of E = c u + e is θ̇ = −c∇u: it runs along the characteristics, θ̈ = 0.
Control: u = ½‖θ‖² (‖∇u‖ = ‖θ‖, not 1) gives H g = c²θ ≠ 0.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, bowl_of, corridor, difference, dot, generic_loss, gradient, gradient_flow, hessian, loss_is, on_path, path
from ._steps import Control, Proof, Step
from ._hypotheses import Eikonal, Substitute

__all__ = ["PROOF"]

C = sp.Symbol("c", positive=True)
OFFSET = sp.Symbol("e")


def _setting(n):
    loss = generic_loss(n)
    u = sp.Function("u")(*loss.theta)
    scaled = loss_is(loss, C * u + OFFSET, "c\\,u + e")
    unit = Eikonal("‖∇u‖ = 1 on U", r"\lVert\nabla u\rVert = 1", function=u, theta=loss.theta, speed=sp.Integer(1))
    return loss, u, scaled, unit


def derive(dims):
    """Yield both directions of the characterisation and the characteristics, per dimension."""
    for n in dims:
        loss, u, scaled, unit = _setting(n)
        theta = loss.theta
        yield Step(
            claim=r"E = c\,u + e,\ \lVert\nabla u\rVert = 1 \Rightarrow Hg = 0",
            justification="Hg = c²∇²u∇u = (c²/2)∇‖∇u‖² = 0",
            residual=loss.Hg,
            assumes=(scaled, unit),
            dimension=n,
        )
        yield Step(
            claim=r"Hg = 0 \text{ on } U \Rightarrow \lVert\nabla u\rVert^2 = 1 \text{ for } u = (E - e)/c",
            justification="Hg = ½∇‖g‖² = 0 on the connected U makes ‖g‖ = c constant; divide E by c",
            residual=difference(dot(gradient((loss.E - OFFSET) / C, theta), gradient((loss.E - OFFSET) / C, theta)),
                                sp.Integer(1)),
            assumes=(corridor(loss, speed=C),),
            dimension=n,
        )
        yield Step(
            claim=r"\lVert\nabla u\rVert = 1 \Rightarrow \nabla^2 u\,\nabla u = 0",
            justification="∇u is constant along its integral curves θ̇ = ∇u: the characteristics are straight lines",
            residual=hessian(u, theta) * gradient(u, theta),
            assumes=(unit,),
            dimension=n,
        )
        curve = path(n)
        flow = gradient_flow(loss, curve)
        yield Step(
            claim=r"E = c\,u + e:\ \dot\theta = -c\,\nabla u(\theta)",
            justification="GF runs along the characteristics of u, backwards at speed c",
            residual=difference(sp.ImmutableMatrix([v.diff(T) for v in curve]),
                                -C * on_path(gradient(u, theta), theta, curve)),
            assumes=(flow, scaled),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\,u + e,\ \lVert\nabla u\rVert = 1:\ \ddot\theta = 0",
            justification="so GF lines are straight characteristics traversed at constant speed",
            residual=sp.ImmutableMatrix([v.diff(T, 2) for v in curve]),
            assumes=(flow, scaled, unit),
            dimension=n,
        )


def control():
    """u = ½‖θ‖² does not solve the eikonal equation, and c u + e is no corridor."""
    for n in (1, 2):
        loss, u, scaled, _ = _setting(n)
        bowl = Substitute("u = ½‖θ‖² (‖∇u‖ = ‖θ‖ ≠ 1)", r"u = \tfrac12\lVert\theta\rVert^2",
                          rules=((u, bowl_of(loss.theta)),))
        yield Step(
            claim=r"E = c\,u + e,\ u = \tfrac12\lVert\theta\rVert^2:\ Hg = 0",
            justification="would hold if any u gave a corridor, without the eikonal equation",
            residual=loss.Hg,
            assumes=(scaled, bowl),
            dimension=n,
        )


PROOF = Proof(
    name="eikonal-characterisation",
    title="Eikonal characterisation of corridors",
    reference="Sec. 2",
    statement=r"On an open connected set, $Hg = 0$ iff $E = c\,u + e$ with $\lVert\nabla u\rVert = 1$; GF lines are "
    r"the straight characteristics of this eikonal equation, traversed at speed $c$.",
    hypothesis=r"$Hg = 0$ on an open connected set $U$ (one direction), or $E = c\,u + e$ with "
    r"$\lVert\nabla u\rVert = 1$ (the other).",
    derive=derive,
    control=Control(r"$E = c\,u + e$ is a corridor for $u = \tfrac12\lVert\theta\rVert^2$, which is not eikonal.",
                    control),
)
