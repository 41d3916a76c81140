"""Corridor indicators: exact values, corridor values, status (finite, stationary), dtypes."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from corridors import InvalidArgument, numeric

A = jnp.array([[2.0, 0.5], [0.5, 1.0]])


def _quadratic(theta):
    return 0.5 * theta @ A @ theta


@jax.jit
def _quadratic_indicators(theta, h):
    return numeric.indicators(_quadratic, theta, h)


def test_indicators_on_a_quadratic_match_closed_forms():
    theta, h = jnp.array([1.0, -2.0]), 0.1
    ind = _quadratic_indicators(theta, h)
    g = A @ theta
    hg = A @ g
    np.testing.assert_allclose(ind.gap_ratio, 0.5 * h * np.linalg.norm(hg) / np.linalg.norm(g), rtol=1e-13)
    # g is linear, so g(θ − h g) − g = −h H g exactly: gradient_change = 2·gap_ratio.
    np.testing.assert_allclose(ind.gradient_change, 2 * ind.gap_ratio, rtol=1e-12)
    # For a quadratic, E(θ) − E(θ − h g) = h‖g‖² − (h²/2) gᵀHg exactly.
    np.testing.assert_allclose(ind.decrease_ratio, 1 - 0.5 * h * (g @ hg) / (g @ g), rtol=1e-12)
    np.testing.assert_allclose(ind.directional_sharpness, h * (g @ hg) / (g @ g), rtol=1e-13)
    np.testing.assert_allclose(ind.grad_norm, np.linalg.norm(g), rtol=1e-14)
    np.testing.assert_allclose(ind.hg_norm, np.linalg.norm(hg), rtol=1e-14)
    assert abs(ind.directional_sharpness) <= 2 * ind.gap_ratio + 1e-15  # Cauchy–Schwarz


def test_indicators_scale_linearly_with_h_and_are_dimensionless():
    theta = jnp.array([0.7, 0.2])
    small, large = _quadratic_indicators(theta, 0.01), _quadratic_indicators(theta, 0.04)
    np.testing.assert_allclose(large.gap_ratio, 4 * small.gap_ratio, rtol=1e-12)
    # Rescaling the loss by c and h by 1/c (same GD iterates) leaves every indicator unchanged.
    scaled = numeric.indicators(lambda t: 7.0 * _quadratic(t), theta, 0.01 / 7.0)
    for name in numeric.INDICATOR_NAMES:
        np.testing.assert_allclose(getattr(scaled, name), getattr(small, name), rtol=1e-11)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
@pytest.mark.parametrize("h", [0.01, 1.0, 30.0])
def test_corridor_values_on_a_cone(dtype, h):
    theta = jnp.arange(1.0, 101.0, dtype=dtype)  # ‖θ‖ ≈ 581 > h: the step stays on the cone
    ind = numeric.indicators(numeric.safe_norm, theta, h)
    tol = 1e-5 if dtype == jnp.float32 else 1e-12
    assert ind.gap_ratio.dtype == dtype
    assert abs(float(ind.gap_ratio)) < tol
    assert abs(float(ind.gradient_change)) < tol
    assert abs(float(ind.directional_sharpness)) < tol
    # E(θ) − E(θ − h g) cancels to round-off: resolution ≈ eps·|E| / (h‖g‖²), with ‖g‖ = 1.
    resolution = float(jnp.finfo(dtype).eps) * float(ind.loss) / h
    assert abs(float(ind.decrease_ratio) - 1) < max(tol, 20 * resolution)


def test_corridor_values_on_a_linear_loss_are_exact():
    c = jnp.array([1.0, -2.0, 0.5])
    ind = numeric.indicators(lambda t: c @ t + 3.0, jnp.array([0.1, 0.2, 0.3]), 0.25)
    assert float(ind.gap_ratio) == 0.0
    assert float(ind.gradient_change) == 0.0
    assert float(ind.directional_sharpness) == 0.0
    np.testing.assert_allclose(ind.decrease_ratio, 1.0, rtol=1e-14)


CONE_APEX_LOSSES = {
    "safe_norm_cone": numeric.safe_norm,
    "quadratic_minimum": lambda t: jnp.sum(t**2),
    "relu_kink": lambda t: jnp.sum(jax.nn.relu(t)) + jnp.sum(jnp.abs(t)),
    "flat": lambda t: jnp.sum(t) * 0.0,
}


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
@pytest.mark.parametrize("name", sorted(CONE_APEX_LOSSES))
def test_g_zero_is_stationary_not_a_corridor_and_gradients_stay_finite(name, dtype):
    loss = CONE_APEX_LOSSES[name]
    zero = jnp.zeros(3, dtype)
    ind = numeric.indicators(loss, zero, 0.1)
    assert bool(ind.finite)
    assert bool(jnp.isfinite(ind.grad_norm)) and bool(jnp.isfinite(ind.hg_norm))
    stationary = float(ind.grad_norm) == 0.0
    assert bool(ind.stationary) is stationary
    assert bool(ind.defined) is not stationary
    for field in numeric.INDICATOR_NAMES:
        value = float(getattr(ind, field))
        # g = 0: every ratio is 0/0, reported as NaN, never as the corridor values 0, 0, 1, 0.
        assert np.isnan(value) if stationary else np.isfinite(value), (field, value)
    # Gradients of every indicator w.r.t. θ (third derivatives of E) stay finite.
    for field in numeric.INDICATOR_NAMES:
        grad = jax.grad(lambda t: getattr(numeric.indicators(loss, t, 0.1), field))(zero)
        assert bool(jnp.all(jnp.isfinite(grad))), field


def test_a_corridor_and_a_stationary_point_are_told_apart():
    corridor = numeric.indicators(numeric.safe_norm, jnp.array([3.0, 4.0]), 0.5)
    minimum = numeric.indicators(lambda t: jnp.sum(t**2), jnp.zeros(2), 0.5)
    assert not bool(corridor.stationary) and bool(corridor.defined)
    values = [float(getattr(corridor, n)) for n in numeric.INDICATOR_NAMES]
    assert values == pytest.approx([0, 0, 1, 0], abs=1e-12)
    assert bool(minimum.stationary) and not bool(minimum.defined)
    assert all(np.isnan(float(getattr(minimum, n))) for n in numeric.INDICATOR_NAMES)
    assert "stationary=True" in str(minimum) and "stationary=False" in str(corridor)


def _log_barrier(t):
    """Finite at θ = (0.05, 1) with g ≠ 0, NaN after a GD step of h = 1 (log of a negative number)."""
    return -jnp.sum(jnp.log(t)) + 100.0 * jnp.sum(t)


NON_FINITE_CASES = {
    "nan_parameter": (lambda t: jnp.sum(t**3), jnp.array([jnp.nan, 1.0])),
    "inf_parameter": (lambda t: jnp.sum(t**3), jnp.array([jnp.inf, 1.0])),
    "nan_in_one_leaf": (
        lambda p: jnp.sum(p["a"] ** 2) + jnp.sum(p["b"]),
        {"a": jnp.ones(2), "b": jnp.full(2, jnp.nan)},
    ),
    "nan_after_the_step": (_log_barrier, jnp.array([0.05, 1.0])),
}


@pytest.mark.parametrize("name", sorted(NON_FINITE_CASES))
@pytest.mark.parametrize("jit", [False, True])
def test_non_finite_values_never_read_as_a_corridor(name, jit):
    loss, params = NON_FINITE_CASES[name]
    compute = lambda p, h: numeric.indicators(loss, p, h)  # noqa: E731
    ind = (jax.jit(compute) if jit else compute)(params, 1.0)
    assert not bool(ind.finite)
    assert not bool(ind.defined)
    for field in numeric.INDICATOR_NAMES:
        assert np.isnan(float(getattr(ind, field))), field
    assert "finite=False" in str(ind)


def test_a_traced_step_that_is_not_positive_gives_nan():
    theta = jnp.array([0.7, 0.2])
    values = jax.jit(lambda h: numeric.indicators(_quadratic, theta, h))(jnp.array(0.0))
    assert bool(values.finite) and not bool(values.stationary) and not bool(values.defined)
    assert all(np.isnan(float(getattr(values, n))) for n in numeric.INDICATOR_NAMES)


def test_loss_kwargs_has_aux_and_the_deprecated_keywords_agree():
    theta = jnp.array([0.7, 0.2])

    def scaled(t, scale):
        return scale * _quadratic(t)

    def with_aux(t, scale):
        return scale * _quadratic(t), {"norm": jnp.linalg.norm(t)}

    reference = numeric.indicators(lambda t: 3.0 * _quadratic(t), theta, 0.1)
    by_mapping = numeric.indicators(scaled, theta, 0.1, loss_kwargs={"scale": 3.0})
    by_aux = numeric.indicators(with_aux, theta, 0.1, loss_kwargs={"scale": 3.0}, has_aux=True)
    with pytest.warns(DeprecationWarning, match="loss_kwargs"):
        by_keyword = numeric.indicators(scaled, theta, 0.1, scale=3.0)
    for result in (by_mapping, by_aux, by_keyword):
        for name in numeric.INDICATOR_NAMES:
            np.testing.assert_allclose(getattr(result, name), getattr(reference, name), rtol=1e-14)


def test_bfloat16_parameters_give_bfloat16_indicators_close_to_float32():
    theta = jnp.array([0.7, 0.2])
    low = numeric.indicators(_quadratic, theta.astype(jnp.bfloat16), 0.1)
    high = numeric.indicators(lambda t: 0.5 * t @ A.astype(jnp.float32) @ t, theta.astype(jnp.float32), 0.1)
    assert low.gap_ratio.dtype == jnp.bfloat16 and bool(low.defined)
    for name in ("gap_ratio", "gradient_change", "directional_sharpness"):
        np.testing.assert_allclose(float(getattr(low, name)), float(getattr(high, name)), rtol=3e-2)


def test_indicators_gradients_finite_off_the_apex():
    theta = jnp.array([0.3, -0.4])
    for field in numeric.INDICATOR_NAMES:
        grad = jax.grad(lambda t: getattr(_quadratic_indicators(t, 0.1), field))(theta)
        assert bool(jnp.all(jnp.isfinite(grad)))


def test_safe_helpers():
    from corridors._numeric._trees import safe_div, safe_sqrt, tree_all_finite

    assert float(safe_div(1.0, 0.0, 7.0)) == 7.0
    assert float(jax.grad(lambda d: safe_div(1.0, d, 0.0))(0.0)) == 0.0
    assert float(numeric.safe_norm({"a": jnp.array([3.0]), "b": jnp.array(4.0)})) == 5.0
    # Safety never hides a NaN: it must not read as 0, the value of a perfect corridor.
    assert np.isnan(float(safe_div(1.0, jnp.nan, 7.0)))
    assert np.isnan(float(safe_div(jnp.nan, 2.0, 7.0)))
    assert np.isnan(float(safe_sqrt(jnp.nan))) and np.isnan(float(safe_sqrt(-1.0)))
    assert np.isnan(float(numeric.safe_norm({"a": jnp.array([3.0]), "b": jnp.array(jnp.nan)})))
    assert float(numeric.safe_norm(jnp.array([1.0, jnp.inf]))) == np.inf
    assert float(jax.grad(safe_sqrt)(0.0)) == 0.0
    assert bool(tree_all_finite({"a": jnp.ones(2), "b": jnp.array(-jnp.inf)})) is False
    assert bool(tree_all_finite({"a": jnp.ones(2), "b": jnp.array(1e200)}))  # its square overflows


def test_indicators_str_and_validation():
    ind = numeric.indicators(_quadratic, jnp.array([1.0, 1.0]), 0.1)
    assert str(ind).startswith("Indicators(gap_ratio=")
    for bad in (0.0, -1.0, float("nan"), jnp.array([0.1, 0.2])):
        with pytest.raises(InvalidArgument, match="learning_rate"):
            numeric.indicators(_quadratic, jnp.array([1.0, 1.0]), bad)
