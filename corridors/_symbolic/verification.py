"""``verify``: the paper's statements checked on one given loss.

(a) d/dt g(θ(t)) = −H g along gradient flow (Lemma 2.8);
(b) on each corridor component the line θ(t) = θ₀ − t g(θ₀) solves GF;
(c) the loss decreases linearly there, E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²;
(d) GD iterates equal GF samples, θₙ = θ(nh), for symbolic h and n;
(e) the one-step gap is θ₁ − θ(h) = −(h²/2) H g + O(h³) (Lie series of the flow);
(f) the correction (h/2) H g of the modified loss E + (h/4)‖g‖² vanishes on corridors;
(g) the CLR step h = (E − E*)/‖g‖² from a corridor point reaches E* in one step,
    and equals the Polyak step E/‖g‖² when E* = 0.

Identities along a corridor line hold while the line stays in the corridor:
where a residual contains ``Abs(u)`` with ``u`` depending on t, it is resolved
with the sign u has at t = 0 (the line has not reached the kink {u = 0} yet),
and the method says so.
"""

from __future__ import annotations

import dataclasses
import json

import sympy as sp

from .budget import BudgetExceeded, TimeBudget
from .zero_test import ZeroTest, all_zero, normalize, points_in, value_at

__all__ = ["StatementCheck", "Verification", "verify_report"]

_t = sp.Symbol("t", positive=True)  # flow time
_h = sp.Symbol("h", positive=True)  # learning rate
_n = sp.Symbol("n", integer=True, nonnegative=True)  # step number
_tau = sp.Symbol("tau", positive=True)  # CLR: target E* = E(θ₀) − τ‖g(θ₀)‖²

STATEMENTS = {
    "a": ("gradient-along-flow", "d/dt g(θ(t)) = −H g along gradient flow (Lemma 2.8)"),
    "b": ("straight-line-flow", "on a corridor, θ(t) = θ₀ − t g(θ₀) solves gradient flow"),
    "c": ("linear-decrease", "on a corridor, E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²"),
    "d": ("gd-equals-gf", "on a corridor, GD iterates equal GF samples: θₙ = θ(nh) for all h, n"),
    "e": ("one-step-gap", "θ₁ − θ(h) = −(h²/2) H g + O(h³)"),
    "f": ("no-implicit-regularization", "∇((h/4)‖g‖²) = (h/2) H g, which vanishes on corridors"),
    "g": ("clr-one-step", "the CLR step (E − E*)/‖g‖² reaches E* in one step on a corridor; = Polyak step for E* = 0"),
}


@dataclasses.dataclass(frozen=True)
class StatementCheck:
    """One statement of the paper checked on the loss."""

    key: str  # "a" … "g"
    name: str
    statement: str
    holds: bool | None  # True / False / None = undecided
    residual: sp.Basic  # what had to vanish (0 when proven)
    where: str  # the region or component it was checked on
    method: str
    vacuous: bool = False  # true because there is nothing to check (no corridor)

    def to_dict(self) -> dict:
        return {
            "key": self.key, "name": self.name, "statement": self.statement, "holds": self.holds,
            "residual": str(self.residual), "where": self.where, "method": self.method, "vacuous": self.vacuous,
        }


@dataclasses.dataclass(frozen=True)
class Verification:
    """All statement checks for one loss; ``holds`` is True only if every check holds."""

    loss: sp.Expr
    checks: tuple  # StatementCheck, ...
    seconds: float

    @property
    def holds(self) -> bool | None:
        verdicts = [c.holds for c in self.checks]
        if False in verdicts:
            return False
        return None if None in verdicts else True

    def __getitem__(self, key: str) -> tuple:
        """The checks of statement ``key`` ("a" … "g"), one per piece or component."""
        return tuple(c for c in self.checks if c.key == key)

    def to_dict(self) -> dict:
        return {"loss": str(self.loss), "holds": self.holds, "checks": [c.to_dict() for c in self.checks]}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        mark = {True: "holds", False: "FAILS", None: "undecided"}
        lines = [f"Statements of the paper checked on E = {self.loss}: {mark[self.holds]}"]
        for c in self.checks:
            extra = " (vacuous: no corridor)" if c.vacuous else ""
            lines.append(f"  ({c.key}) {c.statement}\n      {mark[c.holds]}{extra} on {c.where} — {c.method}")
            if c.holds is not True:
                lines.append(f"      residual: {c.residual}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        mark = {True: r"\checkmark", False: r"\times", None: "?"}
        rows = [rf"\text{{({c.key}) {c.name} on {c.where}}}: {mark[c.holds]}" for c in self.checks]
        return r"$\displaystyle \begin{gathered}" + r"\\ ".join(rows) + r"\end{gathered}$"


def verify_report(report, *, timeout: float) -> Verification:
    """Check statements (a)–(g) on every piece and corridor of an analysed loss."""
    budget = TimeBudget(timeout)
    checks: list[StatementCheck] = []
    variables = report.variables
    for analysis in report.pieces:
        where = "the whole space" if analysis.piece.region is sp.true else f"the piece where {analysis.piece.region}"
        _guarded(checks, "a", where, budget, lambda: _gradient_along_flow(analysis, variables, budget))
        _guarded(checks, "e", where, budget, lambda: _one_step_gap(analysis, variables, budget))
        _guarded(checks, "f", where, budget, lambda: _modified_loss_identity(analysis, variables, budget))
    corridors = [(a, c) for a in report.pieces for c in a.components if c.is_corridor is True]
    for analysis, component in corridors:
        where = f"the corridor {component.describe()}"
        if analysis.piece.region is not sp.true:
            where += " (with this piece's formula, while the line stays in the piece)"
        line = _CorridorLine(analysis, component, variables)
        _guarded(checks, "b", where, budget, lambda: line.straight_line_flow(budget))
        _guarded(checks, "c", where, budget, lambda: line.linear_decrease(budget))
        _guarded(checks, "d", where, budget, lambda: line.gd_equals_gf(budget))
        _guarded(checks, "f", where, budget, lambda: line.correction_vanishes(budget))
        _guarded(checks, "g", where, budget, lambda: line.clr_one_step(budget))
    if not corridors:
        for key in "bcdg":
            name, statement = STATEMENTS[key]
            checks.append(StatementCheck(key, name, statement, True, sp.S.Zero, "no corridor", "nothing to check", True))
    order = "abcdefg"
    checks.sort(key=lambda c: order.index(c.key))
    return Verification(report.loss, tuple(checks), budget.elapsed)


def _guarded(checks, key, where, budget, compute):
    name, statement = STATEMENTS[key]
    try:
        with budget.enforced(f"statement ({key})"):
            holds, residual, method = compute()
    except BudgetExceeded:
        holds, residual, method = None, sp.nan, "time budget exceeded"
    checks.append(StatementCheck(key, name, statement, holds, residual, where, method))


def _verdict(test: ZeroTest):
    return test.verdict, test.residual, test.method


def _gradient_along_flow(analysis, variables, budget):
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


def _one_step_gap(analysis, variables, budget):
    """Series of the flow by Lie derivatives: θ(h) = Σ hᵏ/k! Lᵏθ; compare with θ₁ = θ − h g."""
    d = analysis.derivatives
    g = list(d.gradient)
    first = [_lie(g, v, variables) for v in variables]  # = −g
    second = [_lie(g, f, variables) for f in first]  # = H g
    # gap = (θ − h g) − (θ + h·first + h²/2·second + O(h³)); the claim is gap = −(h²/2) H g + O(h³)
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


def _modified_loss_identity(analysis, variables, budget):
    d = analysis.derivatives
    correction = [sp.diff(_h / 4 * d.grad_norm_squared, v) for v in variables]
    target = [_h / 2 * e for e in d.hessian * d.gradient]
    test = all_zero([c - e for c, e in zip(correction, target)], variables, region=analysis.piece.region,
                    domain=analysis.piece.expression, budget=budget)
    return _verdict(test)


class _CorridorLine:
    """The straight line θ(t) = θ₀ − t g(θ₀) from a generic point θ₀ of a corridor."""

    def __init__(self, analysis, component, variables):
        self.analysis, self.component, self.variables = analysis, component, variables
        self.start = [component.assignment.get(v, v) for v in variables]  # θ₀, parametrised
        self.free = [v for v in variables if v not in component.assignment]
        on = lambda e: e.xreplace(component.assignment)  # noqa: E731
        self.g0 = [on(gi) for gi in analysis.derivatives.gradient]
        self.loss = analysis.piece.expression
        self.E0 = on(self.loss)
        self.norm0 = sum((gi**2 for gi in self.g0), sp.S.Zero)
        region = analysis.piece.region
        self.region = region if region is sp.true else region.xreplace(component.assignment)

    def at(self, expr, time):
        point = {v: s - time * gi for v, s, gi in zip(self.variables, self.start, self.g0)}
        return expr.xreplace(point)

    def straight_line_flow(self, budget):
        residual = [self.at(gi, _t) - g0 for gi, g0 in zip(self.analysis.derivatives.gradient, self.g0)]
        return self.identity_for_small_time(residual, budget)

    def linear_decrease(self, budget):
        residual = [self.at(self.loss, _t) - (self.E0 - _t * self.norm0)]
        return self.identity_for_small_time(residual, budget)

    def gd_equals_gf(self, budget):
        # Induction on n: if θₙ = θ(nh) then θₙ₊₁ − θ((n+1)h) = −h (g(θ(nh)) − g(θ₀)).
        residual = [-_h * (self.at(gi, _n * _h) - g0) for gi, g0 in zip(self.analysis.derivatives.gradient, self.g0)]
        holds, res, method = self.identity_for_small_time(residual, budget, time=_n * _h)
        return holds, res, f"induction on n (base θ₀ = θ(0)); step residual: {method}"

    def correction_vanishes(self, budget):
        on = self.component.assignment
        correction = [(_h / 2 * e).xreplace(on) for e in self.analysis.derivatives.hessian * self.analysis.derivatives.gradient]
        test = all_zero(correction, self.free + [_h], budget=budget, domain=self.E0)
        return _verdict(test)

    def clr_one_step(self, budget):
        # Target E* = E(θ₀) − τ‖g₀‖²: the CLR step is τ and lands on E* while the line stays in the corridor.
        target = self.E0 - _tau * self.norm0
        step = (self.E0 - target) / self.norm0
        landing = [self.at(self.loss, step) - target]
        holds, residual, method = self.identity_for_small_time(landing, budget, time=_tau)
        polyak = normalize(self.E0 / self.norm0 - (self.E0 - 0) / self.norm0)
        if polyak != 0:
            return False, polyak, "the E* = 0 step differs from the Polyak step E/‖g‖²"
        reach_zero = self.reaches_zero(budget)
        return holds, residual, f"{method}; E* = 0 gives the Polyak step E/‖g‖²{reach_zero}"

    def reaches_zero(self, budget) -> str:
        """Does the Polyak step from corridor points with E > 0 land exactly on E = 0?"""
        samples = [p for p in points_in(self.free, self.region, count=3, domain=self.E0)
                   if (value_at(self.E0, p) or 0).real > 0]
        if not samples:
            return ""
        landed = self.at(self.loss, self.E0 / self.norm0)
        values = [value_at(landed, p) for p in samples]
        if all(v is not None and abs(v) < 1e-20 for v in values):
            return f"; from {len(samples)} sampled corridor points with E > 0 the Polyak step lands on E = 0 (30 digits)"
        return "; the corridor does not extend to E = 0 from every sampled point"

    def identity_for_small_time(self, residual, budget, time=_t):
        symbols = self.free + sorted(time.free_symbols, key=str)
        simplified = [normalize(r, symbols) for r in residual]
        if all(r == 0 for r in simplified):
            return True, sp.S.Zero, "exact normalisation"
        simplified = [normalize(_factor_radicands(r, symbols), symbols) for r in simplified]
        kinks = sorted({a for r in simplified for a in r.atoms(sp.Abs) if a.has(*time.free_symbols)}, key=str)
        signs = {}
        for kink in kinks:
            sign = self.sign_at_start(kink.args[0], time)
            if sign is None:
                return None, sp.Matrix(simplified), f"could not tell the sign of {kink.args[0]} at t = 0"
            signs[kink] = sign * kink.args[0]  # |u| = ±u until the line reaches u = 0
        if signs:
            simplified = [normalize(r.xreplace(signs), symbols) for r in simplified]
        if any(r != 0 for r in simplified):
            simplified = [sp.simplify(r) for r in simplified]
        if all(r == 0 for r in simplified):
            if signs:
                kinks_text = ", ".join(str(k.args[0]) for k in kinks)
                return True, sp.S.Zero, f"exact while the line has not reached the kink(s) {{{kinks_text} = 0}}"
            return True, sp.S.Zero, "simplification"
        return self.small_time_witness(simplified, time)

    def sign_at_start(self, expr, time):
        """Sign of ``expr`` at t = 0 on the corridor: exact if SymPy knows it, else from samples."""
        start = expr.xreplace({s: 0 for s in time.free_symbols})
        if start.is_positive:
            return 1
        if start.is_negative:
            return -1
        values = [value_at(start, p) for p in points_in(self.free, self.region, count=4, domain=self.E0)]
        values = [v.real for v in values if v is not None]
        if values and all(v > 0 for v in values):
            return 1
        if values and all(v < 0 for v in values):
            return -1
        return None

    def small_time_witness(self, residual, time):
        """A non-zero residual for two tiny times is a counterexample; otherwise undecided."""
        for point in points_in(self.free, self.region, count=2, domain=self.E0):
            small = {s: sp.Rational(1, 10**6) for s in time.free_symbols}
            smaller = {s: sp.Rational(1, 10**8) for s in time.free_symbols}
            for r in residual:
                a = value_at(r, tuple(point) + tuple(small.items()))
                b = value_at(r, tuple(point) + tuple(smaller.items()))
                if a is not None and b is not None and abs(a) > 1e-25 and abs(b) > 1e-29:
                    return False, sp.Matrix(residual), "non-zero at a corridor point for t = 1e-6 and 1e-8 (30 digits)"
        return None, sp.Matrix(residual), "not reduced to 0 symbolically"


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


def _short(expr, limit=200) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"
