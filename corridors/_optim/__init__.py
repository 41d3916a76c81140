"""Optimizers built on corridor geometry: the Corridor Learning Rate (CLR).

See :func:`clr` and :func:`scale_by_clr` (arXiv:2402.08818, Polyak 1987),
:func:`clr_momentum` for the CLR along a moving average of the gradients,
:func:`clr_adam` for the CLR along Adam's preconditioned direction,
:func:`clr_accumulate` for gradient accumulation that also averages losses,
:func:`clr_online` for a target level estimated from the losses seen so far.
"""

from .adam import ScaleByCLRAdamState, clr_adam, scale_by_clr_adam
from .accumulate import CLRAccumulateState, clr_accumulate
from .corridor_learning_rate import MaskedGradientWarning, ScaleByCLRState, clr, scale_by_clr
from .momentum import ScaleByCLRMomentumState, clr_momentum, scale_by_clr_momentum
from .online import ScaleByCLROnlineState, clr_online, scale_by_clr_online

__all__ = [
    "CLRAccumulateState",
    "MaskedGradientWarning",
    "ScaleByCLRAdamState",
    "ScaleByCLRMomentumState",
    "ScaleByCLROnlineState",
    "ScaleByCLRState",
    "clr",
    "clr_accumulate",
    "clr_adam",
    "clr_momentum",
    "clr_online",
    "scale_by_clr",
    "scale_by_clr_adam",
    "scale_by_clr_momentum",
    "scale_by_clr_online",
]
