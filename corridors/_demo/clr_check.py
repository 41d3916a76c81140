"""Step 4 of the demo: a short run of the CLR study of ``corridors bench clr`` (CLR against an SGD sweep)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from .._experiments.results import RunRow
from .._experiments.study import StudyConfig, run_study
from .config import DemoConfig

__all__ = ["ClrSection", "clr_section"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClrSection:
    """The study's configuration, its summary rows (the SGD sweep shown by its best), verdicts and figures."""

    config: StudyConfig
    rows: tuple[RunRow, ...]
    verdicts: tuple[str, ...]
    figures: tuple[str, ...]
    wall_s: Optional[float] = None

    @property
    def clr_max_learning_rate(self) -> float:
        """The cap of the paper's CLR: the largest learning rate of the SGD sweep unless set."""
        return self.config.cap()

    def to_dict(self) -> dict:
        return {
            "config": dataclasses.asdict(self.config),
            "clr_max_learning_rate": self.clr_max_learning_rate,
            "rows": [row.to_dict() for row in self.rows],
            "verdicts": list(self.verdicts),
            "figures": list(self.figures),
            "wall_s": self.wall_s,
        }


def clr_section(config: DemoConfig, out: Path, progress: bool) -> ClrSection:
    """Run the configured study into ``out/clr``."""
    summary = run_study(config.clr_study, out / "clr", progress=progress, log=lambda line: None)
    return ClrSection(
        config=summary.config,
        rows=tuple(r for r in summary.rows if r.method != "sgd"),  # the sweep is summarised by sgd_best
        verdicts=summary.verdicts,
        figures=tuple(sorted(str(p.relative_to(out)) for p in (out / "clr").glob("*.png"))),
    )
