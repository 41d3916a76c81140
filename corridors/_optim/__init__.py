"""Optimizers built on corridor geometry: the Corridor Learning Rate (CLR).

See :func:`clr` and :func:`scale_by_clr` (arXiv:2402.08818, Polyak 1987),
:func:`clr_accumulate` for gradient accumulation that also averages losses.
"""

from .accumulate import CLRAccumulateState, clr_accumulate
from .corridor_learning_rate import ScaleByCLRState, clr, scale_by_clr

__all__ = [
    "CLRAccumulateState",
    "ScaleByCLRState",
    "clr",
    "clr_accumulate",
    "scale_by_clr",
]
