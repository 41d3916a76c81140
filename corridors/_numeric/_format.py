"""Readable one-line summaries of result modules (concrete or traced)."""

from __future__ import annotations

import numpy as np

__all__ = ["fmt"]


def fmt(value, digits: int = 4) -> str:
    """``value`` as ``'1.234e-05'``, a short array summary, or ``'<traced>'`` under jit."""
    try:
        array = np.asarray(value)
    except Exception:  # a tracer: nothing concrete to show
        return "<traced>"
    if array.ndim == 0:
        return f"{array.item():.{digits}g}"
    if array.size == 0:
        return "[]"
    finite = array[np.isfinite(array)] if np.issubdtype(array.dtype, np.floating) else array
    if finite.size == 0:
        return f"[{array.size} values, none finite]"
    return (
        f"[{array.size} values, min {finite.min():.{digits}g}, "
        f"max {finite.max():.{digits}g}, last {array.reshape(-1)[-1]:.{digits}g}]"
    )
