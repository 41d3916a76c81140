"""``corridors check`` as a user runs it: a subprocess, its stdout, stderr and exit status."""

import json
import subprocess
import sys

import pytest

from corridors import GALLERY


def run(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "corridors", *args], capture_output=True, text=True, timeout=timeout
    )


def test_check_human_readable():
    result = run("check", "log(exp(x) + exp(y))", "--at", "x=1,y=1")
    assert result.returncode == 0, result.stderr
    assert "classification: partial" in result.stdout
    assert "status at x=1,y=1: corridor" in result.stdout


def test_check_json():
    result = run("check", "log(exp(x) + exp(y))", "--at", "x=1,y=1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["classification"] == "partial"
    assert data["status"] == "corridor"


def test_check_json_with_vars_timeout_and_verify():
    result = run("check", "x + y^2", "--vars", "x,y,z", "--timeout", "10", "--json", "--verify")
    data = json.loads(result.stdout)
    assert data["variables"] == ["x", "y", "z"]
    assert data["classification"] == "partial"
    assert data["verification"]["holds"] is True


def test_gallery_is_the_default():
    result = run("check", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == [g.name for g in GALLERY]
    for row, example in zip(rows, GALLERY):
        assert row["classification"] == example.expected, row
    table = run("check")
    assert table.returncode == 0
    assert "log-sum-exp" in table.stdout or "log(exp(x) + exp(y))" in table.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "__import__('os').system('echo pwned')"],
        ["check", "x.real"],
        ["check", "foo(x)"],
        ["check", "x +"],
        ["check", ""],
        ["check", "x + y", "--at", "x=1"],
        ["check", "x + y", "--at", "x=nan,y=1"],
        ["check", "x + y", "--at", "x=1,y=2,w=3"],
        ["check", "x + y", "--timeout", "0"],
        ["check", "x + y", "--timeout", "abc"],
        ["check", "log(x)", "--at", "x=-1"],
        ["check", "--at", "x=1"],
        ["check", "x", "--bogus"],
        ["nonsense"],
        [],
    ],
)
def test_bad_input_exits_non_zero_with_one_line(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("corridors: error:")
    assert "pwned" not in result.stdout


def test_timeout_gives_unknown_not_a_hang():
    chain = " + ".join(f"(t{i} - t{i + 1}^2)^3" for i in range(12))  # unbounded below: no shortcut
    result = run("check", chain, "--timeout", "0.5", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["classification"] == "unknown"
    assert "time budget" in data["reason"]
