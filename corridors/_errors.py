"""The library's error hierarchy.

Every error a user can trigger with bad input is a ``CorridorsError``; the
subclasses also derive from the matching built-in so that ``except ValueError``
keeps working. Messages name the bad value and say what to do about it.
"""

from __future__ import annotations

__all__ = [
    "CorridorsError",
    "InvalidArgument",
    "MissingDependency",
    "ParseError",
    "UnsupportedFunction",
]


class CorridorsError(Exception):
    """Base class of every error raised on purpose by ``corridors``."""


class InvalidArgument(CorridorsError, ValueError):
    """An argument has the wrong type, shape or value."""


class ParseError(InvalidArgument):
    """A loss given as a string could not be parsed safely."""


class UnsupportedFunction(InvalidArgument):
    """The loss uses a function the symbolic core cannot analyze."""


class MissingDependency(CorridorsError, ImportError):
    """An optional dependency is not installed; the message names the extra that installs it."""
