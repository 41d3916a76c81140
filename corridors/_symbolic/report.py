"""``CorridorReport``: the immutable result of ``analyze``, with str, LaTeX and JSON forms."""

from __future__ import annotations

import dataclasses
import json

import sympy as sp

from .piece_analysis import PieceAnalysis
from .points import point_status
from .vocabulary import Classification, PointStatus

__all__ = ["CorridorReport"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CorridorReport:
    """Where a loss's corridors are, and the evidence for each verdict.

    Attributes:
      loss: the loss, in the caller's own symbols.
      variables: its variables, in order, the caller's own symbols.
      classification: ``everywhere``, ``partial``, ``none`` or ``unknown``.
      reason: one sentence justifying the classification.
      pieces: one ``PieceAnalysis`` per smooth piece (one for a smooth loss).
      dropped_regions: piece regions in which no point was found (taken as empty).
      seconds, timeout: CPU time used and the CPU-time budget.
      kinks: functions f where the loss is not C² somewhere on f = 0.
      undecided: what the analysis could not decide (empty when every corridor is known).
      parameters: the symbols of the loss that are not variables (data), held
        constant; verdicts say whether they hold for every or for generic values.
      piece_variables: the real symbols the pieces are written in (the same
        names as ``variables``); every other view uses the caller's symbols.
    """

    loss: sp.Expr
    variables: tuple
    classification: Classification
    reason: str
    pieces: tuple[PieceAnalysis, ...]
    dropped_regions: tuple
    seconds: float
    timeout: float
    kinks: tuple = ()  # functions f: E is not C² somewhere on f = 0 (junctions of pieces)
    undecided: tuple = ()  # what the analysis could not decide (empty when every corridor is known)
    parameters: tuple = ()  # data symbols of the loss (not variables), the caller's own
    piece_variables: tuple = ()  # real symbols of the pieces; () when they are ``variables`` themselves
    piece_loss: sp.Expr | None = None  # the loss over ``piece_variables``
    piece_parameters: tuple = ()  # real symbols of the parameters in the pieces

    def __post_init__(self):
        if not self.piece_variables:
            object.__setattr__(self, "piece_variables", tuple(self.variables))
        if self.piece_loss is None:
            object.__setattr__(self, "piece_loss", self.loss)

    def _to_user(self, expr):
        """An expression over ``piece_variables`` in the caller's own symbols."""
        pairs = list(zip(self.piece_variables, self.variables)) + list(zip(self.piece_parameters, self.parameters))
        mapping = {w: u for w, u in pairs if w != u}
        return expr.xreplace(mapping) if mapping and isinstance(expr, sp.Basic) else expr

    # --- derived views -------------------------------------------------------
    @property
    def components(self) -> tuple:
        """Every component of {H g = 0}, corridors or not, in the caller's symbols."""
        found = tuple(c for a in self.pieces for c in a.components)
        if tuple(self.piece_variables) == tuple(self.variables) and self.piece_parameters == self.parameters:
            return found
        return tuple(dataclasses.replace(
            c, equations=tuple(self._to_user(eq) for eq in c.equations), region=self._to_user(c.region),
            ideal=tuple(self._to_user(p) for p in c.ideal)) for c in found)

    @property
    def corridors(self) -> tuple:
        """The components proven to be non-trivial corridors."""
        return tuple(c for c in self.components if c.is_corridor is True)

    @property
    def hg(self) -> sp.ImmutableMatrix:
        """H g as a column; a ``Piecewise`` per entry for a non-smooth loss."""
        if not self.pieces:
            raise ValueError(f"H g was not computed: {self.reason}")
        if len(self.pieces) == 1 and self.pieces[0].piece.region is sp.true:
            return self._to_user(self.pieces[0].derivatives.hg)
        n = len(self.variables)
        return self._to_user(sp.ImmutableMatrix(
            [sp.Piecewise(*((a.derivatives.hg[i], a.piece.region) for a in self.pieces)) for i in range(n)]
        ))

    @property
    def hg_routes_agree(self) -> bool | None:
        """Did H g and ½∇‖g‖² agree on every piece (True / False / None)?"""
        verdicts = [a.derivatives.hg_routes_agree.verdict for a in self.pieces]
        if False in verdicts:
            return False
        return None if (None in verdicts or not verdicts) else True

    @property
    def corridors_decided(self) -> bool:
        """True when every corridor of the loss is among ``corridors`` (nothing undecided)."""
        return self.classification != "unknown" and not self.undecided

    @property
    def complete(self) -> bool | None:
        """True if no component of {H g = 0} can be missing."""
        verdicts = [a.complete for a in self.pieces]
        if not verdicts:
            return None
        return None if None in verdicts else all(verdicts)

    @property
    def singular_set(self) -> tuple:
        """Conditions where E is not twice differentiable: denominators of g, H and piece junctions."""
        conditions = []
        for a in self.pieces:
            for factor in a.singular:
                conditions.append(sp.Eq(factor, 0))
        for function in self.kinks:
            conditions.append(sp.Eq(function, 0))
        return tuple(dict.fromkeys(self._to_user(c) for c in conditions))

    # --- questions -----------------------------------------------------------
    def status_at(self, point) -> PointStatus:
        """Status of one point: ``corridor``, ``stationary``, ``not-corridor``, ``singular`` or ``unknown``.

        ``point`` maps each variable (symbol or name) to a finite real number,
        or is a sequence of numbers in variable order. Floats are read as the
        decimals they print as. Values for the parameters may be given too;
        without them the status must hold for their generic values.

        Decided at the point first (exact g, H g and the line identity there),
        so the answer does not depend on the global analysis having finished.
        """
        return point_status(self, point)

    def verify(self, *, timeout: float | None = None, target=0):
        """Check the paper's statements (a)–(g) on this loss; see ``corridors.verify``.

        ``timeout`` defaults to the larger of the analysis' budget and 30 s.
        """
        from .verification import verify_report

        budget = timeout if timeout is not None else max(self.timeout, 30.0)
        return verify_report(self, timeout=budget, target=target)

    # --- forms ---------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready dict (expressions as strings, verdicts as true/false/null)."""
        return {
            "loss": str(self.loss),
            "variables": [v.name for v in self.variables],
            "parameters": [p.name for p in self.parameters],
            "classification": self.classification,
            "reason": self.reason,
            "hg": [[str(e) for e in a.derivatives.hg] for a in self.pieces],
            "hg_routes_agree": self.hg_routes_agree,
            "pieces": [
                {"formula": str(a.piece.expression), "region": str(a.piece.region),
                 "hg_vanishes": a.hg_vanishes.verdict, "complete": a.complete}
                for a in self.pieces
            ],
            "components": [
                {
                    "piece": c.piece,
                    "equations": [f"{eq.lhs} = {eq.rhs}" for eq in c.equations],
                    "region": str(c.region),
                    "dimension": c.dimension,
                    "kind": c.kind,
                    "corridor": c.is_corridor,
                    "stationary": c.stationary.verdict,
                    "invariant": c.invariant.verdict,
                }
                for c in self.components
            ],
            "singular_set": [str(s) for s in self.singular_set],
            "complete": self.complete,
            "seconds": round(self.seconds, 4),
            "timeout": self.timeout,
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def __str__(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        given = f"; {', '.join(p.name for p in self.parameters)}" if self.parameters else ""
        lines = [
            f"Corridor analysis of E({names}{given}) = {self.loss}",
            f"  classification: {self.classification} — {self.reason}",
        ]
        for a in self.pieces:
            label = "" if len(self.pieces) == 1 else f"  piece {a.piece.index + 1} (where {a.piece.region}): E = {a.piece.expression}\n"
            hg = ", ".join(str(e) for e in a.derivatives.hg)
            lines.append(f"{label}  H g = ({hg})".rstrip())
        lines.append(f"  H g = ½∇‖g‖² cross-check: {_verdict(self.hg_routes_agree)}")
        if self.components:
            lines.append("  components of {H g = 0}:")
            for c in self.components:
                lines.append(
                    f"    - {c.describe()}: dimension {c.dimension}, {c.kind} "
                    f"(stationary {_verdict(c.stationary.verdict)}, GF-invariant {_verdict(c.invariant.verdict)})"
                )
        singular = ", ".join(str(s) for s in self.singular_set) or "none"
        lines.append(f"  singular set: {singular}")
        lines.append(f"  solution set complete: {_verdict(self.complete)}")
        lines.append(f"  time: {self.seconds:.2f} s of a {self.timeout:g} s CPU budget")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CorridorReport(loss={self.loss}, classification={self.classification!r})"

    def _repr_latex_(self) -> str:
        rows = [
            rf"\text{{classification: {self.classification}}}",
            rf"E = {sp.latex(self.loss)}",
        ]
        for a in self.pieces:
            region = "" if a.piece.region is sp.true else rf"\quad \text{{on }} {sp.latex(a.piece.region)}"
            rows.append(rf"Hg = {sp.latex(a.derivatives.hg)}{region}")
        for c in self.components:
            equations = r",\ ".join(sp.latex(eq) for eq in c.equations) or r"\text{open region}"
            rows.append(rf"{equations}\quad \text{{({c.kind}, dim {c.dimension})}}")
        return r"$\displaystyle \begin{gathered}" + r"\\ ".join(rows) + r"\end{gathered}$"


def _verdict(value) -> str:
    return {True: "yes", False: "no", None: "undecided"}[value]
