"""The benchmark corpus: every fact stated there checked numerically, then the analysis against it.

The numeric checks use only SymPy's own differentiation and 40-digit mpmath
evaluation, never ``corridors.analyze``: they test the corpus, so that the
corpus can then test the library.
"""

import importlib.util
import random
import sys
from pathlib import Path

import mpmath
import pytest
import sympy as sp

import corridors

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus.py"
_SPEC = importlib.util.spec_from_file_location("corridors_benchmark_corpus", _PATH)
corpus = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = corpus  # dataclasses look their module up while the class is built
_SPEC.loader.exec_module(corpus)

ENTRIES = corpus.CORPUS
IDS = [entry.name for entry in ENTRIES]
mpmath.mp.dps = 40


def _numeric(entry):
    expression, symbols = corridors.parse_loss(entry.text, entry.variables)
    gradient = [sp.diff(expression, v) for v in symbols]
    loss = sp.lambdify(symbols, expression, "mpmath")
    grad = sp.lambdify(symbols, gradient, "mpmath")
    return expression, symbols, loss, grad


def _point(entry, symbols, pairs):
    values = {name: sp.sympify(value) for name, value in pairs}
    return [mpmath.mpf(sp.N(values[s.name], 45)) for s in symbols]


def _line_residual(grad, point, step):
    g0 = [mpmath.mpf(v) for v in grad(*point)]
    shifted = [p + step * g for p, g in zip(point, g0)]
    g1 = grad(*shifted)
    return max(abs(a - b) for a, b in zip(g1, g0)), max(abs(v) for v in g0)


def test_the_corpus_is_large_and_named_uniquely():
    assert len(ENTRIES) >= 40
    assert len(set(IDS)) == len(IDS)
    assert {e.expected for e in ENTRIES} <= {"everywhere", "partial", "none"}
    for entry in ENTRIES:
        assert entry.why, entry.name
        if entry.expected in ("everywhere", "partial"):
            assert entry.corridor_points, f"{entry.name}: a corridor needs a point on it"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_stated_facts_hold_numerically(entry):
    expression, symbols, loss, grad = _numeric(entry)
    for pairs in entry.corridor_points:
        point = _point(entry, symbols, pairs)
        for step in (mpmath.mpf("1e-3"), mpmath.mpf("-1e-3"), mpmath.mpf("1e-2")):
            residual, size = _line_residual(grad, point, step)
            assert size > mpmath.mpf("1e-10"), f"{entry.name}: g = 0 at a stated corridor point"
            assert residual < mpmath.mpf("1e-30"), f"{entry.name}: g changes along the flow line at {pairs}"
    for pairs in entry.stationary_points:
        point = _point(entry, symbols, pairs)
        assert max(abs(v) for v in grad(*point)) < mpmath.mpf("1e-30"), f"{entry.name}: g ≠ 0 at {pairs}"
    rng = random.Random(entry.name)
    for _ in range(20):
        point = [mpmath.mpf(rng.uniform(-3, 3)) for _ in symbols]
        try:
            value = loss(*point)
        except (ValueError, ZeroDivisionError):
            continue
        if entry.lower_bound is not None:
            assert value >= sp.sympify(entry.lower_bound) - mpmath.mpf("1e-30"), f"{entry.name}: E < lower bound"
        if entry.expected == "none":
            # A random point is no corridor point: g changes along its flow line, or g = 0.
            residual, size = _line_residual(grad, point, mpmath.mpf("1e-2"))
            assert residual > mpmath.mpf("1e-12") or size < mpmath.mpf("1e-20"), f"{entry.name}: corridor at {point}"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_analysis_agrees_with_theory(entry):
    # A generous budget: this checks correctness, not speed (benchmarks/symbolic_corpus.py times it).
    report = corridors.analyze(entry.text, list(entry.variables), timeout=120)
    assert report.classification == entry.expected, report.reason
    for pairs in entry.corridor_points:
        assert report.status_at({k: sp.sympify(v) for k, v in pairs}) == "corridor", pairs
    for pairs in entry.stationary_points:
        assert report.status_at({k: sp.sympify(v) for k, v in pairs}) == "stationary", pairs
