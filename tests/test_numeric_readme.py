"""The README's numeric block runs as written, alone, and prints what it promises.

The docstring examples of the numeric backend run in one place only: the
``test_docstring_examples`` table of test_docs.py (which also counts them).
"""


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
