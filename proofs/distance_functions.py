"""Distance functions: E = f(dist(θ, S)) is a corridor exactly where f is affine, since H g = f′f″∇d.

Generic d(θ) and f (n = 1..3). Where d = dist(θ, S) is smooth (off S and its
cut locus) it solves the eikonal equation ‖∇d‖ = 1, which the runner applies
as an explicit rewrite (``Eikonal``). With E = f(d):
    g = f′∇d,  H = f″∇d∇dᵀ + f′∇²d,  H g = f′f″∇d‖∇d‖² + f′²∇²d∇d,
and ∇²d∇d = ½∇‖∇d‖² = 0, so H g = f′f″∇d and ‖H g‖ = |f′f″|. Hence H g = 0
iff f′f″ = 0, i.e. (where f′ ≠ 0) f″ = 0: f affine on the range of distances.
Control: the squared distance f(d) = d² has H g = 4d∇d ≠ 0.
"""

from __future__ import annotations

import sympy as sp

from ._calculus import difference, dot, generic_loss, gradient
from ._steps import Control, Proof, Step
from ._hypotheses import Eikonal, Substitute

__all__ = ["PROOF"]

_F = sp.Function("f")
_X = sp.Symbol("x")


def _setting(n):
    """(loss, d, hypotheses E = f(d) and ‖∇d‖ = 1, f′(d), f″(d))."""
    loss = generic_loss(n)
    d = sp.Function("d")(*loss.theta)
    composite = Substitute("E = f(d) with d = dist(θ, S)", r"E = f(d),\ d = \mathrm{dist}(\theta, S)",
                           rules=((loss.E, _F(d)),))
    unit = Eikonal("‖∇d‖ = 1 where d = dist(θ, S) is smooth (off S and its cut locus)",
                   r"\lVert\nabla d\rVert = 1", function=d, theta=loss.theta, speed=sp.Integer(1))
    return loss, d, composite, unit, sp.diff(_F(d), d), sp.diff(_F(d), d, 2)


def derive(dims):
    """Yield H g = f′f″∇d, ‖Hg‖² = (f′f″)² and the affine case, per dimension."""
    alpha, beta = sp.symbols("alpha beta")
    affine = Substitute("f is affine: f(x) = αx + β", r"f(x) = \alpha x + \beta", rules=((_F(_X), alpha * _X + beta),))
    for n in dims:
        loss, d, composite, unit, first, second = _setting(n)
        grad_d = gradient(d, loss.theta)
        yield Step(
            claim=r"E = f(d):\ Hg = f'(d)\,f''(d)\,\nabla d",
            justification="H g = f′f″∇d‖∇d‖² + f′²∇²d∇d, and ∇²d∇d = ½∇‖∇d‖² = 0 by the eikonal equation",
            residual=difference(loss.Hg, first * second * grad_d),
            assumes=(composite, unit),
            dimension=n,
        )
        yield Step(
            claim=r"E = f(d):\ \lVert Hg\rVert^2 = \big(f'(d)\,f''(d)\big)^2",
            justification="so Hg = 0 iff f′f″ = 0: where f′ ≠ 0 (E not locally constant), iff f″ = 0",
            residual=difference(dot(loss.Hg, loss.Hg), (first * second) ** 2),
            assumes=(composite, unit),
            dimension=n,
        )
        yield Step(
            claim=r"E = \alpha\,d + \beta:\ Hg = 0",
            justification="f affine: the distance function scaled and shifted is a corridor",
            residual=loss.Hg,
            assumes=(composite, unit, affine),
            dimension=n,
        )


def control():
    """The squared distance f(d) = d² is no corridor: H g = 4 d ∇d."""
    square = Substitute("f(x) = x²", r"f(x) = x^2", rules=((_F(_X), _X**2),))
    for n in (1, 2):
        loss, _, composite, unit, _, _ = _setting(n)
        yield Step(
            claim=r"E = d^2:\ Hg = 0",
            justification="would hold if f(d) were a corridor for every f",
            residual=loss.Hg,
            assumes=(composite, unit, square),
            dimension=n,
        )


PROOF = Proof(
    name="distance-functions",
    title="Distance losses are corridors exactly where f is affine",
    reference="Sec. 2",
    statement=r"For $E = f(d)$ with $d = \mathrm{dist}(\theta, S)$ smooth, $Hg = f'(d)\,f''(d)\,\nabla d$; so $E$ is "
    r"a corridor exactly where $f'f'' = 0$, i.e. where $f$ is affine (or $E$ locally constant).",
    hypothesis=r"$E = f(d)$ and $\lVert\nabla d\rVert = 1$ (off $S$ and its cut locus).",
    derive=derive,
    control=Control(r"The squared distance $E = d^2$ is a corridor.", control),
    dimensions=(1, 2, 3),
)
