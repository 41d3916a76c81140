"""Hypotheses as explicit rewrites: the runner applies them to a step's residual.

A step's residual is computed from the loss alone (lhs − rhs, nothing
assumed). Each hypothesis of the step is a rewrite that the *runner* applies;
the step holds when the rewritten residual is exactly 0, and the runner also
checks that every hypothesis enters: dropping any one of them must leave a
residual shown non-zero at a witness. So no step can pass with its
hypothesis removed.

The rewrites are few and inspectable:

``Substitute``   replace a function by a formula, or exact sub-expressions by values
                 ("E is the bowl ½‖θ‖²", "g = g₀ at the points of the line");
``AlongFlow``    the curve θ(t) solves θ̇ = f(θ): every θᵢ⁽ᵐ⁾(t) is replaced by
                 dᵐ⁻¹/dtᵐ⁻¹ fᵢ(θ(t)), recursively;
``Eikonal``      ‖∇u‖ = c on an open connected set (for u = E: the corridor
                 condition H g = 0, since H g = ½∇‖g‖²), applied as the first-order
                 PDE ∂ₙu = √(c² − Σ_{j<n} (∂ⱼu)²) and all its derivatives;
``Eliminate``    pointwise linear equations solved for chosen unknowns
                 ("∇f·g = 0 at this point", "H g = 0 at this point").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from ._latex import latex

__all__ = ["Hypothesis", "Substitute", "AlongFlow", "Eikonal", "Eliminate", "REWRITES"]


@dataclass(frozen=True)
class Hypothesis:
    """An assumption with its text, its formula and the rewrite that applies it.

    Subclasses implement ``_apply(expr)`` on a scalar expression; ``apply``
    maps it over explicit matrices.
    """

    text: str
    latex: str

    def apply(self, expr):
        """The residual with this hypothesis applied (entrywise for matrices)."""
        if isinstance(expr, sp.MatrixBase):
            return sp.ImmutableMatrix(expr.rows, expr.cols, [self._apply(e) for e in expr])
        if isinstance(expr, sp.MatrixExpr):
            return self._apply_matrix_expression(expr)
        return self._apply(sp.sympify(expr))

    def _apply(self, expr: sp.Expr) -> sp.Expr:
        raise NotImplementedError

    def identities(self) -> tuple[sp.Expr, ...]:
        """Expressions that vanish on an open set under this hypothesis (a PDE or ODE it imposes).

        Empty for pointwise hypotheses and plain definitions. The runner uses
        them to catch a later rewrite that contradicts this one.
        """
        return ()

    def rewrite_latex(self) -> str:
        """The rewrite the runner applies, typeset from its data (not from the author's text)."""
        raise NotImplementedError

    def symbols(self) -> set:
        """The free symbols of the rewrite's data (their declared signs are assumptions too)."""
        found: set = set()
        for value in vars(self).values():
            for item in (value if isinstance(value, tuple) else (value,)):
                for leaf in (item if isinstance(item, tuple) else (item,)):
                    if isinstance(leaf, sp.Basic):
                        found |= leaf.free_symbols
        return found

    def _apply_matrix_expression(self, expr):
        raise TypeError(f"{type(self).__name__} cannot rewrite a matrix expression of symbolic size")


@dataclass(frozen=True)
class Substitute(Hypothesis):
    """Replace functions by formulas and exact sub-expressions by values.

    ``rules``: pairs (old, new). When ``old`` is an applied undefined function
    F(x₁, …, xₖ) with symbol arguments, F is replaced *everywhere* (also inside
    derivatives and at other points) by the Lambda (x₁, …, xₖ) ↦ new. Otherwise
    ``old`` is replaced where it occurs exactly.

    >>> x = sp.Symbol("x"); E = sp.Function("E")(x)
    >>> bowl = Substitute("E is the bowl", r"E = x^2/2", ((E, x**2 / 2),))
    >>> bowl.apply(E.diff(x) - x)
    0
    """

    rules: tuple[tuple[object, object], ...] = ()

    def _apply(self, expr):
        for old, new in self.rules:
            if _is_function_definition(old):
                expr = expr.replace(old.func, sp.Lambda(old.args, new))
            elif isinstance(old, sp.Symbol):
                expr = expr.subs(old, new)
            else:
                expr = replace_outside_derivatives(expr, {old: new})
        return expr.doit() if expr.has(sp.Derivative, sp.Subs) else expr

    def _apply_matrix_expression(self, expr):
        for old, new in self.rules:
            expr = expr.xreplace({old: new})
        return expr

    def rewrite_latex(self) -> str:
        pieces = []
        for old, new in self.rules:
            sign = "=" if _is_function_definition(old) or isinstance(old, sp.Symbol) else r"\mapsto"
            pieces.append(f"{latex(old)} {sign} {latex(new)}")
        return r",\quad ".join(pieces)


def _is_function_definition(old) -> bool:
    from sympy.core.function import AppliedUndef

    return isinstance(old, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in old.args)


@dataclass(frozen=True)
class AlongFlow(Hypothesis):
    """The curve ``path`` = (θ₁(t), …, θₙ(t)) solves θ̇ = ``field``(θ).

    ``field`` is given at the point ``theta``. Derivatives θᵢ⁽ᵐ⁾(t) are
    replaced by dᵐ⁻¹/dtᵐ⁻¹ fᵢ(θ(t)) (again rewritten), also inside ``Subs``
    and integrals. With ``at_point`` the result is then read at the point
    θ = θ(t) (a renaming: the curve's point at time t is an arbitrary point).
    """

    path: tuple[sp.Expr, ...] = ()
    field: tuple[sp.Expr, ...] = ()
    theta: tuple[sp.Symbol, ...] = ()
    time: sp.Symbol = sp.Symbol("t")
    at_point: bool = True

    def _apply(self, expr):
        # xreplace, not subs: θ ↦ θ(t) keeps ∂E/∂θᵢ as a derivative with respect to θᵢ(t).
        onto = dict(zip(self.theta, self.path))
        velocity = {c: sp.sympify(f).xreplace(onto) for c, f in zip(self.path, self.field)}
        cache: dict = {}

        def derivative_value(d):
            if d not in cache:
                order = len(d.variables)
                value = velocity[d.expr]
                if order > 1:
                    value = rewrite(sp.diff(value, self.time, order - 1))
                cache[d] = value
            return cache[d]

        def rewrite(e):
            targets = {
                d for d in e.atoms(sp.Derivative)
                if d.expr in velocity and set(d.variables) == {self.time}
            }
            return e.xreplace({d: derivative_value(d) for d in targets}) if targets else e

        out = rewrite(expr)
        if self.at_point:
            out = out.xreplace(dict(zip(self.path, self.theta)))
        return out.doit() if out.has(sp.Derivative, sp.Subs, sp.Integral) else out


    def identities(self) -> tuple[sp.Expr, ...]:
        """θ̇ᵢ(t) − fᵢ(θ(t)) for each i."""
        onto = dict(zip(self.theta, self.path))
        return tuple(c.diff(self.time) - sp.sympify(f).xreplace(onto) for c, f in zip(self.path, self.field))

    def rewrite_latex(self) -> str:
        velocity = sp.ImmutableMatrix([c.diff(self.time) for c in self.path])
        onto = dict(zip(self.theta, self.path))
        field = sp.ImmutableMatrix([sp.sympify(f).xreplace(onto) for f in self.field])
        return latex(velocity) + " = " + latex(field)


@dataclass(frozen=True)
class Eikonal(Hypothesis):
    """‖∇u‖ = ``speed`` on an open connected set U, for ``function`` u(θ₁, …, θₙ).

    Where ∂ₙu ≠ 0 it has one sign on a connected piece of U, and there
    ∂ₙu = ±S with S := √(c² − Σ_{j<n} (∂ⱼu)²), an identity of functions: every
    derivative of u with a θₙ in it is ±∂^{α}S with one θₙ removed
    (differentiated again where more θₙ remain). The derivatives without θₙ
    are free: any analytic data on {θₙ = const} extends to a solution
    (Cauchy–Kovalevskaya), so the rewrite is a canonical form. ``apply``
    returns the residual under *both* signs, stacked, so a claim must hold on
    either side. Points where ∂ₙu = 0 but ∇u ≠ 0 are covered by relabelling
    the coordinates, which is valid for the coordinate-free claims (vectors
    such as H g, θ̈) the proofs make.

    Applied to u = E it is the corridor hypothesis: H g = ½∇‖g‖² = 0 on U iff
    ‖g‖ = c is constant on U.
    """

    function: sp.Expr = None
    theta: tuple[sp.Symbol, ...] = ()
    speed: sp.Expr = sp.Integer(1)
    # Memo of the rewritten derivatives (by multiset of variables and sign): the
    # same high derivative recurs in every entry of a residual.
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def apply(self, expr):
        """The residual under ∂ₙu = +S and under ∂ₙu = −S, stacked into one column.

        When the speed c is a free symbol, S = √(c² − Σ_{j<n}(∂ⱼu)²) is then
        renamed σ > 0 (σᵏ for each power S^k) and every remaining c becomes
        √(σ² + Σ_{j<n}(∂ⱼu)²): as c is free, σ is independent of the free
        derivatives, so the result is a rational function of independent
        quantities (quick to cancel, and any witness for it is realisable).
        With a numeric speed (‖∇d‖ = 1) σ would be tied to the jet, so S stays a
        radical. Rewrites applied after this one must not differentiate.
        """
        entries = list(expr) if isinstance(expr, sp.MatrixBase) else [sp.sympify(expr)]
        rename = self._rename if isinstance(self.speed, sp.Symbol) else (lambda e: e)
        return sp.ImmutableMatrix([rename(self._rewrite(e, sign)) for sign in (1, -1) for e in entries])

    def identities(self) -> tuple[sp.Expr, ...]:
        """‖∇u‖² − c²."""
        return (sum((sp.diff(self.function, v) ** 2 for v in self.theta), sp.Integer(0)) - self.speed**2,)

    @property
    def sigma(self) -> sp.Symbol:
        """σ = √(c² − Σ_{j<n}(∂ⱼu)²) > 0, as a symbol."""
        return sp.Symbol(f"sigma_{getattr(self.function, 'func', 'u')}", positive=True)

    def rewrite_latex(self) -> str:
        last = sp.Derivative(self.function, self.theta[-1])
        return f"{latex(last)} = \\pm {latex(sp.sqrt(self._base()))}"

    def _base(self):
        others = self.theta[:-1]
        return self.speed**2 - sum((sp.diff(self.function, v) ** 2 for v in others), sp.Integer(0))

    def _root(self, sign: int):
        return sign * sp.sqrt(self._base())

    def _rename(self, expr):
        base, sigma = self._base(), self.sigma
        expr = expr.replace(lambda e: e.is_Pow and e.base == base, lambda e: sigma ** (2 * e.exp))
        # Whatever of c is left (also S² = c² − Σ merged into a sum) becomes σ² + Σ under the root.
        if self.speed in expr.free_symbols:
            free_part = sum((sp.diff(self.function, v) ** 2 for v in self.theta[:-1]), sp.Integer(0))
            expr = expr.xreplace({self.speed: sp.sqrt(sigma**2 + free_part)})
        return expr

    def _value(self, variables: tuple, sign: int) -> sp.Expr:
        key = (tuple(sorted(variables, key=sp.default_sort_key)), sign)
        if key not in self._cache:
            rest = list(key[0])
            rest.remove(self.theta[-1])
            value = self._root(sign)
            if rest:
                value = sp.diff(value, *rest)
            self._cache[key] = self._rewrite(value, sign)
        return self._cache[key]

    def _rewrite(self, expr, sign: int):
        last = self.theta[-1]
        targets = {d for d in expr.atoms(sp.Derivative) if d.expr == self.function and last in d.variables}
        return expr.xreplace({d: self._value(tuple(d.variables), sign) for d in targets}) if targets else expr


@dataclass(frozen=True)
class Eliminate(Hypothesis):
    """Pointwise linear ``equations`` = 0, solved for ``unknowns`` and substituted.

    The unknowns are atoms of the residual (e.g. ∂ₙE, or the second
    derivatives ∂ᵢ∂ₙE). The system must have exactly one solution, else
    ``ValueError`` (the proof is then reported unknown).
    """

    equations: tuple[sp.Expr, ...] = ()
    unknowns: tuple[sp.Expr, ...] = ()

    @cached_property
    def solution(self) -> dict:
        """{unknown: value} solving the equations (computed once)."""
        stand_ins = sp.symbols(f"x_1:{len(self.unknowns) + 1}", cls=sp.Dummy)
        swap = dict(zip(self.unknowns, stand_ins))
        system = [sp.expand(e).xreplace(swap) for e in self.equations]
        matrix, rhs = sp.linear_eq_to_matrix(system, stand_ins)
        if matrix.shape[0] != matrix.shape[1] or sp.simplify(matrix.det()) == 0:
            raise ValueError(f"{self.text}: the equations do not determine the unknowns")
        values = matrix.LUsolve(rhs)
        return {u: sp.cancel(v) for u, v in zip(self.unknowns, values)}

    def _apply(self, expr):
        return replace_outside_derivatives(expr, self.solution)

    def rewrite_latex(self) -> str:
        equations = r",\ ".join(f"{latex(e)} = 0" for e in self.equations)
        unknowns = ", ".join(latex(u) for u in self.unknowns)
        return f"{equations} \\text{{ solved for }} {unknowns}"


def replace_outside_derivatives(expr, mapping: dict):
    """``expr`` with the keys of ``mapping`` replaced, except inside what is differentiated.

    A pointwise value f(θ) = 0 says nothing about ∂f/∂θ₁, so f(θ) inside
    ``Derivative(f(θ), θ₁)`` is left alone (``xreplace`` would turn it into
    ∂0/∂θ₁ = 0). Likewise inside a ``Subs`` body, which lives at another point;
    its point is rewritten.
    """
    if expr in mapping:
        return mapping[expr]
    if isinstance(expr, sp.Derivative) or not expr.args:
        return expr
    if isinstance(expr, sp.Subs):
        point = tuple(replace_outside_derivatives(p, mapping) for p in expr.point)
        return sp.Subs(expr.expr, expr.variables, point) if point != tuple(expr.point) else expr
    args = tuple(replace_outside_derivatives(a, mapping) for a in expr.args)
    return expr.func(*args) if args != expr.args else expr


# The rewrites the runner accepts (``_verdict.refusal``).
REWRITES = (Substitute, AlongFlow, Eikonal, Eliminate)
