"""The machine-checked derivations: every proof proved, every negative control failed, CLI contract."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest
import sympy as sp

import proofs
from proofs import _report
from proofs._core import Step
from proofs._verdict import decide

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Generous: "proved" must not depend on how busy the machine is.
PATIENT = 300.0


@pytest.fixture(scope="module")
def results():
    return {result.name: result for result in proofs.run(timeout=PATIENT)}


def _run(*args):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_registry_lists_one_proof_per_statement_in_order():
    names = [proof.name for proof in proofs.PROOFS]
    assert len(names) == len(set(names)) == 9
    assert names[0] == "definition-2.1-corridor-characterisation"
    assert "lemma-2.8-gradient-along-flow" in names
    assert names[-1] == "corridor-families"


@pytest.mark.parametrize("name", [proof.name for proof in proofs.PROOFS])
def test_every_proof_is_proved(results, name):
    result = results[name]
    assert result.status == "proved", result.message
    assert result.steps and all(step.holds is True for step in result.steps)
    assert all(step.residual == 0 for step in result.steps)
    assert result.dimensions.startswith(("n = 1..4", "all n"))


@pytest.mark.parametrize("control", proofs.negative_controls(), ids=lambda proof: proof.name)
def test_every_negative_control_fails(control):
    result = proofs.check_proof(control, timeout=PATIENT)
    assert result.status == "failed", result.message
    assert any(step.holds is False for step in result.steps)


def test_decide_zero_and_nonzero():
    x = sp.Symbol("x")
    f = sp.Function("f")(x)
    assert decide(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)[0] is True
    assert decide(f.diff(x) - 2 * f.diff(x))[0] is False  # refuted with a test function
    assert decide(sp.Eq(x + x, 2 * x, evaluate=False))[0] is True
    assert decide(sp.Eq(x, x))[0] is True  # already evaluated to sympy.true
    assert decide(sp.sqrt(x**2) - x)[0] is False  # |x| ≠ x at a negative witness


def test_too_small_timeout_gives_unknown_not_a_crash():
    (result,) = proofs.run(["modified-equation-no-regularization"], timeout=0.01)
    assert result.status == "unknown"
    assert "timed out" in result.message


def test_unknown_name_raises_before_running():
    with pytest.raises(proofs.UnknownProof, match="no-such-proof"):
        proofs.run(["no-such-proof"])


def test_result_to_dict_is_json_ready(results):
    payload = json.loads(_report.format_json(list(results.values())))
    assert {"name", "status", "reference", "dimensions", "seconds", "message"} <= set(payload[0])
    assert [item["name"] for item in payload] == [proof.name for proof in proofs.PROOFS]


def test_steps_and_results_render_to_latex(results):
    result = results["lemma-2.8-gradient-along-flow"]
    text = result.latex()
    assert text.startswith("\\subsection*{") and "\\begin{enumerate}" in text
    assert all(step.latex() in text for step in result.steps)
    assert r"\text{residual} = 0" in result.steps[0].latex()
    symbolic = Step(claim=sp.Eq(sp.Symbol("a"), sp.Symbol("b")), justification="50% & _x_", residual=None)
    assert symbolic.latex().startswith("a = b") and r"50\% \& \_x\_" in symbolic.latex()


def test_table_lists_every_proof(results):
    table = _report.format_table(list(results.values()))
    assert "Lemma 2.8" in table and "Definition 2.1" in table
    assert "9 proved, 0 failed, 0 unknown" in table


def test_exit_status_counts_only_failures(results):
    failed = proofs.check_proof(proofs.negative_controls()[0])
    assert _report.exit_status(list(results.values())) == 0
    assert _report.exit_status([failed]) == 1


def test_python_m_proofs_json():
    completed = _run("-m", "proofs", "lemma-2.8-gradient-along-flow", "corridor-learning-rate", "--json")
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert [(item["name"], item["status"]) for item in payload] == [
        ("lemma-2.8-gradient-along-flow", "proved"),
        ("corridor-learning-rate", "proved"),
    ]


@pytest.mark.parametrize("command", [["-m", "proofs"], ["-m", "corridors", "prove"]], ids=["proofs", "corridors"])
def test_unknown_name_is_one_line_exit_2(command):
    completed = _run(*command, "no-such-proof")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "no-such-proof" in completed.stderr and "Traceback" not in completed.stderr


def test_bad_timeout_is_one_line_exit_2():
    completed = _run("-m", "proofs", "--timeout", "-1")
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1


def test_corridors_prove_table():
    completed = _run("-m", "corridors", "prove", "lemma-2.8-gradient-along-flow", "--timeout", "300")
    assert completed.returncode == 0, completed.stderr
    assert "Lemma 2.8" in completed.stdout and "proved" in completed.stdout
