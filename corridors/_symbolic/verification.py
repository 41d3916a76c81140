"""``verify``: the paper's statements checked on one given loss.

On every corridor component the report found, from a generic point θ₀ of it
(symbolic coordinates, or the component's ideal for an implicit one):

(b) the line θ(t) = θ₀ − t g(θ₀) solves gradient flow: g(θ(t)) = g(θ₀);
(c) the loss decreases linearly there, E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²;
(d) gradient descent, iterated exactly for k = 1, 2, 3 steps with a symbolic
    step size h, lands on the flow: θₖ = θ₀ − k h g(θ₀);
(f) the correction (h/2) H g of the modified loss vanishes on it;
(g) the CLR step h = (E(θ₀) − E*)/‖g(θ₀)‖² reaches E* in one step, for every
    target E* the line reaches inside the corridor; the Polyak target (E* = 0
    by default) is then checked on the loss itself, and when the step leaves
    the corridor first (a cone's apex, a quadrant of |x| + |y|) the check says
    so: the statement is qualified, never plainly true.

Three statements hold for every smooth loss, so checking them says nothing
about corridors; they are checked per piece and labelled ``identity``:
(a) d/dt g(θ(t)) = −H g along gradient flow (Lemma 2.8); (e) the one-step gap
θ₁ − θ(h) = −(h²/2) H g + O(h³); (f′) ∇((h/4)‖g‖²) = (h/2) H g.

Verdicts: ``True`` only by exact symbolic reduction (to 0, or into the
component's ideal); ``False`` with a witness (a point of the component and a
time where a 30-digit evaluation is clearly non-zero); otherwise ``None``.
Where a residual contains |u| from a kink, |u| = ±u is used with the sign of u
at t = 0, decided symbolically or not at all. The statements about corridors
are vacuous only when the analysis proved there is no corridor; when it left
something undecided, the verification is undecided too.

The statements, by name and letter, are listed in ``statements.py``; the
identities are checked in ``identity_checks.py``, the statements about a
corridor in ``corridor_checks.py``. This module runs them and collects the
results.
"""

from __future__ import annotations

import functools
import dataclasses
import json

import sympy as sp

from .._budget import BudgetExceeded, TimeBudget
from .corridor_checks import GenericCorridorPoint
from .identity_checks import gradient_along_flow, modified_loss_identity, one_step_gap
from .statements import STATEMENT_ORDER, STATEMENTS, StatementLetter, StatementName

__all__ = ["StatementCheck", "Verification", "verify_report"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatementCheck:
    """One statement of the paper checked on the loss.

    ``name`` says which statement (``"linear-decrease"``); ``key`` is its
    letter in the paper's lemma (``"c"``).
    """

    key: StatementLetter  # "a" … "g"
    name: StatementName
    statement: str
    holds: bool | None  # True / False / None = undecided
    residual: sp.Basic  # what had to vanish (0 when proven)
    where: str  # the region or component it was checked on
    method: str
    vacuous: bool = False  # true because the analysis proved there is no corridor
    identity: bool = False  # holds for every smooth loss: says nothing about corridors
    condition: str = ""  # when the statement holds, if not always

    def to_dict(self) -> dict:
        return {
            "key": self.key, "name": self.name, "statement": self.statement, "holds": self.holds,
            "residual": str(self.residual), "where": self.where, "method": self.method, "vacuous": self.vacuous,
            "identity": self.identity, "condition": self.condition,
        }


@dataclasses.dataclass(frozen=True)
class Verification:
    """All statement checks for one loss.

    ``holds`` is True only if every check holds and the analysis decided every
    corridor; None when something is undecided (``reason`` says what).
    """

    loss: sp.Expr
    checks: tuple  # StatementCheck, ...
    seconds: float
    reason: str = ""  # why the verification as a whole is undecided, if it is

    @property
    def holds(self) -> bool | None:
        verdicts = [c.holds for c in self.checks]
        if False in verdicts:
            return False
        if None in verdicts or self.reason:
            return None
        return True

    def __getitem__(self, name: str) -> tuple:
        """The checks of one statement, one per piece or component.

        ``name`` is the statement's name (``"linear-decrease"``) or its letter
        in the paper (``"c"``); a key that names no statement has no checks.
        """
        key = STATEMENTS[name].letter if name in STATEMENTS else name
        return tuple(c for c in self.checks if c.key == key)

    def to_dict(self) -> dict:
        return {"loss": str(self.loss), "holds": self.holds, "reason": self.reason,
                "checks": [c.to_dict() for c in self.checks]}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        mark = {True: "holds", False: "FAILS", None: "undecided"}
        lines = [f"Statements of the paper checked on E = {self.loss}: {mark[self.holds]}"]
        if self.reason:
            lines.append(f"  undecided because {self.reason}")
        for c in self.checks:
            extra = " (vacuous: the analysis proved there is no corridor)" if c.vacuous else ""
            extra += " (an identity for every smooth loss)" if c.identity else ""
            lines.append(f"  ({c.key}) {c.statement}\n      {mark[c.holds]}{extra} on {c.where} — {c.method}")
            if c.condition:
                lines.append(f"      condition: {c.condition}")
            if c.holds is not True:
                lines.append(f"      residual: {c.residual}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        mark = {True: r"\checkmark", False: r"\times", None: "?"}
        rows = [rf"\text{{({c.key}) {c.name} on {c.where}}}: {mark[c.holds]}" for c in self.checks]
        return r"$\displaystyle \begin{gathered}" + r"\\ ".join(rows) + r"\end{gathered}$"


def verify_report(report, *, timeout: float, target=0) -> Verification:
    """Check the statements on every piece and corridor of an analysed loss (see the module docstring)."""
    budget = TimeBudget(timeout)
    target = sp.nsimplify(target)
    checks: list[StatementCheck] = []
    variables = report.piece_variables
    for analysis in report.pieces:
        where = "the whole space" if analysis.piece.region is sp.true else f"the piece where {analysis.piece.region}"
        _guarded(checks, "gradient-along-flow", where, budget,
                 lambda: gradient_along_flow(analysis, variables, budget), identity=True)
        _guarded(checks, "one-step-gap", where, budget, lambda: one_step_gap(analysis, variables, budget),
                 identity=True)
        _guarded(checks, "no-implicit-regularization", where, budget,
                 lambda: modified_loss_identity(analysis, variables, budget), identity=True)
    corridors = [(a, c) for a in report.pieces for c in a.components if c.is_corridor is True]
    about_corridors: tuple[StatementName, ...] = (
        "straight-line-flow", "linear-decrease", "gd-equals-gf", "no-implicit-regularization", "clr-one-step")
    parametrised = []
    for analysis, component in corridors:
        where = f"the corridor {component.describe()}"
        corridor = GenericCorridorPoint(report, analysis, component)
        if corridor.unparametrised:
            for name in about_corridors:
                checks.append(_check(name, holds=None, residual=sp.nan, where=where, method=corridor.unparametrised))
        else:
            parametrised.append((where, corridor))
    # Statement by statement over every corridor, cheapest first: the symbolic-target CLR check and
    # GD = GF (GD iterated exactly, through nested radicals) come last, so that on one corridor
    # they cannot starve the cheap checks of another.
    for name, check in (
        ("straight-line-flow", lambda c: c.straight_line_flow(budget)),
        ("linear-decrease", lambda c: c.linear_decrease(budget)),
        ("no-implicit-regularization", lambda c: c.correction_vanishes(budget)),
        ("clr-one-step", lambda c: c.clr_one_step(budget, target)),
        ("gd-equals-gf", lambda c: c.gd_equals_gf(budget)),
    ):
        for where, corridor in parametrised:
            _guarded(checks, name, where, budget, functools.partial(check, corridor))
    reason = ""
    if not report.corridors_decided:
        reason = "the analysis did not decide every corridor: " + "; ".join(report.undecided or (report.reason,))
    if not corridors and not reason:
        for name in ("straight-line-flow", "linear-decrease", "gd-equals-gf", "clr-one-step"):
            checks.append(_check(name, holds=True, residual=sp.S.Zero, where="no corridor",
                                 method=f"vacuous: {report.reason}", vacuous=True))
    checks.sort(key=lambda c: (STATEMENT_ORDER.index(c.name), c.identity is False))
    return Verification(report.loss, tuple(checks), budget.elapsed, reason)


def _check(name: StatementName, **fields) -> StatementCheck:
    """The check of statement ``name``, with its letter and text filled in."""
    s = STATEMENTS[name]
    fields.setdefault("statement", s.text)
    return StatementCheck(key=s.letter, name=s.name, **fields)


def _guarded(checks, name: StatementName, where, budget, compute, identity=False):
    text = STATEMENTS[name].text
    if identity and name == "no-implicit-regularization":
        text = "∇((h/4)‖g‖²) = (h/2) H g: the modified loss's extra gradient is (h/2) H g"
    condition = ""
    try:
        with budget.enforced(f"statement ({STATEMENTS[name].letter})"):
            result = compute()
    except BudgetExceeded:
        result = (None, sp.nan, "time budget exceeded")
    holds, residual, method = result[:3]
    if len(result) > 3:
        condition = result[3]
    checks.append(_check(name, statement=text, holds=holds, residual=residual, where=where, method=method,
                         identity=identity, condition=condition))
