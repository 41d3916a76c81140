"""The demo: every part of the library on embedded defaults, written up as a report.

Four steps, each a call into the library (nothing is re-derived here):

1. **Symbolic gallery** (:mod:`.gallery`) — :func:`corridors.analyze` on every
   loss of :data:`corridors.GALLERY`, compared with the classification theory
   predicts, and drawn with :func:`corridors.plot_corridors`.
2. **Proofs** (:mod:`.proof_check`) — :func:`proofs.run`: the paper's
   statements derived for a generic smooth loss.
3. **Numeric check** (:mod:`.numeric_check`) — an MLP on scikit-learn's digits:
   ``‖g‖`` and ``‖H g‖`` (:func:`corridors.numeric.hg`), gradient descent
   against gradient flow (:func:`corridors.numeric.gd_vs_gf`; the first step
   drifts by ``(h²/2)‖H g‖ + O(h³)`` off corridors), the corridor indicators
   along SGD training (:func:`corridors.numeric.probe`), and a symbolic
   corridor (the cone) through :func:`corridors.numeric.lambdify_loss` as a
   control whose drift must stay at the integrator's error level.
4. **CLR vs SGD** (:mod:`.clr_check`) — a short run of the CLR study of
   ``corridors bench clr`` (CLR ``h = (E − E*)/‖g‖²`` against a small SGD
   learning-rate sweep).

Output: ``report.md`` (:mod:`.render`), ``summary.json`` and PNG figures in one folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import platform
import time
from pathlib import Path
from typing import Callable

from .clr_check import clr_section
from .config import DEFAULT, DemoConfig
from .gallery import gallery_section
from .numeric_check import numeric_section
from .proof_check import proofs_section
from .render import markdown
from .summary import DemoSummary

__all__ = ["DemoResult", "DemoSummary", "default_out_dir", "run_demo"]


@dataclasses.dataclass(frozen=True)
class DemoResult:
    """What :func:`run_demo` wrote and whether the library's claims held.

    Attributes:
        out_dir: the output folder.
        report: path of ``report.md``; ``summary``: path of ``summary.json``.
        figures: paths of the PNG figures.
        gallery_ok: every gallery classification equals its expected one
            (an ``unknown`` from a timeout counts as not equal).
        proofs_ok: no proof ``failed`` (``unknown`` is not a failure).
        wall_s: wall time of the whole run.
    """

    out_dir: Path
    report: Path
    summary: Path
    figures: tuple[Path, ...]
    gallery_ok: bool
    proofs_ok: bool
    wall_s: float


def default_out_dir() -> Path:
    """``./corridors-output/demo`` under the current directory."""
    return Path(os.getcwd()) / "corridors-output" / "demo"


def run_demo(
    config: DemoConfig = DEFAULT,
    out_dir=None,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> DemoResult:
    """Run the four steps of the demo and write ``report.md``, ``summary.json`` and figures.

    Args:
        config: :data:`DEFAULT` or :data:`QUICK` (or your own :class:`DemoConfig`).
        out_dir: output folder (created); default :func:`default_out_dir`.
        progress: show tqdm progress bars (on stderr).
        log: receives one line per step (``print`` by default).

    Returns:
        :class:`DemoResult`.

    Example:
        >>> from corridors._demo import QUICK, run_demo
        >>> result = run_demo(QUICK, "corridors-demo", progress=False)  # doctest: +SKIP
        >>> result.gallery_ok and result.proofs_ok  # doctest: +SKIP
        True
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"corridors demo ({config.name}): writing into {out}")

    log("[1/4] symbolic gallery: corridors.analyze on every GALLERY loss")
    gallery = _timed(gallery_section, config, out, progress)
    log(f"      {gallery.matched}/{len(gallery.rows)} classifications as expected ({gallery.wall_s:.1f} s)")

    log("[2/4] proofs: proofs.run, the paper's statements for a generic loss")
    proofs = _timed(proofs_section, config, progress)
    counts = proofs.counts
    log(f"      {counts['proved']} proved, {counts['failed']} failed, {counts['unknown']} unknown ({proofs.wall_s:.1f} s)")

    log("[3/4] numeric check: MLP on digits (hg, gd_vs_gf, probe) and a cone as control")
    numeric = _timed(numeric_section, config, out, progress)
    log(f"      first-step drift / predicted (h²/2)‖Hg‖: "
        + ", ".join(f"h={r.learning_rate:g}: {r.drift_over_predicted:.3g}" for r in numeric.drift)
        + f" ({numeric.wall_s:.1f} s)")

    log("[4/4] CLR vs SGD: a short run of the CLR study on digits")
    clr = _timed(clr_section, config, out, progress)
    log(f"      {len(clr.verdicts)} comparisons ({clr.wall_s:.1f} s)")

    figures = tuple(sorted(out.rglob("*.png")))
    wall = round(time.perf_counter() - started, 1)
    summary = DemoSummary(
        corridors_version=_version(),
        config=config.name,
        date_utc=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}",
        wall_s=wall,
        gallery=gallery,
        proofs=proofs,
        numeric=numeric,
        clr=clr,
        figures=tuple(str(p.relative_to(out)) for p in figures),
    )
    summary_path = out / "summary.json"
    summary_path.write_text(json.dumps(summary.to_dict(), indent=2, allow_nan=False, ensure_ascii=False) + "\n")
    report_path = out / "report.md"
    report_path.write_text(markdown(summary), encoding="utf-8")
    log(f"done in {wall:.1f} s: {report_path}")
    return DemoResult(out, report_path, summary_path, figures, gallery.ok, proofs.ok, wall)


def _timed(section, *args):
    """Run one step of the demo; its result carries the wall time, in seconds to 0.01."""
    t0 = time.perf_counter()
    result = section(*args)
    return dataclasses.replace(result, wall_s=round(time.perf_counter() - t0, 2))


def _version() -> str:
    from .. import __version__

    return __version__
