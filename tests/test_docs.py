"""The documentation: strict build, complete API reference, runnable examples.

* the Sphinx build of ``docs/`` succeeds with ``-W`` (every warning an error);
* every public name (``corridors.__all__``, ``corridors.numeric.__all__``,
  ``corridors.strategies.__all__``, ``proofs.__all__``) has an entry in the
  built ``objects.inv``;
* the generated pages (proofs, figures) are there, and the example notebook
  was executed during the build;
* the docstring examples of every module that defines a public name pass as
  doctests, and as many of them run as each module is known to have;
* every ``python`` block of the README and of the pages runs, in a fresh
  interpreter, as a reader would paste them.

The site is built once per session (``docs_site.built_site``) and shared with
the browser tests (``test_docs_browser.py``).
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

from docs_site import built_site

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC_PACKAGES = ("corridors", "corridors.numeric", "corridors.strategies", "corridors.budgets", "proofs")


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Path:
    """The site built in strict mode, once per session (shared with the browser tests)."""
    return built_site(tmp_path_factory)


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
                 "tutorials/probe_your_network", "tutorials/train_with_clr", "tutorials/property_testing",
                 "tutorials/in_a_notebook"):
        assert (html / f"{page}.html").is_file(), page


def test_the_notebook_was_executed_at_build_time(html):
    """Its outputs come from the build (the committed notebook has none): the report as LaTeX, a figure."""
    import json

    source = json.loads((DOCS / "tutorials" / "in_a_notebook.ipynb").read_text(encoding="utf-8"))
    assert all(not cell.get("outputs") for cell in source["cells"] if cell["cell_type"] == "code")
    page = (html / "tutorials" / "in_a_notebook.html").read_text(encoding="utf-8")
    latex = re.findall(r'<div class="output text_latex math[^"]*">(.*?)</div>', page, flags=re.S)
    assert any("classification: partial" in block for block in latex), "CorridorReport._repr_latex_ not shown"
    assert any("gd-equals-gf" in block for block in latex), "VerificationReport._repr_latex_ not shown"
    assert re.search(r'<img [^>]*src="\.\./_images/[0-9a-f]+\.png"', page), "the plot_corridors figure is missing"
    assert "('partial', (Eq(x, y),))" in htmllib.unescape(page)


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


def examples_in(module: str) -> int:
    """How many docstring examples ``doctest`` finds in a module."""
    return sum(len(test.examples) for test in doctest.DocTestFinder().find(importlib.import_module(module)))


# Docstring examples each module must keep running, at least: a module whose examples are deleted,
# skipped or no longer found fails here instead of passing with nothing run. Raise a number when
# you add examples; lower it only when removing an example on purpose.
EXAMPLES = {
    "corridors._numeric._trees": 3,
    "corridors._numeric.bridge": 4,
    "corridors._numeric.drift": 4,
    "corridors._numeric.hessian_vector": 3,
    "corridors._numeric.indicators": 3,
    "corridors._numeric.probe": 5,
    "corridors._optim.accumulate": 9,
    "corridors._optim.adam": 16,
    "corridors._optim.corridor_learning_rate": 20,
    "corridors._optim.online": 17,
    "corridors._plotting.surface": 5,
    "corridors._symbolic": 3,
    "corridors._symbolic.analysis": 6,
    "corridors._symbolic.derivatives": 8,
    "proofs": 3,
    "corridors._symbolic.parsing": 1,
    "corridors._testing.strategies": 3,
    "corridors.budgets": 3,
    "corridors.numeric": 4,
    "corridors.strategies": 4,
}

# Modules that define public names but have no docstring examples: not doctested (there is
# nothing to run). Their objects are shown in use by the examples of analyze, verify and the
# pages (reports, results, errors, the gallery, LossCase, the proofs, corridors.budgets for the budget).
WITHOUT_EXAMPLES = {
    "corridors", "corridors._budget", "corridors._errors", "corridors._symbolic.components",
    "corridors._symbolic.gallery", "corridors._symbolic.report", "corridors._symbolic.verification",
    "corridors._symbolic.zero_test", "corridors._testing.cases",
}


def test_every_module_with_public_names_is_doctested_or_listed_without_examples():
    found = {module: examples_in(module) for module in doctest_modules()}
    unlisted = sorted(module for module, count in found.items() if count == 0 and module not in WITHOUT_EXAMPLES)
    assert not unlisted, f"modules defining public names with no docstring example: {unlisted}; " \
                         "add examples (preferred) or list them in WITHOUT_EXAMPLES"
    gained = sorted(module for module in WITHOUT_EXAMPLES if found.get(module, 0) > 0)
    assert not gained, f"{gained} now have examples: move them from WITHOUT_EXAMPLES to EXAMPLES"
    gone = sorted(set(EXAMPLES) - set(found))
    assert not gone, f"{gone} no longer define a public name: update EXAMPLES"


@pytest.mark.parametrize("module", sorted(set(EXAMPLES) | {m for m in doctest_modules() if m not in WITHOUT_EXAMPLES}))
def test_docstring_examples(module, tmp_path, monkeypatch):
    """Every example of the module runs and passes; none is skipped, none went missing."""
    monkeypatch.chdir(tmp_path)  # examples that save a file write it here
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    found = examples_in(module)
    failures, attempted = doctest.testmod(importlib.import_module(module), optionflags=flags, verbose=False)
    assert failures == 0
    assert attempted == found, f"{found - attempted} of the {found} examples of {module} did not run (skipped?)"
    assert attempted >= EXAMPLES.get(module, 1), \
        f"{module}: {attempted} examples ran, {EXAMPLES.get(module, 1)} expected"


# --- code blocks of the README and of the pages -------------------------------------------
MARKDOWN = ["README.md"] + sorted(
    p.relative_to(ROOT).as_posix()
    for p in DOCS.rglob("*.md")
    if not p.relative_to(DOCS).parts[0].startswith("_")
)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """The fenced ``python`` blocks of a Markdown file, as (first line, code), parsed as MyST parses them."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    return [(token.map[0] + 1, token.content) for token in tokens
            if token.type == "fence" and token.info.strip().split(" ")[0] in ("python", "py", "python3")]


def test_every_python_block_is_found():
    """The parser sees every block that a plain search for fences finds (none hides in a list or quote)."""
    for name in MARKDOWN:
        text = (ROOT / name).read_text(encoding="utf-8")
        fences = len(re.findall(r"^\s*(?:>\s*)*```+\s*(?:python|py|python3)\s*$", text, flags=re.M))
        assert len(python_blocks(ROOT / name)) == fences, name
    assert len(python_blocks(ROOT / "README.md")) >= 4


# Runs the blocks of one file in order in a fresh interpreter, as a reader would paste them, and
# reports every block that raises (later blocks still run). A page's blocks share one namespace
# (a tutorial builds on its earlier blocks); each README block gets its own, because a reader
# copies one section: it must be complete alone.
RUN_BLOCKS = r"""
import json, sys, traceback
blocks, fresh = json.load(sys.stdin)
namespace, failed = {"__name__": "__main__"}, []
for label, code in blocks:
    if fresh:
        namespace = {"__name__": "__main__"}
    try:
        exec(compile(code, label, "exec"), namespace)
    except BaseException:
        failed.append(label)
        print(f"--- {label} raised:\n{traceback.format_exc(limit=4)}", file=sys.stderr, flush=True)
print(json.dumps(failed))
"""

# What blocks promise to print (the README's numeric block shows one result of each function).
PRINTS = {"README.md": ("HgResult(", "DriftResult(", "Indicators(", "ProbeResult(")}


@pytest.mark.parametrize("name", [name for name in MARKDOWN if python_blocks(ROOT / name)])
def test_python_blocks_run(name, tmp_path):
    """Every ``python`` block of the README and of the documentation pages runs, complete as written."""
    import json
    import os

    blocks = [(f"{name}:{line}", code) for line, code in python_blocks(ROOT / name)]
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", RUN_BLOCKS], input=json.dumps([blocks, name == "README.md"]),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-6000:]
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert not failed, f"blocks that fail (file:line): {failed}\n{done.stderr[-6000:]}"
    missing = [text for text in PRINTS.get(name, ()) if text not in done.stdout]
    assert not missing, f"{name} no longer prints {missing}"
