"""Symbolic core: exact corridor analysis of losses written in SymPy."""

from .algebraic.ideals import Engine
from .analysis import CLASSIFICATIONS, DEFAULT_TIMEOUT, POINT_STATUSES, analyze
from .piece_analysis import PieceAnalysis
from .components import CorridorComponent
from .derivatives import Derivatives, loss_derivatives as derivatives
from .gallery import GALLERY, GalleryLoss
from .parsing import ALLOWED_FUNCTIONS, parse_loss
from .report import CorridorReport
from .verification import StatementCheck, Verification
from .zero_test import ZeroTest


def algebra_engine() -> Engine:
    """The engine of the exact algebra: ``"Singular"`` when installed (``corridors[algebra]``), else ``"SymPy"``.

    Both give the same verdicts; Singular decides more hard polynomial systems
    within a time budget. ``CORRIDORS_SINGULAR=off`` forces SymPy.

    >>> algebra_engine() in ("Singular", "SymPy")
    True
    """
    from .algebraic.ideals import engine_name

    return engine_name()


VERIFY_TIMEOUT = 30.0  # CPU seconds: exact GD iterates through kinks cost more than the analysis


def verify(loss, variables=None, *, timeout: float = VERIFY_TIMEOUT, target=0) -> Verification:
    """Check the paper's statements (a)–(g) on ``loss``: ``analyze(loss, variables).verify()``.

    ``target`` is the level E* of the CLR statement (g); 0 gives the Polyak step.
    ``timeout`` (CPU seconds) bounds the analysis and, separately, the checks.
    A statement about corridors is vacuously true only when the analysis proved
    that there is none; an undecided analysis gives ``holds is None``.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> verify(sp.sqrt(x**2 + y**2), [x, y], timeout=120).holds
    True
    """
    return analyze(loss, variables, timeout=timeout).verify(timeout=timeout, target=target)
