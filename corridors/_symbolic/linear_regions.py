"""Open polyhedra {hᵢ(θ) > 0} with linear hᵢ: is one empty, and a point inside it.

Decided by linear programming with exact certificates, so that a floating
point solver can propose but never decide:

* non-empty: maximise t subject to hᵢ(θ) ≥ t (HiGHS, through SciPy); the
  optimal θ is rounded to rationals and every hᵢ(θ) > 0 is checked exactly;
* empty: Farkas's lemma, λ ≥ 0 not all zero with Σ λᵢ ∇hᵢ = 0 and
  Σ λᵢ hᵢ(0) ≤ 0, found exactly (rational null space) on the constraints the
  solver reports active, and checked exactly.

When neither certificate checks out the answer is None (undecided).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

__all__ = ["interior_point", "interior_point_of_rows", "linear_coefficients"]

_SLACK = 1e-9


def linear_coefficients(h, variables):
    """``(a, b)`` with h = a·θ + b, rational; None if ``h`` is not affine in θ with rational coefficients."""
    h = sp.expand(h)
    if not h.free_symbols <= set(variables):
        return None
    try:
        poly = sp.Poly(h, *variables)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > 1:
        return None
    a = [sp.S.Zero] * len(variables)
    b = sp.S.Zero
    for monomial, coefficient in poly.terms():
        if not coefficient.is_Rational:
            return None
        if sum(monomial) == 0:
            b = coefficient
        else:
            a[monomial.index(1)] = coefficient
    return a, b


def interior_point(positive, variables, *, zero=()):
    """A rational point with every h in ``positive`` > 0 and every h in ``zero`` = 0.

    Returns ``(True, point)``, ``(False, None)`` with an exact emptiness
    certificate, or ``(None, None)`` when undecided. All h must be affine
    with rational coefficients (see ``linear_coefficients``).
    """
    variables = tuple(variables)
    rows = [linear_coefficients(h, variables) for h in positive]
    equalities = [linear_coefficients(h, variables) for h in zero]
    if any(r is None for r in rows + equalities):
        raise ValueError("interior_point needs affine constraints with rational coefficients")
    return interior_point_of_rows(rows, equalities, variables)


def interior_point_of_rows(rows, equalities, variables):
    """``interior_point`` for constraints given as coefficient rows ``(a, b)``: a·θ + b."""
    n = len(variables)
    if not rows:
        point = _solve_equalities(equalities, variables)
        return (True, point) if point is not None else (False, None)
    from scipy.optimize import linprog

    # Variables (θ, t): maximise t subject to a·θ + b ≥ t, t ≤ 1.
    A_ub = np.array([[-float(c) for c in a] + [1.0] for a, _ in rows])
    b_ub = np.array([float(b) for _, b in rows])
    A_eq = np.array([[float(c) for c in a] + [0.0] for a, _ in equalities]) if equalities else None
    b_eq = np.array([-float(b) for _, b in equalities]) if equalities else None
    cost = np.zeros(n + 1)
    cost[-1] = -1.0
    bounds = [(None, None)] * n + [(None, 1.0)]
    result = linprog(cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status == 0 and -result.fun > _SLACK:
        point = _rational_point(result.x[:n], rows, equalities, variables)
        if point is not None:
            return True, point
        return None, None
    if result.status == 2 or (result.status == 0 and -result.fun <= _SLACK):
        if _farkas(rows, equalities, result):
            return False, None
    return None, None


def _rational_point(values, rows, equalities, variables):
    for limit in (10**3, 10**6, 10**12):
        candidate = [sp.Rational(Fraction(float(v)).limit_denominator(limit)) for v in values]
        if equalities:
            candidate = _project(candidate, equalities, variables)
            if candidate is None:
                continue
        if all(sum((c * x for c, x in zip(a, candidate)), sp.S.Zero) + b > 0 for a, b in rows) and all(
            sum((c * x for c, x in zip(a, candidate)), sp.S.Zero) + b == 0 for a, b in equalities
        ):
            return dict(zip(variables, candidate))
    return None


def _project(candidate, equalities, variables):
    """Fix the equalities exactly by solving them for pivot variables, keeping the other coordinates."""
    A = sp.Matrix([a for a, _ in equalities])
    b = sp.Matrix([-b for _, b in equalities])
    _, pivots = A.rref()
    free = [i for i in range(len(variables)) if i not in pivots]
    symbols = sp.symbols(f"p0:{len(variables)}")
    system = [sum((A[r, i] * symbols[i] for i in range(len(variables))), sp.S.Zero) - b[r] for r in range(A.rows)]
    system += [symbols[i] - candidate[i] for i in free]
    solution = sp.solve(system, symbols, dict=True)
    if len(solution) != 1:
        return None
    return [solution[0].get(s, candidate[i]) for i, s in enumerate(symbols)]


def _solve_equalities(equalities, variables):
    if not equalities:
        return {v: sp.S.Zero for v in variables}
    solution = _project([sp.S.Zero] * len(variables), equalities, variables)
    return dict(zip(variables, solution)) if solution is not None else None


def _farkas(rows, equalities, result) -> bool:
    """An exact certificate that {a·θ + b > 0 for rows, = 0 for equalities} is empty."""
    marginals = getattr(getattr(result, "ineqlin", None), "marginals", None)
    active = [i for i, m in enumerate(marginals) if abs(m) > 1e-12] if marginals is not None else []
    candidates = [active, list(range(len(rows)))]
    for chosen in candidates:
        if not chosen:
            continue
        k, e = len(chosen), len(equalities)
        n = len(rows[0][0])
        # Unknowns (λ over chosen rows ≥ 0, μ over equalities free): Σ λ a + Σ μ a_eq = 0.
        matrix = sp.Matrix([[rows[i][0][j] for i in chosen] + [equalities[q][0][j] for q in range(e)]
                            for j in range(n)])
        for vector in matrix.nullspace():
            for sign in (1, -1):
                lam = [sign * vector[i] for i in range(k)]
                mu = [sign * vector[k + q] for q in range(e)]
                if any(v < 0 for v in lam) or all(v == 0 for v in lam):
                    continue
                offset = sum((l * rows[i][1] for l, i in zip(lam, chosen)), sp.S.Zero)
                offset += sum((m * equalities[q][1] for q, m in enumerate(mu)), sp.S.Zero)
                if offset <= 0:
                    return True
    return False
