"""Modified equation of GD: θ̇ = −g − (h/2) H g + h² f₂ + O(h³), the GF of E + (h/4)‖g‖² to first order.

The modified field f = f₀ + h f₁ + h² f₂ is found by matching the Lie series of
its flow at time h, Σₖ hᵏ/k! L_fᵏ θ, with one GD step θ − h g order by order
(f₁, f₂ start as undefined functions and are solved for). With V = H g:
    f₁ = −½ V = −∇((1/4)‖g‖²),     f₂ = −¼ H V − (1/12) D(V) g,
both linear in V and its derivatives, so on an open set where H g = 0 there is
no implicit gradient regularization at order h or h². Generic E, n = 1..4.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import chain_rule_residual, dot, generic_loss, gradient, jacobian, lie_derivative
from ._core import Proof, Step

__all__ = ["PROOF"]


def derive(dims):
    """Yield the chain rule and the solved modified-field terms per dimension."""
    h = sp.Symbol("h")
    for n in dims:
        loss = generic_loss(n)
        theta, g, V = loss.theta, loss.g, loss.Hg
        yield Step(
            claim=r"\tfrac{d}{dt}\, w(\theta(t)) = L_f w \text{ along } \dot\theta = f(\theta)",
            justification="chain rule on a generic curve, generic w and f: the flow's Taylor series is the Lie series Σ hᵏ/k! L_fᵏ θ",
            residual=chain_rule_residual(n),
            dimension=n,
        )
        first = sp.ImmutableMatrix([sp.Function(f"f_{{1,{i}}}")(*theta) for i in range(1, n + 1)])
        second = sp.ImmutableMatrix([sp.Function(f"f_{{2,{i}}}")(*theta) for i in range(1, n + 1)])
        field = -g + h * first + h**2 * second
        mismatch = _lie_series(field, theta, h, 3) - (sp.ImmutableMatrix(theta) - h * g)

        f1 = _solve_linear(_coefficient(mismatch, h, 2), first)
        yield Step(
            claim=r"f_1 = -\tfrac12 H g",
            justification="order h² of flow(h) = θ − h g: f₁ + ½ D(f₀) f₀ = 0 with f₀ = −g",
            residual=f1 + V / 2,
            dimension=n,
        )
        yield Step(
            claim=r"-g - \tfrac{h}{2} H g = -\nabla\big(E + \tfrac{h}{4}\lVert g \rVert^2\big)",
            justification="the first-order modified equation is the GF of E + (h/4)‖g‖² (implicit gradient regularization)",
            residual=(-g + h * f1) + gradient(loss.E + h / 4 * dot(g, g), theta),
            dimension=n,
        )
        # Put the solved f₁ (a function of θ, differentiated at order h³) back in.
        known = {f.func: sp.Lambda(theta, value) for f, value in zip(first, f1)}
        cubic = _coefficient(mismatch, h, 3).applyfunc(
            lambda e: e.replace(lambda a: getattr(a, "func", None) in known, lambda a: known[a.func](*a.args)).doit()
        )
        f2 = _solve_linear(cubic, second)
        yield Step(
            claim=r"f_2 = -\tfrac14 H V - \tfrac{1}{12} D(V)\,g,\quad V = H g",
            justification="order h³ of the matching; linear in V = Hg and DV, so f₂ = 0 where Hg ≡ 0 on an open set",
            residual=f2 + loss.H * V / 4 + jacobian(V, theta) * g / 12,
            dimension=n,
        )


def _lie_series(field, theta, h, order):
    """Σₖ hᵏ/k! L_fᵏ θ up to hᵒʳᵈᵉʳ, for a field f polynomial in h.

    The k-th term only needs L_fᵏ θ up to h^(order−k), so f and each power are
    truncated there: the dropped terms are all O(h^(order+1)).
    """
    position = sp.ImmutableMatrix(theta)
    total, power = position, position
    for k in range(1, order + 1):
        keep = order - k
        truncated_field = _truncate(field, h, keep)
        power = _truncate(lie_derivative(truncated_field, power, theta), h, keep)
        total = total + h**k / sp.factorial(k) * power
    return total.applyfunc(sp.expand)


def _truncate(column, h, degree):
    """The column with every power of h above ``degree`` dropped."""
    return column.applyfunc(lambda e: sum((sp.expand(e).coeff(h, p) * h**p for p in range(degree + 1)), sp.Integer(0)))


def _coefficient(column, h, power):
    return column.applyfunc(lambda e: sp.expand(e).coeff(h, power))


def _solve_linear(equations, unknowns):
    """Solve equations linear in the undefined functions ``unknowns`` (never differentiated there)."""
    if any(d.has(u) for d in equations.atoms(sp.Derivative) for u in unknowns):
        raise ValueError("an unknown is differentiated: the system is not algebraic in it")
    stand_ins = sp.symbols(f"u_1:{len(unknowns) + 1}", cls=sp.Dummy)
    system = [e.xreplace(dict(zip(unknowns, stand_ins))) for e in equations]
    matrix, rhs = sp.linear_eq_to_matrix(system, stand_ins)
    return sp.ImmutableMatrix(matrix.LUsolve(rhs)).applyfunc(sp.expand)


PROOF = Proof(
    name="modified-equation-no-regularization",
    title="Modified equation: no implicit regularization on corridors",
    reference="Sec. 2",
    statement="GD follows θ̇ = −g − (h/2) H g + h² f₂ + O(h³) = −∇(E + (h/4)‖g‖²) + O(h²); "
    "f₁ = −½Hg and f₂ = −¼HV − (1/12)DV g (V = Hg) vanish on corridors.",
    derive=derive,
)
