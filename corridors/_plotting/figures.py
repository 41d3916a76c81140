"""Figures without pyplot: every plot of the library is drawn on a bare Agg figure.

Library code never selects a matplotlib backend (``matplotlib.use`` changes the
caller's global state) and never opens a window; it builds a
:class:`matplotlib.figure.Figure` with its own Agg canvas, which can be saved
to a file or returned to the caller. matplotlib is imported here, lazily, so
that importing ``corridors`` does not need it.
"""

from __future__ import annotations

from typing import Literal

from .._optional import require


def agg_figure(*, size: tuple[float, float], layout: Literal["constrained", "tight"] | None = "constrained"):
    """A new :class:`~matplotlib.figure.Figure` of ``size`` inches with an Agg canvas (no pyplot state)."""
    require("matplotlib", "drawing a figure")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout=layout)
    FigureCanvasAgg(figure)
    return figure


def axes_grid(count: int, columns: int, *, size: tuple[float, float], **subplots):
    """``(figure, axes)``: ``count`` axes of ``size`` inches each, in rows of ``columns``, as a flat list."""
    rows = -(-count // columns)
    columns = min(columns, count)
    figure = agg_figure(size=(size[0] * columns, size[1] * rows))
    axes = figure.subplots(rows, columns, squeeze=False, **subplots).ravel()
    return figure, list(axes)
