"""Deliberately false statements and non-proofs; the runner must report every one **failed**.

They guard against a checker that says yes too easily:

    gd-gf-on-bowl               GD = GF on the bowl ½‖θ‖² (θ₀(1 − h) ≠ θ₀e^{−h})
    clr-every-loss              the corridor learning rate reaches E* in one step for every loss
    affine-loss-every-loss      E(θ(t)) is affine in t along GF for every loss
    invariance-without-tangency d/dt f(θ(t)) = 0 along GF at points where f = 0
    gradient-flow-sign          d/dt g(θ(t)) = +H g along GF (sign error in Lemma 2.8)
    missing-half                H g = ∇‖g‖² (factor ½ missing)
    squared-distance            c‖θ − p‖² is a corridor
    unused-hypothesis           an identity dressed up as needing the corridor hypothesis
    contradictory-hypotheses    "the bowl is a corridor", under "E is a corridor" and then "E = ½‖θ‖²"
    positive-without-assumption x > 0 for a symbol x with no sign
    preset-verdict              a derivation yields a step that already says "holds"
    foreign-object              a derivation yields something that is not a Step
    empty-residual              a 0 × 1 residual matrix
    boolean-residual            residual = sympy.true (what Eq(x, x) evaluates to)
    relation-residual           residual = Eq(a, b) instead of a − b
    no-residual                 residual = None
    literal-zero                residual = 0, nothing computed
    float-residual              residual with floating-point numbers
    all-n-fixed-size            "all n" claimed for a 2 × 1 residual
"""

from __future__ import annotations

import sympy as sp

from ._calculus import (
    T, bowl_of, corridor, difference, dot, generic_loss, gradient,
    gradient_flow, loss_is, loss_is_bowl, on_path, path, symbols_vector,
)
from ._steps import CheckedStep, Proof, Step
from ._hypotheses import Eliminate
from .corridor_learning_rate import TARGET, clr_landing
from .gd_equals_gf import induction_step

__all__ = ["FALSE_STATEMENTS", "false_statements"]

_REGISTERED: list[Proof] = []


def _false(name: str, title: str):
    """Register the decorated derivation as the false statement ``name``, in the order of this file."""

    def register(derive):
        _REGISTERED.append(Proof(name=name, title=title, reference="false on purpose", statement=title, derive=derive))
        return derive

    return register


def _along_flow(claim: str, why: str, residual, more=lambda loss: ()):
    """The false claim along GF in n = 1, 2: ``residual(loss, curve)`` with θ̇ = −g and the hypotheses ``more(loss)``."""
    for n in (1, 2):
        loss, curve = generic_loss(n), path(n)
        yield Step(claim, why, residual(loss, curve), assumes=(gradient_flow(loss, curve), *more(loss)), dimension=n)


def _level_function(loss):
    return sp.Function("f")(*loss.theta)


@_false("gd-gf-on-bowl", "GD = GF on the bowl ½‖θ‖²")
def _gd_gf_on_bowl(dims):
    for n in (1, 2):
        loss = generic_loss(n)
        _, residual = induction_step(loss)
        yield Step(r"E = \tfrac12\lVert\theta\rVert^2:\ \theta_k = \theta(kh)", "false: the bowl is no corridor",
                   residual, assumes=(loss_is_bowl(loss),), dimension=n)


@_false("clr-every-loss", "CLR reaches E* in one step for every loss")
def _clr_every_loss(dims):
    for n in (1, 2):
        loss = generic_loss(n)
        _, landed = clr_landing(loss, TARGET)
        yield Step(r"E(\theta - h g) = E^*", "false: needs the corridor (linear decrease on the line)",
                   difference(landed, TARGET), dimension=n)


@_false("affine-loss-every-loss", "E(θ(t)) is affine in t for every loss")
def _affine_every_loss(dims):
    return _along_flow(r"\tfrac{d^2}{dt^2} E(\theta(t)) = 0", "false: 2gᵀHg ≠ 0 off corridors",
                       lambda loss, curve: on_path(loss.E, loss.theta, curve).diff(T, 2))


@_false("invariance-without-tangency", "{f = 0} is GF-invariant without tangency")
def _invariance_without_tangency(dims):
    def on_level_set(loss):
        f = _level_function(loss)
        return (Eliminate("θ is a point of S = {f = 0}", "f(\\theta) = 0", equations=(f,), unknowns=(f,)),)

    return _along_flow(r"\tfrac{d}{dt} f(\theta(t)) = 0 \text{ on } S", "false: −∇f·g ≠ 0 without tangency",
                       lambda loss, curve: on_path(_level_function(loss), loss.theta, curve).diff(T), on_level_set)


@_false("gradient-flow-sign", "d/dt g(θ(t)) = +Hg along GF")
def _gradient_flow_sign(dims):
    return _along_flow(r"\tfrac{d}{dt} g(\theta(t)) = +H g", "false: the sign of Lemma 2.8 flipped",
                       lambda loss, curve: difference(on_path(loss.g, loss.theta, curve).diff(T),
                                                      on_path(loss.Hg, loss.theta, curve)))


@_false("missing-half", "Hg = ∇‖g‖²")
def _missing_half(dims):
    for n in (1, 2):
        loss = generic_loss(n)
        yield Step(r"H g = \nabla\lVert g\rVert^2", "false: the factor ½ is missing",
                   difference(loss.Hg, gradient(dot(loss.g, loss.g), loss.theta)), dimension=n)


@_false("squared-distance", "c‖θ − p‖² is a corridor")
def _squared_distance(dims):
    c = sp.Symbol("c", positive=True)
    for n in (1, 2):
        loss = generic_loss(n)
        offset = sp.ImmutableMatrix(loss.theta) - symbols_vector("p", n)
        yield Step(r"E = c\lVert\theta - p\rVert^2:\ Hg = 0", "false: a bowl, not a cone", loss.Hg,
                   assumes=(loss_is(loss, c * dot(offset, offset), r"c\lVert\theta - p\rVert^2"),), dimension=n)


@_false("unused-hypothesis", "an identity claimed under a hypothesis that does not enter")
def _unused_hypothesis(dims):
    loss = generic_loss(2)
    yield Step(r"H g = \tfrac12\nabla\lVert g\rVert^2 \text{ in a corridor}", "true for every loss: the corridor "
               "hypothesis does not enter, so the step is refused", difference(loss.Hg, gradient(dot(loss.g, loss.g), loss.theta) / 2),
               assumes=(corridor(loss),), dimension=2)


@_false("contradictory-hypotheses", "the bowl is a corridor (from contradictory hypotheses)")
def _contradictory_hypotheses(dims):
    # Each hypothesis enters (E − bowl needs the second, H g the first), but the
    # second throws away what the first imposed: from a contradiction anything follows.
    for n in (1, 2):
        loss = generic_loss(n)
        bowl = bowl_of(loss.theta)
        yield Step(r"E = \tfrac12\lVert\theta\rVert^2:\ Hg = 0", "false: the bowl is no corridor",
                   loss.Hg + sp.ImmutableMatrix([loss.E - bowl] * n),
                   assumes=(corridor(loss), loss_is_bowl(loss)), dimension=n)


@_false("positive-without-assumption", "x > 0 for every x")
def _positive_without_assumption(dims):
    x = sp.Symbol("x")
    yield Step("x > 0", "false for a symbol with no sign", x, relation="> 0")


@_false("preset-verdict", "a step with a preset verdict")
def _preset_verdict(dims):
    x = sp.Symbol("x")
    claim = Step("x = x + 1", "false, with a verdict filled in by the derivation", difference(x, x + 1))
    yield CheckedStep(claim, True, sp.Integer(0), (), "preset")


@_false("foreign-object", "a derivation yielding something that is not a Step")
def _foreign_object(dims):
    yield {"claim": "1 = 2", "holds": True}


@_false("empty-residual", "an empty residual")
def _empty_residual(dims):
    yield Step("anything", "an empty residual checks nothing", sp.ImmutableMatrix(0, 1, []))


@_false("boolean-residual", "a Boolean residual (Eq(x, x) is True)")
def _boolean_residual(dims):
    x = sp.Symbol("x")
    yield Step("x = x", "a Boolean is not a residual", sp.Eq(x, x))


@_false("relation-residual", "a relation as residual")
def _relation_residual(dims):
    a, b = sp.symbols("a b")
    yield Step("a = b", "a relation is not a residual", sp.Eq(a, b, evaluate=False))


@_false("no-residual", "no residual")
def _no_residual(dims):
    yield Step("1 = 2", "no residual at all", None)


@_false("literal-zero", "a residual that is literally 0")
def _literal_zero(dims):
    yield Step("1 = 2", "a residual that was never computed", sp.Integer(0))


@_false("float-residual", "a floating-point residual")
def _float_residual(dims):
    x = sp.Symbol("x")
    yield Step("0.1 + 0.2 = 0.3", "floats are not exact", sp.Float(0.1) * x + sp.Float(0.2) * x - sp.Float(0.3) * x)


@_false("all-n-fixed-size", "'all n' claimed at a fixed size")
def _all_n_fixed_size(dims):
    x, y = sp.symbols("x y")
    yield Step("(x + y)^2 = x^2 + 2xy + y^2", "true, but checked at one size only",
               difference((x + y) ** 2, x**2 + 2 * x * y + y**2), dimension="all")


FALSE_STATEMENTS: tuple[Proof, ...] = tuple(_REGISTERED)


def false_statements() -> tuple[Proof, ...]:
    """Deliberately false statements and non-proofs; ``check_proof`` must say "failed" for each.

    >>> from proofs._runner import check_proof
    >>> bowl = next(p for p in false_statements() if p.name == "gd-gf-on-bowl")
    >>> str(check_proof(bowl).status)
    'failed'
    """
    return FALSE_STATEMENTS
