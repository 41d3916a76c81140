"""A gallery of example losses with the classification theory predicts for each.

The expected classification comes from the mathematics (distance functions and
planes have ‖g‖ constant, so H g = ½∇‖g‖² = 0; strictly convex quadratics have
H g = H g ≠ 0 off the minimum; …), never from running the library.
"""

from __future__ import annotations

import dataclasses

from .parsing import parse_loss
from .vocabulary import Classification

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


GALLERY = (
    GalleryLoss("plane", "plane", "2*x - 3*y + 1", ("x", "y"), "everywhere",
                "g is constant, so H = 0"),
    GalleryLoss("cone", "cone", "sqrt(x^2 + y^2)", ("x", "y"), "everywhere",
                "distance to a point: ‖g‖ = 1 off the apex"),
    GalleryLoss("shifted cone", "cone", "2*sqrt((x - 1)^2 + (y + 2)^2 + z^2) + 3", ("x", "y", "z"), "everywhere",
                "scaled, shifted distance to a point: ‖g‖ = 2"),
    GalleryLoss("distance to a line", "distance function", "sqrt(x^2 + y^2)", ("x", "y", "z"), "everywhere",
                "distance to the z-axis in 3-D: ‖g‖ = 1"),
    GalleryLoss("distance to a circle", "distance function", "abs(sqrt(x^2 + y^2) - 1)", ("x", "y"), "everywhere",
                "distance to the unit circle, inside and outside: ‖g‖ = 1"),
    GalleryLoss("two cones (min)", "multiple corridors", "min(sqrt(x^2 + y^2), sqrt((x - 3)^2 + y^2))", ("x", "y"),
                "everywhere", "a surface assembled from two corridors, as in the paper's Figure 1"),
    GalleryLoss("L1 norm", "piecewise linear", "abs(x) + abs(y)", ("x", "y"), "everywhere",
                "one linear piece, hence one corridor, per quadrant"),
    GalleryLoss("ReLU ridge", "piecewise linear", "relu(x + y) + relu(x - 2*y)", ("x", "y"), "everywhere",
                "linear in every region cut out by the two ReLU kinks"),
    GalleryLoss("valley line", "valley", "x + y^2", ("x", "y"), "partial",
                "H g = (0, 4y): the line y = 0 is GF-invariant with g = (1, 0)"),
    GalleryLoss("log-sum-exp", "valley", "log(exp(x) + exp(y))", ("x", "y"), "partial",
                "H g ∝ (eˣ − eʸ)(1, −1): the diagonal x = y is GF-invariant"),
    GalleryLoss("bowl", "control", "(x^2 + y^2)/2", ("x", "y"), "none",
                "H g = θ vanishes only at the minimum"),
    GalleryLoss("saddle", "control", "x*y", ("x", "y"), "none",
                "H g = (x, y) vanishes only at the stationary origin"),
    GalleryLoss("Rosenbrock", "control", "(1 - x)^2 + 100*(y - x^2)^2", ("x", "y"), "none",
                "H g = 0 at the minimum (1, 1) and at one point that gradient flow leaves"),
    GalleryLoss("softplus slope", "control", "softplus(x) + y", ("x", "y"), "none",
                "H g = (σ(x)σ'(x), 0) never vanishes"),
)
