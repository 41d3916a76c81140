"""Time per training step of the CLR optimizers relative to plain ``optax.sgd`` (target: within 10 %).

Same jitted step for every optimizer -- loss, gradient, ``update(...,
value=loss)``, ``apply_updates`` -- on MLPs of a few sizes. CLR adds one global
squared norm (a reduction over the gradient) and a few scalar operations;
``clr_momentum`` adds a moving average of the gradient and one inner product,
so SGD with momentum (``optax.sgd(lr, momentum=0.9)``) is timed as well;
``clr_adam`` adds Adam's two moving averages and one inner product, so
``optax.adam`` and its Polyak-family peer ``optax.contrib.momo_adam`` are timed
as well, and both Adam variants wrapped in ``optax.flatten`` (the parameters
as one vector: fewer kernels, one copy more).

Method: each optimizer's step is compiled once; then rounds of timed calls
alternate between the optimizers (in forward, then reverse order) so that
drifts in machine load hit all alike. Each call runs ``--steps`` steps in a
``lax.scan`` to amortize dispatch. Printed per optimizer: the ratio of its
fastest call to SGD's fastest (the cost with the least interference) and the
ratio of medians. No asserts: timings are noisy on shared machines. As a
noise-free view, XLA's own cost model of one compiled step is printed too:
bytes accessed relative to SGD, and the number of kernels (fusions and other
top-level operations) it launches, which is what dominates tiny models.

    .venv/bin/python benchmarks/clr_overhead.py [--rounds N] [--steps K]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import optax

import corridors

# (layer sizes, batch): the digits MLP of the CLR study (64-64-64-10) at the
# study's four batch sizes (dispatch-bound at batch 16), a deep narrow one
# (many small leaves), and two wider ones (memory- and compute-bound).
MODELS = [
    ((64, 64, 64, 10), 16),
    ((64, 64, 64, 10), 64),
    ((64, 64, 64, 10), 256),
    ((64, 64, 64, 10), 1797),
    ((64,) + (128,) * 12 + (10,), 64),
    ((784, 256, 256, 10), 128),
    ((784, 1024, 1024, 10), 128),
]


def _init(key, sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        key, sub = jax.random.split(key)
        params.append((jax.random.normal(sub, (n_in, n_out), jnp.float32) / n_in**0.5, jnp.zeros(n_out, jnp.float32)))
    return params


def _loss(params, x, y):
    h = x
    for w, b in params[:-1]:
        h = jax.nn.relu(h @ w + b)
    w, b = params[-1]
    return optax.softmax_cross_entropy_with_integer_labels(h @ w + b, y).mean()


def _make_steps(opt, k):
    """k optimizer steps in one jitted call (amortizes dispatch, as real loops do)."""

    def one(carry, _):
        params, state, x, y = carry
        value, grads = jax.value_and_grad(_loss)(params, x, y)
        updates, state = opt.update(grads, state, params, value=value)
        return (optax.apply_updates(params, updates), state, x, y), value

    @jax.jit
    def run(params, state, x, y):
        (params, state, _, _), values = jax.lax.scan(one, (params, state, x, y), None, length=k)
        return params, state, values[-1]

    return run


def _data(sizes, batch):
    key = jax.random.PRNGKey(0)
    x = jax.random.normal(key, (batch, sizes[0]), jnp.float32)
    return _init(key, sizes), x, jax.random.randint(key, (batch,), 0, sizes[-1])


def xla_cost(opt, sizes, batch):
    """(bytes accessed, kernels launched) of one compiled training step, from XLA."""
    params, x, y = _data(sizes, batch)

    def step(params, state):
        value, grads = jax.value_and_grad(_loss)(params, x, y)
        updates, state = opt.update(grads, state, params, value=value)
        return optax.apply_updates(params, updates), state

    compiled = jax.jit(step).lower(params, opt.init(params)).compile()
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost  # older jax returns a list
    entry = compiled.as_text().split("\nENTRY ", 1)[1].split("\n}", 1)[0]
    kernels = sum(
        1
        for line in entry.splitlines()
        if " = " in line and not any(f" {op}(" in line for op in ("parameter", "constant", "tuple", "get-tuple-element", "bitcast"))
    )
    return cost["bytes accessed"], kernels


def seconds_per_step(optimizers, sizes, batch, rounds, k):
    """{name: [seconds per step of each timed call]}, calls interleaved across optimizers."""
    params, x, y = _data(sizes, batch)
    calls = {}
    for name, opt in optimizers.items():
        run, state = _make_steps(opt, k), opt.init(params)
        for _ in range(2):  # compile, then one warm call
            jax.block_until_ready(run(params, state, x, y))
        calls[name] = (run, state)
    times = {name: [] for name in optimizers}
    for r in range(rounds):
        order = list(optimizers) if r % 2 == 0 else list(optimizers)[::-1]
        for name in order:
            run, state = calls[name]
            t0 = time.perf_counter()
            jax.block_until_ready(run(params, state, x, y))
            times[name].append((time.perf_counter() - t0) / k)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60, help="timed calls per optimizer and model")
    parser.add_argument("--steps", type=int, default=20, help="steps per timed call")
    args = parser.parse_args(argv)
    optimizers = {
        "sgd": optax.sgd(0.1),
        "clr": corridors.clr(),
        "clr_momentum": corridors.clr_momentum(),
        "sgd_momentum": optax.sgd(0.1, momentum=0.9),
        "polyak_sgd": optax.polyak_sgd(max_learning_rate=1.0),
        "clr_adam": corridors.clr_adam(),
        "adam": optax.adam(1e-2),
        "momo_adam": optax.contrib.momo_adam(),
        # One vector instead of one array per layer: fewer, larger kernels.
        "flat_clr_adam": optax.flatten(corridors.clr_adam()),
        "flat_adam": optax.flatten(optax.adam(1e-2)),
    }
    print(f"backend={jax.default_backend()} rounds={args.rounds} steps/call={args.steps}")
    print("ratio to sgd: of the fastest call / of the median call;  xla: bytes accessed relative to sgd, kernels")
    print(f"{'model':<26}{'params':>10}  {'optimizer':<14}{'median':>11}{'fastest ratio':>15}{'median ratio':>14}{'xla bytes':>11}{'kernels':>9}")
    for sizes, batch in MODELS:
        n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        times = seconds_per_step(optimizers, sizes, batch, args.rounds, args.steps)
        fastest = {name: min(t) for name, t in times.items()}
        median = {name: statistics.median(t) for name, t in times.items()}
        cost = {name: xla_cost(opt, sizes, batch) for name, opt in optimizers.items()}
        hidden = f"{len(sizes) - 2}x{sizes[1]}" if len(sizes) > 5 else "-".join(map(str, sizes[1:-1]))
        label = f"mlp {sizes[0]}-{hidden}-{sizes[-1]} b{batch}"
        for name in optimizers:
            print(
                f"{label:<26}{n_params:>10}  {name:<14}{median[name] * 1e6:>8.1f} us"
                f"{fastest[name] / fastest['sgd']:>15.3f}{median[name] / median['sgd']:>14.3f}"
                f"{cost[name][0] / cost['sgd'][0]:>11.3f}{cost[name][1]:>9}",
                flush=True,
            )


if __name__ == "__main__":
    main()
