"""A 2-D loss surface with its corridors and its lines of steepest descent.

The picture of the paper's Figure 1: contours of ``E``, gradient-flow
streamlines (``dθ/dt = −g``), and the corridors that :func:`corridors.analyze`
found. Everything drawn about corridors comes from the analysis; this module
only evaluates its formulas on a grid.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import sympy as sp

from .._errors import InvalidArgument
from .figures import agg_figure

__all__ = ["plot_corridors"]

# Colours by component kind (see ``CorridorComponent.kind``).
_OPEN_COLOR = "tab:green"
_LINE_COLOR = "tab:red"
_POINT_STYLES: dict[str, dict[str, Any]] = {
    "stationary": dict(marker="*", color="black", markersize=11, linestyle="none"),
    "not-invariant": dict(marker="X", color="tab:orange", markersize=9, linestyle="none"),
    "undecided": dict(marker="o", color="tab:gray", markersize=7, linestyle="none"),
}
_POINT_LABELS = {
    "stationary": "stationary point (g = 0)",
    "not-invariant": "H g = 0, but the flow leaves",
    "undecided": "H g = 0, undecided",
}


def plot_corridors(
    loss,
    variables=None,
    *,
    xlim,
    ylim,
    ax=None,
    resolution: int = 160,
    levels: int = 18,
    density: float = 1.0,
    show_singular: bool = True,
    legend: bool = True,
    title: str | None = None,
    timeout: float | None = None,
):
    """Draw a 2-D loss: contours, gradient-flow lines and the corridors found by :func:`corridors.analyze`.

    Formula: streamlines follow ``dθ/dt = −g(θ)``; a corridor is where
    ``H g = ½∇‖g‖² = 0`` and the flow stays inside, so streamlines there are
    straight and equally spaced contours are crossed at constant speed.
    Open corridor pieces (``H g ≡ 0`` on a whole region) are shaded green,
    lower-dimensional corridors (lines) drawn red, other solutions of
    ``H g = 0`` (stationary points, points the flow leaves) marked, and the
    kinks of a non-smooth loss (its singular set) dashed.

    Args:
        loss: a loss string (parsed safely, ``^`` is a power), a SymPy
            expression, or a :class:`corridors.CorridorReport` (reused, not
            re-analysed).
        variables: its two variables (names or symbols), in ``(x, y)`` order;
            default: the free symbols sorted by name.
        xlim, ylim: ``(low, high)`` of each axis.
        ax: a matplotlib ``Axes`` to draw on; default: a new figure
            (a bare ``Figure`` with an Agg canvas, no pyplot state).
        resolution: grid points per axis.
        levels: number of contour levels.
        density: density of the streamlines (``matplotlib.pyplot.streamplot``).
        show_singular: dash the curves where ``E`` is not twice differentiable.
        legend: add a legend of what is drawn.
        title: axes title; default: ``E = ... (classification)``.
        timeout: CPU seconds of symbolic work when ``loss`` must be analysed.

    Returns:
        The matplotlib ``Axes`` (its figure is ``ax.figure``).

    Raises:
        InvalidArgument: not exactly two variables, or bad limits.

    Example:
        >>> import corridors
        >>> ax = corridors.plot_corridors("log(exp(x) + exp(y))", xlim=(-2, 2), ylim=(-2, 2))
        >>> ax.get_title()
        'E = log(exp(x) + exp(y)) (partial)'
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['corridor (H g = 0, flow stays)']
        >>> ax.figure.savefig("log-sum-exp.png")
    """
    from .._symbolic.analysis import DEFAULT_TIMEOUT, analyze
    from .._symbolic.report import CorridorReport

    if isinstance(loss, CorridorReport):
        report = loss
    else:
        report = analyze(loss, variables, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    if len(report.variables) != 2:
        raise InvalidArgument(
            f"plot_corridors needs a loss of exactly 2 variables, got {len(report.variables)}: "
            f"{', '.join(v.name for v in report.variables)}"
        )
    xlim, ylim = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    if not (isinstance(resolution, int) and resolution >= 8):
        raise InvalidArgument(f"resolution must be an integer >= 8, got {resolution!r}")
    ax = _new_axes() if ax is None else ax

    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    X, Y = np.meshgrid(xs, ys)
    value, gx, gy = _evaluate(report, X, Y)

    finite = np.isfinite(value)
    if finite.any():
        ax.contour(X, Y, np.ma.masked_invalid(value), levels=levels, cmap="viridis", linewidths=0.8)
    # Streamplot cannot take NaN (apex of a cone, a kink): no flow drawn there.
    bad = ~(np.isfinite(gx) & np.isfinite(gy))
    u = np.where(bad, 0.0, -gx)
    v = np.where(bad, 0.0, -gy)
    if np.any((u != 0) | (v != 0)):
        ax.streamplot(xs, ys, u, v, density=density, color="0.35", linewidth=0.6, arrowsize=0.8)

    handles = []
    handles += _draw_open_corridors(ax, report, X, Y)
    handles += _draw_lower_dimensional(ax, report, xlim, ylim)
    if show_singular:
        handles += _draw_singular(ax, report, X, Y)

    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(report.variables[0].name)
    ax.set_ylabel(report.variables[1].name)
    ax.set_aspect("equal", adjustable="box")
    ax.set_title(title if title is not None else f"E = {report.loss} ({report.classification})")
    if legend and handles:
        ax.legend(handles=_unique(handles), fontsize=7, loc="upper right", framealpha=0.85)
    return ax


def _limits(value, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InvalidArgument(f"{name} must be a pair (low, high) of numbers, got {value!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise InvalidArgument(f"{name} must be finite with low < high, got {value!r}")
    return low, high


def _new_axes():
    return agg_figure(size=(5.2, 4.8)).add_subplot()


def _numeric(expr, symbols, *grids):
    """``expr`` evaluated on the grids with NumPy, broadcast to the grid shape (constants too)."""
    with np.errstate(all="ignore"):
        function = sp.lambdify(symbols, expr, modules="numpy")
        result = np.asarray(function(*grids), dtype=float)
    return np.broadcast_to(result, grids[0].shape).astype(float)


def _mask(condition, symbols, X, Y) -> np.ndarray:
    if condition is sp.true:
        return np.ones(X.shape, bool)
    if condition is sp.false:
        return np.zeros(X.shape, bool)
    with np.errstate(all="ignore"):
        function = sp.lambdify(symbols, condition, modules="numpy")
        result = np.asarray(function(X, Y), dtype=bool)
    return np.broadcast_to(result, X.shape)


def _evaluate(report, X, Y):
    """``E``, ``g_x``, ``g_y`` on the grid, piece by piece from the analysis' own formulas."""
    symbols = report.piece_variables
    value = np.full(X.shape, np.nan)
    gx = np.full(X.shape, np.nan)
    gy = np.full(X.shape, np.nan)
    if not report.pieces:  # the analysis stopped early (e.g. timeout): fall back to the loss alone
        value = _numeric(report.piece_loss, symbols, X, Y)
        gx = _numeric(sp.diff(report.piece_loss, symbols[0]), symbols, X, Y)
        gy = _numeric(sp.diff(report.piece_loss, symbols[1]), symbols, X, Y)
        return value, gx, gy
    for analysis in report.pieces:
        inside = _mask(analysis.piece.region, symbols, X, Y) & np.isnan(value)
        if not inside.any():
            continue
        gradient = analysis.derivatives.gradient
        value[inside] = _numeric(analysis.piece.expression, symbols, X, Y)[inside]
        gx[inside] = _numeric(gradient[0], symbols, X, Y)[inside]
        gy[inside] = _numeric(gradient[1], symbols, X, Y)[inside]
    return value, gx, gy


def _draw_open_corridors(ax, report, X, Y) -> list:
    from matplotlib.patches import Patch

    symbols = report.variables
    shaded = np.zeros(X.shape, bool)
    for component in report.corridors:
        if not component.equations:  # an open piece on which H g ≡ 0
            shaded |= _mask(component.region, symbols, X, Y)
    if not shaded.any():
        return []
    ax.contourf(X, Y, shaded.astype(float), levels=[0.5, 1.5], colors=[_OPEN_COLOR], alpha=0.18)
    return [Patch(facecolor=_OPEN_COLOR, alpha=0.3, label="open corridor (H g = 0 on a region)")]


def _draw_lower_dimensional(ax, report, xlim, ylim) -> list:
    from matplotlib.lines import Line2D

    symbols = report.variables
    handles = []
    for component in report.components:
        if not component.equations:
            continue
        solved = component.assignment
        free = [s for s in symbols if s not in solved]
        if component.dimension == 0 or not free:
            point = [solved.get(s) for s in symbols]
            try:
                xy = [float(sp.N(c)) for c in point]
            except (TypeError, ValueError):
                continue  # not a real numeric point: nothing to mark
            kind = component.kind if component.kind in _POINT_STYLES else "undecided"
            ax.plot(*xy, **_POINT_STYLES[kind], zorder=5)
            handles.append(Line2D([], [], **_POINT_STYLES[kind], label=_POINT_LABELS[kind]))
            continue
        # A curve: one variable given as a function of the other.
        (parameter,) = free
        lows = xlim if parameter == symbols[0] else ylim
        t = np.linspace(lows[0], lows[1], 600)
        coordinates = {parameter: t}
        for s in symbols:
            if s in solved:
                coordinates[s] = _numeric(solved[s], (parameter,), t)
        x, y = coordinates[symbols[0]], coordinates[symbols[1]]
        keep = _mask(component.region, symbols, x, y) & np.isfinite(x) & np.isfinite(y)
        x, y = np.where(keep, x, np.nan), np.where(keep, y, np.nan)
        style: dict[str, Any]
        if component.is_corridor:
            style = dict(color=_LINE_COLOR, linewidth=2.4, label="corridor (H g = 0, flow stays)")
        else:
            style = dict(color="tab:orange", linewidth=1.6, linestyle="--", label=f"H g = 0: {component.kind}")
        ax.plot(x, y, zorder=4, **style)
        handles.append(Line2D([], [], **style))
    return handles


def _draw_singular(ax, report, X, Y) -> list:
    from matplotlib.lines import Line2D

    symbols = report.variables
    drawn = False
    for condition in report.singular_set:
        function = condition.lhs - condition.rhs
        values = _numeric(function, symbols, X, Y)
        if not np.isfinite(values).any() or values.min() >= 0 or values.max() <= 0:
            continue  # no sign change on the grid: a point (a cone's apex) or nothing
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ax.contour(X, Y, np.ma.masked_invalid(values), levels=[0.0], colors="0.15",
                       linestyles="--", linewidths=1.0)
        drawn = True
    if not drawn:
        return []
    return [Line2D([], [], color="0.15", linestyle="--", linewidth=1.0, label="kink (E not C²)")]


def _unique(handles: list) -> list:
    seen: dict[str, Any] = {}
    for handle in handles:
        seen.setdefault(handle.get_label(), handle)
    return list(seen.values())
