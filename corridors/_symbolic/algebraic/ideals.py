"""Ideal computations over ℚ, by Singular when it is installed, else by SymPy.

Three operations serve the whole symbolic core:

* ``invariant_set``: saturate an ideal by the sets where the flow or the
  domain degenerates, close it under a polynomial vector field (the smallest
  ideal containing it and every Lie derivative), and eliminate auxiliary
  variables. An empty result (1 in the ideal) proves that no point qualifies.
* ``minimal_primes``: split an ideal into prime components with their
  dimensions and maximal independent sets.
* ``fibre``: the lexicographic Gröbner basis of a prime with some variables
  set to numbers, a triangular system whose real roots are real points.

Saturation semantics. "Not all of j₁, …, jₖ vanish" is the saturation by the
ideal ⟨j⟩ in Singular, and by the single polynomial Σ jᵢ² in SymPy. The two
can differ on complex points only (Σ jᵢ² = 0 has complex zeros off ⟨j⟩), never
on real ones, and every verdict of the library is about real points.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Literal

import sympy as sp
from sympy.polys.orderings import ProductOrder, grevlex

from ..._budget import BudgetExceeded, TimeBudget
from .singular import SingularError, parse_polynomial, run_singular, singular_binary, to_singular

__all__ = ["Engine", "InvariantSet", "Prime", "engine_name", "fibre", "invariant_set", "minimal_primes"]

# The engine that computed an ideal: both give the same verdicts.
Engine = Literal["Singular", "SymPy"]

MAX_CLOSURE_ROUNDS = 12


@dataclasses.dataclass(frozen=True)
class InvariantSet:
    """The closed, saturated ideal: its zeros are the points sought."""

    empty: bool  # 1 ∈ ideal: no point at all (over ℂ, hence over ℝ)
    basis: tuple  # a Gröbner basis (grevlex) in the kept variables; () when empty
    closed: bool  # the closure reached a fixed point (always True without a vector field)
    rounds: int
    engine: Engine
    primes: tuple | None = None  # minimal primes of the result, when asked for


@dataclasses.dataclass(frozen=True)
class Prime:
    """A prime component: its reduced Gröbner basis (grevlex), dimension and an independent set."""

    basis: tuple
    dimension: int
    independent: tuple  # variables algebraically independent on the component (a maximal set)

    def is_linear(self, gens) -> bool:
        """Every basis polynomial has degree ≤ 1 in ``gens`` (parameters may enter the coefficients)."""
        return all(sp.Poly(p, *gens).total_degree() <= 1 for p in self.basis if p.has(*gens))


def engine_name() -> Engine:
    return "Singular" if singular_binary() is not None else "SymPy"


# --- Singular ---------------------------------------------------------------------------------

def _ring(names, order="dp") -> str:
    return f"ring R = 0, ({', '.join(names)}), {order}; int ii; int kk;"


def _ideal(name, polys, gens) -> str:
    body = ", ".join(to_singular(p, gens) for p in polys) or "0"
    return f"ideal {name} = {body};"


def _print_ideal(name, key="poly") -> str:
    return f'for (ii = 1; ii <= size({name}); ii++) {{ print("@{key} " + string({name}[ii])); }}'


def _singular_invariant_set(equations, gens, auxiliary, saturate, field, budget, max_rounds, decompose):
    allgens = tuple(gens) + tuple(auxiliary)
    names = [f"w{i}" for i in range(len(allgens))]
    # A last variable t for saturations: I : f^∞ = (I + ⟨t f − 1⟩) ∩ ℚ[w], by the kernel's
    # ``eliminate``, so that no library (a tenth of a second to load) is needed unless
    # a decomposition is asked for.
    t = sp.Dummy("t")
    ring_gens = allgens + (t,)
    lines = [_ring(names + ["t"]), "option(redSB);", _ideal("I", equations, ring_gens), "ideal S = std(I);"]
    for index, group in enumerate(saturate):
        f = sp.expand(sum((j**2 for j in group), sp.S.Zero)) if len(group) > 1 else group[0]
        lines.append(f"poly F{index} = {to_singular(sp.expand(f), ring_gens)};")
    saturation = " ".join(f"S = std(eliminate(std(S + ideal(t*F{i} - 1)), t));" for i in range(len(saturate)))
    lines.append(saturation)
    lines.append("int closed = 1; int rounds = 0;")
    if field is not None:
        lines.append(_ideal("X", [field.get(g, 0) for g in ring_gens], ring_gens))
        lines.append(f"""
closed = 0; int k; int j; poly lf;
while (rounds < {max_rounds}) {{
  if (size(S) > 0) {{ if (deg(S[1]) == 0) {{ closed = 1; break; }} }}
  ideal New = 0; int changed = 0;
  for (k = 1; k <= size(S); k++) {{
    lf = 0;
    for (j = 1; j <= nvars(basering); j++) {{ lf = lf + diff(S[k], var(j)) * X[j]; }}
    lf = reduce(lf, S);
    if (lf != 0) {{ New = New + lf; changed = 1; }}
  }}
  rounds++;
  if (changed == 0) {{ closed = 1; kill New; kill changed; break; }}
  S = std(S + New);
  {saturation}
  kill New; kill changed;
}}""")
    lines.append('print("@rounds " + string(rounds)); print("@closed " + string(closed));')
    lines.append('if (size(S) > 0) { if (deg(S[1]) == 0) { print("@empty"); quit; } }')
    if auxiliary:
        product = "*".join(names[len(gens):])
        lines.append(f"ideal E = eliminate(S, {product});")
    else:
        lines.append("ideal E = S;")
    lines.append(f"ring K = 0, ({', '.join(names[: len(gens)])}), dp;")
    lines.append("option(redSB); ideal E = std(imap(R, E));")
    lines.append(_print_ideal("E"))
    if decompose:
        lines.append('print("@decomposition");')
        lines.extend(_decomposition_lines("E"))
    pairs = run_singular("\n".join(lines), budget=budget, stage="closure of the corridor ideal")
    values = dict(pairs)
    closed, rounds = values.get("closed") == "1", int(values.get("rounds", 0))
    if "empty" in values:
        return InvariantSet(True, (), closed, rounds, "Singular", () if decompose else None)
    split = next((i for i, (k, _) in enumerate(pairs) if k == "decomposition"), len(pairs))
    basis = tuple(p for p in (parse_polynomial(v, gens) for k, v in pairs[:split] if k == "poly") if p != 0)
    primes = _read_primes(pairs[split + 1:], gens) if decompose else None
    return InvariantSet(False, basis, closed, rounds, "Singular", primes)


def _decomposition_lines(name):
    return [
        'LIB "primdec.lib";',
        f"list L = minAssGTZ({name});",
        "for (kk = 1; kk <= size(L); kk++) {",
        "  ideal P = std(L[kk]);",
        '  print("@prime " + string(dim(P)));',
        '  print("@independent " + string(indepSet(P)));',
        '  for (ii = 1; ii <= size(P); ii++) { print("@poly " + string(P[ii])); }',
        "  kill P;",
        "}",
    ]


def _read_primes(pairs, gens):
    primes, current = [], None
    for key, value in pairs:
        if key == "prime":
            current = {"dimension": int(value), "basis": [], "independent": ()}
            primes.append(current)
        elif key == "independent":
            flags = [int(f) for f in value.split(",")]
            current["independent"] = tuple(g for g, f in zip(gens, flags) if f)
        elif key == "poly":
            current["basis"].append(parse_polynomial(value, gens))
    return tuple(Prime(tuple(p["basis"]), p["dimension"], p["independent"]) for p in primes)


def _singular_minimal_primes(basis, gens, budget):
    names = [f"w{i}" for i in range(len(gens))]
    script = "\n".join([_ring(names), "option(redSB);", _ideal("I", basis, gens), *_decomposition_lines("I")])
    return _read_primes(run_singular(script, budget=budget, stage="prime decomposition"), gens)


def _singular_fibre(basis, gens, values, budget):
    names = [f"w{i}" for i in range(len(gens))]
    substituted = [sp.expand(p.xreplace(values)) for p in basis]
    remaining = [g for g in gens if g not in values]
    if not remaining:
        return tuple(p for p in substituted if p != 0)
    sub_names = [f"w{i}" for i in range(len(remaining))]
    script = "\n".join([_ring(sub_names, "lp"), "option(redSB);", _ideal("I", substituted, remaining),
                        "ideal G = std(I);", _print_ideal("G")])
    return tuple(parse_polynomial(v, remaining) for k, v in run_singular(script, budget=budget, stage="fibre") if k == "poly")


# --- SymPy ----------------------------------------------------------------------------------

def _enforced(budget, stage):
    return budget.enforced(stage) if budget is not None else _Nothing()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_DOMAIN = {"value": None}  # the coefficient field: ℚ, or ℚ(parameters) while a parametric loss is analysed


def _sympy_groebner(polys, gens, order="grevlex"):
    polys = [p for p in polys if p != 0]
    if not polys:
        return []
    options = {"domain": _DOMAIN["value"]} if _DOMAIN["value"] is not None else {}
    return list(sp.groebner(polys, *gens, order=order, **options).exprs)


def _sympy_saturate(polys, gens, group):
    """(⟨polys⟩ : f^∞) with f = Σ jᵢ², by a Rabinowitsch variable eliminated with a block order."""
    f = sp.expand(sum((j**2 for j in group), sp.S.Zero)) if len(group) > 1 else group[0]
    t = sp.Dummy("t")
    order = ProductOrder((grevlex, lambda m: m[:1]), (grevlex, lambda m: m[1:]))
    basis = _sympy_groebner(list(polys) + [t * f - 1], [t, *gens], order=order)
    return [p for p in basis if not p.has(t)]


def _sympy_invariant_set(equations, gens, auxiliary, saturate, field, budget, max_rounds, decompose):
    allgens = tuple(gens) + tuple(auxiliary)
    with _enforced(budget, "closure of the corridor ideal"):
        basis = _sympy_groebner(equations, allgens)
        for group in saturate:
            basis = _sympy_saturate(basis, allgens, group)
        basis = _sympy_groebner(basis, allgens)
        rounds, closed = 0, field is None
        while field is not None and rounds < max_rounds:
            if basis == [1]:
                closed = True
                break
            options = {"domain": _DOMAIN["value"]} if _DOMAIN["value"] is not None else {}
            reducer = sp.groebner(basis, *allgens, order="grevlex", **options) if basis else None
            new = []
            for f in basis:
                lie = sp.expand(sum((sp.diff(f, g) * field.get(g, 0) for g in allgens), sp.S.Zero))
                if lie != 0 and reducer is not None:
                    lie = reducer.reduce(lie)[1]
                if lie != 0:
                    new.append(lie)
            rounds += 1
            if not new:
                closed = True
                break
            basis = _sympy_groebner(basis + new, allgens)
            for group in saturate:
                basis = _sympy_saturate(basis, allgens, group)
            basis = _sympy_groebner(basis, allgens)
        if basis == [1]:
            return InvariantSet(True, (), closed, rounds, "SymPy", () if decompose else None)
        if auxiliary:
            order = ProductOrder((grevlex, lambda m: m[: len(auxiliary)]), (grevlex, lambda m: m[len(auxiliary):]))
            eliminated = _sympy_groebner(basis, [*auxiliary, *gens], order=order)
            basis = _sympy_groebner([p for p in eliminated if not p.has(*auxiliary)], gens)
    primes = _sympy_minimal_primes(basis, gens, budget) if decompose else None
    return InvariantSet(False, tuple(basis), closed, rounds, "SymPy", primes)


def _sympy_minimal_primes(basis, gens, budget):
    """Components by factorising Gröbner bases: prime in the examples that matter, not guaranteed."""
    found = []

    def split(polys, depth):
        polys = _sympy_groebner(polys, gens)
        if polys == [1]:
            return
        for p in polys:
            _, factors = sp.factor_list(p, *gens)
            nonconstant = [f for f, _ in factors if f.free_symbols]
            if len(nonconstant) > 1 or (nonconstant and factors[0][1] > 1 and len(factors) == 1):
                if depth > 20:
                    break
                for f in nonconstant:
                    split([q for q in polys if q != p] + [f], depth + 1)
                return
        found.append(tuple(polys))

    with _enforced(budget, "decomposition"):
        split(list(basis), 0)
    components = []
    for polys in found:
        components.append(Prime(tuple(polys), _dimension(polys, gens), _independent_set(polys, gens)))
    # Drop components contained in another one.
    kept = []
    for c in sorted(components, key=lambda c: -c.dimension):
        inside = any(
            k.dimension > c.dimension
            and all(sp.reduced(q, list(c.basis), *gens, order="grevlex")[1] == 0 for q in k.basis)
            for k in kept
        )
        if not inside and c not in kept:
            kept.append(c)
    return tuple(kept)


def _leading_exponents(polys, gens):
    return [sp.Poly(p, *gens).monoms(order="grevlex")[0] for p in polys if p != 0]


def _independent_set(polys, gens):
    """A largest set of variables containing no leading monomial: the dimension's witnesses."""
    leading = _leading_exponents(polys, gens)
    best = ()
    n = len(gens)

    def search(start, chosen):
        nonlocal best
        if len(chosen) > len(best):
            best = tuple(chosen)
        for i in range(start, n):
            candidate = chosen + [i]
            if all(any(m[j] for j in range(n) if j not in candidate) for m in leading):
                search(i + 1, candidate)

    search(0, [])
    return tuple(gens[i] for i in best)


def _dimension(polys, gens):
    if list(polys) == [1]:
        return -1
    return len(_independent_set(polys, gens))


def _sympy_fibre(basis, gens, values, budget):
    substituted = [sp.expand(p.xreplace(values)) for p in basis]
    remaining = [g for g in gens if g not in values]
    with _enforced(budget, "fibre"):
        if not remaining:
            return tuple(p for p in substituted if p != 0)
        return tuple(_sympy_groebner(substituted, remaining, order="lex"))


# --- public operations ------------------------------------------------------------------------

def _small(polynomials, gens) -> bool:
    """Systems SymPy settles in milliseconds: linear, or quadratic in a few variables (a fixed rule)."""
    degrees = [sp.Poly(p, *gens).total_degree() for p in polynomials if p != 0 and p.has(*gens)]
    top = max(degrees, default=0)
    return top <= 1 or (top <= 2 and len(gens) <= 6)


def _dispatch(singular, sympy_version, *args, parameters=(), small=False):
    if small:
        # Starting Singular costs tens of milliseconds: more than SymPy needs here.
        return sympy_version(*args)
    if parameters:
        # Coefficients in ℚ(parameters): SymPy's groebner works over that field directly.
        _DOMAIN["value"] = sp.QQ.frac_field(*parameters)
        try:
            return sympy_version(*args)
        finally:
            _DOMAIN["value"] = None
    if singular_binary() is not None:
        try:
            return singular(*args)
        except SingularError as error:
            # SymPy gives the same answers, slower; a failing Singular is a bug worth hearing about.
            warnings.warn(f"{error}; using SymPy instead", RuntimeWarning, stacklevel=3)
    return sympy_version(*args)


def invariant_set(equations, gens, *, auxiliary=(), saturate=(), field=None, budget: TimeBudget | None = None,
                  max_rounds: int = MAX_CLOSURE_ROUNDS, decompose: bool = False, parameters=()) -> InvariantSet:
    """Zeros of ⟨equations⟩ off the sets ``saturate``, closed under ``field``, projected to ``gens``.

    Args:
      equations: polynomials in ``gens + auxiliary`` with rational coefficients.
      gens: the variables kept.
      auxiliary: variables eliminated at the end.
      saturate: groups of polynomials; points where every polynomial of a group
        vanishes are removed (saturation).
      field: generator → polynomial, a vector field; the ideal is closed under
        f ↦ ∇f·field (at most ``max_rounds`` rounds; ``closed`` says whether the
        fixed point was reached).
      decompose: also compute the minimal primes of the result (``primes``), in the same run.
      parameters: symbols in the coefficients; the ideal is then over ℚ(parameters),
        and its answers hold for generic values of them.

    Raises:
      BudgetExceeded when ``budget`` runs out.
    """
    equations = [sp.expand(e) for e in equations]
    saturate = [tuple(sp.expand(p) for p in group) for group in saturate if group]
    allgens = tuple(gens) + tuple(auxiliary)
    small = _small(list(equations) + [p for group in saturate for p in group], allgens) and (
        field is None or _small(list(field.values()), allgens))
    return _dispatch(_singular_invariant_set, _sympy_invariant_set, equations, tuple(gens), tuple(auxiliary),
                     saturate, field, budget, max_rounds, decompose, parameters=tuple(parameters), small=small)


def minimal_primes(basis, gens, *, budget: TimeBudget | None = None, parameters=()) -> tuple[Prime, ...]:
    """The minimal prime components of ⟨basis⟩ (Singular's ``minAssGTZ``; factorisation in SymPy)."""
    return _dispatch(_singular_minimal_primes, _sympy_minimal_primes, list(basis), tuple(gens), budget,
                     parameters=tuple(parameters), small=_small(list(basis), tuple(gens)))


def fibre(basis, gens, values: dict, *, budget: TimeBudget | None = None, parameters=()) -> tuple:
    """Lexicographic Gröbner basis of ⟨basis⟩ with ``values`` substituted (a triangular system)."""
    return _dispatch(_singular_fibre, _sympy_fibre, list(basis), tuple(gens), dict(values), budget,
                     parameters=tuple(parameters), small=_small(list(basis), tuple(gens)))


__all__ += ["BudgetExceeded"]
