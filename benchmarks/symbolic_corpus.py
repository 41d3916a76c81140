"""Benchmark: ``corridors.analyze`` on the corpus of losses users write, and on random polynomials.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/symbolic_corpus.py                 # the corpus and the gallery
    .venv/bin/python benchmarks/symbolic_corpus.py --markdown      # the table for docs/benchmarks.md
    .venv/bin/python benchmarks/symbolic_corpus.py --random 300    # unknown rate on random polynomials

Prints each loss's verdict, the verdict theory gives (``benchmarks/corpus.py``)
and the wall time, then the number of correct verdicts, the median and the
maximum time. Targets (2-core machine, default 5 s timeout): every verdict
correct, median ≤ 1 s, maximum ≤ 5 s; at most 2 % ``unknown`` on random
polynomials of degree ≤ 2 per variable in 2–3 variables.
"""

from __future__ import annotations

import argparse
import inspect
import random
import statistics
import sys
import time
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corridors  # noqa: E402
from corpus import CORPUS  # noqa: E402


def entries():
    """The corpus followed by the gallery, as (name, family, text, variables, expected)."""
    rows = [(c.name, c.family, c.text, c.variables, c.expected) for c in CORPUS]
    rows += [(g.name, "gallery: " + g.family, g.text, g.variables, g.expected) for g in corridors.GALLERY]
    return rows


def run_corpus(timeout: float, markdown: bool) -> int:
    results = []
    for name, family, text, variables, expected in entries():
        start = time.perf_counter()
        report = corridors.analyze(text, list(variables), timeout=timeout)
        seconds = time.perf_counter() - start
        results.append((name, family, text, report.classification, expected, seconds))
        if not markdown:
            mark = "" if report.classification == expected else "   <-- differs"
            print(f"{name:<34} {report.classification:<11} {expected:<11} {seconds:6.2f} s{mark}", flush=True)
    times = [r[5] for r in results]
    correct = sum(r[3] == r[4] for r in results)
    if markdown:
        print("| loss | family | verdict | theory | time (s) |")
        print("| --- | --- | --- | --- | ---: |")
        for name, family, text, verdict, expected, seconds in results:
            print(f"| `{text}` | {family} | {verdict} | {expected} | {seconds:.2f} |")
        print()
    print(f"{correct}/{len(results)} verdicts agree with theory; median {statistics.median(times):.2f} s, "
          f"maximum {max(times):.2f} s (timeout {timeout:g} s, engine {corridors.algebra_engine()})")
    return 0 if correct == len(results) else 1


def random_polynomials(count: int, seed: int):
    """Polynomials in 2–3 variables, degree ≤ 2 per variable, 1–4 terms, coefficients in ±1..5."""
    rng = random.Random(seed)
    x, y, z = sp.symbols("x y z", real=True)
    while count:
        variables = [x, y, z][: rng.choice((2, 3))]
        terms = [rng.choice((-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)) * sp.Mul(*(v ** rng.randint(0, 2) for v in variables))
                 for _ in range(rng.randint(1, 4))]
        polynomial = sp.Add(*terms)
        if polynomial.free_symbols:
            count -= 1
            yield polynomial, variables


def run_random(count: int, seed: int, timeout: float) -> int:
    tally, times, slow = {}, [], []
    for polynomial, variables in random_polynomials(count, seed):
        start = time.perf_counter()
        report = corridors.analyze(polynomial, variables, timeout=timeout)
        seconds = time.perf_counter() - start
        times.append(seconds)
        tally[report.classification] = tally.get(report.classification, 0) + 1
        if report.classification == "unknown":
            slow.append((polynomial, report.reason[:100]))
    for polynomial, reason in slow:
        print(f"unknown: {polynomial}  ({reason})")
    unknown = tally.get("unknown", 0)
    print(f"{count} random polynomials (seed {seed}): {tally}; unknown {100 * unknown / count:.1f} %; "
          f"median {statistics.median(times):.2f} s, maximum {max(times):.2f} s")
    return 0


_DEFAULT_TIMEOUT = inspect.signature(corridors.analyze).parameters["timeout"].default


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=_DEFAULT_TIMEOUT,
                        help=f"seconds per loss (default: analyze's own, {_DEFAULT_TIMEOUT:g})")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--random", type=int, metavar="N", help="classify N random polynomials instead")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.random:
        return run_random(args.random, args.seed, args.timeout)
    return run_corpus(args.timeout, args.markdown)


if __name__ == "__main__":
    raise SystemExit(main())
