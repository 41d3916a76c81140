"""Build the documentation in strict mode: ``.venv/bin/python docs/build.py [OUTDIR]``.

Equivalent to ``python -m sphinx -W --keep-going -b html docs OUTDIR``
(default ``docs/_build/html``); every warning is an error, and the exit status
is Sphinx's (0 on success).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def main(argv=None) -> int:
    from sphinx.cmd.build import build_main

    args = sys.argv[1:] if argv is None else list(argv)
    out = args[0] if args else str(DOCS / "_build" / "html")
    return build_main(["-W", "--keep-going", "-b", "html", str(DOCS), out])


if __name__ == "__main__":
    sys.exit(main())
