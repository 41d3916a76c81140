"""The CLR study's tables: ``summary.csv`` and the aligned text tables ``corridors bench clr`` prints."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from .methods import RECOMMENDED_CALL, REGISTRY
from .results import DefaultsEntry, GoalCell, RunRow, fmt_steps

__all__ = ["SUMMARY_COLUMNS", "format_defaults", "format_goal", "format_table", "write_csv"]

#: The columns of ``summary.csv``, fields of :class:`RunRow`.
SUMMARY_COLUMNS = (
    "model",
    "batch_size",
    "method",
    "setting",
    "hyperparameter",
    "seeds",
    "reached_target",
    "steps_to_target_median",
    "final_loss_mean",
    "final_loss_std",
    "diverged",
    "final_accuracy_mean",
    "mean_clr_step",
    "capped_fraction",
    "wall_s",
)


def write_csv(rows: Sequence[RunRow], path: Path) -> None:
    """``summary.csv``: one line per row, :data:`SUMMARY_COLUMNS`; ``None`` is an empty cell."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if getattr(row, k) is None else getattr(row, k)) for k in SUMMARY_COLUMNS})


def _aligned(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


def _shown(row: RunRow) -> bool:
    """Sweeps are shown by their best, the defaults study by its own table."""
    method = REGISTRY.get(row.method)
    return method is None or method.shown


def format_table(rows: Sequence[RunRow]) -> str:
    """The summary without the sweep rows (their best is shown), as aligned text."""
    header = ("model", "batch", "method", "setting", "reached", "steps", "final_loss", "diverged", "acc", "mean_h", "capped", "wall_s")
    lines = [header]
    for r in filter(_shown, rows):
        std = r.final_loss_std
        lines.append(
            (
                r.model,
                str(r.batch_size),
                r.label,
                r.setting,
                r.reached_target,
                fmt_steps(r.steps_to_target_median),
                f"{r.final_loss_mean:.4f}" + ("" if std is None else f"±{std:.4f}"),
                str(r.diverged),
                "" if r.final_accuracy_mean is None else f"{r.final_accuracy_mean:.3f}",
                "" if r.mean_clr_step is None else f"{r.mean_clr_step:.3g}",
                "" if r.capped_fraction is None else f"{r.capped_fraction:.0%}",
                f"{r.wall_s:.1f}",
            )
        )
    return _aligned(lines)


def format_goal(goal: Sequence[GoalCell]) -> str:
    """The goal table (recommended vs best SGD vs best contrib) as aligned text."""
    header = ("model", "batch", RECOMMENDED_CALL.removeprefix("corridors."), "best SGD (lr)", "best contrib", "<= SGD", "<= contrib")
    verdict = {True: "yes", False: "NO", None: ""}
    lines = [header]
    for g in goal:
        lines.append(
            (
                g.model,
                str(g.batch_size),
                fmt_steps(g.recommended_steps) + (f" ({g.recommended_diverged} diverged)" if g.recommended_diverged else ""),
                "" if g.sgd_best_lr is None else f"{fmt_steps(g.sgd_best_steps)} ({g.sgd_best_lr:g})",
                "" if g.contrib_best is None else f"{fmt_steps(g.contrib_best_steps)} ({g.contrib_best})",
                verdict[g.meets_sgd],
                verdict[g.meets_contrib],
            )
        )
    return _aligned(lines)


def format_defaults(table: Sequence[DefaultsEntry]) -> str:
    """The defaults study as aligned text."""
    header = ("method", "setting", "cells <= best SGD", "diverged seeds", "steps / best SGD (geomean)")
    lines = [header] + [
        (
            t.method,
            t.setting,
            f"{t.cells_meeting_sgd}/{t.cells}",
            str(t.diverged_seeds),
            "" if t.steps_ratio_to_sgd_geomean is None else f"{t.steps_ratio_to_sgd_geomean:.3f}",
        )
        for t in table
    ]
    return _aligned(lines)
