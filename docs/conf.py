"""Sphinx configuration of the corridors documentation.

Build (strict: every warning is an error) with either of::

    .venv/bin/python docs/build.py
    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

Why Sphinx + MyST: the API reference comes from the docstrings through
``sphinx.ext.autodoc`` + ``napoleon`` (the docstrings are Google style), pages
are plain Markdown (MyST) that GitHub also renders, ``-W`` makes the build
strict, and the built ``objects.inv`` lists every documented name, which
``tests/test_docs.py`` checks against ``__all__``.

* Math: MathJax 3, bundled into the site by ``sphinx-mathjax-offline``
  (``_static/mathjax``), so formulas render without internet access. KaTeX
  pre-rendering was measured against it (see ``docs/README.md``): similar
  build time and lighter pages, but it needs Node.js and KaTeX's fonts at build
  time, neither of which pip installs.
* Theme: ``sphinx-book-theme`` (as optax, jax and flax), with copy buttons
  (``sphinx-copybutton``); long code lines scroll inside their block
  (``_static/corridors.css``).
* Notebooks: ``myst-nb`` reads the pages (it includes ``myst-parser``) and
  executes ``*.ipynb`` pages on every build; a failing cell fails the build.

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
    "sphinx-mathjax-offline",  # MathJax 3 served from _static/mathjax: no CDN
    "myst_nb",  # MyST Markdown pages (it includes myst_parser) and executed notebooks
    "sphinx_copybutton",
    "corridors_docs",
]

root_doc = "index"
exclude_patterns = ["_build", "_generated", "README.md", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
templates_path: list[str] = []

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks are executed on every build (never stored outputs); an error in a cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True
nb_execution_in_temp = True  # the kernel's working folder: nothing is written into docs/

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

nitpicky = False  # docstrings name optax/jax/sympy types that have no inventory here

# Copy buttons copy the input lines of ">>>" examples without their prompts or output.
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True

html_theme = "sphinx_book_theme"
html_title = f"corridors {release}"
html_static_path = ["_static"]
html_css_files = ["corridors.css"]
html_favicon = "_static/favicon.svg"  # without one, browsers ask for /favicon.ico and log a 404
# The theme's light/dark mode follows the reader's system; an empty default logs a console error.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
