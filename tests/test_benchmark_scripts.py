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


@pytest.fixture(scope="module")
def clr_gap_cap():
    return _load("clr_gap_cap")


@pytest.mark.parametrize("tolerance,expected", [(0.25, 0.5), (1.0, 1.0)])
def test_gap_cap_on_a_quadratic(clr_gap_cap, tolerance, expected):
    # E = L/2 |w|^2: g = L w, H g = L g, so the curvature is L; the doubled
    # ratio 2 E / |g|^2 is 1 / L and the gap cap 2 tolerance / L.
    import jax
    import jax.numpy as jnp

    curvature = 4.0
    loss = lambda w: 0.5 * curvature * jnp.sum(w**2)  # noqa: E731
    w = jnp.array([1.0, -2.0, 0.5])
    opt = clr_gap_cap.clr_gap_cap(tolerance, every=1)
    state = opt.init(w)
    value, grads = jax.value_and_grad(loss)(w)
    updates, state = opt.update(grads, state, w, value=value, value_fn=loss)
    h = min(1.0, 2 * tolerance) / curvature
    assert float(state.step) == pytest.approx(h, rel=1e-5)
    assert float(state.curvature) == pytest.approx(curvature, rel=1e-5)
    assert jnp.allclose(updates, -h * grads, rtol=1e-5)
    assert bool(state.gap_capped) == (expected < 1.0)


def test_gap_cap_without_curvature_is_the_ratio(clr_gap_cap):
    # A linear loss: H g = 0, so only the ratio limits the step (never a skipped step).
    import jax
    import jax.numpy as jnp

    loss = lambda w: jnp.sum(w) + 10.0  # noqa: E731
    w = jnp.zeros(4)
    opt = clr_gap_cap.clr_gap_cap(1.0, every=1)
    state = opt.init(w)
    value, grads = jax.value_and_grad(loss)(w)
    _, state = opt.update(grads, state, w, value=value, value_fn=loss)
    assert float(state.step) == pytest.approx(2 * 10.0 / 4.0)


def test_goal_cells_merge_recomputes_the_best_over_chunks(tmp_path):
    goal = _load("clr_goal_cells")
    names = [name for name, _ in goal.chunks(500, 300, 3)]
    goal_chunks = [n for n in names if not n.startswith("grid_")]
    assert goal_chunks[-3:] == ["cnn_full_a", "cnn_full_b", "cnn_full_c"]  # the costly cell after the others
    assert "grid_cnn_full" not in names and len(names) == len(goal_chunks) + 7
    row = dict(model="mlp", batch_size=64, seeds=3, reached_target="3/3", steps_to_target=[], target_loss=0.1, final_loss_std=0.0,
               final_accuracy_mean=None, mean_clr_step=None, capped_fraction=None, wall_s=1.0, diverged=0)
    chunk_a = [dict(row, method="sgd", setting="lr=0.5", hyperparameter=0.5, steps_to_target_median=200.0,
                    final_loss_mean=0.01), dict(row, method="clr_grid", setting="max_learning_rate=1, scale=2", hyperparameter=1.0,
                                                steps_to_target_median=150.0, final_loss_mean=0.01)]
    chunk_b = [dict(row, method="momo", setting="defaults", hyperparameter=1.0, steps_to_target_median=None,
                    final_loss_mean=None, reached_target="0/3")]
    for name, rows in (("a", chunk_a), ("b", chunk_b)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(__import__("json").dumps({"rows": rows}))
    merged = goal.merge(tmp_path)
    [cell] = merged["goal"]
    assert (cell["recommended_steps"], cell["sgd_best_steps"], cell["contrib_best"]) == (150.0, 200.0, "momo")
    assert cell["meets_sgd"] is True and cell["meets_contrib"] is True
    # corridors.clr() at its defaults is that grid point: the goal table reads it from the grid.
    assert "corridors.clr()" in (tmp_path / "merged.md").read_text() or "`clr()`" in (tmp_path / "merged.md").read_text()


def test_frontier_and_regression_plans_name_known_methods_and_run_the_costly_cell_last():
    from corridors._experiments.methods import REGISTRY

    goal = _load("clr_goal_cells")
    frontier = list(goal.frontier_chunks(500, 300, 3))
    assert [name for name, _ in frontier][-1] == "frontier_cnn_full" and len(frontier) == 8
    assert frontier[-1][1].steps == 300 and "sgd" not in frontier[-1][1].methods
    regression = list(goal.regression_chunks(1000, 3))
    assert {c.models for _, c in regression} == {("diabetes",), ("teacher",)} and len(regression) == 8
    for _, config in frontier + regression:
        config.validate()
        assert "clr_adam" in config.methods and set(config.methods) <= set(REGISTRY)
