"""Singular as a subprocess: exact Gröbner bases over ℚ, fast enough for real losses.

SymPy's own ``groebner`` times out on about one in ten cubic systems in three
variables that Singular (Greuel, Pfister, Schönemann; shipped on PyPI in the
``passagemath-singular`` wheel) settles in a tenth of a second. Singular runs
as a child process that reads a script on stdin: a time budget kills it
cleanly, which no signal can do to a C library inside this process, and
nothing of it is imported. Its CPU time counts against the budget.

The protocol is text both ways. Polynomials go out over variables ``w0, w1,
…`` with exact rational coefficients (``to_singular``) and come back on lines
``@key value`` that ``parse_polynomial`` reads with a strict grammar: no
output is ever evaluated.
"""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import signal
import subprocess
import sysconfig
from pathlib import Path

import sympy as sp

from ..._budget import BudgetExceeded, TimeBudget

__all__ = ["SingularError", "singular_binary", "run_singular", "to_singular", "parse_polynomial"]


class SingularError(RuntimeError):
    """Singular reported an error or printed something this module cannot read."""


@functools.lru_cache(maxsize=1)
def singular_binary() -> tuple[Path, Path | None] | None:
    """``(binary, library folder)`` of a usable Singular, or None.

    Looks in the ``sage_wheels`` folder of the installed ``passagemath-singular``
    wheel first, then for ``Singular`` on the PATH. ``CORRIDORS_SINGULAR=off``
    disables it (the SymPy engine is then used).
    """
    if os.environ.get("CORRIDORS_SINGULAR", "").lower() in ("0", "off", "no", "false"):
        return None
    roots = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    for root in sorted(roots):
        wheel = Path(root) / "sage_wheels"
        binary = wheel / "bin" / "Singular"
        if binary.is_file() and os.access(binary, os.X_OK):
            library = wheel / "share" / "singular" / "LIB"
            return binary, (library if library.is_dir() else None)
    found = shutil.which("Singular")
    return (Path(found), None) if found else None


def run_singular(script: str, *, budget: TimeBudget | None = None, stage: str = "Singular") -> list[tuple[str, str]]:
    """Run ``script`` and return its ``@key value`` lines as pairs, in order.

    Raises ``BudgetExceeded`` when the budget runs out (the process is
    killed), ``SingularError`` when Singular reports an error or is missing.
    """
    located = singular_binary()
    if located is None:
        raise SingularError("Singular is not installed: pip install passagemath-singular")
    binary, library = located
    environment = dict(os.environ)
    if library is not None:
        environment["SINGULARPATH"] = str(library)
    command = [str(binary), "-q", "--no-rc"]
    timeout = None
    if budget is not None:
        budget.check(stage)
        # The child gets what is left of the CPU budget (the kernel kills it past that), and a
        # wall-clock limit far beyond it only as a guard against a Singular that waits forever.
        cpu = max(1, math.ceil(budget.remaining))
        command = ["sh", "-c", f'ulimit -t {cpu}; exec "$0" "$@"', *command]
        timeout = 10 * cpu + 60
    try:
        completed = subprocess.run(
            command,
            input=script + "\nquit;\n",
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        raise BudgetExceeded(stage) from None
    except OSError as error:  # pragma: no cover - a broken installation
        raise SingularError(f"could not run Singular ({binary}): {error}") from None
    if budget is not None and completed.returncode in (-signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGKILL):
        raise BudgetExceeded(stage)  # killed at its CPU limit
    errors = [line for line in (completed.stdout + completed.stderr).splitlines() if line.lstrip().startswith("?")]
    if errors or completed.returncode != 0:
        detail = "; ".join(line.strip() for line in errors[:3]) or f"exit status {completed.returncode}"
        raise SingularError(f"Singular failed: {detail}")
    pairs = []
    for line in completed.stdout.splitlines():
        if line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            pairs.append((key, value.strip()))
    return pairs


def variable_names(count: int) -> list[str]:
    return [f"w{i}" for i in range(count)]


def to_singular(expr, gens) -> str:
    """``expr``, a polynomial in ``gens`` with rational coefficients, as Singular text over w0, w1, …"""
    poly = sp.Poly(expr, *gens, domain=sp.QQ)
    if poly.is_zero:
        return "0"
    terms = []
    for monomial, coefficient in poly.terms():
        factors = [f"w{i}" + (f"^{e}" if e > 1 else "") for i, e in enumerate(monomial) if e]
        text = "*".join(factors)
        c = sp.Rational(coefficient)
        magnitude = abs(c)
        if text and magnitude == 1:
            term = text
        else:
            number = f"{magnitude.p}" if magnitude.q == 1 else f"{magnitude.p}/{magnitude.q}"
            term = number + ("*" + text if text else "")
        terms.append(("-" if c < 0 else "+") + term)
    joined = "".join(terms)
    return joined[1:] if joined.startswith("+") else joined


_TERM = re.compile(r"([+-]?)(\d+(?:/\d+)?)?\*?((?:w\d+(?:\^\d+)?\*?)*)")
_FACTOR = re.compile(r"w(\d+)(?:\^(\d+))?")


def parse_polynomial(text: str, gens) -> sp.Expr:
    """Read a Singular polynomial over w0, w1, … back into SymPy (strict grammar, no eval)."""
    text = text.replace(" ", "")
    if not text:
        raise SingularError("empty polynomial in Singular output")
    if not re.fullmatch(r"[0-9w+\-*/^]+", text):
        raise SingularError(f"unexpected characters in Singular output: {text[:80]!r}")
    result, position = [], 0
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position or (position > 0 and not match.group(1)):
            raise SingularError(f"cannot read Singular polynomial near {text[position:position + 40]!r}")
        sign, number, monomial = match.groups()
        if not number and not monomial:
            raise SingularError(f"cannot read Singular polynomial near {text[position:position + 40]!r}")
        coefficient = sp.Rational(number) if number else sp.S.One
        if sign == "-":
            coefficient = -coefficient
        term = coefficient
        for index, exponent in _FACTOR.findall(monomial or ""):
            index = int(index)
            if index >= len(gens):
                raise SingularError(f"Singular output names w{index}, beyond the {len(gens)} variables")
            term *= gens[index] ** (int(exponent) if exponent else 1)
        result.append(term)
        position = match.end()
    return sp.Add(*result)
