"""The Corridor Learning Rate (CLR) as an optax gradient transformation.

Inside a *corridor* of a loss ``E`` -- a region where the Hessian kills the
gradient, ``H g = 0`` -- gradient flow moves in straight lines and ``E``
decreases linearly along them at rate ``||g||^2``. The step that reaches a
target level ``E*`` in one gradient step is therefore::

    h(theta) = (E(theta) - E*) / ||g(theta)||^2

(Dherin & Rosca 2024, arXiv:2402.08818). With ``E* = 0`` this is Polyak's step
size (Polyak 1987, *Introduction to Optimization*, sec. 5.3). In practice the
ratio is multiplied by ``scale``, capped by ``max_learning_rate`` and computed
on mini-batches.

Conventions, chosen to compose like the rest of optax:

* :func:`scale_by_clr` is a ``scale_by_*`` transformation: it returns
  ``+h * g`` (like ``optax.scale_by_adam``); chain it with a negative scale or
  use the ready-to-apply alias :func:`clr`, which returns ``-h * g``.
* The loss value is passed as the keyword ``value`` of ``update``, as for
  ``optax.polyak_sgd``.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from optax import GradientTransformationExtraArgs, ScalarOrSchedule

from .._validate import check_hyperparameter, check_value
from .step_rule import advanced_fields, compute_dtype, initial_fields, scaled_or_zero, scheduled_clr_step, squared_norm

__all__ = [
    "MaskedGradientWarning",
    "ScaleByCLRState",
    "scale_by_clr",
    "clr",
]


class ScaleByCLRState(NamedTuple):
    """State of :func:`scale_by_clr`: what the last step did, for logging.

    All fields are scalars (shape ``()``). Float fields have the computation
    dtype (float32, or float64 when parameters are float64), whatever the
    parameter dtype, so the CLR value can be logged and plotted directly
    (the paper's Figure 4).
    """

    # int32 (): number of update calls so far, skipped ones included
    count: jax.Array  # type: ignore[assignment]  # shadows tuple.count, as in optax's states
    uncapped_step: jax.Array  # float (): scale * max(E - E*, 0) / ||g||^2, before the cap; 0 if ||g|| = 0 or skipped
    step: jax.Array  # float (): the step h actually applied, min(uncapped_step, max_learning_rate)
    capped: jax.Array  # bool (): True when max_learning_rate was active at the last step
    skipped: jax.Array  # bool (): True when the last value or gradient was not finite (zero update)


class MaskedGradientWarning(UserWarning):
    """CLR saw only part of the gradient (inside ``optax.masked`` or ``optax.multi_transform``)."""


def warn_if_masked(updates: Any, who: str = "corridors.clr") -> None:
    """Warn (once per trace) when ``updates`` holds ``optax.MaskedNode`` leaves.

    Inside ``optax.masked`` / ``optax.multi_transform`` the transformation sees
    one group's gradient ``g_A`` but the whole model's loss in ``value=``, so
    its step ``(E - E*) / ||g_A||^2`` aims at ``E*`` as if only this group
    moved. With other groups moving too, the first-order decrease is the sum
    over groups and overshoots the target.
    """
    is_masked = lambda leaf: isinstance(leaf, optax.MaskedNode)  # noqa: E731
    if any(is_masked(leaf) for leaf in jax.tree.leaves(updates, is_leaf=is_masked)):
        warnings.warn(
            f"{who} received a masked gradient (inside optax.masked or optax.multi_transform): its step "
            "divides the whole model's loss by this group's squared gradient norm only, so it aims at the "
            "target as if the other groups stayed still. If they are frozen this is right; if they move, "
            "take one CLR step for the whole model and scale the groups after it: "
            "optax.chain(corridors.scale_by_clr(), optax.multi_transform({'a': optax.scale(-1.0), "
            "'b': optax.scale(-0.1)}, labels)). Filter corridors.MaskedGradientWarning to silence this.",
            MaskedGradientWarning,
            stacklevel=3,
        )


def _scale_by_clr(target, max_learning_rate, scale, sign) -> GradientTransformationExtraArgs:
    check_hyperparameter("target", target)
    check_hyperparameter("max_learning_rate", max_learning_rate)
    check_hyperparameter("scale", scale)

    def init_fn(params):
        return ScaleByCLRState(**initial_fields(params))

    def update_fn(updates, state, params=None, *, value=None, **extra_args):
        del params, extra_args  # the step needs only the gradient and the loss value
        check_value(value)
        warn_if_masked(updates)
        dtype = jnp.promote_types(compute_dtype(updates), state.step.dtype)
        uncapped, step, capped, skipped = scheduled_clr_step(
            value, squared_norm(updates, dtype), state.count, target=target, max_learning_rate=max_learning_rate, scale=scale
        )
        new_updates = scaled_or_zero(updates, sign * step, skipped)
        return new_updates, ScaleByCLRState(**advanced_fields(state, uncapped, step, capped, skipped))

    return GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_clr(
    target: ScalarOrSchedule = 0.0,
    max_learning_rate: ScalarOrSchedule = 1.0,
    scale: ScalarOrSchedule = 2.0,
) -> GradientTransformationExtraArgs:
    r"""Scale updates by the Corridor Learning Rate (no sign flip).

    .. math::
        h = \min\left(s\,\frac{\max(E(\theta) - E^*, 0)}{\|g\|^2},\;
        h_{\max}\right), \qquad \text{update} = h\, g

    With :math:`s = 1`, the one step that reaches level :math:`E^*` when
    :math:`\theta` lies in a corridor (Dherin & Rosca 2024, arXiv:2402.08818);
    with :math:`E^* = 0` it is Polyak's step size (Polyak 1987). The default
    :math:`s = 2` is the exact step on a quadratic valley whose floor is
    :math:`E^*` (SPS with :math:`c = 1/2`, Loizou et al. 2021), and the
    defaults (:math:`s = 2`, :math:`h_{\max} = 1`) are the ones the study of
    ``docs/benchmarks.md`` chose for models trained from scratch; use
    ``scale=1.0`` for the paper's step. :math:`\|g\|^2` is the squared norm of
    *the updates this transformation receives*, summed over all leaves, in
    float32 or wider. The returned updates point *uphill* like every optax
    ``scale_by_*`` transformation: chain a negative scale, or use :func:`clr`.

    Edge cases (none writes NaN into parameters): zero gradient -> zero
    update; ``value <= target`` -> zero update (never gradient ascent);
    non-finite ``value`` or gradient -> zero update and ``state.skipped`` set
    (skip the step, as a loss-scaling optimizer does on overflow). A schedule
    (or ``optax.inject_hyperparams``) that yields an invalid value (see
    Raises) also skips the step, since it cannot raise inside ``jit``.

    Composition: whatever comes *before* in a chain changes the ``g`` whose
    norm enters the ratio (e.g. ``optax.clip_by_global_norm`` first makes the
    step larger for large gradients, since the ratio is then against the
    clipped norm); whatever comes *after* only rescales or mixes the CLR step
    (momentum with ``optax.trace``, decoupled weight decay, a decaying
    ``optax.scale_by_schedule``). Inside ``optax.masked`` or
    ``optax.multi_transform`` it sees one group's gradient but the whole
    loss, so it aims at :math:`E^*` as if only that group moved, and it warns
    (:class:`corridors.MaskedGradientWarning`); for one step over the whole
    model with per-group multipliers, put it *before* the partition:
    ``optax.chain(scale_by_clr(), optax.multi_transform({...: optax.scale(-1.0),
    ...: optax.scale(-0.1)}, labels))``. For gradient accumulation use
    :func:`corridors.clr_accumulate`, not ``optax.MultiSteps`` (which would
    pass the last micro-batch's loss with the mean gradient).

    Args:
      target: the level :math:`E^*` to reach (``f_min`` in ``optax.polyak_sgd``),
        a finite scalar or a schedule of the step count.
      max_learning_rate: the cap :math:`h_{\max}`, the largest step ever
        taken: a positive scalar (``jnp.inf`` for none) or a schedule.
      scale: the multiplier :math:`s` of the ratio, applied before the cap
        (``optax.polyak_sgd``'s ``scaling`` multiplies the gradient instead,
        which divides the step), a positive finite scalar or a schedule.

    Returns:
      An ``optax.GradientTransformationExtraArgs`` whose ``update(updates,
      state, params=None, *, value)`` takes the loss value as a keyword; its
      state is a :class:`ScaleByCLRState`.

    Raises:
      InvalidArgument: a NaN or infinite ``target``; a ``max_learning_rate``
        that is negative, zero or NaN; a ``scale`` that is negative, zero,
        NaN or infinite; a hyperparameter that is not a scalar or a schedule.
        At ``update``: ``value`` missing, ``None`` or not a scalar.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> import corridors
      >>> opt = optax.chain(corridors.scale_by_clr(max_learning_rate=10.0, scale=1.0), optax.scale(-1.0))
      >>> params = jnp.array([3.0, 4.0])
      >>> state = opt.init(params)
      >>> loss = lambda p: jnp.linalg.norm(p)  # a cone: one corridor per ray
      >>> value, grad = loss(params), params / loss(params)
      >>> updates, state = opt.update(grad, state, params, value=value)
      >>> landed = optax.apply_updates(params, updates)
      >>> print(landed.round(6) + 0.0, round(float(state[0].step), 6))  # the apex, in one step
      [0. 0.] 5.0
    """
    return _scale_by_clr(target, max_learning_rate, scale, sign=1.0)


def clr(
    target: ScalarOrSchedule = 0.0,
    max_learning_rate: ScalarOrSchedule = 1.0,
    scale: ScalarOrSchedule = 2.0,
) -> GradientTransformationExtraArgs:
    r"""Gradient descent with the Corridor Learning Rate, ready for ``optax.apply_updates``.

    .. math::
        \theta \leftarrow \theta - \min\left(s\,
        \frac{\max(E(\theta) - E^*, 0)}{\|\nabla E(\theta)\|^2},\; h_{\max}\right)
        \nabla E(\theta)

    Same step as :func:`scale_by_clr` (see it for edge cases, composition,
    ``optax.multi_transform`` and accumulation), with the sign flipped so that
    updates descend. The state is a single :class:`ScaleByCLRState`, so
    ``state.step`` is the CLR value to log. The defaults (``scale=2``,
    ``max_learning_rate=1``) were chosen by the study in
    ``docs/benchmarks.md``. With ``scale=1`` it is the paper's step, and the
    steps equal those of ``optax.polyak_sgd(max_learning_rate, f_min=target)``
    (Polyak 1987) whenever the loss is above ``target`` (``polyak_sgd``'s
    ``eps`` is 0 here). Reference: Dherin & Rosca 2024, arXiv:2402.08818.

    Args:
      target: level :math:`E^*` to aim at (finite scalar or schedule).
      max_learning_rate: cap :math:`h_{\max}`, the largest step (positive
        scalar, ``jnp.inf``, or schedule).
      scale: multiplier :math:`s` of the ratio, applied before the cap
        (positive finite scalar or schedule).

    Returns:
      An ``optax.GradientTransformationExtraArgs``; call ``update(grads,
      state, params, value=loss)``.

    Raises:
      InvalidArgument: as :func:`scale_by_clr`.

    Example:
      >>> import jax, jax.numpy as jnp, optax
      >>> import corridors
      >>> loss = lambda p: jnp.sum(jnp.abs(p - 1.0))  # L1: corridors fill each orthant
      >>> opt = corridors.clr(max_learning_rate=10.0, scale=1.0)
      >>> params = jnp.array([3.0, 3.0])
      >>> state = opt.init(params)
      >>> value, grad = jax.value_and_grad(loss)(params)
      >>> updates, state = opt.update(grad, state, params, value=value)
      >>> params = optax.apply_updates(params, updates)
      >>> print(params, loss(params), float(state.step))
      [1. 1.] 0.0 2.0
      >>> corridors.clr(max_learning_rate=-1.0)
      Traceback (most recent call last):
      ...
      corridors._errors.InvalidArgument: max_learning_rate must be positive (inf allowed) (the cap on the step h), got -1.0: pass a positive number, or jnp.inf for no cap (a negative cap would ascend the loss, NaN would skip every step)
    """
    return _scale_by_clr(target, max_learning_rate, scale, sign=-1.0)
