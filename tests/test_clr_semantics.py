"""CLR in real training loops: gradient accumulation (optax.MultiSteps parity), per-group steps, bfloat16.

Per-group steps under ``optax.multi_transform`` are tested in test_clr_api.py.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import corridors


def _loss(params, x, y):
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    return 0.5 * jnp.mean((h @ params["w2"] - y) ** 2)


def _problem(dtype=jnp.float32, n=32):
    k1, k2, k3, k4 = jax.random.split(jax.random.PRNGKey(0), 4)
    params = {
        "w1": (jax.random.normal(k1, (3, 8)) / 2).astype(dtype),
        "b1": jnp.zeros(8, dtype),
        "w2": (jax.random.normal(k2, (8, 1)) / 3).astype(dtype),
    }
    x = jax.random.normal(k3, (n, 3)).astype(dtype)
    y = jnp.sin(x @ jax.random.normal(k4, (3, 1))).astype(dtype)
    return params, x, y


# --- gradient accumulation: optax.MultiSteps parity ----------------------------------------


def _micro_batches(params, x, y, k):
    return [jax.value_and_grad(_loss)(params, x[i::k], y[i::k]) for i in range(k)]


def _schedule(gradient_step):
    return jnp.where(gradient_step < 1, 2, 3)  # windows of 2, then 3 micro-batches


def _skip_second(updates, gradient_step, params):
    # A deterministic "bad micro-batch": every call whose first gradient entry is > 10.
    del gradient_step, params
    skip = jax.tree.leaves(updates)[0].ravel()[0] > 10.0
    return skip, {"skipped": skip}


@pytest.mark.parametrize("skip_fn", [None, _skip_second], ids=["no skip", "skip"])
def test_accumulation_matches_multisteps_for_a_value_free_inner(skip_fn):
    # With an inner optimizer that ignores value=, clr_accumulate and
    # optax.MultiSteps (same schedule, same skip rule) emit the same updates
    # at the same calls, and the same has_updated flags.
    params, x, y = _problem(jnp.float64)
    grads = [g for _, g in _micro_batches(params, x, y, 8)]
    grads[3] = jax.tree.map(lambda a: a + 100.0, grads[3])  # what _skip_second rejects
    inner = optax.sgd(0.1, momentum=0.5)
    ours = corridors.clr_accumulate(inner, _schedule, should_skip_update_fn=skip_fn)
    ref = optax.MultiSteps(inner, _schedule, should_skip_update_fn=skip_fn, accumulator_dtype=jnp.float64)
    s_ours, s_ref = ours.init(params), ref.init(params)
    emitted = 0
    for g in grads:
        u_ours, s_ours = ours.update(g, s_ours, params, value=1.0)
        u_ref, s_ref = ref.update(g, s_ref, params)
        for a, b in zip(jax.tree.leaves(u_ours), jax.tree.leaves(u_ref)):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        assert bool(s_ours.has_updated) == bool(ref.has_updated(s_ref))
        assert int(s_ours.mini_step) == int(s_ref.mini_step)
        assert int(s_ours.gradient_step) == int(s_ref.gradient_step)
        emitted += bool(s_ours.has_updated)
        if skip_fn is not None:
            assert bool(s_ours.skip_state["skipped"]) == bool(s_ref.skip_state["skipped"])
    # 8 calls are windows of 2 + 3 + 3; with one skipped, 7 calls are 2 + 3 (+ 2 waiting).
    assert emitted == int(s_ours.gradient_step) == (3 if skip_fn is None else 2)


def test_accumulated_clr_step_is_the_large_batch_step_multisteps_is_not():
    params, x, y = _problem(jnp.float64, n=36)
    k = 3
    micro = _micro_batches(params, x, y, k)
    clr = corridors.clr(max_learning_rate=10.0)
    ours, multi = corridors.clr_accumulate(clr, every_k_schedule=k), optax.MultiSteps(clr, every_k_schedule=k)
    s_ours, s_multi = ours.init(params), multi.init(params)
    for value, g in micro:
        u_ours, s_ours = ours.update(g, s_ours, params, value=value)
        u_multi, s_multi = multi.update(g, s_multi, params, value=value)
    big_value, big_grad = jax.value_and_grad(_loss)(params, x, y)
    expected, _ = clr.update(big_grad, clr.init(params), params, value=big_value)
    for a, b in zip(jax.tree.leaves(u_ours), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    # MultiSteps passed the last micro-batch's loss with the mean gradient.
    h_multi = float(s_multi.inner_opt_state.step)
    assert not np.isclose(h_multi, float(s_ours.inner_state.step), rtol=1e-6)
    np.testing.assert_allclose(
        h_multi, min(2.0 * float(micro[-1][0]) / float(optax.tree.vdot(big_grad, big_grad)), 10.0), rtol=1e-5
    )


def test_accumulation_rejects_bad_schedules_and_skip_functions():
    with pytest.raises(corridors.InvalidArgument):
        corridors.clr_accumulate(corridors.clr(), every_k_schedule=2, every_k=2)
    with pytest.raises(corridors.InvalidArgument):
        corridors.clr_accumulate(corridors.clr())
    opt = corridors.clr_accumulate(corridors.clr(), 2, should_skip_update_fn=lambda u, s, p: (jnp.zeros(2, bool), ()))
    g = jnp.ones(2)
    with pytest.raises(corridors.InvalidArgument, match="boolean scalar"):
        opt.update(g, opt.init(g), g, value=1.0)


# --- bfloat16 parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: corridors.clr(),
        lambda: corridors.clr_momentum(),
        lambda: corridors.clr_adam(max_learning_rate=0.05),
        lambda: corridors.clr_accumulate(corridors.clr(), every_k_schedule=2),
    ],
    ids=["clr", "clr_momentum", "clr_adam", "clr_accumulate"],
)
def test_bfloat16_parameters_train_with_float32_steps(make):
    params, x, y = _problem(jnp.bfloat16)
    opt = make()

    @jax.jit
    def step(params, state, i):
        xb, yb = jax.lax.dynamic_slice_in_dim(x, i, 16), jax.lax.dynamic_slice_in_dim(y, i, 16)
        value, grads = jax.value_and_grad(_loss)(params, xb, yb)
        updates, state = opt.update(grads, state, params, value=value)
        return optax.apply_updates(params, updates), state, updates

    state = opt.init(params)
    start = float(_loss(params, x, y))
    for i in range(40):
        params, state, updates = step(params, state, (16 * i) % 32)
    assert {leaf.dtype for leaf in jax.tree.leaves(params)} == {jnp.dtype(jnp.bfloat16)}
    assert {leaf.dtype for leaf in jax.tree.leaves(updates)} == {jnp.dtype(jnp.bfloat16)}
    inner = state.inner_state if hasattr(state, "inner_state") else state
    assert inner.step.dtype == jnp.float32  # the ratio is formed in float32, not bfloat16
    for averages in ("momentum", "mu", "nu"):  # the running averages of clr_momentum and clr_adam
        if hasattr(inner, averages):
            assert {leaf.dtype for leaf in jax.tree.leaves(getattr(inner, averages))} == {jnp.dtype(jnp.float32)}
    assert all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(params))
    assert float(_loss(params, x, y)) < 0.8 * start
