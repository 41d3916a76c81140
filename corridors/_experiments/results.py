"""What the CLR study measured: one :class:`RunRow` per run, and the comparisons computed from the rows.

:func:`add_best` adds the best of each sweep and of optax.contrib,
:func:`verdicts` compares each corridors optimizer with them, :func:`goal_table`
puts the recommended optimizer against best SGD and best contrib, and
:func:`defaults_table` ranks the settings of the defaults study.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Optional, Sequence

from .methods import CONTRIB, CORRIDORS, GRIDS, RECOMMENDED, REFERENCES, REGISTRY, label

__all__ = ["DefaultsEntry", "GoalCell", "RunRow", "add_best", "defaults_table", "fmt_steps", "goal_table", "verdicts"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunRow:
    """One (task, batch size, method, hyperparameter) run over all seeds, or the best of a sweep.

    Attributes:
        model, batch_size, method, setting, hyperparameter: what ran
            (``batch_size`` is the actual batch, the data size for full batch).
        seeds: how many seeds; ``reached_target``: ``"k/seeds"`` that reached it.
        steps_to_target_median: median steps to ``target_loss`` when every seed
            reached it, else ``None``; ``steps_to_target``: per seed (``None``: never).
        final_loss_mean, final_loss_std: over seeds (``inf`` / ``None`` when a seed diverged).
        diverged: seeds that ended non-finite or above their start.
        final_accuracy_mean: classification tasks only.
        mean_clr_step: mean step along the gradient ``-<u, g>/‖g‖²``.
        capped_fraction: CLR-type states only: how often the cap decided the step.
        wall_s: seconds per hyperparameter value.
        best_of: on a best-of row (``sgd_best``, ``contrib_best``): the method it is.
    """

    model: str
    batch_size: int
    method: str
    setting: str
    hyperparameter: float
    seeds: int
    reached_target: str
    steps_to_target_median: Optional[float]
    steps_to_target: tuple[Optional[int], ...]
    target_loss: float
    final_loss_mean: float
    final_loss_std: Optional[float]
    diverged: int
    final_accuracy_mean: Optional[float]
    mean_clr_step: Optional[float]
    capped_fraction: Optional[float]
    wall_s: float
    best_of: Optional[str] = None

    @property
    def label(self) -> str:
        """Its name in tables, legends and verdicts (``sgd(lr=0.5)`` for the best of the SGD sweep)."""
        return label(self.method, self.hyperparameter, self.best_of)

    def to_dict(self) -> dict:
        """The JSON form (``summary.json``): non-finite numbers are written as null; ``best_of`` on best rows only."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["steps_to_target"] = list(self.steps_to_target)
        if self.best_of is None:
            del data["best_of"]
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "RunRow":
        """The row of a :meth:`to_dict` (a ``summary.json`` row); a null mean final loss is infinite again."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in fields}
        values["steps_to_target"] = tuple(values["steps_to_target"])
        if values["final_loss_mean"] is None:
            values["final_loss_mean"] = math.inf
        return cls(**values)


def fmt_steps(steps: Optional[float]) -> str:
    return "never" if steps is None else f"{steps:.0f}"


def _rank(row: RunRow):
    """Order used to pick the best of a sweep: reached target first (fewest steps), then lowest final loss."""
    steps = row.steps_to_target_median
    return (steps if steps is not None else math.inf, row.final_loss_mean)


def add_best(rows: Sequence[RunRow]) -> list[RunRow]:
    """Add ``sgd_best`` / ``sgd_momentum_best`` / ``adam_best`` (best of each sweep) and ``contrib_best`` rows.

    The best has the fewest median steps to target; ties, or no run reaching
    it, are broken by the mean final loss.
    """
    out = list(rows)
    groups: dict = {}
    for row in rows:
        method = REGISTRY.get(row.method)
        family = method.best if method is not None else None
        if family is None and row.method in CONTRIB:
            family = "contrib_best"
        if family is not None:
            groups.setdefault((row.model, row.batch_size, family), []).append(row)
    for (_, _, family), candidates in sorted(groups.items(), key=lambda kv: kv[0]):
        best = min(candidates, key=_rank)
        out.append(dataclasses.replace(best, method=family, best_of=best.method))
    return out


def _compare(ours: RunRow, ref: RunRow) -> str:
    s_ours, s_ref = ours.steps_to_target_median, ref.steps_to_target_median
    faster = s_ours is not None and (s_ref is None or s_ours < s_ref)
    slower = s_ref is not None and (s_ours is None or s_ours > s_ref)
    if faster:
        return "WINS"
    if slower:
        return "LOSES"
    if math.isclose(ours.final_loss_mean, ref.final_loss_mean, rel_tol=1e-3):
        return "TIES"
    return "WINS" if ours.final_loss_mean < ref.final_loss_mean else "LOSES"


def verdicts(rows: Sequence[RunRow]) -> list[str]:
    """One line per (task, batch size, corridors method, reference): win, tie or loss, and the figures.

    Steps to target decide; equal steps (or neither reaching it) are decided
    by the final loss. A corridors method with a diverged seed never wins.
    """
    lines = []
    by_key = {(r.model, r.batch_size, r.method): r for r in rows}
    for (model, bs, method), row in sorted(by_key.items()):
        if method not in CORRIDORS:
            continue
        for other in REFERENCES:
            ref = by_key.get((model, bs, other))
            if ref is None:
                continue
            verdict = _compare(row, ref)
            if row.diverged and verdict != "LOSES":
                verdict = "LOSES"
            lines.append(
                f"{method} {verdict} vs {ref.label} [{model}, batch {bs}]: steps to loss<={row.target_loss:g} "
                f"{fmt_steps(row.steps_to_target_median)} vs {fmt_steps(ref.steps_to_target_median)}, "
                f"final loss {row.final_loss_mean:.4g} vs {ref.final_loss_mean:.4g}"
                + (f", {row.diverged} diverged seed(s)" if row.diverged else "")
            )
    return lines


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoalCell:
    """One (task, batch size) of the goal table: the recommended optimizer against best SGD and best contrib.

    ``meets_sgd``: reached the target in every seed, in no more median steps
    than the best SGD learning rate, with no diverged seed. ``meets_contrib``:
    no more median steps than the best optax.contrib optimizer of the cell.
    ``None``: that reference did not run.
    """

    model: str
    batch_size: int
    recommended_steps: Optional[float]
    recommended_diverged: int
    sgd_best_steps: Optional[float]
    sgd_best_lr: Optional[float]
    contrib_best_steps: Optional[float]
    contrib_best: Optional[str]
    meets_sgd: Optional[bool]
    meets_contrib: Optional[bool]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def goal_table(rows: Sequence[RunRow]) -> list[GoalCell]:
    """Per (task, batch size): the recommended optimizer against best SGD and the best optax.contrib run."""
    by_key = {(r.model, r.batch_size, r.method): r for r in rows}
    table = []
    for model, bs in sorted({(r.model, r.batch_size) for r in rows}):
        ours = by_key.get((model, bs, RECOMMENDED))
        if ours is None:
            continue
        sgd, contrib = by_key.get((model, bs, "sgd_best")), by_key.get((model, bs, "contrib_best"))

        def no_more(ref):
            if ref is None:
                return None
            mine, theirs = ours.steps_to_target_median, ref.steps_to_target_median
            return mine is not None and (theirs is None or mine <= theirs)

        meets_sgd = no_more(sgd)
        table.append(GoalCell(
            model=model,
            batch_size=bs,
            recommended_steps=ours.steps_to_target_median,
            recommended_diverged=ours.diverged,
            sgd_best_steps=None if sgd is None else sgd.steps_to_target_median,
            sgd_best_lr=None if sgd is None else sgd.hyperparameter,
            contrib_best_steps=None if contrib is None else contrib.steps_to_target_median,
            contrib_best=None if contrib is None else contrib.best_of,
            meets_sgd=None if meets_sgd is None else bool(meets_sgd and not ours.diverged),
            meets_contrib=no_more(contrib),
        ))
    return table


@dataclasses.dataclass(frozen=True, kw_only=True)
class DefaultsEntry:
    """One setting of the defaults study over the cells where it ran (see :func:`defaults_table`)."""

    method: str
    setting: str
    cells: int
    cells_meeting_sgd: int
    diverged_seeds: int
    steps_ratio_to_sgd_geomean: Optional[float]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def defaults_table(rows: Sequence[RunRow], steps: int) -> list[DefaultsEntry]:
    """The defaults study: each grid setting of ``clr_grid`` / ``clr_momentum_grid`` over all cells.

    Per setting: in how many (task, batch size) cells it reached the target
    in every seed in no more median steps than the best SGD learning rate with
    no diverged seed (``cells_meeting_sgd``), the diverged seeds in all, and
    the geometric mean over cells of its median steps relative to best SGD's
    (a cell where it or SGD never reached the target counts as the step
    budget ``steps``). Sorted best first: most cells met, fewest diverged,
    lowest ratio.
    """
    best = {(r.model, r.batch_size): r for r in rows if r.method == "sgd_best"}
    budget = float(steps)
    table = []
    for grid in GRIDS:
        settings = sorted({r.setting for r in rows if r.method == grid})
        for setting in settings:
            mine = [r for r in rows if r.method == grid and r.setting == setting]
            met, diverged, logs = 0, 0, []
            for r in mine:
                ref = best.get((r.model, r.batch_size))
                if ref is None:
                    continue
                ours_s, sgd_s = r.steps_to_target_median, ref.steps_to_target_median
                met += int(ours_s is not None and (sgd_s is None or ours_s <= sgd_s) and not r.diverged)
                diverged += r.diverged
                logs.append(math.log(max(ours_s or budget, 1.0) / max(sgd_s or budget, 1.0)))
            table.append(DefaultsEntry(
                method=grid,
                setting=setting,
                cells=len(logs),
                cells_meeting_sgd=met,
                diverged_seeds=diverged,
                steps_ratio_to_sgd_geomean=round(math.exp(sum(logs) / len(logs)), 3) if logs else None,
            ))
    table.sort(key=lambda t: (-t.cells_meeting_sgd, t.diverged_seeds, t.steps_ratio_to_sgd_geomean or math.inf))
    return table
