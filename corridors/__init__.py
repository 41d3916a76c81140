"""corridors: corridor geometry in gradient-based optimization.

Implements *Corridor Geometry in Gradient-Based Optimization* (Dherin & Rosca,
2024, arXiv:2402.08818): where gradient descent follows gradient flow exactly
(H g = 0), symbolic checks of the paper's statements on a given loss, numeric
checks on large networks, and the Corridor Learning Rate.

Every public name is re-exported here from a private module.

The names are loaded on first use (PEP 562): ``import corridors`` is cheap,
``corridors.analyze`` loads the symbolic core (SymPy) and ``corridors.clr`` the
optimizers (JAX, optax) the first time they are reached. So ``corridors
check`` and ``python -m proofs`` start without JAX, and ``corridors.budgets``
can be imported on its own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and IDEs
    from ._errors import (
        CorridorsError,
        InvalidArgument,
        MissingDependency,
        ParseError,
        UnsupportedFunction,
    )
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

# Public name -> the private module (relative to this package) that defines it.
_LAZY: dict[str, str] = {
    "CorridorsError": "._errors",
    "InvalidArgument": "._errors",
    "MissingDependency": "._errors",
    "ParseError": "._errors",
    "UnsupportedFunction": "._errors",
    "ALLOWED_FUNCTIONS": "._symbolic",
    "CLASSIFICATIONS": "._symbolic",
    "GALLERY": "._symbolic",
    "POINT_STATUSES": "._symbolic",
    "CorridorComponent": "._symbolic",
    "CorridorReport": "._symbolic",
    "Derivatives": "._symbolic",
    "GalleryLoss": "._symbolic",
    "PieceAnalysis": "._symbolic",
    "StatementCheck": "._symbolic",
    "Verification": "._symbolic",
    "ZeroTest": "._symbolic",
    "algebra_engine": "._symbolic",
    "analyze": "._symbolic",
    "derivatives": "._symbolic",
    "parse_loss": "._symbolic",
    "verify": "._symbolic",
    "CLRAccumulateState": "._optim",
    "MaskedGradientWarning": "._optim",
    "ScaleByCLRMomentumState": "._optim",
    "ScaleByCLRAdamState": "._optim",
    "clr_adam": "._optim",
    "scale_by_clr_adam": "._optim",
    "ScaleByCLROnlineState": "._optim",
    "ScaleByCLRState": "._optim",
    "clr": "._optim",
    "clr_accumulate": "._optim",
    "clr_momentum": "._optim",
    "clr_online": "._optim",
    "scale_by_clr": "._optim",
    "scale_by_clr_momentum": "._optim",
    "scale_by_clr_online": "._optim",
    "plot_corridors": "._plotting",
    "numeric": ".",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'corridors' has no attribute {name!r}")
    if module == ".":  # a public subpackage, e.g. corridors.numeric
        value: Any = importlib.import_module(f"{__name__}.{name}")
    else:
        value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
