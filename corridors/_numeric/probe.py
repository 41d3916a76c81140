"""Corridor indicators recorded along a real training run, and their plot."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .._errors import InvalidArgument
from ._format import fmt
from ._validate import check_loss, check_params, check_positive, check_positive_int, scalar_loss
from .indicators import INDICATOR_NAMES, Indicators, indicators

__all__ = ["ProbeResult", "plot_probe", "probe"]


class ProbeResult(eqx.Module):
    """Indicators recorded every ``every`` steps of a training run.

    Attributes:
        step: indices of the probed steps, shape ``(P,)``; step ``n`` is probed
            on batch ``n`` *before* the optimizer update of that step.
        gap_ratio, gradient_change, decrease_ratio, directional_sharpness:
            the indicators (see :mod:`corridors.numeric`), shape ``(P,)``.
        loss, grad_norm, hg_norm, learning_rate: at the probed steps, shape ``(P,)``.
        train_loss: the batch loss of every training step, shape ``(num_steps,)``.
        params: the parameters after the last step.
    """

    step: jax.Array
    gap_ratio: jax.Array
    gradient_change: jax.Array
    decrease_ratio: jax.Array
    directional_sharpness: jax.Array
    loss: jax.Array
    grad_norm: jax.Array
    hg_norm: jax.Array
    learning_rate: jax.Array
    train_loss: jax.Array
    params: object

    def __str__(self) -> str:
        names = INDICATOR_NAMES + ("loss",)
        body = ", ".join(f"{k}={fmt(getattr(self, k), 3)}" for k in names)
        return f"ProbeResult(steps={self.train_loss.shape[0]}, probes={self.step.shape[0]}, {body})"


def _as_args(batch) -> tuple:
    """A batch is passed as ``loss(params, *batch)`` if it is a tuple, else ``loss(params, batch)``."""
    return tuple(batch) if isinstance(batch, tuple) else (batch,)


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
    progress: bool = False,
) -> ProbeResult:
    """Train with an optax optimizer and record the corridor indicators every ``every`` steps.

    Formula: at each probed step ``n`` the :func:`indicators` of the batch
    loss ``Eₙ(θ) = loss(θ, *batchₙ)`` at the current ``θₙ`` for the GD step
    ``h = learning_rate(n)`` (e.g. ``gap_ratio = (h/2)‖H g‖/‖g‖``).

    Args:
        loss: ``loss(params, *batch, **loss_kwargs)`` returning a real scalar.
        params: initial pytree of floating arrays.
        optimizer: an ``optax.GradientTransformation`` (e.g. ``optax.sgd(0.1)``).
        batches: iterable of batches; a tuple batch is unpacked into ``loss``'s
            positional arguments, anything else is passed as one argument.
        learning_rate: ``h`` of the indicators: a number ``> 0`` or a schedule
            ``step -> h`` (use the optimizer's own learning rate or schedule).
        every: probe every ``every`` steps (step 0 included).
        num_steps: stop after this many steps (default: when ``batches`` ends).
        loss_kwargs: keyword arguments of ``loss``.
        progress: show a tqdm progress bar.

    Returns:
        :class:`ProbeResult` (NumPy-backed arrays).

    Example:
        >>> import jax.numpy as jnp, optax
        >>> loss = lambda w, x: jnp.mean((x @ w - 1.0) ** 2)
        >>> x = jnp.eye(3)
        >>> r = probe(loss, jnp.zeros(3), optax.sgd(0.1), [x] * 20, learning_rate=0.1, every=5)
        >>> r.step.tolist(), bool(r.train_loss[-1] < r.train_loss[0])
        ([0, 5, 10, 15], True)
    """
    check_loss(loss)
    params = check_params(params)
    every = check_positive_int(every, "every")
    if num_steps is not None:
        num_steps = check_positive_int(num_steps, "num_steps")
    if not callable(learning_rate):
        check_positive(learning_rate, "learning_rate")
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        raise InvalidArgument(
            f"optimizer must be an optax.GradientTransformation, got {type(optimizer).__name__}"
        )
    kwargs = dict(loss_kwargs or {})
    train_step = _make_train_step(loss, optimizer, kwargs)
    measure = _make_measure(loss, kwargs)
    opt_state = optimizer.init(params)
    records: list[Indicators] = []
    steps: list[int] = []
    train_loss: list[jax.Array] = []
    iterator = iter(batches)
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, total=num_steps, desc="probe")
    for n, batch in enumerate(iterator):
        if num_steps is not None and n >= num_steps:
            break
        args = _as_args(batch)
        if n % every == 0:
            h = learning_rate(n) if callable(learning_rate) else learning_rate
            check_positive(h, f"learning_rate({n})")
            records.append(measure(params, h, args))
            steps.append(n)
        params, opt_state, value = train_step(params, opt_state, args)
        train_loss.append(value)
    if not steps:
        raise InvalidArgument("batches is empty: nothing to train on")
    stacked = {name: np.asarray([getattr(r, name) for r in records]) for name in Indicators.__annotations__}
    return ProbeResult(
        step=np.asarray(steps),
        train_loss=np.asarray(train_loss),
        params=params,
        **stacked,
    )


def _make_train_step(loss, optimizer, kwargs) -> Callable:
    import optax  # only the probe needs optax

    @eqx.filter_jit
    def train_step(params, opt_state, args):
        value, grads = jax.value_and_grad(scalar_loss(loss, args, kwargs))(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    return train_step


def _make_measure(loss, kwargs) -> Callable:
    @eqx.filter_jit
    def measure(params, h, args):
        return indicators(loss, params, h, *args, **kwargs)

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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A bare Figure with an Agg canvas: no pyplot global state, no display needed.
    figure = Figure(figsize=(7, 2.0 * len(_PANELS)), layout="constrained")
    FigureCanvasAgg(figure)
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
    """Values for a log axis: zeros (exact corridors) are drawn at the smallest positive value."""
    values = np.asarray(values, dtype=float)
    positive = values[values > 0]
    floor = positive.min() if positive.size else 1e-300
    return np.where(values > 0, values, floor)
