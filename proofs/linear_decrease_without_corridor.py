"""Linear decrease of E along GF does not imply a corridor: E = atan2(θ₂, θ₁).

On the plane minus the origin (away from the branch cut), E = atan2(θ₂, θ₁)
has g = (−θ₂, θ₁)/‖θ‖², ‖g‖² = 1/‖θ‖², and
    gᵀH g = 0            so d²E/dt² = 2 gᵀH g = 0: E falls linearly along GF;
    H g = −θ/‖θ‖⁴ ≠ 0    so θ̈ = H g ≠ 0: the GF lines are circles, not straight.
The substitution E = atan2 into a generic E is the hypothesis; the runner
also checks that without it the claims fail. Control: "atan2 is a corridor"
(H g = 0) fails, and "gᵀH g ≡ 0" fails for the bowl.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, difference, dot, generic_loss, gradient_flow, loss_is, loss_is_bowl, on_path, path
from ._steps import Control, Proof, Step

__all__ = ["PROOF"]


def _atan2(loss):
    x, y = loss.theta
    return loss_is(loss, sp.atan2(y, x), r"\operatorname{atan2}(\theta_2, \theta_1)")


def derive(dims):
    """Yield gᵀHg = 0, Hg = −θ/‖θ‖⁴, and the two consequences along GF (n = 2)."""
    loss = generic_loss(2)
    theta = sp.ImmutableMatrix(loss.theta)
    radius2 = dot(theta, theta)
    angle = _atan2(loss)
    curve = path(2)
    flow = gradient_flow(loss, curve)
    yield Step(
        claim=r"E = \operatorname{atan2}(\theta_2, \theta_1):\ g^\top H g = 0",
        justification="g = (−θ₂, θ₁)/‖θ‖² is orthogonal to ∇‖g‖² = 2Hg, which is radial",
        residual=dot(loss.g, loss.Hg),
        assumes=(angle,),
        dimension=2,
    )
    yield Step(
        claim=r"E = \operatorname{atan2}(\theta_2, \theta_1):\ Hg = -\theta/\lVert\theta\rVert^4 \neq 0",
        justification="Hg = ½∇‖g‖² = ½∇(1/‖θ‖²): not a corridor anywhere",
        residual=difference(loss.Hg, -theta / radius2**2),
        assumes=(angle,),
        dimension=2,
    )
    yield Step(
        claim=r"\tfrac{d^2}{dt^2} E(\theta(t)) = 0 \text{ along GF}",
        justification="d²E/dt² = 2gᵀHg = 0: the loss falls linearly, at rate ‖g‖² = 1/‖θ‖² (constant on circles)",
        residual=on_path(loss.E, loss.theta, curve).diff(T, 2),
        assumes=(flow, angle),
        dimension=2,
    )
    yield Step(
        claim=r"\ddot\theta(t) = -\theta/\lVert\theta\rVert^4 \text{ along GF}",
        justification="θ̈ = Hg ≠ 0: the GF lines are curved (circles ‖θ‖ = const, as g ⟂ θ)",
        residual=difference(sp.ImmutableMatrix([v.diff(T, 2) for v in curve]),
                            on_path(-theta / radius2**2, loss.theta, curve)),
        assumes=(flow, angle),
        dimension=2,
    )


def control():
    """atan2 is no corridor; and gᵀHg ≡ 0 is not true for every loss (the bowl)."""
    loss = generic_loss(2)
    yield Step(
        claim=r"E = \operatorname{atan2}(\theta_2, \theta_1):\ Hg = 0",
        justification="would hold if linear decrease along GF implied a corridor",
        residual=loss.Hg,
        assumes=(_atan2(loss),),
        dimension=2,
    )
    yield Step(
        claim=r"E = \tfrac12\lVert\theta\rVert^2:\ g^\top H g = 0",
        justification="would hold if gᵀHg vanished without the atan2 structure",
        residual=dot(loss.g, loss.Hg),
        assumes=(loss_is_bowl(loss),),
        dimension=2,
    )


PROOF = Proof(
    name="linear-decrease-without-corridor",
    title="Linear decrease does not imply a corridor",
    reference="Sec. 2 (converse fails)",
    statement=r"$E = \operatorname{atan2}(\theta_2, \theta_1)$ has $g^\top Hg \equiv 0$, so $E$ falls linearly "
    r"along GF, yet $Hg = -\theta/\lVert\theta\rVert^4 \neq 0$: its GF lines are circles.",
    hypothesis=r"$E = \operatorname{atan2}(\theta_2, \theta_1)$ on $\mathbb{R}^2$ minus the origin and the branch cut.",
    derive=derive,
    control=Control(r"$\operatorname{atan2}$ is a corridor; or $g^\top Hg \equiv 0$ for the bowl.", control),
    dimensions=(2,),
)
