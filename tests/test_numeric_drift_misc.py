"""gd_vs_gf: float32, stationary starts, failures reported, input validation."""

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from corridors import InvalidArgument, numeric
from smooth_network import smooth, smooth_problem_data  # noqa: E402 - tests/ is on sys.path




@pytest.fixture(scope="module")
def smooth_problem():
    return smooth_problem_data()


def test_float32_runs_in_float32(smooth_problem):
    params, x, y = smooth_problem
    p32 = jax.tree.map(lambda a: a.astype(jnp.float32), params)
    result = numeric.gd_vs_gf(smooth, p32, 0.05, 3, x.astype(jnp.float32), y.astype(jnp.float32))
    assert result.drift.dtype == jnp.float32
    assert bool(jnp.all(jnp.isfinite(result.drift)))
    assert float(result.drift[1]) == pytest.approx(float(result.predicted_gap), rel=0.2)


def test_starting_at_a_stationary_point_has_no_nan():
    result = numeric.gd_vs_gf(lambda t: jnp.sum(t**2), jnp.zeros(3), 0.1, 3)
    assert float(result.drift.max()) == 0.0
    assert bool(jnp.all(jnp.isfinite(result.loss_gf)))


def test_max_steps_failure_is_reported_without_throw(smooth_problem):
    params, x, y = smooth_problem
    result = numeric.gd_vs_gf(smooth, params, 0.5, 2, x, y, max_steps=1, throw=False, rtol=1e-12, atol=1e-14)
    assert not bool(result.gf_success.all())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(learning_rate=0.0), "learning_rate"),
        (dict(learning_rate=-0.1), "learning_rate"),
        (dict(num_steps=0), "num_steps"),
        (dict(num_steps=2.5), "num_steps"),
        (dict(rtol=0.0), "rtol"),
        (dict(atol=-1.0), "atol"),
        (dict(solver=diffrax.Euler()), "adaptive"),
        (dict(solver=diffrax.Kvaerno5()), "explicit"),
        (dict(reference_factor=1.0), "reference_factor"),
        (dict(max_steps=0), "max_steps"),
        (dict(loss_kwargs=[1]), "mapping"),
    ],
)
def test_invalid_arguments(kwargs, match):
    call = dict(learning_rate=0.1, num_steps=2)
    call.update(kwargs)
    with pytest.raises(InvalidArgument, match=match):
        numeric.gd_vs_gf(lambda t: jnp.sum(t**2), jnp.ones(2), **call)


def test_mixed_dtype_params_get_a_clear_error():
    params = {"w": jnp.ones(3, dtype=jnp.float64), "b": jnp.ones(2, dtype=jnp.float32)}
    with pytest.raises(InvalidArgument, match="mix floating dtypes"):
        numeric.gd_vs_gf(lambda p: jnp.sum(p["w"] ** 2) + jnp.sum(p["b"] ** 2), params, 0.1, 2)
