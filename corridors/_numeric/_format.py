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
    if array.dtype == bool:
        if array.ndim == 0:
            return str(bool(array))
        return f"[{array.size} values, {int(array.sum())} True]"
    if array.dtype.kind not in "biuf":  # bfloat16 and other ml_dtypes floats
        array = array.astype(np.float64)
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
