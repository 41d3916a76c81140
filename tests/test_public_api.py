"""The public surface: every name in ``corridors.__all__`` exists and is documented."""

import dataclasses
import inspect
import re
import types
from pathlib import Path

import pytest

import corridors

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api" / "corridors.md"


def documented_data() -> dict[str, str]:
    """``.. py:data:: NAME`` entries of the API page, with their text: a tuple cannot carry a docstring."""
    text = API_PAGE.read_text(encoding="utf-8")
    return {name: " ".join(body.split())
            for name, body in re.findall(r"^\.\. py:data:: (\w+)\n((?:\n|   .*\n)*)", text, flags=re.M)}


def _listed(name: str) -> set[str]:
    return set(re.findall(r"``([\w-]+)``", documented_data().get(name, "")))


def _strings(value) -> bool:
    return all(isinstance(item, str) and item for item in value)


# What each public constant must be; a new constant needs a line here (and an entry on the API page).
CONSTANTS = {
    # the values the API page lists, exactly
    "CLASSIFICATIONS": lambda value: _strings(value) and set(value) == _listed("CLASSIFICATIONS"),
    "POINT_STATUSES": lambda value: _strings(value) and set(value) == _listed("POINT_STATUSES"),
    "ALLOWED_FUNCTIONS": lambda value: _strings(value) and {"sqrt", "exp", "log", "abs"} <= set(value),
    "GALLERY": lambda value: all(isinstance(loss, corridors.GalleryLoss) for loss in value)
    and all(loss.expected in corridors.CLASSIFICATIONS for loss in value)
    and len({loss.name for loss in value}) == len(value),
}


@pytest.mark.parametrize("name", corridors.__all__)
def test_every_public_name_imports_and_is_documented(name):
    obj = getattr(corridors, name)
    if isinstance(obj, types.ModuleType) or callable(obj):
        doc = inspect.getdoc(obj)
        assert doc and doc.strip(), f"{name} has no docstring"
        return
    # A constant: its documentation is its entry on the API page, and its value must be what it says.
    assert name in CONSTANTS, f"{name} is a public constant without a check in CONSTANTS"
    entry = documented_data().get(name, "")
    assert len(entry) > 20, f"{name} has no description on {API_PAGE.name} (.. py:data:: {name})"
    assert isinstance(obj, tuple) and len(obj) > 0, f"{name} should be a non-empty tuple"
    assert len(set(map(repr, obj))) == len(obj), f"{name} has duplicates"
    assert CONSTANTS[name](obj), f"{name} = {obj!r} is not what {API_PAGE.name} documents"


def test_every_constant_check_is_used():
    constants = {n for n in corridors.__all__ if not (callable(getattr(corridors, n))
                                                     or isinstance(getattr(corridors, n), types.ModuleType))}
    assert constants == set(CONSTANTS)


@pytest.mark.parametrize("module", ["corridors.numeric", "corridors.strategies", "proofs"])
def test_every_name_of_the_public_subpackages_imports(module):
    import importlib

    package = importlib.import_module(module)
    assert package.__all__, f"{module} has an empty __all__"
    for name in package.__all__:
        assert hasattr(package, name), f"{module}.{name} is listed in __all__ but missing"


def test_all_has_no_duplicates():
    assert len(corridors.__all__) == len(set(corridors.__all__))


def test_results_are_immutable():
    report = corridors.analyze("x + y^2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.classification = "everywhere"
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.corridors[0].dimension = 2


def test_error_hierarchy():
    assert issubclass(corridors.ParseError, corridors.InvalidArgument)
    assert issubclass(corridors.InvalidArgument, ValueError)
    assert issubclass(corridors.UnsupportedFunction, corridors.CorridorsError)
    assert issubclass(corridors.MissingDependency, ImportError)


def test_every_public_name_loads_lazily_from_where_it_is_defined():
    # corridors/__init__ loads its names on first use: __all__ and the lazy table must agree.
    assert set(corridors.__all__) == set(corridors._LAZY)
    for name in corridors.__all__:
        assert getattr(corridors, name) is not None, name
