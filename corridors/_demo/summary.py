"""What the demo measured, as one immutable object: ``summary.json`` and ``report.md`` are read off it."""

from __future__ import annotations

import dataclasses

from .clr_check import ClrSection
from .gallery import GallerySection
from .numeric_check import NumericSection
from .proof_check import ProofsSection

__all__ = ["DemoSummary"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoSummary:
    """Everything the demo measured: ``summary.json`` is its :meth:`to_dict`, ``report.md`` its rendering."""

    corridors_version: str
    config: str
    date_utc: str
    machine: str
    wall_s: float
    gallery: GallerySection
    proofs: ProofsSection
    numeric: NumericSection
    clr: ClrSection
    figures: tuple[str, ...]  # relative to the output folder

    def to_dict(self) -> dict:
        """The JSON form written to ``summary.json``."""
        return {
            "corridors_version": self.corridors_version,
            "config": self.config,
            "date_utc": self.date_utc,
            "machine": self.machine,
            "wall_s": self.wall_s,
            "gallery": self.gallery.to_dict(),
            "gallery_ok": self.gallery.ok,
            "proofs": self.proofs.to_dict(),
            "proofs_ok": self.proofs.ok,
            "numeric": self.numeric.to_dict(),
            "clr": self.clr.to_dict(),
            "figures": list(self.figures),
        }
