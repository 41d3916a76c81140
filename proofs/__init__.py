"""Machine-checked derivations of the statements of Dherin & Rosca (2024), arXiv:2402.08818.

Every statement is derived with SymPy for a generic smooth loss E(θ₁, …, θₙ)
(an undefined function, not an example). Each ``Step`` carries a residual
lhs − rhs computed from the loss alone and the hypotheses it uses; the runner
applies the hypotheses as explicit rewrites, requires the result to be exactly
0, and requires every hypothesis to enter (dropping it leaves a residual shown
non-zero at a witness); hypotheses that a witness shows to contradict each
other are refused. A proof is "proved" only if, in addition, its control (the
statement with the hypothesis dropped) comes out "failed", refuted at a
witness.

Public API:

* ``run(names=None, *, timeout=None)`` / ``run_all()``: check proofs, get ``ProofResult`` objects
  (``status``, ``statement``, ``hypothesis``, ``steps`` with residuals, ``control``);
* ``check_proof`` / ``check_step``: the runner, for your own derivations;
* ``false_statements()``: deliberately false statements that must come out "failed";
* ``main`` / ``report`` / ``format_table`` / ``format_json`` / ``exit_status`` / ``add_arguments``:
  the command line shared by ``python -m proofs`` and ``corridors prove``.

>>> import proofs
>>> (result,) = proofs.run(["lemma-2.8-gradient-along-flow"])
>>> result.status, result.control.status
(<Status.PROVED: 'proved'>, <Status.FAILED: 'failed'>)
"""

from __future__ import annotations

# One direction only: _steps → _verdict → _runner → _report (no import cycles).
from ._hypotheses import Hypothesis
from ._report import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNKNOWN,
    add_arguments,
    exit_status,
    format_json,
    format_table,
    main,
    report,
)
from ._runner import DEFAULT_TIMEOUT, PROOFS, UnknownProof, check_proof, run, run_all, select
from ._steps import DIMENSIONS, CheckedStep, Control, ControlResult, Proof, ProofResult, Status, Step
from ._verdict import check_step
from .false_statements import false_statements

__all__ = [
    "DEFAULT_TIMEOUT",
    "DIMENSIONS",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "PROOFS",
    "CheckedStep",
    "Control",
    "ControlResult",
    "Hypothesis",
    "Proof",
    "ProofResult",
    "Status",
    "Step",
    "UnknownProof",
    "add_arguments",
    "check_proof",
    "check_step",
    "exit_status",
    "false_statements",
    "format_json",
    "format_table",
    "main",
    "report",
    "run",
    "run_all",
    "select",
]
