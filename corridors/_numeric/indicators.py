"""Dimensionless corridor indicators at one point and one step size.

All four indicators compare one gradient-descent step ``θ₁ = θ − h g`` with
the gradient-flow solution ``θ(h)`` through the same point. Units: with ``θ``
in units ``[θ]`` and the loss in ``[E]``, ``g`` is ``[E]/[θ]``, ``H`` is
``[E]/[θ]²`` and, since ``dθ/dt = −g``, time and the learning rate ``h`` are
``[θ]²/[E]``; every indicator below is a pure number.

=======================  =====================================  ==========  ============  ======
name                     formula                                range       corridor      g = 0
=======================  =====================================  ==========  ============  ======
gap_ratio                ``(h/2) ‖H g‖ / ‖g‖``                   [0, ∞)      0             0
gradient_change          ``‖g(θ − h g) − g(θ)‖ / ‖g(θ)‖``        [0, ∞)      0             0
decrease_ratio           ``(E(θ) − E(θ − h g)) / (h ‖g‖²)``      (−∞, ∞)     1             1
directional_sharpness    ``h gᵀ H g / ‖g‖²``                     (−∞, ∞)     0             0
=======================  =====================================  ==========  ============  ======

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

At a stationary point (``g = 0``) GD and GF both stay put, which is a
degenerate corridor; the indicators take their corridor values there (the
column ``g = 0``), with finite gradients, via NaN-free division.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ._format import fmt
from ._trees import safe_div, safe_norm, tree_axpy, tree_dot, tree_sq_norm, tree_sub
from ._validate import check_loss, check_params, check_positive, params_dtype, scalar_loss
from .hessian_vector import hg

__all__ = [
    "INDICATOR_NAMES",
    "Indicators",
    "decrease_ratio",
    "directional_sharpness",
    "gap_ratio",
    "gradient_change",
    "indicators",
]

INDICATOR_NAMES = ("gap_ratio", "gradient_change", "decrease_ratio", "directional_sharpness")


def gap_ratio(grad, hess_grad, learning_rate) -> jax.Array:
    """Predicted relative one-step GD–GF gap ``(h/2)‖H g‖/‖g‖`` (0 where ``g = 0``)."""
    return safe_div(0.5 * learning_rate * safe_norm(hess_grad), safe_norm(grad), 0)


def gradient_change(grad, grad_next) -> jax.Array:
    """Measured relative gradient change over one step ``‖g₁ − g‖/‖g‖`` (0 where ``g = 0``)."""
    return safe_div(safe_norm(tree_sub(grad_next, grad)), safe_norm(grad), 0)


def decrease_ratio(value, value_next, grad, learning_rate) -> jax.Array:
    """Realised over predicted loss decrease ``(E − E₁)/(h‖g‖²)`` (1 where ``g = 0``)."""
    return safe_div(value - value_next, learning_rate * tree_sq_norm(grad), 1)


def directional_sharpness(grad, hess_grad, learning_rate) -> jax.Array:
    """Curvature along the gradient in units of ``1/h``: ``h gᵀHg/‖g‖²`` (0 where ``g = 0``)."""
    return safe_div(learning_rate * tree_dot(grad, hess_grad), tree_sq_norm(grad), 0)


class Indicators(eqx.Module):
    """Corridor indicators at one point for one learning rate (see module docs).

    Attributes:
        gap_ratio, gradient_change, decrease_ratio, directional_sharpness:
            the dimensionless indicators (corridor values 0, 0, 1, 0).
        loss: ``E(θ)``.
        grad_norm: ``‖g‖``.
        hg_norm: ``‖H g‖``.
        learning_rate: the step size ``h`` they refer to.
    """

    gap_ratio: jax.Array
    gradient_change: jax.Array
    decrease_ratio: jax.Array
    directional_sharpness: jax.Array
    loss: jax.Array
    grad_norm: jax.Array
    hg_norm: jax.Array
    learning_rate: jax.Array

    def __str__(self) -> str:
        fields = ("gap_ratio", "gradient_change", "decrease_ratio", "directional_sharpness",
                  "loss", "grad_norm", "hg_norm", "learning_rate")
        return "Indicators(" + ", ".join(f"{k}={fmt(getattr(self, k))}" for k in fields) + ")"


def indicators(loss, params, learning_rate, *args, **kwargs) -> Indicators:
    """Corridor indicators of ``loss`` at ``params`` for GD step size ``learning_rate``.

    Costs one :func:`hg` at ``θ`` plus one ``value_and_grad`` at ``θ − h g``.
    Finite (with finite gradients) at ``g = 0`` and wherever ``loss`` itself
    has finite first and second derivatives, e.g. at the apex of a cone written
    with :func:`safe_norm`.

    Args:
        loss: ``loss(params, *args, **kwargs)`` returning a real scalar.
        params: pytree of real floating arrays, the point ``θ``.
        learning_rate: ``h > 0`` (may be traced under jit).
        *args: passed to ``loss`` (a data batch, ...).
        **kwargs: keyword arguments of ``loss``.

    Returns:
        :class:`Indicators`.

    Example:
        >>> import jax.numpy as jnp
        >>> ind = indicators(lambda t: jnp.sum(t) + 0.5 * t[0] ** 2, jnp.array([0.0, 0.0]), 0.1)
        >>> round(float(ind.gap_ratio), 6), round(float(ind.decrease_ratio), 6)
        (0.035355, 0.975)
    """
    check_loss(loss)
    params = check_params(params)
    check_positive(learning_rate, "learning_rate")
    at_theta = hg(loss, params, *args, **kwargs)
    h = jnp.asarray(learning_rate, dtype=params_dtype(params))
    stepped = tree_axpy(-h, at_theta.grad, params)
    value_next, grad_next = jax.value_and_grad(scalar_loss(loss, args, kwargs))(stepped)
    return Indicators(
        gap_ratio=gap_ratio(at_theta.grad, at_theta.hg, h),
        gradient_change=gradient_change(at_theta.grad, grad_next),
        decrease_ratio=decrease_ratio(at_theta.value, value_next, at_theta.grad, h),
        directional_sharpness=directional_sharpness(at_theta.grad, at_theta.hg, h),
        loss=at_theta.value,
        grad_norm=safe_norm(at_theta.grad),
        hg_norm=safe_norm(at_theta.hg),
        learning_rate=h,
    )
