"""Corridor indicators recorded along a real training run, and their plot."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import os
import warnings
from collections.abc import Callable, Iterable, Mapping

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .._errors import InvalidArgument
from .._optional import require
from .._plotting.figures import agg_figure
from ._format import fmt
from .._validate import (
    check_bool,
    check_loss,
    check_params,
    check_positive,
    check_positive_int,
    loss_keywords,
    scalar_loss,
    value_only,
)
from .indicators import INDICATOR_NAMES, Indicators, indicators

__all__ = ["ProbeResult", "plot_probe", "probe"]


class ProbeResult(eqx.Module):
    """Indicators recorded every ``every`` steps of a training run.

    Attributes:
        step: indices of the probed steps, shape ``(P,)``; step ``n`` is probed
            on batch ``n`` at the parameters *before* the optimizer update of
            that step.
        gap_ratio, gradient_change, decrease_ratio, directional_sharpness:
            the indicators (see :mod:`corridors.numeric`), shape ``(P,)``; NaN
            where undefined (not finite, stationary, or ``h ≤ 0``).
        loss, grad_norm, hg_norm, learning_rate: at the probed steps, shape ``(P,)``.
        finite, stationary: the status of each probe (see :class:`Indicators`),
            shape ``(P,)``.
        train_loss: the batch loss of every training step, shape ``(num_steps,)``.
        params: the parameters after the last step.
    """

    _: dataclasses.KW_ONLY

    step: np.ndarray
    gap_ratio: np.ndarray
    gradient_change: np.ndarray
    decrease_ratio: np.ndarray
    directional_sharpness: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    hg_norm: np.ndarray
    learning_rate: np.ndarray
    finite: np.ndarray
    stationary: np.ndarray
    train_loss: np.ndarray
    params: object

    def __str__(self) -> str:
        names = INDICATOR_NAMES + ("loss",)
        body = ", ".join(f"{k}={fmt(getattr(self, k), 3)}" for k in names)
        status = ""
        bad, still = int(np.sum(~np.asarray(self.finite))), int(np.sum(np.asarray(self.stationary)))
        if bad:
            status += f", non-finite probes={bad}"
        if still:
            status += f", stationary probes={still}"
        return f"ProbeResult(steps={self.train_loss.shape[0]}, probes={self.step.shape[0]}, {body}{status})"


_MISSING = object()


def probe(
    loss,
    params,
    optimizer,
    batches: Iterable,
    *,
    learning_rate,
    every: int = 10,
    num_steps: int | None = None,
    loss_kwargs: Mapping | None = None,
    has_aux: bool = False,
    progress: bool = False,
) -> ProbeResult:
    """Train with an optax optimizer and record the corridor indicators every ``every`` steps.

    Formula: at each probed step ``n`` the :func:`indicators` of the batch
    loss ``Eₙ(θ) = loss(θ, batchₙ, **loss_kwargs)`` at the current ``θₙ`` for
    the GD step ``h = hₙ`` (e.g. ``gap_ratio = (h/2)‖H g‖/‖g‖``).

    Each training step computes ``value, grad = value_and_grad(Eₙ)(θₙ)`` and
    calls ``optimizer.update(grad, state, θₙ, value=value, grad=grad,
    value_fn=Eₙ)``, the extra arguments of ``optax.GradientTransformationExtraArgs``:
    so any optax optimizer works, including those that need the loss value
    (:func:`corridors.clr`, ``optax.polyak_sgd``, ``optax.contrib.reduce_on_plateau``)
    or the loss function (``optax.lbfgs``). Plain ``GradientTransformation``
    objects ignore the extra arguments.

    Extra arguments follow the convention of :func:`hg`: each batch is *one*
    positional argument, never unpacked, so the step is ``hg(loss, θ, batch,
    loss_kwargs=...)``. (A tuple batch for a loss that only accepts it
    unpacked, ``loss(params, x, y)``, is still unpacked, with a
    ``DeprecationWarning``; write ``loss(params, batch)`` instead.)

    Args:
        loss: ``loss(params, batch, **loss_kwargs)`` returning a real scalar,
            or ``(value, aux)`` with ``has_aux=True`` (``aux`` is discarded).
        params: initial pytree of floating arrays.
        optimizer: an optax ``GradientTransformation`` (e.g. ``optax.sgd(0.1)``,
            ``corridors.clr(...)``, ``optax.polyak_sgd()``).
        batches: iterable of batches, each passed to ``loss`` as one argument.
        learning_rate: ``h`` of the indicators, one of

            * a number ``> 0``;
            * a schedule ``n -> h`` (use the optimizer's own schedule);
            * a string: the name of a scalar field of the optimizer state,
              found with ``optax.tree_utils.tree_get`` in the state *after*
              the update of step ``n``, i.e. the step the optimizer took from
              ``θₙ``: ``"step"`` for :func:`corridors.clr`, ``"learning_rate"``
              for ``optax.inject_hyperparams``.

            Where a schedule or the state gives ``h ≤ 0`` (a warm-up from 0,
            a skipped CLR step) the indicators of that probe are NaN.
        every: probe every ``every`` steps (step 0 included).
        num_steps: stop after this many steps (default: when ``batches`` ends).
        loss_kwargs: mapping of keyword arguments of ``loss``.
        has_aux: ``loss`` returns ``(value, aux)``.
        progress: show a tqdm progress bar.

    Returns:
        :class:`ProbeResult` (NumPy-backed arrays). If a probe sees NaN or inf
        (a diverged run), its indicators are NaN, ``finite`` is ``False`` and a
        ``RuntimeWarning`` names the first such step.

    Raises:
        InvalidArgument: bad ``loss``, ``params``, ``optimizer``, ``every``,
            ``num_steps`` or ``learning_rate`` (a constant that is not ``> 0``,
            a state field that does not exist or is not a scalar), or no batches.

    Example:
        >>> import jax.numpy as jnp, optax, corridors
        >>> loss = lambda w, x: jnp.mean((x @ w - 1.0) ** 2)
        >>> x = jnp.eye(3)
        >>> r = probe(loss, jnp.zeros(3), optax.sgd(0.1), [x] * 20, learning_rate=0.1, every=5)
        >>> r.step.tolist(), bool(r.train_loss[-1] < r.train_loss[0])
        ([0, 5, 10, 15], True)
        >>> clr = corridors.clr(target=0.0, max_learning_rate=10.0, scale=1.0)  # the paper's step, h from the state
        >>> r = probe(loss, jnp.zeros(3), clr, [x] * 4, learning_rate="step", every=1)
        >>> [round(float(h), 3) for h in r.learning_rate]             # E/‖g‖² = 1/(4/3)
        [0.75, 0.75, 0.75, 0.75]
    """
    import optax  # only the probe needs optax

    check_loss(loss)
    params = check_params(params)
    every = check_positive_int(every, "every")
    if num_steps is not None:
        num_steps = check_positive_int(num_steps, "num_steps")
    check_bool(has_aux, "has_aux")
    kwargs = loss_keywords(loss_kwargs, {}, "probe")
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        raise InvalidArgument(
            f"optimizer must be an optax.GradientTransformation, got {type(optimizer).__name__}"
        )
    optimizer = optax.with_extra_args_support(optimizer)
    opt_state = optimizer.init(params)
    state_key = None
    if isinstance(learning_rate, str):
        state_key = learning_rate
        _check_state_field(opt_state, state_key)
    elif not callable(learning_rate):
        check_positive(learning_rate, "learning_rate")
    train_step = _make_train_step(loss, optimizer, kwargs, has_aux, state_key)
    measure = _make_measure(loss, kwargs, has_aux)
    records: list[Indicators] = []
    steps: list[int] = []
    train_loss: list[jax.Array] = []
    iterator = iter(batches)
    if num_steps is not None:
        iterator = itertools.islice(iterator, num_steps)
    if progress:
        tqdm = require("tqdm.auto", "probe(..., progress=True)").tqdm
        iterator = tqdm(iterator, total=num_steps, desc="probe")
    unpack = None
    for n, batch in enumerate(iterator):
        if unpack is None:  # decided once, on the first batch
            unpack = _unpacks_tuple_batch(loss, params, batch, kwargs)
        args = tuple(batch) if unpack else (batch,)
        new_params, opt_state, value, state_h = train_step(params, opt_state, args)
        if n % every == 0:
            if state_key is not None:
                h = state_h
            elif callable(learning_rate):
                h = learning_rate(n)
                if jnp.ndim(h) != 0:
                    raise InvalidArgument(f"learning_rate({n}) must be a scalar, got shape {jnp.shape(h)}")
            else:
                h = learning_rate
            records.append(measure(params, h, args))
            steps.append(n)
        params = new_params
        train_loss.append(value)
    if not steps:
        raise InvalidArgument("batches is empty: nothing to train on")
    stacked = {name: np.asarray([getattr(r, name) for r in records]) for name in _field_names(Indicators)}
    result = ProbeResult(
        step=np.asarray(steps),
        train_loss=np.asarray(train_loss),
        params=params,
        **stacked,
    )
    _warn_if_diverged(result)
    return result


def _field_names(cls) -> list[str]:
    """The fields of a dataclass, without the ``KW_ONLY`` marker that ``__annotations__`` lists."""
    return [field.name for field in dataclasses.fields(cls)]


def _check_state_field(opt_state, key: str) -> None:
    """Raise unless the optimizer state has exactly one scalar field ``key``."""
    import optax

    try:
        found = _state_field(opt_state, key, default=_MISSING)
    except KeyError:
        raise InvalidArgument(
            f"learning_rate={key!r}: the optimizer state has several array fields {key!r} "
            f"(state: {type(opt_state).__name__}); pass a number or a schedule instead"
        ) from None
    if found is _MISSING:
        raise InvalidArgument(
            f"learning_rate={key!r}: the optimizer state has no field {key!r} "
            f"(state: {type(opt_state).__name__}); pass the optimizer's learning rate as a number "
            "or a schedule, or name a scalar field of its state (e.g. 'step' for corridors.clr, "
            "'learning_rate' for optax.inject_hyperparams)"
        )
    if jnp.ndim(found) != 0 or not jnp.issubdtype(jnp.result_type(found), jnp.floating):
        raise InvalidArgument(
            f"learning_rate={key!r}: the state field {key!r} must be a floating scalar, got "
            f"shape {jnp.shape(found)} and dtype {jnp.result_type(found)}"
        )


def _state_field(opt_state, key: str, default=None):
    """The array named ``key`` in the optimizer state (``optax.tree_utils.tree_get``).

    Only array values count, so that ``optax.inject_hyperparams`` with a
    schedule (which also keeps a schedule *state* under the same name) has one.
    """
    import optax

    return optax.tree_utils.tree_get(
        opt_state, key, default=default, filtering=lambda _, value: eqx.is_array(value)
    )


def _unpacks_tuple_batch(loss, params, batch, kwargs) -> bool:
    """Deprecated convention: unpack a tuple batch for a loss that accepts it only unpacked."""
    if not isinstance(batch, tuple):
        return False
    try:
        signature = inspect.signature(loss)
    except (TypeError, ValueError):
        return False

    def binds(*args) -> bool:
        try:
            signature.bind(params, *args, **kwargs)
        except TypeError:
            return False
        return True

    if binds(batch) or not binds(*batch):
        return False
    warnings.warn(
        f"probe passes each batch to the loss as one argument, loss(params, batch); this loss takes "
        f"the {len(batch)} entries of a tuple batch separately, so they are unpacked for now. This "
        "is deprecated: write the loss as loss(params, batch), or pass "
        "lambda params, batch: loss(params, *batch)",
        DeprecationWarning,
        stacklevel=3,
    )
    return True


def _warn_if_diverged(result: ProbeResult) -> None:
    bad = ~np.asarray(result.finite)
    if bad.any():
        first = int(np.asarray(result.step)[np.argmax(bad)])
        warnings.warn(
            f"probe: {int(bad.sum())} of {bad.size} probes saw NaN or inf (first at step {first}): "
            "the training run diverged; their indicators are NaN and finite is False",
            RuntimeWarning,
            stacklevel=3,
        )


def _make_train_step(loss, optimizer, kwargs, has_aux, state_key) -> Callable:
    import optax

    @eqx.filter_jit
    def train_step(params, opt_state, args):
        energy = value_only(scalar_loss(loss, args, kwargs, has_aux))
        value, grads = jax.value_and_grad(energy)(params)
        updates, opt_state = optimizer.update(
            grads, opt_state, params, value=value, grad=grads, value_fn=energy
        )
        h = None if state_key is None else _state_field(opt_state, state_key)
        return optax.apply_updates(params, updates), opt_state, value, h

    return train_step


def _make_measure(loss, kwargs, has_aux) -> Callable:
    @eqx.filter_jit
    def measure(params, h, args):
        return indicators(loss, params, h, *args, loss_kwargs=kwargs, has_aux=has_aux)

    # h as an array: a new learning rate does not recompile.
    return lambda params, h, args: measure(params, jnp.asarray(h, jnp.result_type(float)), args)


_PANELS = (
    ("loss", "batch loss $E$", "log"),
    ("gap_ratio", r"gap ratio $\frac{h}{2}\|Hg\|/\|g\|$ (0 in a corridor)", "log"),
    ("gradient_change", r"gradient change $\|g_1-g\|/\|g\|$ (0 in a corridor)", "log"),
    ("decrease_ratio", r"decrease ratio $\Delta E/(h\|g\|^2)$ (1 in a corridor)", "linear"),
    ("directional_sharpness", r"$h\,g^\top Hg/\|g\|^2$ (0 in a corridor; GD unstable > 2)", "linear"),
)


def plot_probe(result: ProbeResult, target=None, *, title: str | None = None):
    """Plot the indicators of a :func:`probe` run against the step.

    Args:
        result: a :class:`ProbeResult`.
        target: a file path (``str`` or ``os.PathLike``; the figure is rendered
            with the Agg backend and saved there, format from the suffix), a
            matplotlib ``Axes`` (the two gap indicators are drawn on it, log
            scale), or ``None`` (return a new figure without saving).
        title: optional figure or axes title.

    Returns:
        The matplotlib ``Figure`` (path or ``None``) or the given ``Axes``.
    """
    if not isinstance(result, ProbeResult):
        raise InvalidArgument(f"result must be a ProbeResult, got {type(result).__name__}")
    step = np.asarray(result.step)
    if target is not None and hasattr(target, "plot") and hasattr(target, "set_yscale"):
        ax = target
        for name in ("gap_ratio", "gradient_change"):
            ax.plot(step, _positive(getattr(result, name)), marker=".", label=name)
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("indicator (0 in a corridor)")
        ax.legend()
        if title:
            ax.set_title(title)
        return ax
    if target is not None and not isinstance(target, (str, os.PathLike)):
        raise InvalidArgument(f"target must be a path, a matplotlib Axes or None, got {type(target).__name__}")
    figure = agg_figure(size=(7, 2.0 * len(_PANELS)))
    axes = figure.subplots(len(_PANELS), 1, sharex=True)
    for ax, (name, label, scale) in zip(axes, _PANELS):
        values = np.asarray(getattr(result, name), dtype=float)
        if name == "loss":
            ax.plot(np.arange(len(result.train_loss)), _positive(result.train_loss), lw=0.8, alpha=0.5,
                    label="every step")
        ax.plot(step, _positive(values) if scale == "log" else values, marker=".", label="probed")
        ax.set_yscale(scale)
        ax.set_ylabel(name)
        ax.set_title(label, fontsize=9)
    axes[0].legend(fontsize=8)
    axes[-1].set_xlabel("training step")
    if title:
        figure.suptitle(title)
    if target is not None:
        figure.savefig(os.fspath(target), dpi=120)
    return figure


def _positive(values):
    """Values for a log axis: zeros (exact corridors) at the smallest positive value, NaN left as a gap.

    A NaN (undefined indicator: diverged run, stationary point) must not be
    drawn as the smallest value, which would read as the closest to a corridor.
    """
    values = np.asarray(values, dtype=float)
    positive = values[values > 0]
    floor = positive.min() if positive.size else 1e-300
    return np.where(np.isnan(values), np.nan, np.where(values > 0, values, floor))
