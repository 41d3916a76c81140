"""The documentation site, built once per test session and shared by the docs tests.

``tests/test_docs.py`` and ``tests/test_docs_browser.py`` both need the built
HTML. Under pytest-xdist their tests run in several worker processes, each of
which would otherwise build the site again (a strict build executes the proofs
and the example notebook). :func:`built_site` builds it once into the
session's shared temporary folder, under a file lock, and every later caller,
in any worker, gets the same folder, or the same build failure.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# What the notebook's kernel (ipykernel >= 7) prints on stderr when it starts: a notice
# about its local TCP transport, not a problem of the documentation.
KERNEL_NOTICE = "[IPKernelApp] WARNING | Kernel is running over TCP without encryption."


def session_folder(tmp_path_factory) -> Path:
    """A folder shared by every xdist worker of this session (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def problems_on_stderr(stderr: str) -> list[str]:
    """Lines of a build's stderr that report a warning or an error (the kernel's notice excepted)."""
    return [line for line in stderr.splitlines()
            if ("WARNING" in line or "ERROR" in line) and not line.startswith(KERNEL_NOTICE)]


def built_site(tmp_path_factory) -> Path:
    """The site built in strict mode (``-W --keep-going``); fails the calling test when the build fails."""
    folder = session_folder(tmp_path_factory) / "corridors-docs"
    folder.mkdir(exist_ok=True)
    html, failure, success = folder / "html", folder / "failure.txt", folder / "built"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first caller builds; the others wait, then reuse
        try:
            if not success.is_file() and not failure.is_file():
                shutil.rmtree(html, ignore_errors=True)  # what an interrupted build left
                command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(folder / "doctrees"), str(DOCS), str(html)]
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
                problems = problems_on_stderr(done.stderr)
                if done.returncode != 0 or problems:
                    failure.write_text(f"strict docs build failed (exit status {done.returncode}):\n"
                                       f"{done.stdout[-4000:]}\n{done.stderr[-6000:]}", encoding="utf-8")
                else:
                    success.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if failure.is_file():
        raise AssertionError(failure.read_text(encoding="utf-8"))
    return html


def shared_once(tmp_path_factory, name: str, compute):
    """``compute()``'s JSON result, computed by the first caller of the session and read back by the others."""
    folder = session_folder(tmp_path_factory) / "corridors-docs"
    folder.mkdir(exist_ok=True)
    path = folder / name
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.is_file():
                result = compute()
                path.write_text(json.dumps(result), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return json.loads(path.read_text(encoding="utf-8"))
