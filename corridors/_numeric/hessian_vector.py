"""The Hessian–gradient product ``H g`` by forward-over-reverse differentiation.

``H g`` is the quantity that defines corridors (``H g = 0``, equivalently
``∇‖g‖² = 2 H g = 0``) and the leading term of the gap between one step of
gradient descent and gradient flow: ``θ₁ − θ(h) = −(h²/2) H g + O(h³)``.
"""

from __future__ import annotations

import equinox as eqx
import jax
import optax

from ._format import fmt
from ._trees import safe_norm
from .._validate import check_bool, check_loss, check_params, loss_keywords, scalar_loss

__all__ = ["HgResult", "hg"]


class HgResult(eqx.Module):
    """Loss value, gradient and Hessian–gradient product at one point.

    Attributes:
        value: ``E(θ)``, a scalar.
        grad: ``g = ∇E(θ)``, same pytree structure as the parameters.
        hg: ``H g = ∇²E(θ)·∇E(θ)``, same pytree structure as the parameters.
        aux: the auxiliary output of a loss returning ``(value, aux)``
            (``has_aux=True``), else ``None``.
    """

    value: jax.Array
    grad: object
    hg: object
    aux: object = None

    def __str__(self) -> str:
        try:
            size = optax.tree.size(self.grad)
        except Exception:
            size = "?"
        return (
            f"HgResult(value={fmt(self.value)}, |g|={fmt(safe_norm(self.grad))}, "
            f"|Hg|={fmt(safe_norm(self.hg))}, parameters={size})"
        )


def hg(loss, params, *args, loss_kwargs=None, has_aux: bool = False, **deprecated_kwargs) -> HgResult:
    """Value, gradient ``g`` and Hessian–gradient product ``H g`` in one pass.

    Formula: ``H g = ∇²E(θ) ∇E(θ) = ½ ∇‖∇E(θ)‖²`` with
    ``E(θ) = loss(θ, *args, **loss_kwargs)``.

    The Hessian is never formed. ``jax.linearize`` of ``value_and_grad`` runs
    the forward and backward pass once and keeps the linearization, which is
    then applied to the gradient it produced (forward-over-reverse). The cost
    is that of a forward-mode pass through ``value_and_grad``: 2–3× one
    ``value_and_grad`` in FLOPs (2.2× measured on a 10⁶-parameter MLP on CPU,
    ``benchmarks/hg_cost.py``); memory is O(parameters + activations).
    Works under ``jax.jit`` and with sharded parameters or batches.

    Extra arguments follow the convention of the whole module: the loss is
    called as ``loss(params, *args, **loss_kwargs)``, ``args`` positionally
    and never unpacked (a tuple batch is one argument), exactly as in
    :func:`indicators`, :func:`gd_vs_gf` and (one batch per step) :func:`probe`.

    Args:
        loss: ``loss(params, *args, **loss_kwargs)`` returning a real scalar,
            or ``(value, aux)`` with ``has_aux=True``.
        params: a pytree of real floating arrays (for an equinox model, pass
            ``eqx.partition(model, eqx.is_inexact_array)[0]``); bfloat16,
            float16, float32 and float64 work, and the result keeps that dtype.
        *args: passed to ``loss`` unchanged (data batches, ...); not differentiated.
        loss_kwargs: mapping of keyword arguments of ``loss``, passed
            unchanged; not differentiated. (Keywords given directly to ``hg``
            still reach the loss, with a ``DeprecationWarning``.)
        has_aux: ``loss`` returns ``(value, aux)``; ``aux`` (any pytree) is
            returned in :attr:`HgResult.aux` and not differentiated.

    Returns:
        An :class:`HgResult` with ``value``, ``grad``, ``hg`` (and ``aux``).
        NaN or infinite parameters give NaN or infinite results.

    Raises:
        InvalidArgument: ``loss`` is not callable or does not return a real
            scalar (or a pair, with ``has_aux``), ``params`` has non-floating
            leaves, or ``loss_kwargs`` is not a mapping.

    Example:
        >>> import jax.numpy as jnp
        >>> r = hg(lambda t: t[0] ** 2 * t[1], jnp.array([1.0, 2.0]))
        >>> float(r.value), r.grad.tolist(), r.hg.tolist()
        (2.0, [4.0, 1.0], [18.0, 8.0])
        >>> with_aux = lambda t, scale: (scale * jnp.sum(t ** 2), {"norm": jnp.linalg.norm(t)})
        >>> r = hg(with_aux, jnp.array([3.0, 4.0]), loss_kwargs={"scale": 0.5}, has_aux=True)
        >>> r.hg.tolist(), float(r.aux["norm"])
        ([3.0, 4.0], 5.0)
    """
    check_loss(loss)
    params = check_params(params)
    check_bool(has_aux, "has_aux")
    kwargs = loss_keywords(loss_kwargs, deprecated_kwargs, "hg")
    return hg_at(scalar_loss(loss, args, kwargs, has_aux), params)


def hg_at(energy, params) -> HgResult:
    """:func:`hg` of a checked ``energy(θ) -> (E, aux)`` (see ``_validate.scalar_loss``)."""

    def value_and_grad(p):
        (value, aux), grad = jax.value_and_grad(energy, has_aux=True)(p)
        return (value, grad), aux

    (value, grad), linear, aux = jax.linearize(value_and_grad, params, has_aux=True)
    _, hess_grad = linear(grad)
    return HgResult(value=value, grad=grad, hg=hess_grad, aux=aux)
