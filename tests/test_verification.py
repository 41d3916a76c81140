"""``verify``: the paper's statements (a)–(g) checked on given losses."""

import pytest
import sympy as sp

from corridors import analyze, verify
from corridors._symbolic.statements import STATEMENTS

x, y = sp.symbols("x y", real=True)


@pytest.mark.parametrize(
    "loss",
    [
        sp.log(sp.exp(x) + sp.exp(y)),
        x + y**2,
        sp.sqrt(x**2 + y**2),
        sp.Abs(x) + sp.Abs(y),
        sp.Abs(sp.sqrt(x**2 + y**2) - 1),
        2 * x - 3 * y + 1,
    ],
)
def test_statements_hold_on_corridor_losses(loss):
    verification = verify(loss, [x, y], timeout=60)
    assert verification.holds is True, str(verification)
    for name in STATEMENTS:
        assert verification[name], f"statement {name} was not checked"
        assert all(not c.vacuous for c in verification[name])


def test_statements_without_corridor_are_vacuous_not_fabricated():
    verification = verify(x * y, [x, y], timeout=60)
    assert verification.holds is True
    about_corridors = ("straight-line-flow", "linear-decrease", "gd-equals-gf", "clr-one-step")
    assert all(c.vacuous for name in about_corridors for c in verification[name])
    assert not any(c.vacuous for name in ("gradient-along-flow", "one-step-gap", "no-implicit-regularization")
                   for c in verification[name])


def test_one_step_gap_reports_the_third_order_term():
    (gap,) = verify(x + y**2, [x, y], timeout=60)["one-step-gap"]
    assert gap.holds is True
    assert "4*y/3" in gap.method  # −(h³/6) L³θ for this loss, computed by hand: (0, 4y/3)


def test_kinks_are_respected_for_the_cone():
    checks = verify(sp.sqrt(x**2 + y**2), [x, y])["straight-line-flow"]
    assert checks[0].holds is True
    assert "kink" in checks[0].method


def test_a_false_corridor_is_caught():
    # Treat the bowl's whole plane as if it were a corridor: straight line, linear decrease and
    # GD = GF must all fail, with a witness.
    from corridors._budget import TimeBudget
    from corridors._symbolic.components import CorridorComponent
    from corridors._symbolic.corridor_checks import GenericCorridorPoint
    from corridors._symbolic.zero_test import ZeroTest

    report = analyze((x**2 + y**2) / 2, [x, y])
    analysis = report.pieces[0]
    fake = ZeroTest(True, sp.S.Zero, "pretend")
    component = CorridorComponent(piece=0, equations=(), region=sp.true, dimension=2, hg_vanishes=fake,
                                  stationary=ZeroTest(False, x, "pretend"), invariant=fake, meets_region=True)
    corridor = GenericCorridorPoint(report, analysis, component)
    for check in (corridor.straight_line_flow, corridor.linear_decrease, corridor.gd_equals_gf):
        holds, residual, method = check(TimeBudget(30))
        assert holds is False, method
        assert "non-zero at a corridor point" in method


def test_undecided_analyses_give_undecided_verifications():
    # The first release said True, "vacuous: no corridor", for all three.
    for report in (
        # A budget spent before the first stage (the cone alone takes ~10 ms of CPU when SymPy's cache is warm).
        analyze(sp.sqrt(x**2 + y**2), [x, y], timeout=1e-6),
        analyze(x + y**2 / 7 + sp.cos(y), [x, y]),  # y = 0 is a corridor; others are undecided
    ):
        verification = report.verify(timeout=60)
        assert verification.holds is None
        assert "did not decide" in verification.reason
        assert not any(c.vacuous for c in verification.checks)


def test_identities_are_labelled_and_corridor_checks_are_not():
    verification = verify(x + y**2, [x, y], timeout=60)
    assert all(c.identity for c in verification["gradient-along-flow"] + verification["one-step-gap"])
    # the identity, and H g = 0 on y = 0
    assert {c.identity for c in verification["no-implicit-regularization"]} == {True, False}
    about_corridors = ("straight-line-flow", "linear-decrease", "gd-equals-gf", "clr-one-step")
    assert not any(c.identity for name in about_corridors for c in verification[name])
    (gd,) = verification["gd-equals-gf"]
    assert "k = 1..3" in gd.method


def test_clr_statement_is_qualified_where_the_step_passes_the_apex():
    # Cone + 1 with E* = 0: the Polyak step overshoots the apex (E = 1 there) and lands at E = 2.
    verification = verify(sp.sqrt(x**2 + y**2) + 1, [x, y])
    (clr,) = verification["clr-one-step"]
    assert clr.holds is True and "NOT for E* = 0" in clr.condition
    # The plain cone: the step lands on the apex, E = 0, exactly.
    (clr,) = verify(sp.sqrt(x**2 + y**2), [x, y])["clr-one-step"]
    assert "is reached" in clr.condition
    # A target the corridor reaches: E* = 3/2 is above the apex of the cone + 1.
    (clr,) = verify(sp.sqrt(x**2 + y**2) + 1, [x, y], target=sp.Rational(3, 2), timeout=60)["clr-one-step"]
    assert "is reached" in clr.condition


def test_verification_forms():
    import json

    verification = verify(x + y**2, [x, y], timeout=60)
    data = json.loads(verification.to_json())
    assert data["holds"] is True
    assert {c["key"] for c in data["checks"]} == set("abcdefg")
    assert {c["name"] for c in data["checks"]} == set(STATEMENTS)


def test_checks_are_reached_by_name_or_by_the_papers_letter():
    verification = verify(x + y**2, [x, y], timeout=60)
    for name, statement in STATEMENTS.items():
        assert verification[name] == verification[statement.letter]
        assert verification[name] and all(c.name == name and c.key == statement.letter for c in verification[name])
    assert verification["no-such-statement"] == ()
    assert "holds" in str(verification)
    assert verification._repr_latex_().startswith("$")


def test_a_costly_check_on_one_corridor_does_not_starve_another():
    # Two corridors (inside and outside the circle): exact GD through the outer one's nested
    # radicals may use the whole budget, but only after every corridor's cheap checks ran.
    t0, t1 = sp.symbols("theta0 theta1", real=True)
    loss = sp.Abs(sp.sqrt((t0 - 1) ** 2 + (t1 + 1) ** 2) - 1) + 2
    verification = verify(loss, [t0, t1], timeout=20)
    assert verification.holds is not False, str(verification)
    for name in ("straight-line-flow", "linear-decrease", "no-implicit-regularization"):
        checks = [c for c in verification[name] if not c.identity]
        assert len(checks) == 2 and all(c.holds is True for c in checks), str(verification)
