"""The CLR study at CPU scale: corridor optimizers against tuned SGD, tuned Adam and optax's parameter-free peers.

Dherin & Rosca (arXiv:2402.08818) train ResNets on CIFAR/ImageNet and show the
Corridor Learning Rate converging faster than SGD with the best learning rate
of a sweep, and plot the CLR value over training (their Figure 4). Here the
same comparison runs on two CPU cores, on the tasks of :mod:`.tasks` (digits
MLP and CNN, diabetes regression, a teacher-student network), at several
batch sizes including full batch, with several seeds.

Every (task, batch size, method) is one jitted XLA program: ``lax.scan`` over
steps, ``vmap`` over seeds and over the method's hyperparameter values (a
learning-rate sweep runs as one program). The training loss on the whole data
set is measured every ``eval_every`` steps. For every method the *effective
step* ``-<update, g> / ||g||^2`` is recorded at every step: the learning rate
for SGD, the CLR value ``h`` for CLR, and for any other optimizer the step it
takes along the gradient -- the quantity of the paper's Figure 4, comparable
across methods.
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
from .._plotting.figures import agg_figure

__all__ = [
    "StudyConfig",
    "QUICK",
    "FULL",
    "TINY",
    "RECOMMENDED",
    "RECOMMENDED_CALL",
    "run_study",
    "SUMMARY_COLUMNS",
    "METHODS",
    "CONTRIB",
]

#: The optimizer the study recommends (the zero-tuning default), by method name:
#: ``corridors.clr()`` at its defaults. It met the best SGD learning rate in
#: more goal cells than ``clr_momentum`` (docs/benchmarks.md).
RECOMMENDED = "clr_default"
#: The call a user types for it.
RECOMMENDED_CALL = "corridors.clr()"

#: optax.contrib's parameter-free and Polyak-family optimizers, run at their defaults.
CONTRIB = (
    "momo",
    "momo_adam",
    "prodigy",
    "dog",
    "dowg",
    "dadapt_adamw",
    "schedule_free_sgd",
    "schedule_free_adamw",
    "cocob",
    "mechanize",
)

#: The corridors optimizers of the study (the grids are the defaults study).
CORRIDORS = ("clr", "clr_default", "clr_online", "clr_momentum")
GRIDS = ("clr_grid", "clr_momentum_grid")

#: Every method name the study knows, in table order.
METHODS = ("sgd", "sgd_momentum", "adam", "polyak_sgd") + CONTRIB + CORRIDORS + GRIDS


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    """What to run. ``batch_sizes`` entries of 0 (or at least the data size) mean full batch.

    ``models`` names tasks of :mod:`.tasks` (``mlp``, ``cnn``, ``diabetes``,
    ``teacher``). ``target_loss`` overrides every task's own target when set.
    """

    models: tuple[str, ...] = ("mlp",)
    batch_sizes: tuple[int, ...] = (32, 256, 0)
    steps: int = 300
    eval_every: int = 10
    seeds: int = 3
    sgd_learning_rates: tuple[float, ...] = (0.1, 0.2, 0.3, 0.5, 1.0, 3.0)
    # Heavy ball, optax.sgd(lr, momentum=0.9): the step is about lr / (1 - 0.9) = 10 lr.
    sgd_momentum_learning_rates: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3)
    adam_learning_rates: tuple[float, ...] = (1e-3,)  # optax / Kingma & Ba default
    # The defaults study: corridors.clr(max_learning_rate=cap, scale=s) for each
    # (cap, s), and corridors.clr_momentum(decay=b, max_learning_rate=cap) for each (cap, b).
    clr_grid: tuple[tuple[float, float], ...] = ((1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (1.0, 2.0), (2.0, 2.0), (3.0, 2.0))
    clr_momentum_grid: tuple[tuple[float, float], ...] = ((0.5, 0.9), (1.0, 0.9), (2.0, 0.9))
    # Cap of the paper's reference "clr": the largest learning rate of the SGD
    # sweep, so it never takes a step SGD was not allowed to try.
    clr_max_learning_rate: Optional[float] = None
    polyak_max_learning_rate: float = 1.0  # optax.polyak_sgd default
    target_loss: Optional[float] = None
    methods: tuple[str, ...] = ("sgd", "adam", "polyak_sgd", "clr", "clr_default", "clr_momentum")

    def cap(self) -> float:
        return self.clr_max_learning_rate or max(self.sgd_learning_rates)

    def validate(self) -> None:
        from .tasks import TASKS

        if self.steps < 1 or self.eval_every < 1 or self.steps % self.eval_every:
            raise InvalidArgument(f"steps ({self.steps}) must be a positive multiple of eval_every ({self.eval_every})")
        if self.seeds < 1:
            raise InvalidArgument(f"seeds must be >= 1, got {self.seeds}")
        if any(b < 0 for b in self.batch_sizes):
            raise InvalidArgument(f"batch sizes must be >= 0 (0 = full batch), got {self.batch_sizes}")
        if not self.sgd_learning_rates and "sgd" in self.methods:
            raise InvalidArgument("the SGD sweep needs at least one learning rate")
        unknown = (set(self.methods) - set(METHODS)) | (set(self.models) - set(TASKS))
        if unknown:
            raise InvalidArgument(
                f"unknown methods or models: {sorted(unknown)}; methods are {list(METHODS)}, models {list(TASKS)}"
            )


QUICK = StudyConfig(
    models=("mlp",),
    batch_sizes=(64, 0),
    steps=300,
    eval_every=10,
    seeds=3,
    sgd_learning_rates=(0.1, 0.3, 0.5, 1.0, 3.0),
    methods=("sgd", "polyak_sgd", "momo", "clr", "clr_default", "clr_momentum"),
)
FULL = StudyConfig(
    models=("mlp", "diabetes", "teacher", "cnn"),
    batch_sizes=(16, 64, 256, 0),
    steps=1000,
    eval_every=25,
    seeds=3,
    sgd_learning_rates=(0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0),
    adam_learning_rates=(3e-4, 1e-3, 3e-3, 1e-2, 3e-2),
    methods=METHODS,
)
TINY = StudyConfig(
    batch_sizes=(64, 0),
    steps=20,
    eval_every=10,
    seeds=1,
    sgd_learning_rates=(0.1, 1.0),
    methods=("sgd", "momo", "clr", "clr_default", "clr_momentum"),
)

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


class Method(NamedTuple):
    """How the study runs one optimizer."""

    make: Callable  # (hyperparameter: traced float32 scalar, config) -> transformation whose update takes value=
    hyperparameters: Callable  # StudyConfig -> tuple of hyperparameter values (a sweep, or one default)
    hyperparameter: str  # what the scalar means, for the tables
    family: str  # "sgd", "adam", "polyak", "contrib" or "corridors"
    eval_params: Optional[Callable] = None  # (state, params) -> the parameters to evaluate (schedule-free)
    setting: Optional[Callable] = None  # (config, hyperparameter) -> readable setting; default "name=value"


def _methods() -> dict:
    import optax
    from optax import contrib

    from .. import _optim

    wrap = optax.with_extra_args_support  # every update is called with value=
    one = lambda value: (lambda config: (value,))  # noqa: E731  - a default, not a sweep

    def schedule_free_eval(state, params):
        return contrib.schedule_free_eval_params(state, params)

    return {
        "sgd": Method(lambda h, c: wrap(optax.sgd(h)), lambda c: c.sgd_learning_rates, "learning_rate", "sgd"),
        "adam": Method(lambda h, c: wrap(optax.adam(h)), lambda c: c.adam_learning_rates, "learning_rate", "adam"),
        "polyak_sgd": Method(
            lambda h, c: optax.polyak_sgd(max_learning_rate=h, f_min=0.0),
            lambda c: (c.polyak_max_learning_rate,),
            "max_learning_rate",
            "polyak",
        ),
        # optax.contrib at its defaults; the hyperparameter shown is the default learning rate.
        "momo": Method(lambda h, c: contrib.momo(learning_rate=h), one(1.0), "learning_rate", "contrib"),
        "momo_adam": Method(lambda h, c: contrib.momo_adam(learning_rate=h), one(1e-2), "learning_rate", "contrib"),
        "prodigy": Method(lambda h, c: wrap(contrib.prodigy(learning_rate=h)), one(1.0), "learning_rate", "contrib"),
        "dog": Method(lambda h, c: wrap(contrib.dog(learning_rate=h)), one(1.0), "learning_rate", "contrib"),
        "dowg": Method(lambda h, c: wrap(contrib.dowg(learning_rate=h)), one(1.0), "learning_rate", "contrib"),
        "dadapt_adamw": Method(
            lambda h, c: wrap(contrib.dadapt_adamw(learning_rate=h)), one(1.0), "learning_rate", "contrib"
        ),
        "schedule_free_sgd": Method(
            lambda h, c: wrap(contrib.schedule_free_sgd(learning_rate=h)),
            one(1.0),
            "learning_rate",
            "contrib",
            schedule_free_eval,
        ),
        "schedule_free_adamw": Method(
            lambda h, c: wrap(contrib.schedule_free_adamw(learning_rate=h)),
            one(2.5e-3),
            "learning_rate",
            "contrib",
            schedule_free_eval,
        ),
        "cocob": Method(lambda h, c: wrap(contrib.cocob(learning_rate=h)), one(1.0), "learning_rate", "contrib"),
        # Mechanic tunes the scale of a base optimizer's updates; its docstring's
        # recipe is a base learning rate of 1: mechanize(optax.adam(1.0)).
        "mechanize": Method(lambda h, c: contrib.mechanize(optax.adam(h)), one(1.0), "base adam learning_rate", "contrib"),
        # The paper's reference: plain CLR, capped at the top of the SGD sweep.
        "clr": Method(
            lambda h, c: _optim.clr(target=0.0, max_learning_rate=h), lambda c: (c.cap(),), "max_learning_rate", "corridors"
        ),
        # corridors.clr() exactly as a user gets it (the shown value is its cap).
        "clr_default": Method(
            lambda h, c: _optim.clr(), lambda c: (_default("clr", "max_learning_rate"),), "max_learning_rate", "corridors"
        ),
        "clr_online": Method(
            lambda h, c: _optim.clr_online(max_learning_rate=h), lambda c: (c.cap(),), "max_learning_rate", "corridors"
        ),
        # corridors.clr_momentum() exactly as a user gets it.
        "clr_momentum": Method(
            lambda h, c: _optim.clr_momentum(), lambda c: (_default("clr_momentum", "max_learning_rate"),),
            "max_learning_rate", "corridors",
        ),
        "sgd_momentum": Method(
            lambda h, c: wrap(optax.sgd(h, momentum=0.9)), lambda c: c.sgd_momentum_learning_rates, "learning_rate", "sgd"
        ),
        # The defaults study: the hyperparameter is an index into the grid.
        "clr_grid": Method(
            lambda i, c: _optim.clr(max_learning_rate=_pick(c.clr_grid, i, 0), scale=_pick(c.clr_grid, i, 1)),
            lambda c: _indices(c.clr_grid),
            "grid index", "corridors",
            setting=lambda c, i: f"max_learning_rate={c.clr_grid[int(i)][0]:g}, scale={c.clr_grid[int(i)][1]:g}",
        ),
        "clr_momentum_grid": Method(
            lambda i, c: _optim.clr_momentum(
                max_learning_rate=_pick(c.clr_momentum_grid, i, 0), decay=_pick(c.clr_momentum_grid, i, 1)
            ),
            lambda c: _indices(c.clr_momentum_grid),
            "grid index", "corridors",
            setting=lambda c, i: (
                f"max_learning_rate={c.clr_momentum_grid[int(i)][0]:g}, decay={c.clr_momentum_grid[int(i)][1]:g}"
            ),
        ),
    }


def _indices(grid) -> tuple[float, ...]:
    return tuple(float(i) for i in range(len(grid)))


def _pick(grid, index, column):
    """Column ``column`` of row ``index`` of a grid of pairs (``index`` is traced under vmap)."""
    import jax.numpy as jnp

    return jnp.asarray([row[column] for row in grid], jnp.float32)[index.astype(jnp.int32)]


def _default(function: str, argument: str) -> float:
    """The default value of ``argument`` of ``corridors.<function>`` (shown in the tables)."""
    import inspect

    from .. import _optim

    return float(inspect.signature(getattr(_optim, function)).parameters[argument].default)


def _default_setting(function: str) -> str:
    import inspect

    from .. import _optim

    parameters = inspect.signature(getattr(_optim, function)).parameters.values()
    return ", ".join(f"{p.name}={p.default:g}" for p in parameters if isinstance(p.default, (int, float)))


def _make_trainer(method: Method, config, task, static, n_blocks: int, eval_every: int):
    """jit(vmap_hp(vmap_seed(train))): one XLA program per method, task and batch size."""
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax

    def loss(params, xb, yb):
        return task.loss(eqx.combine(params, static), xb, yb)

    def train(params, idx, hp, x, y):
        opt = method.make(hp, config)
        state = opt.init(params)

        def evaluate(params, state):
            at = params if method.eval_params is None else method.eval_params(state, params)
            return loss(at, x, y), at

        def step(carry, batch):
            params, state = carry
            value, grads = jax.value_and_grad(loss)(params, x[batch], y[batch])
            updates, state = opt.update(grads, state, params, value=value)
            # The step taken along the gradient: lr for SGD, h for CLR.
            sq = optax.tree.vdot(grads, grads)
            along = -optax.tree.vdot(updates, grads) / jnp.where(sq > 0, sq, 1.0)
            params = optax.apply_updates(params, updates)
            # CLR-type states say whether the cap decided the step.
            capped = optax.tree_utils.tree_get(state, "capped")
            capped = jnp.float32(jnp.nan) if capped is None else capped.astype(jnp.float32)
            return (params, state), (value, along.astype(jnp.float32), capped)

        def block(carry, batches):
            carry, per_step = lax.scan(step, carry, batches)
            return carry, (per_step, evaluate(*carry)[0])

        batches = idx.reshape(n_blocks, eval_every, idx.shape[-1])
        first = loss(params, x, y)
        (params_end, state_end), ((values, steps, capped), evals) = lax.scan(block, (params, state), batches)
        evals = jnp.concatenate([first[None], evals])
        at = evaluate(params_end, state_end)[1]
        metric = task.accuracy(eqx.combine(at, static), x, y) if task.accuracy is not None else jnp.nan
        return values.reshape(-1), steps.reshape(-1), evals, metric, jnp.nanmean(capped)

    over_seeds = jax.vmap(train, in_axes=(0, 0, None, None, None))
    return jax.jit(jax.vmap(over_seeds, in_axes=(None, None, 0, None, None)))


def _steps_to_target(evals: np.ndarray, target: float, eval_every: int) -> Optional[int]:
    hit = np.nonzero(np.isfinite(evals) & (evals <= target))[0]
    return int(hit[0]) * eval_every if hit.size else None


def _nan_to_inf(a):
    return np.where(np.isfinite(a), a, np.inf)


def target_of(config: StudyConfig, task_name: str) -> float:
    from .tasks import get_task

    return config.target_loss if config.target_loss is not None else get_task(task_name).target_loss


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
    finished (task, batch size, method) run, for logs where a bar is no use.
    ``log`` receives the verdict lines. Returns the JSON summary as a dict
    (config, rows, verdicts, wall time).
    """
    config.validate()
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    from tqdm import tqdm

    from .digits import batch_indices
    from .tasks import get_task

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    methods = _methods()
    n_blocks = config.steps // config.eval_every
    jobs = [(m, b, k) for m in config.models for b in config.batch_sizes for k in config.methods]
    curves: dict[str, np.ndarray] = {}
    rows: list[dict] = []
    data = {}
    bar = tqdm(jobs, desc="bench clr", unit="run", disable=not progress, dynamic_ncols=True)
    for job_number, (task_name, batch_size, method_name) in enumerate(bar, 1):
        task = get_task(task_name)
        if task_name not in data:
            x_np, y_np = task.load()
            data[task_name] = (jnp.asarray(x_np), jnp.asarray(y_np))
        x, y = data[task_name]
        n = x.shape[0]
        bs = n if batch_size == 0 or batch_size >= n else batch_size
        bar.set_postfix_str(f"{task_name} batch={bs} {method_name}")
        keys = jax.random.split(jax.random.PRNGKey(0), config.seeds)
        parts = [eqx.partition(task.make_model(k), eqx.is_array) for k in keys]
        static = parts[0][1]
        stacked = jax.tree.map(lambda *a: jnp.stack(a), *[p for p, _ in parts])
        idx = jnp.asarray(np.stack([batch_indices(n, bs, config.steps, seed) for seed in range(config.seeds)]))
        method = methods[method_name]
        hps = tuple(method.hyperparameters(config))
        trainer = _make_trainer(method, config, task, static, n_blocks, config.eval_every)
        t0 = time.perf_counter()
        run = jax.device_get(trainer(stacked, idx, jnp.asarray(hps, jnp.float32), x, y))
        # shapes: (hp, seed, steps), (hp, seed, steps), (hp, seed, blocks + 1), (hp, seed), (hp, seed)
        elapsed = time.perf_counter() - t0
        wall = elapsed / len(hps)
        if on_run is not None:
            on_run(
                f"[{job_number}/{len(jobs)}] {task_name} batch={bs} {method_name}: {len(hps)} x {config.seeds} runs "
                f"in {elapsed:.1f} s ({time.perf_counter() - started:.0f} s so far)"
            )
        target = target_of(config, task_name)
        rows += _rows(curves, task, int(bs), method_name, method, config, hps, target, run, wall)
    bar.close()
    rows = _add_best(rows)
    verdicts = _verdicts(rows, config)
    for line in verdicts:
        log(line)
    summary = {
        "config": dataclasses.asdict(config),
        "clr_max_learning_rate": config.cap(),
        "recommended": RECOMMENDED,
        "recommended_call": RECOMMENDED_CALL,
        "targets": {m: target_of(config, m) for m in config.models},
        "rows": [_finite(r) for r in rows],
        "verdicts": verdicts,
        "goal": goal_table(rows, config),
        "defaults": defaults_table(rows, config),
        "wall_s": round(time.perf_counter() - started, 1),
        "jax_backend": jax.default_backend(),
    }
    _write_table(rows, out / "summary.csv")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False, default=_json_default) + "\n")
    np.savez_compressed(out / "curves.npz", **curves)
    _plot(rows, curves, config, out)
    return summary


def _rows(curves, task, bs, method_name, method, config, hps, target, run, wall) -> list[dict]:
    """Summary rows of one (task, batch size, method) run, one per hyperparameter; stores its curves."""
    values, eff_steps, evals, metric, capped = run
    rows = []
    for h_i, hp in enumerate(hps):
        key = f"{task.name}/{bs}/{method_name}/{hp:g}"
        curves[key + "/eval_loss"] = evals[h_i]
        curves[key + "/batch_loss"] = values[h_i]
        curves[key + "/step"] = eff_steps[h_i]
        reached = [_steps_to_target(e, target, config.eval_every) for e in evals[h_i]]
        hit = [r for r in reached if r is not None]
        final = _nan_to_inf(evals[h_i][:, -1])
        # Diverged: the run ended with a non-finite loss, or above where it started.
        diverged = int(np.sum(~np.isfinite(evals[h_i][:, -1]) | (final >= evals[h_i][:, 0])))
        steps_finite = eff_steps[h_i][np.isfinite(eff_steps[h_i])]
        rows.append(
            {
                "model": task.name,
                "batch_size": bs,
                "method": method_name,
                "setting": _setting(method_name, method, config, hp),
                "hyperparameter": float(hp),
                "seeds": config.seeds,
                "reached_target": f"{len(hit)}/{config.seeds}",
                "steps_to_target_median": float(np.median(hit)) if len(hit) == config.seeds else None,
                "steps_to_target": reached,
                "target_loss": target,
                "final_loss_mean": float(np.mean(final)),
                "final_loss_std": float(np.std(final)) if np.all(np.isfinite(final)) else None,
                "diverged": diverged,
                "final_accuracy_mean": float(np.mean(metric[h_i])) if task.accuracy is not None else None,
                "mean_clr_step": float(np.mean(steps_finite)) if steps_finite.size else None,
                "capped_fraction": float(np.mean(capped[h_i])) if np.all(np.isfinite(capped[h_i])) else None,
                "wall_s": round(wall, 3),
            }
        )
    return rows


def _setting(name: str, method: Method, config: StudyConfig, hp: float) -> str:
    if method.setting is not None:
        return method.setting(config, hp)
    if name in ("clr_default", "clr_momentum"):
        return _default_setting("clr" if name == "clr_default" else name) + " (defaults)"
    if method.family == "contrib":
        return f"{method.hyperparameter}={hp:g} (defaults)"
    return f"{method.hyperparameter}={hp:g}"


def _finite(row: dict) -> dict:
    """JSON has no inf: a diverged mean final loss is written as null."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}


def _json_default(value):
    raise TypeError(f"not JSON serializable: {value!r}")


def _rank(row: dict):
    """Order used to pick the best of a sweep: reached target first (fewest steps), then lowest final loss."""
    steps = row["steps_to_target_median"]
    return (steps if steps is not None else math.inf, row["final_loss_mean"])


_SWEEPS = {"sgd": "sgd_best", "sgd_momentum": "sgd_momentum_best", "adam": "adam_best"}
_NOT_SHOWN = tuple(_SWEEPS) + GRIDS  # rows summarised by a best-of row, or by the defaults table


def _add_best(rows: list[dict]) -> list[dict]:
    """Add ``sgd_best`` / ``sgd_momentum_best`` / ``adam_best`` (best of each sweep) and ``contrib_best`` rows.

    The best has the fewest median steps to target; ties, or no run reaching
    it, are broken by the mean final loss.
    """
    out = list(rows)
    groups: dict = {}
    for row in rows:
        family = _SWEEPS.get(row["method"])
        if family is None and row["method"] in CONTRIB:
            family = "contrib_best"
        if family is not None:
            groups.setdefault((row["model"], row["batch_size"], family), []).append(row)
    for (_, _, family), candidates in sorted(groups.items(), key=lambda kv: kv[0]):
        best = min(candidates, key=_rank)
        out.append(dict(best, method=family, best_of=best["method"]))
    return out


def _compare(ours: dict, ref: dict) -> str:
    s_ours, s_ref = ours["steps_to_target_median"], ref["steps_to_target_median"]
    faster = s_ours is not None and (s_ref is None or s_ours < s_ref)
    slower = s_ref is not None and (s_ours is None or s_ours > s_ref)
    if faster:
        return "WINS"
    if slower:
        return "LOSES"
    if math.isclose(ours["final_loss_mean"], ref["final_loss_mean"], rel_tol=1e-3):
        return "TIES"
    return "WINS" if ours["final_loss_mean"] < ref["final_loss_mean"] else "LOSES"


def _label(row: dict) -> str:
    if row["method"] in _SWEEPS.values():
        return f"{row['method'][:-5]}(lr={row['hyperparameter']:g})"
    if row["method"] == "contrib_best":
        return f"{row['best_of']} (best of optax.contrib)"
    return row["method"]


def _verdicts(rows: list[dict], config: StudyConfig) -> list[str]:
    """One line per (task, batch size, corridors method, reference): win, tie or loss, and the figures.

    Steps to target decide; equal steps (or neither reaching it) are decided
    by the final loss. A corridors method with a diverged seed never wins.
    """
    lines = []
    by_key = {(r["model"], r["batch_size"], r["method"]): r for r in rows}
    for (model, bs, method), row in sorted(by_key.items()):
        if method not in CORRIDORS:
            continue
        for other in ("sgd_best", "sgd_momentum_best", "adam_best", "contrib_best", "polyak_sgd"):
            ref = by_key.get((model, bs, other))
            if ref is None:
                continue
            verdict = _compare(row, ref)
            if row["diverged"] and verdict != "LOSES":
                verdict = "LOSES"
            target = row["target_loss"]
            lines.append(
                f"{method} {verdict} vs {_label(ref)} [{model}, batch {bs}]: steps to loss<={target:g} "
                f"{_fmt_steps(row['steps_to_target_median'])} vs {_fmt_steps(ref['steps_to_target_median'])}, "
                f"final loss {row['final_loss_mean']:.4g} vs {ref['final_loss_mean']:.4g}"
                + (f", {row['diverged']} diverged seed(s)" if row["diverged"] else "")
            )
    return lines


def goal_table(rows: Sequence[dict], config: StudyConfig) -> list[dict]:
    """Per (task, batch size): the recommended optimizer against best SGD and the best optax.contrib run.

    ``meets_sgd``: reached the target in every seed, in no more median steps
    than the best SGD learning rate, with no diverged seed. ``meets_contrib``:
    no more median steps than the best optax.contrib optimizer of the cell.
    """
    by_key = {(r["model"], r["batch_size"], r["method"]): r for r in rows}
    table = []
    for model, bs in sorted({(r["model"], r["batch_size"]) for r in rows}):
        ours = by_key.get((model, bs, RECOMMENDED))
        if ours is None:
            continue
        sgd, contrib = by_key.get((model, bs, "sgd_best")), by_key.get((model, bs, "contrib_best"))

        def no_more(ref):
            if ref is None:
                return None
            mine, theirs = ours["steps_to_target_median"], ref["steps_to_target_median"]
            return mine is not None and (theirs is None or mine <= theirs)

        meets_sgd = no_more(sgd)
        table.append(
            {
                "model": model,
                "batch_size": bs,
                "recommended_steps": ours["steps_to_target_median"],
                "recommended_diverged": ours["diverged"],
                "sgd_best_steps": None if sgd is None else sgd["steps_to_target_median"],
                "sgd_best_lr": None if sgd is None else sgd["hyperparameter"],
                "contrib_best_steps": None if contrib is None else contrib["steps_to_target_median"],
                "contrib_best": None if contrib is None else contrib["best_of"],
                "meets_sgd": None if meets_sgd is None else bool(meets_sgd and not ours["diverged"]),
                "meets_contrib": no_more(contrib),
            }
        )
    return table


def defaults_table(rows: Sequence[dict], config: StudyConfig) -> list[dict]:
    """The defaults study: each grid setting of ``clr_grid`` / ``clr_momentum_grid`` over all cells.

    Per setting: in how many (task, batch size) cells it reached the target
    in every seed in no more median steps than the best SGD learning rate with
    no diverged seed (``cells_meeting_sgd``), the diverged seeds in all, and
    the geometric mean over cells of its median steps relative to best SGD's
    (a cell where it or SGD never reached the target counts as the step
    budget). Sorted best first: most cells met, fewest diverged, lowest ratio.
    """
    best = {(r["model"], r["batch_size"]): r for r in rows if r["method"] == "sgd_best"}
    budget = float(config.steps)
    table = []
    for grid in GRIDS:
        settings = sorted({r["setting"] for r in rows if r["method"] == grid})
        for setting in settings:
            mine = [r for r in rows if r["method"] == grid and r["setting"] == setting]
            met, diverged, logs = 0, 0, []
            for r in mine:
                ref = best.get((r["model"], r["batch_size"]))
                if ref is None:
                    continue
                ours_s, sgd_s = r["steps_to_target_median"], ref["steps_to_target_median"]
                met += int(ours_s is not None and (sgd_s is None or ours_s <= sgd_s) and not r["diverged"])
                diverged += r["diverged"]
                logs.append(math.log(max(ours_s or budget, 1.0) / max(sgd_s or budget, 1.0)))
            table.append(
                {
                    "method": grid,
                    "setting": setting,
                    "cells": len(logs),
                    "cells_meeting_sgd": met,
                    "diverged_seeds": diverged,
                    "steps_ratio_to_sgd_geomean": round(math.exp(sum(logs) / len(logs)), 3) if logs else None,
                }
            )
    table.sort(key=lambda t: (-t["cells_meeting_sgd"], t["diverged_seeds"], t["steps_ratio_to_sgd_geomean"] or math.inf))
    return table


def format_defaults(table: Sequence[dict]) -> str:
    header = ("method", "setting", "cells <= best SGD", "diverged seeds", "steps / best SGD (geomean)")
    lines = [header] + [
        (
            t["method"],
            t["setting"],
            f"{t['cells_meeting_sgd']}/{t['cells']}",
            str(t["diverged_seeds"]),
            "" if t["steps_ratio_to_sgd_geomean"] is None else f"{t['steps_ratio_to_sgd_geomean']:.3f}",
        )
        for t in table
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


def _fmt_steps(s):
    return "never" if s is None else f"{s:.0f}"


def _write_table(rows: Sequence[dict], path: Path) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row[k] is None else row[k]) for k in SUMMARY_COLUMNS})


def format_table(rows: Sequence[dict]) -> str:
    """The summary without the sweep rows (their best is shown), as aligned text."""
    shown = [r for r in rows if r["method"] not in _NOT_SHOWN]
    header = ("model", "batch", "method", "setting", "reached", "steps", "final_loss", "diverged", "acc", "mean_h", "capped", "wall_s")
    lines = [header]
    for r in shown:
        std = r["final_loss_std"]
        lines.append(
            (
                r["model"],
                str(r["batch_size"]),
                _label(r) if r["method"].endswith("_best") else r["method"],
                r["setting"],
                r["reached_target"],
                _fmt_steps(r["steps_to_target_median"]),
                f"{r['final_loss_mean']:.4f}" + ("" if std is None else f"±{std:.4f}"),
                str(r["diverged"]),
                "" if r["final_accuracy_mean"] is None else f"{r['final_accuracy_mean']:.3f}",
                "" if r["mean_clr_step"] is None else f"{r['mean_clr_step']:.3g}",
                "" if r["capped_fraction"] is None else f"{r['capped_fraction']:.0%}",
                f"{r['wall_s']:.1f}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


def format_goal(goal: Sequence[dict]) -> str:
    """The goal table (recommended vs best SGD vs best contrib) as aligned text."""
    header = ("model", "batch", RECOMMENDED_CALL.removeprefix("corridors."), "best SGD (lr)", "best contrib", "<= SGD", "<= contrib")
    lines = [header]
    for g in goal:
        lines.append(
            (
                g["model"],
                str(g["batch_size"]),
                _fmt_steps(g["recommended_steps"]) + (f" ({g['recommended_diverged']} diverged)" if g["recommended_diverged"] else ""),
                "" if g["sgd_best_lr"] is None else f"{_fmt_steps(g['sgd_best_steps'])} ({g['sgd_best_lr']:g})",
                "" if g["contrib_best"] is None else f"{_fmt_steps(g['contrib_best_steps'])} ({g['contrib_best']})",
                {True: "yes", False: "NO", None: ""}[g["meets_sgd"]],
                {True: "yes", False: "NO", None: ""}[g["meets_contrib"]],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


_FIXED_COLORS = {
    "sgd_best": "tab:gray",
    "sgd_momentum_best": "tab:brown",
    "clr_momentum": "tab:purple",
    "adam_best": "tab:green",
    "polyak_sgd": "tab:blue",
    "clr": "tab:red",
    "clr_default": "k",
    "clr_online": "tab:orange",
}


def _plot(rows: list[dict], curves: dict, config: StudyConfig, out: Path) -> None:
    """Per task: ``loss_<task>.png`` (full-data loss) and ``clr_value_<task>.png`` (the step, Figure 4)."""
    import matplotlib

    chosen = {(r["model"], r["batch_size"], r["method"]): r for r in rows}
    contrib_colors = dict(zip(CONTRIB, matplotlib.colormaps["tab20"].colors[1::2]))
    for model in config.models:
        sizes = sorted({r["batch_size"] for r in rows if r["model"] == model})
        target = target_of(config, model)
        for kind in ("loss", "clr_value"):
            fig = agg_figure(size=(4.4 * len(sizes), 3.6), layout=None)
            axes = fig.subplots(1, len(sizes), squeeze=False)
            for ax, bs in zip(axes[0], sizes):
                shown = ["sgd_best", "sgd_momentum_best", "adam_best"]
                shown += [m for m in config.methods if m not in _NOT_SHOWN]
                for method in shown:
                    row = chosen.get((model, bs, method))
                    if row is None:
                        continue
                    source = {best: sweep for sweep, best in _SWEEPS.items()}.get(method, method)
                    key = f"{model}/{bs}/{source}/{row['hyperparameter']:g}"
                    contrib = method in CONTRIB
                    color = contrib_colors[method] if contrib else _FIXED_COLORS.get(method, "tab:purple")
                    style = dict(color=color, lw=0.8 if contrib else 1.4, ls="--" if contrib else "-")
                    label = _label(row) if method.endswith("_best") else method
                    if kind == "loss":
                        data = curves[key + "/eval_loss"]
                        steps = np.arange(data.shape[-1]) * config.eval_every
                    else:
                        data = _smooth(curves[key + "/step"], config.eval_every)
                        steps = np.arange(1, data.shape[-1] + 1)
                    finite = np.where(np.isfinite(data), data, np.nan)
                    with np.errstate(all="ignore"):
                        mean = np.nanmean(finite, axis=0) if np.isfinite(finite).any() else finite[0]
                    ax.plot(steps, np.where(mean > 0, mean, np.nan), label=label, **style)
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


def default_out_dir(mode: str) -> str:
    return os.path.join(os.getcwd(), f"corridors-bench-clr-{mode}")
