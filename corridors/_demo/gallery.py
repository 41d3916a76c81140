"""Step 1 of the demo: :func:`corridors.analyze` on every loss of :data:`corridors.GALLERY`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from .._plotting.figures import axes_grid
from .config import DemoConfig

__all__ = ["GalleryRow", "GallerySection", "gallery_section"]

# Plot window of each 2-D gallery loss: wide enough to show its corridors.
_GALLERY_LIMITS = {
    "two cones (min)": ((-1.5, 4.5), (-3.0, 3.0)),
    "Rosenbrock": ((-1.5, 1.5), (-0.5, 1.5)),
}
_DEFAULT_LIMITS = ((-2.0, 2.0), (-2.0, 2.0))


@dataclasses.dataclass(frozen=True, kw_only=True)
class GalleryRow:
    """One gallery loss: the classification theory predicts and the one :func:`corridors.analyze` found."""

    name: str
    family: str
    loss: str
    variables: tuple[str, ...]
    expected: str
    classification: str
    match: bool
    corridors: tuple[str, ...]
    reason: Optional[str]
    why: str
    seconds: float

    def to_dict(self) -> dict:
        """The row as written to ``summary.json``."""
        return {
            "name": self.name,
            "family": self.family,
            "loss": self.loss,
            "variables": list(self.variables),
            "expected": self.expected,
            "classification": self.classification,
            "match": self.match,
            "corridors": list(self.corridors),
            "reason": self.reason,
            "why": self.why,
            "seconds": self.seconds,
        }


@dataclasses.dataclass(frozen=True)
class GallerySection:
    """The gallery's rows, its figure (relative to the output folder) and wall time."""

    rows: tuple[GalleryRow, ...]
    figure: str
    wall_s: Optional[float] = None

    @property
    def matched(self) -> int:
        """How many classifications equal the expected one."""
        return sum(row.match for row in self.rows)

    @property
    def ok(self) -> bool:
        """Every classification equals the expected one."""
        return self.matched == len(self.rows)

    def to_dict(self) -> dict:
        return {"rows": [row.to_dict() for row in self.rows], "figure": self.figure, "wall_s": self.wall_s}


def gallery_section(config: DemoConfig, out: Path, progress: bool) -> GallerySection:
    """Analyze every gallery loss and draw the 2-D ones into ``out/gallery.png``."""
    from tqdm.auto import tqdm

    from .._plotting import plot_corridors
    from .._symbolic.analysis import analyze
    from .._symbolic.gallery import GALLERY

    rows, reports = [], {}
    for example in tqdm(GALLERY, desc="gallery", unit="loss", disable=not progress, leave=False):
        expression, symbols = example.expression()
        report = analyze(expression, symbols, timeout=config.symbolic_timeout)
        reports[example.name] = report
        rows.append(GalleryRow(
            name=example.name,
            family=example.family,
            loss=example.text,
            variables=tuple(example.variables),
            expected=example.expected,
            classification=report.classification,
            match=report.classification == example.expected,
            corridors=tuple(c.describe() for c in report.corridors),
            reason=report.reason,
            why=example.why,
            seconds=round(report.seconds, 4),
        ))

    plane = [e for e in GALLERY if len(e.variables) == 2]
    columns = 4
    figure, axes = axes_grid(len(plane), columns, size=(4.0, 3.8))
    for ax, example in zip(axes, plane):
        xlim, ylim = _GALLERY_LIMITS.get(example.name, _DEFAULT_LIMITS)
        plot_corridors(reports[example.name], xlim=xlim, ylim=ylim, ax=ax,
                       resolution=config.plot_resolution, density=0.8,
                       title=f"{example.name}: {reports[example.name].classification}")
    for ax in axes[len(plane):]:
        ax.set_visible(False)
    figure.savefig(out / "gallery.png", dpi=80)
    return GallerySection(tuple(rows), "gallery.png")
