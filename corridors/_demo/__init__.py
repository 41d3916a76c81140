"""``corridors demo``: the whole library in one run (not part of the public API).

:func:`.run.run_demo` runs the symbolic gallery, the machine-checked proofs, a
numeric check of an MLP on scikit-learn's digits and a short CLR-vs-SGD study,
and writes ``report.md``, ``summary.json`` and PNG figures into one folder.
Presets live in :mod:`.config`, the summary of a run in :mod:`.summary`, the four steps in :mod:`.gallery`,
:mod:`.proof_check`, :mod:`.numeric_check` and :mod:`.clr_check`, the report
in :mod:`.render`.
"""

from .config import DEFAULT, QUICK, DemoConfig
from .run import DemoResult, DemoSummary, default_out_dir, run_demo

__all__ = ["DEFAULT", "QUICK", "DemoConfig", "DemoResult", "DemoSummary", "default_out_dir", "run_demo"]
