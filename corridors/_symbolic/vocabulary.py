"""The closed vocabularies of the symbolic core, as ``Literal`` types and tuples of their values.

A type checker rejects a misspelt verdict (``"partly"``) where these types
annotate a field or a return value; the tuples list the values at run time.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "CLASSIFICATIONS", "COMPONENT_KINDS", "Classification", "ComponentKind", "POINT_STATUSES", "PointStatus",
    "SplitMethod",
]

# What ``analyze`` says about a loss: corridors everywhere, on part of the space, nowhere, or undecided.
Classification = Literal["everywhere", "partial", "none", "unknown"]
CLASSIFICATIONS: tuple[Classification, ...] = get_args(Classification)

# What ``CorridorReport.status_at`` says about one point.
PointStatus = Literal["corridor", "stationary", "not-corridor", "singular", "unknown"]
POINT_STATUSES: tuple[PointStatus, ...] = get_args(PointStatus)

# What one component of {H g = 0} is (``CorridorComponent.kind``).
ComponentKind = Literal["corridor", "stationary", "not-invariant", "outside-piece", "spurious", "undecided"]
COMPONENT_KINDS: tuple[ComponentKind, ...] = get_args(ComponentKind)

# How ``smooth_pieces`` split a loss into smooth pieces (``PieceSplit.method``).
SplitMethod = Literal["smooth", "hyperplane arrangement", "piecewise folding"]
