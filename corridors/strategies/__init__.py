"""Hypothesis strategies for property-testing claims about corridors.

Most strategies draw a ``LossCase``: a loss (SymPy and JAX forms) together
with its ground truth (classification, corridor, stationary points) that holds
by construction, and strategies for points inside and outside its corridors.
``polynomial_losses`` and ``composed_losses`` draw losses whose truth is not
known, the inputs that find crashes.

>>> from hypothesis import given
>>> from corridors.strategies import partial_corridor_losses
>>> @given(partial_corridor_losses(dim=2, kinds=["valley"]))
... def test_valleys(case):
...     assert case.classification == "partial" and case.corridor
>>> test_valleys()
"""

from .._optional import require

require("hypothesis", "corridors.strategies")
from .._testing.cases import LossCase  # noqa: E402 (after the check: a missing Hypothesis says what to install)
from .._testing.random_losses import composed_losses, polynomial_losses
from .._testing.strategies import (
    CORRIDOR_KINDS,
    NON_CORRIDOR_KINDS,
    PARTIAL_CORRIDOR_KINDS,
    corridor_losses,
    learning_rates,
    non_corridor_losses,
    partial_corridor_losses,
    points,
    step_counts,
)

__all__ = [
    "CORRIDOR_KINDS",
    "NON_CORRIDOR_KINDS",
    "PARTIAL_CORRIDOR_KINDS",
    "LossCase",
    "composed_losses",
    "corridor_losses",
    "learning_rates",
    "non_corridor_losses",
    "partial_corridor_losses",
    "points",
    "polynomial_losses",
    "step_counts",
]
