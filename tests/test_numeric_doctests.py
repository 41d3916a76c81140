"""The runnable examples in the numeric backend's docstrings, and the README's numeric block."""

import doctest
import importlib

import pytest

MODULES = [
    "corridors.numeric",
    "corridors._numeric._trees",
    "corridors._numeric.hessian_vector",
    "corridors._numeric.indicators",
    "corridors._numeric.drift",
    "corridors._numeric.probe",
    "corridors._numeric.bridge",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    failures, attempted = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert attempted > 0
    assert failures == 0


def test_readme_numeric_block_is_complete_and_runs(tmp_path, monkeypatch, capsys):
    """The README's "Numeric checks on networks (JAX)" block runs as written, in a fresh namespace."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Numeric checks on networks (JAX)") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"^```python\n(.*?)^```", section, flags=re.S | re.M)
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "README.md (numeric block)", "exec"), {"__name__": "readme"})  # noqa: S102
    printed = capsys.readouterr().out
    for name in ("HgResult(", "DriftResult(", "Indicators(", "ProbeResult("):
        assert name in printed, name
