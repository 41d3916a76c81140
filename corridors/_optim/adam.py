"""CLR in Adam's metric: the Polyak model solved along Adam's preconditioned direction.

:func:`corridors.clr_momentum` solves the first-order model of the loss along
the averaged gradient ``d``. The same model holds along any descent direction;
along Adam's direction ``P d``, with ``P = 1 / (sqrt(v_hat) + eps)`` the
diagonal preconditioner of Kingma & Ba, it says that ``theta - h P d`` reaches
``E*`` when::

    E - h <g, P d> = E*,   that is   h = (E - E*) / <g, P d>,

and the update is ``-h P d``: Adam whose learning rate is the corridor step,
capped by ``max_learning_rate``. The cap is in Adam's units (a learning rate
of Adam), not SGD's: ``P`` divides each coordinate by its gradient scale.

Relation to ``optax.contrib.momo_adam`` (Schaipp et al. 2023): the same
direction, preconditioner and cap (whose default, ``1e-2``, is momo_adam's
learning rate). momo_adam solves a model averaged over past steps (losses,
``<g, theta>`` and gradients, with the denominator ``<d, P d>``); here the
loss and gradient in the ratio are the current ones, as in
:func:`corridors.clr_momentum`. In the digits study (docs/benchmarks.md) the
cap is active in 85-100 % of the steps, and each of the two reaches the
target in as many steps as ``optax.adam(1e-2)`` in 7 of the 8 cells; the
corridor step shortens the step where the loss is already low relative to
the predicted decrease.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from optax import GradientTransformationExtraArgs, ScalarOrSchedule

from .._validate import check_hyperparameter, check_positive, check_unit_interval, check_value
from .corridor_learning_rate import warn_if_masked
from .step_rule import advanced_fields, compute_dtype, initial_fields, scheduled_clr_step, zeros_in

__all__ = ["ScaleByCLRAdamState", "scale_by_clr_adam", "clr_adam"]


class ScaleByCLRAdamState(NamedTuple):
    """State of :func:`scale_by_clr_adam`; scalar fields as in :class:`corridors.ScaleByCLRState`."""

    # int32 (): update calls so far, skipped ones included
    count: jax.Array  # type: ignore[assignment]  # shadows tuple.count, as in optax's states
    finite_count: jax.Array  # int32 (): calls that entered the averages (not skipped), for their bias corrections
    mu: Any  # pytree like the gradients, float32 or wider: EMA of the gradients, not bias-corrected
    nu: Any  # pytree like the gradients, float32 or wider: EMA of the squared gradients, not bias-corrected
    uncapped_step: jax.Array  # float (): scale * max(E - E*, 0) / <g, P d> before the cap; 0 if undefined
    step: jax.Array  # float (): the step h applied along P d, min(uncapped_step, max_learning_rate)
    capped: jax.Array  # bool (): the cap was active at the last step
    skipped: jax.Array  # bool (): last value or gradient non-finite (or an invalid hyperparameter): zero update


def _scale_by_clr_adam(b1, b2, eps, target, max_learning_rate, scale, sign) -> GradientTransformationExtraArgs:
    check_hyperparameter("target", target)
    check_hyperparameter("max_learning_rate", max_learning_rate)
    check_hyperparameter("scale", scale)
    check_unit_interval(b1, "b1", "0 gives no momentum: the direction is the preconditioned gradient")
    check_unit_interval(b2, "b2", "0 gives the current squared gradient as the second moment")
    check_positive(eps, "eps")

    def init_fn(params):
        dtype = compute_dtype(params)
        return ScaleByCLRAdamState(
            finite_count=jnp.zeros((), jnp.int32),
            mu=zeros_in(params, dtype),
            nu=zeros_in(params, dtype),
            **initial_fields(params),
        )

    def update_fn(updates, state, params=None, *, value=None, **extra_args):
        del params, extra_args
        check_value(value, who="corridors.clr_adam")
        warn_if_masked(updates, who="corridors.clr_adam")
        dtype = state.step.dtype
        finite_count = state.finite_count + 1
        t = finite_count.astype(dtype)
        correction1 = 1 - jnp.asarray(b1, dtype) ** t
        correction2 = 1 - jnp.asarray(b2, dtype) ** t
        grads = jax.tree.map(lambda g, m: jnp.asarray(g).astype(m.dtype), updates, state.mu)
        mu = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, grads, state.mu)
        nu = jax.tree.map(lambda g, v: b2 * v + (1 - b2) * g * g, grads, state.nu)

        def direction(m, v):  # P d = m_hat / (sqrt(v_hat) + eps)
            return (m / correction1.astype(m.dtype)) / (jnp.sqrt(v / correction2.astype(v.dtype)) + eps)

        preconditioned = jax.tree.map(direction, mu, nu)
        # A non-finite gradient makes <g, P d> non-finite: the step is skipped.
        along = optax.tree.vdot(grads, preconditioned).astype(dtype)
        uncapped, step, capped, skipped = scheduled_clr_step(
            value, along, state.count, target=target, max_learning_rate=max_learning_rate, scale=scale
        )
        coefficient = (sign * step).astype(dtype)

        def leaf(u, pd):
            new_u = jnp.where(skipped, jnp.zeros_like(pd), coefficient.astype(pd.dtype) * pd)
            return new_u.astype(jnp.asarray(u).dtype)

        new_updates = jax.tree.map(leaf, updates, preconditioned)
        keep = lambda new, old: jnp.where(skipped, old, new)  # noqa: E731
        new_state = ScaleByCLRAdamState(
            finite_count=jnp.where(skipped, state.finite_count, finite_count),
            mu=jax.tree.map(keep, mu, state.mu),
            nu=jax.tree.map(keep, nu, state.nu),
            **advanced_fields(state, uncapped, step, capped, skipped),  # skipped: uncapped 0, not capped
        )
        return new_updates, new_state

    return GradientTransformationExtraArgs(init_fn, update_fn)


def scale_by_clr_adam(
    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
    target: ScalarOrSchedule = 0.0, max_learning_rate: ScalarOrSchedule = 1e-2, scale: ScalarOrSchedule = 1.0,
) -> GradientTransformationExtraArgs:
    r"""Scale Adam's direction by the CLR along it (no sign flip; see :func:`clr_adam`).

    .. math::
        \hat m_t = \frac{m_t}{1 - \beta_1^t},\quad
        \hat v_t = \frac{v_t}{1 - \beta_2^t},\quad
        u_t = \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},
        \qquad
        h_t = \min\left(s\,\frac{\max(E_t - E^*, 0)}{\langle g_t, u_t\rangle},\; h_{\max}\right),
        \qquad \text{update} = h_t\, u_t

    with :math:`m_t, v_t` the moving averages of :math:`g_t` and
    :math:`g_t^2` (decays :math:`\beta_1, \beta_2`), as in ``optax.scale_by_adam``.
    Edge cases as :func:`corridors.scale_by_clr`; ``<g, u> <= 0`` (the
    direction points uphill for this batch) gives a zero update. Skipped
    steps (non-finite loss or gradient) leave both averages unchanged.

    Args and errors: as :func:`clr_adam`.

    Returns:
      An ``optax.GradientTransformationExtraArgs`` with state
      :class:`ScaleByCLRAdamState`; ``update`` takes ``value=``.

    Example:
      >>> import jax.numpy as jnp
      >>> import corridors
      >>> opt = corridors.scale_by_clr_adam(max_learning_rate=10.0)
      >>> state = opt.init(jnp.zeros(2))
      >>> # first step: u = g / |g| = (1, -1), <g, u> = ||g||_1 = 7, h = 14 / 7
      >>> u, state = opt.update(jnp.array([3.0, -4.0]), state, value=14.0)
      >>> print(u.round(4), round(float(state.step), 4))
      [ 2. -2.] 2.0
    """
    return _scale_by_clr_adam(b1, b2, eps, target, max_learning_rate, scale, sign=1.0)


def clr_adam(
    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
    target: ScalarOrSchedule = 0.0, max_learning_rate: ScalarOrSchedule = 1e-2, scale: ScalarOrSchedule = 1.0,
) -> GradientTransformationExtraArgs:
    r"""Adam's direction with the Corridor Learning Rate along it, capped at ``max_learning_rate``.

    :math:`\theta \leftarrow \theta - h_t u_t` with :math:`u_t` Adam's
    bias-corrected, preconditioned direction and
    :math:`h_t = \min(s\,(E_t - E^*)/\langle g_t, u_t\rangle, h_{\max})`: the
    step that reaches :math:`E^*` if the loss falls linearly along
    :math:`u_t` at the rate it falls now, as along a corridor (Dherin & Rosca
    2024, arXiv:2402.08818; Polyak 1987). A close relative of
    ``optax.contrib.momo_adam`` (Schaipp et al. 2023, arXiv:2305.07583),
    which solves a model averaged over past steps instead of the current one.
    The default cap is momo_adam's default learning rate, chosen by the cap
    study of docs/benchmarks.md (the only cap of 0.003-0.03 that needed no
    more steps than the best SGD learning rate in all 16 cells); it is active
    in 78-100 % of the steps there, where the steps to the target are mostly
    those of ``optax.adam(1e-2)``.

    Cost per step: Adam's (two moving averages, one elementwise division)
    plus one inner product over the parameters; memory: two float32 copies of
    the parameters, like Adam. On small models, whose step is mostly kernel
    launches, ``optax.flatten(clr_adam())`` runs the same update on one
    concatenated vector and costs less (docs/benchmarks.md).

    Args:
      b1: :math:`\beta_1 \in [0, 1)`, decay of the gradient average.
      b2: :math:`\beta_2 \in [0, 1)`, decay of the squared-gradient average.
      eps: :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v}`.
      target: level :math:`E^*` to aim at (scalar or schedule).
      max_learning_rate: the cap :math:`h_{\max}`, in Adam's units (scalar or schedule).
      scale: :math:`s`, multiplies the ratio before the cap (scalar or schedule).

    Returns:
      An ``optax.GradientTransformationExtraArgs``; call ``update(grads, state,
      params, value=loss)``. Its :class:`ScaleByCLRAdamState` carries the
      step taken (``state.step``) and whether the cap set it (``state.capped``).

    Raises:
      InvalidArgument: ``b1`` or ``b2`` outside [0, 1), ``eps`` not positive
        and finite, a non-finite ``target``, a ``max_learning_rate`` or
        ``scale`` that is not positive (or NaN), a non-scalar hyperparameter;
        at ``update``, a missing or non-scalar ``value``.

    Example:
      >>> import jax, jax.numpy as jnp, optax
      >>> import corridors
      >>> x = jnp.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
      >>> y = jnp.array([1.0, 2.0, 0.0])
      >>> loss = lambda p: 0.5 * jnp.mean((x @ p - y) ** 2)  # least squares, minimum 0.028
      >>> opt = corridors.clr_adam(max_learning_rate=0.1)
      >>> params = jnp.zeros(2)
      >>> state = opt.init(params)
      >>> for _ in range(200):
      ...     value, grad = jax.value_and_grad(loss)(params)
      ...     updates, state = opt.update(grad, state, params, value=value)
      ...     params = optax.apply_updates(params, updates)
      >>> print(round(float(loss(params)), 3))
      0.028
    """
    return _scale_by_clr_adam(b1, b2, eps, target, max_learning_rate, scale, sign=-1.0)
