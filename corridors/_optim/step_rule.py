"""The CLR step rule and the state fields shared by every CLR variant.

:func:`clr_step` is the pure scalar rule: a loss value and a squared gradient
norm in, the capped step out. The tree helpers around it reduce in float32 or
wider with ``optax.tree``, summing leaf by leaf in tree order as
``optax.polyak_sgd`` does, so that :func:`corridors.clr` agrees with it bit for
bit. :func:`initial_fields` and :func:`advanced_fields` build the scalar fields
(``count``, ``uncapped_step``, ``step``, ``capped``, ``skipped``) that every
CLR state carries, so that each variant declares only what it adds.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax

__all__ = [
    "advanced_fields",
    "clr_step",
    "compute_dtype",
    "initial_fields",
    "resolve",
    "scaled_or_zero",
    "scheduled_clr_step",
    "squared_norm",
    "zeros_in",
]


def compute_dtype(tree: Any) -> jnp.dtype:
    """Float dtype for norms and ratios: float32, or wider if the leaves are wider.

    Half-precision gradients (bfloat16, float16) overflow or lose the ratio's
    precision when squared and summed, so the reduction always runs in at
    least float32.
    """
    if not jax.tree.leaves(tree):
        return jnp.dtype(jnp.float32)  # optax.tree.dtype of an empty tree is JAX's default (float64 under x64)
    return jnp.dtype(jnp.promote_types(optax.tree.dtype(tree, "promote"), jnp.float32))


def squared_norm(tree: Any, dtype: jnp.dtype) -> jax.Array:
    """``||tree||^2``, all leaves together, accumulated in ``dtype`` as ``optax.tree.norm`` sums.

    Under ``jax.jit`` with sharded leaves the sums are global (XLA inserts the
    cross-device reductions), so the result equals the single-device one.
    (Summing small leaves in one reduction saves kernel launches but changes
    the rounding and the parity with ``optax.polyak_sgd``; see
    docs/benchmarks.md.)
    """
    leaves = jax.tree.map(lambda leaf: jnp.asarray(leaf).astype(dtype), tree)
    return optax.tree.norm(leaves, squared=True).astype(dtype)  # astype: the norm of an empty tree is the int 0


def zeros_in(params: Any, dtype: jnp.dtype) -> Any:
    """Zeros shaped like ``params``, each leaf in its own dtype or ``dtype`` if wider (for running averages)."""
    return jax.tree.map(lambda p: jnp.zeros(jnp.shape(p), jnp.promote_types(jnp.asarray(p).dtype, dtype)), params)


def scaled_or_zero(updates: Any, step: jax.Array, skipped: jax.Array) -> Any:
    """``step * g`` leaf by leaf, in the step's dtype, cast back to each leaf's dtype.

    Skipped steps return exact zeros (not ``0 * g``, which is NaN where ``g``
    has NaN or inf).
    """
    updates = jax.tree.map(jnp.asarray, updates)
    scaled = optax.tree.cast_like(optax.tree.scale(step, optax.tree.cast(updates, step.dtype)), updates)
    return optax.tree.where(skipped, optax.tree.zeros_like(updates), scaled)


def resolve(scalar_or_schedule: Any, count: jax.Array) -> Any:
    """The value of a hyperparameter at update ``count``: a schedule is called, a number is returned."""
    return scalar_or_schedule(count) if callable(scalar_or_schedule) else scalar_or_schedule


def initial_fields(params: Any) -> dict[str, jax.Array]:
    """The scalar fields of a CLR state before any update: no call, no step, in :func:`compute_dtype`."""
    zero = jnp.zeros((), compute_dtype(params))
    return dict(
        count=jnp.zeros((), jnp.int32),
        uncapped_step=zero,
        step=zero,
        capped=jnp.zeros((), bool),
        skipped=jnp.zeros((), bool),
    )


def advanced_fields(state: Any, uncapped: jax.Array, step: jax.Array, capped: jax.Array, skipped: jax.Array):
    """The scalar fields after one update call: ``count + 1`` and what :func:`clr_step` returned, in the state's dtype."""
    dtype = state.step.dtype
    return dict(
        count=state.count + jnp.asarray(1, jnp.int32),
        uncapped_step=uncapped.astype(dtype),
        step=step.astype(dtype),
        capped=capped,
        skipped=skipped,
    )


def clr_step(value, denominator, *, target, max_learning_rate, scale=1.0):
    """The capped CLR step from a loss value and a squared gradient norm.

    Pure scalar function shared by :func:`corridors.scale_by_clr` and its
    variants (``denominator`` is ``||g||^2``, or ``<g, d>`` for a step along
    ``d``).

    Returns ``(uncapped, step, capped, skipped)`` with the meaning of the
    :class:`corridors.ScaleByCLRState` fields; a skipped step always has
    ``uncapped = 0`` and ``capped = False``. Rules, in order:

    * non-finite ``value`` or ``denominator``, or an invalid hyperparameter (a
      non-finite target, a cap that is not positive, a scale that is not
      positive and finite: possible with schedules) -> skipped, step 0;
    * ``denominator <= 0`` (a critical point) -> step 0: the ratio is undefined;
    * ``value <= target`` -> step 0: a negative step would be gradient *ascent*;
    * otherwise ``step = min(scale * gap / denominator, max_learning_rate)``:
      ``scale`` multiplies the ratio and ``max_learning_rate`` is the largest
      step ever taken (``optax.polyak_sgd``'s ``scaling`` multiplies the
      gradient before the ratio, where it divides the step instead).
    """
    dtype = denominator.dtype
    value = jnp.asarray(value).astype(dtype)
    target = jnp.asarray(target, dtype)
    cap = jnp.asarray(max_learning_rate, dtype)
    scale = jnp.asarray(scale, dtype)
    # Hyperparameters from schedules or inject_hyperparams are only known here:
    # an invalid one skips the step instead of ascending or freezing silently.
    valid = jnp.isfinite(target) & (cap > 0) & jnp.isfinite(scale) & (scale > 0)
    gap = value - target
    finite = jnp.isfinite(value) & jnp.isfinite(denominator) & valid
    moving = finite & (denominator > 0) & (gap > 0)
    # Divide by a safe denominator so that no inf/NaN is formed even in the
    # branch that jnp.where discards (keeps gradients of this function clean).
    ratio = scale * (jnp.where(moving, gap, 0) / jnp.where(moving, denominator, 1))
    # An overflowing ratio (tiny but non-zero ||g||^2) is still a valid
    # "as large as allowed" request; only an infinite cap could make it unsafe.
    capped = moving & (ratio > cap)
    step = jnp.minimum(ratio, cap)
    # With max_learning_rate=inf an overflowing ratio gives inf: skip it
    # rather than write inf/NaN into the parameters.
    skipped = ~finite | ~jnp.isfinite(step)
    step = jnp.where(skipped, 0, step).astype(dtype)
    uncapped = jnp.where(finite & jnp.isfinite(ratio), ratio, 0).astype(dtype)
    return uncapped, step, capped, skipped


def scheduled_clr_step(value, denominator, count, *, target, max_learning_rate, scale):
    """:func:`clr_step` with each hyperparameter resolved at update ``count`` (a number, or a schedule of the count)."""
    return clr_step(
        value,
        denominator,
        target=resolve(target, count),
        max_learning_rate=resolve(max_learning_rate, count),
        scale=resolve(scale, count),
    )
