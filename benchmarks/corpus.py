"""A corpus of losses that users write, each with its ground truth derived by hand.

Every entry states the classification theory gives and why; entries with a
corridor list exact points on it, entries without one list the argument.
``tests/test_corpus.py`` checks every stated fact numerically, without the
library's analysis (the line identity g(p + s·g(p)) = g(p) at corridor points,
non-corridor points elsewhere, lower bounds), and that ``analyze`` agrees.
``benchmarks/symbolic_corpus.py`` times the analysis.

Two arguments settle most "none" entries:

* **Bounded below.** On a corridor of a loss analytic on all of ℝⁿ the flow
  line θ(t) = θ₀ − t g₀ solves g(θ₀ − t g₀) = g₀ for small t, hence for every
  real t (an analytic identity on a connected line), so
  E(θ(t)) = E(θ₀) − t‖g₀‖² → −∞. A loss analytic on ℝⁿ and bounded below has
  no corridor. This covers squared errors of polynomial and tanh networks,
  logistic and softmax cross-entropy (≥ 0), log-cosh, ridge penalties, …
* **H g never vanishes off g = 0**, shown by a sign (strict convexity, H g = H·g
  with H positive definite), or by the zero set of H g = ½∇‖g‖² computed by
  hand.

Corridors are found by the same hand computations: a set where H g = 0 that
g is tangent to.
"""

from __future__ import annotations

import dataclasses

__all__ = ["CORPUS", "CorpusLoss"]


@dataclasses.dataclass(frozen=True)
class CorpusLoss:
    """A loss as the CLI accepts it, with its derived classification."""

    name: str
    family: str
    text: str
    variables: tuple
    expected: str  # "everywhere", "partial" or "none"
    why: str
    corridor_points: tuple = ()  # exact points on a corridor: ((name, value text), ...) each
    lower_bound: str | None = None  # E ≥ this everywhere (the bounded-below argument)
    stationary_points: tuple = ()  # exact points where g = 0


def _p(**coordinates):
    return tuple((name, str(value)) for name, value in coordinates.items())


_BOUNDED = "analytic on ℝⁿ and bounded below: corridor lines would make E unbounded below"

CORPUS = (
    # --- deep linear chains and matrix factorisation: E ≥ 0, analytic --------------------------
    CorpusLoss("chain depth 2", "deep linear", "(a*b - 1)^2", ("a", "b"), "none", _BOUNDED, lower_bound="0",
               stationary_points=(_p(a=1, b=1), _p(a=0, b=0))),
    CorpusLoss("chain depth 3", "deep linear", "(a*b*c - 1)^2", ("a", "b", "c"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(a=1, b=1, c=1),)),
    CorpusLoss("chain depth 4", "deep linear", "(a*b*c*d - 1)^2", ("a", "b", "c", "d"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(a=1, b=1, c=1, d=1),)),
    CorpusLoss("chain depth 2, target 3", "deep linear", "(a*b - 3)^2 + (a - b)^2/10", ("a", "b"), "none",
               _BOUNDED, lower_bound="0"),
    CorpusLoss("rank-1 factorisation", "matrix factorisation", "(a*b - 2)^2 + (a*c - 3)^2", ("a", "b", "c"),
               "none", _BOUNDED, lower_bound="0", stationary_points=(_p(a=1, b=2, c=3),)),
    CorpusLoss("2x1 · 1x2 factorisation", "matrix factorisation",
               "(u*p - 1)^2 + (u*q - 2)^2 + (v*p - 2)^2 + (v*q - 4)^2", ("u", "v", "p", "q"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(u=1, v=2, p=1, q=2),)),
    CorpusLoss("symmetric factorisation", "matrix factorisation", "(a^2 - 1)^2 + (a*b)^2 + (b^2 - 2)^2",
               ("a", "b"), "none", _BOUNDED, lower_bound="0"),
    # --- least squares and ridge -----------------------------------------------------------------
    CorpusLoss("least squares, 2 points", "least squares", "(w + 2*b - 1)^2 + (3*w - b - 2)^2", ("w", "b"),
               "none", "strictly convex quadratic: H g = H²(θ − θ*) vanishes only at θ*", lower_bound="0",
               stationary_points=(_p(w="5/7", b="1/7"),)),
    CorpusLoss("least squares, underdetermined", "least squares", "(w + b - 1)^2", ("w", "b"), "none",
               "H g = 8(w + b − 1)(1, 1) vanishes only on w + b = 1, where g = 0", lower_bound="0",
               stationary_points=(_p(w=1, b=0),)),
    CorpusLoss("ridge, 1-D", "ridge", "(w - 1)^2 + w^2/10", ("w",), "none", "strictly convex", lower_bound="0"),
    CorpusLoss("ridge, 2-D", "ridge", "(w + b - 1)^2 + (w^2 + b^2)/10", ("w", "b"), "none", "strictly convex",
               lower_bound="0"),
    CorpusLoss("least absolute deviation", "least squares", "abs(w + 2*b - 1) + abs(w - b)", ("w", "b"),
               "everywhere", "piecewise linear: H = 0 on every piece",
               corridor_points=(_p(w=2, b=0), _p(w=-1, b=-3))),
    # --- logistic and softmax regression ------------------------------------------------------------
    CorpusLoss("logistic, 1 point", "logistic", "log(1 + exp(-w))", ("w",), "none",
               "H g = −σ(−w)σ'(w)… ≠ 0: E'' > 0 and E' ≠ 0", lower_bound="0"),
    CorpusLoss("logistic, 2 points", "logistic", "log(1 + exp(-(w + 2*b))) + log(1 + exp(w/2 - b))", ("w", "b"),
               "none", _BOUNDED, lower_bound="0"),
    CorpusLoss("logistic, 3 points", "logistic",
               "log(1 + exp(-w)) + log(1 + exp(-b)) + log(1 + exp(w + b))", ("w", "b"), "none", _BOUNDED,
               lower_bound="0"),
    CorpusLoss("logistic with bias, 2 points", "logistic", "log(1 + exp(-(w + c))) + log(1 + exp(2*w + c))",
               ("w", "c"), "none", _BOUNDED, lower_bound="0"),
    CorpusLoss("L2-regularised logistic", "logistic", "log(1 + exp(-w - b)) + (w^2 + b^2)/10", ("w", "b"), "none",
               _BOUNDED, lower_bound="0"),
    CorpusLoss("softmax, 3 classes, 1 point", "softmax",
               "log(exp(a) + exp(b) + exp(c)) - a", ("a", "b", "c"), "none",
               "with p = softmax: (H g)_a = 0 needs |p|² = 2p_a − 1, (H g)_b = (H g)_c = 0 need p_b = p_c = "
               "|p|² − p_a = p_a − 1 < 0: impossible", lower_bound="0"),
    CorpusLoss("softmax, 2 features", "softmax",
               "log(exp(2*a + b) + exp(2*c + d) + 1) - (2*a + b)", ("a", "b", "c", "d"), "none", _BOUNDED,
               lower_bound="0"),
    CorpusLoss("log-sum-exp, 2 variables", "log-sum-exp", "log(exp(x) + exp(y))", ("x", "y"), "partial",
               "H g ∝ (eˣ − eʸ)(1, −1): zero on x = y, where g = (1/2, 1/2) is tangent",
               corridor_points=(_p(x=0, y=0), _p(x="-3/2", y="-3/2"))),
    CorpusLoss("log-sum-exp, 3 variables", "log-sum-exp", "log(exp(x) + exp(y) + exp(z))", ("x", "y", "z"),
               "partial", "H g = p∘p − p|p|² vanishes iff all pᵢ = 1/3: the diagonal, with g tangent",
               corridor_points=(_p(x=1, y=1, z=1),)),
    CorpusLoss("softplus + slope", "softplus", "softplus(x) + y", ("x", "y"), "none",
               "H g = (σσ', 0) never vanishes"),
    CorpusLoss("sum of softplus", "softplus", "softplus(x) + softplus(y)", ("x", "y"), "none",
               "H g = (σ(x)σ'(x), σ(y)σ'(y)) never vanishes", lower_bound="0"),
    CorpusLoss("exponential loss", "exponential", "exp(x) + exp(y)", ("x", "y"), "none",
               "H g = (e²ˣ, e²ʸ) never vanishes", lower_bound="0"),
    # --- robust losses ---------------------------------------------------------------------------------
    CorpusLoss("Huber + slope", "robust", "Piecewise((x^2/2, abs(x) <= 1), (abs(x) - 1/2, True)) + y", ("x", "y"),
               "partial", "|x| > 1: linear pieces (open corridors); |x| < 1: H g = (x, 0), zero on x = 0 with g = (0, 1)",
               corridor_points=(_p(x=0, y=3), _p(x=2, y=0), _p(x=-5, y=1))),
    CorpusLoss("Huber of a difference", "robust", "Piecewise(((x - y)^2/2, abs(x - y) <= 1), (abs(x - y) - 1/2, True))",
               ("x", "y"), "partial", "|x − y| > 1: linear pieces; inside, H g = 2(x − y)(1, −1) is zero only where g = 0",
               corridor_points=(_p(x=3, y=0),)),
    CorpusLoss("log-cosh", "robust", "log(cosh(x - y))", ("x", "y"), "none",
               "H g = 2 tanh sech² (1, −1): zero only on x = y, where g = 0", lower_bound="0",
               stationary_points=(_p(x=1, y=1),)),
    CorpusLoss("log-cosh + slope", "robust", "log(cosh(x)) + y", ("x", "y"), "partial",
               "H g = (tanh x sech² x, 0): zero on x = 0, where g = (0, 1) is tangent",
               corridor_points=(_p(x=0, y=0), _p(x=0, y=-4))),
    CorpusLoss("pseudo-Huber + slope", "robust", "sqrt(1 + x^2) + y", ("x", "y"), "partial",
               "½∇‖g‖² = (x/(1 + x²)², 0): zero on x = 0, where g = (0, 1)", corridor_points=(_p(x=0, y=2),)),
    # --- ReLU units and small networks --------------------------------------------------------------
    CorpusLoss("ReLU unit", "relu", "relu(w + 2*b)", ("w", "b"), "everywhere",
               "linear where w + 2b > 0, constant elsewhere", corridor_points=(_p(w=1, b=1),)),
    CorpusLoss("three ReLU units", "relu", "relu(x + y) + relu(x - 2*y + 1) + relu(3 - x)", ("x", "y"),
               "everywhere", "linear on every cell of three lines", corridor_points=(_p(x=1, y=0), _p(x=5, y=-1))),
    CorpusLoss("ReLU regression", "relu", "(relu(w) - 1)^2", ("w",), "none",
               "w > 0: (w − 1)², H g zero only at the minimum; w < 0: constant (g = 0)",
               stationary_points=(_p(w=1),)),
    CorpusLoss("two-layer ReLU, 2 weights", "relu", "(v*relu(w) - 1)^2 + (2*v*relu(w) - 3)^2", ("v", "w"), "none",
               "w > 0: a function of vw, bounded below and analytic there (H g = 0 only at isolated points); "
               "w < 0: constant", lower_bound="0"),
    CorpusLoss("two-layer ReLU, 4 weights", "relu", "(a*relu(b) + c*relu(d) - 1)^2", ("a", "b", "c", "d"), "none",
               "on each cell a polynomial ≥ 0, analytic on the open cell; a corridor line would leave every "
               "bounded cell or make E → −∞ inside an unbounded one", lower_bound="0"),
    CorpusLoss("tanh network", "tanh", "(v*tanh(w) - 1)^2", ("v", "w"), "none", _BOUNDED, lower_bound="0"),
    CorpusLoss("tanh network, 2 points", "tanh", "(v*tanh(w) - 1)^2 + (v*tanh(2*w) + 1)^2", ("v", "w"), "none",
               _BOUNDED, lower_bound="0"),
    # --- classic test functions and quartics -----------------------------------------------------------
    CorpusLoss("Rosenbrock", "test function", "(1 - x)^2 + 100*(y - x^2)^2", ("x", "y"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(x=1, y=1),)),
    CorpusLoss("Himmelblau", "test function", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ("x", "y"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(x=3, y=2),)),
    CorpusLoss("Beale", "test function", "(3/2 - x + x*y)^2 + (9/4 - x + x*y^2)^2 + (21/8 - x + x*y^3)^2",
               ("x", "y"), "none", _BOUNDED, lower_bound="0", stationary_points=(_p(x=3, y="1/2"),)),
    CorpusLoss("three-hump camel", "test function", "2*x^2 - 21*x^4/20 + x^6/6 + x*y + y^2", ("x", "y"), "none",
               _BOUNDED, lower_bound="0", stationary_points=(_p(x=0, y=0),)),
    CorpusLoss("quartic double well", "quartic", "(x^2 - 1)^2 + y^2", ("x", "y"), "none", _BOUNDED,
               lower_bound="0", stationary_points=(_p(x=1, y=0),)),
    CorpusLoss("quartic with a valley", "quartic", "x^3 + y", ("x", "y"), "partial",
               "H g = (18x³, 0): zero on x = 0, where g = (0, 1) is tangent", corridor_points=(_p(x=0, y=5),)),
    CorpusLoss("monkey saddle", "quartic", "x^3 - 3*x*y^2", ("x", "y"), "none",
               "‖g‖² = 9(x² + y²)², so H g = 18(x² + y²)(x, y): zero only at the stationary origin"),
    CorpusLoss("saddle plus slope", "quartic", "x*y + z", ("x", "y", "z"), "partial",
               "H g = (x, y, 0): zero on the z-axis, where g = (0, 0, 1) is tangent", corridor_points=(_p(x=0, y=0, z=2),)),
    CorpusLoss("random quartic 1", "quartic", "4*x^2*y^2 - y^2", ("x", "y"), "none",
               "E is affine on a corridor line p + s·v (polynomial lines are whole), so its s⁴ term 4v₁²v₂²s⁴ "
               "vanishes: v₁v₂ = 0. Horizontal lines make E quadratic in s; vertical ones need 4x² = 1, where "
               "g = (8xy², 0) is not vertical (or is 0)"),
    CorpusLoss("random quartic 2", "quartic", "-x^2*y^2 - 5*x^2*y + 2*y", ("x", "y"), "partial",
               "on x = 0: E = 2y, g = (0, 2), and H g = (−2xy² − 10xy)·… vanishes: the line x = 0",
               corridor_points=(_p(x=0, y=1), _p(x=0, y=-7))),
    CorpusLoss("random quartic 3", "quartic", "-x^2*y^2 - 2*x^2 + 4*y^2", ("x", "y"), "none",
               "as above, a corridor line needs v₁v₂ = 0 (the s⁴ term); horizontal lines make E quadratic, "
               "vertical ones need x² = 4, where g = (−2xy² − 4x, 0) is not vertical", stationary_points=(_p(x=0, y=0),)),
    # --- rational and transcendental -------------------------------------------------------------------
    CorpusLoss("rational valley", "rational", "x + 1/(1 + y^2)", ("x", "y"), "partial",
               "on y = 0: g = (1, 0) and H g = (0, 0)", corridor_points=(_p(x=1, y=0),)),
    CorpusLoss("ring", "distance", "(sqrt(x^2 + y^2) - 1)^2", ("x", "y"), "none",
               "with r = √(x² + y²): H g = 4(r − 1)θ/r, zero only on r = 1, where g = 0", lower_bound="0"),
    CorpusLoss("periodic valleys", "periodic", "sin(x) + y", ("x", "y"), "partial",
               "H g = (−sin x cos x, 0); on cos x = 0, g = (0, 1) is tangent: x = π/2 + kπ",
               corridor_points=(_p(x="pi/2", y=0), _p(x="-7*pi/2", y=1))),
    CorpusLoss("periodic valleys, π argument", "periodic", "cos(pi*x) + y", ("x", "y"), "partial",
               "H g = (−π³ sin πx cos πx, 0); on sin πx = 0, g = (0, 1) is tangent: x = k",
               corridor_points=(_p(x=-2, y=0), _p(x=3, y=1))),
    CorpusLoss("valley with a cosine", "periodic", "x + y^2/7 + cos(y)", ("x", "y"), "partial",
               "g = (1, 2y/7 − sin y); on y = 0, g = (1, 0) and H g = 0", corridor_points=(_p(x=3, y=0),)),
    CorpusLoss("max + min", "piecewise linear", "max(x, y) + min(x, y)", ("x", "y"), "everywhere",
               "max + min = x + y, a plane, with no kink", corridor_points=(_p(x=1, y=1), _p(x=0, y=2))),
)
