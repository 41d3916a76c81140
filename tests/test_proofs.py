"""The machine-checked derivations: every statement proved with a failing control, the runner's rules, the CLI.

No wall-clock assertions: budgets are CPU seconds, and generous.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import time

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import proofs
from proofs import Control, Proof, Status, Step, check_proof, check_step
from proofs._calculus import corridor, difference, generic_loss, gradient, loss_is
from proofs._verdict import _contradiction, decide

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Generous CPU budget: "proved" must not depend on how busy the machine is.
PATIENT = 300.0
CHEAP = ["lemma-2.8-gradient-along-flow", "stability-of-corridors"]

NEW_STATEMENTS = [
    "distance-functions",
    "eikonal-characterisation",
    "linear-decrease-without-corridor",
    "one-step-gap",
    "no-regularization-at-any-order",
    "stability-of-corridors",
]


def _run(*args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_registry_lists_one_proof_per_statement_in_order():
    names = [proof.name for proof in proofs.PROOFS]
    assert len(names) == len(set(names)) == 15
    assert names[0] == "definition-2.1-corridor-characterisation"
    assert set(NEW_STATEMENTS) <= set(names)
    assert all(proof.control is not None and proof.hypothesis for proof in proofs.PROOFS)


# --- every statement: proved, each hypothesis enters, the control fails ---------------------
@pytest.mark.parametrize("name", [proof.name for proof in proofs.PROOFS])
def test_every_statement_is_proved_and_its_control_fails(name):
    (result,) = proofs.run([name], timeout=PATIENT)
    assert result.status is Status.PROVED, result.message
    assert result.steps and all(step.holds is True for step in result.steps)
    assert all(step.reduced == 0 for step in result.steps if step.relation == "= 0")
    # Each hypothesis of each step was shown to matter: without it, a witness refutes the step.
    assert all(all(entered is True for entered in step.enters) for step in result.steps)
    assert all(len(step.enters) == len(step.assumes) for step in result.steps)
    assert result.control is not None and result.control.status is Status.FAILED, result.message
    assert any(step.holds is False for step in result.control.steps)


@pytest.mark.parametrize("proof", proofs.PROOFS, ids=lambda proof: proof.name)
def test_dimensions_are_claimed_as_checked(proof):
    """'n = 1..N' for what was checked per dimension; 'all n' only with a symbolic size (none today)."""
    steps = list(proof.derive(proof.dimensions))
    sizes = sorted({step.dimension for step in steps if isinstance(step.dimension, int)})
    assert sizes and set(sizes) <= set(proof.dimensions)
    assert not any(step.dimension == "all" for step in steps)
    label = proofs._runner._dimensions([check_step(Step("x", "y", sp.Symbol("x") - 1, dimension=n)) for n in sizes])
    assert label == (f"n = {sizes[0]}" if len(sizes) == 1 else f"n = {sizes[0]}..{sizes[-1]}")


def test_the_hypothesis_enters_every_non_identity_step():
    """Identities (no hypothesis) are labelled; every other step names what it assumes."""
    (result,) = proofs.run(["gd-equals-gf-on-corridors"], timeout=PATIENT)
    assert not any(step.identity for step in result.steps)
    texts = {h.text for step in result.steps for h in step.assumes}
    assert any("corridor" in text for text in texts) and any("g₀" in text for text in texts)


# --- the runner ------------------------------------------------------------------------------
def test_decide_zero_and_nonzero():
    x = sp.Symbol("x")
    f = sp.Function("f")(x)
    assert decide(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1)[0] is True
    assert decide(f.diff(x) - 2 * f.diff(x))[0] is False  # refuted with a test function
    assert decide(sp.sqrt(x**2) - x)[0] is False  # |x| ≠ x at a negative witness
    assert decide(sp.Symbol("y", positive=True), "> 0")[0] is True
    assert decide(x**2 - 1, "> 0")[0] is False


def test_a_hypothesis_that_does_not_enter_is_refused():
    loss = generic_loss(2)
    identity = difference(loss.Hg, gradient(loss.g.dot(loss.g), loss.theta) / 2)
    assert check_step(Step("Hg = ½∇‖g‖²", "identity", identity)).holds is True
    checked = check_step(Step("Hg = ½∇‖g‖²", "identity", identity, assumes=(corridor(loss),)))
    assert checked.holds is False and "does not enter" in checked.reason


def test_a_home_made_hypothesis_is_refused():
    class Anything(proofs.Hypothesis):
        def _apply(self, expr):
            return sp.Integer(0)

    x = sp.Symbol("x")
    checked = check_step(Step("x = x + 1", "false", difference(x, x + 1), assumes=(Anything("t", "t"),)))
    assert checked.holds is False and "rewrites" in checked.reason


def test_a_control_that_is_only_refused_does_not_count():
    """A control must be refuted at a witness; failing by refusal (here an empty residual) shows nothing."""
    (lemma,) = proofs.select(["lemma-2.8-gradient-along-flow"])
    hollow = Control("anything", lambda: iter([Step("anything", "empty", sp.ImmutableMatrix(0, 1, []))]))
    result = check_proof(Proof(name=lemma.name, title=lemma.title, reference=lemma.reference,
                               statement=lemma.statement, derive=lemma.derive, hypothesis=lemma.hypothesis,
                               control=hollow, dimensions=lemma.dimensions), timeout=PATIENT)
    assert result.control.status is Status.FAILED
    assert result.status is Status.UNKNOWN and "only refused" in result.message


def test_contradictory_hypotheses_are_refused_and_consistent_ones_are_not():
    loss = generic_loss(2)
    bowl = loss_is(loss, sum(v**2 for v in loss.theta) / 2, r"\tfrac12\lVert\theta\rVert^2")
    cone = loss_is(loss, sp.sqrt(sum(v**2 for v in loss.theta)), r"\lVert\theta\rVert")
    residual = loss.Hg + sp.ImmutableMatrix([loss.E - sum(v**2 for v in loss.theta) / 2] * 2)
    checked = check_step(Step("bowl: Hg = 0", "false", residual, assumes=(corridor(loss), bowl), dimension=2))
    assert checked.holds is False and "contradict each other" in checked.reason
    # The cone is a corridor with c = 1: "‖g‖ = 1, then E = ‖θ‖" is consistent (such a pair never
    # passes anyway: after E = ‖θ‖ the corridor hypothesis cannot enter), and so are the
    # hypotheses of every proved step (test_every_statement_is_proved_and_its_control_fails).
    assert _contradiction((corridor(loss, speed=sp.Integer(1)), cone)) is None
    assert _contradiction((corridor(loss), bowl)) is not None


def test_symbol_assumptions_are_shown_with_the_step():
    """A sign declared on a symbol is a hypothesis too: it is listed with the step, never hidden."""
    c, k = sp.Symbol("c", positive=True), sp.Symbol("k", integer=True, nonnegative=True)
    checked = check_step(Step("c > 0", "declared", c + k, relation="> 0"))
    assert checked.holds is True
    assert checked.symbol_assumptions == ("c > 0", "k ∈ {0, 1, 2, …}")
    assert check_step(Step("x > 0", "undeclared", sp.Symbol("x"), relation="> 0")).holds is False


def _trivial_proof(derive) -> Proof:
    x = sp.Symbol("x")

    def control():
        yield Step("x = x + 1", "false", difference(x, x + 1))

    return Proof(name="trivial", title="trivial", reference="test", statement="x + x = 2x", derive=derive,
                 hypothesis="none", control=Control("x = x + 1", control))


def _identity_step():
    x = sp.Symbol("x")
    return Step("x + x = 2x", "algebra", difference(x + x, 2 * x))


def test_the_budget_is_cpu_time_not_wall_clock_time():
    """Sleeping (what a busy machine does to us) costs no CPU: the proof still finishes."""

    def sleepy(dims):
        time.sleep(0.6)
        yield _identity_step()

    assert check_proof(_trivial_proof(sleepy), timeout=0.3).status is Status.PROVED


def test_running_out_of_cpu_budget_gives_unknown_not_a_crash():
    def busy(dims):
        end = time.process_time() + 1.0
        while time.process_time() < end:
            pass
        yield _identity_step()

    result = check_proof(_trivial_proof(busy), timeout=0.2)
    assert result.status is Status.UNKNOWN and "out of budget" in result.message


def test_a_proof_without_a_failing_control_is_not_proved():
    def derive(dims):
        yield _identity_step()

    proof = _trivial_proof(derive)
    assert check_proof(proof).status is Status.PROVED
    no_control = Proof(name="p", title="p", reference="test", statement="s", derive=derive)
    assert check_proof(no_control).status is Status.UNKNOWN
    holding = Proof(name="p", title="p", reference="test", statement="s", derive=derive,
                    control=Control("true", lambda: iter([_identity_step()])))
    result = check_proof(holding)
    assert result.status is Status.UNKNOWN and "control did not fail" in result.message


def test_an_exception_in_a_derivation_is_unknown():
    def broken(dims):
        yield _identity_step()
        raise RuntimeError("boom")

    result = check_proof(_trivial_proof(broken))
    assert result.status is Status.UNKNOWN and "boom" in result.message


def test_unknown_name_raises_before_running():
    with pytest.raises(proofs.UnknownProof, match="no-such-proof"):
        proofs.run(["no-such-proof"])


@given(coefficients=st.lists(st.integers(-3, 3), min_size=6, max_size=6))
def test_quadratic_losses_are_corridors_exactly_when_affine(coefficients):
    """E = a + bx + cy + dx² + exy + fy²: the runner proves Hg = 0 iff the quadratic part is 0."""
    loss = generic_loss(2)
    x, y = loss.theta
    a, b, c, d, e, f = coefficients
    formula = a + b * x + c * y + d * x**2 + e * x * y + f * y**2
    checked = check_step(Step("Hg = 0", "family", loss.Hg, assumes=(loss_is(loss, formula, sp.latex(formula)),),
                              dimension=2))
    assert checked.holds is ((d, e, f) == (0, 0, 0))


def test_the_corridor_rewrite_agrees_with_a_real_corridor():
    """Two routes: rewrite a jet expression with the corridor hypothesis, or evaluate it on a cone."""
    loss = generic_loss(2)
    x, y = loss.theta
    E = loss.E
    expression = sp.diff(E, x, y, y) * sp.diff(E, y) + sp.diff(E, y, y) ** 2 - sp.diff(E, x, x) * sp.diff(E, y)
    hypothesis = corridor(loss)
    plus_branch = hypothesis.apply(expression)[0]  # ∂₂E = +σ
    cone = sp.sqrt(x**2 + y**2)  # ‖g‖ = 1, ∂₂E > 0 at the point below
    point = {x: sp.Rational(1, 3), y: sp.Rational(2, 5)}
    on_cone = expression.subs(E, cone).doit().subs(point)
    free = {sp.diff(E, x): sp.diff(cone, x), sp.diff(E, x, x): sp.diff(cone, x, x),
            sp.diff(E, x, x, x): sp.diff(cone, x, x, x)}
    sigma = hypothesis.sigma
    rewritten = plus_branch.xreplace({k: v.subs(point) for k, v in free.items()})
    rewritten = rewritten.subs(sigma, sp.diff(cone, y).subs(point)).subs(sp.Symbol("c", positive=True), 1)
    assert sp.simplify(rewritten - on_cone) == 0


# --- results, JSON, table, exit status -------------------------------------------------------
@pytest.fixture(scope="module")
def cheap_results():
    return proofs.run(CHEAP, timeout=PATIENT)


def test_results_carry_statement_hypothesis_steps_and_residuals(cheap_results):
    result = cheap_results[0]
    assert result.statement and result.hypothesis
    step = result.steps[0]
    assert step.residual_latex() and step.claim and step.assumes
    assert all(h.rewrite_latex() for h in step.assumes)
    payload = json.loads(proofs.format_json(list(cheap_results)))
    assert {"name", "status", "statement", "hypothesis", "control", "steps", "seconds"} <= set(payload[0])
    assert payload[0]["control"]["status"] == "failed"
    assert [item["name"] for item in payload] == CHEAP


def test_steps_and_results_render_to_latex(cheap_results):
    text = cheap_results[0].latex()
    assert text.startswith("\\subsection*{") and "\\begin{enumerate}" in text
    assert r"\text{residual} = 0" in cheap_results[0].steps[0].latex()


def test_table_lists_every_proof_with_its_control(cheap_results):
    table = proofs.format_table(list(cheap_results))
    assert "Lemma 2.8" in table and "Control" in table
    assert "2 proved, 0 failed, 0 unknown" in table


def test_exit_status_is_zero_only_when_everything_is_proved(cheap_results):
    failed = check_proof(proofs.false_statements()[0])
    unknown = proofs.run(["modified-equation-no-regularization"], timeout=0.01)[0]
    assert unknown.status is Status.UNKNOWN
    assert proofs.exit_status(list(cheap_results)) == proofs.EXIT_OK == 0
    assert proofs.exit_status([*cheap_results, failed]) == proofs.EXIT_FAILED == 1
    assert proofs.exit_status([*cheap_results, unknown]) == proofs.EXIT_UNKNOWN == 3
    assert proofs.exit_status([unknown, failed]) == 1
    assert proofs.exit_status([]) == 3  # nothing proved is not a success


def test_workers_give_the_same_verdicts(cheap_results):
    parallel = proofs.run(CHEAP, timeout=PATIENT, jobs=2)
    assert [(r.name, r.status, r.control.status) for r in parallel] == [
        (r.name, r.status, r.control.status) for r in cheap_results
    ]


def test_workers_do_not_fork_a_process_running_jax():
    # JAX's threads do not survive a fork; a worker forked from them can block forever.
    code = (
        "import jax.numpy as jnp, proofs; jnp.ones(3).block_until_ready(); "
        f"print([r.status.value for r in proofs.run({CHEAP!r}, jobs=2)])"
    )
    completed = _run("-c", code)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["['proved',", "'proved']"]
    assert "fork" not in completed.stderr, completed.stderr


# --- the command line ------------------------------------------------------------------------
def test_python_m_proofs_json():
    completed = _run("-m", "proofs", *CHEAP, "--json", "--jobs", "1")
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert [(item["name"], item["status"]) for item in payload] == [(name, "proved") for name in CHEAP]


@pytest.mark.parametrize("command", [["-m", "proofs"], ["-m", "corridors", "prove"]], ids=["proofs", "corridors"])
def test_unknown_verdict_exits_non_zero(command):
    completed = _run(*command, "modified-equation-no-regularization", "--timeout", "0.01")
    assert completed.returncode == 3, completed.stderr
    assert "unknown" in completed.stdout and "out of budget" in completed.stdout


@pytest.mark.parametrize("command", [["-m", "proofs"], ["-m", "corridors", "prove"]], ids=["proofs", "corridors"])
def test_unknown_name_is_one_line_exit_2(command):
    completed = _run(*command, "no-such-proof")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "no-such-proof" in completed.stderr and "Traceback" not in completed.stderr


@pytest.mark.parametrize("flag", [["--timeout", "-1"], ["--jobs", "0"], ["--jobs", "two"]])
def test_bad_options_are_one_line_exit_2(flag):
    completed = _run("-m", "proofs", *flag)
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1


def test_corridors_prove_table():
    completed = _run("-m", "corridors", "prove", *CHEAP, "--timeout", "300")
    assert completed.returncode == 0, completed.stderr
    assert "Lemma 2.8" in completed.stdout and re.search(r"2 proved, 0 failed, 0 unknown", completed.stdout)


def test_the_library_uses_only_the_public_proofs_api():
    source = (ROOT / "corridors" / "_cli" / "prove.py").read_text(encoding="utf-8")
    assert "proofs._" not in source and "from proofs import _" not in source


def _package_imports(path: pathlib.Path) -> set[str]:
    """The proofs modules that ``path`` imports (relative imports, at any depth in the file)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


def test_proofs_modules_import_each_other_without_cycles():
    """steps → verdict → runner → report: every module imports only modules below it."""
    package = ROOT / "proofs"
    graph = {path.stem: _package_imports(path) for path in package.glob("*.py") if path.stem != "__init__"}
    assert graph["_steps"] <= {"_hypotheses", "_latex"}
    assert "_runner" not in graph["_verdict"] and "_report" not in graph["_runner"]
    visiting, done = set(), set()

    def visit(module, trail):
        assert module not in visiting, f"import cycle: {' → '.join([*trail, module])}"
        if module in done or module not in graph:
            return
        visiting.add(module)
        for imported in sorted(graph[module]):
            visit(imported, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
