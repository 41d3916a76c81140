"""What a user of the CLR optimizers types: arguments are checked, errors say what to do.

Constructor arguments that are concrete numbers are checked at once; values
only known inside ``jit`` (schedules, ``optax.inject_hyperparams``) skip the
step and set ``state.skipped`` instead.
"""

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import corridors
from corridors import InvalidArgument

CONSTRUCTORS = {
    "clr": corridors.clr,
    "scale_by_clr": corridors.scale_by_clr,
    "clr_momentum": corridors.clr_momentum,
    "scale_by_clr_momentum": corridors.scale_by_clr_momentum,
    "clr_adam": corridors.clr_adam,
    "scale_by_clr_adam": corridors.scale_by_clr_adam,
}

BAD = [
    ("max_learning_rate", -1.0, "max_learning_rate"),
    ("max_learning_rate", 0.0, "max_learning_rate"),
    ("max_learning_rate", math.nan, "max_learning_rate"),
    ("max_learning_rate", jnp.array([1.0, 2.0]), "shape"),
    ("scale", -0.5, "scale"),
    ("scale", 0.0, "scale"),
    ("scale", math.nan, "scale"),
    ("scale", math.inf, "scale"),
    ("target", math.nan, "target"),
    ("target", math.inf, "target"),
    ("target", "zero", "target"),
    ("target", None, "target"),
]


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
@pytest.mark.parametrize("argument,value,mentioned", BAD, ids=[f"{a}={v!r}" for a, v, _ in BAD])
def test_nonsense_hyperparameters_are_rejected_with_what_to_do(name, argument, value, mentioned):
    with pytest.raises(InvalidArgument) as caught:
        CONSTRUCTORS[name](**{argument: value})
    message = str(caught.value)
    assert argument in message and mentioned in message
    assert ":" in message.split(argument, 1)[1]  # the value, then what to do


@pytest.mark.parametrize("argument,value", [("max_learning_rate", -1.0), ("scale", -2.0)])
def test_online_variant_checks_the_same_arguments(argument, value):
    with pytest.raises(InvalidArgument, match=argument):
        corridors.clr_online(**{argument: value})


@pytest.mark.parametrize("decay", [-0.1, 1.0, math.nan, "0.9", None])
def test_momentum_decay_must_be_in_unit_interval(decay):
    with pytest.raises(InvalidArgument, match="decay"):
        corridors.clr_momentum(decay=decay)


def test_accepted_edge_values():
    # An infinite cap (no cap), a negative target (losses that can be negative),
    # 0-d arrays and numpy scalars are all fine.
    corridors.clr(max_learning_rate=jnp.inf, target=-3.0)
    corridors.clr(max_learning_rate=jnp.asarray(2.0), scale=np.float32(1.5))
    corridors.clr_momentum(decay=0.0, max_learning_rate=math.inf)


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS) + ["clr_online", "clr_accumulate"])
def test_value_none_missing_or_vector_is_a_clear_error(name):
    make = {"clr_online": corridors.clr_online, "clr_accumulate": lambda: corridors.clr_accumulate(corridors.clr(), 2)}
    opt = make.get(name, CONSTRUCTORS.get(name))()
    g = jnp.array([1.0, 2.0])
    state = opt.init(g)
    for call in (lambda: opt.update(g, state, g, value=None), lambda: opt.update(g, state, g)):
        with pytest.raises(InvalidArgument, match=r"value=loss"):
            call()
    with pytest.raises(InvalidArgument, match=r"shape \(2,\).*mean"):
        opt.update(g, state, g, value=jnp.array([1.0, 3.0]))
    # Under jit the shape is known too: the same error, not a broadcast step.
    with pytest.raises(InvalidArgument, match=r"shape \(2,\)"):
        jax.jit(lambda v: opt.update(g, state, g, value=v))(jnp.array([1.0, 3.0]))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_learning_rate": lambda count: -1.0},
        {"max_learning_rate": lambda count: jnp.nan},
        {"scale": lambda count: -1.0},
        {"target": lambda count: jnp.nan},
    ],
    ids=["negative cap", "nan cap", "negative scale", "nan target"],
)
def test_invalid_scheduled_values_skip_the_step_inside_jit(kwargs):
    opt = corridors.clr(**kwargs)
    g = jnp.array([1.0, -2.0])
    updates, state = jax.jit(lambda s: opt.update(g, s, value=3.0))(opt.init(g))
    assert bool(jnp.all(updates == 0)) and bool(state.skipped) and float(state.step) == 0.0


def test_inject_hyperparams_traced_values_work_and_bad_ones_skip():
    opt = optax.inject_hyperparams(corridors.clr)(max_learning_rate=3.0, scale=1.0)
    g = jnp.array([1.0, 2.0])  # ||g||^2 = 5; E = 10: ratio 2
    step = jax.jit(lambda s, v: opt.update(g, s, value=v))
    updates, state = step(opt.init(g), 10.0)
    np.testing.assert_allclose(updates, -2.0 * g)
    state.hyperparams["max_learning_rate"] = jnp.asarray(-1.0)  # as a user tuning it online could
    updates, state = step(state, 10.0)
    assert bool(jnp.all(updates == 0)) and bool(state.inner_state.skipped)


# --- the polyak_sgd argument mapping (docs/tutorials/train_with_clr.md) -------------------


@pytest.mark.parametrize("f_min", [0.0, 0.3, -1.0])
@pytest.mark.parametrize("cap", [0.5, 1e3])
def test_polyak_sgd_arguments_map_to_clr(f_min, cap):
    # polyak_sgd(max_learning_rate, f_min, eps=0, scaling=1) == clr(max_learning_rate, target=f_min, scale=1)
    g = {"a": jnp.array([0.3, -0.2]), "b": jnp.array([[0.1]])}
    for value in (2.0, 0.7, f_min + 1e-3):
        ours, _ = corridors.clr(target=f_min, max_learning_rate=cap, scale=1.0).update(g, corridors.clr().init(g), value=value)
        ref_opt = optax.polyak_sgd(max_learning_rate=cap, f_min=f_min)
        ref, _ = ref_opt.update(g, ref_opt.init(g), value=value)
        for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(ref)):
            np.testing.assert_array_equal(a, b)


# --- optax.masked / optax.multi_transform: per-group semantics --------------------------


def _two_groups():
    params = {"a": jnp.array([1.0, 0.0]), "b": jnp.array([0.0, 2.0])}
    grads = {"a": jnp.array([1.0, 0.0]), "b": jnp.array([0.0, 2.0])}  # ||g_a||^2 = 1, ||g_b||^2 = 4
    return params, grads, {"a": "a", "b": "b"}


def test_clr_inside_multi_transform_warns_and_uses_the_group_norm():
    params, grads, labels = _two_groups()
    opt = optax.multi_transform(
        {"a": corridors.clr(max_learning_rate=100.0, scale=1.0), "b": corridors.clr(max_learning_rate=100.0, scale=1.0)},
        labels,
    )
    with pytest.warns(corridors.MaskedGradientWarning, match="before the partition|scale the groups after"):
        updates, _ = opt.update(grads, opt.init(params), params, value=5.0)
    # Documented semantics: each group's step is E / ||g_group||^2 ...
    np.testing.assert_allclose(updates["a"], -5.0 / 1.0 * grads["a"])
    np.testing.assert_allclose(updates["b"], -5.0 / 4.0 * grads["b"])
    # ... so the first-order decrease is twice the loss: it overshoots the target 0.
    decrease = -sum(float(jnp.vdot(updates[k], grads[k])) for k in "ab")
    assert decrease == pytest.approx(2 * 5.0)


def test_one_clr_step_then_per_group_multipliers_is_the_global_form():
    params, grads, labels = _two_groups()
    opt = optax.chain(
        corridors.scale_by_clr(max_learning_rate=100.0, scale=1.0),
        optax.multi_transform({"a": optax.scale(-1.0), "b": optax.scale(-0.1)}, labels),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", corridors.MaskedGradientWarning)
        updates, (clr_state, _) = opt.update(grads, opt.init(params), params, value=5.0)
    h = 5.0 / 5.0  # the whole model's ||g||^2 = 5
    assert float(clr_state.step) == pytest.approx(h)
    np.testing.assert_allclose(updates["a"], -h * grads["a"])
    np.testing.assert_allclose(updates["b"], -0.1 * h * grads["b"])


def test_masked_with_the_rest_frozen_is_the_groups_polyak_step():
    params, grads, _ = _two_groups()
    opt = optax.masked(corridors.clr(max_learning_rate=100.0, scale=1.0), {"a": True, "b": False})
    with pytest.warns(corridors.MaskedGradientWarning, match="frozen"):
        updates, _ = opt.update(grads, opt.init(params), params, value=5.0)
    np.testing.assert_allclose(updates["a"], -5.0 * grads["a"])  # E / ||g_a||^2 = 5
