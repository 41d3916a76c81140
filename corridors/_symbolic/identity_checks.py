"""The three statements that hold for every smooth loss, checked per smooth piece.

(a) d/dt g(θ(t)) = −H g along gradient flow (Lemma 2.8); (e) the one-step gap
θ₁ − θ(h) = −(h²/2) H g + O(h³); (f′) ∇((h/4)‖g‖²) = (h/2) H g. Checking them
says nothing about corridors: ``verify`` labels them ``identity``. Each check
returns ``(holds, residual, method)``.
"""

from __future__ import annotations

import sympy as sp

from .statements import FLOW_TIME as _t, LEARNING_RATE as _h
from .zero_test import ZeroTest, all_zero, normalize

__all__ = ["gradient_along_flow", "modified_loss_identity", "one_step_gap"]


def _verdict(test: ZeroTest):
    return test.verdict, test.residual, test.method


def gradient_along_flow(analysis, variables, budget):
    """Differentiate g(θ(t)) for undefined θᵢ(t) and substitute θᵢ' = −gᵢ(θ)."""
    d = analysis.derivatives
    curve = [sp.Function(f"theta_{i}")(_t) for i in range(len(variables))]
    to_curve, to_point = dict(zip(variables, curve)), dict(zip(curve, variables))
    velocity = {sp.Derivative(c, _t): -g.xreplace(to_curve) for c, g in zip(curve, d.gradient)}
    rate = [sp.diff(g.xreplace(to_curve), _t).xreplace(velocity).xreplace(to_point) for g in d.gradient]
    hg = d.hessian * d.gradient
    test = all_zero([r + e for r, e in zip(rate, hg)], variables, region=analysis.piece.region,
                    domain=analysis.piece.expression, budget=budget)
    return _verdict(test)


def _lie(vector_field, expr, variables):
    """L f = −g·∇f: the time derivative of f along gradient flow."""
    return -sum((gi * sp.diff(expr, v) for gi, v in zip(vector_field, variables)), sp.S.Zero)


def one_step_gap(analysis, variables, budget):
    """Series of the flow by Lie derivatives: θ(h) = Σ hᵏ/k! Lᵏθ; compare with θ₁ = θ − h g."""
    d = analysis.derivatives
    g = list(d.gradient)
    first = [_lie(g, v, variables) for v in variables]  # = −g
    second = [_lie(g, f, variables) for f in first]  # = H g
    order_one = [-gi - f for gi, f in zip(g, first)]
    order_two = [-s / 2 + hg / 2 for s, hg in zip(second, d.hessian * d.gradient)]
    test = all_zero(order_one + order_two, variables, region=analysis.piece.region,
                    domain=analysis.piece.expression, budget=budget)
    holds, residual, method = _verdict(test)
    if holds:
        third = [_lie(g, s, variables) for s in second]
        remainder = sp.ImmutableMatrix([normalize(-c / 6, variables) for c in third])
        return True, sp.S.Zero, f"{method}; O(h³) term −(h³/6)L³θ = h³·{_short(remainder.T)}"
    return holds, residual, method


def modified_loss_identity(analysis, variables, budget):
    """∇((h/4)‖g‖²) − (h/2) H g, which vanishes for every smooth loss."""
    d = analysis.derivatives
    correction = [sp.diff(_h / 4 * d.grad_norm_squared, v) for v in variables]
    target = [_h / 2 * e for e in d.hessian * d.gradient]
    test = all_zero([c - e for c, e in zip(correction, target)], variables, region=analysis.piece.region,
                    domain=analysis.piece.expression, budget=budget)
    return _verdict(test)


def _short(expr, limit=200) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"
