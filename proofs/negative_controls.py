"""Deliberately false statements, checked with the same machinery; each must come out "failed".

They guard against a checker that always says yes:
    d/dt g(θ(t)) = +H g along GF          (sign error in Lemma 2.8)
    H g = ∇‖g‖²                            (missing the factor ½)
    GD = GF on the bowl E = ‖θ‖²/2         (θ₀(1 − h) ≠ θ₀e^{−h})
    c‖θ − p‖² is a corridor                (squared distance: H g = 2c·2c u ≠ 0)
"""

from __future__ import annotations

import sympy as sp

from ._calculus import T, along_flow, coordinates, dot, generic_loss, gradient, hessian, symbols_vector
from ._core import Proof, Step

__all__ = ["CONTROLS"]

_DIMS = (1, 2)


def _sign_error(dims):
    for n in _DIMS:
        loss = generic_loss(n)
        yield Step(
            claim=r"\tfrac{d}{dt} g(\theta(t)) = +H g",
            justification="false: the sign of Lemma 2.8 flipped",
            residual=along_flow(loss.g, -loss.g, loss.theta) - loss.Hg,
            dimension=n,
        )


def _missing_half(dims):
    for n in _DIMS:
        loss = generic_loss(n)
        yield Step(
            claim=r"H g = \nabla\lVert g\rVert^2",
            justification="false: the factor ½ is missing",
            residual=loss.Hg - gradient(dot(loss.g, loss.g), loss.theta),
            dimension=n,
        )


def _bowl(dims):
    h, y0 = sp.Symbol("h", positive=True), sp.Symbol("y_0")
    curve = sp.Function("z")
    exact = sp.dsolve(sp.Eq(curve(T).diff(T), -curve(T)), curve(T), ics={curve(0): y0}).rhs
    yield Step(
        claim=r"E = \tfrac12\lVert\theta\rVert^2:\ \theta_0 - h\,g(\theta_0) = \theta(h)",
        justification="false: the bowl is no corridor (Hg = θ ≠ 0), GD lands at θ₀(1 − h), GF at θ₀e^{−h}",
        residual=(y0 - h * y0) - exact.subs(T, h),
        dimension=None,
    )


def _squared_distance(dims):
    c = sp.Symbol("c", positive=True)
    for n in _DIMS:
        theta = coordinates(n)
        offset = sp.ImmutableMatrix(theta) - symbols_vector("p", n)
        loss = c * dot(offset, offset)
        yield Step(
            claim=r"E = c\lVert\theta - p\rVert^2:\ Hg = 0",
            justification="false: squared distance is a bowl, not a cone",
            residual=hessian(loss, theta) * gradient(loss, theta),
            dimension=n,
        )


CONTROLS = (
    Proof("control-gradient-flow-sign", "Control: d/dt g = +Hg", "control", "False on purpose.", _sign_error),
    Proof("control-missing-half", "Control: Hg = ∇‖g‖²", "control", "False on purpose.", _missing_half),
    Proof("control-gd-gf-on-bowl", "Control: GD = GF on a bowl", "control", "False on purpose.", _bowl),
    Proof("control-squared-distance", "Control: squared distance is a corridor", "control", "False on purpose.", _squared_distance),
)
