"""Families of corridor losses: H g = 0 on their stated regions, with symbolic parameters.

    planes            aᵀθ + b                                   everywhere
    cones             c‖θ − p‖ + d                              θ ≠ p
    spheres           c(‖θ − p‖ − R) + d, c(R − ‖θ − p‖) + d    outside / inside (θ ≠ p)
    lines             c·dist(θ, ℝv) + d                         off the line (n ≥ 2; translate for p + ℝv)
    piecewise linear  Σₖ mₖ ReLU(wₖᵀθ + bₖ) + vᵀθ               inside each activation region
Each is a hypothesis "E = this formula" that the runner substitutes into H g
of a generic E (n = 1..4); without it H g ≠ 0. Max of planes and min of cones
(Figure 1) are corridors piece by piece, each piece a plane or a cone;
distances to other sets are covered by "Distance functions".
Control: the squared distance c‖θ − p‖² (a bowl) has H g = 4c²(θ − p) ≠ 0.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ._calculus import dot, generic_loss, loss_is, symbols_vector
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield H g = 0 for every family (and activation pattern), per dimension."""
    c, d, R = sp.symbols("c d R", positive=True)
    for n in dims:
        loss = generic_loss(n)
        point = sp.ImmutableMatrix(loss.theta)
        a, b = symbols_vector("a", n), sp.Symbol("b")
        p = symbols_vector("p", n)
        offset = point - p
        distance = sp.sqrt(dot(offset, offset))

        def family(formula, latex):
            return (loss_is(loss, formula, latex),)

        yield Step(
            claim=r"E = a^\top\theta + b:\ Hg = 0",
            justification="planes: H = 0",
            residual=loss.Hg,
            assumes=family(dot(a, point) + b, r"a^\top\theta + b"),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert + d:\ Hg = 0 \ (\theta \neq p)",
            justification="cones / distance to a point: g = c u/‖u‖ has constant norm c",
            residual=loss.Hg,
            assumes=family(c * distance + d, r"c\lVert\theta - p\rVert + d"),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\,(\lVert\theta - p\rVert - R) + d:\ Hg = 0 \text{ outside the sphere}",
            justification="distance to a sphere, outer piece",
            residual=loss.Hg,
            assumes=family(c * (distance - R) + d, r"c(\lVert\theta - p\rVert - R) + d"),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\,(R - \lVert\theta - p\rVert) + d:\ Hg = 0 \text{ inside the sphere } (\theta \neq p)",
            justification="distance to a sphere, inner piece",
            residual=loss.Hg,
            assumes=family(c * (R - distance) + d, r"c(R - \lVert\theta - p\rVert) + d"),
            dimension=n,
        )
        if n >= 2:
            # Through the origin: a translation θ ↦ θ − p changes neither H g = 0 nor the formula's shape,
            # and expanding θᵢ − pᵢ inside the radical is what makes n = 4 slow.
            v = symbols_vector("v", n)
            along = dot(v, point)
            to_line = sp.sqrt(dot(point, point) - along**2 / dot(v, v))
            yield Step(
                claim=r"E = c\,\mathrm{dist}(\theta, \mathbb{R}v) + d:\ Hg = 0 \text{ off the line}",
                justification="distance to a line through the origin (any line, after translating θ), generic v, "
                "written out without a projector",
                residual=loss.Hg,
                assumes=family(c * to_line + d, r"c\,\mathrm{dist}(\theta, \mathbb{R}v) + d"),
                dimension=n,
            )
        # Piecewise linear: two ReLU units, every activation pattern.
        units = [(symbols_vector(f"w{k}", n), sp.Symbol(f"b_{k}"), sp.Symbol(f"m_{k}")) for k in (1, 2)]
        linear = dot(symbols_vector("v", n), point)
        for active in itertools.product((0, 1), repeat=len(units)):
            piece = linear + sum(on * m * (dot(w, point) + bias) for on, (w, bias, m) in zip(active, units))
            yield Step(
                claim=r"E = \textstyle\sum_k m_k \operatorname{ReLU}(w_k^\top\theta + b_k) + v^\top\theta:\ Hg = 0 "
                rf"\text{{ where the active units are }} {set(k + 1 for k, on in enumerate(active) if on) or '∅'}",
                justification="piecewise-linear loss: in each activation region it is a plane",
                residual=loss.Hg,
                assumes=family(piece, sp.latex(piece)),
                dimension=n,
            )


def control():
    """The squared distance c‖θ − p‖² is a bowl, not a corridor."""
    c = sp.Symbol("c", positive=True)
    for n in (1, 2):
        loss = generic_loss(n)
        offset = sp.ImmutableMatrix(loss.theta) - symbols_vector("p", n)
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert^2:\ Hg = 0",
            justification="would hold if squared distances were corridors",
            residual=loss.Hg,
            assumes=(loss_is(loss, c * dot(offset, offset), r"c\lVert\theta - p\rVert^2"),),
            dimension=n,
        )


PROOF = Proof(
    name="corridor-families",
    title="Families of corridor losses",
    reference="Sec. 2, Fig. 1",
    statement="Planes, cones, distances to spheres and to lines, and piecewise-linear (ReLU) losses satisfy "
    r"$Hg = 0$ on their regions (symbolic parameters); so do max/min assemblies of them, piece by piece.",
    hypothesis=r"$E$ is the stated formula on the region (e.g. $\theta \neq p$ for cones).",
    derive=derive,
    control=Control(r"The squared distance $c\lVert\theta - p\rVert^2$ is a corridor.", control),
)
