"""Cost of ``corridors.numeric.hg`` relative to one ``value_and_grad`` (not a timed test).

Prints, for an MLP with over a million parameters on the current backend:
the median over interleaved rounds of the wall time of jitted ``hg`` divided
by that of jitted ``value_and_grad`` (target ≤ 2×), the same ratio for the naive route (a
gradient, then a separate ``jvp`` of the gradient), and peak memory. At small
sizes it also times the full-Hessian route ``jax.hessian(E) @ g``, which is
quadratic in memory and cubic-ish in time.

Usage: ``python benchmarks/hg_cost.py [--repeats N] [--batch B] [--float64]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from corridors import numeric


def mlp_params(key, sizes, dtype):
    keys = jax.random.split(key, len(sizes) - 1)
    return [
        {"w": (jax.random.normal(k, (m, n)) / jnp.sqrt(m)).astype(dtype), "b": jnp.zeros((n,), dtype)}
        for k, m, n in zip(keys, sizes[:-1], sizes[1:])
    ]


def mlp_loss(params, x, labels):
    h = x
    for layer in params[:-1]:
        h = jax.nn.gelu(h @ layer["w"] + layer["b"])
    logits = h @ params[-1]["w"] + params[-1]["b"]
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], axis=1))


def median_seconds(fn, *args, repeats: int) -> float:
    """Median wall time of ``fn(*args)`` after one warm-up (compile) call."""
    jax.block_until_ready(fn(*args))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def interleaved(fns, *args, repeats: int) -> list[list[float]]:
    """Wall times of each of ``fns`` over ``repeats`` rounds, run alternately.

    On a shared CPU, load from other processes comes and goes; timing the
    routes in alternation exposes them to the same load, so the per-round
    ratios are far steadier than ratios of separately taken medians.
    """
    for fn in fns:
        jax.block_until_ready(fn(*args))  # compile
    rounds = []
    for _ in range(repeats):
        row = []
        for fn in fns:
            start = time.perf_counter()
            jax.block_until_ready(fn(*args))
            row.append(time.perf_counter() - start)
        rounds.append(row)
    return rounds


def peak_rss_mib() -> float:
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss is KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def routes(loss):
    value_and_grad = jax.jit(jax.value_and_grad(loss))
    hg = jax.jit(lambda p, *a: numeric.hg(loss, p, *a))

    @jax.jit
    def naive(p, *a):  # a full gradient, then a second forward-over-reverse pass
        g = jax.grad(loss)(p, *a)
        return jax.jvp(lambda q: jax.grad(loss)(q, *a), (p,), (g,))[1]

    return value_and_grad, hg, naive


def large(args) -> None:
    dtype = jnp.float64 if args.float64 else jnp.float32
    sizes = [784, 1024, 256, 10]
    params = mlp_params(jax.random.PRNGKey(0), sizes, dtype)
    count = sum(p.size for p in jax.tree.leaves(params))
    kx, ky = jax.random.split(jax.random.PRNGKey(1))
    x = jax.random.normal(kx, (args.batch, sizes[0]), dtype)
    labels = jax.random.randint(ky, (args.batch,), 0, sizes[-1])
    value_and_grad, hg, naive = routes(mlp_loss)
    before = peak_rss_mib()
    jax.block_until_ready(value_and_grad(params, x, labels))
    rss_vg = peak_rss_mib()
    jax.block_until_ready(hg(params, x, labels))
    rss_hg = peak_rss_mib()
    rounds = interleaved([value_and_grad, hg, naive], params, x, labels, repeats=args.repeats)
    t_vg, t_hg, t_naive = (statistics.median(r[i] for r in rounds) for i in range(3))
    ratio_hg = statistics.median(r[1] / r[0] for r in rounds)
    ratio_naive = statistics.median(r[2] / r[0] for r in rounds)
    print(f"backend {jax.default_backend()}, {jax.device_count()} device(s), dtype {jnp.dtype(dtype).name}")
    print(f"MLP {sizes}, {count:,} parameters, batch {args.batch}, {args.repeats} interleaved rounds")
    print(f"  value_and_grad          {1e3 * t_vg:8.2f} ms (median)")
    print(f"  hg (linearize)          {1e3 * t_hg:8.2f} ms   median ratio {ratio_hg:.2f}x  (target <= 2x)")
    print(f"  grad, then jvp of grad  {1e3 * t_naive:8.2f} ms   median ratio {ratio_naive:.2f}x")
    # Matmul FLOPs (B·m·n units): value_and_grad needs x@W and xᵀδ per layer, plus δWᵀ
    # except for the first layer; forward-over-reverse adds the tangent of each.
    dims = list(zip(sizes[:-1], sizes[1:]))
    vg_flops = sum((2 if i == 0 else 3) * m * n for i, (m, n) in enumerate(dims))
    hg_flops = sum((4 if i == 0 else 9) * m * n for i, (m, n) in enumerate(dims))
    print(f"  matmul-FLOP ratio of forward-over-reverse for this MLP: {hg_flops / vg_flops:.2f}x")
    print(f"  peak RSS (ru_maxrss): {before:.0f} MiB before, {rss_vg:.0f} MiB after value_and_grad, "
          f"{rss_hg:.0f} MiB after hg")
    stats = jax.devices()[0].memory_stats()
    if stats and "peak_bytes_in_use" in stats:
        print(f"  device peak bytes in use: {stats['peak_bytes_in_use'] / 2**20:.0f} MiB")


def small(args) -> None:
    print("full-Hessian route (ravel, jax.hessian, matvec) against hg, float64:")
    print(f"  {'params':>7} {'value_and_grad':>15} {'hg':>10} {'hessian@g':>11} {'hessian/hg':>11}")
    for width in (8, 24, 48):
        sizes = [16, width, width, 4]
        params = mlp_params(jax.random.PRNGKey(2), sizes, jnp.float64)
        flat, unravel = ravel_pytree(params)
        x = jax.random.normal(jax.random.PRNGKey(3), (64, sizes[0]), jnp.float64)
        labels = jax.random.randint(jax.random.PRNGKey(4), (64,), 0, sizes[-1])
        flat_loss = lambda v, a, b: mlp_loss(unravel(v), a, b)  # noqa: E731
        value_and_grad, hg, _ = routes(flat_loss)
        full = jax.jit(lambda v, a, b: jax.hessian(flat_loss)(v, a, b) @ jax.grad(flat_loss)(v, a, b))
        rounds = interleaved([value_and_grad, hg], flat, x, labels, repeats=args.repeats)
        t_vg, t_hg = (statistics.median(r[i] for r in rounds) for i in range(2))
        t_full = median_seconds(full, flat, x, labels, repeats=max(3, args.repeats // 3))
        gap = float(jnp.max(jnp.abs(full(flat, x, labels) - hg(flat, x, labels).hg)))
        print(f"  {flat.size:>7} {1e3 * t_vg:>12.3f} ms {1e3 * t_hg:>7.3f} ms {1e3 * t_full:>8.3f} ms "
              f"{t_full / t_hg:>10.1f}x   max|diff| {gap:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--float64", action="store_true", help="run the large MLP in float64")
    args = parser.parse_args()
    if args.float64:
        jax.config.update("jax_enable_x64", True)
    large(args)
    jax.config.update("jax_enable_x64", True)
    small(args)


if __name__ == "__main__":
    main()
