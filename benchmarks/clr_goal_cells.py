"""The goal cells of issue 14 under a time budget: the CLR study run chunk by chunk, then merged.

``corridors bench clr --full`` runs every method on four tasks and writes its
results only at the end (1.5 h and more on 2 cores). This script runs the
cells that decide the goal -- digits MLP and CNN at batch 16, 64, 256 and full
batch -- for the methods the goal names: the SGD sweep, the recommended
``clr_momentum``, the paper's ``clr`` (cap 3), ``optax.polyak_sgd`` and
optax.contrib's ten parameter-free optimizers at their defaults. Each chunk is
one :func:`corridors._experiments.study.run_study` call with its own
folder under ``--out`` (summary, curves, loss and step plots), so a run that is
stopped keeps the finished chunks, and a rerun skips them. The merge recomputes
the best-of rows over all chunks of a cell and prints the summary table and
the goal table, and the defaults table of the grid chunks (run last).

The CNN at full batch (1797 images) costs about 0.1 s per step and seed on 2
cores, 80 times the MLP at batch 64: its chunks run ``--full-batch-steps``
steps (300 by default) and a shorter SGD sweep, and come last.

    nice -n 10 .venv/bin/python benchmarks/clr_goal_cells.py --out corridors-bench-clr-goal-cells
    .venv/bin/python benchmarks/clr_goal_cells.py --out corridors-bench-clr-goal-cells --merge-only

Two more runs, each into its own ``--out`` folder: ``--frontier`` runs
``corridors.clr_adam`` on the same cells with the tuned Adam and SGD-momentum
sweeps (and ``clr()``, ``momo_adam`` and the SGD sweep again, as a check that
the runs agree); ``--regression --steps 1000`` runs the diabetes and
teacher-student tasks for the corridors optimizers, SGD, Adam, ``momo``,
``momo_adam`` and ``prodigy`` (its "best of optax.contrib" is the best of those three).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np

from corridors._experiments import methods, results, study, tables
from corridors._experiments.results import RunRow

PEERS = ("polyak_sgd",) + methods.CONTRIB
SGD_LRS = (0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0)  # the full study's sweep
SGD_LRS_CNN_FULL = (0.1, 0.2, 0.3, 0.5, 1.0, 2.0)  # 3.0 diverges on the CNN at every batch size of the full study


CHEAP_CELLS = (("mlp", 16), ("mlp", 64), ("mlp", 256), ("mlp", 0), ("cnn", 16), ("cnn", 64), ("cnn", 256))
REGRESSION_CELLS = tuple((model, batch) for model in ("diabetes", "teacher") for batch in (16, 64, 256, 0))


def per_cell(prefix: str, base, cells, **changes):
    """One chunk per (model, batch) cell, named ``<prefix>_<model>_<batch or full>`` (no prefix: no ``_``)."""
    for model, batch in cells:
        name = "_".join(filter(None, (prefix, model, str(batch or "full"))))
        yield name, dataclasses.replace(base, models=(model,), batch_sizes=(batch,), **changes)


def chunks(steps: int, full_batch_steps: int, seeds: int):
    """(name, StudyConfig) in running order: cheap cells first, the CNN at full batch last."""
    base = dataclasses.replace(
        study.FULL, steps=steps, seeds=seeds, sgd_learning_rates=SGD_LRS, clr_max_learning_rate=3.0
    )
    yield from per_cell("", base, CHEAP_CELLS, methods=("sgd", "clr_momentum", "clr") + PEERS)
    cnn_full = dataclasses.replace(
        base, models=("cnn",), batch_sizes=(0,), steps=full_batch_steps, sgd_learning_rates=SGD_LRS_CNN_FULL
    )
    yield "cnn_full_a", dataclasses.replace(cnn_full, methods=("clr_momentum", "clr", "sgd"))
    yield "cnn_full_b", dataclasses.replace(cnn_full, methods=PEERS)
    # corridors.clr() at its defaults where the grid below does not run.
    yield "cnn_full_c", dataclasses.replace(cnn_full, methods=("clr_default",))
    # The defaults study: corridors.clr and clr_momentum over a grid of settings,
    # on every cell but the CNN at full batch (too costly for nine more runs).
    yield from per_cell("grid", base, CHEAP_CELLS, methods=methods.GRIDS)


#: The frontier run (``--frontier``): corridors.clr_adam with the references it is judged against.
#: ``clr_default`` and ``momo_adam`` repeat rows of the main run (a check that the runs agree); the
#: SGD sweep gives the goal's reference; ``adam`` and ``sgd_momentum`` are the tuned sweeps.
FRONTIER = ("clr_adam", "clr_default", "momo_adam", "sgd", "adam", "sgd_momentum")
#: The CNN at full batch: no SGD sweeps (measured in the main run), Adam over three learning rates.
FRONTIER_CNN_FULL = ("clr_adam", "clr_default", "momo_adam", "adam")
ADAM_LRS_CNN_FULL = (3e-3, 1e-2, 3e-2)


def frontier_chunks(steps: int, full_batch_steps: int, seeds: int):
    """(name, StudyConfig) of the frontier run: one chunk per cell, the CNN at full batch last."""
    base = dataclasses.replace(
        study.FULL, steps=steps, seeds=seeds, sgd_learning_rates=SGD_LRS, clr_max_learning_rate=3.0
    )
    yield from per_cell("frontier", base, CHEAP_CELLS, methods=FRONTIER)
    yield "frontier_cnn_full", dataclasses.replace(
        base, models=("cnn",), batch_sizes=(0,), steps=full_batch_steps, methods=FRONTIER_CNN_FULL,
        adam_learning_rates=ADAM_LRS_CNN_FULL,
    )


#: The regression run (``--regression``): the two tasks beyond digits, each batch size, 1000 steps
#: (``corridors bench clr --full``'s budget), the corridors optimizers against SGD, Adam and the
#: optax.contrib optimizers that were fastest on digits.
REGRESSION = ("sgd", "adam", "clr_default", "clr_momentum", "clr_adam", "momo", "momo_adam", "prodigy")


def regression_chunks(steps: int, seeds: int):
    """(name, StudyConfig) of the regression run: diabetes and teacher-student, one chunk per cell."""
    base = dataclasses.replace(study.FULL, steps=steps, seeds=seeds, sgd_learning_rates=SGD_LRS)
    yield from per_cell("regression", base, REGRESSION_CELLS, methods=REGRESSION)


def cap_chunks(steps: int, full_batch_steps: int, seeds: int):
    """(name, StudyConfig) of the cap study (``--cap-study``): clr_adam's cap grid and the SGD sweep, every cell.

    The 8 digits cells (the CNN at full batch last, with its own budget and
    sweep), then the 8 regression cells at 1000 steps.
    """
    base = dataclasses.replace(study.FULL, steps=steps, seeds=seeds, sgd_learning_rates=SGD_LRS)
    methods_run = ("sgd", "clr_adam_grid")
    yield from per_cell("caps", base, CHEAP_CELLS, methods=methods_run)
    yield "caps_cnn_full", dataclasses.replace(
        base, models=("cnn",), batch_sizes=(0,), steps=full_batch_steps, sgd_learning_rates=SGD_LRS_CNN_FULL,
        methods=methods_run,
    )
    yield from per_cell("caps", base, REGRESSION_CELLS, steps=1000, methods=methods_run)


def candidates_table(rows: list[RunRow]) -> list[dict]:
    """Every corridors setting (defaults and grid points) against the goal, cell by cell.

    The goal table of the study for the recommended optimizer, repeated for
    each candidate: ``meets_sgd`` cells (reached the target in every seed, in
    no more median steps than the best SGD learning rate, no diverged seed) and
    ``meets_contrib`` cells (no more median steps than the best optax.contrib
    optimizer), over the cells where the candidate ran.
    """
    by_cell = {(r.model, r.batch_size, r.method): r for r in rows}
    table = {}
    for r in rows:
        if r.method not in methods.CORRIDORS + methods.GRIDS:
            continue
        sgd = by_cell.get((r.model, r.batch_size, "sgd_best"))
        contrib = by_cell.get((r.model, r.batch_size, "contrib_best"))
        mine = r.steps_to_target_median

        def no_more(ref):
            return ref is not None and mine is not None and (
                ref.steps_to_target_median is None or mine <= ref.steps_to_target_median
            )

        entry = table.setdefault((r.method, r.setting), {"method": r.method, "setting": r.setting, "cells": []})
        entry["cells"].append(
            {
                "cell": f"{r.model}/{r.batch_size}",
                "steps": mine,
                "diverged": r.diverged,
                "meets_sgd": no_more(sgd) and not r.diverged,
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
            + " ".join(f"{c['cell']}:{results.fmt_steps(c['steps'])}" for c in sorted(cells, key=lambda c: c["cell"]))
        )
    return "\n".join(lines)


def budget_of(row: RunRow, budgets: dict) -> float:
    """The step budget of the run a row comes from (the CNN at full batch runs fewer steps).

    ``budgets`` maps (task, batch size) to the steps its chunks ran (every chunk of a cell runs the same).
    """
    return float(budgets.get((row.model, row.batch_size)) or math.inf)


def _cell_name(model: str, batch: int) -> str:
    return f"{model.upper()}, {batch}"


def markdown(rows: list[RunRow], defaults: list, budgets: dict) -> str:
    """The tables of docs/benchmarks.md: steps to target and final loss per method and cell; defaults."""
    cells = sorted({(r.model, r.batch_size) for r in rows}, key=lambda c: (c[0] != "mlp", c[1]))
    by_key = {(r.model, r.batch_size, r.method): r for r in rows}

    def entry(r):
        if r is None:
            return "not run"
        steps = r.steps_to_target_median
        text = f"{steps:.0f}" if steps is not None else f"never ({r.reached_target})"
        final = r.final_loss_mean
        text += ", " + ("inf" if not math.isfinite(final) else f"{final:.2g}")
        if r.diverged:
            text += f", **{r.diverged} div.**"
        return text

    shown = [("sgd_best", "best SGD (lr)"), ("clr_default", "`clr()` (recommended)"),
               ("clr_momentum", "`clr_momentum()`"), ("clr_adam", "`clr_adam()`"),
               ("clr", "`clr(scale=1, max_learning_rate=3)` (paper)"),
               ("adam_best", "best Adam (lr)"), ("sgd_momentum_best", "best SGD, momentum 0.9 (lr)"),
               ("polyak_sgd", "`optax.polyak_sgd()`"), ("contrib_best", "best of optax.contrib")]
    shown += [(name, f"`{name}`") for name in methods.CONTRIB]
    lines = ["| method | " + " | ".join(_cell_name(*c) for c in cells) + " |", "|---" * (len(cells) + 1) + "|"]
    for method, title in shown:
        if not any((model, batch, method) in by_key for model, batch in cells):
            continue  # not in this run (the frontier run has no optax.contrib sweep)
        cols = []
        for model, batch in cells:
            r = by_key.get((model, batch, method))
            text = entry(r)
            if r is not None and method in methods.SWEEP_BESTS:
                text += f" ({r.hyperparameter:g})"
            if r is not None and method == "contrib_best":
                text += f" ({r.best_of})"
            cols.append(text)
        lines.append(f"| {title} | " + " | ".join(cols) + " |")
    # Each optax.contrib optimizer on its own, over the cells where both ran.
    ours_by_cell = {c: by_key.get((*c, methods.RECOMMENDED)) for c in cells}
    lines += ["", f"| optax.contrib optimizer | cells where `{methods.RECOMMENDED_CALL}` needs no more steps "
              "| median over cells of its steps (never = the step budget) | the same for the recommended |",
              "|---|---|---|---|"]
    for name in methods.CONTRIB:
        pairs = [(ours_by_cell[c], by_key.get((*c, name))) for c in cells]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        if not pairs:
            continue

        def steps_of(r):
            return r.steps_to_target_median if r.steps_to_target_median is not None else math.inf

        no_more = sum(steps_of(a) <= steps_of(b) for a, b in pairs)
        med = lambda rs: float(np.median([min(steps_of(r), budget_of(r, budgets)) for r in rs]))  # noqa: E731
        lines.append(f"| `{name}` | {no_more}/{len(pairs)} | {med([b for _, b in pairs]):g} | {med([a for a, _ in pairs]):g} |")
    lines += ["", "| method | setting | cells <= best SGD | diverged seeds | steps / best SGD (geomean) |", "|---|---|---|---|---|"]
    for t in defaults:
        lines.append(f"| {t.method} | {t.setting} | {t.cells_meeting_sgd}/{t.cells} | {t.diverged_seeds} "
                     f"| {t.steps_ratio_to_sgd_geomean} |")
    return "\n".join(lines) + "\n"


def _defaults_from_grid(rows: list[RunRow]) -> list[RunRow]:
    """The grid point equal to ``corridors.clr()``'s defaults, as a ``clr_default`` row where that did not run."""
    cap, scale = methods.default_of("clr", "max_learning_rate"), methods.default_of("clr", "scale")
    setting = f"max_learning_rate={cap:g}, scale={scale:g}"
    have = {(r.model, r.batch_size) for r in rows if r.method == "clr_default"}
    extra = [
        dataclasses.replace(r, method="clr_default", setting=methods.default_setting("clr") + " (defaults)")
        for r in rows
        if r.method == "clr_grid" and r.setting == setting and (r.model, r.batch_size) not in have
    ]
    return rows + extra


def merge(out: Path, steps: int = 500) -> dict:
    """Rows of every finished chunk, best-of rows recomputed per cell; goal and defaults tables.

    Written to ``out/merged.json``. ``steps`` is the budget a defaults-grid
    run that never reached the target counts as.
    """
    rows, done, budgets = [], [], {}
    for path in sorted(out.glob("*/summary.json")):
        summary = json.loads(path.read_text())
        done.append(path.parent.name)
        for row in summary["rows"]:
            if row["method"].endswith("_best"):
                continue
            row = RunRow.from_dict(row)  # a null mean final loss (infinite) is read back as inf
            budgets[(row.model, row.batch_size)] = summary.get("config", {}).get("steps")
            rows.append(row)
    rows = results.add_best(_defaults_from_grid(rows))
    goal = results.goal_table(rows)
    defaults = results.defaults_table(rows, steps)
    merged = {
        "chunks": done,
        "rows": [dict(r.to_dict(), steps_budget=budgets.get((r.model, r.batch_size))) for r in rows],
        "goal": [cell.to_dict() for cell in goal],
        "defaults": [entry.to_dict() for entry in defaults],
        "candidates": candidates_table(rows),
    }
    (out / "merged.json").write_text(json.dumps(merged, indent=2) + "\n")
    (out / "merged.md").write_text(markdown(rows, defaults, budgets))
    print(f"chunks: {', '.join(done)}")
    print(tables.format_table(rows))
    print(f"\nrecommended: {methods.RECOMMENDED_CALL} at its defaults; median steps to target:")
    print(tables.format_goal(goal))
    if defaults:
        print("\ndefaults study (each setting over the cells where it ran):")
        print(tables.format_defaults(defaults))
    print("\nevery corridors setting against the goal, cell by cell:")
    print(format_candidates(merged["candidates"]))
    return merged


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="corridors-bench-clr-goal-cells")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--full-batch-steps", type=int, default=300, help="steps of the CNN at full batch")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated chunk names to run (default: all)")
    parser.add_argument("--merge-only", action="store_true")
    parser.add_argument("--frontier", action="store_true",
                        help="run corridors.clr_adam and the tuned Adam and SGD-momentum sweeps instead")
    parser.add_argument("--cap-study", action="store_true",
                        help="run clr_adam's cap grid and the SGD sweep on the digits and regression cells instead")
    parser.add_argument("--regression", action="store_true",
                        help="run the diabetes and teacher-student tasks instead (--steps 1000 recommended)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not args.merge_only:
        wanted = set(filter(None, args.only.split(",")))
        if args.regression:
            plan = regression_chunks(args.steps, args.seeds)
        elif args.cap_study:
            plan = cap_chunks(args.steps, args.full_batch_steps, args.seeds)
        else:
            plan = (frontier_chunks if args.frontier else chunks)(args.steps, args.full_batch_steps, args.seeds)
        for name, config in plan:
            folder = out / name
            if (folder / "summary.json").exists() or (wanted and name not in wanted):
                continue
            started = time.perf_counter()
            summary = study.run_study(config, folder, progress=False, log=lambda line: None)
            print(f"{name}: {config.steps} steps, {len(config.methods)} methods, {summary.wall_s:.0f} s "
                  f"({time.perf_counter() - started:.0f} s with plots)", flush=True)
    merge(out, args.steps)


if __name__ == "__main__":
    main()
