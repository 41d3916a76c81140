"""gd_vs_gf: float32 and bfloat16, stationary starts, failures reported or raised readably, validation."""

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from corridors import InvalidArgument, numeric
from networks import smooth, smooth_problem_data  # noqa: E402 - tests/ is on sys.path




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


def _stiff(theta):
    """Eigenvalues 1e6 and 1: an explicit solver needs ~1e5 steps per unit of time."""
    return 0.5 * (1e6 * theta[0] ** 2 + theta[1] ** 2)


def test_a_stiff_loss_raises_a_readable_error_naming_the_fix():
    with pytest.raises(InvalidArgument, match="max_steps=50 in interval 0 of 3") as error:
        numeric.gd_vs_gf(_stiff, jnp.array([1.0, 1.0]), 0.5, 3, max_steps=50)
    message = str(error.value)
    assert "throw=False" in message and "larger max_steps" in message and "\n" not in message


def test_after_a_failure_nothing_is_reported_as_measured():
    result = numeric.gd_vs_gf(_stiff, jnp.array([1.0, 1.0]), 0.5, 3, max_steps=50, throw=False)
    assert result.gf_success.tolist() == [False, False, False]
    assert result.gf_steps.tolist() == [50, 0, 0]  # later intervals are not attempted
    assert float(result.drift[0]) == 0.0
    assert bool(jnp.all(jnp.isnan(result.drift[1:]))) and bool(jnp.all(jnp.isnan(result.loss_gf[1:])))
    assert bool(jnp.all(jnp.isnan(result.final_gf)))
    assert bool(jnp.all(jnp.isfinite(result.loss_gd[:2])))  # GD itself is still reported


@pytest.mark.parametrize("bad", [jnp.nan, jnp.inf])
@pytest.mark.parametrize("throw", [True, False])
def test_non_finite_parameters_are_refused_before_any_work(bad, throw):
    params = {"w": jnp.array([1.0, bad]), "b": jnp.ones(2)}
    with pytest.raises(InvalidArgument, match=r"params\['w'\] has 1 non-finite entries of 2"):
        numeric.gd_vs_gf(lambda p: jnp.sum(p["w"] ** 2) + jnp.sum(p["b"]), params, 0.1, 2, throw=throw)


def test_a_loss_that_is_not_finite_at_the_start_is_refused():
    with pytest.raises(InvalidArgument, match="not finite at params"):
        numeric.gd_vs_gf(lambda t: jnp.sum(jnp.log(t)), jnp.array([-1.0, 1.0]), 0.1, 2)


def test_under_an_outer_jit_a_failure_still_raises_with_the_advice():
    run = jax.jit(lambda p: numeric.gd_vs_gf(_stiff, p, 0.5, 2, max_steps=20).drift)
    with pytest.raises(Exception, match="gd_vs_gf: the gradient-flow solve failed"):
        jax.block_until_ready(run(jnp.array([1.0, 1.0])))


def test_bfloat16_parameters_are_integrated_in_float32(smooth_problem):
    assert numeric.default_tolerances(jnp.bfloat16) == numeric.default_tolerances(jnp.float32)
    assert numeric.default_tolerances(jnp.float16) == numeric.default_tolerances(jnp.float32)
    params, x, y = smooth_problem
    p16 = jax.tree.map(lambda a: a.astype(jnp.bfloat16), params)
    low = numeric.gd_vs_gf(smooth, p16, 0.05, 2, x.astype(jnp.float32), y.astype(jnp.float32))
    # The same start, rounded to bfloat16, run in float32: the same numbers.
    start = jax.tree.map(lambda a: a.astype(jnp.float32), p16)
    high = numeric.gd_vs_gf(smooth, start, 0.05, 2, x.astype(jnp.float32), y.astype(jnp.float32))
    assert low.drift.dtype == jnp.float32
    np.testing.assert_allclose(low.drift, high.drift, rtol=1e-6)
    assert float(low.drift[1]) == pytest.approx(float(low.predicted_gap), rel=0.2)


def test_has_aux_and_loss_kwargs():
    def with_aux(theta, scale):
        return scale * jnp.sum(theta**4), {"max": jnp.max(theta)}

    h, start = 0.01, np.array([1.0, -0.5])
    result = numeric.gd_vs_gf(with_aux, jnp.asarray(start), h, 3, loss_kwargs={"scale": 2.0}, has_aux=True)
    theta, expected = start, []
    for _ in range(4):  # GD on E = 2 Σ θ⁴ by hand: the scale reached the loss, the aux was dropped
        expected.append(2.0 * np.sum(theta**4))
        theta = theta - h * 8.0 * theta**3
    np.testing.assert_allclose(result.loss_gd, expected, rtol=1e-13)
    assert float(result.drift[1]) == pytest.approx(float(result.predicted_gap), rel=0.2)
