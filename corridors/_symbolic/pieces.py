"""Splitting non-smooth losses (Abs, Max, Min, Piecewise, ReLU) into smooth pieces.

Each non-smooth function is rewritten as a ``Piecewise`` and folded into one
top-level ``Piecewise``; every branch is a smooth formula valid on an open
region. A piecewise-linear loss thus becomes one linear piece per region, each
a corridor: the paper's "multiple corridors" picture.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from .zero_test import points_in

__all__ = ["Piece", "smooth_pieces", "piece_boundaries"]

MAX_PIECES = 64
_NON_SMOOTH = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign)


@dataclasses.dataclass(frozen=True)
class Piece:
    """A smooth formula of the loss and the region where it applies."""

    index: int
    expression: sp.Expr
    region: sp.Basic  # a SymPy condition; sp.true for the whole space


def is_smooth(expr) -> bool:
    return not expr.has(*_NON_SMOOTH)


def smooth_pieces(expr, variables) -> tuple[tuple[Piece, ...], tuple]:
    """Split ``expr`` into smooth pieces.

    Returns ``(pieces, dropped)`` where ``dropped`` lists the regions of pieces
    that random sampling found empty or lower-dimensional (e.g. ``Eq`` pieces
    of Heaviside), which are not analyzed as open pieces.
    Raises ``ValueError`` if there are more than ``MAX_PIECES`` pieces.
    """
    if is_smooth(expr):
        return (Piece(0, expr, sp.true),), ()
    rewritten = expr.rewrite(sp.Piecewise)
    folded = sp.piecewise_fold(rewritten)
    if not isinstance(folded, sp.Piecewise):
        if is_smooth(folded):
            return (Piece(0, folded, sp.true),), ()
        raise ValueError("could not separate the loss into smooth pieces")
    if len(folded.args) > MAX_PIECES:
        raise ValueError(f"the loss has {len(folded.args)} smooth pieces; at most {MAX_PIECES} are analyzed")
    pieces, dropped, earlier = [], [], sp.false
    for formula, condition in folded.args:
        condition = _open_part(condition)
        region = _simplify_region(sp.And(condition, sp.Not(earlier)))
        earlier = sp.Or(earlier, condition)
        if region is sp.false:
            continue
        if not is_smooth(formula):
            raise ValueError(f"the piece {formula} is still not smooth after splitting")
        if not points_in(variables, region, count=1, domain=formula, tries=600):
            dropped.append(region)
            continue
        pieces.append(Piece(len(pieces), formula, region))
    return tuple(pieces), tuple(dropped)


def _open_part(condition):
    """Drop measure-zero parts: Eq(a, b) is never true on an open set, Ne(a, b) almost always."""
    replacements = {rel: sp.false for rel in condition.atoms(sp.Eq)}
    replacements.update({rel: sp.true for rel in condition.atoms(sp.Ne)})
    return condition.xreplace(replacements) if replacements else condition


def _simplify_region(region):
    if region in (sp.true, sp.false) or len(region.atoms(sp.Rel)) > 8:
        return region
    return sp.simplify_logic(region)


def piece_boundaries(pieces) -> tuple[sp.Expr, ...]:
    """The functions whose zero sets separate pieces, e.g. ``x`` for |x|."""
    boundaries = []
    for piece in pieces:
        for relation in piece.region.atoms(sp.Rel):
            function = sp.expand(relation.lhs - relation.rhs)
            if function.is_number:
                continue
            if function.could_extract_minus_sign():
                function = -function
            if function not in boundaries:
                boundaries.append(function)
    return tuple(boundaries)
