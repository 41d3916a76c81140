"""The exact one-step gap: θ(h) − θ₁ = ∫₀ʰ (h − s) H g(θ(s)) ds, so ‖θ(h) − θ₁‖ ≤ (h²/2) sup ‖H g‖.

θ₁ = θ₀ − h g(θ₀) is one GD step and θ(s) the GF solution from θ₀.
1. Taylor's formula with integral remainder, for every curve (n = 1, 2):
   R(h) = θ(h) − θ(0) − h θ̇(0) − ∫₀ʰ (h − s) θ̈(s) ds has R(0) = R′(0) = 0 and
   R″ ≡ 0 (Leibniz rule), so R ≡ 0.
2. Along GF (θ̇ = −g, θ̈ = H g, applied by the runner),
   θ(h) − θ₁ − ∫₀ʰ (h − s) Hg(θ(s)) ds = h (θ̇(0) + g(θ(0))) + ∫₀ʰ (h − s)(θ̈(s) − Hg(θ(s))) ds = 0.
3. ∫₀ʰ (h − s) ds = h²/2 and h − s ≥ 0 give the bound (triangle inequality for integrals).
Control: for the straight GD line θ₀ − s g₀ (not the GF solution) the formula fails.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import difference, generic_loss, gradient_flow, along_line, path
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]

S, H = sp.Symbol("s"), sp.Symbol("h", positive=True)


def _gap_residual(loss, curve):
    """h(θ̇(0) + g(θ(0))) + ∫₀ʰ (h − s)(θ̈(s) − Hg(θ(s))) ds, entrywise."""
    at = lambda expr, point: expr.xreplace(dict(zip(loss.theta, point)))  # noqa: E731 - one-line reader
    start = tuple(c.subs(S, 0) for c in curve)
    velocity0 = [sp.Subs(c.diff(S), S, 0) for c in curve]
    return sp.ImmutableMatrix([
        H * (velocity0[i] + at(loss.g[i], start))
        + sp.Integral((H - S) * (curve[i].diff(S, 2) - at(loss.Hg[i], curve)), (S, 0, H))
        for i in range(loss.n)
    ])


def derive(dims):
    """Yield Taylor's formula, the gap along GF and the bound's integral, per dimension."""
    for n in dims:
        loss = generic_loss(n)
        curve = path(n, time=S)
        remainder = sp.ImmutableMatrix([
            c.subs(S, H) - c.subs(S, 0) - H * sp.Subs(c.diff(S), S, 0)
            - sp.Integral((H - S) * c.diff(S, 2), (S, 0, H))
            for c in curve
        ])
        yield Step(
            claim=r"R(h) = \theta(h) - \theta(0) - h\,\dot\theta(0) - \int_0^h (h - s)\,\ddot\theta(s)\,ds \equiv 0",
            justification="Taylor's formula with integral remainder, for every curve: R(0) = 0, R′(0) = 0 and "
            "R″(h) = 0 by the Leibniz rule",
            residual=sp.ImmutableMatrix.vstack(remainder.subs(H, 0), remainder.diff(H).subs(H, 0), remainder.diff(H, 2)),
            dimension=n,
        )
        yield Step(
            claim=r"\theta(h) - \theta_1 = \int_0^h (h - s)\, Hg(\theta(s))\,ds",
            justification="by step 1, θ(h) − θ₁ − ∫(h − s)Hg ds = h(θ̇(0) + g(θ₀)) + ∫(h − s)(θ̈ − Hg) ds, and "
            "θ̇ = −g, θ̈ = Hg along GF",
            residual=_gap_residual(loss, curve),
            assumes=(gradient_flow(loss, curve, at_point=False, time=S),),
            dimension=n,
        )
    yield Step(
        claim=r"\int_0^h (h - s)\,ds = \tfrac{h^2}{2} \Rightarrow \lVert\theta(h) - \theta_1\rVert \le "
        r"\tfrac{h^2}{2} \sup_{0 \le s \le h} \lVert Hg(\theta(s))\rVert",
        justification="triangle inequality for integrals with the weight h − s ≥ 0",
        residual=difference(sp.Integral(H - S, (S, 0, H)), H**2 / 2),
        dimension=None,
    )


def control():
    """The formula for the straight line θ₀ − s g₀, which is not the GF solution: it fails."""
    for n in (1,):
        loss = generic_loss(n)
        curve = path(n, time=S)
        start = tuple(c.subs(S, 0) for c in curve)
        initial_gradient = loss.g.xreplace(dict(zip(loss.theta, start)))
        yield Step(
            claim=r"\theta(s) = \theta_0 - s\,g_0:\ \theta(h) - \theta_1 = \int_0^h (h - s)\, Hg(\theta(s))\,ds",
            justification="would hold if the formula did not need θ to be the GF solution",
            residual=_gap_residual(loss, curve),
            assumes=(along_line(loss, curve, -initial_gradient, at_point=False, time=S),),
            dimension=n,
        )


PROOF = Proof(
    name="one-step-gap",
    title="The exact one-step gap between GD and GF",
    reference="Sec. 2",
    statement=r"For one GD step $\theta_1 = \theta_0 - h\,g(\theta_0)$ and the GF solution $\theta(s)$ from "
    r"$\theta_0$: $\theta(h) - \theta_1 = \int_0^h (h - s)\, Hg(\theta(s))\,ds$, hence "
    r"$\lVert\theta(h) - \theta_1\rVert \le \tfrac{h^2}{2}\sup_{0\le s\le h}\lVert Hg(\theta(s))\rVert$.",
    hypothesis=r"$\theta(s)$ solves $\dot\theta = -g(\theta)$ on $[0, h]$.",
    derive=derive,
    control=Control(r"The formula holds for the straight line $\theta_0 - s\,g_0$ in place of the GF solution.", control),
    dimensions=(1, 2),
)
