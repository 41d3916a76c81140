"""Machine-checked derivations of the statements of Dherin & Rosca (2024), arXiv:2402.08818.

Every statement is derived with SymPy for a generic smooth loss E(θ₁, …, θₙ)
(an undefined function, not an example): each ``Step`` carries an explicit
residual lhs − rhs that must simplify to exactly 0. ``run()`` checks the
proofs in ``PROOFS`` and returns one ``ProofResult`` per proof, with status
"proved", "failed" (a residual shown non-zero) or "unknown" (undecided or
timed out). ``negative_controls()`` are false statements that must fail
(check one with ``check_proof``).
"""

from __future__ import annotations

from . import (
    converse,
    corridor_families,
    corridor_learning_rate,
    definition_2_1,
    gd_equals_gf,
    invariance,
    lemma_2_8,
    linear_decrease,
    modified_equation,
)
from ._core import DIMENSIONS, Proof, ProofResult, Step, check_proof
from .negative_controls import CONTROLS

__all__ = [
    "DEFAULT_TIMEOUT",
    "PROOFS",
    "Proof",
    "ProofResult",
    "Step",
    "UnknownProof",
    "check_proof",
    "negative_controls",
    "run",
    "select",
]

# Seconds per proof. The slowest proof takes about 4 s alone on one core; 9 × 12 s
# bounds the whole run under two minutes even if every proof ran out of time.
DEFAULT_TIMEOUT = 12.0

PROOFS: tuple[Proof, ...] = tuple(
    module.PROOF
    for module in (
        definition_2_1,
        lemma_2_8,
        linear_decrease,
        gd_equals_gf,
        converse,
        modified_equation,
        corridor_learning_rate,
        invariance,
        corridor_families,
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


def run(names=None, *, timeout: float | None = None) -> list[ProofResult]:
    """Check the proofs called ``names`` (all by default), each within ``timeout`` seconds.

    ``timeout=None`` means ``DEFAULT_TIMEOUT``; ``math.inf`` means no limit. A proof
    past its limit is reported "unknown" (the limit is enforced with SIGALRM in
    the main thread only; elsewhere proofs run to completion).
    """
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    return [check_proof(proof, DIMENSIONS, timeout=limit) for proof in select(names)]


def negative_controls() -> tuple[Proof, ...]:
    """Deliberately false statements built with the same machinery; ``check_proof`` must say "failed"."""
    return CONTROLS
