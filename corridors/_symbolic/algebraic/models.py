"""A smooth loss as polynomial data over ℚ: the model behind the exact decisions.

Every function the model knows is replaced by a new ring generator (an
*atom*) whose partial derivatives are again rational in the generators:

* ``exp(a·θ)`` with rational ``a``: per variable, ``q = exp(θᵢ/M)`` with ``M``
  the common denominator of its coefficients, so that ``exp(a·θ)`` is a
  Laurent monomial in the ``q``'s, q > 0 (no relation is lost);
* ``exp(A)`` for any other argument: ``u`` with ∂u = u ∂A, u > 0;
* ``sqrt(B)``: ``r`` with r² = B and r > 0 (E is not differentiable at B = 0);
* ``sin(A)``, ``cos(A)``: ``s``, ``c`` with s² + c² = 1; ``tan = s/c``;
* ``log(A)`` and ``atan(A)``: a generator whose derivative is rational.

Gradient, Hessian and H g are computed in the field of rational functions of
the generators (SymPy's sparse ``FracField``: canonical forms, no expression
simplification), H g by two routes (H·g and ½∇‖g‖²) compared exactly modulo
the relations. The gradient-flow field −g is pushed to the generators and
multiplied by a common denominator that does not vanish on the domain, which
keeps its invariant sets.

A real point of the model is a corridor point of the loss only if it is the
image of some θ; the model is *exact* when every real point that satisfies its
relations and signs is such an image: the transcendental atoms are functions
of independent linear forms in variables that appear nowhere else. Otherwise
it is a relaxation: a proof that it has no corridor point still holds for the
loss; a point found in it must be checked on the loss itself.
"""

from __future__ import annotations

import dataclasses
import math
from functools import reduce
from typing import Literal

import sympy as sp
from sympy import QQ
from sympy.polys.fields import field

__all__ = ["AlgebraicModel", "Atom", "AtomKind", "algebraic_model"]

# The functions of θ a ring generator can stand for.
AtomKind = Literal["exp-base", "exp", "log", "sqrt", "sin", "cos", "atan"]

_MAX_ATOMS = 12
_MAX_VARIABLES = 30


class NotAlgebraic(Exception):
    """The loss uses something the model cannot represent exactly over ℚ."""


@dataclasses.dataclass(frozen=True)
class Atom:
    """A ring generator standing for a function of θ."""

    symbol: sp.Symbol
    kind: AtomKind
    original: sp.Expr  # what it stands for, in θ
    argument: sp.Expr  # the argument (radicand for sqrt) over the generators; θᵢ/M for an exp base


@dataclasses.dataclass(frozen=True)
class AlgebraicModel:
    """Polynomial data of one smooth loss formula.

    ``gradient``, ``hessian`` and ``hg`` are rational functions of ``gens``
    (SymPy expressions); ``vector_field`` is −g pushed to the generators times a
    common denominator that does not vanish on the domain; ``denominators``
    lists the polynomials that cannot vanish on the domain and ``positive``
    those that are > 0 there; ``relations`` vanish identically.
    """

    variables: tuple  # θ, the loss's variables
    gens: tuple  # ring generators: the θᵢ used outside atoms, then the atoms
    parameters: tuple  # data symbols: constants of the coefficient field ℚ(parameters)
    atoms: tuple  # Atom, ...
    gradient: tuple  # gᵢ = ∂E/∂θᵢ over the generators
    hessian: tuple  # rows of H over the generators
    hg: tuple  # (H g)ᵢ over the generators, numerators reduced modulo the relations
    hg_routes_agree: bool  # H·g and ½∇‖g‖² are equal modulo the relations
    norm_squared: sp.Expr  # ‖g‖² over the generators, numerator reduced modulo the relations
    relations: tuple  # polynomials that vanish identically (r² − B, s² + c² − 1)
    vector_field: dict  # generator → polynomial
    denominators: tuple  # polynomial factors that cannot vanish on the domain
    positive: tuple  # polynomials > 0 on the domain
    exact: bool
    why_inexact: str

    @property
    def is_rational(self) -> bool:
        """True when E is a rational function of θ (no atoms)."""
        return not self.atoms

    def substitute_atoms(self, expr) -> sp.Expr:
        """``expr`` over the generators, written back in θ."""
        by_symbol = {a.symbol: a.original for a in self.atoms}
        return sp.sympify(expr).xreplace(by_symbol)

    @staticmethod
    def numerator(expr) -> sp.Expr:
        """The numerator of a rational function of the generators, expanded."""
        numerator, _ = sp.fraction(sp.together(expr))
        return sp.expand(numerator)


def algebraic_model(expr, variables, parameters=()) -> AlgebraicModel | None:
    """The algebraic model of the smooth formula ``expr``, or None if it has none.

    ``parameters`` are symbols held constant (data): the model's coefficients
    are then rational functions of them.
    """
    variables = tuple(variables)
    if len(variables) > _MAX_VARIABLES:
        return None
    try:
        return _Builder(variables, tuple(parameters)).build(sp.sympify(expr))
    except NotAlgebraic:
        return None


def _rewrite_hyperbolic(expr):
    """sinh, cosh, tanh and asinh in terms of exp, log and sqrt."""
    rules = {
        sp.sinh: lambda a: (sp.exp(a) - sp.exp(-a)) / 2,
        sp.cosh: lambda a: (sp.exp(a) + sp.exp(-a)) / 2,
        sp.tanh: lambda a: (sp.exp(2 * a) - 1) / (sp.exp(2 * a) + 1),
        sp.asinh: lambda a: sp.log(a + sp.sqrt(a**2 + 1)),
    }
    for function, rewrite in rules.items():
        expr = expr.replace(lambda e, f=function: isinstance(e, f), lambda e, r=rewrite: r(e.args[0]))
    return expr


class _Builder:
    def __init__(self, variables, parameters=()):
        self.variables = variables
        self.parameters = parameters
        self.atoms: list[Atom] = []
        self.by_key: dict = {}
        self.exp_scale: dict = {}  # θᵢ → M for the base q = exp(θᵢ/M)

    # --- from SymPy expressions to generators -------------------------------------------
    def convert(self, e):
        if e.is_Symbol:
            if e not in self.variables and e not in self.parameters:
                raise NotAlgebraic(f"unknown symbol {e}")
            return e
        if e.is_Rational:
            return e
        if e.is_number:
            raise NotAlgebraic(f"the constant {e} is not rational")
        if e.is_Add:
            return sp.Add(*(self.convert(a) for a in e.args))
        if e.is_Mul:
            return sp.Mul(*(self.convert(a) for a in e.args))
        if e.is_Pow:
            base, exponent = e.args
            if exponent.is_Integer:
                return self.convert(base) ** exponent
            if exponent.is_Rational and exponent.q == 2 and not base.is_number:
                root = self.atom("sqrt", sp.sqrt(base), self.convert(base))
                return root**exponent.p
            raise NotAlgebraic(f"the power {e} is not a polynomial or square-root power")
        if isinstance(e, sp.exp):
            return self.exponential(e)
        if isinstance(e, sp.log):
            return self.atom("log", e, self.convert(e.args[0]))
        if isinstance(e, (sp.sin, sp.cos, sp.tan)):
            argument = self.convert(e.args[0])
            sine = self.atom("sin", sp.sin(e.args[0]), argument)
            cosine = self.atom("cos", sp.cos(e.args[0]), argument)
            return {sp.sin: sine, sp.cos: cosine, sp.tan: sine / cosine}[e.func]
        if isinstance(e, sp.atan):
            return self.atom("atan", e, self.convert(e.args[0]))
        raise NotAlgebraic(f"{e.func} is not modelled")

    def atom(self, kind: AtomKind, original, argument):
        key = (kind, argument)
        if key not in self.by_key:
            if len(self.atoms) >= _MAX_ATOMS:
                raise NotAlgebraic("too many atoms")
            symbol = sp.Symbol(f"_{kind.replace('-', '_')}{len(self.atoms)}", real=True)
            atom = Atom(symbol, kind, original, argument)
            self.atoms.append(atom)
            self.by_key[key] = atom
        return self.by_key[key].symbol

    def _plan_exponential_bases(self, expr):
        """Choose M per variable so that every exp(a·θ) is a monomial in q = exp(θᵢ/M)."""
        denominators: dict = {}
        for e in expr.atoms(sp.exp):
            form = _linear_form(e.args[0], self.variables)
            if form is None or form[1] != 0:
                continue
            for v, a in form[0].items():
                denominators.setdefault(v, []).append(sp.Rational(a).q)
        self.exp_scale = {v: reduce(math.lcm, qs, 1) for v, qs in denominators.items()}

    def exponential(self, e):
        form = _linear_form(e.args[0], self.variables)
        if form is not None and form[1] == 0 and all(v in self.exp_scale for v in form[0]):
            result = sp.S.One
            for v, a in form[0].items():
                scale = self.exp_scale[v]
                base = self.atom("exp-base", sp.exp(v / scale), v / scale)
                result *= base ** int(a * scale)
            return result
        return self.atom("exp", e, self.convert(e.args[0]))

    # --- in the field of rational functions ---------------------------------------------
    def build(self, expr) -> AlgebraicModel:
        expr = _rewrite_hyperbolic(expr)
        self._plan_exponential_bases(expr)
        loss_expr = self.convert(expr)
        # Atoms first, the latest first: the relations' leading terms (r², c²) are then
        # distinct powers of single generators, so the relations are a Gröbner basis.
        ordered = [a.symbol for a in reversed(self.atoms)] + list(self.variables)
        K, *generators = field(ordered + list(self.parameters), QQ)
        of = dict(zip(ordered, generators))
        to_field = K.from_expr
        derivative = {v: {w: K.one if w == v else K.zero for w in self.variables} for v in self.variables}
        for atom in self.atoms:
            derivative[atom.symbol] = {v: self._atom_derivative(atom, v, derivative, K, of) for v in self.variables}

        def partial(f, v):
            total = K.zero
            for w in ordered:
                d = derivative[w][v]
                if d != 0:
                    dw = f.diff(of[w])
                    if dw != 0:
                        total += dw * d
            return total

        loss = to_field(loss_expr)
        gradient = [partial(loss, v) for v in self.variables]
        hessian = [[partial(gi, v) for v in self.variables] for gi in gradient]
        n = len(self.variables)
        hg = [sum((hessian[i][j] * gradient[j] for j in range(n)), K.zero) for i in range(n)]
        norm_squared = sum((gi * gi for gi in gradient), K.zero)
        by_norm = [partial(norm_squared, v) * QQ(1, 2) for v in self.variables]
        relations = [to_field(r).numer for r in self._relations()]
        agree = all(_reduce(d.numer, relations) == 0 for d in (a - b for a, b in zip(hg, by_norm)))
        hg = [_reduced_fraction(h, relations) for h in hg]
        norm_squared = _reduced_fraction(norm_squared, relations)

        as_expr = lambda f: f.as_expr()  # noqa: E731
        gradient_e = tuple(as_expr(g) for g in gradient)
        hg_e = tuple(as_expr(h) for h in hg)
        gens = self._generators(gradient_e, hg_e, derivative)
        atoms = tuple(a for a in self.atoms if a.symbol in gens)
        raw = {w: sum((derivative[w][v] * -gv for v, gv in zip(self.variables, gradient)), K.zero) for w in gens}
        denominator = reduce(lambda a, b: a.lcm(b), [r.denom for r in raw.values()], K.ring.one)
        field_of = {w: (raw[w] * K(denominator)).numer.as_expr() for w in gens}
        nonzero = set()
        for f in (*gradient, *hg):
            nonzero.update(_factors(f.denom.as_expr()))
        nonzero.update(_factors(denominator.as_expr()))
        nonzero.update(a.symbol for a in atoms if a.kind in ("exp-base", "exp", "sqrt"))
        exact, why = self._exactness(gens, atoms)
        return AlgebraicModel(
            variables=self.variables,
            gens=gens,
            parameters=self.parameters,
            atoms=atoms,
            gradient=gradient_e,
            hessian=tuple(tuple(as_expr(h) for h in row) for row in hessian),
            hg=hg_e,
            hg_routes_agree=agree,
            norm_squared=norm_squared.as_expr(),
            relations=tuple(r.as_expr() for r in relations
                            if set(r.as_expr().free_symbols) <= set(gens) | set(self.parameters)),
            vector_field=field_of,
            denominators=tuple(sorted(nonzero, key=sp.default_sort_key)),
            positive=tuple(p for p in self._positive(atoms) if p.free_symbols <= set(gens) | set(self.parameters)),
            exact=exact,
            why_inexact=why,
        )

    def _atom_derivative(self, atom, v, derivative, K, of):
        def partial(expr):
            f = K.from_expr(expr)
            total = K.zero
            for w, column in derivative.items():
                d = column[v]
                if d != 0:
                    dw = f.diff(of[w])
                    if dw != 0:
                        total += dw * d
            return total

        s = of[atom.symbol]
        if atom.kind in ("exp-base", "exp"):
            return s * partial(atom.argument)
        argument = K.from_expr(atom.argument)
        if atom.kind == "log":
            return partial(atom.argument) / argument
        if atom.kind == "sqrt":
            return partial(atom.argument) / (2 * s)
        if atom.kind == "sin":
            return of[self.by_key[("cos", atom.argument)].symbol] * partial(atom.argument)
        if atom.kind == "cos":
            return -of[self.by_key[("sin", atom.argument)].symbol] * partial(atom.argument)
        if atom.kind == "atan":
            return partial(atom.argument) / (1 + argument**2)
        raise AssertionError(atom.kind)

    def _generators(self, gradient, hg, derivative):
        """The θᵢ and atoms that g and H g need, closed under differentiation and relations."""
        needed = set()
        for e in (*gradient, *hg):
            needed |= e.free_symbols
        by_symbol = {a.symbol: a for a in self.atoms}
        frontier = list(needed)
        while frontier:
            w = frontier.pop()
            extra = set()
            for d in derivative.get(w, {}).values():
                extra |= d.as_expr().free_symbols
            if w in by_symbol and by_symbol[w].kind == "sqrt":  # its relation r² = B needs B
                extra |= sp.sympify(by_symbol[w].argument).free_symbols
            for e in extra - needed:
                needed.add(e)
                frontier.append(e)
        ordered = [v for v in self.variables if v in needed] + [a.symbol for a in self.atoms if a.symbol in needed]
        return tuple(ordered)  # parameters are constants, never generators

    def _relations(self):
        for atom in self.atoms:
            if atom.kind == "sqrt":
                numerator, denominator = sp.fraction(sp.together(atom.argument))
                yield sp.expand(atom.symbol**2 * denominator - numerator)
            elif atom.kind == "sin":
                cosine = self.by_key[("cos", atom.argument)].symbol
                yield atom.symbol**2 + cosine**2 - 1

    @staticmethod
    def _positive(atoms):
        for atom in atoms:
            if atom.kind in ("exp-base", "exp", "sqrt"):
                yield atom.symbol
            elif atom.kind == "log":
                yield atom.argument

    def _exactness(self, gens, atoms):
        """Is every real point of the model (relations, signs) the image of some θ?"""
        polynomial = {v for v in gens if v in self.variables}
        vectors, inside = [], set()
        for atom in atoms:
            if atom.kind in ("log", "atan", "exp"):
                return False, f"{atom.original} is neither an exponential of a linear form nor algebraic"
            if atom.kind in ("sqrt", "cos"):
                continue  # algebraic in the others, or paired with its sine
            form = _linear_form(self.substitute(atom.argument), self.variables)
            if form is None:
                return False, f"{atom.original} has a non-linear argument"
            inside |= set(form[0])
            vectors.append([form[0].get(v, 0) for v in self.variables])
        mixed = sorted(inside & polynomial, key=str)
        if mixed:
            return False, f"{', '.join(map(str, mixed))} appear(s) both inside and outside exp or trigonometric functions"
        if vectors and sp.Matrix(vectors).rank() < len(vectors):
            return False, "exponential or trigonometric functions of dependent linear forms"
        return True, ""

    def substitute(self, expr):
        return sp.sympify(expr).xreplace({a.symbol: a.original for a in self.atoms})


def _reduce(polynomial, relations):
    if not relations or polynomial == 0:
        return polynomial
    return polynomial.rem(relations)


def _reduced_fraction(f, relations):
    """``f`` with its numerator reduced modulo the relations (same function on the domain)."""
    if not relations:
        return f
    numerator = _reduce(f.numer, relations)
    return f.field.new(numerator, f.denom) if numerator != 0 else f.field.zero


def _linear_form(expr, variables):
    """``({θᵢ: aᵢ}, c)`` if ``expr`` = Σ aᵢθᵢ + c with rational aᵢ, c; else None."""
    expr = sp.expand(expr)
    if not expr.free_symbols <= set(variables):
        return None
    try:
        poly = sp.Poly(expr, *variables)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > 1:
        return None
    coefficients = {}
    constant = sp.S.Zero
    for monomial, coefficient in poly.terms():
        if not coefficient.is_Rational:
            return None
        if sum(monomial) == 0:
            constant = coefficient
        else:
            coefficients[variables[monomial.index(1)]] = coefficient
    return coefficients, constant


def _factors(expr):
    """Non-constant irreducible factors of a polynomial expression."""
    expr = sp.expand(expr)
    if expr.is_number:
        return []
    try:
        _, factors = sp.factor_list(expr)
    except sp.PolynomialError:
        return [expr]
    return [f for f, _ in factors if not f.is_number]
