"""corridors.clr_adam: the CLR step along Adam's preconditioned direction."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from networks import classifier_loss, classifier_problem, train_classifier

import corridors
from corridors import InvalidArgument, ScaleByCLRAdamState


def _reference_steps(grads, values, b1, b2, eps, cap):
    """The rule written out in numpy, step by step (float64): the second route."""
    m = np.zeros_like(grads[0])
    v = np.zeros_like(grads[0])
    steps, updates = [], []
    for t, (g, value) in enumerate(zip(grads, values), 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        u = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        along = float(g @ u)
        h = min(value / along, cap) if along > 0 and value > 0 else 0.0
        steps.append(h)
        updates.append(-h * u)
    return steps, updates


def test_steps_match_the_rule_written_out():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(5) for _ in range(6)]
    values = [3.0, 2.0, 0.5, 1e-3, 4.0, 1.0]
    opt = corridors.clr_adam(b1=0.8, b2=0.9, eps=1e-3, max_learning_rate=0.7)
    state = opt.init(jnp.zeros(5))
    assert isinstance(state, ScaleByCLRAdamState)
    steps, updates = _reference_steps(grads, values, 0.8, 0.9, 1e-3, 0.7)
    capped = 0
    for g, value, h, expected in zip(grads, values, steps, updates):
        u, state = opt.update(jnp.asarray(g), state, value=value)
        np.testing.assert_allclose(float(state.step), h, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(u, expected, rtol=1e-10, atol=1e-14)
        capped += bool(state.capped)
        assert bool(state.capped) == (float(state.uncapped_step) > 0.7)
    assert 0 < capped < len(grads)  # both regimes were exercised
    assert int(state.count) == int(state.finite_count) == len(grads)


def test_when_always_capped_it_is_adam_at_the_cap():
    # The ratio above the cap at every step: the update is optax.adam(cap)'s.
    params, x, y = classifier_problem()
    _, states, _, ours = train_classifier(corridors.clr_adam(max_learning_rate=1e-4), params, x, y, 20)
    _, _, _, ref = train_classifier(optax.with_extra_args_support(optax.adam(1e-4)), params, x, y, 20)
    assert bool(jnp.all(states.capped))
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(ref)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-12)


@given(
    slope=st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=6),
    drop=st.floats(0.01, 10.0),
    decay=st.floats(0.0, 0.95),
)
def test_on_a_linear_loss_one_step_reaches_the_target(slope, drop, decay):
    # A linear loss is one corridor (H g = 0 everywhere): the first-order model
    # is exact, so every uncapped step lands on the target level.
    a = jnp.array(slope)
    assume(float(jnp.max(jnp.abs(a))) > 1e-3)
    loss = lambda theta: jnp.vdot(a, theta)  # noqa: E731
    theta = jnp.ones_like(a)
    target = float(loss(theta)) - drop
    opt = corridors.clr_adam(b1=decay, target=target, max_learning_rate=jnp.inf)
    state = opt.init(theta)
    for _ in range(3):
        value, grad = jax.value_and_grad(loss)(theta)
        updates, state = opt.update(grad, state, theta, value=value)
        theta = optax.apply_updates(theta, updates)
        np.testing.assert_allclose(float(loss(theta)), target, rtol=1e-9, atol=1e-9 * drop)
    assert float(state.step) < 1e-9  # at the target (up to rounding): no further step


def test_a_direction_pointing_uphill_gives_no_step():
    opt = corridors.clr_adam(b1=0.9, b2=0.5, max_learning_rate=100.0)
    state = opt.init(jnp.zeros(1))
    _, state = opt.update(jnp.array([1.0]), state, value=1.0)
    updates, state = opt.update(jnp.array([-0.1]), state, value=1.0)  # m_hat > 0 while g < 0: <g, P d> < 0
    assert float(updates[0]) == 0.0 and float(state.step) == 0.0 and not bool(state.skipped)


@pytest.mark.parametrize("bad", ["value", "gradient", "infinite gradient"])
def test_non_finite_input_skips_and_keeps_the_averages(bad):
    opt = corridors.clr_adam()
    params = jnp.array([1.0, 2.0])
    state = opt.init(params)
    _, state = opt.update(jnp.array([1.0, 1.0]), state, params, value=1.0)
    before = state
    g = {"gradient": jnp.array([jnp.nan, 1.0]), "infinite gradient": jnp.array([jnp.inf, 1.0])}.get(bad, jnp.ones(2))
    updates, state = opt.update(g, state, params, value=jnp.nan if bad == "value" else 1.0)
    assert bool(state.skipped) and bool(jnp.all(updates == 0))
    np.testing.assert_array_equal(state.mu, before.mu)
    np.testing.assert_array_equal(state.nu, before.nu)
    assert int(state.finite_count) == int(before.finite_count) and int(state.count) == int(before.count) + 1
    updates, state = opt.update(jnp.array([1.0, 1.0]), state, params, value=1.0)
    assert not bool(state.skipped) and bool(jnp.all(jnp.isfinite(updates)))


def test_defaults_train_a_small_network_under_jit():
    params, x, y = classifier_problem(seed=3)
    start = float(classifier_loss(params, x, y))
    trained, states, _, _ = train_classifier(corridors.clr_adam(), params, x, y, 150)
    assert float(classifier_loss(trained, x, y)) < 0.5 * start
    assert bool(jnp.all(states.step <= 1e-2)) and bool(jnp.all(states.step >= 0.0))
    assert not bool(jnp.any(states.skipped))


def test_chained_after_clipping_is_clr_adam_on_the_clipped_gradient():
    params, x, y = classifier_problem()
    value, grads = jax.value_and_grad(classifier_loss)(params, x, y)
    chained = optax.chain(optax.clip_by_global_norm(0.1), corridors.clr_adam(max_learning_rate=1.0))
    updates, _ = jax.jit(lambda s: chained.update(grads, s, params, value=value))(chained.init(params))
    clipped, _ = optax.clip_by_global_norm(0.1).update(grads, None)
    alone = corridors.clr_adam(max_learning_rate=1.0)
    expected, _ = alone.update(clipped, alone.init(params), params, value=value)
    for a, b in zip(jax.tree.leaves(updates), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # scale_by_clr_adam is the same update without the sign: it chains with a negative scale.
    manual = optax.chain(corridors.scale_by_clr_adam(max_learning_rate=1.0), optax.scale(-1.0))
    flipped, _ = manual.update(grads, manual.init(params), params, value=value)
    direct, _ = alone.update(grads, alone.init(params), params, value=value)
    for a, b in zip(jax.tree.leaves(flipped), jax.tree.leaves(direct)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize(
    "argument,value",
    [("b1", 1.0), ("b1", -0.1), ("b2", 1.0), ("b2", math.nan), ("eps", 0.0), ("eps", -1e-8), ("eps", math.inf)],
)
def test_moment_hyperparameters_are_checked(argument, value):
    with pytest.raises(InvalidArgument, match=argument):
        corridors.clr_adam(**{argument: value})


def test_inside_masked_it_warns_with_its_name_and_steps_the_group_alone():
    params = {"a": jnp.array([1.0, 0.0]), "b": jnp.array([0.0, 2.0])}
    grads = {"a": jnp.array([3.0, 0.0]), "b": jnp.array([0.0, 2.0])}
    opt = optax.masked(corridors.clr_adam(max_learning_rate=100.0), {"a": True, "b": False})
    with pytest.warns(corridors.MaskedGradientWarning, match="corridors.clr_adam"):
        updates, _ = opt.update(grads, opt.init(params), params, value=6.0)
    # First step of group a: u = g / |g| = (1, 0), <g_a, u> = 3, h = 6 / 3 = 2; b passes through.
    np.testing.assert_allclose(updates["a"], [-2.0, 0.0], rtol=1e-6)
    np.testing.assert_array_equal(updates["b"], grads["b"])
