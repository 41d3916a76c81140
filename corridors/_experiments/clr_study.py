"""CLR vs tuned SGD, Polyak SGD and Adam on digits: the paper's CLR study at CPU scale.

Dherin & Rosca (arXiv:2402.08818) train ResNets on CIFAR/ImageNet and show the
Corridor Learning Rate converging faster than SGD with the best learning rate
of a sweep, and plot the CLR value over training. Here the same comparison
runs in minutes on two CPU cores: scikit-learn's digits (1797 8x8 images, no
download), an MLP and a tiny CNN (equinox), cross-entropy, several batch sizes
including full batch, several seeds.

Every (model, batch size, method) is one jitted XLA program: ``lax.scan`` over
steps, ``vmap`` over seeds and over the method's hyperparameter values (the
SGD learning-rate sweep runs as one program). The training loss on the whole
data set is measured every ``eval_every`` steps.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional, Sequence

import numpy as np

from .._errors import InvalidArgument

__all__ = ["StudyConfig", "QUICK", "FULL", "TINY", "run_study", "SUMMARY_COLUMNS"]


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """What to run. ``batch_sizes`` entries of 0 mean full batch."""

    models: tuple[str, ...] = ("mlp",)
    batch_sizes: tuple[int, ...] = (32, 256, 0)
    steps: int = 300
    eval_every: int = 10
    seeds: int = 3
    sgd_learning_rates: tuple[float, ...] = (0.1, 0.2, 0.3, 0.5, 1.0, 3.0)
    # CLR's cap: the largest learning rate of the SGD sweep, so CLR never takes
    # a step SGD was not allowed to try. Not tuned per task.
    clr_max_learning_rate: Optional[float] = None
    adam_learning_rate: float = 1e-3  # optax / Kingma & Ba default
    polyak_max_learning_rate: float = 1.0  # optax.polyak_sgd default
    target_loss: float = 0.1  # "steps to reach": full-data training loss <= this
    methods: tuple[str, ...] = ("sgd", "clr", "clr_online", "polyak_sgd", "adam")

    def cap(self) -> float:
        return self.clr_max_learning_rate or max(self.sgd_learning_rates)

    def validate(self) -> None:
        if self.steps < 1 or self.eval_every < 1 or self.steps % self.eval_every:
            raise InvalidArgument(f"steps ({self.steps}) must be a positive multiple of eval_every ({self.eval_every})")
        if self.seeds < 1:
            raise InvalidArgument(f"seeds must be >= 1, got {self.seeds}")
        if any(b < 0 for b in self.batch_sizes):
            raise InvalidArgument(f"batch sizes must be >= 0 (0 = full batch), got {self.batch_sizes}")
        unknown = set(self.methods) - set(_METHOD_NAMES) or set(self.models) - {"mlp", "cnn"}
        if unknown:
            raise InvalidArgument(f"unknown methods or models: {sorted(unknown)}")


QUICK = StudyConfig()
FULL = StudyConfig(
    models=("mlp", "cnn"),
    batch_sizes=(16, 64, 256, 0),
    steps=1000,
    eval_every=25,
    seeds=3,
    sgd_learning_rates=(0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0),
)
TINY = StudyConfig(batch_sizes=(64, 0), steps=20, eval_every=10, seeds=1, sgd_learning_rates=(0.1, 1.0))

SUMMARY_COLUMNS = (
    "model",
    "batch_size",
    "method",
    "hyperparameter",
    "seeds",
    "reached_target",
    "steps_to_target_median",
    "final_loss_mean",
    "final_loss_std",
    "final_accuracy_mean",
    "mean_clr_step",
    "wall_s",
)

_METHOD_NAMES = ("sgd", "clr", "clr_online", "polyak_sgd", "adam")


class _Method(NamedTuple):
    make: Callable  # hyperparameter (traced scalar) -> optax transformation taking value=
    probe: Callable  # optimizer state -> the step size it used (NaN when not tracked)
    hyperparameter: str  # what the swept/fixed scalar means, for the table


def _methods():
    import jax.numpy as jnp
    import optax

    from .._optim import clr, clr_online

    nan = lambda state: jnp.array(jnp.nan, jnp.float32)  # noqa: E731
    return {
        "sgd": _Method(lambda h: optax.sgd(h), nan, "learning_rate"),
        "clr": _Method(lambda h: clr(target=0.0, max_learning_rate=h), lambda s: s.step, "max_learning_rate"),
        "clr_online": _Method(lambda h: clr_online(max_learning_rate=h), lambda s: s.step, "max_learning_rate"),
        "polyak_sgd": _Method(lambda h: optax.polyak_sgd(max_learning_rate=h, f_min=0.0), nan, "max_learning_rate"),
        "adam": _Method(lambda h: optax.adam(h), nan, "learning_rate"),
    }


def _hyperparameters(config: StudyConfig, method: str) -> tuple[float, ...]:
    return {
        "sgd": config.sgd_learning_rates,
        "clr": (config.cap(),),
        "clr_online": (config.cap(),),
        "polyak_sgd": (config.polyak_max_learning_rate,),
        "adam": (config.adam_learning_rate,),
    }[method]


def _make_trainer(method: _Method, static, n_blocks: int, eval_every: int):
    """jit(vmap_hp(vmap_seed(train))): one XLA program per method and batch size."""
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax

    from .models import accuracy, cross_entropy

    def loss(params, xb, yb):
        return cross_entropy(eqx.combine(params, static), xb, yb)

    def train(params, idx, hp, x, y):
        opt = method.make(hp)
        state = opt.init(params)

        def step(carry, batch):
            params, state = carry
            value, grads = jax.value_and_grad(loss)(params, x[batch], y[batch])
            updates, state = opt.update(grads, state, params, value=value)
            params = optax.apply_updates(params, updates)
            return (params, state), (value, jnp.asarray(method.probe(state), jnp.float32))

        def block(carry, batches):
            carry, per_step = lax.scan(step, carry, batches)
            return carry, (per_step, loss(carry[0], x, y))

        batches = idx.reshape(n_blocks, eval_every, idx.shape[-1])
        (params_end, _), ((values, steps), evals) = lax.scan(block, (params, state), batches)
        evals = jnp.concatenate([loss(params, x, y)[None], evals])
        acc = accuracy(eqx.combine(params_end, static), x, y)
        return values.reshape(-1), steps.reshape(-1), evals, acc

    over_seeds = jax.vmap(train, in_axes=(0, 0, None, None, None))
    return jax.jit(jax.vmap(over_seeds, in_axes=(None, None, 0, None, None)))


def _steps_to_target(evals: np.ndarray, target: float, eval_every: int) -> Optional[int]:
    hit = np.nonzero(np.isfinite(evals) & (evals <= target))[0]
    return int(hit[0]) * eval_every if hit.size else None


def _nan_to_inf(a):
    return np.where(np.isfinite(a), a, np.inf)


def run_study(
    config: StudyConfig,
    out_dir,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
    on_run: Optional[Callable[[str], None]] = None,
) -> dict:
    """Run the study, write plots, ``summary.csv`` / ``summary.json`` / ``curves.npz`` into ``out_dir``.

    ``progress`` shows a tqdm bar; ``on_run``, if given, receives one line per
    finished (model, batch size, method) run, for logs where a bar is no use.
    ``log`` receives the verdict lines. Returns the JSON summary as a dict
    (config, rows, verdicts, wall time).
    """
    config.validate()
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    from tqdm import tqdm

    from .digits import batch_indices, load_digits_arrays
    from .models import make_model

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    x_np, y_np = load_digits_arrays()
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)
    n = x.shape[0]
    methods = _methods()
    n_blocks = config.steps // config.eval_every
    jobs = [(m, b, k) for m in config.models for b in config.batch_sizes for k in config.methods]
    curves: dict[str, np.ndarray] = {}
    rows: list[dict] = []
    bar = tqdm(jobs, desc="bench clr", unit="run", disable=not progress, dynamic_ncols=True)
    for job_number, (model_name, batch_size, method_name) in enumerate(bar, 1):
        bs = n if batch_size in (0,) or batch_size >= n else batch_size
        bar.set_postfix_str(f"{model_name} batch={bs} {method_name}")
        keys = jax.random.split(jax.random.PRNGKey(0), config.seeds)
        models = [make_model(model_name, k) for k in keys]
        params = [eqx.partition(mdl, eqx.is_array) for mdl in models]
        static = params[0][1]
        stacked = jax.tree.map(lambda *a: jnp.stack(a), *[p for p, _ in params])
        idx = jnp.asarray(np.stack([batch_indices(n, bs, config.steps, seed) for seed in range(config.seeds)]))
        hps = _hyperparameters(config, method_name)
        trainer = _make_trainer(methods[method_name], static, n_blocks, config.eval_every)
        t0 = time.perf_counter()
        values, clr_steps, evals, acc = jax.device_get(
            trainer(stacked, idx, jnp.asarray(hps, jnp.float32), x, y)
        )  # shapes: (hp, seed, steps), (hp, seed, steps), (hp, seed, blocks + 1), (hp, seed)
        elapsed = time.perf_counter() - t0
        wall = elapsed / len(hps)
        if on_run is not None:
            on_run(
                f"[{job_number}/{len(jobs)}] {model_name} batch={bs} {method_name}: {len(hps)} x {config.seeds} runs "
                f"in {elapsed:.1f} s ({time.perf_counter() - started:.0f} s so far)"
            )
        for h_i, hp in enumerate(hps):
            key = f"{model_name}/{bs}/{method_name}/{hp:g}"
            curves[key + "/eval_loss"] = evals[h_i]
            curves[key + "/batch_loss"] = values[h_i]
            curves[key + "/step"] = clr_steps[h_i]
            reached = [_steps_to_target(e, config.target_loss, config.eval_every) for e in evals[h_i]]
            hit = [r for r in reached if r is not None]
            final = _nan_to_inf(evals[h_i][:, -1])
            rows.append(
                {
                    "model": model_name,
                    "batch_size": int(bs),
                    "method": method_name,
                    "hyperparameter": float(hp),
                    "seeds": config.seeds,
                    "reached_target": f"{len(hit)}/{config.seeds}",
                    "steps_to_target_median": float(np.median(hit)) if len(hit) == config.seeds else None,
                    "final_loss_mean": float(np.mean(final)),
                    "final_loss_std": float(np.std(final)),
                    "final_accuracy_mean": float(np.mean(acc[h_i])),
                    "mean_clr_step": float(np.nanmean(clr_steps[h_i])) if np.isfinite(clr_steps[h_i]).any() else None,
                    "wall_s": round(wall, 3),
                }
            )
    bar.close()
    rows = _add_best_sgd(rows)
    verdicts = _verdicts(rows, config)
    for line in verdicts:
        log(line)
    summary = {
        "config": dataclasses.asdict(config),
        "clr_max_learning_rate": config.cap(),
        "n_examples": int(n),
        "rows": rows,
        "verdicts": verdicts,
        "wall_s": round(time.perf_counter() - started, 1),
        "jax_backend": jax.default_backend(),
    }
    _write_table(rows, out / "summary.csv")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False, default=_json_default) + "\n")
    np.savez_compressed(out / "curves.npz", **curves)
    _plot(rows, curves, config, out)
    return summary


def _json_default(value):
    raise TypeError(f"not JSON serializable: {value!r}")


def _add_best_sgd(rows: list[dict]) -> list[dict]:
    """Add one ``sgd_best`` row per (model, batch size): the sweep's LR with the lowest mean final loss.

    Ties (e.g. several LRs reaching ~0) are broken by steps to target.
    """
    out = list(rows)
    groups = {}
    for row in rows:
        if row["method"] == "sgd":
            groups.setdefault((row["model"], row["batch_size"]), []).append(row)
    for sweep in groups.values():
        best = min(
            sweep,
            key=lambda r: (
                r["steps_to_target_median"] if r["steps_to_target_median"] is not None else math.inf,
                r["final_loss_mean"],
            ),
        )
        out.append(dict(best, method="sgd_best"))
    return out


def _finite_or_none(v):
    return v if v is not None and math.isfinite(v) else None


def _verdicts(rows: list[dict], config: StudyConfig) -> list[str]:
    """One line per (model, batch size, CLR method): wins and losses against each baseline."""
    lines = []
    by_key = {(r["model"], r["batch_size"], r["method"]): r for r in rows}
    for (model, bs, method), row in sorted(by_key.items()):
        if method not in ("clr", "clr_online"):
            continue
        for other in ("sgd_best", "adam", "polyak_sgd"):
            ref = by_key.get((model, bs, other))
            if ref is None:
                continue
            name = f"sgd(lr={ref['hyperparameter']:g})" if other == "sgd_best" else other
            s_ours, s_ref = row["steps_to_target_median"], ref["steps_to_target_median"]
            fl_ours, fl_ref = row["final_loss_mean"], ref["final_loss_mean"]
            faster = s_ours is not None and (s_ref is None or s_ours < s_ref)
            slower = s_ref is not None and (s_ours is None or s_ours > s_ref)
            lower = fl_ours < fl_ref
            verdict = "WINS" if (faster or (not slower and lower)) else "LOSES" if (slower or not lower) else "TIES"
            if not faster and not slower and math.isclose(fl_ours, fl_ref, rel_tol=1e-3):
                verdict = "TIES"
            lines.append(
                f"{method} {verdict} vs {name} [{model}, batch {bs}]: steps to loss<={config.target_loss:g} "
                f"{_fmt_steps(s_ours)} vs {_fmt_steps(s_ref)}, final loss {fl_ours:.4g} vs {fl_ref:.4g}"
            )
    return lines


def _fmt_steps(s):
    return "never" if s is None else f"{s:.0f}"


def _write_table(rows: Sequence[dict], path: Path) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row[k] is None else row[k]) for k in SUMMARY_COLUMNS})


def format_table(rows: Sequence[dict]) -> str:
    """The summary without the SGD sweep rows other than the best, as aligned text."""
    shown = [r for r in rows if r["method"] != "sgd"]
    header = ("model", "batch", "method", "hparam", "reached", "steps_to_target", "final_loss", "acc", "mean_h")
    lines = [header]
    for r in shown:
        lines.append(
            (
                r["model"],
                str(r["batch_size"]),
                r["method"],
                f"{r['hyperparameter']:g}",
                r["reached_target"],
                _fmt_steps(r["steps_to_target_median"]),
                f"{r['final_loss_mean']:.4f}±{r['final_loss_std']:.4f}",
                f"{r['final_accuracy_mean']:.3f}",
                "" if r["mean_clr_step"] is None else f"{r['mean_clr_step']:.3g}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in lines)


_COLORS = {"sgd_best": "tab:gray", "clr": "tab:red", "clr_online": "tab:orange", "polyak_sgd": "tab:blue", "adam": "tab:green"}


def _plot(rows: list[dict], curves: dict, config: StudyConfig, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only: never open a window
    import matplotlib.pyplot as plt

    best = {(r["model"], r["batch_size"]): r["hyperparameter"] for r in rows if r["method"] == "sgd_best"}
    for model in config.models:
        sizes = sorted({r["batch_size"] for r in rows if r["model"] == model})
        for kind in ("loss", "clr_value"):
            fig, axes = plt.subplots(1, len(sizes), figsize=(4.2 * len(sizes), 3.4), squeeze=False)
            for ax, bs in zip(axes[0], sizes):
                for method in ("sgd_best", "clr", "clr_online", "polyak_sgd", "adam"):
                    if method not in config.methods and method != "sgd_best":
                        continue
                    source = "sgd" if method == "sgd_best" else method
                    hp = best.get((model, bs)) if method == "sgd_best" else _hyperparameters(config, method)[0]
                    if hp is None:
                        continue
                    label = f"SGD lr={hp:g} (best)" if method == "sgd_best" else method
                    key = f"{model}/{bs}/{source}/{hp:g}"
                    if kind == "loss":
                        data = curves[key + "/eval_loss"]
                        steps = np.arange(data.shape[-1]) * config.eval_every
                    else:
                        if method not in ("clr", "clr_online"):
                            continue
                        data = curves[key + "/step"]
                        steps = np.arange(1, data.shape[-1] + 1)
                    mean = np.nanmean(np.where(np.isfinite(data), data, np.nan), axis=0)
                    ax.plot(steps, mean, color=_COLORS[method], label=label, lw=1.2)
                    if data.shape[0] > 1 and kind == "loss":
                        ax.fill_between(steps, np.nanmin(data, 0), np.nanmax(data, 0), color=_COLORS[method], alpha=0.15)
                if kind == "loss":
                    ax.axhline(config.target_loss, color="k", ls=":", lw=0.8)
                    ax.set_yscale("log")
                    ax.set_ylabel("training loss (all data)")
                else:
                    ax.axhline(config.cap(), color="k", ls=":", lw=0.8, label="cap")
                    if (model, bs) in best:
                        ax.axhline(best[(model, bs)], color=_COLORS["sgd_best"], ls="--", lw=0.8, label="best SGD lr")
                    ax.set_yscale("log")
                    ax.set_ylabel("CLR step h")
                ax.set_xlabel("step")
                ax.set_title(f"{model}, batch {bs}")
                ax.legend(fontsize=7)
            fig.tight_layout()
            fig.savefig(out / f"{kind}_{model}.png", dpi=110)
            plt.close(fig)


def default_out_dir(mode: str) -> str:
    return os.path.join(os.getcwd(), f"corridors-bench-clr-{mode}")
