"""CLR with a target level estimated online, for when E* is unknown.

CLR's step ``(E - E*) / ||g||^2`` needs the level ``E*`` to aim at. ``E* = 0``
(Polyak) is right when the model can interpolate the data, but a mini-batch
gradient step cannot reach zero loss on *all* the data, and with small batches
``E_B / ||g_B||^2`` is large on batches whose gradients are small, so the step
keeps hitting the cap. The variant here aims instead at a fixed fraction of the
lowest (smoothed) loss seen so far::

    E*_t = fraction * min(E_t, min_{s < t} EMA(E)_s)

The target falls with the loss, so the step keeps the CLR's scale-free form
(no learning rate to tune) while aiming, each step, at a geometric decrease
relative to the progress already made rather than at zero at once. With
``fraction = 0`` it is plain CLR. The EMA keeps one lucky mini-batch from
setting the running minimum. Nothing here is tuned per task: the defaults
were fixed before the digits study was run on them.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from optax import GradientTransformationExtraArgs, ScalarOrSchedule

from .._validate import check_hyperparameter, check_unit_interval, check_value
from .corridor_learning_rate import warn_if_masked
from .step_rule import advanced_fields, compute_dtype, initial_fields, scaled_or_zero, scheduled_clr_step, squared_norm

__all__ = ["ScaleByCLROnlineState", "scale_by_clr_online", "clr_online"]


class ScaleByCLROnlineState(NamedTuple):
    """State of :func:`scale_by_clr_online`; scalar fields like :class:`ScaleByCLRState`."""

    # int32 (): update calls so far (skipped included)
    count: jax.Array  # type: ignore[assignment]  # shadows tuple.count, as in optax's states
    finite_count: jax.Array  # int32 (): calls with a finite loss, for the EMA's bias correction
    ema: jax.Array  # float (): exponential moving average of finite losses, *not* bias-corrected
    lowest: jax.Array  # float (): running minimum of the bias-corrected EMA; +inf before any finite loss
    target: jax.Array  # float (): E* used at the last step, fraction * lowest (0 at first)
    uncapped_step: jax.Array  # float (): scale * max(E - E*, 0) / ||g||^2 before the cap (0 if undefined)
    step: jax.Array  # float (): the step h applied, min(uncapped_step, max_learning_rate)
    capped: jax.Array  # bool (): cap active at the last step
    skipped: jax.Array  # bool (): last value or gradient non-finite: zero update


def _scale_by_clr_online(fraction, ema_decay, max_learning_rate, scale, sign):
    check_hyperparameter("max_learning_rate", max_learning_rate)
    check_hyperparameter("scale", scale)
    check_unit_interval(fraction, "fraction", "0 gives plain CLR with target 0")
    check_unit_interval(ema_decay, "ema_decay", "0 uses the raw losses")

    def init_fn(params):
        dtype = compute_dtype(params)
        return ScaleByCLROnlineState(
            finite_count=jnp.zeros((), jnp.int32),
            ema=jnp.zeros((), dtype),
            lowest=jnp.full((), jnp.inf, dtype),
            target=jnp.zeros((), dtype),
            **initial_fields(params),
        )

    def update_fn(updates, state, params=None, *, value=None, **extra_args):
        del params, extra_args
        check_value(value, who="corridors.clr_online")
        warn_if_masked(updates)
        dtype = state.step.dtype
        # The EMA lags a fast-falling loss, so fraction * lowest alone could lie
        # above the current loss and stall the run (zero steps). Capping the
        # reference at the current loss keeps h within [1 - fraction, 1] times
        # the plain CLR step (target 0): never a stall, never a longer step.
        value_c = jnp.asarray(value).astype(dtype)
        reference = jnp.minimum(state.lowest, jnp.where(jnp.isfinite(value_c), value_c, jnp.inf))
        target = jnp.where(jnp.isfinite(reference), fraction * reference, 0).astype(dtype)
        sq_norm = squared_norm(updates, jnp.promote_types(compute_dtype(updates), dtype))
        uncapped, step, capped, skipped = scheduled_clr_step(
            value, sq_norm, state.count, target=target, max_learning_rate=max_learning_rate, scale=scale
        )
        new_updates = scaled_or_zero(updates, sign * step, skipped)

        value = jnp.asarray(value).astype(dtype)
        finite = jnp.isfinite(value)
        ema = jnp.where(finite, ema_decay * state.ema + (1 - ema_decay) * value, state.ema)
        finite_count = state.finite_count + finite.astype(jnp.int32)
        debiased = ema / (1 - jnp.asarray(ema_decay, dtype) ** finite_count.astype(dtype))
        lowest = jnp.where(finite, jnp.minimum(state.lowest, debiased), state.lowest)
        new_state = ScaleByCLROnlineState(
            finite_count=finite_count,
            ema=ema,
            lowest=lowest,
            target=target,
            **advanced_fields(state, uncapped, step, capped, skipped),
        )
        return new_updates, new_state

    return GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_clr_online(
    fraction: float = 0.5, ema_decay: float = 0.9, max_learning_rate: ScalarOrSchedule = 1.0, scale: ScalarOrSchedule = 1.0
) -> GradientTransformationExtraArgs:
    r"""Scale updates by the CLR with an online target (no sign flip; see :func:`clr_online`).

    The target is a fraction of the lowest smoothed loss seen so far:

    .. math::
        E^*_t = \rho\,\min\big(E_t, \min_{s<t} \overline{E}_s\big), \qquad
        h_t = \min\left(s\,\frac{\max(E_t - E^*_t, 0)}{\|g_t\|^2}, h_{\max}\right),
        \qquad \text{update} = h_t\, g_t

    with :math:`\overline{E}` the bias-corrected EMA of the losses, so
    :math:`h_t` lies between :math:`(1-\rho)` and 1 times the plain CLR step
    (target 0): it never stalls and never steps further than CLR. Edge cases
    as :func:`corridors.scale_by_clr` (non-finite losses are skipped and do not
    enter the EMA).

    Args:
      fraction: :math:`\rho \in [0, 1)`; 0 gives plain CLR with target 0.
      ema_decay: decay of the loss EMA in [0, 1); 0 uses raw losses.
      max_learning_rate: cap :math:`h_{\max}` (scalar or schedule).
      scale: multiplier :math:`s` of the ratio, applied before the cap.

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`ScaleByCLROnlineState`; ``update`` takes ``value=``.

    Example:
      >>> import jax.numpy as jnp
      >>> import corridors
      >>> opt = corridors.scale_by_clr_online(fraction=0.5, max_learning_rate=10.0)
      >>> g = jnp.array([1.0])
      >>> state = opt.init(g)
      >>> _, state = opt.update(g, state, value=4.0)  # target 0.5 * 4
      >>> print(float(state.target), float(state.step), round(float(state.lowest), 4))
      2.0 2.0 4.0
      >>> _, state = opt.update(g, state, value=1.0)  # the EMA lags: target 0.5 * 1
      >>> print(float(state.target), float(state.step))
      0.5 0.5
    """
    return _scale_by_clr_online(fraction, ema_decay, max_learning_rate, scale, sign=1.0)


def clr_online(
    fraction: float = 0.5, ema_decay: float = 0.9, max_learning_rate: ScalarOrSchedule = 1.0, scale: ScalarOrSchedule = 1.0
) -> GradientTransformationExtraArgs:
    r"""Gradient descent with the online-target CLR, ready for ``optax.apply_updates``.

    :math:`\theta \leftarrow \theta - h_t g_t` with :math:`h_t` as in
    :func:`scale_by_clr_online`: the Corridor Learning Rate (Dherin & Rosca
    2024, arXiv:2402.08818; Polyak 1987) aimed at
    ``fraction * (lowest smoothed loss so far)`` instead of 0.

    Args:
      fraction: :math:`\rho \in [0, 1)`, fraction of the lowest loss to aim at.
      ema_decay: decay of the loss EMA in [0, 1).
      max_learning_rate: cap on the step.
      scale: multiplier of the ratio, applied before the cap.

    Returns:
      An ``optax.GradientTransformationExtraArgs``; ``update(grads, state,
      params, value=loss)``.

    Example:
      >>> import jax, jax.numpy as jnp, optax
      >>> import corridors
      >>> loss = lambda p: jnp.sum(p ** 2)
      >>> opt = corridors.clr_online(max_learning_rate=1.0)
      >>> params = jnp.array([1.0, 2.0])
      >>> state = opt.init(params)
      >>> for _ in range(40):
      ...     value, grad = jax.value_and_grad(loss)(params)
      ...     updates, state = opt.update(grad, state, params, value=value)
      ...     params = optax.apply_updates(params, updates)
      >>> print(bool(loss(params) < 1e-4))
      True
    """
    return _scale_by_clr_online(fraction, ema_decay, max_learning_rate, scale, sign=-1.0)
