"""``corridors demo`` (reduced setting ``--quick``) and ``corridors.plot_corridors``."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import corridors
from corridors._cli import main
from corridors._demo import QUICK

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One quick run of the command, shared by the tests below (about half a minute)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("demo") / "out"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main(["demo", "--quick", "--no-progress", "--out", str(out)])
    summary = json.loads((out / "summary.json").read_text())
    report = (out / "report.md").read_text(encoding="utf-8")
    return {"status": status, "out": out, "stdout": stdout.getvalue(), "summary": summary, "report": report}


def test_exit_status_and_printed_folder(demo):
    assert demo["status"] == 0
    assert f"output folder: {demo['out']}" in demo["stdout"]
    for step in ("[1/4]", "[2/4]", "[3/4]", "[4/4]"):
        assert step in demo["stdout"]


def test_files_written(demo):
    out = demo["out"]
    for name in ("gallery.png", "drift.png", "probe.png", "clr/loss_mlp.png", "clr/clr_value_mlp.png"):
        data = (out / name).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5000, name
    assert sorted(demo["summary"]["figures"]) == sorted(
        str(p.relative_to(out)) for p in out.rglob("*.png")
    )
    # Every image the report shows exists.
    for line in demo["report"].splitlines():
        if line.startswith("!["):
            assert (out / line[line.index("(") + 1 : -1]).is_file(), line


def test_gallery_classifications_match_expected(demo):
    rows = demo["summary"]["gallery"]["rows"]
    assert [r["name"] for r in rows] == [e.name for e in corridors.GALLERY]
    for row, example in zip(rows, corridors.GALLERY):
        assert row["classification"] == example.expected, row["name"]
        assert row["match"] is True
        # The report's table row says the same.
        assert f"| {example.name} | `{example.text}` | {example.expected} | {example.expected} | yes |" in demo["report"]
    assert demo["summary"]["gallery_ok"] is True
    assert "14 of 14 classifications" in demo["report"]


def test_proofs_status(demo):
    proofs = demo["summary"]["proofs"]
    assert [r["name"] for r in proofs["rows"]] == list(QUICK.proof_names)
    assert all(r["status"] == "proved" and r["steps"] > 0 for r in proofs["rows"])
    assert proofs["counts"] == {"proved": len(QUICK.proof_names), "failed": 0, "unknown": 0}
    assert f"{len(QUICK.proof_names)} proved, 0 failed, 0 unknown" in demo["report"]


def _numbers(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def test_numbers_are_finite_and_meaningful(demo):
    numeric = demo["summary"]["numeric"]
    values = list(_numbers(numeric)) + list(_numbers(demo["summary"]["clr"]))
    assert values and all(math.isfinite(v) for v in values)
    assert numeric["at_init"]["hg_norm"] > 0  # an MLP is not on a corridor
    for row in numeric["drift"]:
        # Off corridors the first GD step leaves the flow by (h²/2)‖H g‖ + O(h³).
        assert row["first_step_drift"] > 10 * row["max_gf_error"]
        assert 0.5 < row["drift_over_predicted"] < 1.5
    smallest = min(numeric["drift"], key=lambda r: r["learning_rate"])
    assert abs(smallest["drift_over_predicted"] - 1) < 0.1
    # The cone is a corridor: GD stays on the flow and the loss drops by h‖g‖ = 0.2 per step.
    control = numeric["control"]
    assert control["max_drift"] < 1e-4
    assert np.allclose(np.diff(control["loss_gd"]), -0.2, atol=1e-4)
    assert demo["summary"]["clr"]["rows"] and demo["summary"]["clr"]["verdicts"]


def test_help_and_bad_flag(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "--help"])
    assert info.value.code == 0
    assert "--quick" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["demo", "--no-such-flag"])
    assert info.value.code == 2


@pytest.mark.parametrize("where", ["existing file", "below a file"])
def test_unusable_out_folder_is_bad_input_before_any_work(tmp_path, capsys, where):
    blocker = tmp_path / "taken"
    blocker.write_text("")
    out = blocker if where == "existing file" else blocker / "sub"
    assert main(["demo", "--quick", "--no-progress", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "--out" in captured.err and "internal error" not in captured.err
    assert "[1/4]" not in captured.out  # refused before the gallery ran


# --- corridors.plot_corridors ------------------------------------------------------
def test_plot_corridors_draws_the_corridor_line():
    ax = corridors.plot_corridors("log(exp(x) + exp(y))", xlim=(-2, 2), ylim=(-1, 1))
    labels = [line.get_label() for line in ax.get_lines()]
    assert "corridor (H g = 0, flow stays)" in labels
    line = ax.get_lines()[labels.index("corridor (H g = 0, flow stays)")]
    x, y = (np.asarray(v, float) for v in line.get_data())
    keep = np.isfinite(x) & np.isfinite(y)
    assert keep.sum() > 10 and np.allclose(x[keep], y[keep])  # the diagonal x = y
    assert ax.get_title() == "E = log(exp(x) + exp(y)) (partial)"
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)


def test_plot_corridors_reuses_a_report_and_an_axes():
    from matplotlib.figure import Figure

    report = corridors.analyze("abs(x) + abs(y)")
    ax = Figure().add_subplot()
    assert corridors.plot_corridors(report, xlim=(-1, 1), ylim=(-1, 1), ax=ax, resolution=24) is ax
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "open corridor (H g = 0 on a region)" in legend and "kink (E not C²)" in legend


def test_plot_corridors_marks_stationary_points():
    ax = corridors.plot_corridors("x*y", xlim=(-1, 1), ylim=(-1, 1), resolution=24, legend=False)
    points = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(points) == 1 and tuple(np.ravel(points[0].get_xydata())) == (0.0, 0.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(loss="sqrt(x^2 + y^2 + z^2)", xlim=(-1, 1), ylim=(-1, 1)),
        dict(loss="x + y", xlim=(1, -1), ylim=(-1, 1)),
        dict(loss="x + y", xlim=(0, float("inf")), ylim=(-1, 1)),
        dict(loss="x + y", xlim="ab", ylim=(-1, 1)),
        dict(loss="x + y", xlim=(-1, 1), ylim=(-1, 1), resolution=2),
    ],
)
def test_plot_corridors_rejects_bad_input(kwargs):
    loss = kwargs.pop("loss")
    with pytest.raises(corridors.InvalidArgument):
        corridors.plot_corridors(loss, **kwargs)
