"""corridors.clr_momentum: the CLR step along the moving average of the gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from networks import classifier_loss, classifier_problem, train_classifier

import corridors
from corridors import ScaleByCLRMomentumState


def test_decay_zero_is_plain_clr_bit_for_bit():
    params, x, y = classifier_problem()
    ours, ours_states, _, _ = train_classifier(corridors.clr_momentum(decay=0.0, max_learning_rate=2.0, scale=1.5), params, x, y, 25)
    ref, ref_states, _, _ = train_classifier(corridors.clr(max_learning_rate=2.0, scale=1.5), params, x, y, 25)
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(ref)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours_states.step, ref_states.step)


def test_step_is_the_polyak_ratio_along_the_average():
    opt = corridors.scale_by_clr_momentum(decay=0.5, max_learning_rate=100.0, scale=1.0)
    state = opt.init(jnp.zeros(2))
    assert isinstance(state, ScaleByCLRMomentumState)
    g1, g2 = jnp.array([2.0, 0.0]), jnp.array([1.0, 1.0])
    _, state = opt.update(g1, state, value=1.0)
    updates, state = opt.update(g2, state, value=3.0)
    m = 0.5 * (0.5 * g1) + 0.5 * g2  # EMA, not bias-corrected
    d = m / (1 - 0.5**2)
    h = 3.0 / float(jnp.vdot(g2, d))
    np.testing.assert_allclose(float(state.step), h, rtol=1e-6)
    np.testing.assert_allclose(updates, h * d, rtol=1e-6)
    np.testing.assert_allclose(state.momentum, m, rtol=1e-6)
    # The first-order model along -h d reaches the target exactly.
    np.testing.assert_allclose(3.0 - float(jnp.vdot(g2, updates)), 0.0, atol=1e-5)
    for field in (state.count, state.step, state.uncapped_step, state.capped, state.skipped):
        assert jnp.shape(field) == ()


def test_an_average_pointing_uphill_gives_no_step():
    opt = corridors.clr_momentum(decay=0.9, max_learning_rate=100.0)
    state = opt.init(jnp.zeros(1))
    _, state = opt.update(jnp.array([1.0]), state, value=1.0)
    updates, state = opt.update(jnp.array([-0.1]), state, value=1.0)  # d = 0.08 / 0.19 > 0: <g, d> < 0
    assert float(updates[0]) == 0.0 and float(state.step) == 0.0 and not bool(state.skipped)


@pytest.mark.parametrize("bad", ["value", "gradient"])
def test_non_finite_input_skips_and_keeps_the_average(bad):
    opt = corridors.clr_momentum(decay=0.9)
    params = jnp.array([1.0, 2.0])
    state = opt.init(params)
    _, state = opt.update(jnp.array([1.0, 1.0]), state, params, value=1.0)
    before = state
    g = jnp.array([jnp.nan, 1.0]) if bad == "gradient" else jnp.array([1.0, 1.0])
    updates, state = opt.update(g, state, params, value=jnp.nan if bad == "value" else 1.0)
    assert bool(state.skipped) and bool(jnp.all(updates == 0))
    np.testing.assert_array_equal(state.momentum, before.momentum)
    assert int(state.finite_count) == int(before.finite_count) and int(state.count) == int(before.count) + 1
    updates, state = opt.update(jnp.array([1.0, 1.0]), state, params, value=1.0)
    assert not bool(state.skipped) and bool(jnp.all(jnp.isfinite(updates)))


@given(
    theta=st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=5),
    decay=st.floats(0.0, 0.99),
)
def test_first_step_lands_on_the_cone_apex(theta, decay):
    # The first average is the gradient itself (bias correction), so the first
    # step is plain CLR: inside the cone's corridor it lands on the apex.
    theta = jnp.array(theta)
    dist = float(jnp.linalg.norm(theta))
    assume(dist > 1e-6)
    opt = corridors.clr_momentum(decay=decay, max_learning_rate=jnp.inf, scale=1.0)
    value, grad = jax.value_and_grad(jnp.linalg.norm)(theta)
    updates, _ = opt.update(grad, opt.init(theta), theta, value=value)
    np.testing.assert_allclose(optax.apply_updates(theta, updates), 0.0, atol=1e-9 * max(1.0, dist))


def test_defaults_train_a_small_network():
    params, x, y = classifier_problem(seed=3)
    start = float(classifier_loss(params, x, y))
    trained, states, _, _ = train_classifier(corridors.clr_momentum(), params, x, y, 60)
    assert float(classifier_loss(trained, x, y)) < 0.5 * start
    assert bool(jnp.all(states.step <= 1.0)) and bool(jnp.all(states.step >= 0.0))
    assert not bool(jnp.any(states.skipped))
