"""``corridors demo``: the whole library in one run (not part of the public API).

:func:`.run.run_demo` runs the symbolic gallery, the machine-checked proofs, a
numeric check of an MLP on scikit-learn's digits and a short CLR-vs-SGD study,
and writes ``report.md``, ``summary.json`` and PNG figures into one folder.
"""

from .run import DEFAULT, QUICK, DemoConfig, DemoResult, default_out_dir, run_demo

__all__ = ["DEFAULT", "QUICK", "DemoConfig", "DemoResult", "default_out_dir", "run_demo"]
