"""The CLR study on a tiny setting: output files, table columns, goal and defaults tables, CLI wiring."""

import argparse
import csv
import dataclasses
import json
import math

import numpy as np
import pytest

from corridors import InvalidArgument
from corridors._cli.bench import run_bench
from corridors._experiments import clr_study
from corridors._experiments.clr_study import METHODS, RECOMMENDED, RECOMMENDED_CALL, SUMMARY_COLUMNS, TINY, StudyConfig


def test_tiny_study_writes_plots_and_tables(tmp_path, capsys):
    out = tmp_path / "bench"
    args = argparse.Namespace(study="clr", mode="tiny", out=str(out), seeds=1, no_progress=True)
    assert run_bench(args) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "lose" in printed and f"recommended: {RECOMMENDED_CALL} at its defaults" in printed
    # --no-progress: one line per finished run instead of a bar.
    n_jobs = len(TINY.batch_sizes) * len(TINY.methods)
    run_lines = [line for line in printed.splitlines() if line.startswith("[")]
    assert len(run_lines) == n_jobs and run_lines[0].startswith(f"[1/{n_jobs}] mlp batch=64 sgd:")
    for name in ("summary.csv", "summary.json", "curves.npz", "loss_mlp.png", "clr_value_mlp.png"):
        assert (out / name).stat().st_size > 0, name
    with open(out / "summary.csv") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == SUMMARY_COLUMNS
        rows = list(reader)
    methods = {r["method"] for r in rows}
    assert set(TINY.methods) | {"sgd_best", "contrib_best"} <= methods
    assert {int(r["batch_size"]) for r in rows} == {64, 1797}
    assert sum(r["method"] == "sgd" for r in rows) == 2 * len(TINY.sgd_learning_rates)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["seeds"] == 1 and len(summary["rows"]) == len(rows)
    assert summary["recommended"] == RECOMMENDED and len(summary["goal"]) == 2
    clr_rows = [r for r in summary["rows"] if r["method"] in ("clr", "clr_momentum")]
    for r in clr_rows:
        # The effective step of a CLR method is its h: positive and within its cap.
        assert 0 < r["mean_clr_step"] <= (summary["clr_max_learning_rate"] if r["method"] == "clr" else 1.0) + 1e-6
        assert r["final_loss_mean"] < 2.31  # below chance level ln(10) after 20 steps
    sgd = [r for r in summary["rows"] if r["method"] == "sgd"]
    assert all(math.isclose(r["mean_clr_step"], r["hyperparameter"], rel_tol=1e-4) for r in sgd)
    curves = np.load(out / "curves.npz")
    assert curves["mlp/64/clr_momentum/1/step"].shape == (1, TINY.steps)


def test_best_rows_goal_and_defaults_tables_are_computed_from_the_rows():
    def row(model, method, steps, final=0.01, diverged=0, hp=1.0, setting=""):
        return {
            "model": model, "batch_size": 8, "method": method, "hyperparameter": hp, "setting": setting,
            "steps_to_target_median": steps, "final_loss_mean": final, "diverged": diverged, "target_loss": 0.1,
        }

    rows = [
        row("m", "sgd", 300, hp=0.1), row("m", "sgd", 200, hp=0.5), row("m", "sgd", None, final=9.0, hp=3.0),
        row("m", "momo", 250), row("m", "prodigy", None, final=0.5),
        row("m", RECOMMENDED, 150),
        row("m", "clr_grid", 180, hp=0.0, setting="a"), row("m", "clr_grid", 250, hp=1.0, setting="b"),
        row("m", "clr_grid", 100, diverged=1, hp=2.0, setting="c"),
    ]
    rows = clr_study._add_best(rows)
    best = {r["method"]: r for r in rows if r["method"].endswith("_best")}
    assert best["sgd_best"]["hyperparameter"] == 0.5 and best["contrib_best"]["best_of"] == "momo"
    goal = clr_study.goal_table(rows, TINY)
    assert goal == [
        {
            "model": "m", "batch_size": 8, "recommended_steps": 150, "recommended_diverged": 0,
            "sgd_best_steps": 200, "sgd_best_lr": 0.5, "contrib_best_steps": 250, "contrib_best": "momo",
            "meets_sgd": True, "meets_contrib": True,
        }
    ]
    defaults = clr_study.defaults_table(rows, TINY)
    assert [d["setting"] for d in defaults] == ["a", "b", "c"]  # met; slower; faster but a seed diverged
    assert defaults[0]["cells_meeting_sgd"] == 1 and defaults[1]["cells_meeting_sgd"] == 0
    assert defaults[1]["steps_ratio_to_sgd_geomean"] == pytest.approx(250 / 200)
    verdicts = clr_study._verdicts(rows, TINY)
    assert any(v.startswith(f"{RECOMMENDED} WINS vs sgd(lr=0.5)") for v in verdicts)


def test_every_method_of_the_study_is_known():
    assert set(clr_study.FULL.methods) == set(METHODS)
    assert set(clr_study.CONTRIB) <= set(METHODS) and RECOMMENDED in METHODS
    assert RECOMMENDED in clr_study.QUICK.methods and RECOMMENDED in TINY.methods  # the goal table needs it
    StudyConfig(methods=METHODS, models=("mlp", "cnn", "diabetes", "teacher")).validate()


def test_bench_is_a_registered_subcommand():
    from corridors._cli import build_parser

    args = build_parser().parse_args(["bench", "clr", "--full", "--seeds", "2", "--out", "x"])
    assert args.handler is run_bench and args.mode == "full" and args.seeds == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench", "clr", "--seeds", "0"])


@pytest.mark.parametrize(
    "change",
    [dict(steps=15, eval_every=10), dict(methods=("sgd", "nope")), dict(models=("imagenet",)), dict(seeds=0)],
    ids=["steps", "method", "model", "seeds"],
)
def test_bad_config_is_rejected(tmp_path, change):
    with pytest.raises(InvalidArgument):
        clr_study.run_study(dataclasses.replace(TINY, **change), tmp_path)


def test_unwritable_output_folder_is_a_clear_error(tmp_path, capsys):
    from corridors._cli import main

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["bench", "clr", "--out", str(blocker / "out")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_tasks_load_without_download():
    from corridors._experiments.tasks import TASKS, get_task

    for name in TASKS:
        task = get_task(name)
        x, y = task.load()
        assert x.dtype == np.float32 and x.ndim == 2 and len(x) == len(y)
        assert task.target_loss > 0
    # diabetes: the best linear fit leaves half-MSE 0.24 > the target 0.2, which needs the network
    x, y = get_task("diabetes").load()
    design = np.hstack([x, np.ones((len(x), 1), np.float32)])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    assert 0.5 * np.mean(residual**2) == pytest.approx(0.24, abs=0.005)
