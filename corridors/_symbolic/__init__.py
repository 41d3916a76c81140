"""Symbolic core: exact corridor analysis of losses written in SymPy."""

from .analysis import CLASSIFICATIONS, DEFAULT_TIMEOUT, POINT_STATUSES, PieceAnalysis, analyze
from .components import CorridorComponent
from .derivatives import Derivatives, derivatives
from .gallery import GALLERY, GalleryLoss
from .parsing import ALLOWED_FUNCTIONS, parse_loss
from .report import CorridorReport
from .verification import StatementCheck, Verification
from .zero_test import ZeroTest


def verify(loss, variables=None, *, timeout: float = DEFAULT_TIMEOUT) -> Verification:
    """Check the paper's statements (a)–(g) on ``loss``: ``analyze(loss, variables).verify()``.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> verify(sp.sqrt(x**2 + y**2), [x, y]).holds
    True
    """
    return analyze(loss, variables, timeout=timeout).verify(timeout=timeout)
