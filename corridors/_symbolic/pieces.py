"""Splitting non-smooth losses (Abs, Max, Min, Piecewise, ReLU) into smooth pieces.

Two routes:

* **hyperplane arrangement**, when every switch is linear in θ (ReLU units of
  linear forms, |a·θ + b|, max/min of linear forms, Piecewise with linear
  conditions, nested or not): the cells of the arrangement of all switching
  hyperplanes are enumerated by exact linear programming (``linear_regions``),
  so k ReLUs in n variables cost O(kⁿ) cells, not 2ᵏ sign patterns. In each
  cell every non-smooth function takes one branch, found at an exact interior
  point. Cells with the same formula are merged into one piece. A hyperplane
  is a *kink* only where two adjacent cells have formulas that differ to
  second order across it: max(x, y) + min(x, y) = x + y has none, a Huber
  loss has them only where its second derivative jumps.
* **piecewise folding** otherwise (SymPy's ``piecewise_fold``); pieces found
  empty by sampling are dropped and every boundary is reported.

A piecewise-linear loss thus becomes one linear piece per region, each a
corridor: the paper's "multiple corridors" picture.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math

import sympy as sp

from .linear_regions import interior_point, interior_point_of_rows, linear_coefficients
from .vocabulary import SplitMethod
from .zero_test import normalize, points_in, zero_test

__all__ = ["Piece", "PieceSplit", "smooth_pieces", "piece_boundaries"]

MAX_PIECES = 64
MAX_CELLS = 512
MAX_HYPERPLANES = 24
_NON_SMOOTH = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign)


@dataclasses.dataclass(frozen=True)
class Piece:
    """A smooth formula of the loss and the region where it applies."""

    index: int
    expression: sp.Expr
    region: sp.Basic  # a SymPy condition; sp.true for the whole space
    interior: tuple = ()  # exact points inside the region, ((symbol, value), ...) each, when known


@dataclasses.dataclass(frozen=True)
class PieceSplit:
    """The smooth pieces of a loss and where it is not C²."""

    pieces: tuple  # Piece, ...
    dropped: tuple  # regions found empty by sampling (folding route)
    kinks: tuple  # functions f: E is not C² somewhere on f = 0
    method: SplitMethod  # "smooth", "hyperplane arrangement" or "piecewise folding"

    def __iter__(self):  # ``pieces, dropped = smooth_pieces(...)`` keeps working
        return iter((self.pieces, self.dropped))


def is_smooth(expr) -> bool:
    return not expr.has(*_NON_SMOOTH)


def smooth_pieces(expr, variables) -> PieceSplit:
    """Split ``expr`` into smooth pieces (see the module docstring).

    Raises ``ValueError`` if there are more than ``MAX_PIECES`` pieces.
    """
    variables = tuple(variables)
    if is_smooth(expr):
        return PieceSplit((Piece(0, expr, sp.true),), (), (), "smooth")
    arranged = _arrangement(expr, variables)
    if arranged is not None:
        return arranged
    return _folding(expr, variables)


# --- hyperplane arrangement ------------------------------------------------------------------------

class _NotLinear(Exception):
    pass


def _arrangement(expr, variables):
    try:
        hyperplanes = _all_switches(expr, variables)
    except _NotLinear:
        return None
    if not hyperplanes or len(hyperplanes) > MAX_HYPERPLANES:
        return None
    cells = _cells(hyperplanes, variables)
    if cells is None:
        return None
    formulas = {}
    for signs, point in cells.items():
        formula = _branches(expr, point)
        if formula is None or not is_smooth(formula):
            return None
        formulas[signs] = formula
    # Merge cells with one formula into one piece.
    groups: dict = {}
    for signs, formula in formulas.items():
        key = sp.srepr(normalize(formula, variables))
        groups.setdefault(key, []).append(signs)
    if len(groups) > MAX_PIECES:
        raise ValueError(f"the loss has {len(groups)} smooth pieces; at most {MAX_PIECES} are analyzed")
    pieces = []
    for members in groups.values():
        formula = formulas[members[0]]
        if len(members) == len(cells):
            region = sp.true
        else:
            region = sp.Or(*(_cell_condition(hyperplanes, signs) for signs in members))
        interior = tuple(tuple(cells[signs].items()) for signs in members[:4])
        pieces.append(Piece(len(pieces), formula, region, interior))
    kinks = _kinks(hyperplanes, cells, formulas, variables)
    return PieceSplit(tuple(pieces), (), kinks, "hyperplane arrangement")


def _innermost(expr):
    return [e for e in expr.atoms(*_NON_SMOOTH) if not any(a.has(*_NON_SMOOTH) for a in e.args)]


def _switches_of(atom):
    """Linear forms whose sign decides which branch ``atom`` takes."""
    if isinstance(atom, (sp.Abs, sp.Heaviside, sp.sign)):
        return [atom.args[0]]
    if isinstance(atom, (sp.Max, sp.Min)):
        return [a - b for a, b in itertools.combinations(atom.args, 2)]
    if isinstance(atom, sp.Piecewise):
        forms = []
        for _, condition in atom.args:
            for relation in _open_part(condition).atoms(sp.core.relational.Relational):
                forms.append(relation.lhs - relation.rhs)
            if condition not in (sp.true, sp.false) and not condition.atoms(sp.core.relational.Relational):
                raise _NotLinear()
        return forms
    raise _NotLinear()


def _normalised(h, variables):
    """h scaled to integer coefficients with a positive first coefficient; None for a constant."""
    coefficients = linear_coefficients(h, variables)
    if coefficients is None:
        raise _NotLinear()
    a, b = coefficients
    if all(c == 0 for c in a):
        return None
    numbers = [c for c in a + [b] if c != 0]
    scale = sp.Rational(math.lcm(*[int(c.q) for c in numbers]), math.gcd(*[int(c.p) for c in numbers]))
    first = next(c for c in a if c != 0)
    scale = scale if first > 0 else -scale
    return sp.expand(scale * h)


def _all_switches(expr, variables):
    """Every switching hyperplane, found by peeling non-smooth functions from the inside out."""
    found = []

    def peel(e, depth):
        if depth > 8:
            raise _NotLinear()
        atoms = _innermost(e)
        if not atoms:
            return
        forms = []
        for atom in atoms:
            for form in _switches_of(atom):
                h = _normalised(form, variables)
                if h is not None and h not in forms:
                    forms.append(h)
        for h in forms:
            if h not in found:
                found.append(h)
        if len(found) > MAX_HYPERPLANES:
            raise _NotLinear()
        # In every cell of these hyperplanes the innermost atoms are smooth: peel the next layer.
        cells = _cells(forms, variables) if forms else {(): {v: sp.S.Zero for v in variables}}
        if cells is None:
            raise _NotLinear()
        for point in cells.values():
            inner = e.xreplace({atom: _branch(atom, point) for atom in atoms})
            if not is_smooth(inner):
                peel(inner, depth + 1)

    peel(expr, 0)
    return found


def _cells(hyperplanes, variables):
    key = (tuple(hyperplanes), tuple(variables))
    if key not in _CELL_CACHE:
        if len(_CELL_CACHE) > 64:
            _CELL_CACHE.clear()
        _CELL_CACHE[key] = _compute_cells(hyperplanes, variables)
    return _CELL_CACHE[key]


_CELL_CACHE: dict = {}


def _compute_cells(hyperplanes, variables):
    """{sign vector: exact interior point} of the open cells of the arrangement; None if undecided.

    Refining a cell by a hyperplane keeps the cell's known interior point on
    its own side; the other side is tried first with points just across the
    hyperplane (exact rational checks) and only then with linear programming.
    """
    rows = [linear_coefficients(h, variables) for h in hyperplanes]
    cells = {(): {v: sp.S.Zero for v in variables}}
    for index, (a, b) in enumerate(rows):
        refined = {}
        for signs, point in cells.items():
            value = _affine(a, b, point, variables)
            here = 1 if value > 0 else -1
            if value != 0:
                refined[signs + (here,)] = point
            wanted = [-here] if value != 0 else [1, -1]
            for sign in wanted:
                candidate = signs + (sign,)
                across = _just_across(rows[: index + 1], candidate, point, a, b, variables)
                if across is not None:
                    refined[candidate] = across
                    continue
                constraints = [([s * c for c in ra], s * rb) for s, (ra, rb) in zip(candidate, rows)]
                verdict, found = interior_point_of_rows(constraints, [], variables)
                if verdict is None:
                    return None
                if verdict:
                    refined[candidate] = found
        cells = refined
        if len(cells) > MAX_CELLS:
            return None
    return cells


def _affine(a, b, point, variables):
    return sum((c * point[v] for c, v in zip(a, variables)), sp.S.Zero) + b


def _just_across(rows, signs, point, a, b, variables):
    """A point on the far side of a·θ + b = 0, near ``point``, inside every other constraint; or None."""
    norm = sum((c * c for c in a), sp.S.Zero)
    value = _affine(a, b, point, variables)
    for factor in (sp.Rational(11, 10), sp.Rational(3, 2), sp.Rational(2), sp.Rational(4)):
        step = -(value + (1 if value == 0 else 0) * signs[-1]) * factor / norm if value != 0 else \
            sp.Rational(signs[-1]) * factor / norm
        candidate = {v: point[v] + step * c for v, c in zip(variables, a)}
        if all(s * _affine(ra, rb, candidate, variables) > 0 for s, (ra, rb) in zip(signs, rows)):
            return candidate
    return None


def _cell_condition(hyperplanes, signs):
    return sp.And(*((h > 0) if s > 0 else (h < 0) for h, s in zip(hyperplanes, signs)))


def _branch(atom, point):
    """The smooth branch ``atom`` takes around ``point`` (where every switch is non-zero)."""
    if isinstance(atom, sp.Abs):
        return atom.args[0] if atom.args[0].xreplace(point) > 0 else -atom.args[0]
    if isinstance(atom, sp.Heaviside):
        return sp.S.One if atom.args[0].xreplace(point) > 0 else sp.S.Zero
    if isinstance(atom, sp.sign):
        return sp.S.One if atom.args[0].xreplace(point) > 0 else sp.S.NegativeOne
    if isinstance(atom, sp.Max):
        return max(atom.args, key=lambda a: a.xreplace(point))
    if isinstance(atom, sp.Min):
        return min(atom.args, key=lambda a: a.xreplace(point))
    if isinstance(atom, sp.Piecewise):
        for formula, condition in atom.args:
            if _open_part(condition).xreplace(point) is sp.true:
                return formula
        raise _NotLinear()
    raise _NotLinear()


def _branches(expr, point):
    """``expr`` with every non-smooth function replaced by its branch at ``point``."""
    for _ in range(16):
        atoms = _innermost(expr)
        if not atoms:
            return expr
        expr = expr.xreplace({atom: _branch(atom, point) for atom in atoms})
    return None


def _kinks(hyperplanes, cells, formulas, variables):
    """Hyperplanes across which two adjacent cells have formulas that differ to second order."""
    kinks = []
    for index, h in enumerate(hyperplanes):
        for signs in cells:
            if signs[index] < 0:
                continue
            flipped = signs[:index] + (-1,) + signs[index + 1:]
            if flipped not in cells:
                continue
            first, second = formulas[signs], formulas[flipped]
            if first == second or normalize(first - second, variables) == 0:
                continue
            others = [s * g for j, (s, g) in enumerate(zip(signs, hyperplanes)) if j != index]
            verdict, point = interior_point(others, variables, zero=[h])
            if verdict is False:
                continue  # the two cells touch in less than a facet
            if verdict and _second_order_equal(first - second, h, variables) is True:
                continue
            kinks.append(h)
            break
    return tuple(kinks)


def _second_order_equal(difference, h, variables):
    """Do ``difference`` and its first and second derivatives vanish on {h = 0}?"""
    a, b = linear_coefficients(h, variables)
    index = next(i for i, c in enumerate(a) if c != 0)
    pivot = variables[index]
    others = [v for v in variables if v != pivot]
    on_plane = {pivot: -(b + sum((c * v for c, v in zip(a, variables) if v != pivot), sp.S.Zero)) / a[index]}
    jets = [difference] + [sp.diff(difference, v) for v in variables]
    jets += [sp.diff(difference, v, w) for i, v in enumerate(variables) for w in variables[i:]]
    verdicts = []
    for jet in jets:
        restricted = jet.xreplace(on_plane)
        if normalize(restricted, others) == 0:
            verdicts.append(True)
            continue
        verdicts.append(zero_test(restricted, others or [pivot]).verdict)
        if verdicts[-1] is False:
            return False
    return None if None in verdicts else True


# --- piecewise folding --------------------------------------------------------------------------

def _folding(expr, variables):
    rewritten = expr.rewrite(sp.Piecewise)
    folded = sp.piecewise_fold(rewritten)
    if not isinstance(folded, sp.Piecewise):
        if is_smooth(folded):
            return PieceSplit((Piece(0, folded, sp.true),), (), (), "piecewise folding")
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
    pieces = _merge_equal(pieces, variables)
    kinks = tuple(f for f in piece_boundaries(pieces) if not _smooth_boundary(f, pieces, variables))
    return PieceSplit(tuple(pieces), tuple(dropped), kinks, "piecewise folding")


def _smooth_boundary(function, pieces, variables) -> bool:
    """True if every two pieces bounded by {function = 0} agree there to second order."""
    bounded = [p for p in pieces if any(sp.expand(r.lhs - r.rhs) in (function, -function)
                                        for r in p.region.atoms(sp.Rel))]
    if len(bounded) < 2:
        return False
    if _square_free(function, variables):
        for first, second in itertools.combinations(bounded, 2):
            ratio = sp.cancel((first.expression - second.expression) / function)
            if ratio.is_number and ratio != 0:
                # The formulas differ by c·f with ∇f ≠ 0 almost everywhere on f = 0: the first derivative jumps.
                return False
    pivot = next((v for v in variables if function.has(v)), None)
    try:
        branches = sp.solve(function, pivot) if pivot is not None else []
    except (NotImplementedError, ValueError):
        return False
    if not branches:
        return False
    for first, second in itertools.combinations(bounded, 2):
        difference = first.expression - second.expression
        jets = [difference] + [sp.diff(difference, v) for v in variables]
        jets += [sp.diff(difference, v, w) for i, v in enumerate(variables) for w in variables[i:]]
        others = [v for v in variables if v != pivot] or [pivot]
        for branch in branches:
            for jet in jets:
                if zero_test(jet.xreplace({pivot: branch}), others).verdict is not True:
                    return False
    return True


def _square_free(function, variables) -> bool:
    """False for a boundary like y³, whose gradient vanishes on its own zero set."""
    try:
        poly = sp.Poly(function, *variables)
    except sp.PolynomialError:
        return True  # not a polynomial: ∇f is taken to be non-zero on f = 0, as for x - sin(y)
    common = functools.reduce(lambda a, b: a.gcd(b), [poly.diff(v) for v in variables], poly)
    return common.total_degree() == 0


def _merge_equal(pieces, variables):
    """Pieces with the same formula are one piece: their common boundary is no kink."""
    groups: dict = {}
    for piece in pieces:
        groups.setdefault(sp.srepr(normalize(piece.expression, variables)), []).append(piece)
    if len(groups) == len(pieces):
        return pieces
    merged = []
    for members in groups.values():
        region = sp.Or(*(p.region for p in members)) if len(members) < len(pieces) else sp.true
        merged.append(Piece(len(merged), members[0].expression, _simplify_region(region)))
    return merged


def _open_part(condition):
    """Drop measure-zero parts: Eq(a, b) is never true on an open set, Ne(a, b) almost always."""
    replacements = {rel: sp.false for rel in condition.atoms(sp.Eq)}
    replacements.update({rel: sp.true for rel in condition.atoms(sp.Ne)})
    return condition.xreplace(replacements) if replacements else condition


def _simplify_region(region):
    if region in (sp.true, sp.false) or len(region.atoms(sp.Rel)) > 8:
        return region
    # deep=False: the Boolean structure only; simplifying relations of radicals is slow and changes nothing here.
    return sp.simplify_logic(region, deep=False)


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
