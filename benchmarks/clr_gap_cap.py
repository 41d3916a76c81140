"""The "gap cap" variant of CLR, measured: cap the step where the one-step gap to gradient flow is large.

Issue 14 proposes three corridor-aware variants of CLR; this script measures
the one that needs ``H g``. One gradient step of size ``h`` leaves the
gradient-flow curve by about ``(h^2 / 2) ||H g||`` while moving ``h ||g||``
(arXiv:2402.08818): a relative gap ``r = h ||H g|| / (2 ||g||)``. In a corridor
``r = 0``. The gap cap keeps ``r <= tolerance``::

    h = min(scale * (E - E*) / ||g||^2,  2 * tolerance * ||g|| / ||H g||)

with ``H g`` by forward-over-reverse on the current mini-batch every ``every``
steps (the curvature ``||H g|| / ||g||`` is held in between), and no fixed cap.
For a quadratic along ``g`` with curvature ``L``, ``tolerance = 1`` is the
stability limit ``h = 2 / L`` and ``0.5`` the exact line minimiser.

Printed: steps to the study's target (median of 3 seeds) on the digits MLP
and CNN at batch 64 and full batch, for the gap cap at three tolerances and
two measuring intervals, against ``corridors.clr()`` at its defaults and SGD
at the best of three learning rates; then the cost of one step relative to SGD
(XLA's flop count; the time of the ``H g`` step, amortised over ``every``).
This is an experiment, not part of the library: the transformation lives here.

    .venv/bin/python benchmarks/clr_gap_cap.py [--steps 500] [--seeds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

import corridors
from corridors._experiments.digits import batch_indices
from corridors._experiments.tasks import get_task
from corridors._optim.step_rule import clr_step, squared_norm

TOLERANCES = (0.5, 1.0, 2.0)
EVERY = (1, 10)


class GapCapState(NamedTuple):
    count: jax.Array  # int32 (): update calls so far
    curvature: jax.Array  # float32 (): ||H g|| / ||g|| at the last measurement (0 before any)
    step: jax.Array  # float32 (): the step h taken
    gap_capped: jax.Array  # bool (): the gap cap decided the step


def clr_gap_cap(tolerance, every: int = 1, scale: float = 2.0) -> optax.GradientTransformationExtraArgs:
    """CLR capped by the relative one-step gap; ``update`` needs ``value=`` and ``value_fn=`` (params -> loss)."""

    def init_fn(params):
        del params
        return GapCapState(jnp.zeros((), jnp.int32), jnp.zeros((), jnp.float32), jnp.zeros((), jnp.float32), jnp.zeros((), bool))

    def update_fn(updates, state, params=None, *, value, value_fn, **extra):
        del extra
        sq = squared_norm(updates, jnp.float32)

        def measure(_):
            _, hg = jax.jvp(jax.grad(value_fn), (params,), (updates,))
            return jnp.sqrt(squared_norm(hg, jnp.float32) / jnp.where(sq > 0, sq, 1.0))

        curvature = lax.cond(state.count % every == 0, measure, lambda _: state.curvature, None)
        # No curvature measured (or H g = 0): nothing limits the step but the ratio.
        gap_cap = jnp.where(curvature > 0, 2.0 * tolerance / jnp.where(curvature > 0, curvature, 1.0), jnp.inf)
        _, h, capped, skipped = clr_step(value, sq, target=0.0, max_learning_rate=gap_cap, scale=scale)
        new = jax.tree.map(lambda g: jnp.where(skipped, 0.0, -h * g).astype(g.dtype), updates)
        return new, GapCapState(state.count + 1, curvature, h, capped)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def _trainer(make, task, static, steps, eval_every):
    def loss(params, xb, yb):
        return task.loss(eqx.combine(params, static), xb, yb)

    def train(params, idx, hp, x, y):
        opt = make(hp)
        state = opt.init(params)

        def step(carry, batch):
            params, state = carry
            xb, yb = x[batch], y[batch]
            value, grads = jax.value_and_grad(loss)(params, xb, yb)
            updates, state = opt.update(grads, state, params, value=value, value_fn=lambda p: loss(p, xb, yb))
            return (optax.apply_updates(params, updates), state), None

        def block(carry, batches):
            carry, _ = lax.scan(step, carry, batches)
            return carry, loss(carry[0], x, y)

        _, evals = lax.scan(block, (params, state), idx.reshape(steps // eval_every, eval_every, -1))
        return evals

    return jax.jit(jax.vmap(jax.vmap(train, in_axes=(0, 0, None, None, None)), in_axes=(None, None, 0, None, None)))


def steps_to_target(model, batch, methods, steps, seeds, eval_every=25):
    task = get_task(model)
    x, y = map(jnp.asarray, task.load())
    n = len(x)
    bs = n if batch == 0 else batch
    parts = [eqx.partition(task.make_model(k), eqx.is_array) for k in jax.random.split(jax.random.PRNGKey(0), seeds)]
    params = jax.tree.map(lambda *a: jnp.stack(a), *[p for p, _ in parts])
    idx = jnp.asarray(np.stack([batch_indices(n, bs, steps, s) for s in range(seeds)]))
    out = {}
    for name, (make, hps) in methods.items():
        t0 = time.perf_counter()
        evals = np.asarray(_trainer(make, task, parts[0][1], steps, eval_every)(params, idx, jnp.asarray(hps, jnp.float32), x, y))
        for hp, per_seed in zip(hps, evals):
            hits = [np.nonzero(np.isfinite(e) & (e <= task.target_loss))[0] for e in per_seed]
            reached = [(h[0] + 1) * eval_every for h in hits if h.size]
            out[f"{name}({hp:g})"] = (
                float(np.median(reached)) if len(reached) == seeds else None,
                float(np.mean(np.where(np.isfinite(per_seed[:, -1]), per_seed[:, -1], np.inf))),
            )
        print(f"  {model} batch {bs}: {name} done in {time.perf_counter() - t0:.0f} s", flush=True)
    return out


def step_cost(rounds: int = 30):
    """(flops ratio, time ratio) to SGD of a training step that measures H g (gap cap), digits MLP, batch 64."""
    task = get_task("mlp")
    x, y = map(jnp.asarray, task.load())
    params, static = eqx.partition(task.make_model(jax.random.PRNGKey(0)), eqx.is_array)
    xb, yb = x[:64], y[:64]

    def loss(p):
        return task.loss(eqx.combine(p, static), xb, yb)

    def make_step(opt):
        def step(params, state):
            value, grads = jax.value_and_grad(loss)(params)
            updates, state = opt.update(grads, state, params, value=value, value_fn=loss)
            return optax.apply_updates(params, updates), state

        return jax.jit(step)

    results = {}
    for name, opt in (("sgd", optax.with_extra_args_support(optax.sgd(0.1))), ("gap", clr_gap_cap(1.0, every=1))):
        state = opt.init(params)
        f = make_step(opt)
        cost = f.lower(params, state).compile().cost_analysis()
        cost = cost[0] if isinstance(cost, (list, tuple)) else cost
        jax.block_until_ready(f(params, state))
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            jax.block_until_ready(f(params, state))
            times.append(time.perf_counter() - t0)
        results[name] = (cost["flops"], statistics.median(times))
    return results["gap"][0] / results["sgd"][0], results["gap"][1] / results["sgd"][1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--models", default="mlp,cnn", help="comma-separated: mlp, cnn")
    args = parser.parse_args(argv)
    methods = {
        "sgd": (lambda lr: optax.with_extra_args_support(optax.sgd(lr)), (0.3, 0.5, 1.0)),
        "clr": (lambda _: corridors.clr(), (1.0,)),
    }
    for every in EVERY:
        methods[f"gap_cap_every{every}"] = (lambda tol, every=every: clr_gap_cap(tol, every=every), TOLERANCES)
    print(f"backend={jax.default_backend()} steps={args.steps} seeds={args.seeds}; steps to target (median), final loss")
    for model in args.models.split(","):
        for batch in (64, 0):
            results = steps_to_target(model, batch, methods, args.steps, args.seeds)
            best_sgd = min(
                (v for k, v in results.items() if k.startswith("sgd")), key=lambda v: (v[0] or np.inf, v[1])
            )
            print(f"{model}, batch {batch or 'full'} (target {get_task(model).target_loss:g}):")
            for name, (steps, final) in results.items():
                print(f"    {name:<24} {'never' if steps is None else f'{steps:.0f}':>6}   {final:.4f}")
            print(f"    {'best sgd':<24} {'never' if best_sgd[0] is None else f'{best_sgd[0]:.0f}':>6}")
    flops, measured = step_cost()
    print(f"a step that measures H g, relative to an SGD step: flops {flops:.2f}x, time {measured:.2f}x (median)")
    for every in EVERY:
        # One step in `every` measures H g; the others cost about what clr costs (close to SGD).
        print(f"amortised over every={every}: about {1 + (measured - 1) / every:.2f}x")


if __name__ == "__main__":
    main()
