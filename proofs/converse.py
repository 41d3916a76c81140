"""Converse: if one GD step agrees with GF to third order for all small h, then H g = 0.

Taylor coefficients of the flow, for a generic E and curve (n = 1..3), with
the runner applying θ̇ = −g(θ):
    θ(t + h) − (θ(t) − h g) = (h²/2) H g − (h³/6) D(Hg) g + O(h⁴),
    D(Hg) g = ∇³E[g, g] + H² g   (identity).
So agreement to O(h³) forces H g = 0, and in a corridor the h³ term vanishes
too. The series is cross-checked against the exact flow of λθ²/2 (dsolve).
Control: on the bowl ½‖θ‖² the h² coefficient is ½θ ≠ 0.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, corridor, difference, generic_loss, gradient_flow, jacobian, loss_is, on_path, path
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def _flow_coefficients(curve):
    """[hᵐ] of θ(t + h) − θ(t) for m = 1, 2, 3: θ⁽ᵐ⁾(t)/m!."""
    return [sp.ImmutableMatrix([c.diff(T, m) / sp.factorial(m) for c in curve]) for m in (1, 2, 3)]


def derive(dims):
    """Yield the Taylor coefficients of the local error, the D(Hg)g identity and the corridor case."""
    h = sp.Symbol("h")
    for n in dims:
        loss = generic_loss(n)
        theta, g, Hg = loss.theta, loss.g, loss.Hg
        curve = path(n)
        flow = gradient_flow(loss, curve)
        first, second, third = _flow_coefficients(curve)
        drift = jacobian(Hg, theta) * g  # D(Hg) g
        yield Step(
            claim=r"\theta(t+h) - \big(\theta - h\,g\big) = \tfrac{h^2}{2} H g - \tfrac{h^3}{6} D(Hg)\,g + O(h^4)",
            justification="Taylor coefficients of the flow: [h¹] = θ̇ + g = 0, [h²] = θ̈/2 = Hg/2, "
            "[h³] = θ⃛/6 = −D(Hg)g/6; so GD and GF agree to O(h³) iff Hg = 0",
            residual=sp.ImmutableMatrix.vstack(
                difference(first, -on_path(g, theta, curve)),
                difference(second, on_path(Hg / 2, theta, curve)),
                difference(third, -on_path(drift / 6, theta, curve)),
            ),
            assumes=(flow,),
            dimension=n,
        )
        tensor = sp.ImmutableMatrix([
            sum(sp.diff(loss.E, theta[i], theta[j], theta[m]) * g[j] * g[m] for j in range(n) for m in range(n))
            for i in range(n)
        ])
        yield Step(
            claim=r"D(Hg)\,g = \nabla^3 E[g,g] + H^2 g",
            justification="product rule on (Hg)ᵢ = Σⱼ Hᵢⱼ gⱼ",
            residual=difference(drift, tensor + loss.H * Hg),
            dimension=n,
        )
        yield Step(
            claim=r"[h^2]\ \text{and}\ [h^3] \text{ of } \theta(t+h) - \theta_1 \text{ vanish in a corridor}",
            justification="Hg = 0 and D(Hg) g = 0 where Hg ≡ 0 on an open set",
            residual=sp.ImmutableMatrix.vstack(second, third),
            assumes=(flow, corridor(loss)),
            dimension=n,
        )
    # Cross-check of the series on E = λθ²/2 against its exact flow.
    loss = generic_loss(1)
    (x,) = loss.theta
    lam = sp.Symbol("lambda", positive=True)
    curve = sp.Function("z")
    exact = sp.dsolve(sp.Eq(curve(T).diff(T), -lam * curve(T)), curve(T), ics={curve(0): x}).rhs
    g, Hg = loss.g[0], loss.Hg[0]
    drift = sp.diff(Hg, x) * g
    predicted = x - h * g + h**2 / 2 * Hg - h**3 / 6 * drift
    yield Step(
        claim=r"E = \tfrac{\lambda}{2}\theta^2:\ \theta e^{-\lambda h} = \theta - h g + \tfrac{h^2}{2} H g "
        r"- \tfrac{h^3}{6} D(Hg)\,g + O(h^4)",
        justification="the series above against the exact flow (dsolve)",
        residual=difference(sp.series(exact.subs(T, h), h, 0, 4).removeO(), predicted),
        assumes=(loss_is(loss, lam * x**2 / 2, r"\tfrac{\lambda}{2}\theta^2"),),
        dimension=None,
    )


def control():
    """On the bowl the h² coefficient ½Hg = ½θ is not 0: GD and GF do not agree to O(h³)."""
    return on_the_bowl(
        r"[h^2]\big(\theta(t+h) - \theta_1\big) = 0",
        "would hold if GD and GF agreed to O(h³) on the bowl",
        lambda loss, curve: _flow_coefficients(curve)[1],
        along_flow=True,
    )


PROOF = Proof(
    name="converse-gd-gf-agreement",
    title="GD–GF agreement to third order forces H g = 0",
    reference="Sec. 2",
    statement=r"$\theta(h) = \theta_0 - h\,g + \tfrac{h^2}{2} Hg - \tfrac{h^3}{6} D(Hg)\,g + O(h^4)$; if GD and GF "
    r"agree to $O(h^3)$ for all small $h$ then $Hg = 0$.",
    hypothesis=r"$\theta(t)$ solves $\dot\theta = -g(\theta)$; for the last step, $Hg = 0$ on an open set.",
    derive=derive,
    control=Control(r"On the bowl $\tfrac12\lVert\theta\rVert^2$, GD and GF agree to $O(h^3)$.", control),
    dimensions=(1, 2, 3),
)
