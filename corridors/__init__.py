"""corridors: corridor geometry in gradient-based optimization.

Implements *Corridor Geometry in Gradient-Based Optimization* (Dherin & Rosca,
2024, arXiv:2402.08818): where gradient descent follows gradient flow exactly
(H g = 0), symbolic checks of the paper's statements on a given loss, numeric
checks on large networks, and the Corridor Learning Rate.

Every public name is re-exported here from a private module.
"""

from ._errors import CorridorsError, InvalidArgument, MissingDependency, ParseError, UnsupportedFunction
from ._symbolic import (
    ALLOWED_FUNCTIONS,
    CLASSIFICATIONS,
    GALLERY,
    POINT_STATUSES,
    CorridorComponent,
    CorridorReport,
    Derivatives,
    GalleryLoss,
    PieceAnalysis,
    StatementCheck,
    Verification,
    ZeroTest,
    algebra_engine,
    analyze,
    derivatives,
    parse_loss,
    verify,
)
from ._optim import (
    CLRAccumulateState,
    MaskedGradientWarning,
    ScaleByCLRAdamState,
    ScaleByCLRMomentumState,
    ScaleByCLROnlineState,
    ScaleByCLRState,
    clr,
    clr_accumulate,
    clr_adam,
    clr_momentum,
    clr_online,
    scale_by_clr,
    scale_by_clr_adam,
    scale_by_clr_momentum,
    scale_by_clr_online,
)
from ._plotting import plot_corridors
from . import numeric

__version__ = "0.1.0"

__all__ = [
    "numeric",
    # symbolic core
    "analyze",
    "verify",
    "algebra_engine",
    "derivatives",
    "parse_loss",
    "CorridorReport",
    "CorridorComponent",
    "PieceAnalysis",
    "Derivatives",
    "Verification",
    "StatementCheck",
    "ZeroTest",
    "GALLERY",
    "GalleryLoss",
    "ALLOWED_FUNCTIONS",
    "CLASSIFICATIONS",
    "POINT_STATUSES",
    # errors
    "CorridorsError",
    "InvalidArgument",
    "MissingDependency",
    "ParseError",
    "UnsupportedFunction",
    "scale_by_clr",
    "clr",
    "ScaleByCLRState",
    "clr_accumulate",
    "CLRAccumulateState",
    "clr_online",
    "scale_by_clr_online",
    "ScaleByCLROnlineState",
    "clr_momentum",
    "scale_by_clr_momentum",
    "ScaleByCLRMomentumState",
    "clr_adam",
    "scale_by_clr_adam",
    "ScaleByCLRAdamState",
    "MaskedGradientWarning",
    "plot_corridors",
]
