"""Stability of a corridor under GD: on E = x + λy²/2, yₖ = (1 − hλ)ᵏ y₀, so y = 0 repels GD when h > 2/λ.

E = x + λy²/2 (λ > 0) has the corridor y = 0 (H g = (0, λ²y) vanishes there).
GD from (x₀, y₀): by induction with symbolic k, θₖ = (x₀ − k h, (1 − hλ)ᵏ y₀);
the runner substitutes the loss into ∇E of a generic E at θₖ. Then
|yₖ| = |1 − hλ|ᵏ |y₀| and
    (1 − hλ)² − 1 = hλ(hλ − 2) > 0  when h > 2/λ   (repelled, geometrically);
    1 − (1 − hλ)² > 0               when 0 < h < 2/λ (attracted).
The inequalities are decided by SymPy's assumptions after writing
h = (2 + δ)/λ, resp. h = 2/(λ(1 + δ)), with δ > 0.
Control: "the corridor repels GD for h < 2/λ" is refuted.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import difference, generic_loss, loss_is
from ._steps import Control, Proof, Step
from ._hypotheses import Substitute

__all__ = ["PROOF"]

LAM = sp.Symbol("lambda", positive=True)
H = sp.Symbol("h", positive=True)
DELTA = sp.Symbol("delta", positive=True)
K = sp.Symbol("k", integer=True, nonnegative=True)


def _above():
    return Substitute("h > 2/λ, written h = (2 + δ)/λ with δ > 0", r"h = (2 + \delta)/\lambda > 2/\lambda",
                      rules=((H, (2 + DELTA) / LAM),))


def _below():
    return Substitute("0 < h < 2/λ, written h = 2/(λ(1 + δ)) with δ > 0",
                      r"h = \tfrac{2}{\lambda(1 + \delta)} < 2/\lambda", rules=((H, 2 / (LAM * (1 + DELTA))),))


def derive(dims):
    """Yield the closed form of GD by induction, then the growth and decay factors (n = 2)."""
    loss = generic_loss(2)
    x, y = loss.theta
    x0, y0 = sp.symbols("x_0 y_0")
    iterate = (x0 - K * H, (1 - H * LAM) ** K * y0)
    gradient_at = sp.ImmutableMatrix([sp.Subs(gi, loss.theta, iterate) for gi in loss.g])
    following = sp.ImmutableMatrix([x0 - (K + 1) * H, (1 - H * LAM) ** (K + 1) * y0])
    yield Step(
        claim=r"\theta_k = (x_0 - kh,\ (1 - h\lambda)^k y_0) \Rightarrow \theta_{k+1} = \theta_k - h\,g(\theta_k) = "
        r"(x_0 - (k+1)h,\ (1 - h\lambda)^{k+1} y_0)",
        justification="induction step with symbolic k ≥ 0 (θ₀ is the base case): g = (1, λy)",
        residual=difference(sp.ImmutableMatrix(iterate) - H * gradient_at, following),
        assumes=(loss_is(loss, x + LAM * y**2 / 2, r"x + \tfrac{\lambda}{2} y^2"),),
        dimension=2,
    )
    factor = (1 - H * LAM) ** 2 - 1
    yield Step(
        claim=r"h > 2/\lambda:\ (1 - h\lambda)^2 - 1 > 0",
        justification="|1 − hλ| > 1: |yₖ| = |1 − hλ|ᵏ|y₀| grows geometrically, GD leaves the corridor y = 0",
        residual=factor,
        assumes=(_above(),),
        relation="> 0",
        dimension=2,
    )
    yield Step(
        claim=r"0 < h < 2/\lambda:\ 1 - (1 - h\lambda)^2 > 0",
        justification="|1 − hλ| < 1: yₖ → 0, GD is drawn onto the corridor",
        residual=-factor,
        assumes=(_below(),),
        relation="> 0",
        dimension=2,
    )


def control():
    """With h < 2/λ the corridor is not repelling: (1 − hλ)² − 1 < 0."""
    yield Step(
        claim=r"0 < h < 2/\lambda:\ (1 - h\lambda)^2 - 1 > 0",
        justification="would hold if the corridor repelled GD for every h",
        residual=(1 - H * LAM) ** 2 - 1,
        assumes=(_below(),),
        relation="> 0",
        dimension=2,
    )


PROOF = Proof(
    name="stability-of-corridors",
    title="Stability: a corridor repels GD when h > 2/λ",
    reference="Sec. 2",
    statement=r"On $E = x + \tfrac{\lambda}{2}y^2$, GD off the corridor $y = 0$ gives $y_k = (1 - h\lambda)^k y_0$: "
    r"the corridor repels GD when $h > 2/\lambda$ and attracts it when $0 < h < 2/\lambda$.",
    hypothesis=r"$E = x + \tfrac{\lambda}{2}y^2$, $\lambda > 0$; $h > 2/\lambda$ (repelled) or "
    r"$0 < h < 2/\lambda$ (attracted).",
    derive=derive,
    control=Control(r"The corridor repels GD for $0 < h < 2/\lambda$.", control),
    dimensions=(2,),
)
