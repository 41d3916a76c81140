"""The runner: check proofs under a CPU budget, the list of proofs, and ``run``.

A proof is *proved* when every step holds (``_verdict.check_step``) **and**
its control, the statement with the hypothesis dropped, comes out *failed*.
The control must fail by refutation (a residual non-zero at a witness), not
merely by being refused. A proof is *failed* when a step is refused or
refuted, and *unknown* otherwise (undecided, out of budget, the derivation
raised, no control, or the control was not refuted).

The budget is CPU time, not wall-clock time (:class:`corridors.budgets.TimeBudget`,
the mechanism ``corridors.analyze`` uses), so verdicts do not change when
other processes keep the machine busy.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import sys
import time

from corridors.budgets import TimeBudget

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
from ._steps import ALL_N, CheckedStep, ControlResult, Proof, ProofResult, Status
from ._verdict import check_step

__all__ = [
    "DEFAULT_TIMEOUT",
    "PROOFS",
    "ProofTimeout",
    "UnknownProof",
    "check_proof",
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
    from concurrent.futures import ProcessPoolExecutor

    # Longest first keeps both workers busy to the end; each worker enforces its own CPU limit.
    names_in_order = [proof.name for proof in selected]
    by_cost = sorted(names_in_order, key=lambda name: -_EXPECTED_CPU.get(name, 1.0))
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=min(jobs, len(selected)), mp_context=context) as pool:
        done = dict(zip(by_cost, pool.map(_check_named, by_cost, [limit] * len(by_cost))))
    return tuple(done[name] for name in names_in_order)


def _start_method() -> str | None:
    """How to start workers: fork (they inherit the imported SymPy) unless JAX is loaded.

    Forking a process in which JAX runs threads can leave the child blocked
    on a lock that a thread of the parent held (JAX warns of it), e.g. when
    the child collects an inherited array. Then the workers come from a clean
    forkserver process (or spawn, where there is none), at the cost of
    importing SymPy once more.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and "jax" not in sys.modules:
        return "fork"
    return "forkserver" if "forkserver" in methods else None


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


class ProofTimeout(BaseException):
    """Raised by the CPU timer; BaseException so SymPy's ``except Exception`` lets it through."""


def check_proof(proof: Proof, *, timeout: float | None = None) -> ProofResult:
    """Run ``proof.derive``, decide every step, check the control; summarise the verdict.

    ``timeout``: CPU seconds for the derivation and its control together
    (None or ``math.inf``: no limit).

    >>> result = check_proof(select(["lemma-2.8-gradient-along-flow"])[0])
    >>> str(result.status), str(result.control.status)
    ('proved', 'failed')
    """
    cpu, wall = time.process_time(), time.perf_counter()
    control = None
    steps: list[CheckedStep] = []
    limit = _Limit(timeout)
    try:
        with limit.enforced():
            try:
                steps, message = _check_all(lambda: proof.derive(proof.dimensions), limit)
                status, message = _summarise(steps, message)
                if status is Status.PROVED:
                    status, message, control = _check_control(proof, message, limit)
                if limit.expired():
                    raise ProofTimeout
            except ProofTimeout:  # fired between steps, outside _check_all
                status, message = Status.UNKNOWN, limit.out_of_budget()
    except ProofTimeout:  # fired on the way out of the inner block, before the timer was disarmed
        status, message = Status.UNKNOWN, limit.out_of_budget()
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
    # Failing by refusal (an empty residual, a foreign object) shows nothing about
    # the hypothesis: the control must be mathematics that a witness refutes.
    refuted = any(step.holds is False and step.reason.startswith("refuted") for step in steps)
    if control_status is Status.FAILED and refuted:
        return Status.PROVED, f"{message}; control fails ({control_message})", control
    if control_status is Status.FAILED:
        return (Status.UNKNOWN, f"the control was only refused ({control_message}), not refuted at a witness; "
                "the hypothesis is not shown to matter", control)
    return (Status.UNKNOWN, f"the control did not fail ({control_status}: {control_message}); "
            "the hypothesis is not shown to matter", control)


def _check_all(derive, limit) -> tuple[list[CheckedStep], str]:
    steps: list[CheckedStep] = []
    message = ""
    try:
        for step in derive():
            steps.append(check_step(step))
            if limit.expired():  # the timer fired where its exception was swallowed
                raise ProofTimeout
    except ProofTimeout:
        message = f"{limit.out_of_budget()} ({len(steps)} steps checked)"
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


class _Limit:
    """The CPU budget of one proof: a ``TimeBudget``, or none for ``timeout`` None or ``math.inf``.

    Its timer raises ``ProofTimeout``. ``expired()`` is also checked between
    steps, because an exception raised inside a garbage-collector callback
    (JAX registers one) is swallowed by Python.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.budget = None if seconds is None or seconds == math.inf else TimeBudget(seconds)

    def enforced(self):
        if self.budget is None:
            return contextlib.nullcontext()
        return self.budget.enforced("proof", raises=ProofTimeout)

    def expired(self) -> bool:
        return self.budget is not None and self.budget.expired()

    def out_of_budget(self) -> str:
        return f"out of budget after {self.seconds:g} CPU s"
