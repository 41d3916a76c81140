"""Corridor indicators: exact values, corridor values, NaN-freedom, dtypes."""

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
def test_finite_at_g_zero_and_kinks_with_finite_gradients(name, dtype):
    loss = CONE_APEX_LOSSES[name]
    zero = jnp.zeros(3, dtype)
    ind = numeric.indicators(loss, zero, 0.1)
    for field in numeric.INDICATOR_NAMES + ("grad_norm", "hg_norm"):
        assert bool(jnp.isfinite(getattr(ind, field))), field
    if float(ind.grad_norm) == 0.0:  # g = 0: the documented corridor values
        assert float(ind.gap_ratio) == 0.0 and float(ind.gradient_change) == 0.0
        assert float(ind.decrease_ratio) == 1.0 and float(ind.directional_sharpness) == 0.0
    # Gradients of every indicator w.r.t. θ (third derivatives of E) stay finite.
    for field in numeric.INDICATOR_NAMES:
        grad = jax.grad(lambda t: getattr(numeric.indicators(loss, t, 0.1), field))(zero)
        assert bool(jnp.all(jnp.isfinite(grad))), field


def test_indicators_gradients_finite_off_the_apex():
    theta = jnp.array([0.3, -0.4])
    for field in numeric.INDICATOR_NAMES:
        grad = jax.grad(lambda t: getattr(_quadratic_indicators(t, 0.1), field))(theta)
        assert bool(jnp.all(jnp.isfinite(grad)))


def test_safe_helpers():
    from corridors._numeric._trees import safe_div

    assert float(safe_div(1.0, 0.0, 7.0)) == 7.0
    assert float(jax.grad(lambda d: safe_div(1.0, d, 0.0))(0.0)) == 0.0
    assert float(numeric.safe_norm({"a": jnp.array([3.0]), "b": jnp.array(4.0)})) == 5.0


def test_indicators_str_and_validation():
    ind = numeric.indicators(_quadratic, jnp.array([1.0, 1.0]), 0.1)
    assert str(ind).startswith("Indicators(gap_ratio=")
    for bad in (0.0, -1.0, float("nan"), jnp.array([0.1, 0.2])):
        with pytest.raises(InvalidArgument, match="learning_rate"):
            numeric.indicators(_quadratic, jnp.array([1.0, 1.0]), bad)
