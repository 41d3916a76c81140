"""Known losses with exact answers from theory (never from running the library)."""

import pytest
import sympy as sp

import corridors
from corridors import GALLERY, analyze

x, y, z = sp.symbols("x y z", real=True)


@pytest.mark.parametrize(
    "loss, variables",
    [
        (2 * x - 3 * y + 1, [x, y]),  # plane: g constant
        (sp.sqrt(x**2 + y**2), [x, y]),  # cone: ‖g‖ = 1
        (3 * sp.sqrt((x - 1) ** 2 + (y + 2) ** 2 + z**2) - 5, [x, y, z]),  # scaled, shifted cone
        (sp.sqrt(x**2 + y**2), [x, y, z]),  # distance to the z-axis
        (sp.Abs(x) + sp.Abs(y), [x, y]),  # piecewise linear
        (sp.Abs(sp.sqrt(x**2 + y**2) - 1), [x, y]),  # distance to a circle
    ],
)
def test_everywhere_corridors(loss, variables):
    report = analyze(loss, variables, timeout=120)
    assert report.classification == "everywhere"
    assert report.hg_routes_agree is True
    assert all(a.hg_vanishes.verdict is True for a in report.pieces)


def test_valley_line_is_partial_with_corridor_y_equals_zero():
    report = analyze(x + y**2, [x, y], timeout=120)
    assert report.classification == "partial"
    (corridor,) = report.corridors
    assert corridor.equations == (sp.Eq(y, 0),)
    assert corridor.dimension == 1
    assert corridor.invariant.verdict is True and corridor.stationary.verdict is False
    assert report.complete is True
    assert list(report.hg) == [0, 4 * y]


def test_log_sum_exp_corridor_is_the_diagonal():
    report = analyze(sp.log(sp.exp(x) + sp.exp(y)), [x, y], timeout=120)
    assert report.classification == "partial"
    (corridor,) = report.corridors
    assert corridor.equations == (sp.Eq(x, y),)
    assert report.status_at({x: 1, y: 1}) == "corridor"
    assert report.status_at({"x": -2.5, "y": -2.5}) == "corridor"
    assert report.status_at({x: 1, y: 2}) == "not-corridor"


@pytest.mark.parametrize("loss", [x * y, (x**2 + y**2) / 2])
def test_saddle_and_bowl_have_no_corridor_and_a_stationary_origin(loss):
    report = analyze(loss, [x, y], timeout=120)
    assert report.classification == "none"
    (component,) = report.components
    assert component.assignment == {x: 0, y: 0}
    assert component.kind == "stationary"
    assert report.status_at({x: 0, y: 0}) == "stationary"
    assert report.status_at({x: 1, y: 2}) == "not-corridor"
    assert report.complete is True


def test_a_set_that_gradient_flow_leaves_is_not_a_corridor():
    # Rosenbrock: H g = 0 at (-1/4, 27/400) too, but g is not tangent to a point.
    report = analyze((1 - x) ** 2 + 100 * (y - x**2) ** 2, [x, y], timeout=120)
    assert report.classification == "none"
    kinds = {tuple(sorted(c.assignment.items(), key=str)): c.kind for c in report.components}
    assert kinds[((x, 1), (y, 1))] == "stationary"
    assert kinds[((x, sp.Rational(-1, 4)), (y, sp.Rational(27, 400)))] == "not-invariant"
    assert report.status_at({x: -0.25, y: 0.0675}) == "not-corridor"


def test_line_of_stationary_points_is_not_a_corridor():
    report = analyze(x**2 * y, [x, y], timeout=120)  # g = (2xy, x²) vanishes on x = 0
    assert report.classification == "none"
    assert [c.kind for c in report.components] == ["stationary"]


def test_no_real_solution():
    report = analyze(sp.log(1 + sp.exp(x)) + y, [x, y], timeout=120)  # H g = (σσ', 0) never vanishes
    assert report.classification == "none"
    assert report.components == ()


def test_cone_tip_is_singular():
    report = analyze(sp.sqrt(x**2 + y**2), [x, y], timeout=120)
    assert report.status_at({x: 0, y: 0}) == "singular"
    assert report.status_at({x: 3, y: -4}) == "corridor"
    assert sp.Eq(x**2 + y**2, 0) in report.singular_set


def test_piecewise_linear_kinks_are_singular_and_pieces_are_corridors():
    report = analyze(sp.Abs(x) + sp.Abs(y), [x, y], timeout=120)
    assert len(report.corridors) == 4  # one per quadrant: multiple corridors
    assert report.status_at({x: 0, y: 1}) == "singular"
    assert report.status_at({x: -1, y: 2}) == "corridor"
    assert {sp.Eq(x, 0), sp.Eq(y, 0)} <= set(report.singular_set)


def test_relu_plateau_is_stationary_and_smooth_junctions_are_not_singular():
    report = analyze(sp.Max(0, x + y), [x, y], timeout=120)
    assert report.classification == "everywhere"
    assert report.status_at({x: -3, y: 1}) == "stationary"
    assert report.status_at({x: 3, y: 1}) == "corridor"
    assert report.status_at({x: 1, y: -1}) == "singular"
    smooth = analyze(sp.Max(x, x + y**3), [x, y], timeout=120)  # both pieces agree to 2nd order on y = 0
    assert smooth.status_at({x: 1, y: 0}) in ("corridor", "not-corridor")


def test_periodic_losses_list_each_family_once():
    # H g = (-sin x cos x, 0): x = π/2 + kπ are corridors (g = (0, 1) there); on x = kπ, g = (±1, 1)
    # leaves the line. Infinitely many lines, three families, all listed: the list is complete.
    report = analyze(sp.sin(x) + y, [x, y], timeout=120)
    assert report.classification == "partial"
    (corridor,) = report.corridors
    (k,) = corridor.integers
    assert corridor.equations == (sp.Eq(x, sp.pi * k + sp.pi / 2),)
    assert report.complete is True
    others = [c for c in report.components if c.is_corridor is False]
    assert len(others) == 2 and all(c.invariant.verdict is False for c in others)
    for value in (0, sp.pi, -2 * sp.pi):
        assert report.status_at({x: value, y: 7}) == "not-corridor"
    assert report.status_at({x: sp.pi / 2, y: 7}) == "corridor"
    assert report.status_at({x: -5 * sp.pi / 2, y: 7}) == "corridor"


@pytest.mark.parametrize("n", [20])
def test_twenty_variables(n):
    theta = sp.symbols(f"t0:{n}", real=True)
    plane = analyze(sum((i + 1) * t for i, t in enumerate(theta)), theta, timeout=120)
    assert plane.classification == "everywhere"
    bowl = analyze(sum((i + 1) * t**2 for i, t in enumerate(theta)), theta, timeout=120)
    assert bowl.classification == "none"
    assert bowl.status_at([0] * n) == "stationary"
    valley = analyze(theta[0] + sum(t**2 for t in theta[1:]), theta, timeout=120)
    assert valley.classification == "partial"
    assert valley.corridors[0].dimension == 1
    assert valley.hg_routes_agree is True


@pytest.mark.slow
def test_twenty_dimensional_cone():
    theta = sp.symbols("t0:20", real=True)
    report = analyze(sp.sqrt(sum((t - i) ** 2 for i, t in enumerate(theta))), theta, timeout=60)
    assert report.classification == "everywhere"


def test_derivatives_by_two_routes():
    d = corridors.derivatives(sp.log(sp.exp(x) + sp.exp(y)), [x, y])
    assert d.hg_routes_agree.verdict is True
    expected = d.hessian * d.gradient
    assert all(sp.simplify(a - b) == 0 for a, b in zip(d.hg, expected))


@pytest.mark.parametrize("example", GALLERY, ids=[g.name for g in GALLERY])
def test_gallery_matches_theory(example):
    expression, symbols = example.expression()
    assert analyze(expression, symbols, timeout=120).classification == example.expected


def test_the_gallery_table_is_read_and_checked():
    from corridors._symbolic.gallery import gallery_from_json

    assert len(GALLERY) == 14 and {g.expected for g in GALLERY} == {"everywhere", "partial", "none"}
    assert all(isinstance(g.variables, tuple) and g.why for g in GALLERY)
    row = '{"name": "n", "family": "f", "text": "x", "variables": ["x"], "expected": "%s", "why": "w"}'
    assert gallery_from_json(f"[{row % 'none'}]")[0].variables == ("x",)
    with pytest.raises(ValueError, match="'sometimes' is not one of"):
        gallery_from_json(f"[{row % 'sometimes'}]")


def test_time_budget_gives_unknown_with_reason():
    theta = sp.symbols("t0:12", real=True)
    chain = sum(theta[i] ** 2 * theta[i + 1] for i in range(11)) + theta[11] ** 3  # unbounded: no shortcut
    report = analyze(chain, theta, timeout=0.5)
    assert report.classification == "unknown"
    assert "time budget" in report.reason
    assert report.seconds < 30  # the budget is enforced, not merely checked at the end (wide margin: a busy machine)


def test_report_forms():
    import json

    report = analyze(x + y**2, [x, y], timeout=120)
    data = json.loads(report.to_json())
    assert data["classification"] == "partial"
    assert data["components"][0]["equations"] == ["y = 0"]
    assert "partial" in str(report) and "y = 0" in str(report)
    latex = report._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    assert isinstance(report.corridors[0].as_set([x, y]), sp.ConditionSet)


def test_status_at_float_points_is_quick_and_exact():
    # Regression: exact simplification at float points of log(exp(2x) + exp(2y)) used to stall.
    report = analyze(sp.log(sp.exp(2 * x) + sp.exp(2 * y)), [x, y], timeout=120)
    assert report.status_at((-1.1689599167734435, 2.093471198308933)) == "not-corridor"
    assert report.status_at((2.608047823418535, 2.608047823418535)) == "corridor"


def test_listed_points_are_complete_only_when_every_real_point_was_enumerated():
    # x⁴ − x² + y⁴ − y²: H g = 0 at the 5 × 5 points with x, y ∈ {0, ±1/√2, ±1/√6}; 9 are stationary.
    # Irrational partial solutions must be extended, not dropped while claiming completeness.
    report = analyze(x**4 - x**2 + y**4 - y**2, [x, y], timeout=120)
    assert report.classification == "none"
    assert report.complete is True
    points = {(c.equations[0].rhs, c.equations[1].rhs) for c in report.components}
    values = (0, -sp.sqrt(2) / 2, sp.sqrt(2) / 2, -sp.sqrt(6) / 6, sp.sqrt(6) / 6)
    assert len(points) == 25
    assert all(any(sp.simplify(a - v) == 0 for v in values) and any(sp.simplify(b - v) == 0 for v in values)
               for a, b in points)
    assert sum(c.stationary.verdict is True for c in report.components) == 9
