"""Early input checks of the numeric backend, raising ``InvalidArgument``.

Checks run at trace time on shapes and dtypes only, so they work unchanged
under ``jax.jit``; value checks (``h > 0``) are skipped for traced values.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from .._errors import InvalidArgument

__all__ = [
    "check_loss",
    "check_params",
    "check_positive",
    "check_positive_int",
    "params_dtype",
    "scalar_loss",
]


def check_loss(loss) -> None:
    """Raise unless ``loss`` is callable."""
    if not callable(loss):
        raise InvalidArgument(f"loss must be a callable loss(params, *args), got {type(loss).__name__}")


def check_params(params, name: str = "params"):
    """Return ``params`` with array leaves; raise unless it is a non-empty pytree of real floats.

    Python floats become arrays (of JAX's default float dtype) so that every
    leaf has a dtype downstream.
    """
    leaves_with_path = jax.tree_util.tree_leaves_with_path(params)
    if not leaves_with_path:
        raise InvalidArgument(f"{name} has no array leaves; pass a pytree of floating arrays")
    for path, leaf in leaves_with_path:
        where = jax.tree_util.keystr(path) or "(root)"
        if isinstance(leaf, float):
            continue
        dtype = getattr(leaf, "dtype", None)
        if dtype is None:
            raise InvalidArgument(
                f"{name}{where} is a {type(leaf).__name__}, not an array; for an equinox "
                "model, split it first: params, static = eqx.partition(model, eqx.is_inexact_array)"
            )
        if not jnp.issubdtype(dtype, jnp.floating):
            raise InvalidArgument(
                f"{name}{where} has dtype {dtype}; parameters must be real floating arrays "
                "(float32 or float64)"
            )
    return jax.tree.map(jnp.asarray, params)


def params_dtype(params):
    """The floating dtype that results from combining all leaves of ``params``."""
    return jnp.result_type(*jax.tree.leaves(params))


def _concrete(value):
    """``value`` as a NumPy array if it is known at trace time, else ``None``."""
    try:
        return np.asarray(value)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError, TypeError):
        return None


def check_positive(value, name: str) -> None:
    """Raise unless ``value`` is a finite real scalar ``> 0`` (skipped when traced)."""
    if callable(value):
        return
    if jnp.ndim(value) != 0:
        raise InvalidArgument(f"{name} must be a scalar, got shape {jnp.shape(value)}")
    concrete = _concrete(value)
    if concrete is None:
        return
    if not np.issubdtype(concrete.dtype, np.number) or np.iscomplexobj(concrete):
        raise InvalidArgument(f"{name} must be a real number, got {value!r}")
    if not (np.isfinite(concrete) and concrete > 0):
        raise InvalidArgument(f"{name} must be a finite number > 0, got {concrete.item()!r}")


def check_positive_int(value, name: str) -> int:
    """Return ``value`` as ``int`` if it is an integer ``≥ 1``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgument(f"{name} must be an integer >= 1, got {value!r}")
    if value < 1:
        raise InvalidArgument(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def scalar_loss(loss: Callable, args: tuple, kwargs: Mapping) -> Callable:
    """``θ ↦ loss(θ, *args, **kwargs)``, checking at trace time that it is a real scalar."""

    def wrapped(params):
        out = loss(params, *args, **kwargs)
        shape = jnp.shape(out)
        if shape != ():
            raise InvalidArgument(
                f"loss must return a scalar, got shape {shape}; reduce it (e.g. with .mean())"
            )
        dtype = jnp.result_type(out)
        if not jnp.issubdtype(dtype, jnp.floating):
            raise InvalidArgument(f"loss must return a real floating scalar, got dtype {dtype}")
        return out

    return wrapped
