"""The statements about one corridor, checked at a generic point θ₀ of it.

``GenericCorridorPoint`` holds θ₀ (symbolic coordinates of the component, or
its ideal for an implicit one) and decides residuals there exactly:
(b) straight-line flow, (c) linear decrease, (d) GD = GF, (f) the vanishing
correction of the modified loss, (g) the CLR step. Each check returns
``(holds, residual, method)`` (and, for (g), the condition under which it
holds). Where a residual contains |u| from a kink, |u| = ±u is used with the
sign of u at t = 0, decided symbolically or not at all.
"""

from __future__ import annotations

import sympy as sp

from .._budget import BudgetExceeded
from .components import sample_component
from .statements import FLOW_TIME as _t, GD_STEPS, LEARNING_RATE as _h, TARGET_LEVEL as _tau
from .zero_test import normalize, value_at

__all__ = ["GenericCorridorPoint"]

_SMALL = (sp.Rational(1, 10**3), sp.Rational(1, 10**5))


class GenericCorridorPoint:
    """A generic point θ₀ of a corridor component, and exact decisions of residuals there."""

    def __init__(self, report, analysis, component):
        self.report, self.analysis, self.component = report, analysis, component
        self.variables = report.piece_variables
        self.formula = analysis.piece.expression
        self.gradient = list(analysis.derivatives.gradient)
        assignment = component.assignment
        self.unparametrised = ""
        self.ideal = None
        if component.implicit:
            if component.ideal:
                self.ideal = sp.groebner(list(component.ideal), *self.variables, order="grevlex")
                assignment = {}
            else:
                self.unparametrised = "an implicit component without a polynomial ideal: no generic point to check on"
        self.assignment = assignment
        self.start = [assignment.get(v, v) for v in self.variables]
        free = [v for v in self.variables if v not in assignment]
        self.parameters = free + list(component.integers)
        at_start = dict(zip(self.variables, self.start))
        self.g0 = [g.xreplace(at_start) for g in self.gradient]
        self.E0 = self.formula.xreplace(at_start)
        self.norm0 = sum((gi**2 for gi in self.g0), sp.S.Zero)
        region = analysis.piece.region
        self.region = region if region is sp.true else region.xreplace(at_start)

    def at(self, expr, time):
        point = {v: s - time * gi for v, s, gi in zip(self.variables, self.start, self.g0)}
        return expr.xreplace(point)

    # (b), (c), (d), (f), (g)
    def straight_line_flow(self, budget):
        residual = [self.at(gi, _t) - g0 for gi, g0 in zip(self.gradient, self.g0)]
        return self.decide(residual, (_t,), budget)

    def linear_decrease(self, budget):
        residual = [self.at(self.formula, _t) - (self.E0 - _t * self.norm0)]
        return self.decide(residual, (_t,), budget)

    def gd_equals_gf(self, budget):
        iterate = list(self.start)
        residuals = []
        for k in range(1, GD_STEPS + 1):
            at_iterate = dict(zip(self.variables, iterate))
            iterate = [th - _h * g.xreplace(at_iterate) for th, g in zip(iterate, self.gradient)]
            flow = [s - k * _h * g0 for s, g0 in zip(self.start, self.g0)]
            residuals.extend(a - b for a, b in zip(iterate, flow))
        holds, residual, method = self.decide(residuals, (_h,), budget)
        return holds, residual, f"GD iterated exactly for k = 1..{GD_STEPS} with symbolic h: {method}"

    def correction_vanishes(self, budget):
        at_start = dict(zip(self.variables, self.start))
        correction = [(_h / 2 * e).xreplace(at_start) for e in self.analysis.derivatives.hg]
        return self.decide(correction, (_h,), budget)

    def clr_one_step(self, budget, target):
        # For a symbolic target E*: the step (E₀ − E*)/‖g₀‖² lands on E* with this piece's formula.
        step = (self.E0 - _tau) / self.norm0
        landing = [self.at(self.formula, step) - _tau]
        holds, residual, method = self.decide(landing, (_tau,), budget, small=False, start={_tau: self.E0})
        if holds is False:
            # A witness target may lie beyond where the line leaves the corridor (a cone's apex),
            # where the statement claims nothing: such a witness refutes nothing.
            return None, residual, f"E(θ₀ − h g₀) − E* for a symbolic target E*: not shown ({method}; " \
                                   "the witness target may lie beyond the corridor)"
        if holds is not True:
            return holds, residual, f"E(θ₀ − h g₀) − E* for a symbolic target E*: {method}"
        # The Polyak target on the loss itself: does the line stay in the corridor that far?
        reached = self.reaches(target, budget)
        condition = "for every target E* the flow line reaches inside the corridor"
        if reached[0] is True:
            condition += f"; the target E* = {target} is reached: {reached[1]}"
        elif reached[0] is False:
            condition += f"; NOT for E* = {target}: {reached[1]}"
        else:
            condition += f"; undecided for E* = {target}: {reached[1]}"
        return True, sp.S.Zero, f"identity in E* ({method}); E* = 0 gives the Polyak step E/‖g‖²", condition

    def reaches(self, target, budget):
        """Does the step (E₀ − E*)/‖g₀‖² from the corridor land on E* for the loss itself?"""
        step = (self.E0 - target) / self.norm0
        landing = self.at(self.report.piece_loss, step) - target
        if normalize(landing, self.parameters) == 0:
            return True, "exactly, from every point of the corridor"
        try:
            with budget.enforced("statement (g)"):
                if sp.simplify(_factor_radicands(landing, self.parameters)) == 0:
                    return True, "exactly, from every point of the corridor (simplification)"
        except BudgetExceeded:
            pass
        for point in self.sample_points(3):
            value = value_at(landing.xreplace(dict(point)), ())
            start = value_at(self.E0.xreplace(dict(point)), ())
            if start is None or start.real <= float(target):
                continue  # below the target already: the step goes up, not the case of interest
            if value is not None and abs(value) > 1e-20:
                at = ", ".join(f"{k} = {v}" for k, v in point)
                return False, f"from {at} the step leaves the corridor first and lands at E − E* ≈ {value.real:.6g}"
        return None, "not reduced to 0 symbolically, and no counterexample among sampled corridor points"

    # --- deciding residuals -----------------------------------------------------------------
    def decide(self, residuals, times, budget, small=True, start=None):
        symbols = self.parameters + list(times)
        simplified = [normalize(r, symbols) for r in residuals]
        if all(r == 0 for r in simplified):
            return True, sp.S.Zero, "exact normalisation"
        if self.ideal is not None:
            reduced = self.modulo_ideal(simplified, times)
            if reduced is True:
                return True, sp.S.Zero, "every coefficient lies in the component's ideal (Gröbner reduction)"
        simplified = [normalize(_factor_radicands(r, symbols), symbols) for r in simplified]
        resolved = []
        for _ in range(2 * GD_STEPS + 2):  # nested kinks (GD iterates) are resolved from the inside out
            kinks = sorted({a for r in simplified for a in r.atoms(sp.Abs)
                            if a.has(*times) and not a.args[0].has(sp.Abs)}, key=str)
            if not kinks:
                break
            signs = {}
            for kink in kinks:
                sign = self.sign_at_start(kink.args[0], start or {s: 0 for s in times})
                if sign is None:
                    return None, sp.Matrix(simplified), \
                        f"could not decide the sign of {kink.args[0]} at the start symbolically"
                signs[kink] = sign * kink.args[0]  # |u| = ±u until the line reaches the kink u = 0
                resolved.append(kink.args[0])
            simplified = [normalize(r.xreplace(signs), symbols) for r in simplified]
        kinks = resolved
        if any(r != 0 for r in simplified):
            simplified = [sp.simplify(r) for r in simplified]
        if all(r == 0 for r in simplified):
            if kinks:
                text = ", ".join(str(k) for k in kinks)
                return True, sp.S.Zero, f"exact while the line has not reached the kink(s) {{{text} = 0}}"
            return True, sp.S.Zero, "simplification"
        return self.witness(simplified, times, small)

    def modulo_ideal(self, residuals, times):
        for r in residuals:
            numerator, _ = sp.fraction(sp.together(r))
            numerator = sp.expand(numerator)
            if numerator.has(*[s for s in numerator.free_symbols if s not in self.variables and s not in times]):
                return None
            polynomial = sp.Poly(numerator, *times) if times else None
            coefficients = polynomial.coeffs() if polynomial is not None else [numerator]
            for c in coefficients:
                if not c.is_polynomial(*self.variables) or self.ideal.reduce(sp.expand(c))[1] != 0:
                    return None
        return True

    def sign_at_start(self, expr, start_values):
        """Sign of ``expr`` at the start of the line on the corridor, decided symbolically; None otherwise."""
        start = sp.factor(sp.sympify(expr).xreplace(start_values))
        if start.is_Mul or (start.is_Pow and start.exp.is_Integer):
            sign = 1
            factors = sp.Mul.make_args(start) if start.is_Mul else [start.base] * int(abs(start.exp))
            for factor in factors:
                part = self._sign(factor)
                if part is None:
                    return None
                sign *= part
            return sign
        return self._sign(start)

    def _sign(self, start):
        if start.is_positive:
            return 1
        if start.is_negative:
            return -1
        if start.is_Pow and start.exp.is_Integer and start.exp.is_even:
            base = self._sign(start.base)
            return None if base is None else 1
        # √P ≥ 0 vanishes only where P does; P = 0 lies in the singular set, off the corridor.
        singular = set(self.analysis.singular)
        for sign, candidate in ((1, start), (-1, sp.expand(-start))):
            # An even root √P of the real loss is ≥ 0 wherever the loss is defined (P ≥ 0 there).
            even_root = candidate.is_Pow and candidate.exp.is_Rational and candidate.exp > 0 and candidate.exp.q % 2 == 0
            if not (candidate.is_nonnegative or even_root):
                continue
            core = candidate
            while core.is_Pow and core.exp.is_positive:
                core = core.base  # P, √P, P²: zero exactly where P is
            if any(sp.expand(f) == sp.expand(core) or sp.expand(-f) == sp.expand(core) for f in singular):
                return sign
        for relation in self.region.atoms(sp.core.relational.Relational) if self.region is not sp.true else ():
            difference = sp.expand(relation.lhs - relation.rhs)
            for sign, candidate in ((1, start), (-1, -start)):
                if sp.expand(difference - candidate) == 0:
                    if isinstance(relation, sp.StrictGreaterThan):
                        return sign
                    if isinstance(relation, sp.StrictLessThan):
                        return -sign
        return None

    def sample_points(self, count):
        if self.ideal is not None:
            witness = self.component.stationary.witness
            return [witness] if witness else []
        return sample_component(self.assignment, self.parameters, self.analysis.piece.region, self.formula,
                                count=count)

    def witness(self, residuals, times, small):
        """A non-zero residual at a corridor point (tiny times when ``small``) disproves; else undecided."""
        for point in self.sample_points(2):
            for value in (_SMALL if small else (sp.Rational(1, 3),)):
                at = tuple(point) + tuple((s, value) for s in times)
                for r in residuals:
                    number = value_at(r, at)
                    if number is not None and abs(number) > 1e-25:
                        return False, sp.Matrix(residuals), f"non-zero at a corridor point for {times[0]} = {value} (30 digits)"
        return None, sp.Matrix(residuals), "not reduced to 0 symbolically"


def _factor_radicands(expr, variables=()):
    """sqrt(a²·b) → |a|·sqrt(b): factoring radicands exposes the kinks of distance functions.

    A radicand that contains an inner radical √P (P a polynomial) is first
    reduced modulo s² = P, e.g. t²P − 2tP√P + P² = s²(t − s)², so that the
    factorisation sees the square it only has modulo that relation.
    """
    inner = {
        q.base for q in expr.atoms(sp.Pow)
        if q.exp == sp.S.Half and variables and q.base.is_polynomial(*variables) and not q.base.is_number
    }
    s = sp.Dummy("s", positive=True)

    def factored(radicand):
        for polynomial in inner:
            if not radicand.has(sp.sqrt(polynomial)):
                continue
            generators = (*variables, s)
            in_s = sp.expand(radicand.xreplace({sp.sqrt(polynomial): s}))
            if not in_s.is_polynomial(*generators):
                continue
            remainder = sp.reduced(in_s, [sp.expand(polynomial) - s**2], *generators)[1]
            return sp.factor(remainder).xreplace({s: sp.sqrt(polynomial)})
        return sp.factor(radicand)

    def split_root(radicand, exponent):
        """(Π bᵢ^kᵢ)^(m/2) = Π |bᵢ|^(kᵢm/2) for even kᵢ, √P^(kᵢm) for inner radicands P ≥ 0."""
        if exponent.q != 2:
            return radicand**exponent
        outside, inside = sp.S.One, sp.S.One
        for part in sp.Mul.make_args(radicand):
            base, power = part.as_base_exp()
            if power.is_integer and power.is_even:
                outside *= sp.Abs(base) ** (power * exponent)
            elif power.is_integer and base in inner:  # under a real root in the loss: P ≥ 0
                outside *= sp.sqrt(base) ** (power * exponent.p)
            elif part.is_positive:
                outside *= part**exponent
            else:
                inside *= part
        return outside * inside**exponent

    return expr.replace(
        lambda e: e.is_Pow and e.exp.is_Rational and not e.exp.is_integer and not e.base.is_number
        and e.base not in inner,
        lambda e: split_root(factored(e.base), e.exp),
    )
