"""CLR along a momentum direction: the Polyak model solved along the averaged gradient.

Plain CLR steps along the gradient ``g`` by ``h = (E - E*) / ||g||^2``: the
step that reaches ``E*`` if ``E`` decreases linearly along the step, as it does
in a corridor. The same first-order model, taken along any descent direction
``d``, says that ``theta - h d`` reaches ``E*`` when::

    E - h <g, d> = E*,   that is   h = (E - E*) / <g, d>.

With ``d`` the exponential moving average of past gradients this is CLR with
momentum: the direction is smoothed over mini-batches while the step length
still comes from the current loss and gradient, so it shrinks automatically
where the loss is already low relative to the progress the direction makes.
With ``decay = 0`` it is plain CLR. Compared with ``optax.contrib.momo``
(Schaipp et al. 2023), which averages the loss model as well, the loss and
gradient in the ratio here are the current ones.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from optax import GradientTransformationExtraArgs, ScalarOrSchedule

from .._validate import check_hyperparameter, check_unit_interval, check_value
from .corridor_learning_rate import warn_if_masked
from .step_rule import advanced_fields, compute_dtype, initial_fields, scheduled_clr_step, squared_norm, zeros_in

__all__ = ["ScaleByCLRMomentumState", "scale_by_clr_momentum", "clr_momentum"]


class ScaleByCLRMomentumState(NamedTuple):
    """State of :func:`scale_by_clr_momentum`; scalar fields as in :class:`corridors.ScaleByCLRState`."""

    # int32 (): update calls so far, skipped ones included
    count: jax.Array  # type: ignore[assignment]  # shadows tuple.count, as in optax's states
    finite_count: jax.Array  # int32 (): calls that entered the average (not skipped), for its bias correction
    momentum: Any  # pytree like the gradients, float32 or wider: EMA of the gradients, not bias-corrected
    uncapped_step: jax.Array  # float (): scale * max(E - E*, 0) / <g, d> before the cap; 0 if undefined
    step: jax.Array  # float (): the step h applied along d, min(uncapped_step, max_learning_rate)
    capped: jax.Array  # bool (): the cap was active at the last step
    skipped: jax.Array  # bool (): last value or gradient non-finite (or an invalid hyperparameter): zero update


def _scale_by_clr_momentum(decay, target, max_learning_rate, scale, sign) -> GradientTransformationExtraArgs:
    check_hyperparameter("target", target)
    check_hyperparameter("max_learning_rate", max_learning_rate)
    check_hyperparameter("scale", scale)
    check_unit_interval(decay, "decay", "0 gives plain CLR")

    def init_fn(params):
        return ScaleByCLRMomentumState(
            finite_count=jnp.zeros((), jnp.int32),
            momentum=zeros_in(params, compute_dtype(params)),
            **initial_fields(params),
        )

    def update_fn(updates, state, params=None, *, value=None, **extra_args):
        del params, extra_args
        check_value(value, who="corridors.clr_momentum")
        warn_if_masked(updates)
        dtype = state.step.dtype
        beta = jnp.asarray(decay, dtype)
        # <g, d> with d = m' / c, m' = beta m + (1 - beta) g and the bias
        # correction c = 1 - beta^t, is (beta <g, m> + (1 - beta) ||g||^2) / c:
        # two reductions over (g, m), then one elementwise pass for m' and one
        # for the update. (Summing g * m' instead makes XLA store m' and read
        # it back: more memory traffic.) A non-finite gradient makes <g, d>
        # non-finite, so the step is skipped.
        grads = jax.tree.map(lambda g, m: jnp.asarray(g).astype(m.dtype), updates, state.momentum)
        averaged = lambda g, m: beta.astype(m.dtype) * m + (1 - beta).astype(m.dtype) * g  # noqa: E731
        finite_count = state.finite_count + 1
        correction = 1 - beta ** finite_count.astype(dtype)
        g_m = optax.tree.vdot(grads, state.momentum)
        along = (beta * g_m + (1 - beta) * squared_norm(grads, dtype)) / correction
        uncapped, step, capped, skipped = scheduled_clr_step(
            value, along, state.count, target=target, max_learning_rate=max_learning_rate, scale=scale
        )
        coefficient = (sign * step / correction).astype(dtype)

        def leaf(g, m, u):
            new_m = jnp.where(skipped, m, averaged(g, m))
            new_u = jnp.where(skipped, jnp.zeros_like(new_m), coefficient.astype(m.dtype) * new_m)
            return new_m, new_u.astype(jnp.asarray(u).dtype)

        pairs = jax.tree.map(leaf, grads, state.momentum, updates)
        momentum = jax.tree.map(lambda _, pair: pair[0], updates, pairs)
        new_updates = jax.tree.map(lambda _, pair: pair[1], updates, pairs)
        return new_updates, ScaleByCLRMomentumState(
            finite_count=jnp.where(skipped, state.finite_count, finite_count),
            momentum=momentum,
            **advanced_fields(state, uncapped, step, capped, skipped),  # skipped: uncapped 0, not capped
        )

    return GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_clr_momentum(
    decay: float = 0.9, target: ScalarOrSchedule = 0.0, max_learning_rate: ScalarOrSchedule = 1.0, scale: ScalarOrSchedule = 1.0
) -> GradientTransformationExtraArgs:
    r"""Scale the averaged gradient by the CLR along it (no sign flip; see :func:`clr_momentum`).

    .. math::
        d_t = \frac{m_t}{1 - \beta^t},\quad m_t = \beta m_{t-1} + (1-\beta) g_t,
        \qquad
        h_t = \min\left(s\,\frac{\max(E_t - E^*, 0)}{\langle g_t, d_t\rangle},\; h_{\max}\right),
        \qquad \text{update} = h_t\, d_t

    Edge cases as :func:`corridors.scale_by_clr`, and ``<g, d> <= 0`` (the
    average points uphill for this batch) gives a zero update. Skipped steps
    (non-finite loss or gradient) leave the average unchanged.

    Args:
      decay: :math:`\beta \in [0, 1)`, the decay of the gradient average; 0
        gives :func:`corridors.scale_by_clr`.
      target: level :math:`E^*` to aim at (scalar or schedule).
      max_learning_rate: the cap :math:`h_{\max}`, the largest step taken
        (scalar or schedule).
      scale: :math:`s`, multiplies the ratio before the cap (scalar or schedule).

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`ScaleByCLRMomentumState`; ``update`` takes ``value=``.

    Raises:
      InvalidArgument: ``decay`` outside [0, 1), a non-finite ``target``, a
        ``max_learning_rate`` or ``scale`` that is not positive (or NaN), a
        non-scalar hyperparameter; at ``update``, a missing or non-scalar
        ``value``.

    Example:
      >>> import jax.numpy as jnp
      >>> import corridors
      >>> opt = corridors.scale_by_clr_momentum(decay=0.5, max_learning_rate=10.0)
      >>> state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(jnp.array([1.0, 0.0]), state, value=2.0)  # d = g: plain CLR, h = 2
      >>> print(u, float(state.step))
      [2. 0.] 2.0
      >>> u, state = opt.update(jnp.array([0.0, 1.0]), state, value=2.0)  # d = (1, 2)/3, <g, d> = 2/3
      >>> print(u.round(4), float(state.step))
      [1. 2.] 3.0
    """
    return _scale_by_clr_momentum(decay, target, max_learning_rate, scale, sign=1.0)


def clr_momentum(
    decay: float = 0.9, target: ScalarOrSchedule = 0.0, max_learning_rate: ScalarOrSchedule = 1.0, scale: ScalarOrSchedule = 1.0
) -> GradientTransformationExtraArgs:
    r"""Descent along the averaged gradient with the Corridor Learning Rate along it.

    :math:`\theta \leftarrow \theta - h_t d_t` with :math:`d_t` the
    bias-corrected moving average of the gradients and
    :math:`h_t = \min(s\,(E_t - E^*)/\langle g_t, d_t\rangle, h_{\max})`: the
    step that reaches :math:`E^*` if the loss falls linearly along
    :math:`d_t` at the rate it falls now, as it does along a corridor (Dherin
    & Rosca 2024, arXiv:2402.08818; Polyak 1987). Cost per step: one moving
    average and one inner product over the parameters, like SGD with
    momentum plus the CLR's one reduction; memory: one float32 copy of the
    parameters.

    Args:
      decay: :math:`\beta \in [0, 1)`, decay of the gradient average (0: plain CLR).
      target: level :math:`E^*` to aim at (scalar or schedule).
      max_learning_rate: the cap :math:`h_{\max}` on the step (scalar or schedule).
      scale: :math:`s`, multiplies the ratio before the cap (scalar or schedule).

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`ScaleByCLRMomentumState`; call ``update(grads, state, params,
      value=loss)``.

    Raises:
      InvalidArgument: as :func:`scale_by_clr_momentum`.

    Example:
      >>> import jax, jax.numpy as jnp, optax
      >>> import corridors
      >>> x = jnp.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
      >>> y = jnp.array([1.0, 2.0, 0.0])
      >>> loss = lambda p, xb, yb: 0.5 * jnp.mean((xb @ p - yb) ** 2)  # least squares, minimum 0.028
      >>> opt = corridors.clr_momentum()
      >>> params = jnp.zeros(2)
      >>> state = opt.init(params)
      >>> for k in range(100):  # mini-batches of two rows: the average smooths their gradients
      ...     rows = jnp.array([k % 3, (k + 1) % 3])
      ...     value, grad = jax.value_and_grad(loss)(params, x[rows], y[rows])
      ...     updates, state = opt.update(grad, state, params, value=value)
      ...     params = optax.apply_updates(params, updates)
      >>> print(round(float(loss(params, x, y)), 3))  # on all the data
      0.028
    """
    return _scale_by_clr_momentum(decay, target, max_learning_rate, scale, sign=-1.0)
