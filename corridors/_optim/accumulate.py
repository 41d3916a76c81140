"""Gradient accumulation that also averages the loss value.

``optax.MultiSteps`` averages gradients over ``k`` micro-batches but forwards
only the *last* micro-batch's extra arguments, so a value-aware optimizer such
as CLR or ``optax.polyak_sgd`` would divide the last micro-batch's loss by the
squared norm of the *averaged* gradient -- a mismatched ratio. This wrapper
averages both, so the inner step sees the loss and gradient of the same
(large) batch.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax import lax
from optax import GradientTransformationExtraArgs

from .._errors import InvalidArgument
from .corridor_learning_rate import compute_dtype

__all__ = ["CLRAccumulateState", "clr_accumulate"]


class CLRAccumulateState(NamedTuple):
    """State of :func:`clr_accumulate`."""

    mini_step: jax.Array  # int32 (): micro-batches already in the current window, in [0, every_k)
    gradient_step: jax.Array  # int32 (): number of inner (real) updates emitted so far
    acc_grads: Any  # pytree like the gradients, float32 or wider: running mean over the window
    acc_value: jax.Array  # float (): running mean of the loss values over the window
    inner_state: Any  # the inner transformation's state; changes only when an update is emitted


def clr_accumulate(inner: GradientTransformationExtraArgs, every_k: int) -> GradientTransformationExtraArgs:
    r"""Average gradients *and loss values* over ``every_k`` micro-batches, then step.

    .. math::
        \bar g = \frac1k \sum_{i=1}^k g_i, \qquad
        \bar E = \frac1k \sum_{i=1}^k E_i, \qquad
        \text{update}_k = \text{inner}(\bar g, \text{value}=\bar E)

    For equal-sized micro-batches whose ``value`` is the mean loss, ``(Ē, ḡ)``
    is exactly the loss and gradient of the union batch, so the CLR ratio
    :math:`(\bar E - E^*)/\|\bar g\|^2` (arXiv:2402.08818; Polyak 1987) is the
    large-batch one. The name says CLR because that is what it is for, but any
    transformation whose ``update`` takes ``value=`` works (e.g.
    ``optax.polyak_sgd``).

    The first ``every_k - 1`` calls of a window return zero updates and leave
    the inner state unchanged; the ``every_k``-th returns the inner update.
    Means are kept as running means in float32 or wider (no overflow of a sum
    of half-precision gradients). A non-finite micro-batch loss makes the
    window's mean non-finite, so CLR skips that window (zero update).

    Args:
      inner: the transformation to call once per window; its ``update`` must
        accept ``value=``.
      every_k: number of micro-batches per update (a positive int).

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`CLRAccumulateState`; call ``update(grads, state, params,
      value=loss)`` once per micro-batch.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> import corridors
      >>> opt = corridors.clr_accumulate(corridors.clr(max_learning_rate=10.0), every_k=2)
      >>> params = jnp.array([2.0])
      >>> state = opt.init(params)
      >>> u, state = opt.update(jnp.array([1.0]), state, params, value=1.0)
      >>> print(u, int(state.mini_step))
      [0.] 1
      >>> u, state = opt.update(jnp.array([3.0]), state, params, value=5.0)
      >>> print(u)  # mean loss 3, mean grad 2: step 3/4, update -1.5
      [-1.5]
    """
    if isinstance(every_k, bool) or not isinstance(every_k, int) or every_k < 1:
        raise InvalidArgument(f"every_k must be a positive int, got {every_k!r}")

    def init_fn(params):
        dtype = compute_dtype(params)
        return CLRAccumulateState(
            mini_step=jnp.zeros((), jnp.int32),
            gradient_step=jnp.zeros((), jnp.int32),
            acc_grads=jax.tree.map(
                lambda p: jnp.zeros(jnp.shape(p), jnp.promote_types(jnp.asarray(p).dtype, dtype)), params
            ),
            acc_value=jnp.zeros((), dtype),
            inner_state=inner.init(params),
        )

    def update_fn(updates, state, params=None, *, value, **extra_args):
        count = state.mini_step.astype(state.acc_value.dtype) + 1
        # Running means: exact averages without a k-fold larger intermediate sum.
        acc_grads = jax.tree.map(
            lambda acc, g: acc + (jnp.asarray(g).astype(acc.dtype) - acc) / count.astype(acc.dtype),
            state.acc_grads,
            updates,
        )
        value = jnp.asarray(value).astype(state.acc_value.dtype)
        acc_value = state.acc_value + (value - state.acc_value) / count
        emit = state.mini_step == every_k - 1

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
        reset = lambda x: jnp.where(emit, jnp.zeros_like(x), x)  # noqa: E731
        new_state = CLRAccumulateState(
            mini_step=jnp.where(emit, 0, state.mini_step + 1).astype(jnp.int32),
            gradient_step=state.gradient_step + emit.astype(jnp.int32),
            acc_grads=jax.tree.map(reset, acc_grads),
            acc_value=reset(acc_value),
            inner_state=inner_state,
        )
        return new_updates, new_state

    return GradientTransformationExtraArgs(init_fn, update_fn)
