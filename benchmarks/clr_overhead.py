"""Time per training step of CLR relative to plain ``optax.sgd`` (target: within 5 %).

Same jitted step for every optimizer -- loss, gradient, ``update(...,
value=loss)``, ``apply_updates`` -- on an MLP; CLR adds one global squared norm
(a reduction over the gradient) and a scalar ratio. Prints the median over
many timed repetitions for a few model sizes; no asserts (timings are noisy on
shared machines).

    .venv/bin/python benchmarks/clr_overhead.py [--repeats N] [--steps K]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import optax

import corridors


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


def time_per_step(opt, sizes, batch, repeats, k):
    key = jax.random.PRNGKey(0)
    params = _init(key, sizes)
    x = jax.random.normal(key, (batch, sizes[0]), jnp.float32)
    y = jax.random.randint(key, (batch,), 0, sizes[-1])
    state = opt.init(params)
    run = _make_steps(opt, k)
    jax.block_until_ready(run(params, state, x, y))  # compile
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(run(params, state, x, y))
        times.append((time.perf_counter() - t0) / k)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed call")
    args = parser.parse_args(argv)
    optimizers = {
        "sgd": optax.sgd(0.1),
        "clr": corridors.clr(max_learning_rate=1.0),
        "polyak_sgd": optax.polyak_sgd(max_learning_rate=1.0),
    }
    print(f"backend={jax.default_backend()} repeats={args.repeats} steps/call={args.steps}")
    print(f"{'model':<28}{'params':>10}  " + "  ".join(f"{name:>16}" for name in optimizers) + "  clr/sgd")
    for sizes, batch in [((64, 64, 64, 10), 64), ((784, 256, 256, 10), 128), ((784, 1024, 1024, 10), 128)]:
        n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        # Interleave optimizers round by round so that machine load drifts hit all alike.
        samples = {name: [] for name in optimizers}
        for _ in range(3):
            for name, opt in optimizers.items():
                samples[name] += time_per_step(opt, sizes, batch, args.repeats // 3 + 1, args.steps)
        med = {name: statistics.median(t) for name, t in samples.items()}
        cells = "  ".join(f"{med[name] * 1e6:>13.1f} us" for name in optimizers)
        label = f"mlp {'-'.join(map(str, sizes))} b{batch}"
        print(f"{label:<28}{n_params:>10}  {cells}  {med['clr'] / med['sgd']:.3f}")


if __name__ == "__main__":
    main()
