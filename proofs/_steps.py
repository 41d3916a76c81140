"""What a derivation is made of, and what checking it yields (no checking here).

A derivation is a sequence of ``Step`` objects. Each carries a claim, a SymPy
residual lhs − rhs computed from the loss alone, and the hypotheses it uses
(``assumes``), which the runner applies as explicit rewrites (``_hypotheses``).
A ``Proof`` is a statement with its derivation and its ``Control``, the
statement with the hypothesis dropped, which must come out failed.

The modules depend on each other in one direction only:
``_steps`` (these definitions) → ``_verdict`` (deciding a step) →
``_runner`` (checking proofs under a CPU budget) → ``_report`` (the CLI).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

import sympy as sp

from ._hypotheses import Hypothesis
from ._latex import latex

__all__ = [
    "ALL_N",
    "AllN",
    "DIMENSIONS",
    "RELATIONS",
    "Relation",
    "CheckedStep",
    "Control",
    "ControlResult",
    "Proof",
    "ProofResult",
    "Status",
    "Step",
]

# Dimensions n in which statements about a generic loss E(θ₁, …, θₙ) are checked
# by default; a proof may check fewer (``Proof.dimensions``) and says so.
DIMENSIONS = (1, 2, 3, 4)

# A Step's ``dimension``: the n it was checked in, ALL_N for a derivation with
# symbolic size (MatrixSymbol of shape n×1), or None for a fixed example.
AllN = Literal["all"]
ALL_N: AllN = "all"

# What a Step claims of its residual: that it vanishes, or that it is positive.
Relation = Literal["= 0", "> 0"]
RELATIONS: tuple[Relation, ...] = get_args(Relation)


class Status(str, enum.Enum):
    """A proof's verdict: ``proved``, ``failed`` or ``unknown`` (compares equal to those strings)."""

    PROVED = "proved"
    FAILED = "failed"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Step:
    """One claim of a derivation: ``residual`` = lhs − rhs, computed from the loss alone.

    Args:
        claim: the claim as LaTeX.
        justification: why it holds, in words (the rule used, or the theorem cited).
        residual: a SymPy expression, explicit matrix or matrix expression.
        assumes: hypotheses the runner applies to the residual, in order; each
            must enter (dropping it leaves a non-zero residual). Empty: an
            identity for every loss.
        dimension: the n it is checked in, ``"all"`` for a symbolic size, None
            for a fixed example.
        relation: ``"= 0"`` (default) or ``"> 0"`` for a positivity claim.

    >>> from proofs import check_step
    >>> x = sp.Symbol("x")
    >>> check_step(Step("(x+1)^2 = x^2 + 2x + 1", "expand", (x + 1)**2 - x**2 - 2*x - 1)).holds
    True
    """

    claim: str
    justification: str
    residual: object
    assumes: tuple[Hypothesis, ...] = ()
    dimension: int | AllN | None = None
    relation: Relation = "= 0"


@dataclass(frozen=True)
class CheckedStep:
    """A step with the runner's verdict.

    ``holds``: True (residual exactly 0 under the hypotheses, each of which
    enters), False (refused, or refuted at a witness), None (undecided).
    ``reduced``: the residual after the hypotheses and reduction (0 when it
    holds). ``enters``: per hypothesis, whether dropping it leaves a residual
    shown non-zero. ``reason``: the verdict in words.
    """

    step: object
    holds: bool | None
    reduced: object
    enters: tuple[bool | None, ...]
    reason: str
    # The residual's entries as LaTeX, filled in when the step is pickled (from
    # a worker process): unpickling rebuilds SymPy objects evaluated, so
    # lhs − rhs with equal sides would arrive as 0.
    residual_text: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def __getstate__(self):
        state = dict(self.__dict__)
        if state.get("residual_text") is None:
            state["residual_text"] = self._render_residual()
        return state

    def _render_residual(self) -> tuple[str, ...] | None:
        residual = self.residual
        if residual is None:
            return None
        try:
            entries = list(residual) if isinstance(residual, sp.MatrixBase) else [residual]
            return tuple(latex(entry) for entry in entries)
        except Exception:  # noqa: BLE001 - whatever a refused step carried
            return (sp.latex(sp.Symbol(repr(residual))),)

    @property
    def claim(self) -> str:
        return getattr(self.step, "claim", "")

    @property
    def justification(self) -> str:
        return getattr(self.step, "justification", "")

    @property
    def residual(self):
        """The residual before any hypothesis (what the derivation computed)."""
        return getattr(self.step, "residual", None)

    @property
    def assumes(self) -> tuple[Hypothesis, ...]:
        assumes = getattr(self.step, "assumes", ())
        return assumes if isinstance(assumes, tuple) else ()

    @property
    def dimension(self):
        return getattr(self.step, "dimension", None)

    @property
    def relation(self) -> str:
        return getattr(self.step, "relation", "= 0")

    @property
    def symbol_assumptions(self) -> tuple[str, ...]:
        """Signs and integrality declared on the symbols of the residual and hypotheses ("c > 0", …).

        They are hypotheses as much as ``assumes``; listing them keeps them in sight.
        """
        residual = self.residual
        symbols = set(residual.free_symbols) if isinstance(residual, sp.Basic) else set()
        for hypothesis in self.assumes:
            symbols |= hypothesis.symbols()
        return tuple(text for text in (_assumption_text(s) for s in sorted(symbols, key=sp.default_sort_key)) if text)

    @property
    def identity(self) -> bool:
        """True for a step without hypotheses: it holds for every loss (and is labelled so)."""
        return not self.assumes

    def residual_entries(self) -> tuple[str, ...]:
        """The residual before the hypotheses, one LaTeX string per entry (row-major for matrices)."""
        text = self.residual_text if self.residual_text is not None else self._render_residual()
        return text or ()

    def residual_latex(self, max_chars: int = 1200) -> str | None:
        """The residual before the hypotheses as one LaTeX column; None when absent or longer than ``max_chars``."""
        entries = self.residual_entries()
        if not entries:
            return None
        text = entries[0] if len(entries) == 1 else (
            r"\begin{bmatrix}" + r" \\ ".join(entries) + r"\end{bmatrix}"
        )
        return text if len(text) <= max_chars else None

    def latex(self) -> str:
        """``claim \\quad (justification; verdict)`` for a one-line rendering."""
        where = _where(self.dimension)
        verdict = (r"\text{residual undecided}" if self.holds is None
                   else r"\text{residual} = 0" if self.holds else r"\text{residual} \neq 0")
        if self.holds and self.relation == "> 0":
            verdict = r"\text{residual} > 0"
        note = _latex_text(self.justification + (f" ({where})" if where else ""))
        return f"{self.claim} \\quad {note};\\ {verdict}"


@dataclass(frozen=True)
class Control:
    """The statement with its hypothesis dropped; checked like a proof, it must come out failed.

    ``derive()`` yields the steps of the would-be derivation, for instance the
    same claim on the bowl ½‖θ‖², which is no corridor.
    """

    statement: str
    derive: Callable[[], Iterable[Step]] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class Proof:
    """A statement of the paper with the derivation that checks it.

    ``derive(dims)`` yields ``Step`` objects lazily (a timeout keeps the steps
    checked so far), for each n in ``dims``. ``hypothesis`` says what the
    statement assumes; ``control`` drops it and must fail.
    """

    name: str
    title: str
    reference: str
    statement: str
    derive: Callable[[tuple[int, ...]], Iterable[Step]] = field(repr=False)
    hypothesis: str = ""
    control: Control | None = None
    dimensions: tuple[int, ...] = DIMENSIONS


@dataclass(frozen=True)
class ControlResult:
    """The checked control of a proof: ``status`` must be ``failed``."""

    statement: str
    status: Status
    steps: tuple[CheckedStep, ...]
    message: str


@dataclass(frozen=True, kw_only=True)
class ProofResult:
    """Outcome of checking one ``Proof``.

    ``status`` ∈ {proved, failed, unknown}; ``seconds`` is the CPU time used
    (derivation and control), ``wall_seconds`` the elapsed time; ``steps``
    are ``CheckedStep`` objects; ``control`` is the checked control (None if
    the proof has none or it was not reached).
    """

    name: str
    title: str
    reference: str
    statement: str
    hypothesis: str
    status: Status
    dimensions: str
    seconds: float
    wall_seconds: float
    steps: tuple[CheckedStep, ...]
    message: str
    control: ControlResult | None = None

    def __str__(self) -> str:
        return f"{self.name}: {self.status} ({self.dimensions}; {self.message})"

    def to_dict(self) -> dict:
        """JSON-ready summary (steps as LaTeX with their verdicts)."""
        return {
            "name": self.name,
            "title": self.title,
            "reference": self.reference,
            "statement": self.statement,
            "hypothesis": self.hypothesis,
            "status": self.status.value,
            "dimensions": self.dimensions,
            "seconds": round(self.seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "message": self.message,
            "steps": [_step_dict(step) for step in self.steps],
            "control": None if self.control is None else {
                "statement": self.control.statement,
                "status": self.control.status.value,
                "message": self.control.message,
                "steps": [_step_dict(step) for step in self.control.steps],
            },
        }

    def latex(self) -> str:
        """The whole derivation, one numbered step per line, as a LaTeX fragment."""
        lines = [
            f"\\subsection*{{{_latex_escape(self.title)} ({_latex_escape(self.reference)})}}",
            _latex_escape(self.statement),
            "",
            f"Hypothesis: {_latex_escape(self.hypothesis)}",
            "",
            f"Verdict: \\textbf{{{self.status}}}; dimensions: {_latex_escape(self.dimensions)}.",
            "\\begin{enumerate}",
        ]
        lines += [f"  \\item $\\displaystyle {step.latex()}$" for step in self.steps]
        lines.append("\\end{enumerate}")
        return "\n".join(lines)


def _assumption_text(symbol) -> str:
    name = symbol.name
    if symbol.is_integer:
        if symbol.is_positive:
            return f"{name} ∈ {{1, 2, …}}"
        return f"{name} ∈ {{0, 1, 2, …}}" if symbol.is_nonnegative else f"{name} ∈ ℤ"
    if symbol.is_positive:
        return f"{name} > 0"
    if symbol.is_nonnegative:
        return f"{name} ≥ 0"
    if symbol.is_negative:
        return f"{name} < 0"
    return ""


def _step_dict(step: CheckedStep) -> dict:
    return {
        "claim": step.claim,
        "justification": step.justification,
        "assumes": [h.text for h in step.assumes],
        "symbol_assumptions": list(step.symbol_assumptions),
        "dimension": step.dimension,
        "relation": step.relation,
        "holds": step.holds,
        "enters": list(step.enters),
        "reason": step.reason,
        "residual": step.residual_latex(),
    }


def _where(dimension) -> str:
    if isinstance(dimension, int):
        return f"n = {dimension}"
    if dimension == ALL_N:
        return "all n"
    return ""


_LATEX_SPECIALS = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&",
    "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "^": r"\^{}", "~": r"\~{}",
})


def _latex_escape(text: str) -> str:
    """Plain text made safe for LaTeX (one pass, so escapes are not re-escaped)."""
    return text.translate(_LATEX_SPECIALS)


def _latex_text(text: str) -> str:
    return r"\text{" + _latex_escape(text) + "}"
