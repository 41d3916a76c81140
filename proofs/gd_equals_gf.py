"""GD = GF on corridors: θₖ = θ(k h) for every k and every h while the flow line stays in a corridor.

Per dimension (generic E, n = 1..4), with g₀ = g(θ₀) and the line
ℓ(s) = θ₀ − s g₀:

1. on ℓ, in a corridor, e(s) = g(ℓ(s)) − g₀ solves ė = H(ℓ(s)) e with e(0) = 0,
   so e ≡ 0 (uniqueness for linear ODEs): g = g₀ all along ℓ, and ℓ is the GF
   solution (Definition 2.1);
2. induction with symbolic k ≥ 0 and h: if θₖ = ℓ(k h) then
   θₖ₊₁ = θₖ − h g(θₖ) = ℓ((k+1) h), where g(θₖ) = ∇E at the point ℓ(k h) is
   rewritten by step 1. The base case θ₀ = ℓ(0) holds by definition.

Control: on the bowl ½‖θ‖², GD lands at θ₀(1 − h) and GF at θ₀e^{−h}.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, along_line, corridor, difference, generic_loss, loss_is, on_path, path
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step
from ._hypotheses import Substitute

__all__ = ["PROOF", "induction_step"]

K = sp.Symbol("k", integer=True, nonnegative=True)
H_STEP = sp.Symbol("h", positive=True)


def _gradient_at(loss, point):
    """g at ``point``: each ∂ᵢE evaluated there (an explicit ``Subs``)."""
    return sp.ImmutableMatrix([sp.Subs(gi, loss.theta, tuple(point)) for gi in loss.g])


def _line(loss, s):
    """ℓ(s) = θ₀ − s g(θ₀), with θ₀ the point θ."""
    return sp.ImmutableMatrix(loss.theta) - s * loss.g


def induction_step(loss):
    """θₖ − h g(θₖ) − ℓ((k+1)h) for θₖ = ℓ(k h): the residual of the induction step."""
    iterate = _line(loss, K * H_STEP)
    return iterate, difference(iterate - H_STEP * _gradient_at(loss, iterate), _line(loss, (K + 1) * H_STEP))


def derive(dims):
    """Yield the constancy of g along the line, then the induction step, per dimension."""
    for n in dims:
        loss = generic_loss(n)
        theta, g, H = loss.theta, loss.g, loss.H
        curve = path(n)
        c = sp.ImmutableMatrix(sp.symbols(f"c_1:{n + 1}"))
        error_rate = (on_path(g, theta, curve) - c).diff(T)
        yield Step(
            claim=r"\tfrac{d}{ds}\big[g(\ell(s)) - g_0\big] = H\,\big(g(\ell(s)) - g_0\big) \text{ in a corridor}",
            justification="e = g(ℓ) − g₀ solves the linear ODE ė = H(ℓ(s)) e with e(0) = 0, so e ≡ 0 "
            "(uniqueness): g(ℓ(s)) = g₀ while ℓ stays in the corridor",
            residual=difference(error_rate, on_path(H * (g - c), theta, curve)),
            assumes=(along_line(loss, curve, -c), corridor(loss)),
            dimension=n,
        )
        iterate, residual = induction_step(loss)
        constant = Substitute(
            "g(ℓ(s)) = g₀ on the line (previous step)",
            r"g(\theta_0 - s\,g_0) = g_0",
            rules=tuple(zip(_gradient_at(loss, iterate), g)),
        )
        yield Step(
            claim=r"\theta_k = \ell(kh) \Rightarrow \theta_{k+1} = \theta_k - h\,g(\theta_k) = \ell\big((k+1)h\big)",
            justification="induction step, symbolic k ≥ 0 and h > 0; g(θₖ) is ∇E at ℓ(kh), equal to g₀ by the "
            "previous step; θ₀ = ℓ(0) is the base case",
            residual=residual,
            assumes=(constant,),
            dimension=n,
        )


def control():
    """On the bowl: the induction step fails, and one GD step misses the exact flow θ₀e^{−h}."""
    yield from on_the_bowl(
        r"\theta_{k+1} = \ell\big((k+1)h\big)",
        "the induction step without the corridor (g is not constant on ℓ)",
        lambda loss, _: induction_step(loss)[1],
    )
    loss = generic_loss(1)
    (x,) = loss.theta
    curve = sp.Function("z")
    exact = sp.dsolve(sp.Eq(curve(T).diff(T), -curve(T)), curve(T), ics={curve(0): x}).rhs  # GF of the bowl
    yield Step(
        claim=r"E = \tfrac12\theta^2:\ \theta_0 - h\,g(\theta_0) = \theta(h) = \theta_0 e^{-h}",
        justification="one GD step against the exact flow (dsolve)",
        residual=difference(x - H_STEP * loss.g[0], exact.subs(T, H_STEP)),
        assumes=(loss_is(loss, x**2 / 2, r"\tfrac12\theta^2"),),
        dimension=1,
    )


PROOF = Proof(
    name="gd-equals-gf-on-corridors",
    title="GD follows GF exactly on corridors",
    reference="Sec. 2",
    statement=r"If the GF line $\theta_0 - t\,g(\theta_0)$ stays in a corridor, GD with any learning rate $h$ "
    r"lands on it: $\theta_k = \theta(kh)$ for all $k$.",
    hypothesis=r"$Hg = 0$ on an open connected set containing the segment "
    r"$\{\theta_0 - s\,g(\theta_0) : 0 \le s \le kh\}$.",
    derive=derive,
    control=Control(r"GD lands on GF on the bowl $\tfrac12\lVert\theta\rVert^2$.", control),
)
