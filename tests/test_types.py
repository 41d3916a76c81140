"""The library type-checks: mypy reports no error on ``corridors/`` and ``proofs/``.

The configuration is the ``[mypy]`` section of ``setup.cfg``; run the same
check by hand with ``.venv/bin/python -m mypy`` from the repository root.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_reports_no_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "--no-error-summary"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, f"mypy found type errors (run `python -m mypy` from the root):\n{done.stdout}{done.stderr}"
