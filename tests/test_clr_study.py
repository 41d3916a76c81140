"""The digits CLR study on a tiny setting: output files, table columns, CLI wiring."""

import argparse
import csv
import json

import pytest

from corridors._cli.bench import run_bench
from corridors._experiments.clr_study import SUMMARY_COLUMNS, TINY, StudyConfig
from corridors import InvalidArgument


def test_tiny_study_writes_plots_and_tables(tmp_path, capsys):
    out = tmp_path / "bench"
    args = argparse.Namespace(study="clr", mode="tiny", out=str(out), seeds=1, no_progress=True)
    assert run_bench(args) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "loses in" in printed
    # --no-progress: one line per finished run instead of a bar (2 batch sizes x 5 methods).
    run_lines = [line for line in printed.splitlines() if line.startswith("[")]
    assert len(run_lines) == 10 and run_lines[0].startswith("[1/10] mlp batch=64 sgd:")
    for name in ("summary.csv", "summary.json", "curves.npz", "loss_mlp.png", "clr_value_mlp.png"):
        assert (out / name).stat().st_size > 0, name
    with open(out / "summary.csv") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == SUMMARY_COLUMNS
        rows = list(reader)
    methods = {r["method"] for r in rows}
    assert {"sgd", "sgd_best", "clr", "clr_online", "polyak_sgd", "adam"} <= methods
    assert {int(r["batch_size"]) for r in rows} == {64, 1797}
    assert sum(r["method"] == "sgd" for r in rows) == 2 * len(TINY.sgd_learning_rates)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["seeds"] == 1 and len(summary["rows"]) == len(rows)
    clr_rows = [r for r in summary["rows"] if r["method"] == "clr"]
    assert all(0 < r["mean_clr_step"] <= summary["clr_max_learning_rate"] for r in clr_rows)
    assert all(r["final_loss_mean"] < 2.31 for r in clr_rows)  # below chance level ln(10) after 20 steps


def test_bench_is_a_registered_subcommand():
    from corridors._cli import build_parser

    args = build_parser().parse_args(["bench", "clr", "--full", "--seeds", "2", "--out", "x"])
    assert args.handler is run_bench and args.mode == "full" and args.seeds == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench", "clr", "--seeds", "0"])


def test_bad_config_is_rejected(tmp_path):
    from corridors._experiments.clr_study import run_study

    with pytest.raises(InvalidArgument):
        run_study(StudyConfig(steps=15, eval_every=10), tmp_path)
