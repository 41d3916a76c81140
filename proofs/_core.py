"""Steps, proofs, results and the runner that checks every step's residual.

A derivation is a sequence of ``Step`` objects, each a claim with a SymPy
residual (claim's left side minus right side, computed explicitly). A proof is
"proved" when every residual simplifies to exactly zero, "failed" when some
residual is shown non-zero (see ``_verdict``), and "unknown" otherwise
(undecided, timed out, or the derivation itself raised).
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Proof", "ProofResult", "Step", "DIMENSIONS", "ProofTimeout", "check_proof"]

# Dimensions n in which statements about a generic loss E(θ₁, …, θₙ) are checked.
DIMENSIONS = (1, 2, 3, 4)

PROVED, FAILED, UNKNOWN = "proved", "failed", "unknown"

# A Step's ``dimension``: the n it was checked in, or ALL_N for a derivation
# with symbolic size (MatrixSymbol of shape n×1), or None for a side example.
ALL_N = "all"


@dataclass(frozen=True)
class Step:
    """One checked claim: ``claim`` holds iff ``residual`` = lhs − rhs ≡ 0.

    ``claim`` is a SymPy object or a LaTeX math string; ``holds`` is None until
    the runner has decided the residual (True: exactly zero, False: shown
    non-zero). ``dimension`` records where it was checked (int n, "all" or None).
    """

    claim: object
    justification: str
    residual: object | None
    holds: bool | None = None
    dimension: int | str | None = None

    def latex(self) -> str:
        """Render as ``claim \\quad (justification; residual verdict)``."""
        claim = self.claim if isinstance(self.claim, str) else sp.latex(self.claim)
        where = ""
        if isinstance(self.dimension, int):
            where = f"n = {self.dimension}"
        elif self.dimension == ALL_N:
            where = "all n"
        verdict = {True: r"\text{residual} = 0", False: r"\text{residual} \neq 0"}.get(
            self.holds, r"\text{residual undecided}"
        )
        note = _latex_text(self.justification + (f" ({where})" if where else ""))
        return f"{claim} \\quad {note};\\ {verdict}"


@dataclass(frozen=True)
class Proof:
    """A statement of the paper with the derivation that checks it.

    ``derive(dims)`` yields ``Step`` objects lazily, so that a timeout keeps the
    steps checked so far.
    """

    name: str
    title: str
    reference: str
    statement: str
    derive: Callable[[tuple[int, ...]], Iterable[Step]] = field(repr=False)


@dataclass(frozen=True)
class ProofResult:
    """Outcome of checking one ``Proof``: status ∈ {proved, failed, unknown}."""

    name: str
    title: str
    reference: str
    status: str
    dimensions: str
    seconds: float
    steps: tuple[Step, ...]
    message: str
    statement: str = ""

    def to_dict(self) -> dict:
        """JSON-ready summary (steps as LaTeX strings with their verdicts)."""
        return {
            "name": self.name,
            "title": self.title,
            "reference": self.reference,
            "statement": self.statement,
            "status": self.status,
            "dimensions": self.dimensions,
            "seconds": round(self.seconds, 3),
            "message": self.message,
            "steps": [
                {"latex": step.latex(), "justification": step.justification, "holds": step.holds}
                for step in self.steps
            ],
        }

    def latex(self) -> str:
        """The whole derivation, one numbered step per line, as a LaTeX fragment."""
        lines = [
            f"\\subsection*{{{_latex_escape(self.title)} ({_latex_escape(self.reference)})}}",
            _latex_escape(self.statement),
            "",
            f"Verdict: \\textbf{{{self.status}}}; dimensions: {_latex_escape(self.dimensions)}.",
            "\\begin{enumerate}",
        ]
        lines += [f"  \\item $\\displaystyle {step.latex()}$" for step in self.steps]
        lines.append("\\end{enumerate}")
        return "\n".join(lines)


class ProofTimeout(BaseException):
    """Raised by the interval timer; BaseException so SymPy's ``except Exception`` lets it through."""


def check_proof(proof: Proof, dims: tuple[int, ...] = DIMENSIONS, *, timeout: float | None = None) -> ProofResult:
    """Run ``proof.derive(dims)``, decide every step and summarise the verdict."""
    from ._verdict import settle  # late import: _verdict imports Step from here

    steps: list[Step] = []
    message = ""
    start = time.perf_counter()
    try:
        with _time_limit(timeout):
            for step in proof.derive(dims):
                steps.append(settle(step))
    except ProofTimeout:
        message = f"timed out after {timeout:g} s ({len(steps)} steps checked)"
    except Exception as error:  # noqa: BLE001 - a crash is reported, not a verdict
        message = f"derivation raised {type(error).__name__}: {' '.join(str(error).split())}"
    seconds = time.perf_counter() - start

    if any(step.holds is False for step in steps):
        status = FAILED
        bad = next(i for i, step in enumerate(steps, 1) if step.holds is False)
        message = message or f"step {bad} has a non-zero residual"
    elif message or not steps or any(step.holds is None for step in steps):
        status = UNKNOWN
        if not message:
            message = "no steps" if not steps else "some residual could not be decided"
    else:
        status = PROVED
        message = f"{len(steps)} steps, every residual exactly 0"
    return ProofResult(
        name=proof.name,
        title=proof.title,
        reference=proof.reference,
        status=status,
        dimensions=_dimensions(steps),
        seconds=seconds,
        steps=tuple(steps),
        message=message,
        statement=proof.statement,
    )


def _dimensions(steps: list[Step]) -> str:
    """'all n', 'n = 1..4' or 'n = 1..4 (algebra: all n)' from the steps' dimensions."""
    sizes = sorted({s.dimension for s in steps if isinstance(s.dimension, int)})
    symbolic = any(s.dimension == ALL_N for s in steps)
    if not sizes:
        return "all n" if symbolic else "-"
    span = f"n = {sizes[0]}" if len(sizes) == 1 else f"n = {sizes[0]}..{sizes[-1]}"
    if sizes != list(range(sizes[0], sizes[-1] + 1)):
        span = "n = " + ", ".join(map(str, sizes))
    return f"{span} (algebra: all n)" if symbolic else span


class _time_limit:
    """Context manager: raise ProofTimeout after ``seconds`` (main thread only).

    SIGALRM can only be handled in the main thread; elsewhere (or without
    setitimer) the proof runs without interruption.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.active = (
            seconds is not None
            and seconds != float("inf")
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 1e-3))
        return self

    def __exit__(self, *exc_info):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False

    @staticmethod
    def _expire(signum, frame):
        raise ProofTimeout


_LATEX_SPECIALS = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&",
    "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$", "^": r"\^{}", "~": r"\~{}",
})


def _latex_escape(text: str) -> str:
    """Plain text made safe for LaTeX (one pass, so escapes are not re-escaped)."""
    return text.translate(_LATEX_SPECIALS)


def _latex_text(text: str) -> str:
    return r"\text{" + _latex_escape(text) + "}"


def with_holds(step: Step, holds: bool | None, residual) -> Step:
    """A copy of ``step`` with its verdict filled in."""
    return dataclasses.replace(step, holds=holds, residual=residual)
