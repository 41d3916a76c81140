"""The runnable examples in the numeric backend's docstrings."""

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
