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

The optimizers are the records of :mod:`.methods`; the rows and comparisons
are in :mod:`.results`, the tables in :mod:`.tables`, the figures in :mod:`.plots`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .._errors import InvalidArgument
from .methods import METHODS, RECOMMENDED, RECOMMENDED_CALL, Method, REGISTRY
from .plots import plot_study
from .results import DefaultsEntry, GoalCell, RunRow, add_best, defaults_table, goal_table, verdicts
from .tables import write_csv

__all__ = ["FULL", "QUICK", "StudyConfig", "StudySummary", "default_out_dir", "run_study", "target_of"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StudyConfig:
    """What to run. ``batch_sizes`` entries of 0 (or at least the data size) mean full batch.

    ``models`` names tasks of :mod:`.tasks` (``mlp``, ``cnn``, ``diabetes``,
    ``teacher``). ``methods`` names records of :data:`.methods.REGISTRY`.
    ``target_loss`` overrides every task's own target when set.
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
    # corridors.clr_adam(max_learning_rate=cap) for each cap (Adam's units).
    clr_adam_grid: tuple[tuple[float], ...] = ((0.003,), (0.005,), (0.01,), (0.02,), (0.03,))
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


#: ``corridors bench clr --quick`` (the default).
QUICK = StudyConfig(
    models=("mlp",),
    batch_sizes=(64, 0),
    steps=300,
    eval_every=10,
    seeds=3,
    sgd_learning_rates=(0.1, 0.3, 0.5, 1.0, 3.0),
    methods=("sgd", "polyak_sgd", "momo", "momo_adam", "clr", "clr_default", "clr_momentum", "clr_adam"),
)
#: ``corridors bench clr --full``.
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class StudySummary:
    """What :func:`run_study` measured; ``summary.json`` is its :meth:`to_dict`.

    Attributes:
        config: the configuration run.
        targets: the target loss of each task.
        rows: one per run and hyperparameter value, then the best-of rows.
        verdicts: one line per corridors optimizer and reference (``WINS``, ``TIES``, ``LOSES``).
        goal: the recommended optimizer against best SGD and best contrib, per cell.
        defaults: the defaults study (empty when no grid method ran).
        wall_s: wall time; ``jax_backend``: where it ran.
    """

    config: StudyConfig
    targets: dict[str, float]
    rows: tuple[RunRow, ...]
    verdicts: tuple[str, ...]
    goal: tuple[GoalCell, ...]
    defaults: tuple[DefaultsEntry, ...]
    wall_s: float
    jax_backend: str

    def to_dict(self) -> dict:
        return {
            "config": dataclasses.asdict(self.config),
            "clr_max_learning_rate": self.config.cap(),
            "recommended": RECOMMENDED,
            "recommended_call": RECOMMENDED_CALL,
            "targets": dict(self.targets),
            "rows": [row.to_dict() for row in self.rows],
            "verdicts": list(self.verdicts),
            "goal": [cell.to_dict() for cell in self.goal],
            "defaults": [entry.to_dict() for entry in self.defaults],
            "wall_s": self.wall_s,
            "jax_backend": self.jax_backend,
        }


def target_of(config: StudyConfig, task_name: str) -> float:
    from .tasks import get_task

    return config.target_loss if config.target_loss is not None else get_task(task_name).target_loss


def default_out_dir(mode: str) -> str:
    return os.path.join(os.getcwd(), f"corridors-bench-clr-{mode}")


def run_study(
    config: StudyConfig,
    out_dir,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
    on_run: Optional[Callable[[str], None]] = None,
) -> StudySummary:
    """Run the study, write plots, ``summary.csv`` / ``summary.json`` / ``curves.npz`` into ``out_dir``.

    ``progress`` shows a tqdm bar; ``on_run``, if given, receives one line per
    finished (task, batch size, method) run, for logs where a bar is no use.
    ``log`` receives the verdict lines. Returns the :class:`StudySummary`.
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
    n_blocks = config.steps // config.eval_every
    jobs = [(m, b, k) for m in config.models for b in config.batch_sizes for k in config.methods]
    curves: dict[str, np.ndarray] = {}
    rows: list[RunRow] = []
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
        method = REGISTRY[method_name]
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
        rows += _rows(curves, task, int(bs), method, config, hps, target, run, wall)
    bar.close()
    rows = add_best(rows)
    lines = verdicts(rows)
    for line in lines:
        log(line)
    summary = StudySummary(
        config=config,
        targets={m: target_of(config, m) for m in config.models},
        rows=tuple(rows),
        verdicts=tuple(lines),
        goal=tuple(goal_table(rows)),
        defaults=tuple(defaults_table(rows, config.steps)),
        wall_s=round(time.perf_counter() - started, 1),
        jax_backend=jax.default_backend(),
    )
    write_csv(rows, out / "summary.csv")
    (out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2, allow_nan=False, default=_json_default) + "\n")
    np.savez_compressed(out / "curves.npz", **curves)  # type: ignore[arg-type]  # numpy stubs: **arrays vs allow_pickle
    plot_study(rows, curves, config, lambda task_name: target_of(config, task_name), out)
    return summary


def _json_default(value):
    raise TypeError(f"not JSON serializable: {value!r}")


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


def _rows(curves, task, bs, method: Method, config, hps, target, run, wall) -> list[RunRow]:
    """Summary rows of one (task, batch size, method) run, one per hyperparameter; stores its curves."""
    values, eff_steps, evals, metric, capped = run
    rows = []
    for h_i, hp in enumerate(hps):
        key = f"{task.name}/{bs}/{method.name}/{hp:g}"
        curves[key + "/eval_loss"] = evals[h_i]
        curves[key + "/batch_loss"] = values[h_i]
        curves[key + "/step"] = eff_steps[h_i]
        reached = [_steps_to_target(e, target, config.eval_every) for e in evals[h_i]]
        hit = [r for r in reached if r is not None]
        final = _nan_to_inf(evals[h_i][:, -1])
        # Diverged: the run ended with a non-finite loss, or above where it started.
        diverged = int(np.sum(~np.isfinite(evals[h_i][:, -1]) | (final >= evals[h_i][:, 0])))
        steps_finite = eff_steps[h_i][np.isfinite(eff_steps[h_i])]
        rows.append(RunRow(
            model=task.name,
            batch_size=bs,
            method=method.name,
            setting=method.setting_of(config, hp),
            hyperparameter=float(hp),
            seeds=config.seeds,
            reached_target=f"{len(hit)}/{config.seeds}",
            steps_to_target_median=float(np.median(hit)) if len(hit) == config.seeds else None,
            steps_to_target=tuple(reached),
            target_loss=target,
            final_loss_mean=float(np.mean(final)),
            final_loss_std=float(np.std(final)) if np.all(np.isfinite(final)) else None,
            diverged=diverged,
            final_accuracy_mean=float(np.mean(metric[h_i])) if task.accuracy is not None else None,
            mean_clr_step=float(np.mean(steps_finite)) if steps_finite.size else None,
            capped_fraction=float(np.mean(capped[h_i])) if np.all(np.isfinite(capped[h_i])) else None,
            wall_s=round(wall, 3),
        ))
    return rows
