"""Early argument checks of the numeric backend and of the optimizers, raising ``InvalidArgument``.

One module for both layers, so that the same check is written once and every
message names the bad value and says what to do. Checks run at trace time on
shapes and dtypes only, so they work unchanged under ``jax.jit``; value checks
(``h > 0``, finite parameters, a positive cap) are skipped for traced values:
the optimizers check those inside the update instead (see
:func:`corridors._optim.step_rule.clr_step`).

Extra arguments of the loss follow one convention across :func:`hg`,
:func:`indicators`, :func:`gd_vs_gf` and :func:`probe`: the loss is called as
``loss(params, *args, **loss_kwargs)``. ``args`` are passed positionally and
never unpacked (a tuple batch stays one argument); keyword arguments of the
loss go in the keyword-only mapping ``loss_kwargs``, so that they can never
collide with the library's own options (``has_aux``, ``rtol``, ...).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from ._errors import InvalidArgument

__all__ = [
    "Hyperparameter",
    "check_bool",
    "check_hyperparameter",
    "check_unit_interval",
    "check_value",
    "concrete",
    "check_finite_params",
    "check_loss",
    "check_params",
    "check_positive",
    "check_positive_int",
    "loss_keywords",
    "params_dtype",
    "scalar_loss",
    "value_only",
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
                "(bfloat16, float16, float32 or float64)"
            )
    return jax.tree.map(jnp.asarray, params)


def check_finite_params(params, what: str, name: str = "params") -> None:
    """Raise unless every entry of ``params`` is finite (skipped when traced)."""
    for path, leaf in jax.tree_util.tree_leaves_with_path(params):
        known = concrete(leaf)
        if known is None:
            continue
        bad = ~np.isfinite(known.astype(np.float64))
        if bad.any():
            where = jax.tree_util.keystr(path)
            raise InvalidArgument(
                f"{name}{where} has {int(bad.sum())} non-finite entries of {bad.size} (NaN or inf); "
                f"{what} needs a finite point. Parameters of a diverged run cannot be probed: "
                "restart from an earlier checkpoint or with a smaller learning rate"
            )


def check_bool(value, name: str) -> bool:
    """Return ``value`` if it is a Python ``bool``, else raise."""
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name} must be True or False, got {value!r}")
    return value


def loss_keywords(loss_kwargs, deprecated: Mapping, caller: str) -> dict:
    """The keyword arguments of the loss: ``loss_kwargs``, plus deprecated ``**kwargs``.

    Keyword arguments given directly to ``caller`` (the old convention of
    :func:`hg` and :func:`indicators`) still reach the loss, with a
    ``DeprecationWarning`` that names the replacement.
    """
    if loss_kwargs is None:
        loss_kwargs = {}
    if not isinstance(loss_kwargs, Mapping):
        raise InvalidArgument(
            f"loss_kwargs must be a mapping of keyword arguments of loss, got {type(loss_kwargs).__name__}"
        )
    merged = dict(loss_kwargs)
    if deprecated:
        names = ", ".join(sorted(deprecated))
        clash = sorted(set(deprecated) & set(merged))
        if clash:
            raise InvalidArgument(f"{', '.join(clash)} given both in loss_kwargs and as keywords of {caller}")
        mapping = ", ".join(f"{k!r}: ..." for k in sorted(deprecated))
        warnings.warn(
            f"passing keyword arguments of the loss ({names}) directly to {caller} is deprecated; "
            f"pass them as {caller}(..., loss_kwargs={{{mapping}}})",
            DeprecationWarning,
            stacklevel=3,
        )
        merged.update(deprecated)
    return merged


def params_dtype(params):
    """The floating dtype that results from combining all leaves of ``params``."""
    return jnp.result_type(*jax.tree.leaves(params))


def concrete(value):
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
    known = concrete(value)
    if known is None:
        return
    if known.dtype.kind not in "biufc" and jnp.issubdtype(known.dtype, jnp.floating):
        known = known.astype(np.float64)  # bfloat16 and other ml_dtypes floats
    if not np.issubdtype(known.dtype, np.number) or np.iscomplexobj(known):
        raise InvalidArgument(f"{name} must be a real number, got {value!r}")
    if not (np.isfinite(known) and known > 0):
        raise InvalidArgument(f"{name} must be a finite number > 0, got {known.item()!r}")


def check_positive_int(value, name: str, alternative: str = "") -> int:
    """Return ``value`` as ``int`` if it is an integer ``≥ 1``, else raise.

    ``alternative`` completes the requirement in the message (e.g. ``" or a
    function of the update count"`` where a schedule is accepted too).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidArgument(f"{name} must be an integer >= 1{alternative}, got {value!r}")
    return int(value)


def scalar_loss(loss: Callable, args: tuple, kwargs: Mapping, has_aux: bool = False) -> Callable:
    """``θ ↦ (E, aux)`` from ``loss(θ, *args, **kwargs)``, checked at trace time.

    ``E`` must be a real floating scalar. With ``has_aux`` the loss returns
    ``(E, aux)``; without, ``aux`` is ``None``. Use :func:`value_only` for a
    function returning ``E`` alone.
    """

    def wrapped(params):
        out = loss(params, *args, **kwargs)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise InvalidArgument(
                    f"with has_aux=True, loss must return a pair (value, aux), got {_describe(out)}"
                )
            out, aux = out
        else:
            if isinstance(out, (tuple, list)):
                raise InvalidArgument(
                    f"loss returned a {type(out).__name__} of length {len(out)}, not a scalar; if it "
                    "returns (value, aux), pass has_aux=True"
                )
            aux = None
        shape = jnp.shape(out)
        if shape != ():
            raise InvalidArgument(
                f"loss must return a scalar, got shape {shape}; reduce it (e.g. with .mean())"
            )
        dtype = jnp.result_type(out)
        if not jnp.issubdtype(dtype, jnp.floating):
            raise InvalidArgument(f"loss must return a real floating scalar, got dtype {dtype}")
        return out, aux

    return wrapped


def value_only(energy: Callable) -> Callable:
    """``θ ↦ E`` from a :func:`scalar_loss` function ``θ ↦ (E, aux)``."""
    return lambda params: energy(params)[0]


def _describe(out) -> str:
    if isinstance(out, (tuple, list)):
        return f"a {type(out).__name__} of length {len(out)}"
    return f"{type(out).__name__} of shape {jnp.shape(out)}"


# --- optimizer arguments ------------------------------------------------------------
# Constructor arguments are checked in Python when they are concrete numbers.
# Schedules, and values traced under jit (optax.inject_hyperparams passes its
# hyperparameters as arrays), are checked inside the update instead: an invalid
# value there gives a zero update with ``state.skipped`` set (see clr_step).

Hyperparameter = Literal["target", "max_learning_rate", "scale"]
"""The hyperparameters of every CLR variant that may be numbers or schedules."""

_RULES: dict[Hyperparameter, tuple[bool, bool, str, str]] = {
    # name: (accepts inf, accepts <= 0, what the argument is, what to do)
    "target": (False, True, "the loss level E* the step aims at", "use 0.0 for Polyak's step"),
    "max_learning_rate": (
        True,
        False,
        "the cap on the step h",
        "pass a positive number, or jnp.inf for no cap (a negative cap would ascend the loss, NaN would skip every step)",
    ),
    "scale": (
        False,
        False,
        "the multiplier applied to the capped step",
        "pass a positive finite number (a negative scale would ascend the loss)",
    ),
}


def check_hyperparameter(name: Hyperparameter, value: Any) -> None:
    """Raise :class:`~corridors.InvalidArgument` if a concrete hyperparameter is out of range.

    Schedules (callables) and traced arrays pass: they are checked at each step.
    """
    if callable(value):
        return
    accepts_inf, accepts_nonpositive, meaning, todo = _RULES[name]
    if isinstance(value, (str, bytes)) or value is None:
        raise InvalidArgument(f"{name} must be a number or a schedule ({meaning}), got {value!r}: {todo}")
    shape = _shape(value, f"{name} must be a number or a schedule ({meaning}), got {value!r}: {todo}")
    if shape != ():
        raise InvalidArgument(
            f"{name} must be a scalar or a schedule ({meaning}), got an array of shape {shape}: {todo}"
        )
    if isinstance(value, jax.core.Tracer):
        return
    number = float(value)
    bad = math.isnan(number) or (math.isinf(number) and not accepts_inf) or (number <= 0 and not accepts_nonpositive)
    if bad:
        raise InvalidArgument(f"{name} must be {_requirement(name)} ({meaning}), got {value!r}: {todo}")


def _requirement(name: Hyperparameter) -> str:
    accepts_inf, accepts_nonpositive, _, _ = _RULES[name]
    if accepts_nonpositive:
        return "a finite number"
    return "positive (inf allowed)" if accepts_inf else "positive and finite"


def check_unit_interval(value: Any, name: str, meaning: str) -> None:
    """Raise unless ``value`` is a real scalar in ``[0, 1)`` (a decay or a fraction; traced values pass).

    ``meaning`` says what 0 gives, so that the message tells the user what to pass.
    """
    message = f"{name} must be a number in [0, 1) ({meaning}), got {value!r}"
    if value is None or isinstance(value, (str, bytes, bool)) or callable(value):
        raise InvalidArgument(message)
    if jnp.shape(value) != ():
        raise InvalidArgument(message)
    if not isinstance(value, jax.core.Tracer) and not 0.0 <= float(value) < 1.0:
        raise InvalidArgument(message)


def check_value(value: Any, who: str = "corridors.clr") -> None:
    """Raise :class:`~corridors.InvalidArgument` unless ``value`` is a scalar loss (shape ``()``)."""
    if value is None:
        raise InvalidArgument(
            f"{who} needs the loss value: call update(grads, state, params, value=loss), "
            "with the loss whose gradient is grads (e.g. from jax.value_and_grad)"
        )
    shape = _shape(value, f"value must be the scalar loss, got {value!r}")
    if shape != ():
        raise InvalidArgument(
            f"value must be the scalar loss (shape ()), got an array of shape {shape}: pass the mean "
            "loss of the batch, e.g. value=per_example_losses.mean() (a vector step would be broadcast "
            "into the update)"
        )


def _shape(value: Any, not_an_array: str) -> tuple:
    """``jnp.shape(value)``, or :class:`~corridors.InvalidArgument` saying ``not_an_array`` for a non-array."""
    try:
        return jnp.shape(value)
    except TypeError:
        raise InvalidArgument(not_an_array) from None
