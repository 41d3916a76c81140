"""Calculus on a generic smooth loss E(θ₁, …, θₙ), and the hypotheses the derivations use.

E is an undefined SymPy function, so an identity checked with it holds for
all smooth losses, not for one example. g = ∇E and H = ∇²E are evaluated at
the symbolic point θ. Curves θ(t) are undefined functions of t; "θ(t) solves
gradient flow" is a hypothesis (``gradient_flow``) that the runner applies,
never an assumption built into the residual.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ._hypotheses import AlongFlow, Eikonal, Substitute

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
    "symbols_vector",
    "path",
    "on_path",
    "gradient_flow",
    "corridor",
    "loss_is",
    "loss_is_bowl",
    "bowl_of",
    "along_line",
    "difference",
    "lie_series_licence",
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


def path(n: int, time: sp.Symbol = T, name: str = "vartheta") -> tuple[sp.Expr, ...]:
    """A generic curve θ(t) = (θ₁(t), …, θₙ(t)): undefined functions of ``time``."""
    return tuple(sp.Function(f"{name}_{i}")(time) for i in range(1, n + 1))


def on_path(expr, theta, curve):
    """``expr`` (given at the point θ) evaluated on the curve: θ ↦ θ(t).

    ``xreplace``, not ``subs``: ∂E/∂θ₁ becomes ∂E/∂θ₁(t) at (θ₁(t), …), a
    derivative SymPy keeps as such, instead of ``Subs`` objects.
    """
    mapping = dict(zip(theta, curve))
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: e.xreplace(mapping))
    return sp.sympify(expr).xreplace(mapping)


def gradient_flow(loss: GenericLoss, curve, *, sign: int = -1, at_point: bool = True, time: sp.Symbol = T) -> AlongFlow:
    """Hypothesis: ``curve`` solves gradient flow θ̇ = −g(θ) (``sign=+1``: the ascent flow θ̇ = +g)."""
    text, latex = (("θ(t) solves gradient flow θ' = −g(θ)", r"\dot\theta = -g(\theta)") if sign < 0 else
                   ("θ(t) solves the ascent flow θ' = +g(θ)", r"\dot\theta = +g(\theta)"))
    return AlongFlow(text, latex, path=tuple(curve), field=tuple(sign * loss.g), theta=loss.theta,
                     time=time, at_point=at_point)


def corridor(loss: GenericLoss, speed: sp.Expr | None = None) -> Eikonal:
    """Hypothesis: H g = 0 on an open connected set U, applied as ‖g‖ = c on U (H g = ½∇‖g‖²)."""
    c = sp.Symbol("c", positive=True) if speed is None else speed
    n = loss.n
    last = f"\\theta_{{{n}}}"
    others = r"\textstyle\sum_{j<n}(\partial_j E)^2" if n > 1 else "0"
    return Eikonal(
        "H g = 0 on an open connected set U (a corridor), so ‖g‖ = c there",
        rf"Hg = 0 \text{{ on }} U \Rightarrow \lVert g\rVert = c,\ "
        rf"\partial_{{{last}}} E = \pm\sqrt{{c^2 - {others}}}",
        function=loss.E, theta=loss.theta, speed=c,
    )


def loss_is(loss: GenericLoss, formula: sp.Expr, latex: str, text: str | None = None) -> Substitute:
    """Hypothesis: the generic E is the given ``formula`` in the coordinates θ."""
    return Substitute(text or f"E is the loss {sp.sstr(formula)}", f"E = {latex}", rules=((loss.E, formula),))


def loss_is_bowl(loss: GenericLoss) -> Substitute:
    """Hypothesis: E is the bowl ½‖θ‖², the negative control of most statements (Hg = θ ≠ 0)."""
    return loss_is(loss, bowl_of(loss.theta), r"\tfrac12\lVert\theta\rVert^2")


def bowl_of(theta) -> sp.Expr:
    """½‖θ‖² in the coordinates ``theta``."""
    return sum((v**2 for v in theta), sp.Integer(0)) / 2


def along_line(loss: GenericLoss, curve, velocity, *, at_point: bool = True, time: sp.Symbol = T) -> AlongFlow:
    """Hypothesis: ``curve`` is the straight line with constant ``velocity``, θ̇ = v."""
    return AlongFlow("θ(t) is the straight line θ(0) + t·v", r"\dot\theta = v \text{ (constant)}",
                     path=tuple(curve), field=tuple(velocity), theta=loss.theta, time=time, at_point=at_point)


def difference(lhs, rhs):
    """lhs − rhs, kept unevaluated (entrywise for matrices) so that the *runner* does the cancelling.

    SymPy cancels equal terms as soon as an expression is built; a residual
    built this way shows both sides, and only the runner's reduction says it
    is 0. (The runner refuses residuals that are literally 0.)
    """
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        lhs, rhs = sp.ImmutableMatrix(lhs), sp.ImmutableMatrix(rhs)
        if lhs.shape != rhs.shape:
            raise ValueError(f"shapes differ: {lhs.shape} and {rhs.shape}")
        return sp.ImmutableMatrix(lhs.rows, lhs.cols, [_unevaluated_difference(a, b) for a, b in zip(lhs, rhs)])
    return _unevaluated_difference(sp.sympify(lhs), sp.sympify(rhs))


def _unevaluated_difference(a, b):
    if b == 0:
        return a
    return sp.Add(a, sp.Mul(sp.Integer(-1), b, evaluate=False), evaluate=False)


def lie_series_licence(n: int):
    """(residual, hypothesis) of d/dt w(θ(t)) = (L_f w)(θ(t)) along θ̇ = f(θ), generic w and f.

    This one chain-rule fact licenses computing the Taylor series of any flow
    as the Lie series Σ hᵏ/k! L_fᵏ θ (each time derivative is again a function
    of the point, differentiated along f).
    """
    theta = coordinates(n)
    w = sp.Function("w")(*theta)
    field = tuple(sp.Function(f"f_{i}")(*theta) for i in range(1, n + 1))
    curve = path(n)
    residual = difference(on_path(w, theta, curve).diff(T), on_path(lie_derivative(field, w, theta), theta, curve))
    flow = AlongFlow("θ(t) solves θ' = f(θ) for a generic field f", r"\dot\theta = f(\theta)",
                     path=curve, field=field, theta=theta)
    return residual, flow
