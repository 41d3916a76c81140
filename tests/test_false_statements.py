"""Deliberately false statements and non-proofs: the runner must report every one of them **failed**.

The list is ``proofs.false_statements()`` (see ``proofs/false_statements.py``):
GD = GF on the bowl, "CLR reaches E* in one step for every loss", "E(θ(t)) is
affine in t for every loss", invariance without tangency, a preset verdict,
an empty residual, and more ways to pass off a non-proof.
"""

from __future__ import annotations

import pytest

import proofs
from proofs import Status

REQUIRED = {
    "gd-gf-on-bowl",
    "clr-every-loss",
    "affine-loss-every-loss",
    "invariance-without-tangency",
    "preset-verdict",
    "empty-residual",
    "boolean-residual",
}


def test_the_required_false_statements_are_there():
    assert REQUIRED <= {proof.name for proof in proofs.false_statements()}


@pytest.mark.parametrize("statement", proofs.false_statements(), ids=lambda proof: proof.name)
def test_every_false_statement_fails(statement):
    result = proofs.check_proof(statement, timeout=300.0)
    assert result.status is Status.FAILED, result.message
    assert any(step.holds is False for step in result.steps)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("preset-verdict", "preset verdict"),
        ("foreign-object", "not a Step"),
        ("empty-residual", "empty"),
        ("boolean-residual", "Boolean"),
        ("relation-residual", "relation"),
        ("no-residual", "no residual"),
        ("literal-zero", "literally 0"),
        ("float-residual", "floating-point"),
        ("all-n-fixed-size", "'all n'"),
        ("unused-hypothesis", "does not enter"),
        ("contradictory-hypotheses", "contradict each other"),
    ],
)
def test_non_proofs_are_refused_with_the_reason(name, reason):
    (statement,) = [proof for proof in proofs.false_statements() if proof.name == name]
    result = proofs.check_proof(statement)
    assert result.status is Status.FAILED
    assert "refused" in result.message and reason in result.message


@pytest.mark.parametrize(
    "name", ["gd-gf-on-bowl", "clr-every-loss", "affine-loss-every-loss", "invariance-without-tangency"]
)
def test_false_mathematics_is_refuted_by_a_witness(name):
    (statement,) = [proof for proof in proofs.false_statements() if proof.name == name]
    result = proofs.check_proof(statement)
    assert result.status is Status.FAILED and "refuted" in result.message
