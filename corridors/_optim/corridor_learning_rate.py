"""The Corridor Learning Rate (CLR) as an optax gradient transformation.

Inside a *corridor* of a loss ``E`` -- a region where the Hessian kills the
gradient, ``H g = 0`` -- gradient flow moves in straight lines and ``E``
decreases linearly along them at rate ``||g||^2``. The step that reaches a
target level ``E*`` in one gradient step is therefore::

    h(theta) = (E(theta) - E*) / ||g(theta)||^2

(Dherin & Rosca 2024, arXiv:2402.08818). With ``E* = 0`` this is Polyak's step
size (Polyak 1987, *Introduction to Optimization*, sec. 5.3). In practice the
step is capped by ``max_learning_rate`` and computed on mini-batches.

Conventions, chosen to compose like the rest of optax:

* :func:`scale_by_clr` is a ``scale_by_*`` transformation: it returns
  ``+h * g`` (like ``optax.scale_by_adam``); chain it with a negative scale or
  use the ready-to-apply alias :func:`clr`, which returns ``-h * g``.
* The loss value is passed as the keyword ``value`` of ``update``, as for
  ``optax.polyak_sgd``.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, NamedTuple, Optional

import jax
import jax.numpy as jnp
from optax import GradientTransformationExtraArgs
from optax._src import base

__all__ = [
    "ScaleByCLRState",
    "scale_by_clr",
    "clr",
    "global_sq_norm",
    "compute_dtype",
]


class ScaleByCLRState(NamedTuple):
    """State of :func:`scale_by_clr`: what the last step did, for logging.

    All fields are scalars (shape ``()``). Float fields have the computation
    dtype (float32, or float64 when parameters are float64), whatever the
    parameter dtype, so the CLR value can be logged and plotted directly
    (the paper's Figure 4).
    """

    count: jax.Array  # int32 (): number of update calls so far, skipped ones included
    uncapped_step: jax.Array  # float (): max(E - E*, 0) / ||g||^2 before the cap; 0 if ||g|| = 0 or skipped
    step: jax.Array  # float (): the step h actually applied, scale * min(uncapped_step, max_learning_rate)
    capped: jax.Array  # bool (): True when max_learning_rate was active at the last step
    skipped: jax.Array  # bool (): True when the last value or gradient was not finite (zero update)


def compute_dtype(tree: Any) -> jnp.dtype:
    """Float dtype for norms and ratios: float32, or wider if the leaves are wider.

    Half-precision gradients (bfloat16, float16) overflow or lose the ratio's
    precision when squared and summed, so the reduction always runs in at
    least float32.
    """
    leaves = jax.tree.leaves(tree)
    dtypes = [jnp.asarray(leaf).dtype for leaf in leaves]
    return jnp.dtype(functools.reduce(jnp.promote_types, dtypes, jnp.dtype(jnp.float32)))


def global_sq_norm(tree: Any, dtype: Optional[jnp.dtype] = None) -> jax.Array:
    """Squared Euclidean norm of all leaves together, accumulated in ``dtype``.

    Under ``jax.jit`` with sharded leaves the sums are global (XLA inserts the
    cross-device reductions), so the result equals the single-device one.
    """
    dtype = compute_dtype(tree) if dtype is None else dtype
    leaves = jax.tree.leaves(tree)
    if not leaves:
        return jnp.zeros((), dtype)
    # Leaf by leaf in tree order, as optax.tree.norm sums: clr then agrees with
    # optax.polyak_sgd bit for bit. (Summing small leaves in one reduction
    # saves kernel launches but changes the rounding; see docs/benchmarks.md.)
    sums = [jnp.sum(jnp.square(jnp.asarray(leaf).astype(dtype))) for leaf in leaves]
    return functools.reduce(operator.add, sums)


def _resolve(scalar_or_schedule, count):
    return scalar_or_schedule(count) if callable(scalar_or_schedule) else scalar_or_schedule


def clr_step(value, sq_norm, *, target, max_learning_rate, scale=1.0):
    """The capped CLR step from a loss value and a squared gradient norm.

    Pure scalar function shared by :func:`scale_by_clr` and its variants.

    Returns ``(uncapped, step, capped, skipped)`` with the meaning of the
    :class:`ScaleByCLRState` fields. Rules, in order:

    * non-finite ``value`` or ``sq_norm`` -> skipped, step 0;
    * ``sq_norm == 0`` (a critical point) -> step 0: the ratio is undefined;
    * ``value <= target`` -> step 0: a negative step would be gradient *ascent*;
    * otherwise ``step = scale * min(gap / sq_norm, max_learning_rate)``. The
      multiplier ``scale`` comes after the ratio and the cap, so ``scale=0.5``
      halves the step (``optax.polyak_sgd``'s ``scaling`` acts before the ratio,
      where it divides the step instead).
    """
    dtype = sq_norm.dtype
    value = jnp.asarray(value).astype(dtype)
    gap = value - jnp.asarray(target, dtype)
    finite = jnp.isfinite(value) & jnp.isfinite(sq_norm)
    moving = finite & (sq_norm > 0) & (gap > 0)
    # Divide by a safe denominator so that no inf/NaN is formed even in the
    # branch that jnp.where discards (keeps gradients of this function clean).
    ratio = jnp.where(moving, gap, 0) / jnp.where(moving, sq_norm, 1)
    # An overflowing ratio (tiny but non-zero ||g||^2) is still a valid
    # "as large as allowed" request; only an infinite cap could make it unsafe.
    cap = jnp.asarray(max_learning_rate, dtype)
    capped = moving & (ratio > cap)
    clipped = jnp.minimum(ratio, cap)
    step = jnp.asarray(scale, dtype) * clipped
    # With max_learning_rate=inf an overflowing ratio gives inf: skip it
    # rather than write inf/NaN into the parameters.
    step_ok = jnp.isfinite(step)
    skipped = ~finite | ~step_ok
    step = jnp.where(skipped, 0, step).astype(dtype)
    uncapped = jnp.where(finite & jnp.isfinite(ratio), ratio, 0).astype(dtype)
    return uncapped, step, capped, skipped


def _apply_step(updates, step, skipped):
    """``step * g`` leaf by leaf, in the compute dtype, cast back to each leaf's dtype.

    Skipped steps return exact zeros (not ``0 * g``, which is NaN where ``g``
    has NaN or inf).
    """

    def one(g):
        g = jnp.asarray(g)
        scaled = (g.astype(step.dtype) * step).astype(g.dtype)
        return jnp.where(skipped, jnp.zeros_like(g), scaled)

    return jax.tree.map(one, updates)


def _scale_by_clr(target, max_learning_rate, scale, sign) -> GradientTransformationExtraArgs:
    def init_fn(params):
        dtype = compute_dtype(params)
        zero = jnp.zeros((), dtype)
        return ScaleByCLRState(
            count=jnp.zeros((), jnp.int32),
            uncapped_step=zero,
            step=zero,
            capped=jnp.zeros((), bool),
            skipped=jnp.zeros((), bool),
        )

    def update_fn(updates, state, params=None, *, value, **extra_args):
        del params, extra_args  # the step needs only the gradient and the loss value
        dtype = jnp.promote_types(compute_dtype(updates), state.step.dtype)
        sq_norm = global_sq_norm(updates, dtype)
        uncapped, step, capped, skipped = clr_step(
            value,
            sq_norm,
            target=_resolve(target, state.count),
            max_learning_rate=_resolve(max_learning_rate, state.count),
            scale=_resolve(scale, state.count),
        )
        new_updates = _apply_step(updates, sign * step, skipped)
        new_state = ScaleByCLRState(
            count=state.count + jnp.asarray(1, jnp.int32),
            uncapped_step=uncapped.astype(state.step.dtype),
            step=step.astype(state.step.dtype),
            capped=capped,
            skipped=skipped,
        )
        return new_updates, new_state

    return GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_clr(
    target: base.ScalarOrSchedule = 0.0,
    max_learning_rate: base.ScalarOrSchedule = 1.0,
    scale: base.ScalarOrSchedule = 1.0,
) -> GradientTransformationExtraArgs:
    r"""Scale updates by the Corridor Learning Rate (no sign flip).

    .. math::
        h = s \cdot \min\left(\frac{\max(E(\theta) - E^*, 0)}{\|g\|^2},\;
        h_{\max}\right), \qquad \text{update} = h\, g

    The one step that reaches level :math:`E^*` when :math:`\theta` lies in a
    corridor (Dherin & Rosca 2024, arXiv:2402.08818); with :math:`E^* = 0` it
    is Polyak's step size (Polyak 1987). :math:`\|g\|^2` is the squared norm of
    *the updates this transformation receives*, summed over all leaves, in
    float32 or wider. The returned updates point *uphill* like every optax
    ``scale_by_*`` transformation: chain a negative scale, or use :func:`clr`.

    Edge cases (none writes NaN into parameters): zero gradient -> zero
    update; ``value <= target`` -> zero update (never gradient ascent);
    non-finite ``value`` or gradient -> zero update and ``state.skipped`` set
    (skip the step, as a loss-scaling optimizer does on overflow).

    Composition: whatever comes *before* in a chain changes the ``g`` whose
    norm enters the ratio (e.g. ``optax.clip_by_global_norm`` first makes the
    step larger for large gradients, since the ratio is then against the
    clipped norm); whatever comes *after* only rescales or mixes the CLR step
    (momentum with ``optax.trace``, decoupled weight decay).

    Args:
      target: the level :math:`E^*` to reach (``f_min`` in ``optax.polyak_sgd``),
        a scalar or a schedule of the step count.
      max_learning_rate: the cap :math:`h_{\max}` (same default as
        ``optax.polyak_sgd``), scalar or schedule.
      scale: multiplier :math:`s` applied *after* the ratio and the cap (unlike
        ``optax.polyak_sgd``'s ``scaling``, which is applied to the gradient
        before the ratio and so divides the step), scalar or schedule.

    Returns:
      An ``optax.GradientTransformationExtraArgs`` whose ``update(updates,
      state, params=None, *, value)`` takes the loss value as a keyword; its
      state is a :class:`ScaleByCLRState`.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> import corridors
      >>> opt = optax.chain(corridors.scale_by_clr(max_learning_rate=10.0), optax.scale(-1.0))
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
    target: base.ScalarOrSchedule = 0.0,
    max_learning_rate: base.ScalarOrSchedule = 1.0,
    scale: base.ScalarOrSchedule = 1.0,
) -> GradientTransformationExtraArgs:
    r"""Gradient descent with the Corridor Learning Rate, ready for ``optax.apply_updates``.

    .. math::
        \theta \leftarrow \theta - s \cdot \min\left(
        \frac{\max(E(\theta) - E^*, 0)}{\|\nabla E(\theta)\|^2},\; h_{\max}\right)
        \nabla E(\theta)

    Same step as :func:`scale_by_clr` (see it for edge cases and composition),
    with the sign flipped so that updates descend. The state is a single
    :class:`ScaleByCLRState`, so ``state.step`` is the CLR value to log.
    With ``target=0`` and ``scale=1`` the steps equal those of
    ``optax.polyak_sgd(max_learning_rate, f_min=0.0)`` (Polyak 1987) whenever
    the loss is positive. Reference: Dherin & Rosca 2024, arXiv:2402.08818.

    Args:
      target: level :math:`E^*` to reach in one step (scalar or schedule).
      max_learning_rate: cap :math:`h_{\max}` on the step (scalar or schedule).
      scale: multiplier :math:`s` applied after the ratio and the cap.

    Returns:
      An ``optax.GradientTransformationExtraArgs``; call ``update(grads,
      state, params, value=loss)``.

    Example:
      >>> import jax, jax.numpy as jnp, optax
      >>> import corridors
      >>> loss = lambda p: jnp.sum(jnp.abs(p - 1.0))  # L1: corridors fill each orthant
      >>> opt = corridors.clr(max_learning_rate=10.0)
      >>> params = jnp.array([3.0, 3.0])
      >>> state = opt.init(params)
      >>> value, grad = jax.value_and_grad(loss)(params)
      >>> updates, state = opt.update(grad, state, params, value=value)
      >>> params = optax.apply_updates(params, updates)
      >>> print(params, loss(params), float(state.step))
      [1. 1.] 0.0 2.0
    """
    return _scale_by_clr(target, max_learning_rate, scale, sign=-1.0)
