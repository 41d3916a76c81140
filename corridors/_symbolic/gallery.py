"""A gallery of example losses with the classification theory predicts for each.

The expected classification comes from the mathematics (distance functions and
planes have ‖g‖ constant, so H g = ½∇‖g‖² = 0; strictly convex quadratics have
H g = H g ≠ 0 off the minimum; …), never from running the library.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

from .parsing import parse_loss
from .vocabulary import CLASSIFICATIONS, Classification

__all__ = ["GALLERY", "GalleryLoss"]


@dataclasses.dataclass(frozen=True)
class GalleryLoss:
    """An example loss with its expected classification and why."""

    name: str
    family: str
    text: str  # the loss as the CLI accepts it
    variables: tuple[str, ...]
    expected: Classification  # classification predicted by theory
    why: str

    def expression(self):
        """``(expression, symbols)`` parsed from ``text``."""
        return parse_loss(self.text, self.variables)


def gallery_from_json(text: str) -> tuple[GalleryLoss, ...]:
    """The gallery's rows from the text of its JSON table (a list of objects with GalleryLoss's fields)."""
    losses = tuple(GalleryLoss(**{**row, "variables": tuple(row["variables"])}) for row in json.loads(text))
    for loss in losses:  # a typo in the table must fail at import, not pass as a disagreement
        if loss.expected not in CLASSIFICATIONS:
            raise ValueError(f"gallery loss {loss.name!r}: expected {loss.expected!r} is not one of {CLASSIFICATIONS}")
    return losses


# The table is data (gallery.json): each row names a loss, its family, the
# loss as the CLI reads it, its variables, the classification theory predicts
# and why.
GALLERY = gallery_from_json(resources.files(__package__).joinpath("gallery.json").read_text(encoding="utf-8"))
