"""Families of corridor losses: H g = 0 on their stated regions, with symbolic parameters.

    planes            aᵀθ + b                         everywhere
    cones             c‖θ − p‖ + d                    θ ≠ p
    spheres           c(‖θ − p‖ − R) + d, c(R − ‖θ − p‖) + d   outside / inside (θ ≠ p)
    affine subspaces  c‖P(θ − p)‖ + d, P an orthogonal projector   P(θ − p) ≠ 0
    assembled         max of planes, min of cones (Figure 1's idea)  per piece
    piecewise linear  Σₖ wₖ ReLU(aₖᵀθ + bₖ) + vᵀθ     inside each activation region
n = 1..4 with explicit coordinates; the projector step also for symbolic size n.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ._calculus import coordinates, dot, gradient, hessian, symbols_vector
from ._core import ALL_N, Proof, Step

__all__ = ["PROOF"]


def corridor_residual(loss, theta, center=None):
    """H g for a loss given explicitly in the coordinates θ (zero on corridors).

    With ``center`` = p the result is written in u = θ − p (θ = p + u after
    differentiating): the same function in shifted coordinates, which keeps
    SymPy's cancellation small.
    """
    residual = hessian(loss, theta) * gradient(loss, theta)
    return residual if center is None else _shifted(residual, theta, center)


def _shifted(expr, theta, center):
    """expr with θ = p + u, as in ``corridor_residual``."""
    return expr.xreplace({v: pv + sp.Symbol(f"u_{i}") for i, (v, pv) in enumerate(zip(theta, center), 1)})


def derive(dims):
    """Yield H g = 0 for every family and piece, per dimension."""
    c, d, R = sp.symbols("c d R", positive=True)
    for n in dims:
        theta = coordinates(n)
        point = sp.ImmutableMatrix(theta)
        a, b = symbols_vector("a", n), sp.Symbol("b")
        p = symbols_vector("p", n)
        offset = point - p
        distance = sp.sqrt(dot(offset, offset))
        yield Step(
            claim=r"E = a^\top\theta + b:\ Hg = 0",
            justification="planes: H = 0",
            residual=corridor_residual(dot(a, point) + b, theta),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert + d:\ Hg = 0 \ (\theta \neq p)",
            justification="cones / distance to a point: g = c u/‖u‖ has constant norm c",
            residual=corridor_residual(c * distance + d, theta, p),
            dimension=n,
        )
        yield Step(
            claim=r"E = c\,\big|\lVert\theta - p\rVert - R\big| + d:\ Hg = 0 \text{ outside and inside the sphere}",
            justification="distance to a sphere, one piece per side",
            residual=sp.ImmutableMatrix.vstack(
                corridor_residual(c * (distance - R) + d, theta, p),
                corridor_residual(c * (R - distance) + d, theta, p),
            ),
            dimension=n,
        )
        # Distance to an affine subspace p + range(I − P): for any symmetric S,
        # Hg = (c²/q)(S²u − Su·(uᵀS²u)/q) with q = uᵀSu; a projector has S² = S.
        S = sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(f"S_{min(i, j) + 1}{max(i, j) + 1}"))
        quadratic = (offset.T * S * offset)[0, 0]
        Su, S2u = S * offset, S * S * offset
        yield Step(
            claim=r"E = c\sqrt{u^\top S u} + d:\ Hg = \tfrac{c^2}{q}\big(S^2u - Su\,\tfrac{u^\top S^2 u}{q}\big),\ q = u^\top S u",
            justification="any symmetric S (u = θ − p); with S = P a projector, S² = P gives Hg = 0 (next step)",
            residual=corridor_residual(c * sp.sqrt(quadratic) + d, theta, p)
            - _shifted(c**2 / quadratic * (S2u - Su * (offset.T * S2u)[0, 0] / quadratic), theta, p),
            dimension=n,
        )
        if n >= 2:
            v = symbols_vector("v", n)
            along = dot(v, offset)
            to_line = sp.sqrt(dot(offset, offset) - along**2 / dot(v, v))
            yield Step(
                claim=r"E = c\,\mathrm{dist}(\theta, p + \mathbb{R}v) + d:\ Hg = 0",
                justification="distance to a line, generic p and v, written out without a projector",
                residual=corridor_residual(c * to_line + d, theta, p),
                dimension=n,
            )
        # Assembled surfaces: each piece of a max of planes / min of cones is a corridor.
        a2, b2 = symbols_vector("alpha", n), sp.Symbol("beta")
        planes = sp.Max(dot(a, point) + b, dot(a2, point) + b2)
        q2 = symbols_vector("q", n)
        c2, d2 = sp.symbols("gamma delta", positive=True)
        cones = sp.Min(c * distance + d, c2 * sp.sqrt(dot(point - q2, point - q2)) + d2)
        pieces = list(planes.args) + list(cones.args)
        yield Step(
            claim=r"E = \max(a^\top\theta + b, \alpha^\top\theta + \beta),\ \min(\text{two cones}):\ Hg = 0 \text{ on each piece}",
            justification="assembled corridors (Figure 1): inside the region where one argument is active",
            residual=sp.ImmutableMatrix.vstack(*(corridor_residual(piece, theta) for piece in pieces)),
            dimension=n,
        )
        # Piecewise linear: two ReLU units, every activation pattern.
        units = [(symbols_vector(f"w{k}", n), sp.Symbol(f"b_{k}"), sp.Symbol(f"m_{k}")) for k in (1, 2)]
        linear = dot(symbols_vector("v", n), point)
        patterns = []
        for active in itertools.product((0, 1), repeat=len(units)):
            piece = linear + sum(on * m * (dot(w, point) + bias) for on, (w, bias, m) in zip(active, units))
            patterns.append(corridor_residual(piece, theta))
        yield Step(
            claim=r"E = \textstyle\sum_k m_k \operatorname{ReLU}(w_k^\top\theta + b_k) + v^\top\theta:\ Hg = 0 \text{ in each activation region}",
            justification="piecewise-linear loss, all 4 activation patterns of 2 units",
            residual=sp.ImmutableMatrix.vstack(*patterns),
            dimension=n,
        )
    size = sp.Symbol("n", integer=True, positive=True)
    P, u = sp.MatrixSymbol("P", size, size), sp.MatrixSymbol("u", size, 1)
    q = sp.Symbol("q", positive=True)  # q = uᵀPu = uᵀP²u for a projector
    yield Step(
        claim=r"P^2 = P = P^\top:\ \tfrac{c^2}{q}\big(P^2u - Pu\,\tfrac{u^\top P^2 u}{q}\big) = 0",
        justification="substituting P² = P (so uᵀP²u = uᵀPu = q) in the symmetric-S formula; symbolic size n",
        residual=c**2 / q * (P * u - P * u * q / q),
        dimension=ALL_N,
    )


PROOF = Proof(
    name="corridor-families",
    title="Families of corridor losses",
    reference="Sec. 2, Fig. 1",
    statement="Planes, cones, distances to spheres and affine subspaces, assembled max/min surfaces and "
    "piecewise-linear losses satisfy H g = 0 on their regions (symbolic parameters).",
    derive=derive,
)
