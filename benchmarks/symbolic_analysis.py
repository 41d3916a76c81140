"""Benchmark: time of ``corridors.analyze`` on the gallery and on losses of growing dimension.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/symbolic_analysis.py [--repeats 3] [--max-dim 20]

Prints the median wall time per loss; the target is well under a second for
every gallery loss.
"""

from __future__ import annotations

import argparse
import statistics
import time

import sympy as sp

import corridors


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def families(n: int) -> dict:
    theta = sp.symbols(f"t0:{n}", real=True)
    return theta, {
        "plane": sum((i + 1) * t for i, t in enumerate(theta)) + 1,
        "quadratic bowl": sum((i + 1) * t**2 for i, t in enumerate(theta)),
        "valley": theta[0] + sum(t**2 for t in theta[1:]),
        "quartic sum": sum(t**4 - t**2 for t in theta),
        "cone": sp.sqrt(sum((t - i) ** 2 for i, t in enumerate(theta))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-dim", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    print(f"Gallery (median of {args.repeats}):")
    total = 0.0
    for example in corridors.GALLERY:
        expression, symbols = example.expression()
        report = corridors.analyze(expression, symbols)
        seconds = median_seconds(lambda: corridors.analyze(expression, symbols), args.repeats)
        total += seconds
        print(f"  {example.name:<24} {report.classification:<11} {seconds * 1000:8.1f} ms")
    print(f"  {'total':<24} {'':<11} {total * 1000:8.1f} ms")

    print(f"\nLosses of growing dimension (median of {args.repeats}, timeout {args.timeout:g} s):")
    dims = [n for n in (2, 5, 10, 20, 40) if n <= args.max_dim]
    print(f"  {'family':<16}" + "".join(f"{'n=' + str(n):>18}" for n in dims))
    rows: dict[str, list[str]] = {}
    for n in dims:
        theta, losses = families(n)
        for name, loss in losses.items():
            report = corridors.analyze(loss, theta, timeout=args.timeout)
            seconds = median_seconds(lambda: corridors.analyze(loss, theta, timeout=args.timeout), args.repeats)
            rows.setdefault(name, []).append(f"{seconds:7.3f} s {report.classification[:8]:>8}")
    for name, cells in rows.items():
        print(f"  {name:<16}" + "".join(f"{cell:>18}" for cell in cells))


if __name__ == "__main__":
    main()
