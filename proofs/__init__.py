"""Machine-checked derivations of the statements of Dherin & Rosca (2024), arXiv:2402.08818.

Every statement is derived with SymPy for a generic smooth loss E(θ₁, …, θₙ)
(an undefined function, not an example). Each ``Step`` carries a residual
lhs − rhs computed from the loss alone and the hypotheses it uses; the runner
applies the hypotheses as explicit rewrites, requires the result to be exactly
0, and requires every hypothesis to enter (dropping it leaves a residual shown
non-zero at a witness). A proof is "proved" only if, in addition, its control
(the statement with the hypothesis dropped) comes out "failed".

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

from . import (
    converse,
    corridor_families,
    corridor_learning_rate,
    definition_2_1,
    distance_functions,
    eikonal_characterisation,
    gd_equals_gf,
    invariance,
    lemma_2_8,
    linear_decrease,
    linear_decrease_without_corridor,
    modified_equation,
    no_regularization_any_order,
    one_step_gap,
    stability,
)
from ._core import (
    DIMENSIONS,
    CheckedStep,
    Control,
    ControlResult,
    Proof,
    ProofResult,
    Status,
    Step,
    check_proof,
    check_step,
)
from ._hypotheses import Hypothesis
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

# CPU seconds per proof (derivation and control). The slowest proof uses about
# 6 CPU s; the limit is 20× that, and CPU time does not grow when other
# processes keep the machine busy, so verdicts do not depend on load.
DEFAULT_TIMEOUT = 120.0

PROOFS: tuple[Proof, ...] = tuple(
    module.PROOF
    for module in (
        definition_2_1,
        lemma_2_8,
        linear_decrease,
        gd_equals_gf,
        converse,
        modified_equation,
        no_regularization_any_order,
        one_step_gap,
        corridor_learning_rate,
        invariance,
        corridor_families,
        distance_functions,
        eikonal_characterisation,
        linear_decrease_without_corridor,
        stability,
    )
)


class UnknownProof(KeyError):
    """A proof name that is not in ``PROOFS``."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def select(names=None) -> tuple[Proof, ...]:
    """The proofs called ``names`` in the order given (all of ``PROOFS`` when None or empty)."""
    if not names:
        return PROOFS
    by_name = {proof.name: proof for proof in PROOFS}
    missing = [name for name in names if name not in by_name]
    if missing:
        raise UnknownProof(
            f"unknown proof {', '.join(map(repr, missing))}; known: {', '.join(by_name)}"
        )
    return tuple(by_name[name] for name in names)


def run(names=None, *, timeout: float | None = None, jobs: int = 1) -> tuple[ProofResult, ...]:
    """Check the proofs called ``names`` (all by default), each within ``timeout`` CPU seconds.

    ``timeout=None`` means ``DEFAULT_TIMEOUT``; ``math.inf`` means no limit. A proof
    past its limit is reported "unknown" (the limit is enforced with a CPU-time
    timer in the main thread only; elsewhere proofs run to completion).
    ``jobs > 1`` checks proofs in that many worker processes (same verdicts,
    results in the order asked).

    Raises:
        UnknownProof: before checking anything, if a name is not in ``PROOFS``.
    """
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    selected = select(names)
    if jobs <= 1 or len(selected) <= 1:
        return tuple(check_proof(proof, timeout=limit) for proof in selected)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Longest first keeps both workers busy to the end; each worker enforces its own CPU limit.
    names_in_order = [proof.name for proof in selected]
    by_cost = sorted(names_in_order, key=lambda name: -_EXPECTED_CPU.get(name, 1.0))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(selected)), mp_context=context) as pool:
        done = dict(zip(by_cost, pool.map(_check_named, by_cost, [limit] * len(by_cost))))
    return tuple(done[name] for name in names_in_order)


def _check_named(name: str, limit: float) -> ProofResult:
    (proof,) = select([name])
    return check_proof(proof, timeout=limit)


# Rough CPU seconds per proof (measured), only to schedule the slow ones first.
_EXPECTED_CPU = {
    "no-regularization-at-any-order": 5.0,
    "corridor-families": 5.0,
    "distance-functions": 4.0,
    "modified-equation-no-regularization": 4.0,
    "one-step-gap": 3.0,
    "converse-gd-gf-agreement": 3.0,
    "definition-2.1-corridor-characterisation": 3.0,
}


def run_all(*, timeout: float | None = None, jobs: int = 1) -> tuple[ProofResult, ...]:
    """Check every proof of ``PROOFS``; the same as ``run()``."""
    return run(None, timeout=timeout, jobs=jobs)


from ._report import (  # noqa: E402 - the report module imports run() from here
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
