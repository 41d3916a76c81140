"""Steps, proofs, results and the runner that decides every step.

A derivation is a sequence of ``Step`` objects. Each carries a claim, a SymPy
residual lhs − rhs computed from the loss alone, and the hypotheses it uses
(``assumes``), which the *runner* applies as explicit rewrites
(``_hypotheses``). The runner's rules:

1. Only ``Step`` objects are accepted. Refused, and counted as failed: any
   other object (e.g. one carrying a preset verdict), no residual, a Boolean
   or relation, an empty matrix, floats, a residual that is literally 0 before
   any reduction, "all n" without a symbolic size (``_verdict.refusal``).
2. A step holds when its residual, rewritten by all its hypotheses, is exactly
   0 (or, for ``relation="> 0"``, provably positive).
3. Every hypothesis must enter: with any one of them dropped the residual must
   be shown non-zero (not positive) at a witness. A step with no hypotheses is
   an identity for every loss and is labelled so.
4. A proof is *proved* when every step holds **and** its control, the
   statement with the hypothesis dropped, comes out *failed*. It is *failed*
   when a step is refused or refuted, and *unknown* otherwise (undecided,
   out of budget, the derivation raised, no control, or the control did not
   fail).

The budget is process CPU time (``ITIMER_PROF``), not wall-clock time, so
verdicts do not change when other processes keep the machine busy.
"""

from __future__ import annotations

import enum
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp

from ._hypotheses import Hypothesis
from ._latex import latex
from ._verdict import ALL_N, decide, not_shown_positive, refusal, shown_nonzero

__all__ = [
    "ALL_N",
    "CheckedStep",
    "Control",
    "DIMENSIONS",
    "Proof",
    "ProofResult",
    "ProofTimeout",
    "Status",
    "Step",
    "check_proof",
    "check_step",
]

# Dimensions n in which statements about a generic loss E(θ₁, …, θₙ) are checked
# by default; a proof may check fewer (``Proof.dimensions``) and says so.
DIMENSIONS = (1, 2, 3, 4)


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

    >>> x = sp.Symbol("x")
    >>> check_step(Step("(x+1)^2 = x^2 + 2x + 1", "expand", (x + 1)**2 - x**2 - 2*x - 1)).holds
    True
    """

    claim: str
    justification: str
    residual: object
    assumes: tuple[Hypothesis, ...] = ()
    dimension: int | str | None = None
    relation: str = "= 0"


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
        verdict = {True: r"\text{residual} = 0", False: r"\text{residual} \neq 0"}.get(
            self.holds, r"\text{residual undecided}"
        )
        if self.holds and self.relation == "> 0":
            verdict = r"\text{residual} > 0"
        note = _latex_text(self.justification + (f" ({where})" if where else ""))
        return f"{self.claim} \\quad {note};\\ {verdict}"


def check_step(step) -> CheckedStep:
    """Decide one step by the runner's rules (see the module docstring)."""
    reason = refusal(step)
    if reason:
        return CheckedStep(step, False, None, (), f"refused: {reason}")
    raw, hypotheses = step.residual, step.assumes
    try:
        holds, reduced = decide(_apply(raw, hypotheses), step.relation)
    except Exception as error:  # noqa: BLE001 - SymPy gave up: undecided, not a verdict
        return CheckedStep(step, None, None, (), f"undecided: deciding raised {type(error).__name__}: {error}")
    if holds is False:
        return CheckedStep(step, False, reduced, (), "refuted: the residual is non-zero at a witness"
                           if step.relation == "= 0" else "refuted: the residual is not positive at a witness")
    if holds is None:
        return CheckedStep(step, None, reduced, (), "undecided: the residual is neither shown 0 nor non-zero")
    if not hypotheses:
        return CheckedStep(step, True, reduced, (), "identity: holds for every loss, no hypothesis used")
    try:
        enters = tuple(_enters(raw, hypotheses, i, step.relation) for i in range(len(hypotheses)))
    except Exception as error:  # noqa: BLE001
        return CheckedStep(step, None, reduced, (),
                           f"undecided: checking that the hypotheses enter raised {type(error).__name__}: {error}")
    for hypothesis, entered in zip(hypotheses, enters):
        if entered is False:
            return CheckedStep(step, False, reduced, enters, f"refused: hypothesis '{hypothesis.text}' does not "
                               "enter (the claim holds without it; state it as an identity)")
    for hypothesis, entered in zip(hypotheses, enters):
        if entered is None:
            return CheckedStep(step, None, reduced, enters,
                               f"undecided: could not show that hypothesis '{hypothesis.text}' is needed")
    return CheckedStep(step, True, reduced, enters,
                       "holds under the hypotheses; without any one of them the residual is non-zero at a witness")


def _apply(residual, hypotheses):
    for hypothesis in hypotheses:
        residual = hypothesis.apply(residual)
    return residual


def _enters(raw, hypotheses, index: int, relation: str) -> bool | None:
    """Whether dropping ``hypotheses[index]`` leaves a residual refuted at a witness.

    True: refuted (the hypothesis is needed); False: the claim still holds
    (it does not enter); None: neither shown.
    """
    dropped = _apply(raw, hypotheses[:index] + hypotheses[index + 1:])
    if relation == "> 0":
        if not_shown_positive(dropped):
            return True
        return False if decide(dropped, relation)[0] is True else None
    if shown_nonzero(dropped):  # a witness is cheaper than a reduction: try it first
        return True
    holds, _ = decide(dropped)
    return {True: False, False: True}.get(holds)


@dataclass(frozen=True)
class Control:
    """The statement with its hypothesis dropped; checked like a proof, it must come out failed.

    ``derive()`` yields the steps of the would-be derivation, for instance the
    same claim on the bowl ½‖θ‖², which is no corridor.
    """

    statement: str
    derive: Callable[[], Iterable[Step]] = field(repr=False)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


class ProofTimeout(BaseException):
    """Raised by the CPU timer; BaseException so SymPy's ``except Exception`` lets it through."""


def check_proof(proof: Proof, *, timeout: float | None = None) -> ProofResult:
    """Run ``proof.derive``, decide every step, check the control; summarise the verdict.

    ``timeout``: CPU seconds for the derivation and its control together
    (None or ``math.inf``: no limit).
    """
    cpu, wall = time.process_time(), time.perf_counter()
    control = None
    steps: list[CheckedStep] = []
    try:
        with _cpu_limit(timeout) as limit:
            try:
                steps, message = _check_all(lambda: proof.derive(proof.dimensions), limit)
                status, message = _summarise(steps, message)
                if status is Status.PROVED:
                    status, message, control = _check_control(proof, message, limit)
                if limit.expired:
                    raise ProofTimeout
            except ProofTimeout:  # fired between steps, outside _check_all
                status, message = Status.UNKNOWN, f"out of budget after {limit.seconds:g} CPU s"
    except ProofTimeout:  # fired on the way out of the inner block, before the timer was disarmed
        status, message = Status.UNKNOWN, f"out of budget after {timeout:g} CPU s"
    return ProofResult(
        name=proof.name,
        title=proof.title,
        reference=proof.reference,
        statement=proof.statement,
        hypothesis=proof.hypothesis,
        status=status,
        dimensions=_dimensions(steps),
        seconds=time.process_time() - cpu,
        wall_seconds=time.perf_counter() - wall,
        steps=tuple(steps),
        message=message,
        control=control,
    )


def _check_control(proof: Proof, message: str, limit) -> tuple[Status, str, ControlResult | None]:
    """A proved derivation stays proved only if its control (hypothesis dropped) fails."""
    if proof.control is None:
        return Status.UNKNOWN, "no hypothesis-dropping control", None
    steps, control_message = _check_all(proof.control.derive, limit)
    control_status, control_message = _summarise(steps, control_message)
    control = ControlResult(proof.control.statement, control_status, tuple(steps), control_message)
    if control_status is Status.FAILED:
        return Status.PROVED, f"{message}; control fails ({control_message})", control
    return (Status.UNKNOWN, f"the control did not fail ({control_status}: {control_message}); "
            "the hypothesis is not shown to matter", control)


def _check_all(derive, limit) -> tuple[list[CheckedStep], str]:
    steps: list[CheckedStep] = []
    message = ""
    try:
        for step in derive():
            steps.append(check_step(step))
            if limit.expired:  # the timer fired where its exception was swallowed
                raise ProofTimeout
    except ProofTimeout:
        message = f"out of budget after {limit.seconds:g} CPU s ({len(steps)} steps checked)"
    except Exception as error:  # noqa: BLE001 - a crash is reported, not a verdict
        message = f"derivation raised {type(error).__name__}: {' '.join(str(error).split())}"
    return steps, message


def _summarise(steps: list[CheckedStep], message: str) -> tuple[Status, str]:
    bad = next((i for i, step in enumerate(steps, 1) if step.holds is False), None)
    if bad is not None:
        return Status.FAILED, f"step {bad}: {steps[bad - 1].reason}"
    if message:
        return Status.UNKNOWN, message
    if not steps:
        return Status.UNKNOWN, "no steps"
    undecided = next((i for i, step in enumerate(steps, 1) if step.holds is None), None)
    if undecided is not None:
        return Status.UNKNOWN, f"step {undecided}: {steps[undecided - 1].reason}"
    identities = sum(step.identity for step in steps)
    positive = sum(step.relation == "> 0" for step in steps)
    verdict = "every residual exactly 0" + (f" or provably positive ({positive})" if positive else "")
    return Status.PROVED, (f"{len(steps)} steps, {verdict}; {identities} identities for every loss, "
                           f"{len(steps) - identities} under hypotheses that each enter")


def _where(dimension) -> str:
    if isinstance(dimension, int):
        return f"n = {dimension}"
    if dimension == ALL_N:
        return "all n"
    return ""


def _dimensions(steps: list[CheckedStep]) -> str:
    """'n = 1..4', 'all n', 'n = 1..4; all n: 2 steps' or 'example' from the steps' dimensions."""
    sizes = sorted({s.dimension for s in steps if isinstance(s.dimension, int)})
    symbolic = sum(s.dimension == ALL_N for s in steps)
    if not sizes:
        return "all n" if symbolic else "example"
    span = f"n = {sizes[0]}" if len(sizes) == 1 else f"n = {sizes[0]}..{sizes[-1]}"
    if sizes != list(range(sizes[0], sizes[-1] + 1)):
        span = "n = " + ", ".join(map(str, sizes))
    return f"{span}; all n: {symbolic} step{'s' * (symbolic != 1)}" if symbolic else span


class _cpu_limit:
    """Context manager: raise ProofTimeout after ``seconds`` of process CPU time (main thread only).

    CPU time, not wall-clock time: another process keeping a core busy does
    not change how much work a proof may do. The timer keeps firing every
    ``_REPEAT`` CPU seconds after expiry, and ``expired`` is checked between
    steps, because an exception raised inside a garbage-collector callback
    (JAX registers one) is swallowed by Python. Signals can only be handled in
    the main thread; elsewhere (or without setitimer) proofs run to completion.
    """

    _REPEAT = 0.05

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.expired = False
        self.disarmed = False
        self.active = (
            seconds is not None
            and seconds != float("inf")
            and hasattr(signal, "setitimer")
            and hasattr(signal, "SIGPROF")
            and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGPROF, self._expire)
            signal.setitimer(signal.ITIMER_PROF, max(self.seconds, 1e-3), self._REPEAT)
        return self

    def __exit__(self, *exc_info):
        self.disarmed = True
        if self.active:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, self.previous)
        return False

    def _expire(self, signum, frame):
        self.expired = True
        if not self.disarmed:
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
