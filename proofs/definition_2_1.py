"""Definition 2.1: corridors are where GF solutions are straight lines, i.e. H g = 0.

Checked for a generic E (n = 1..4):
    H g = ½ ∇‖g‖²,  ∇‖g‖ = H g/‖g‖          identities for every loss;
    θ̈ = H g                                  along gradient flow;
    θ̈ = 0                                    along gradient flow in a corridor;
    d/dt[g(ℓ(t)) − c] = H(g − c) − H g       on the line ℓ(t) = θ₀ − t c (identity);
    … = H(g − c)                             in a corridor, so g(ℓ) − c solves a linear
                                             ODE with zero initial value when c = g(θ₀).
Control: on the bowl ½‖θ‖² the line θ₀ − t g(θ₀) is not the GF solution.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import (
    T,
    along_line,
    corridor,
    difference,
    dot,
    generic_loss,
    gradient,
    gradient_flow,
    on_path,
    path,
    symbols_vector,
)
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the steps for every dimension in ``dims``."""
    for n in dims:
        loss = generic_loss(n)
        theta, g, H = loss.theta, loss.g, loss.H
        yield Step(
            claim=r"H g = \tfrac{1}{2}\,\nabla \lVert g \rVert^2",
            justification="differentiate ‖g‖² = Σ gᵢ²: ∂ₖ(½Σgᵢ²) = Σ gᵢ ∂ₖgᵢ = (Hg)ₖ since H is symmetric",
            residual=difference(loss.Hg, gradient(dot(g, g), theta) / 2),
            dimension=n,
        )
        norm = sp.sqrt(dot(g, g))
        yield Step(
            claim=r"\nabla \lVert g \rVert = H g / \lVert g \rVert \quad (g \neq 0)",
            justification="so on an open connected set, Hg = 0 iff ‖g‖ is constant",
            residual=difference(gradient(norm, theta), loss.Hg / norm),
            dimension=n,
        )
        curve = path(n)
        flow = gradient_flow(loss, curve)
        acceleration = sp.ImmutableMatrix([c.diff(T, 2) for c in curve])
        yield Step(
            claim=r"\ddot\theta(t) = (H g)(\theta(t))",
            justification="differentiate θ̇ = −g(θ(t)) once more (chain rule)",
            residual=difference(acceleration, on_path(loss.Hg, theta, curve)),
            assumes=(flow,),
            dimension=n,
        )
        yield Step(
            claim=r"\ddot\theta(t) = 0 \text{ in a corridor}",
            justification="with Hg = 0 the velocity is constant: the GF solution is a straight line at constant speed",
            residual=acceleration,
            assumes=(flow, corridor(loss)),
            dimension=n,
        )
        c = symbols_vector("c", n)
        line = along_line(loss, curve, -c)
        error = on_path(g, theta, curve) - c  # e(t) = g(ℓ(t)) − c
        rate = error.diff(T)
        yield Step(
            claim=r"\tfrac{d}{dt}\big[g(\ell(t)) - c\big] = H\,(g - c) - H g \text{ on } \ell(t) = \theta_0 - t\,c",
            justification="chain rule on the line: d/dt g(ℓ(t)) = −H c",
            residual=difference(rate, on_path(H * (g - c) - loss.Hg, theta, curve)),
            assumes=(line,),
            dimension=n,
        )
        yield Step(
            claim=r"\tfrac{d}{dt}\big[g(\ell(t)) - c\big] = H\,(g - c) \text{ on } \ell \text{ in a corridor}",
            justification="with c = g(θ₀), e(t) = g(ℓ(t)) − c solves ė = H(ℓ(t)) e, e(0) = 0, so e ≡ 0 "
            "(uniqueness for linear ODEs): g = c on ℓ, and ℓ is the GF solution θ₀ − t g(θ₀)",
            residual=difference(rate, on_path(H * (g - c), theta, curve)),
            assumes=(line, corridor(loss)),
            dimension=n,
        )


def control():
    """On the bowl E = ½‖θ‖² (H g = θ ≠ 0) the line θ₀ − t g(θ₀) does not solve GF."""

    def off_the_line(loss, _):
        line = {v: v - T * gv for v, gv in zip(loss.theta, loss.g)}  # θ₀ − t g(θ₀), θ₀ = θ
        velocity = -loss.g  # d/dt of the line
        return difference(velocity, -loss.g.applyfunc(lambda e: e.subs(line, simultaneous=True)))

    return on_the_bowl(
        r"\tfrac{d}{dt}(\theta_0 - t g_0) = -g(\theta_0 - t g_0)", "would hold if the bowl were a corridor", off_the_line
    )


PROOF = Proof(
    name="definition-2.1-corridor-characterisation",
    title="Corridors: straight GF lines iff H g = 0",
    reference="Definition 2.1",
    statement=r"GF solutions are straight lines $\theta(t) = \theta_0 - t\,g(\theta_0)$ at constant speed exactly "
    r"where $Hg = 0$; since $Hg = \tfrac12\nabla\lVert g\rVert^2$, corridors are where $\lVert g\rVert$ is "
    "locally constant.",
    hypothesis=r"$\theta(t)$ solves $\dot\theta = -g(\theta)$; $Hg = 0$ on an open connected set $U$.",
    derive=derive,
    control=Control(r"On the bowl $E = \tfrac12\lVert\theta\rVert^2$ (not a corridor), the line "
                    r"$\theta_0 - t\,g(\theta_0)$ solves GF.", control),
)
