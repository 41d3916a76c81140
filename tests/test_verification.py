"""``verify``: the paper's statements (a)–(g) checked on given losses."""

import pytest
import sympy as sp

from corridors import analyze, verify

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
    verification = verify(loss, [x, y])
    assert verification.holds is True, str(verification)
    for key in "abcdefg":
        assert verification[key], f"statement ({key}) was not checked"
        assert all(not c.vacuous for c in verification[key])


def test_statements_without_corridor_are_vacuous_not_fabricated():
    verification = verify(x * y, [x, y])
    assert verification.holds is True
    assert all(c.vacuous for key in "bcdg" for c in verification[key])
    assert not any(c.vacuous for key in "aef" for c in verification[key])


def test_one_step_gap_reports_the_third_order_term():
    (gap,) = verify(x + y**2, [x, y])["e"]
    assert gap.holds is True
    assert "4*y/3" in gap.method  # −(h³/6) L³θ for this loss, computed by hand: (0, 4y/3)


def test_kinks_are_respected_for_the_cone():
    checks = verify(sp.sqrt(x**2 + y**2), [x, y])["b"]
    assert checks[0].holds is True
    assert "kink" in checks[0].method


def test_a_false_corridor_is_caught():
    # Treat the bowl's whole plane as if it were a corridor: the straight line must fail.
    from corridors._symbolic.components import CorridorComponent
    from corridors._symbolic.verification import _CorridorLine, _t
    from corridors._symbolic.zero_test import ZeroTest

    report = analyze((x**2 + y**2) / 2, [x, y])
    analysis = report.pieces[0]
    fake = ZeroTest(True, sp.S.Zero, "pretend")
    component = CorridorComponent(0, (), sp.true, 2, fake, ZeroTest(False, x, "pretend"), fake, True)
    from corridors._symbolic.budget import TimeBudget

    line = _CorridorLine(analysis, component, report.variables)
    holds, residual, _ = line.straight_line_flow(TimeBudget(5))
    assert holds is False
    holds, _, _ = line.linear_decrease(TimeBudget(5))
    assert holds is False
    assert _t in sp.Matrix(residual).free_symbols or residual != 0


def test_verification_forms():
    import json

    verification = verify(x + y**2, [x, y])
    data = json.loads(verification.to_json())
    assert data["holds"] is True
    assert {c["key"] for c in data["checks"]} == set("abcdefg")
    assert "holds" in str(verification)
    assert verification._repr_latex_().startswith("$")
