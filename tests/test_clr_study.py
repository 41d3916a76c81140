"""The CLR study on a tiny setting: output files, table columns, goal and defaults tables, CLI wiring."""

import csv
import dataclasses
import json
import math

import numpy as np
import pytest

from corridors import InvalidArgument
from corridors._cli.bench import run_bench, run_clr_study
from corridors._experiments import methods, results, study
from corridors._experiments.methods import METHODS, RECOMMENDED, RECOMMENDED_CALL
from corridors._experiments.results import RunRow
from corridors._experiments.study import StudyConfig
from corridors._experiments.tables import SUMMARY_COLUMNS

# A study of seconds: digits MLP, batch 64 and full batch, 20 steps, one seed.
TINY = StudyConfig(
    batch_sizes=(64, 0),
    steps=20,
    eval_every=10,
    seeds=1,
    sgd_learning_rates=(0.1, 1.0),
    methods=("sgd", "momo", "clr", "clr_default", "clr_momentum"),
)


def test_tiny_study_writes_plots_and_tables(tmp_path, capsys):
    out = tmp_path / "bench"
    assert run_clr_study(TINY, out, progress=False) == 0
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
    names = {r["method"] for r in rows}
    assert set(TINY.methods) | {"sgd_best", "contrib_best"} <= names
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
        return RunRow(
            model=model, batch_size=8, method=method, hyperparameter=hp, setting=setting, seeds=1,
            reached_target="0/1" if steps is None else "1/1", steps_to_target_median=steps, steps_to_target=(steps,),
            final_loss_mean=final, final_loss_std=0.0, diverged=diverged, target_loss=0.1, final_accuracy_mean=None,
            mean_clr_step=None, capped_fraction=None, wall_s=1.0,
        )

    rows = [
        row("m", "sgd", 300, hp=0.1), row("m", "sgd", 200, hp=0.5), row("m", "sgd", None, final=9.0, hp=3.0),
        row("m", "momo", 250), row("m", "prodigy", None, final=0.5),
        row("m", RECOMMENDED, 150),
        row("m", "clr_grid", 180, hp=0.0, setting="a"), row("m", "clr_grid", 250, hp=1.0, setting="b"),
        row("m", "clr_grid", 100, diverged=1, hp=2.0, setting="c"),
    ]
    rows = results.add_best(rows)
    best = {r.method: r for r in rows if r.method.endswith("_best")}
    assert best["sgd_best"].hyperparameter == 0.5 and best["contrib_best"].best_of == "momo"
    goal = results.goal_table(rows)
    assert [cell.to_dict() for cell in goal] == [
        {
            "model": "m", "batch_size": 8, "recommended_steps": 150, "recommended_diverged": 0,
            "sgd_best_steps": 200, "sgd_best_lr": 0.5, "contrib_best_steps": 250, "contrib_best": "momo",
            "meets_sgd": True, "meets_contrib": True,
        }
    ]
    defaults = results.defaults_table(rows, TINY.steps)
    assert [d.setting for d in defaults] == ["a", "b", "c"]  # met; slower; faster but a seed diverged
    assert defaults[0].cells_meeting_sgd == 1 and defaults[1].cells_meeting_sgd == 0
    assert defaults[1].steps_ratio_to_sgd_geomean == pytest.approx(250 / 200)
    verdicts = results.verdicts(rows)
    assert any(v.startswith(f"{RECOMMENDED} WINS vs sgd(lr=0.5)") for v in verdicts)
    # The JSON form: best_of only on best rows, and it reads back to the same row.
    assert "best_of" not in rows[0].to_dict() and best["sgd_best"].to_dict()["best_of"] == "sgd"
    assert all(RunRow.from_dict(r.to_dict()) == r for r in rows)


def test_every_method_of_the_study_is_known():
    assert set(study.FULL.methods) == set(METHODS) == set(methods.REGISTRY)
    assert set(methods.CONTRIB) <= set(METHODS) and RECOMMENDED in METHODS
    assert RECOMMENDED in study.QUICK.methods and RECOMMENDED in TINY.methods  # the goal table needs it
    StudyConfig(methods=METHODS, models=("mlp", "cnn", "diabetes", "teacher")).validate()
    # One record per optimizer: every shown method has a colour (its own, or the contrib palette).
    for method in methods.REGISTRY.values():
        assert method.shown or method.best is not None or method.family == "grid"
        assert method.color is not None or method.family in ("contrib", "grid"), method.name


def test_bench_is_a_registered_subcommand():
    from corridors._cli import build_parser

    args = build_parser().parse_args(["bench", "clr", "--full", "--seeds", "2", "--out", "x"])
    assert args.handler is run_bench and args.mode == "full" and args.seeds == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench", "clr", "--seeds", "0"])


@pytest.mark.parametrize("flags, preset", [([], "QUICK"), (["--quick"], "QUICK"), (["--full"], "FULL")])
def test_bench_modes_run_their_preset(tmp_path, monkeypatch, flags, preset):
    from corridors._cli import bench, main

    ran = []
    monkeypatch.setattr(bench, "run_clr_study", lambda config, out, progress: ran.append((config, out, progress)) or 0)
    assert main(["bench", "clr", *flags, "--seeds", "2", "--no-progress", "--out", str(tmp_path / "o")]) == 0
    [(config, out, progress)] = ran
    assert config == dataclasses.replace(getattr(study, preset), seeds=2)
    assert str(out) == str(tmp_path / "o") and progress is False


@pytest.mark.parametrize(
    "change",
    [dict(steps=15, eval_every=10), dict(methods=("sgd", "nope")), dict(models=("imagenet",)), dict(seeds=0)],
    ids=["steps", "method", "model", "seeds"],
)
def test_bad_config_is_rejected(tmp_path, change):
    with pytest.raises(InvalidArgument):
        study.run_study(dataclasses.replace(TINY, **change), tmp_path)


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
