"""Converse: if one GD step agrees with GF to third order for all small h, then H g = 0.

Flow series by repeated differentiation of the generic flow (n = 1..4):
    θ(h) = θ₀ − h g + (h²/2) H g − (h³/6) D(Hg) g + O(h⁴),
    D(Hg) g = ∇³E[g, g] + H² g.
So θ(h) − (θ₀ − h g) = (h²/2) H g + O(h³): an O(h³) local error forces H g = 0,
and the h³ coefficient −(1/6) D(Hg) g vanishes too where H g ≡ 0 on an open set.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, chain_rule_residual, generic_loss, jacobian, time_derivatives
from ._core import Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the flow derivatives, the local-error series and its h³ term per dimension."""
    h = sp.Symbol("h")
    for n in dims:
        loss = generic_loss(n)
        theta, g, Hg = loss.theta, loss.g, loss.Hg
        position = sp.ImmutableMatrix(theta)
        yield Step(
            claim=r"\tfrac{d}{dt}\, w(\theta(t)) = L_f w = \textstyle\sum_i f_i\, \partial_i w \text{ along } \dot\theta = f(\theta)",
            justification="chain rule on a generic curve, generic w and f; so dᵏθ/dtᵏ = (L_{−g})ᵏ θ",
            residual=chain_rule_residual(n),
            dimension=n,
        )
        first, second, third = time_derivatives(position, -g, theta, 3)
        drift = jacobian(Hg, theta) * g  # D(Hg) g
        yield Step(
            claim=r"\dot\theta(0) = -g,\quad \ddot\theta(0) = H g",
            justification="repeated differentiation of the flow θ̇ = −g(θ) (iterated chain rule)",
            residual=sp.ImmutableMatrix.vstack(first + g, second - Hg),
            dimension=n,
        )
        third_derivatives = sp.ImmutableMatrix(
            [sum(sp.diff(loss.E, theta[i], theta[j], theta[m]) * g[j] * g[m] for j in range(n) for m in range(n)) for i in range(n)]
        )
        yield Step(
            claim=r"\dddot\theta(0) = -D(Hg)\,g = -\big(\nabla^3 E[g,g] + H^2 g\big)",
            justification="third derivative of the generic flow",
            residual=sp.ImmutableMatrix.vstack(third + drift, third + third_derivatives + loss.H * Hg),
            dimension=n,
        )
        taylor = position + h * first + h**2 / 2 * second + h**3 / 6 * third
        error = sp.expand(taylor - (position - h * g))  # GF at time h minus one GD step

        def coefficient(power, error=error):
            return error.applyfunc(lambda e: e.coeff(h, power))

        yield Step(
            claim=r"\theta(h) - (\theta_0 - h g) = \tfrac{h^2}{2} H g + O(h^3)",
            justification="coefficients of h⁰, h¹ vanish and of h² is ½Hg: agreement to O(h³) iff Hg = 0",
            residual=sp.ImmutableMatrix.vstack(coefficient(0), coefficient(1), coefficient(2) - Hg / 2),
            dimension=n,
        )
        yield Step(
            claim=r"[h^3]\,\big(\theta(h) - \theta_1\big) = -\tfrac{1}{6} D(Hg)\,g",
            justification="leading remainder term; it is linear in D(Hg), so it vanishes where Hg ≡ 0 on an open set",
            residual=coefficient(3) + drift / 6,
            dimension=n,
        )
    # Cross-check on the 1-D quadratic E = λθ²/2 (g = λθ, H = λ, ∇³E = 0), exact flow from dsolve.
    lam, y0 = sp.symbols("lambda y_0")
    curve = sp.Function("z")
    exact = sp.dsolve(sp.Eq(curve(T).diff(T), -lam * curve(T)), curve(T), ics={curve(0): y0}).rhs
    predicted = y0 - h * lam * y0 + h**2 / 2 * lam**2 * y0 - h**3 / 6 * lam**3 * y0
    yield Step(
        claim=r"E = \tfrac{\lambda}{2}\theta^2:\ \theta_0 e^{-\lambda h} = \theta_0 - h\lambda\theta_0 + \tfrac{h^2}{2}\lambda^2\theta_0 - \tfrac{h^3}{6}\lambda^3\theta_0 + O(h^4)",
        justification="the series above against the exact flow (dsolve), n = 1 example",
        residual=sp.series(exact.subs(T, h), h, 0, 4).removeO() - predicted,
        dimension=None,
    )


PROOF = Proof(
    name="converse-gd-gf-agreement",
    title="GD–GF agreement to third order forces H g = 0",
    reference="Sec. 2",
    statement="θ(h) = θ₀ − h g + (h²/2) H g − (h³/6) D(Hg) g + O(h⁴); if GD and GF agree to O(h³) "
    "for all small h then H g = 0.",
    derive=derive,
)
