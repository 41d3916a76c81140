"""Tests of the Corridor Learning Rate optimizer (corridors.clr, scale_by_clr).

conftest.py enables x64, so arrays default to float64 here; half-precision
cases pass their dtypes explicitly.
"""


import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import corridors
from corridors import InvalidArgument, ScaleByCLRState, clr, clr_accumulate, clr_online, scale_by_clr
from networks import mlp, mlp_params  # tests/ is on sys.path

# --- helpers -----------------------------------------------------------------


def _mlp_params(key):
    return mlp_params(key, (4, 8, 3), bias_scale=0.0)


def _mlp_loss(params, x, y):
    return optax.softmax_cross_entropy_with_integer_labels(mlp(params, x), y).mean()


def _data(key, n=32, d=4, classes=3):
    kx, ky = jax.random.split(key)
    return jax.random.normal(kx, (n, d)), jax.random.randint(ky, (n,), 0, classes)


def _all_finite(tree):
    return all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(tree))


def _run(opt, params, x, y, steps):
    state = opt.init(params)

    @jax.jit
    def step(params, state):
        value, grads = jax.value_and_grad(_mlp_loss)(params, x, y)
        updates, state = opt.update(grads, state, params, value=value)
        return optax.apply_updates(params, updates), state, value

    trajectory = []
    for _ in range(steps):
        params, state, value = step(params, state)
        trajectory.append(params)
    return trajectory, state


# --- equivalence with optax.polyak_sgd ----------------------------------------


@pytest.mark.parametrize("cap", [0.5, 5.0, 1e6])
def test_matches_polyak_sgd_step_for_step(cap):
    # optax: step = min((f - f_min) / (||g||^2 + eps), cap), with a zero step
    # when ||g||^2 + eps <= finfo(float).eps. With eps=0 and a loss that stays
    # positive (cross-entropy), both formulas coincide; we sum the squared norm
    # in the same order, so agreement is to round-off (checked at 1e-12).
    key = jax.random.PRNGKey(0)
    params = _mlp_params(key)
    x, y = _data(jax.random.PRNGKey(1))
    ours, _ = _run(clr(target=0.0, max_learning_rate=cap, scale=1.0), params, x, y, 60)
    ref, _ = _run(optax.polyak_sgd(max_learning_rate=cap, f_min=0.0), params, x, y, 60)
    for p_ours, p_ref in zip(ours, ref):
        for a, b in zip(jax.tree.leaves(p_ours), jax.tree.leaves(p_ref)):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_scale_multiplies_the_ratio_before_the_cap():
    g = jnp.array([1.0, 2.0])  # ||g||^2 = 5
    value = 10.0  # ratio 2
    updates, state = clr(max_learning_rate=100.0, scale=0.5).update(g, clr().init(g), value=value)
    np.testing.assert_allclose(updates, -0.5 * 2.0 * g)
    assert float(state.step) == 1.0 and float(state.uncapped_step) == 1.0
    # The cap bounds the scaled ratio: max_learning_rate is the largest step taken.
    updates, state = clr(max_learning_rate=3.0, scale=2.0).update(g, clr().init(g), value=value)
    assert float(state.uncapped_step) == 4.0 and float(state.step) == 3.0 and bool(state.capped)
    np.testing.assert_allclose(updates, -3.0 * g)
    # optax's `scaling` multiplies g before the ratio: the step is *divided*.
    polyak = optax.polyak_sgd(max_learning_rate=100.0, scaling=0.5)
    ref, _ = polyak.update(g, polyak.init(g), value=value)
    np.testing.assert_allclose(ref, -(2.0 / 0.5) * g)


def test_cap_and_state_fields():
    g = jnp.array([3.0, 4.0])  # ||g||^2 = 25
    opt = scale_by_clr(max_learning_rate=0.1, scale=1.0)
    state = opt.init(g)
    assert isinstance(state, ScaleByCLRState) and int(state.count) == 0
    updates, state = opt.update(g, state, value=5.0)  # ratio 0.2 > cap 0.1
    np.testing.assert_allclose(updates, 0.1 * g)  # scale_by_*: no sign flip
    assert bool(state.capped) and not bool(state.skipped)
    np.testing.assert_allclose(state.uncapped_step, 0.2)
    np.testing.assert_allclose(state.step, 0.1)
    assert int(state.count) == 1
    for field in state:
        assert jnp.shape(field) == ()


def test_schedules_for_target_and_cap():
    g = jnp.array([1.0])
    opt = clr(target=lambda count: 1.0 * count, max_learning_rate=lambda count: 10.0, scale=1.0)
    state = opt.init(g)
    u0, state = opt.update(g, state, value=3.0)  # target 0 -> step 3
    u1, state = opt.update(g, state, value=3.0)  # target 1 -> step 2
    np.testing.assert_allclose([u0[0], u1[0]], [-3.0, -2.0])


# --- one step lands on the target inside a corridor ----------------------------

_coords = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@given(
    theta=st.lists(_coords, min_size=1, max_size=6),
    center_shift=st.lists(_coords, min_size=6, max_size=6),
)
def test_cone_lands_on_apex_in_one_step(theta, center_shift):
    # E = ||theta - theta*||: every ray from the apex is a corridor (H g = 0),
    # E decreases linearly along it and reaches 0 at the apex.
    theta = jnp.array(theta)
    center = jnp.array(center_shift[: theta.size])
    dist = float(jnp.linalg.norm(theta - center))
    assume(dist > 1e-6)  # not the apex itself, where there is no gradient
    loss = lambda p: jnp.linalg.norm(p - center)  # noqa: E731
    opt = clr(target=0.0, max_learning_rate=jnp.inf, scale=1.0)
    value, grad = jax.value_and_grad(loss)(theta)
    updates, state = opt.update(grad, opt.init(theta), theta, value=value)
    landed = optax.apply_updates(theta, updates)
    np.testing.assert_allclose(landed, center, atol=1e-9 * max(1.0, dist))
    np.testing.assert_allclose(state.step, dist, rtol=1e-9)


@given(
    offsets=st.lists(st.floats(0.01, 10), min_size=1, max_size=6),
    sign=st.sampled_from([-1.0, 1.0]),
    fraction=st.floats(0.0, 0.999),
    data=st.data(),
)
def test_l1_lands_on_target_level_in_one_step(offsets, sign, fraction, data):
    # E = sum |theta_i - c_i| is linear inside each orthant around c (H = 0
    # there), so the CLR step lands exactly on the target level as long as the
    # step stays in the orthant: with d_i = |theta_i - c_i| and ||g||^2 = n,
    # h = (sum d - E*) / n, which keeps every d_i - h >= 0 iff
    # E* >= sum d - n * min d. Draw E* in that range.
    d = np.array(offsets)
    n = d.size
    center = np.array(data.draw(st.lists(_coords, min_size=n, max_size=n)))
    theta = jnp.array(center + sign * d)
    lowest = d.sum() - n * d.min()
    target = lowest + fraction * (d.sum() - lowest)
    loss = lambda p: jnp.sum(jnp.abs(p - center))  # noqa: E731
    opt = clr(target=target, max_learning_rate=jnp.inf, scale=1.0)
    value, grad = jax.value_and_grad(loss)(theta)
    updates, _ = opt.update(grad, opt.init(theta), theta, value=value)
    landed = optax.apply_updates(theta, updates)
    np.testing.assert_allclose(loss(landed), target, atol=1e-9 * max(1.0, d.sum()))
    tol = 1e-9 * max(1.0, d.sum(), np.abs(center).max())
    assert np.all((np.asarray(landed) - center) * sign >= -tol)  # stayed in the (closed) orthant


# --- edge cases: no NaN ever reaches the parameters ---------------------------


def test_zero_gradient_gives_zero_step():
    params = {"a": jnp.ones(3), "b": jnp.ones((2, 2))}
    grads = jax.tree.map(jnp.zeros_like, params)
    opt = clr(max_learning_rate=jnp.inf)
    updates, state = opt.update(grads, opt.init(params), params, value=1.0)
    assert all(bool(jnp.all(u == 0)) for u in jax.tree.leaves(updates))
    assert float(state.step) == 0.0 and float(state.uncapped_step) == 0.0
    assert not bool(state.skipped)


@pytest.mark.parametrize("value", [0.5, 1.0])
def test_value_at_or_below_target_never_ascends(value):
    g = jnp.array([1.0, -2.0])
    opt = clr(target=1.0)
    updates, state = opt.update(g, opt.init(g), value=value)
    assert bool(jnp.all(updates == 0)) and float(state.step) == 0.0


@pytest.mark.parametrize("value", [jnp.nan, jnp.inf, -jnp.inf])
def test_non_finite_value_skips_the_step(value):
    params = jnp.array([1.0, 2.0])
    g = jnp.array([1.0, 2.0])
    opt = clr()
    updates, state = opt.update(g, opt.init(params), params, value=value)
    assert bool(jnp.all(updates == 0)) and bool(state.skipped)
    assert _all_finite(optax.apply_updates(params, updates))
    # The next finite step is taken normally.
    updates, state = opt.update(g, state, params, value=1.0)
    assert not bool(state.skipped) and float(state.step) > 0


@pytest.mark.parametrize("bad", [jnp.nan, jnp.inf])
def test_non_finite_gradient_skips_the_step(bad):
    params = jnp.array([1.0, 2.0])
    g = jnp.array([bad, 2.0])
    opt = clr(max_learning_rate=jnp.inf)
    updates, state = opt.update(g, opt.init(params), params, value=1.0)
    assert bool(jnp.all(updates == 0)) and bool(state.skipped)


def test_tiny_gradient_with_infinite_cap_never_writes_inf():
    params = jnp.array([1.0], jnp.float32)
    g = jnp.array([1e-30], jnp.float32)  # ||g||^2 underflows float32 -> treated as zero
    opt = clr(max_learning_rate=jnp.inf)
    updates, _ = opt.update(g, opt.init(params), params, value=jnp.float32(1.0))
    assert _all_finite(updates)
    g = jnp.array([1e-18], jnp.float32)  # ||g||^2 = 1e-36: the ratio 1e39 overflows float32
    updates, state = opt.update(g, opt.init(params), params, value=jnp.float32(1e3))
    assert _all_finite(updates) and bool(state.skipped)


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16])
def test_half_precision_gradients(dtype):
    # 300^2 * 4 = 3.6e5 overflows float16 (max 65504) if squared in place,
    # and 1e-4^2 underflows it: the norm must be taken in float32.
    params = {"big": jnp.ones(4, dtype), "small": jnp.ones(4, dtype)}
    grads = {"big": jnp.full(4, 300.0, dtype), "small": jnp.full(4, 1e-4, dtype)}
    opt = clr(max_learning_rate=jnp.inf, scale=1.0)
    state = opt.init(params)
    assert state.step.dtype == jnp.float32
    updates, state = opt.update(grads, state, params, value=jnp.asarray(720.0, dtype))
    assert {u.dtype for u in jax.tree.leaves(updates)} == {jnp.dtype(dtype)}
    sq = 4 * float(jnp.asarray(300.0, dtype)) ** 2 + 4 * float(jnp.asarray(1e-4, dtype)) ** 2
    np.testing.assert_allclose(float(state.step), 720.0 / sq, rtol=1e-6)
    new = optax.apply_updates(params, updates)
    assert _all_finite(new)
    np.testing.assert_allclose(np.asarray(new["big"], np.float32), 1.0 - 300.0 * 720.0 / sq, rtol=1e-2)


def test_jit_matches_eager():
    g = {"w": jnp.array([[1.0, -2.0]]), "b": jnp.array([0.5])}
    opt = clr(target=0.1, max_learning_rate=2.0)
    state = opt.init(g)
    eager = opt.update(g, state, value=3.0)
    jitted = jax.jit(lambda g, s, v: opt.update(g, s, value=v))(g, state, 3.0)
    for a, b in zip(jax.tree.leaves(eager), jax.tree.leaves(jitted)):
        np.testing.assert_allclose(a, b, rtol=1e-15)


# --- composition --------------------------------------------------------------


def test_clip_before_clr_changes_the_norm_in_the_ratio():
    g = jnp.array([3.0, 4.0])  # ||g|| = 5, clipped to 1
    opt = optax.chain(optax.clip_by_global_norm(1.0), scale_by_clr(max_learning_rate=jnp.inf, scale=1.0))
    _, (_, clr_state) = opt.update(g, opt.init(g), value=2.0)
    np.testing.assert_allclose(clr_state.step, 2.0 / 1.0)  # ratio against the clipped norm


@pytest.mark.parametrize(
    "make",
    [
        lambda: optax.chain(optax.clip_by_global_norm(1.0), clr(max_learning_rate=1.0)),
        lambda: optax.chain(scale_by_clr(max_learning_rate=1.0), optax.trace(decay=0.9), optax.scale(-1.0)),
        lambda: optax.chain(
            scale_by_clr(max_learning_rate=1.0), optax.add_decayed_weights(1e-3), optax.scale(-1.0)
        ),
        lambda: clr_accumulate(clr(max_learning_rate=1.0), every_k=2),
        lambda: optax.chain(optax.clip(0.5), clr_accumulate(clr(max_learning_rate=1.0), every_k=1)),
    ],
)
def test_chains_run_and_decrease_the_loss(make):
    params = _mlp_params(jax.random.PRNGKey(2))
    x, y = _data(jax.random.PRNGKey(3))
    trajectory, _ = _run(make(), params, x, y, 30)
    assert _all_finite(trajectory[-1])
    assert float(_mlp_loss(trajectory[-1], x, y)) < float(_mlp_loss(params, x, y))


# --- gradient accumulation ----------------------------------------------------


def test_accumulation_averages_losses_and_gradients():
    params = _mlp_params(jax.random.PRNGKey(4))
    x, y = _data(jax.random.PRNGKey(5), n=24)
    k = 3
    micro = [(x[i::k], y[i::k]) for i in range(k)]
    inner = clr(max_learning_rate=5.0)
    opt = clr_accumulate(inner, every_k=k)
    state = opt.init(params)
    values, grads = [], []
    for i, (xb, yb) in enumerate(micro):
        value, g = jax.value_and_grad(_mlp_loss)(params, xb, yb)
        values.append(value)
        grads.append(g)
        updates, state = opt.update(g, state, params, value=value)
        if i < k - 1:
            assert all(bool(jnp.all(u == 0)) for u in jax.tree.leaves(updates))
            assert int(state.mini_step) == i + 1
    mean_value = sum(values) / k
    mean_grad = jax.tree.map(lambda *gs: sum(gs) / k, *grads)
    expected, expected_state = inner.update(mean_grad, inner.init(params), params, value=mean_value)
    for a, b in zip(jax.tree.leaves(updates), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(state.inner_state.step, expected_state.step, rtol=1e-12)
    # Equal-sized micro-batches: the same as one step on the whole batch.
    np.testing.assert_allclose(mean_value, _mlp_loss(params, x, y), rtol=1e-12)
    assert int(state.mini_step) == 0 and int(state.gradient_step) == 1
    assert float(state.acc_value) == 0.0
    # optax.MultiSteps would have used the last micro-batch's loss instead.
    assert not np.isclose(float(values[-1]), float(mean_value))


def test_accumulation_nan_window_is_skipped_then_recovers():
    params = jnp.array([1.0, 2.0])
    opt = clr_accumulate(clr(), every_k=2)
    state = opt.init(params)
    g = jnp.array([1.0, 1.0])
    _, state = opt.update(g, state, params, value=jnp.nan)
    updates, state = opt.update(g, state, params, value=1.0)
    assert bool(jnp.all(updates == 0)) and bool(state.inner_state.skipped)
    _, state = opt.update(g, state, params, value=1.0)
    updates, state = opt.update(g, state, params, value=1.0)
    np.testing.assert_allclose(updates, -2 * 0.5 * g)  # h = scale * E / ||g||^2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_accumulation_rejects_bad_every_k(bad):
    with pytest.raises(InvalidArgument):
        clr_accumulate(clr(), every_k=bad)


def test_public_names():
    names = ("scale_by_clr", "clr", "ScaleByCLRState", "clr_accumulate", "CLRAccumulateState",
             "clr_online", "scale_by_clr_online", "ScaleByCLROnlineState")
    for name in names:
        assert name in corridors.__all__ and hasattr(corridors, name)


# --- the online-target variant --------------------------------------------------


def test_online_target_step_is_between_damped_and_plain_clr():
    params = _mlp_params(jax.random.PRNGKey(6))
    x, y = _data(jax.random.PRNGKey(7))
    rho = 0.5
    opt = clr_online(fraction=rho, max_learning_rate=jnp.inf)
    state = opt.init(params)
    for i in range(15):
        value, grads = jax.value_and_grad(_mlp_loss)(params, x[i % 4 :: 4], y[i % 4 :: 4])
        updates, state = opt.update(grads, state, params, value=value)
        plain = float(value) / sum(float(jnp.sum(g**2)) for g in jax.tree.leaves(grads))
        assert (1 - rho) * plain * (1 - 1e-9) <= float(state.step) <= plain * (1 + 1e-9)
        assert 0 <= float(state.target) <= rho * float(value) + 1e-12
        params = optax.apply_updates(params, updates)
    assert _all_finite(params)


def test_online_target_with_fraction_zero_is_clr_and_skips_nan():
    g = jnp.array([1.0, 2.0])
    ref, _ = clr(max_learning_rate=3.0, scale=1.0).update(g, clr().init(g), value=2.0)
    opt = clr_online(fraction=0.0, max_learning_rate=3.0)
    state = opt.init(g)
    ours, state = opt.update(g, state, value=2.0)
    np.testing.assert_allclose(ours, ref)
    ema, lowest = float(state.ema), float(state.lowest)
    ours, state = opt.update(g, state, value=jnp.nan)
    assert bool(jnp.all(ours == 0)) and bool(state.skipped)
    assert float(state.ema) == ema and float(state.lowest) == lowest  # NaN never enters the history
    with pytest.raises(InvalidArgument):
        clr_online(fraction=1.0)
