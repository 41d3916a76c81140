"""GD = GF on corridors: θₖ = θ(k h) for every k and every h while the flow line stays in a corridor.

Per dimension (generic E, n = 1..4): d/dt g(θ(t)) = −H g, so with H g = 0 the
gradient is constant, g(θ(t)) = g₀, along the flow line θ(t) = θ₀ − t g₀.
Induction with symbolic k and h (symbolic size n): θₖ = θ₀ − k h g₀ implies
θₖ₊₁ = θₖ − h g(θₖ) = θ₀ − (k+1) h g₀ = θ((k+1)h). The closed forms are also
re-derived by SymPy's ``rsolve`` and ``dsolve`` for one coordinate of a plane.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, along_flow, generic_loss
from ._core import ALL_N, Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the constancy of g per dimension, then the induction and the closed forms."""
    for n in dims:
        loss = generic_loss(n)
        yield Step(
            claim=r"\tfrac{d}{dt}\, g(\theta(t)) = -H g = 0 \text{ on a corridor}",
            justification="Lemma 2.8; with Hg = 0 along the flow g(θ(t)) = g(θ₀) =: g₀ and θ(t) = θ₀ − t g₀",
            residual=along_flow(loss.g, -loss.g, loss.theta) + loss.Hg,
            dimension=n,
        )
    size = sp.Symbol("n", integer=True, positive=True)
    theta0, g0 = sp.MatrixSymbol("theta_0", size, 1), sp.MatrixSymbol("g_0", size, 1)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    h = sp.Symbol("h", positive=True)

    def flow(time):  # the corridor GF solution θ(t) = θ₀ − t g₀
        return theta0 - time * g0

    yield Step(
        claim=r"\theta_0 = \theta(0)",
        justification="base case k = 0",
        residual=theta0 - flow(0 * h),
        dimension=ALL_N,
    )
    iterate = flow(k * h)  # induction hypothesis θₖ = θ(k h), where g(θₖ) = g₀
    yield Step(
        claim=r"\theta_{k+1} = \theta_k - h\, g(\theta_k) = \theta((k+1)h)",
        justification="induction step: θₖ lies on the flow line where g(θₖ) = g₀; symbolic k, h and size n",
        residual=(iterate - h * g0) - flow((k + 1) * h),
        dimension=ALL_N,
    )
    # Closed forms of both schemes for one coordinate of a plane E = a θ + b (g = a).
    a, y0 = sp.symbols("a y_0")
    sequence, curve = sp.Function("y"), sp.Function("z")
    gd = sp.rsolve(sequence(k + 1) - sequence(k) + h * a, sequence(k), {sequence(0): y0})
    gf = sp.dsolve(sp.Eq(curve(T).diff(T), -a), curve(T), ics={curve(0): y0}).rhs
    yield Step(
        claim=r"E = a\theta + b:\ \theta_k^{\mathrm{GD}} = \theta^{\mathrm{GF}}(k h) = \theta_0 - k h a",
        justification="closed forms from rsolve (GD recurrence) and dsolve (GF), per coordinate",
        residual=gd - gf.subs(T, k * h),
        dimension=ALL_N,
    )


PROOF = Proof(
    name="gd-equals-gf-on-corridors",
    title="GD follows GF exactly on corridors",
    reference="Sec. 2",
    statement="If the GF line stays in a corridor, GD with any learning rate h lands on it: θₖ = θ(k h) for all k.",
    derive=derive,
)
