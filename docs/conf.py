"""Sphinx configuration of the corridors documentation.

Build (strict: every warning is an error) with either of::

    .venv/bin/python docs/build.py
    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

Why Sphinx + MyST: the API reference comes from the docstrings through
``sphinx.ext.autodoc`` + ``napoleon`` (the docstrings are Google style), the
paper's formulas render with MathJax, pages are plain Markdown (MyST) that
GitHub also renders, ``-W`` makes the build strict, and the built
``objects.inv`` lists every documented name, which ``tests/test_docs.py``
checks against ``__all__``. The default theme (alabaster, shipped with
Sphinx) keeps the dependencies to two packages: sphinx and myst-parser.

Figures and the proofs page are generated at build time by the local
extension ``_ext/corridors_docs.py``, which calls the library itself, into
``docs/_generated/`` (git-ignored; never committed).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "_ext"))
sys.path.insert(0, os.path.dirname(HERE))  # the repository: corridors and proofs

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are files; no display needed

import corridors  # noqa: E402

project = "corridors"
author = "corridors contributors"
copyright = "2024–2026, corridors contributors"
release = version = corridors.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_parser",
    "corridors_docs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "README.md", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

nitpicky = False  # docstrings name optax/jax/sympy types that have no inventory here

html_theme = "alabaster"
html_title = f"corridors {release}"
html_static_path: list[str] = []
html_theme_options = {"description": "Corridor geometry in gradient-based optimization", "fixed_sidebar": True}
