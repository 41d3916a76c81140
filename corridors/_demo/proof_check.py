"""Step 2 of the demo: :func:`proofs.run`, the paper's statements for a generic smooth loss."""

from __future__ import annotations

import dataclasses
from typing import Optional

from .config import DemoConfig

__all__ = ["ProofRow", "ProofsSection", "proofs_section"]

STATUSES = ("proved", "failed", "unknown")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProofRow:
    """One checked statement: its verdict (``proved``, ``failed`` or ``unknown``) and how it was reached."""

    name: str
    title: str
    reference: str
    status: str
    dimensions: str
    steps: int
    seconds: float
    message: Optional[str]

    def to_dict(self) -> dict:
        """The row as written to ``summary.json``."""
        return {
            "name": self.name,
            "title": self.title,
            "reference": self.reference,
            "status": self.status,
            "dimensions": self.dimensions,
            "steps": self.steps,
            "seconds": self.seconds,
            "message": self.message,
        }


@dataclasses.dataclass(frozen=True)
class ProofsSection:
    """The proof rows and the wall time of checking them."""

    rows: tuple[ProofRow, ...]
    wall_s: Optional[float] = None

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status, ``{"proved": …, "failed": …, "unknown": …}`` (a fresh dict)."""
        return {s: sum(r.status == s for r in self.rows) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """No proof failed (``unknown`` is not a failure)."""
        return self.counts["failed"] == 0

    def to_dict(self) -> dict:
        return {"rows": [row.to_dict() for row in self.rows], "counts": self.counts, "wall_s": self.wall_s}


def proofs_section(config: DemoConfig, progress: bool) -> ProofsSection:
    """Check the configured proofs one by one."""
    import proofs
    from tqdm.auto import tqdm

    selected = proofs.select(config.proof_names)
    rows = []
    for proof in tqdm(selected, desc="proofs", unit="proof", disable=not progress, leave=False):
        (result,) = proofs.run([proof.name], timeout=config.proof_timeout)
        rows.append(ProofRow(
            name=result.name,
            title=result.title,
            reference=result.reference,
            status=result.status,
            dimensions=result.dimensions,
            steps=len(result.steps),
            seconds=round(result.seconds, 3),
            message=result.message,
        ))
    return ProofsSection(tuple(rows))
