"""The core works without the optional packages; each optional feature names its extra when missing.

Each case runs in a fresh interpreter where the optional packages are made
unimportable (``sys.modules[name] = None``), as on a machine where only
``pip install corridors`` was run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

OPTIONAL = ("matplotlib", "sklearn", "tqdm", "hypothesis")


def run_without_optional(code: str) -> subprocess.CompletedProcess:
    blocker = "import sys\nfor name in %r:\n    sys.modules[name] = None\n" % (OPTIONAL,)
    return subprocess.run([sys.executable, "-c", blocker + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)


def test_the_core_imports_and_analyzes_without_optional_packages():
    done = run_without_optional("""
        import corridors, corridors.numeric
        report = corridors.analyze("abs(x) + abs(y)")
        print(report.classification)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "everywhere"


@pytest.mark.parametrize("code, extra", [
    ("import corridors.strategies", "testing"),
    ("corridors.plot_corridors('x^2 + y', xlim=(-1, 1), ylim=(-1, 1))", "plot"),
])
def test_a_missing_extra_is_named(code, extra):
    done = run_without_optional(f"""
        import corridors
        try:
            {code}
        except corridors.MissingDependency as error:
            print(error)
        else:
            print("no error")
    """)
    assert f"pip install 'corridors[{extra}]'" in done.stdout, (done.stdout, done.stderr)


@pytest.mark.parametrize("command", ["demo --quick", "bench clr --quick"])
def test_the_cli_names_the_extra_before_any_work(command, tmp_path):
    done = run_without_optional(f"""
        import sys
        from corridors._cli import main
        sys.exit(main({command.split() + ['--out', str(tmp_path)]!r}))
    """)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "pip install 'corridors[bench]'" in done.stderr, done.stderr
    assert not any(tmp_path.iterdir()), "the command started working before checking its dependencies"
