"""``LossCase``: a loss drawn together with what is known about it by construction."""

from __future__ import annotations

import dataclasses
from typing import Callable

import sympy as sp
from hypothesis.strategies import SearchStrategy

__all__ = ["LossCase"]


@dataclasses.dataclass(frozen=True)
class LossCase:
    """A loss with its ground truth, which holds by construction (never computed by corridors).

    Attributes:
      kind: the family, e.g. ``"cone"`` or ``"convex-quadratic"``.
      expression: the loss as a SymPy expression over ``variables`` (real symbols).
      variables: the symbols θ₁ … θₙ.
      classification: the true classification, ``everywhere``, ``partial`` or ``none``.
      corridor: SymPy equations of the corridor for ``partial`` losses (a GF-invariant set),
        empty otherwise.
      stationary_points: known stationary points (tuples of numbers), if any.
      jax_loss: the same loss written directly with ``jax.numpy``, a function of a 1-D array.
      points_inside: a strategy of points (tuples of floats) inside a corridor, away from kinks;
        ``None`` when the loss has no corridor.
      points_outside: a strategy of points off every corridor and stationary point; ``None``
        for losses that are corridors everywhere.
      description: the loss in words, with why the ground truth holds.
    """

    kind: str
    expression: sp.Expr
    variables: tuple
    classification: str
    corridor: tuple
    stationary_points: tuple
    jax_loss: Callable
    points_inside: SearchStrategy | None
    points_outside: SearchStrategy | None
    description: str

    @property
    def dim(self) -> int:
        return len(self.variables)

    def __repr__(self) -> str:  # shown by Hypothesis when a test fails
        return f"LossCase({self.kind}: E = {self.expression}; {self.classification})"
