"""Gradient accumulation that also averages the loss value.

``optax.MultiSteps`` averages gradients over ``k`` micro-batches but forwards
only the *last* micro-batch's extra arguments, so a value-aware optimizer such
as CLR or ``optax.polyak_sgd`` would divide the last micro-batch's loss by the
squared norm of the *averaged* gradient -- a mismatched ratio. This wrapper
averages both, so the inner step sees the loss and gradient of the same
(large) batch. It has ``optax.MultiSteps``' options: ``every_k_schedule`` (an
int or a schedule of the number of updates so far), ``should_skip_update_fn``
and a ``has_updated`` flag, as a state field.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional, Union

import jax
import jax.numpy as jnp
from jax import lax
from optax import GradientTransformationExtraArgs

from .._errors import InvalidArgument
from .._validate import check_positive_int, check_value
from .step_rule import compute_dtype, zeros_in

__all__ = ["CLRAccumulateState", "clr_accumulate"]


class CLRAccumulateState(NamedTuple):
    """State of :func:`clr_accumulate` (the fields of ``optax.MultiStepsState``, plus the loss)."""

    mini_step: jax.Array  # int32 (): micro-batches already in the current window, in [0, k)
    gradient_step: jax.Array  # int32 (): number of inner (real) updates emitted so far
    acc_grads: Any  # pytree like the gradients, float32 or wider: running mean over the window
    acc_value: jax.Array  # float (): running mean of the loss values over the window
    inner_state: Any  # the inner transformation's state; changes only when an update is emitted
    skip_state: Any  # what should_skip_update_fn returned last (() without one), as in optax.MultiSteps
    has_updated: jax.Array  # bool (): True when the last call emitted the inner update (optax.MultiSteps.has_updated)


def _never_skip(updates, gradient_step, params):
    del updates, gradient_step, params
    return jnp.zeros((), bool), ()


def clr_accumulate(
    inner: GradientTransformationExtraArgs,
    every_k_schedule: Union[int, Callable[[jax.Array], Any], None] = None,
    *,
    should_skip_update_fn: Optional[Callable] = None,
    every_k: Optional[int] = None,
) -> GradientTransformationExtraArgs:
    r"""Average gradients *and loss values* over ``k`` micro-batches, then step.

    .. math::
        \bar g = \frac1k \sum_{i=1}^k g_i, \qquad
        \bar E = \frac1k \sum_{i=1}^k E_i, \qquad
        \text{update}_k = \text{inner}(\bar g, \text{value}=\bar E)

    For equal-sized micro-batches whose ``value`` is the mean loss, ``(Ē, ḡ)``
    is exactly the loss and gradient of the union batch, so the CLR ratio
    :math:`(\bar E - E^*)/\|\bar g\|^2` (arXiv:2402.08818; Polyak 1987) is the
    large-batch one. Use it instead of ``optax.MultiSteps``, which passes the
    *last* micro-batch's ``value`` with the *mean* gradient. Any
    transformation whose ``update`` takes ``value=`` works (e.g.
    ``optax.polyak_sgd``).

    The first ``k - 1`` calls of a window return zero updates and leave the
    inner state unchanged; the ``k``-th returns the inner update and sets
    ``state.has_updated``. Means are kept as running means in float32 or wider
    (no overflow of a sum of half-precision gradients). A non-finite
    micro-batch loss makes the window's mean non-finite, so CLR skips that
    window (zero update); to drop such micro-batches instead, pass
    ``should_skip_update_fn`` (e.g. ``optax.skip_not_finite``, which looks at
    the gradient).

    Args:
      inner: the transformation to call once per window; its ``update`` must
        accept ``value=``.
      every_k_schedule: micro-batches per update ``k``: a positive int, or a
        function of ``state.gradient_step`` (the number of updates so far)
        returning it, as in ``optax.MultiSteps`` (values below 1 act as 1).
      should_skip_update_fn: optional ``fn(grads, gradient_step, params) ->
        (skip, skip_state)`` with ``skip`` a boolean scalar, as in
        ``optax.MultiSteps``: a skipped micro-batch leaves the window as if it
        never happened (zero update, only ``skip_state`` changes).
      every_k: the same as ``every_k_schedule`` (the name of earlier
        versions); pass one of the two.

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`CLRAccumulateState`; call ``update(grads, state, params,
      value=loss)`` once per micro-batch.

    Raises:
      InvalidArgument: ``k`` is not a positive int or a callable, both or
        neither of ``every_k_schedule`` and ``every_k`` are given, or (at
        ``update``) ``value`` is missing or not a scalar.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> import corridors
      >>> opt = corridors.clr_accumulate(corridors.clr(max_learning_rate=10.0), every_k_schedule=2)
      >>> params = jnp.array([2.0])
      >>> state = opt.init(params)
      >>> u, state = opt.update(jnp.array([1.0]), state, params, value=1.0)
      >>> print(u, int(state.mini_step), bool(state.has_updated))
      [0.] 1 False
      >>> u, state = opt.update(jnp.array([3.0]), state, params, value=5.0)
      >>> print(u, bool(state.has_updated))  # mean loss 3, mean grad 2: h = 2 * 3/4 (scale 2), update -3
      [-3.] True
    """
    if (every_k_schedule is None) == (every_k is None):
        raise InvalidArgument(
            "pass the number of micro-batches per update once, as every_k_schedule "
            f"(got every_k_schedule={every_k_schedule!r}, every_k={every_k!r})"
        )
    k = every_k_schedule if every_k is None else every_k
    if not callable(k):
        k = check_positive_int(k, "every_k_schedule", " or a function of the update count")
    schedule = k if callable(k) else (lambda gradient_step: k)
    should_skip = _never_skip if should_skip_update_fn is None else should_skip_update_fn

    def init_fn(params):
        dtype = compute_dtype(params)
        gradient_step = jnp.zeros((), jnp.int32)
        acc_grads = zeros_in(params, dtype)
        _, skip_state = should_skip(jax.tree.map(jnp.zeros_like, params), gradient_step, params)
        return CLRAccumulateState(
            mini_step=jnp.zeros((), jnp.int32),
            gradient_step=gradient_step,
            acc_grads=acc_grads,
            acc_value=jnp.zeros((), dtype),
            inner_state=inner.init(params),
            skip_state=skip_state,
            has_updated=jnp.zeros((), bool),
        )

    def update_fn(updates, state, params=None, *, value=None, **extra_args):
        check_value(value, who="corridors.clr_accumulate")
        skip, skip_state = should_skip(updates, state.gradient_step, params)
        if jnp.shape(skip) != () or jnp.asarray(skip).dtype != jnp.bool_:
            raise InvalidArgument(
                "should_skip_update_fn must return (a boolean scalar, skip_state), got a first element of "
                f"dtype {jnp.asarray(skip).dtype} and shape {jnp.shape(skip)}"
            )
        count = state.mini_step.astype(state.acc_value.dtype) + 1
        # Running means: exact averages without a k-fold larger intermediate sum.
        acc_grads = jax.tree.map(
            lambda acc, g: acc + (jnp.asarray(g).astype(acc.dtype) - acc) / count.astype(acc.dtype),
            state.acc_grads,
            updates,
        )
        value = jnp.asarray(value).astype(state.acc_value.dtype)
        acc_value = state.acc_value + (value - state.acc_value) / count
        emit = ~skip & (state.mini_step >= jnp.asarray(schedule(state.gradient_step)) - 1)

        grads_for_inner = jax.tree.map(lambda acc, g: acc.astype(jnp.asarray(g).dtype), acc_grads, updates)

        def step(_):
            return inner.update(grads_for_inner, state.inner_state, params, value=acc_value, **extra_args)

        def wait(_):
            shapes = jax.eval_shape(step, None)
            zeros = jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes[0])
            return zeros, state.inner_state

        # lax.cond: the inner update (possibly costly) runs once per window only.
        new_updates, inner_state = lax.cond(emit, step, wait, None)
        # jnp.where, not multiplication: a NaN mean must not survive the reset.
        reset = lambda new, old: jnp.where(emit, jnp.zeros_like(new), jnp.where(skip, old, new))  # noqa: E731
        new_state = CLRAccumulateState(
            mini_step=jnp.where(emit, 0, jnp.where(skip, state.mini_step, state.mini_step + 1)).astype(jnp.int32),
            gradient_step=state.gradient_step + emit.astype(jnp.int32),
            acc_grads=jax.tree.map(reset, acc_grads, state.acc_grads),
            acc_value=reset(acc_value, state.acc_value),
            inner_state=inner_state,
            skip_state=skip_state,
            has_updated=emit,
        )
        return new_updates, new_state

    return GradientTransformationExtraArgs(init_fn, update_fn)
