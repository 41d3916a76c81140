"""The architecture of ``corridors/`` and ``proofs/``, read from the source with ``ast``.

No module is imported here: each file is parsed and its ``import`` statements
are resolved to module names, so the checks see the code as written.

The layers of ``corridors``, from the top down::

    corridors._cli (and corridors.__main__)
        → corridors._demo, corridors._experiments   (applications)
            → the core: corridors (the public surface), _symbolic, _numeric, _optim,
              _testing, _plotting, _errors, numeric, strategies

A layer imports only the layers below it. The library never imports a private
module of ``proofs`` (``proofs._…``), nor ``proofs`` a private module of the
library (``corridors._…``); the public modules are fine.

Also checked, for ``corridors/`` and ``proofs/``: no import cycle between
modules, no module over ``MAX_LINES`` lines, no private name (``_name``)
imported from another module. Nothing in the repository (packages, tests,
benchmarks, examples, documentation scripts) imports ``optax._src``.

Imports inside functions (deferred imports, e.g. of optional dependencies)
count everywhere: a deferred import still ties two modules together, for the
layers and for cycles alike. A deferred import is the usual way to hide a
cycle at import time; the code base has no cycle even counting them, so
none is allowed to creep back in that way. ``importlib.import_module`` with a
computed name (``corridors._cli`` registers its subcommands so) is invisible
here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corridors", "proofs")
MAX_LINES = 450

CLI = ("corridors._cli", "corridors.__main__")
APPLICATIONS = ("corridors._demo", "corridors._experiments")
CORE = (
    "corridors._symbolic", "corridors._numeric", "corridors._optim", "corridors._testing", "corridors._plotting",
    "corridors._errors", "corridors._optional", "corridors._validate", "corridors._budget", "corridors.numeric",
    "corridors.strategies", "corridors.budgets",
)


@dataclass(frozen=True)
class Import:
    """One imported module (and, for ``from m import a, b``, the names taken from it)."""

    module: str  # the absolute name of the module imported from
    names: tuple  # names taken by ``from module import …``; () for ``import module``
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


SOURCES = _sources()


def _is_package(module: str) -> bool:
    return SOURCES.get(module, Path()).name == "__init__.py"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[Import]:
    tree = ast.parse(SOURCES[module].read_text(encoding="utf-8"))
    found: list[Import] = []
    for node in ast.walk(tree):  # imports inside functions too (see the module docstring)
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, (), node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            names = tuple(alias.name for alias in node.names)
            # ``from package import submodule`` imports the submodule itself.
            submodules = [n for n in names if f"{source}.{n}" in SOURCES]
            found.extend(Import(f"{source}.{n}", (), node.lineno) for n in submodules)
            rest = tuple(n for n in names if n not in submodules)
            if rest:
                found.append(Import(source, rest, node.lineno))
    return found


IMPORTS = {module: _imports(module) for module in SOURCES}


def _in(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _where(module: str, imported: Import) -> str:
    return f"{SOURCES[module].relative_to(ROOT)}:{imported.line}"


def _violations(rule) -> list[str]:
    return [message for module in SOURCES for imported in IMPORTS[module] for message in rule(module, imported)]


def _layering(module, imported):
    target = imported.module
    if (_in(module, CORE) or module == "corridors") and _in(target, CLI + APPLICATIONS):
        yield (f"{_where(module, imported)}: the core module {module} imports {target}, a layer above it; "
               "move what it needs into the core (or pass it in as an argument)")
    if _in(module, APPLICATIONS) and _in(target, CLI):
        yield (f"{_where(module, imported)}: the application module {module} imports the command line ({target}); "
               "move what it needs into the application or the core")
    if _in(module, ("corridors",)) and target.startswith("proofs._"):
        yield (f"{_where(module, imported)}: the library module {module} imports the private module {target}; "
               "use the public `proofs` package API (re-export the name in proofs/__init__.py if it is missing)")
    if _in(module, ("proofs",)) and target.startswith("corridors._"):
        yield (f"{_where(module, imported)}: the proofs module {module} imports the private module {target}; "
               "use a public module of corridors (e.g. corridors.budgets)")


def test_every_module_has_a_layer():
    unplaced = [m for m in SOURCES if m.startswith("corridors.") and not _in(m, CLI + APPLICATIONS + CORE)]
    assert not unplaced, (f"modules in no layer: {unplaced}; add each to CLI, APPLICATIONS or CORE in "
                          "tests/test_architecture.py so that the layering rules cover it")


def test_layers_import_only_downwards():
    assert not (problems := _violations(_layering)), "\n".join(problems)


def _every_python_file() -> list[Path]:
    """The packages, and the tests, benchmarks, examples and documentation scripts beside them."""
    folders = [ROOT / name for name in (*PACKAGES, "tests", "benchmarks", "examples", "docs")]
    files = [path for folder in folders if folder.is_dir() for path in sorted(folder.rglob("*.py"))]
    return sorted(ROOT.glob("*.py")) + [path for path in files if "_build" not in path.parts]


def test_no_private_optax_import_anywhere():
    problems = []
    for path in _every_python_file():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            if any(_in(m, ("optax._src",)) for m in modules):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} imports from optax._src, optax's private "
                                "internals; use the public optax API (optax, optax.tree, optax.GradientTransformation …)")
    assert not problems, "\n".join(problems)


def test_no_private_name_crosses_a_module_boundary():
    def rule(module, imported):
        private = [n for n in imported.names if n.startswith("_") and not n.startswith("__")]
        if imported.module in SOURCES and private:
            yield (f"{_where(module, imported)}: {module} imports {', '.join(private)} from {imported.module}; "
                   "a name used by another module is part of the package's internal API: drop the leading "
                   "underscore (or move the name to the module that uses it)")

    assert not (problems := _violations(rule)), "\n".join(problems)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycle_between_modules():
    graph = {
        module: {i.module for i in IMPORTS[module] if i.module in SOURCES and i.module != module}
        for module in SOURCES
    }
    problems = [
        f"import cycle between {', '.join(cycle)}: move the shared names into a module that both import, "
        "or defer one import into the function that needs it"
        for cycle in _cycles(graph)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_module_over_the_line_limit(module):
    lines = len(SOURCES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (
        f"{SOURCES[module].relative_to(ROOT)} ({module}) has {lines} lines, over {MAX_LINES}: split it along "
        "cohesive lines into modules whose names say what each holds"
    )


def test_every_data_file_of_the_packages_is_declared_package_data():
    """A file the code reads at run time (the gallery's table) must ship in the wheel, not only in a checkout."""
    import configparser
    import fnmatch
    import subprocess

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    declared = {
        package: [pattern.strip() for pattern in patterns.replace("\n", ",").split(",") if pattern.strip()]
        for package, patterns in config["options.package_data"].items()
    }
    tracked = subprocess.run(
        ["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    data = [Path(name) for name in tracked if not name.endswith(".py")]
    assert any(path.name == "gallery.json" for path in data)  # the check sees the file it exists for
    for path in data:
        package, relative = path.parts[0], Path(*path.parts[1:]).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in declared.get(package, [])), (
            f"{path} is not in setup.cfg's [options.package_data] {package} = ...: add it, or it is missing from the wheel"
        )
