"""The goal cells of issue 14 under a time budget: the CLR study run chunk by chunk, then merged.

``corridors bench clr --full`` runs every method on four tasks and writes its
results only at the end (1.5 h and more on 2 cores). This script runs the
cells that decide the goal -- digits MLP and CNN at batch 16, 64, 256 and full
batch -- for the methods the goal names: the SGD sweep, the recommended
``clr_momentum``, the paper's ``clr`` (cap 3), ``optax.polyak_sgd`` and
optax.contrib's ten parameter-free optimizers at their defaults. Each chunk is
one :func:`corridors._experiments.clr_study.run_study` call with its own
folder under ``--out`` (summary, curves, loss and step plots), so a run that is
stopped keeps the finished chunks, and a rerun skips them. The merge recomputes
the best-of rows over all chunks of a cell and prints the summary table and
the goal table, and the defaults table of the grid chunks (run last).

The CNN at full batch (1797 images) costs about 0.1 s per step and seed on 2
cores, 80 times the MLP at batch 64: its chunks run ``--full-batch-steps``
steps (300 by default) and a shorter SGD sweep, and come last.

    nice -n 10 .venv/bin/python benchmarks/clr_goal_cells.py --out clr-goal-cells
    .venv/bin/python benchmarks/clr_goal_cells.py --out clr-goal-cells --merge-only
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from corridors._experiments import clr_study

PEERS = ("polyak_sgd",) + clr_study.CONTRIB
SGD_LRS = (0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0)  # the full study's sweep
SGD_LRS_CNN_FULL = (0.1, 0.2, 0.3, 0.5, 1.0, 2.0)  # 3.0 diverges on the CNN at every batch size of the full study


CHEAP_CELLS = (("mlp", 16), ("mlp", 64), ("mlp", 256), ("mlp", 0), ("cnn", 16), ("cnn", 64), ("cnn", 256))


def chunks(steps: int, full_batch_steps: int, seeds: int):
    """(name, StudyConfig) in running order: cheap cells first, the CNN at full batch last."""
    base = dataclasses.replace(
        clr_study.FULL, steps=steps, seeds=seeds, sgd_learning_rates=SGD_LRS, clr_max_learning_rate=3.0
    )
    for model, batch in CHEAP_CELLS:
        yield f"{model}_{batch or 'full'}", dataclasses.replace(
            base, models=(model,), batch_sizes=(batch,), methods=("sgd", "clr_momentum", "clr") + PEERS
        )
    cnn_full = dataclasses.replace(
        base, models=("cnn",), batch_sizes=(0,), steps=full_batch_steps, sgd_learning_rates=SGD_LRS_CNN_FULL
    )
    yield "cnn_full_a", dataclasses.replace(cnn_full, methods=("clr_momentum", "clr", "sgd"))
    yield "cnn_full_b", dataclasses.replace(cnn_full, methods=PEERS)
    # corridors.clr() at its defaults where the grid below does not run.
    yield "cnn_full_c", dataclasses.replace(cnn_full, methods=("clr_default",))
    # The defaults study: corridors.clr and clr_momentum over a grid of settings,
    # on every cell but the CNN at full batch (too costly for nine more runs).
    for model, batch in CHEAP_CELLS:
        yield f"grid_{model}_{batch or 'full'}", dataclasses.replace(
            base, models=(model,), batch_sizes=(batch,), methods=clr_study.GRIDS
        )


def candidates_table(rows: list[dict]) -> list[dict]:
    """Every corridors setting (defaults and grid points) against the goal, cell by cell.

    The goal table of the study for the recommended optimizer, repeated for
    each candidate: ``meets_sgd`` cells (reached the target in every seed, in
    no more median steps than the best SGD learning rate, no diverged seed) and
    ``meets_contrib`` cells (no more median steps than the best optax.contrib
    optimizer), over the cells where the candidate ran.
    """
    by_cell = {(r["model"], r["batch_size"], r["method"]): r for r in rows}
    table = {}
    for r in rows:
        if r["method"] not in clr_study.CORRIDORS + clr_study.GRIDS:
            continue
        sgd = by_cell.get((r["model"], r["batch_size"], "sgd_best"))
        contrib = by_cell.get((r["model"], r["batch_size"], "contrib_best"))
        mine = r["steps_to_target_median"]

        def no_more(ref):
            return ref is not None and mine is not None and (
                ref["steps_to_target_median"] is None or mine <= ref["steps_to_target_median"]
            )

        entry = table.setdefault(
            (r["method"], r["setting"]), {"method": r["method"], "setting": r["setting"], "cells": []}
        )
        entry["cells"].append(
            {
                "cell": f"{r['model']}/{r['batch_size']}",
                "steps": mine,
                "diverged": r["diverged"],
                "meets_sgd": no_more(sgd) and not r["diverged"],
                "meets_contrib": no_more(contrib),
            }
        )
    return list(table.values())


def format_candidates(table: list[dict]) -> str:
    lines = []
    for entry in sorted(table, key=lambda e: (-sum(c["meets_sgd"] for c in e["cells"]), e["method"], e["setting"])):
        cells = entry["cells"]
        lines.append(
            f"{entry['method']:<18} {entry['setting']:<62} <= SGD {sum(c['meets_sgd'] for c in cells)}/{len(cells)}"
            f"  <= contrib {sum(c['meets_contrib'] for c in cells)}/{len(cells)}"
            f"  diverged seeds {sum(c['diverged'] for c in cells)}  steps "
            + " ".join(f"{c['cell']}:{clr_study._fmt_steps(c['steps'])}" for c in sorted(cells, key=lambda c: c["cell"]))
        )
    return "\n".join(lines)


def merge(out: Path, steps: int = 500) -> dict:
    """Rows of every finished chunk, best-of rows recomputed per cell; goal and defaults tables.

    Written to ``out/merged.json``. ``steps`` is the budget a defaults-grid
    run that never reached the target counts as.
    """
    rows = []
    done = []
    for path in sorted(out.glob("*/summary.json")):
        summary = json.loads(path.read_text())
        done.append(path.parent.name)
        for row in summary["rows"]:
            if row["method"].endswith("_best"):
                continue
            if row["final_loss_mean"] is None:  # written as null when infinite
                row["final_loss_mean"] = float("inf")
            rows.append(row)
    rows = clr_study._add_best(rows)
    merged = {
        "chunks": done,
        "rows": [clr_study._finite(r) for r in rows],
        "goal": clr_study.goal_table(rows, clr_study.FULL),
        "defaults": clr_study.defaults_table(rows, dataclasses.replace(clr_study.FULL, steps=steps)),
        "candidates": candidates_table(rows),
    }
    (out / "merged.json").write_text(json.dumps(merged, indent=2) + "\n")
    print(f"chunks: {', '.join(done)}")
    print(clr_study.format_table(rows))
    print(f"\nrecommended: corridors.{clr_study.RECOMMENDED}() at its defaults; median steps to target:")
    print(clr_study.format_goal(merged["goal"]))
    if merged["defaults"]:
        print("\ndefaults study (each setting over the cells where it ran):")
        print(clr_study.format_defaults(merged["defaults"]))
    print("\nevery corridors setting against the goal, cell by cell:")
    print(format_candidates(merged["candidates"]))
    return merged


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="clr-goal-cells")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--full-batch-steps", type=int, default=300, help="steps of the CNN at full batch")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated chunk names to run (default: all)")
    parser.add_argument("--merge-only", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not args.merge_only:
        wanted = set(filter(None, args.only.split(",")))
        for name, config in chunks(args.steps, args.full_batch_steps, args.seeds):
            folder = out / name
            if (folder / "summary.json").exists() or (wanted and name not in wanted):
                continue
            started = time.perf_counter()
            summary = clr_study.run_study(config, folder, progress=False, log=lambda line: None)
            print(f"{name}: {config.steps} steps, {len(config.methods)} methods, {summary['wall_s']:.0f} s "
                  f"({time.perf_counter() - started:.0f} s with plots)", flush=True)
    merge(out, args.steps)


if __name__ == "__main__":
    main()
