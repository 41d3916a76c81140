"""The public surface: every name in ``corridors.__all__`` exists and is documented."""

import dataclasses

import pytest

import corridors


@pytest.mark.parametrize("name", corridors.__all__)
def test_every_public_name_imports_and_has_a_docstring(name):
    obj = getattr(corridors, name)
    if callable(obj) or isinstance(obj, type):
        assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"


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
