"""``status_at`` decides at the point first: exact even when the global analysis ran out of time."""

import pytest
import sympy as sp

import corridors

x, y, z = sp.symbols("x y z", real=True)


def test_exact_point_facts_survive_a_global_timeout():
    theta = sp.symbols("t0:12", real=True)
    chain = sum(theta[i] ** 2 * theta[i + 1] for i in range(11)) + theta[11] ** 3  # unbounded: no shortcut
    report = corridors.analyze(chain, theta, timeout=0.5)
    assert report.classification == "unknown"
    assert report.status_at([0] * 12) == "stationary"  # g(p) = 0 exactly
    assert report.status_at([1] + [0] * 11) == "not-corridor"  # (H g)(p) ≠ 0 exactly


@pytest.mark.parametrize("loss, point, status", [
    (sp.cos(sp.pi * x) + y, {x: -2, y: 0}, "corridor"),  # the first release said unknown
    (sp.cos(sp.pi * x) + y, {x: sp.Rational(1, 2), y: 0}, "not-corridor"),
    (x + y**2 / 7 + sp.cos(y), {x: 3, y: 0}, "corridor"),  # the first release said unknown
    (sp.sin(x) + y, {x: sp.pi / 2 + 5 * sp.pi, y: 7}, "corridor"),
    (sp.sin(x) + y, {x: 1, y: 7}, "not-corridor"),
    (sp.log(sp.exp(x) + sp.exp(y)), {x: 2.608047823418535, y: 2.608047823418535}, "corridor"),
])
def test_the_line_identity_decides_at_the_point(loss, point, status):
    assert corridors.analyze(loss, [x, y], timeout=120).status_at(point) == status


def test_a_point_on_a_periodic_family_is_found_for_any_member():
    report = corridors.analyze(sp.cos(sp.pi * x) + y, [x, y], timeout=120)
    (family,) = report.corridors
    assert family.integers and family.contains({x: 7, y: 0}) is True
    assert family.contains({x: sp.Rational(7, 2), y: 0}) is False
