"""The benchmark scripts run (their figures are printed on demand, not tested).

Only the pieces, on the smallest model, so that a broken script fails here
rather than when someone next wants its numbers.
"""

import importlib.util
from pathlib import Path

import optax
import pytest

import corridors

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def clr_overhead():
    return _load("clr_overhead")


def test_clr_overhead_times_every_optimizer(clr_overhead):
    optimizers = {"sgd": optax.sgd(0.1), "clr": corridors.clr(max_learning_rate=1.0)}
    times = clr_overhead.seconds_per_step(optimizers, (8, 8, 3), 4, rounds=3, k=2)
    assert set(times) == set(optimizers)
    assert all(len(t) == 3 and min(t) > 0 for t in times.values())


def test_clr_overhead_reads_xla_cost(clr_overhead):
    sgd_bytes, sgd_kernels = clr_overhead.xla_cost(optax.sgd(0.1), (8, 8, 3), 4)
    clr_bytes, clr_kernels = clr_overhead.xla_cost(corridors.clr(max_learning_rate=1.0), (8, 8, 3), 4)
    # The global norm reads the gradient once more and adds kernels of its own.
    assert clr_bytes > sgd_bytes > 0
    assert clr_kernels > sgd_kernels > 0
