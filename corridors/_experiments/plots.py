"""The CLR study's figures: full-data loss and the step along the gradient (the paper's Figure 4), per task."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .._plotting.figures import agg_figure
from .methods import CONTRIB, REGISTRY, SWEEP_BESTS
from .results import RunRow

__all__ = ["plot_study"]


def _colors() -> dict[str, object]:
    """Each method's colour: its record's, or one of the optax.contrib palette."""
    import matplotlib

    colors: dict[str, object] = {name: method.color for name, method in REGISTRY.items() if method.color is not None}
    colors.update(zip(CONTRIB, matplotlib.colormaps["tab20"].colors[1::2]))  # type: ignore[attr-defined]
    return colors


def plot_study(rows: Sequence[RunRow], curves: dict, config, target_of, out: Path) -> None:
    """Per task: ``loss_<task>.png`` (full-data loss) and ``clr_value_<task>.png`` (the step, Figure 4).

    ``curves`` maps ``task/batch/method/hyperparameter/kind`` to arrays over
    (seed, step); ``target_of(task)`` is the task's target loss.
    """
    chosen = {(r.model, r.batch_size, r.method): r for r in rows}
    colors = _colors()
    shown: list[str] = list(SWEEP_BESTS) + [m for m in config.methods if REGISTRY[m].shown]
    for model in config.models:
        sizes = sorted({r.batch_size for r in rows if r.model == model})
        target = target_of(model)
        for kind in ("loss", "clr_value"):
            fig = agg_figure(size=(4.4 * len(sizes), 3.6), layout=None)
            axes = fig.subplots(1, len(sizes), squeeze=False)
            for ax, bs in zip(axes[0], sizes):
                for method in shown:
                    row = chosen.get((model, bs, method))
                    if row is None:
                        continue
                    source = SWEEP_BESTS.get(method, method)
                    key = f"{model}/{bs}/{source}/{row.hyperparameter:g}"
                    contrib = method in CONTRIB
                    color = colors.get(SWEEP_BESTS.get(method, method), "tab:purple")
                    style = dict(color=color, lw=0.8 if contrib else 1.4, ls="--" if contrib else "-")
                    if kind == "loss":
                        data = curves[key + "/eval_loss"]
                        steps = np.arange(data.shape[-1]) * config.eval_every
                    else:
                        data = _smooth(curves[key + "/step"], config.eval_every)
                        steps = np.arange(1, data.shape[-1] + 1)
                    finite = np.where(np.isfinite(data), data, np.nan)
                    with np.errstate(all="ignore"):
                        mean = np.nanmean(finite, axis=0) if np.isfinite(finite).any() else finite[0]
                    ax.plot(steps, np.where(mean > 0, mean, np.nan), label=row.label, **style)
                if kind == "loss":
                    ax.axhline(target, color="k", ls=":", lw=0.8)
                    ax.set_ylabel("training loss (all data)")
                else:
                    ax.set_ylabel("step along the gradient, -<u,g>/|g|^2")
                ax.set_yscale("log")
                ax.set_xlabel("step")
                ax.set_title(f"{model}, batch {bs}")
            handles, labels = axes[0][0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="center right", fontsize=7, frameon=False)
            fig.tight_layout(rect=(0, 0, 0.84, 1))
            fig.savefig(out / f"{kind}_{model}.png", dpi=110)


def _smooth(a: np.ndarray, width: int) -> np.ndarray:
    """Running mean over ``width`` steps along the last axis (mini-batch steps are noisy)."""
    if width <= 1 or a.shape[-1] < width:
        return a
    kernel = np.ones(width) / width
    return np.stack([np.convolve(row, kernel, mode="same") for row in np.atleast_2d(a)])
