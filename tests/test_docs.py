"""The documentation: strict build, complete API reference, runnable examples.

* the Sphinx build of ``docs/`` succeeds with ``-W`` (every warning an error);
* every public name (``corridors.__all__``, ``corridors.numeric.__all__``,
  ``corridors.strategies.__all__``, ``proofs.__all__``) has an entry in the
  built ``objects.inv``;
* the generated pages (proofs, figures) are there;
* the docstring examples of every module that defines a public name pass as
  doctests, and the Python code blocks of the pages run.
"""

from __future__ import annotations

import doctest
import html as htmllib
import importlib
import inspect
import re
import subprocess
import sys
import types
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC_PACKAGES = ("corridors", "corridors.numeric", "corridors.strategies", "proofs")

pytest.importorskip("sphinx", reason="the docs extra (sphinx, myst-parser) is not installed")
pytest.importorskip("myst_parser", reason="the docs extra (sphinx, myst-parser) is not installed")


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Path:
    """The site built in strict mode into a temporary folder (about 25 s)."""
    out = tmp_path_factory.mktemp("docs") / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"strict docs build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "WARNING" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    return out


def read_inventory(path: Path) -> dict[str, set[str]]:
    """``objects.inv`` (Sphinx inventory version 2) as {name: {domain:role, ...}}."""
    data = path.read_bytes()
    header_end = 0
    for _ in range(4):  # four plain-text header lines, then a zlib stream
        header_end = data.index(b"\n", header_end) + 1
    assert data.startswith(b"# Sphinx inventory version 2")
    entries: dict[str, set[str]] = {}
    for line in zlib.decompress(data[header_end:]).decode("utf-8").splitlines():
        match = re.match(r"(.+?)\s+(\S+:\S+)\s+(-?\d+)\s+(\S*)\s+(.*)", line)
        if match:
            entries.setdefault(match.group(1), set()).add(match.group(2))
    return entries


def public_names() -> list[str]:
    names = []
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        names += [f"{package}.{name}" for name in module.__all__]
    return names


def test_strict_build_succeeds(html):
    assert (html / "index.html").is_file()
    for page in ("quickstart", "concepts", "proofs", "benchmarks", "api/index", "api/corridors",
                 "api/numeric", "api/strategies", "api/proofs", "tutorials/check_your_loss",
                 "tutorials/probe_your_network", "tutorials/train_with_clr", "tutorials/property_testing"):
        assert (html / f"{page}.html").is_file(), page


def test_every_public_name_has_an_api_entry(html):
    inventory = read_inventory(html / "objects.inv")
    python = {name for name, roles in inventory.items() if any(r.startswith("py:") for r in roles)}
    missing = [name for name in public_names() if name not in python]
    assert not missing, f"public names without an API entry: {missing}"


def test_api_pages_document_the_objects(html):
    """An entry is not an empty stub: the docstring's first line is on the page."""
    import corridors

    page = (html / "api" / "corridors.html").read_text(encoding="utf-8")
    for name in ("analyze", "plot_corridors", "clr", "CorridorReport"):
        summary = inspect.getdoc(getattr(corridors, name)).splitlines()[0]
        words = re.findall(r"[A-Za-z]{4,}", summary)[:3]
        assert all(word in page for word in words), (name, words)


def test_generated_pages(html):
    import proofs

    page = (html / "proofs.html").read_text(encoding="utf-8")
    text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    for proof in proofs.PROOFS:
        assert " ".join(proof.title.split()) in text, proof.title
    # One verdict per proof, all proved, each with a control that failed; every step
    # shown with its claim, hypotheses (as rewrites) and residual as formulas.
    assert page.count("<strong>proved</strong>") == len(proofs.PROOFS) == 15
    assert text.count("control failed") == len(proofs.PROOFS)
    assert "Not proved" not in text
    verdicts = re.findall(r"Checked for [^:]*: (residual [=>] 0|refuted|undecided)", text)
    assert verdicts and set(verdicts) <= {"residual = 0", "residual > 0"}
    assert text.count("Statement.") == text.count("Hypothesis.") == len(proofs.PROOFS)
    assert text.count("before any hypothesis") >= 3 * len(proofs.PROOFS)
    assert page.count('class="math') > 10 * len(proofs.PROOFS)
    images = {p.name for p in (html / "_images").glob("*.png")}
    assert {"figure-1.png", "corridor-kinds.png", "your-loss.png"} <= images
    gallery = (html / "api" / "corridors.html").read_text(encoding="utf-8")
    import corridors

    assert all(example.name in gallery for example in corridors.GALLERY)


# --- doctests -------------------------------------------------------------------------
def doctest_modules() -> list[str]:
    """Every module that defines a public name, and the public packages themselves."""
    modules = set(PUBLIC_PACKAGES)
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                modules.add(obj.__name__)
            elif inspect.isclass(obj) or callable(obj):
                defined = getattr(obj, "__module__", None)
                if defined and defined.split(".")[0] in ("corridors", "proofs"):
                    modules.add(defined)
    return sorted(modules)


@pytest.mark.parametrize("module", doctest_modules())
def test_docstring_examples(module, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that save a file write it here
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, _ = doctest.testmod(importlib.import_module(module), optionflags=flags, verbose=False)
    assert failures == 0


def test_the_public_api_has_runnable_examples():
    attempted = 0
    finder = doctest.DocTestFinder()
    for module in doctest_modules():
        attempted += sum(len(test.examples) for test in finder.find(importlib.import_module(module)))
    assert attempted >= 40


# --- code blocks of the pages -----------------------------------------------------------
PAGES = sorted(
    p.relative_to(DOCS).as_posix()
    for p in DOCS.rglob("*.md")
    if not p.relative_to(DOCS).parts[0].startswith("_") and p.name != "README.md"
)


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks((DOCS / p).read_text(encoding="utf-8"))])
def test_code_blocks_of_the_pages_run(page, tmp_path, monkeypatch):
    """The Python blocks of a page run in order, in one namespace, as a reader would run them."""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{page}"}
    for number, block in enumerate(python_blocks((DOCS / page).read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page} (block {number})", "exec")
        exec(code, namespace)  # noqa: S102 - our own documentation's examples
