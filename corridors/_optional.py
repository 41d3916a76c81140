"""Optional dependencies, imported where they are used, with the install hint when missing.

The core (symbolic analysis, numeric indicators, the optimizers) needs only
SymPy, NumPy, JAX, optax and diffrax. Figures, the benchmarks and the
Hypothesis strategies need more; each group is an extra of ``setup.cfg``, and
a missing package raises :class:`~corridors.MissingDependency` saying which
extra installs it, as Hypothesis does for its own extras.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import MissingDependency

# The extra of setup.cfg that installs each optional top-level package.
EXTRAS = {
    "matplotlib": "plot",
    "sklearn": "bench",
    "tqdm": "bench",
    "hypothesis": "testing",
}

# What the applications (`corridors bench`, `corridors demo`) import, all installed by the `bench` extra.
BENCH_MODULES = ("matplotlib", "tqdm", "sklearn")


def require_bench(purpose: str) -> None:
    """Check, before any work, that every package of the ``bench`` extra is installed."""
    for module in BENCH_MODULES:
        require(module, purpose, extra="bench")


def require(module: str, purpose: str, extra: str | None = None) -> ModuleType:
    """``import module``, or a :class:`MissingDependency` naming the extra to install for ``purpose``.

    ``extra`` overrides the package's own extra where a feature needs a larger one (the
    benchmarks need ``bench``, which includes matplotlib's ``plot``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.split(".")[0]
        if error.name is None or error.name.split(".")[0] != top:
            raise  # the package is there but broken: its own error says more
        extra = extra or EXTRAS[top]
        raise MissingDependency(
            f"{purpose} needs {top}, which is not installed: pip install 'corridors[{extra}]' "
            f"(or 'corridors[all]' for every optional feature)"
        ) from error
