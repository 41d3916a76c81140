"""Dimensionless corridor indicators at one point and one step size.

All four indicators compare one gradient-descent step ``θ₁ = θ − h g`` with
the gradient-flow solution ``θ(h)`` through the same point. Units: with ``θ``
in units ``[θ]`` and the loss in ``[E]``, ``g`` is ``[E]/[θ]``, ``H`` is
``[E]/[θ]²`` and, since ``dθ/dt = −g``, time and the learning rate ``h`` are
``[θ]²/[E]``; every indicator below is a pure number.

=======================  =====================================  ==========  ============
name                     formula                                range       corridor
=======================  =====================================  ==========  ============
gap_ratio                ``(h/2) ‖H g‖ / ‖g‖``                   [0, ∞)      0
gradient_change          ``‖g(θ − h g) − g(θ)‖ / ‖g(θ)‖``        [0, ∞)      0
decrease_ratio           ``(E(θ) − E(θ − h g)) / (h ‖g‖²)``      (−∞, ∞)     1
directional_sharpness    ``h gᵀ H g / ‖g‖²``                     (−∞, ∞)     0
=======================  =====================================  ==========  ============

* ``gap_ratio`` is the predicted one-step GD–GF gap ``(h²/2)‖H g‖`` divided
  by the step length ``h‖g‖``: the relative error of GD as a GF integrator.
* ``gradient_change`` is its measured counterpart (``= 2·gap_ratio + O(h²)``):
  on a corridor the gradient is constant along the GF line.
* ``decrease_ratio`` is the realised loss decrease over the first-order
  prediction; on a corridor the loss is exactly linear in ``t`` along the step,
  so it is exactly 1. It equals ``1 − directional_sharpness/2 + O(h²)``. It
  loses meaning when ``h‖g‖²`` is below the float resolution of ``E``
  (``≈ eps·|E|``): the numerator then cancels to round-off.
* ``directional_sharpness`` is the curvature along ``g`` in units of ``1/h``;
  GD is stable along ``g`` only where it is below 2 (edge of stability).
  ``|directional_sharpness| ≤ 2·gap_ratio`` by Cauchy–Schwarz.

Where the indicators are undefined they are NaN, never the corridor values,
and a status field says why:

* ``stationary``: ``g = 0`` (``‖g‖² = 0`` in the working precision). GD and GF
  both stay put, but every ratio above is ``0/0``. A stationary point is not a
  corridor (a corridor needs ``H g = 0`` *with* ``g ≠ 0``: a straight line
  travelled at constant speed ``‖g‖``).
* ``finite`` is ``False``: ``E``, ``g`` or ``H g`` at ``θ``, or ``E`` or ``g`` at
  ``θ − h g``, has a NaN or infinite entry (for example the parameters of a
  diverged training run).
* ``h`` is not a finite number ``> 0`` (only possible when ``h`` is traced;
  a concrete bad ``h`` raises ``InvalidArgument``).

Gradients of the indicators with respect to ``θ`` stay finite at ``g = 0``
and at kinks handled by :func:`safe_norm` (NaN-free division).
"""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from ._format import fmt
from ._trees import safe_div, safe_norm, tree_all_finite
from .._validate import (
    check_bool,
    check_loss,
    check_params,
    check_positive,
    loss_keywords,
    params_dtype,
    scalar_loss,
)
from .hessian_vector import hg_at

__all__ = [
    "INDICATOR_NAMES",
    "IndicatorName",
    "Indicators",
    "decrease_ratio",
    "directional_sharpness",
    "gap_ratio",
    "gradient_change",
    "indicators",
]

IndicatorName = Literal["gap_ratio", "gradient_change", "decrease_ratio", "directional_sharpness"]
"""The name of one of the four dimensionless corridor indicators."""

INDICATOR_NAMES: tuple[IndicatorName, ...] = get_args(IndicatorName)


# Each ratio below is NaN where ``g = 0`` (0/0) or an input is NaN, via a
# NaN-free division: its gradient stays finite even there.


def gap_ratio(grad, hess_grad, learning_rate) -> jax.Array:
    """Predicted relative one-step GD–GF gap ``(h/2)‖H g‖/‖g‖`` (NaN where ``g = 0``)."""
    return safe_div(0.5 * learning_rate * safe_norm(hess_grad), safe_norm(grad), jnp.nan)


def gradient_change(grad, grad_next) -> jax.Array:
    """Measured relative gradient change over one step ``‖g₁ − g‖/‖g‖`` (NaN where ``g = 0``)."""
    return safe_div(safe_norm(optax.tree.sub(grad_next, grad)), safe_norm(grad), jnp.nan)


def decrease_ratio(value, value_next, grad, learning_rate) -> jax.Array:
    """Realised over predicted loss decrease ``(E − E₁)/(h‖g‖²)`` (NaN where ``g = 0``)."""
    return safe_div(value - value_next, learning_rate * optax.tree.norm(grad, squared=True), jnp.nan)


def directional_sharpness(grad, hess_grad, learning_rate) -> jax.Array:
    """Curvature along the gradient in units of ``1/h``: ``h gᵀHg/‖g‖²`` (NaN where ``g = 0``)."""
    return safe_div(learning_rate * optax.tree.vdot(grad, hess_grad), optax.tree.norm(grad, squared=True), jnp.nan)


class Indicators(eqx.Module):
    """Corridor indicators at one point for one learning rate (see module docs).

    Attributes:
        gap_ratio, gradient_change, decrease_ratio, directional_sharpness:
            the dimensionless indicators (corridor values 0, 0, 1, 0); NaN
            where they are undefined (see :attr:`defined`).
        loss: ``E(θ)``.
        grad_norm: ``‖g‖``.
        hg_norm: ``‖H g‖``.
        learning_rate: the step size ``h`` they refer to.
        finite: ``True`` when ``E``, ``g``, ``H g`` at ``θ`` and ``E``, ``g`` at
            ``θ − h g`` are all finite; ``False`` flags NaN or inf (e.g. diverged
            parameters), and the indicators are then NaN.
        stationary: ``True`` at a stationary point, ``g = 0`` (``‖g‖² = 0`` in
            the working precision): the ratios are ``0/0`` and NaN. A
            stationary point is not a corridor.
    """

    _: dataclasses.KW_ONLY
    gap_ratio: jax.Array
    gradient_change: jax.Array
    decrease_ratio: jax.Array
    directional_sharpness: jax.Array
    loss: jax.Array
    grad_norm: jax.Array
    hg_norm: jax.Array
    learning_rate: jax.Array
    finite: jax.Array
    stationary: jax.Array

    @property
    def defined(self) -> jax.Array:
        """``True`` where the four indicators are numbers: finite input, ``g ≠ 0``, ``h > 0``."""
        h = self.learning_rate
        return self.finite & ~self.stationary & jnp.isfinite(h) & (h > 0)

    def __str__(self) -> str:
        fields = ("gap_ratio", "gradient_change", "decrease_ratio", "directional_sharpness",
                  "loss", "grad_norm", "hg_norm", "learning_rate", "finite", "stationary")
        return "Indicators(" + ", ".join(f"{k}={fmt(getattr(self, k))}" for k in fields) + ")"


def indicators(
    loss, params, learning_rate, *args, loss_kwargs=None, has_aux: bool = False, **deprecated_kwargs
) -> Indicators:
    """Corridor indicators of ``loss`` at ``params`` for GD step size ``learning_rate``.

    Costs one :func:`hg` at ``θ`` plus one ``value_and_grad`` at ``θ − h g``.
    The indicators are finite wherever ``loss`` has finite first and second
    derivatives and ``g ≠ 0``; at ``g = 0`` (``stationary``) and on NaN or
    infinite values (``finite`` is ``False``) they are NaN, never the corridor
    values. Their gradients stay finite at ``g = 0`` and at the apex of a cone
    written with :func:`safe_norm`.

    Args:
        loss: ``loss(params, *args, **loss_kwargs)`` returning a real scalar,
            or ``(value, aux)`` with ``has_aux=True``.
        params: pytree of real floating arrays, the point ``θ``.
        learning_rate: ``h > 0`` (may be traced under jit).
        *args: passed to ``loss`` unchanged (a data batch, ...), as in :func:`hg`.
        loss_kwargs: mapping of keyword arguments of ``loss`` (keywords given
            directly still work, with a ``DeprecationWarning``).
        has_aux: ``loss`` returns ``(value, aux)``; ``aux`` is discarded
            (use :func:`hg` to get it).

    Returns:
        :class:`Indicators`, with the status fields ``finite`` and ``stationary``.

    Raises:
        InvalidArgument: bad ``loss`` or ``params``, or a concrete
            ``learning_rate`` that is not a finite number ``> 0``.

    Example:
        >>> import jax.numpy as jnp
        >>> ind = indicators(lambda t: jnp.sum(t) + 0.5 * t[0] ** 2, jnp.array([0.0, 0.0]), 0.1)
        >>> round(float(ind.gap_ratio), 6), round(float(ind.decrease_ratio), 6)
        (0.035355, 0.975)
        >>> at_minimum = indicators(lambda t: jnp.sum(t ** 2), jnp.zeros(2), 0.1)
        >>> bool(at_minimum.stationary), float(at_minimum.gap_ratio)   # g = 0 is not a corridor
        (True, nan)
    """
    check_loss(loss)
    params = check_params(params)
    check_positive(learning_rate, "learning_rate")
    check_bool(has_aux, "has_aux")
    kwargs = loss_keywords(loss_kwargs, deprecated_kwargs, "indicators")
    energy = scalar_loss(loss, args, kwargs, has_aux)
    at_theta = hg_at(energy, params)
    h = jnp.asarray(learning_rate, dtype=params_dtype(params))
    stepped = optax.tree.cast_like(optax.tree.add_scale(params, -h, at_theta.grad), params)
    (value_next, _), grad_next = jax.value_and_grad(energy, has_aux=True)(stepped)
    finite = (
        jnp.isfinite(at_theta.value)
        & jnp.isfinite(value_next)
        & tree_all_finite((at_theta.grad, at_theta.hg, grad_next))
    )
    stationary = optax.tree.norm(at_theta.grad, squared=True) == 0
    defined = finite & ~stationary & jnp.isfinite(h) & (h > 0)

    def where_defined(x):
        return jnp.where(defined, x, jnp.nan)

    return Indicators(
        gap_ratio=where_defined(gap_ratio(at_theta.grad, at_theta.hg, h)),
        gradient_change=where_defined(gradient_change(at_theta.grad, grad_next)),
        decrease_ratio=where_defined(decrease_ratio(at_theta.value, value_next, at_theta.grad, h)),
        directional_sharpness=where_defined(directional_sharpness(at_theta.grad, at_theta.hg, h)),
        loss=at_theta.value,
        grad_norm=safe_norm(at_theta.grad),
        hg_norm=safe_norm(at_theta.hg),
        learning_rate=h,
        finite=finite,
        stationary=stationary,
    )
