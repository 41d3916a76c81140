"""Symbols that are not variables are real parameters (data), in the API and the CLI."""

import json
import subprocess
import sys

import sympy as sp

import corridors


def test_data_symbols_are_parameters_of_a_network_loss():
    # The example: weights a, b; data x, y. Squared error of an analytic map is bounded below: none.
    report = corridors.analyze("(a*b*x - y)^2", ["a", "b"], timeout=120)
    assert report.classification == "none"
    assert {p.name for p in report.parameters} == {"x", "y"}
    assert "every value of the parameters" in report.reason


def test_a_verdict_that_holds_generically_says_so_and_points_take_parameter_values():
    c, x, y = sp.symbols("c x y")
    report = corridors.analyze(c * x + y**2, [x, y], timeout=120)
    assert report.classification == "partial"
    assert report.parameters == (c,)
    assert "generic values of the parameters c" in report.reason
    assert report.corridors[0].equations == (sp.Eq(y, 0),)
    # c = 0 is the exceptional value: y = 0 is then stationary, not a corridor.
    assert report.status_at({x: 1, y: 0, c: 2}) == "corridor"
    assert report.status_at({x: 1, y: 0, c: 0}) == "stationary"
    assert report.status_at({x: 1, y: 0}) == "unknown"  # depends on c, which was not given


def test_cli_reports_parameters():
    result = subprocess.run(
        [sys.executable, "-m", "corridors", "check", "x + z", "--vars", "x,y", "--json", "--timeout", "60"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["classification"] == "everywhere"
    assert data["parameters"] == ["z"]
