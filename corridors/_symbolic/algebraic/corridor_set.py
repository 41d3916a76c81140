"""The corridor set of a loss with an algebraic model, decided by elimination.

A point θ with g(θ) ≠ 0 is a corridor point exactly when the flow line through
it is straight: g(θ + s·v) = v for all small s, where v = g(θ) (the line is
then the gradient-flow solution, and H g = 0 along it).

* **Rational losses** (polynomials included): the identity is polynomial in s
  after clearing the denominator Q of g, so it is the finite set of equations
  "every coefficient of Pᵢ(θ + s v) − vᵢ Q(θ + s v) in s vanishes". With v as
  new variables these equations have low degree; eliminating v and removing
  v = 0 and Q = 0 leaves the corridor set, exactly. This is much faster than
  the Rabinowitsch system ⟨H g, t‖g‖² − 1⟩, whose degree is twice as high.
* **Other modelled losses** (exponentials, square roots, trigonometric
  functions): the corridor set is the largest subset of {H g = 0} that the flow
  does not leave, i.e. the zeros of the smallest ideal containing H g and
  closed under the Lie derivative f ↦ ∇f·X of the (rescaled) flow field X. It
  is reached after finitely many rounds (ideals of ℚ[w] satisfy the ascending
  chain condition), with the same saturations.

Either way, an empty result proves that the loss has no corridor point; a
non-empty one is split into prime components whose real points are searched
(``real_points``). A component is reported in the loss's own variables.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import sympy as sp

from ..._budget import TimeBudget
from .ideals import InvariantSet, Prime, fibre, invariant_set
from .models import AlgebraicModel
from .real_points import RealPoint, all_real_solutions, numeric_sign, real_point

# How the corridor ideal was built: from the line identity (exact models) or by closing under the flow.
DecisionMethod = Literal["line identity", "invariant closure"]

__all__ = ["AlgebraicComponent", "AlgebraicDecision", "DecisionMethod", "decide_corridor_set"]


@dataclasses.dataclass(frozen=True)
class AlgebraicComponent:
    """A prime component of the corridor set with what is known of its real points."""

    basis: tuple  # reduced Gröbner basis over the model's generators
    generators: tuple
    dimension: int | None  # dimension in θ-space (None for an inexact model)
    real: RealPoint
    equations: tuple  # the component in θ, as SymPy Eq objects
    solved: dict  # θᵢ → expression, where the equations solve for some variables


@dataclasses.dataclass(frozen=True)
class AlgebraicDecision:
    """Outcome of the algebraic decision of one smooth piece."""

    model: AlgebraicModel
    method: DecisionMethod
    corridor_set: InvariantSet
    components: tuple  # AlgebraicComponent, ...
    has_corridor: bool | None  # a real corridor point exists (True), none (False), undecided
    reason: str


def _line_identity_system(model: AlgebraicModel):
    """Equations in (θ, v) of g(θ + s v) ≡ v, and the saturations v ≠ 0, Q ≠ 0."""
    variables = model.variables
    numerators, denominators = zip(*(sp.fraction(sp.together(g)) for g in model.gradient))
    common = sp.S.One
    for d in denominators:
        common = sp.lcm(common, d)
    direction = tuple(sp.Dummy(f"v{i}", real=True) for i in range(len(variables)))
    s = sp.Dummy("s")
    shift = {v: v + s * d for v, d in zip(variables, direction)}
    equations: list = []
    q_line = sp.expand(common.xreplace(shift))
    for numerator, denominator, d in zip(numerators, denominators, direction):
        p = sp.expand(sp.cancel(numerator * common / denominator))
        identity = sp.expand(p.xreplace(shift) - d * q_line)
        if identity != 0:
            equations.extend(c for c in sp.Poly(identity, s).all_coeffs() if c != 0)
    saturate = [direction] + [(f,) for f in model.denominators]
    return equations, direction, saturate


def decide_corridor_set(model: AlgebraicModel, *, admissible_region=None, region=None,
                        budget: TimeBudget | None = None, seed: int = 0) -> AlgebraicDecision:
    """Decide whether the loss of ``model`` has real corridor points, and find them.

    ``admissible_region(point)`` is an extra test on θ-points (a piece's region),
    returning True / False / None; ``region`` is that region as a condition.

    Raises ``BudgetExceeded`` when the budget runs out.
    """
    method: DecisionMethod
    if model.is_rational:
        equations, direction, saturate = _line_identity_system(model)
        closure = invariant_set(equations, model.variables, auxiliary=direction, saturate=saturate, budget=budget,
                                decompose=True, parameters=model.parameters)
        gens, method = model.variables, "line identity"
    else:
        gradient_numerators = tuple(model.numerator(g) for g in model.gradient)
        equations = [model.numerator(h) for h in model.hg] + list(model.relations)
        saturate = [tuple(n for n in gradient_numerators if n != 0)] + [(f,) for f in model.denominators]
        closure = invariant_set(equations, model.gens, saturate=saturate, field=model.vector_field, budget=budget,
                                decompose=True, parameters=model.parameters)
        gens, method = model.gens, "invariant closure"
    if closure.empty:
        return AlgebraicDecision(model, method, closure, (), False,
                                 f"no corridor point: 1 is in the corridor ideal ({method}, {closure.engine})")
    if not closure.closed:
        return AlgebraicDecision(model, method, closure, (), None,
                                 f"the invariant closure did not reach a fixed point in {closure.rounds} rounds")
    primes = closure.primes
    assert primes is not None  # a closed closure carries its primes
    admissible = _admissibility(model, gens, admissible_region)
    positive = tuple(p for p in model.positive if p in gens)
    components = []
    for index, prime in enumerate(primes):
        found = real_point(prime, gens, admissible=admissible, positive=positive,
                           region=region if model.is_rational else None, budget=budget, seed=seed + index,
                           parameters=model.parameters)
        components.append(_component(model, gens, prime, found))
    return AlgebraicDecision(model, method, closure, tuple(components), *_verdict(model, components, method))


def _verdict(model, components, method):
    real = [c for c in components if c.real.verdict is True]
    if real and model.exact:
        return True, f"{len(real)} component(s) with real corridor points ({method})"
    if all(c.real.verdict is False for c in components):
        reasons = "; ".join(c.real.method for c in components)
        return False, f"no admissible real point on any component of the corridor ideal ({reasons})"
    if real:
        return None, f"real points found in a relaxed model ({model.why_inexact}); they must be checked on the loss"
    undecided = [c for c in components if c.real.verdict is None]
    return None, "undecided real points: " + "; ".join(c.real.method for c in undecided)


def _admissibility(model: AlgebraicModel, gens, admissible_region, *, moving: bool = True):
    """Test of exact points: signs of the auxiliaries, denominators, g ≠ 0 (if ``moving``), region."""
    gradient_numerators = [model.numerator(g) for g in model.gradient]

    def admissible(point):
        values = dict(point)
        verdicts = []
        for positive in model.positive:
            verdicts.append(_sign_is(positive, values, 1))
        for f in model.denominators:
            verdicts.append(_nonzero(f, values))
        if moving:
            gradient = [_nonzero(n, values) for n in gradient_numerators if n != 0]
            verdicts.append(True if True in gradient else (None if None in gradient else False))
        if admissible_region is not None and model.is_rational:
            verdicts.append(admissible_region(values))
        if False in verdicts:
            return False
        return None if None in verdicts else True

    return admissible


@dataclasses.dataclass(frozen=True)
class HgComponent:
    """A prime component of {H g = 0} with admissible real points (stationary or not)."""

    basis: tuple
    dimension: int  # real dimension in θ
    stationary: bool  # g vanishes on the whole component
    equations: tuple  # in θ, as :func:`present` gives them
    points: tuple  # for dimension 0: the admissible real points, {θᵢ: value}


def hg_components(model: AlgebraicModel, *, budget: TimeBudget | None = None) -> tuple | None:
    """Every component of {H g = 0} of an exact model with admissible real points, or None if undecided.

    Unlike the corridor ideal, this includes stationary points and sets the flow
    leaves. Positivity of the auxiliaries (exp > 0, sqrt ≥ 0) removes the
    components that exist only over ℂ or on the wrong branch.
    Raises ``BudgetExceeded`` when the budget runs out.
    """
    if not model.exact or model.parameters:
        return None
    gens = model.gens
    equations = [model.numerator(h) for h in model.hg] + list(model.relations)
    ideal = invariant_set(equations, gens, saturate=[(f,) for f in model.denominators], budget=budget,
                          decompose=True)
    if ideal.empty:
        return ()
    admissible = _admissibility(model, gens, None, moving=False)
    positive = tuple(p for p in model.positive if p in gens)
    gradient = [model.numerator(g) for g in model.gradient]
    found = []
    assert ideal.primes is not None  # the caller returned early otherwise
    for index, prime in enumerate(ideal.primes):
        real = real_point(prime, gens, admissible=admissible, positive=positive, budget=budget, seed=index)
        if real.verdict is False:
            continue
        if real.verdict is None:
            return None
        reducer = sp.groebner(list(prime.basis), *gens, order="grevlex")
        stationary = all(reducer.reduce(g)[1] == 0 for g in gradient)
        dimension = prime.dimension + len(model.variables) - _rank(model, gens)
        points: tuple[dict, ...] = ()
        if dimension == 0:
            if not set(model.variables) <= set(gens):
                return None  # θ enters only through exp(θ/M): its points would need logarithms
            candidates = all_real_solutions(fibre(prime.basis, gens, {}, budget=budget), list(gens))
            if candidates is None:
                return None  # some real points could not be enumerated: the list would be incomplete
            points = tuple({v: c[v] for v in model.variables} for c in candidates if admissible(c) is True)
            if any(admissible(c) is None for c in candidates):
                return None
        equations_theta, _ = present(model, prime.basis)
        found.append(HgComponent(tuple(prime.basis), dimension, stationary, equations_theta, points))
    return tuple(found)


__all__ += ["HgComponent", "hg_components"]


def _sign_is(expr, values, sign):
    value = sp.sympify(expr).xreplace(values)
    found = numeric_sign(value)
    return None if found is None else found == sign


def _nonzero(expr, values):
    value = sp.sympify(expr).xreplace(values)
    if not value.is_number:
        # A function of the parameters: non-zero for generic values unless it cancels to 0.
        return sp.cancel(value) != 0
    found = numeric_sign(value)
    return None if found is None else found != 0


def _component(model: AlgebraicModel, gens, prime: Prime, found: RealPoint) -> AlgebraicComponent:
    equations, solved = present(model, prime.basis)
    dimension = None
    if model.exact:
        dimension = prime.dimension + len(model.variables) - _rank(model, gens)
    return AlgebraicComponent(tuple(prime.basis), tuple(gens), dimension, found, equations, solved)


def _rank(model: AlgebraicModel, gens) -> int:
    """Dimension of the image of θ ↦ generators (an exact model's coordinates)."""
    if model.is_rational:
        return len(model.variables)
    polynomial = sum(1 for g in gens if g in model.variables)
    transcendental = sum(1 for a in model.atoms if a.kind in ("exp-base", "sin"))
    return polynomial + transcendental


def present(model: AlgebraicModel, basis):
    """The component's equations in θ: solved where linear (possibly after taking logarithms)."""
    variables = model.variables
    linear, implicit = [], []
    for p in basis:
        form = _as_linear_in_theta(model, p)
        if form is not None:
            linear.append(form)
        else:
            implicit.append(sp.factor(model.substitute_atoms(p)))
    solved = {}
    if linear:
        solution = sp.solve(linear, variables, dict=True)
        if len(solution) == 1:
            solved = {k: sp.simplify(v) for k, v in solution[0].items()}
        else:  # pragma: no cover - linear equations have one solution set
            implicit = list(linear) + implicit
    if solved:
        # An auxiliary relation such as sqrt(y² + 1) - 1 = 0 is implied once y = 0: drop it, exactly.
        implicit = [e for e in implicit if sp.simplify(e.xreplace(solved)) != 0]
    ordered = [sp.Eq(v, solved[v]) for v in variables if v in solved]
    # evaluate=False: SymPy would turn exp(x) + 1 = 0 into False, and the caller needs an equation.
    return tuple(ordered + [sp.Eq(e, 0, evaluate=False) for e in implicit]), solved


def _as_linear_in_theta(model: AlgebraicModel, p):
    """``p`` as an expression linear in θ that vanishes exactly where p does, or None."""
    p = sp.expand(p)
    if model.is_rational or all(g in model.variables for g in p.free_symbols):
        if sp.Poly(p, *p.free_symbols).total_degree() == 1:
            return p
        return None
    bases = {a.symbol: a for a in model.atoms if a.kind == "exp-base"}
    terms = sp.Add.make_args(p)
    if len(terms) != 2 or not p.free_symbols <= set(bases):
        return None
    (c1, m1), (c2, m2) = (t.as_coeff_Mul() for t in terms)
    ratio = -c2 / c1
    if not (ratio.is_Rational and ratio > 0):
        return None
    # c1·m1 + c2·m2 = 0 ⟺ m1/m2 = ratio ⟺ Σ (e1 − e2)·θᵢ/M = log(ratio), since the bases are exp(θᵢ/M).
    exponent = sp.S.Zero
    for symbol, atom in bases.items():
        e = sp.degree(m1, symbol) - sp.degree(m2, symbol)
        exponent += e * atom.argument
    return sp.expand(exponent - sp.log(ratio)) if exponent != 0 else None


__all__ += ["present"]
