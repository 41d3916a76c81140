"""Modified equation of GD: θ̇ = −g − (h/2) H g + h² f₂ + O(h³), the GF of E + (h/4)‖g‖² to first order.

The modified field f = f₀ + h f₁ + h² f₂ is found by matching the Lie series of
its flow at time h, Σₖ hᵏ/k! L_fᵏ θ, with one GD step θ − h g order by order
(f₁, f₂ start as undefined functions and are solved for). With V = H g:
    f₁ = −½ V = −∇((1/4)‖g‖²),     f₂ = −¼ H V − (1/12) D(V) g,
both linear in V and its derivatives. These are identities for every loss; in
a corridor (the runner applies H g = 0 on an open set) f₁ = f₂ = 0: no implicit
gradient regularization at order h or h². Generic E, n = 1..3.
Control: on the bowl ½‖θ‖², f₁ = −½θ ≠ 0.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import (
    corridor,
    difference,
    dot,
    generic_loss,
    gradient,
    jacobian,
    lie_derivative,
    lie_series_licence,
)
from ._controls import on_the_bowl
from ._steps import Control, Proof, Step

__all__ = ["PROOF", "coefficient_of", "lie_series"]


def modified_field(loss, h):
    """(f₁, f₂) of the modified equation of GD, solved order by order from the Lie series."""
    theta, g = loss.theta, loss.g
    n = loss.n
    first = sp.ImmutableMatrix([sp.Function(f"f_{{1,{i}}}")(*theta) for i in range(1, n + 1)])
    second = sp.ImmutableMatrix([sp.Function(f"f_{{2,{i}}}")(*theta) for i in range(1, n + 1)])
    field = -g + h * first + h**2 * second
    mismatch = lie_series(field, theta, h, 3) - (sp.ImmutableMatrix(theta) - h * g)
    f1 = _solve_linear(coefficient_of(mismatch, h, 2), first)
    # Put the solved f₁ (a function of θ, differentiated at order h³) back in.
    known = {f.func: sp.Lambda(theta, value) for f, value in zip(first, f1)}
    cubic = coefficient_of(mismatch, h, 3).applyfunc(
        lambda e: e.replace(lambda a: getattr(a, "func", None) in known, lambda a: known[a.func](*a.args)).doit()
    )
    return f1, _solve_linear(cubic, second)


def derive(dims):
    """Yield the solved modified-field terms and their corridor values per dimension."""
    h = sp.Symbol("h")
    for n in dims:
        loss = generic_loss(n)
        theta, g, V = loss.theta, loss.g, loss.Hg
        licence, flow = lie_series_licence(n)
        yield Step(
            claim=r"\tfrac{d}{dt}\, w(\theta(t)) = (L_f w)(\theta(t)),\ L_f w = \textstyle\sum_i f_i\,\partial_i w",
            justification="chain rule along θ' = f(θ), generic w and f: the Taylor series of a flow is its Lie "
            "series Σ hᵏ/k! L_fᵏ θ, used below",
            residual=licence,
            assumes=(flow,),
            dimension=n,
        )
        f1, f2 = modified_field(loss, h)
        yield Step(
            claim=r"f_1 = -\tfrac12 H g",
            justification="order h² of flow_h(θ) = θ − h g, with the flow's Taylor series as the Lie series "
            "Σ hᵏ/k! L_fᵏ θ: f₁ + ½ D(f₀) f₀ = 0 with f₀ = −g",
            residual=difference(f1, -V / 2),
            dimension=n,
        )
        yield Step(
            claim=r"-g - \tfrac{h}{2} H g = -\nabla\big(E + \tfrac{h}{4}\lVert g \rVert^2\big)",
            justification="the first-order modified equation is the GF of E + (h/4)‖g‖² (implicit gradient "
            "regularization)",
            residual=difference(-g + h * f1, -gradient(loss.E + h / 4 * dot(g, g), theta)),
            dimension=n,
        )
        yield Step(
            claim=r"f_2 = -\tfrac14 H V - \tfrac{1}{12} D(V)\,g,\quad V = H g",
            justification="order h³ of the matching; linear in V = Hg and DV",
            residual=difference(f2, -loss.H * V / 4 - jacobian(V, theta) * g / 12),
            dimension=n,
        )
        yield Step(
            claim=r"f_1 = f_2 = 0 \text{ in a corridor}",
            justification="no implicit regularization at order h or h² where Hg ≡ 0 on an open set",
            residual=sp.ImmutableMatrix.vstack(f1, f2),
            assumes=(corridor(loss),),
            dimension=n,
        )


def control():
    """On the bowl f₁ = −½Hg = −½θ: GD is implicitly regularised there."""
    return on_the_bowl(
        r"f_1 = 0",
        "would hold if GD had no implicit regularization on the bowl",
        lambda loss, _: modified_field(loss, sp.Symbol("h"))[0],
    )


def lie_series(field, theta, h, order):
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


def coefficient_of(column, h, power):
    """The coefficient of h^power in each entry of the column."""
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
    statement=r"GD follows $\dot\theta = -g - \tfrac{h}{2} Hg + h^2 f_2 + O(h^3) = -\nabla\big(E + \tfrac{h}{4}"
    r"\lVert g\rVert^2\big) + O(h^2)$; $f_1 = -\tfrac12 Hg$ and $f_2 = -\tfrac14 HV - \tfrac1{12} DV\,g$ "
    r"($V = Hg$) vanish on corridors.",
    hypothesis=r"For the last step: $Hg = 0$ on an open connected set.",
    derive=derive,
    control=Control(r"GD has no implicit regularization on the bowl $\tfrac12\lVert\theta\rVert^2$.", control),
    dimensions=(1, 2, 3),
)
