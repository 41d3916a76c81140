"""Calculus on a generic smooth loss E(θ₁, …, θₙ) for the derivations.

E is an undefined SymPy function, so every identity checked with it holds for
all smooth losses, not for one example. g = ∇E and H = ∇²E are evaluated at
the symbolic point θ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

__all__ = [
    "T",
    "GenericLoss",
    "generic_loss",
    "coordinates",
    "gradient",
    "hessian",
    "jacobian",
    "dot",
    "lie_derivative",
    "along_flow",
    "time_derivatives",
    "chain_rule_residual",
    "symbols_vector",
]

# Time along a flow.
T = sp.Symbol("t")


def coordinates(n: int, name: str = "theta") -> tuple[sp.Symbol, ...]:
    """The coordinates θ₁, …, θₙ of the parameter space."""
    return tuple(sp.Symbol(f"{name}_{i}") for i in range(1, n + 1))


def symbols_vector(name: str, n: int, **assumptions) -> sp.ImmutableMatrix:
    """A column of n fresh symbols name_1, …, name_n (a symbolic parameter vector)."""
    return sp.ImmutableMatrix([sp.Symbol(f"{name}_{i}", **assumptions) for i in range(1, n + 1)])


def gradient(f: sp.Expr, theta) -> sp.ImmutableMatrix:
    """∇f as a column: (∂f/∂θ₁, …, ∂f/∂θₙ)ᵀ."""
    return sp.ImmutableMatrix([sp.diff(f, v) for v in theta])


def hessian(f: sp.Expr, theta) -> sp.ImmutableMatrix:
    """∇²f: the matrix (∂²f/∂θᵢ∂θⱼ)."""
    return sp.ImmutableMatrix(sp.hessian(f, list(theta)))


def jacobian(field, theta) -> sp.ImmutableMatrix:
    """Df for a vector field f: the matrix (∂fᵢ/∂θⱼ)."""
    return sp.ImmutableMatrix(sp.Matrix(field).jacobian(list(theta)))


def dot(u, v) -> sp.Expr:
    """uᵀv for two columns."""
    return sum((a * b for a, b in zip(u, v)), sp.Integer(0))


def lie_derivative(field, u, theta):
    """L_f u = Σᵢ fᵢ ∂u/∂θᵢ, entrywise when u is a matrix (the derivative of u along f)."""
    if isinstance(u, sp.MatrixBase):
        return u.applyfunc(lambda entry: lie_derivative(field, entry, theta))
    return sum((fi * sp.diff(u, v) for fi, v in zip(field, theta)), sp.Integer(0))


@dataclass(frozen=True)
class GenericLoss:
    """E = E(θ₁, …, θₙ) undefined, with g = ∇E (column) and H = ∇²E at θ."""

    theta: tuple[sp.Symbol, ...]
    E: sp.Expr
    g: sp.ImmutableMatrix
    H: sp.ImmutableMatrix

    @property
    def n(self) -> int:
        return len(self.theta)

    @property
    def Hg(self) -> sp.ImmutableMatrix:
        """H g, the quantity that vanishes on corridors."""
        return self.H * self.g


@lru_cache(maxsize=None)
def generic_loss(n: int, name: str = "E") -> GenericLoss:
    """A generic smooth loss in n parameters."""
    theta = coordinates(n)
    E = sp.Function(name)(*theta)
    return GenericLoss(theta=theta, E=E, g=gradient(E, theta), H=hessian(E, theta))


def along_flow(u, field, theta) -> object:
    """d/dt u(θ(t)) at θ(t) = θ along a solution of θ̇ = f(θ), by SymPy's chain rule.

    θ(t) is a generic curve (undefined functions of t); θ̇ᵢ(t) = fᵢ(θ(t)) is
    substituted after differentiating, then the result is evaluated at the
    point θ. u may be a matrix (entrywise).
    """
    curve = tuple(sp.Function(f"vartheta_{i}")(T) for i in range(1, len(theta) + 1))
    onto_curve = dict(zip(theta, curve))
    back_to_point = dict(zip(curve, theta))
    velocity = {c.diff(T): sp.sympify(f).subs(onto_curve, simultaneous=True) for c, f in zip(curve, field)}

    def time_derivative(w):
        moved = sp.sympify(w).subs(onto_curve, simultaneous=True).diff(T).subs(velocity)
        return sp.expand(moved.subs(back_to_point, simultaneous=True).doit())

    return u.applyfunc(time_derivative) if isinstance(u, sp.MatrixBase) else time_derivative(u)


def time_derivatives(u, field, theta, order: int) -> list:
    """[dᵏ/dtᵏ u(θ(t)) at θ for k = 1..order] along θ̇ = f(θ): the iterated Lie derivatives L_fᵏ u.

    The flow is autonomous, so dᵏu/dtᵏ = wₖ(θ(t)) for a function wₖ of the
    point, and by the chain rule (``chain_rule_residual``) wₖ₊₁ = L_f wₖ.
    """
    derivatives, current = [], u
    for _ in range(order):
        current = lie_derivative(field, current, theta)
        current = current.applyfunc(sp.expand) if isinstance(current, sp.MatrixBase) else sp.expand(current)
        derivatives.append(current)
    return derivatives


def chain_rule_residual(n: int) -> sp.Expr:
    """d/dt w(θ(t)) − L_f w for a generic function w and a generic field f in n dimensions (≡ 0).

    This single check licenses computing higher time derivatives along any
    flow as iterated Lie derivatives (``time_derivatives``).
    """
    theta = coordinates(n)
    w = sp.Function("w")(*theta)
    field = [sp.Function(f"f_{i}")(*theta) for i in range(1, n + 1)]
    return along_flow(w, field, theta) - lie_derivative(field, w, theta)
