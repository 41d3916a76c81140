"""Deciding a step: refuse non-proofs, apply the hypotheses, decide the residual.

``check_step`` applies the runner's rules to one step:

1. Only ``Step`` objects are accepted. Refused, and counted as failed: any
   other object (e.g. one carrying a preset verdict), no residual, a Boolean
   or relation, an empty matrix, floats, a residual that is literally 0 before
   any reduction, "all n" without a symbolic size (``refusal``).
2. A step holds when its residual, rewritten by all its hypotheses, is exactly
   0 (or, for ``relation="> 0"``, provably positive).
3. Every hypothesis must enter: with any one of them dropped the residual must
   be shown non-zero (not positive) at a witness. A step with no hypotheses is
   an identity for every loss and is labelled so.
4. The hypotheses must not contradict each other, as far as a witness can
   tell: a hypothesis that imposes an equation on an open set (‖∇u‖ = c,
   θ̇ = f(θ)) must still satisfy it after the later rewrites (e.g. "E is a
   corridor" followed by "E = ½‖θ‖²" is refused). This catches a later
   rewrite that discards an earlier one; it is not a proof of consistency.

Zero is decided symbolically only (``expand`` / ``cancel``, then ``simplify``).
Non-zero is shown by a witness (``_witness.py``): every undefined function is replaced by a
fixed polynomial test function and every symbol by a rational number
respecting its assumptions, and the residual is evaluated exactly (or with
60-digit ``evalf`` when radicals remain). A residual that is neither is
undecided (``None``). Positivity claims (``relation="> 0"``) are decided by
SymPy's assumptions, and refuted by a witness where the value is ≤ 0.

``refusal`` lists what the runner will not accept as a proof step at all.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from ._hypotheses import REWRITES
from ._steps import ALL_N, RELATIONS, CheckedStep, Relation, Step
from ._witness import nonzero_at_a_witness, not_shown_positive

__all__ = ["check_step", "decide", "not_shown_positive", "refusal", "shown_nonzero"]


def refusal(step) -> str | None:
    """Why ``step`` is not a proof step (None when it is acceptable).

    Refused: anything but a ``Step`` (e.g. an object carrying a preset
    verdict); no residual; a Boolean or a relation instead of lhs − rhs; an
    empty matrix; floating-point numbers; a residual that is literally 0 before
    any reduction (nothing is checked); "all n" without a symbolic size.
    """
    if type(step) is not Step:
        return f"the derivation yielded a {type(step).__name__}, not a Step (a preset verdict is not a proof)"
    residual = step.residual
    if residual is None:
        return "no residual"
    # (Not Boolean itself: a Symbol is a Boolean too, and a bare symbol is a fine residual.)
    booleans = (bool, sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction, sp.core.relational.Relational)
    if isinstance(residual, booleans):
        return "the residual is a Boolean or a relation, not an expression lhs − rhs"
    if not isinstance(residual, (sp.Basic, sp.MatrixBase, int)):
        return f"the residual is a {type(residual).__name__}, not a SymPy expression"
    if isinstance(residual, sp.MatrixBase) and 0 in residual.shape:
        return "the residual matrix is empty"
    if step.relation not in RELATIONS:
        return f"unknown relation {step.relation!r} (use one of {RELATIONS})"
    if step.relation == "> 0" and isinstance(residual, (sp.MatrixBase, sp.MatrixExpr)):
        return "a positivity claim needs a scalar residual"
    if not isinstance(step.assumes, tuple):
        return "assumes must be a tuple of hypotheses"
    # Only the runner's own rewrites: a home-made one could rewrite any residual to 0.
    foreign = [type(h).__name__ for h in step.assumes if type(h) not in REWRITES]
    if foreign:
        return f"hypotheses must be one of the runner's rewrites ({', '.join(c.__name__ for c in REWRITES)}), got {foreign}"
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [residual]
    if any(sp.sympify(e).has(sp.Float) for e in entries if not isinstance(e, sp.MatrixExpr)):
        return "the residual contains floating-point numbers; derivations must be exact"
    if _literally_zero(residual):
        return "the residual is literally 0 before any reduction: nothing is checked"
    if step.dimension == ALL_N and not _has_symbolic_size(residual):
        return "'all n' is claimed but the residual has a fixed size"
    return None


def _literally_zero(residual) -> bool:
    if isinstance(residual, sp.ZeroMatrix):
        return True
    if isinstance(residual, sp.MatrixBase):
        return all(e == 0 for e in residual)
    return isinstance(residual, (int, sp.Expr)) and sp.sympify(residual) == 0


def _has_symbolic_size(residual) -> bool:
    if not isinstance(residual, sp.Basic):
        return False
    return any(
        not sp.sympify(extent).is_Integer
        for matrix in residual.atoms(sp.MatrixSymbol)
        for extent in matrix.shape
    )


def decide(residual, relation: Relation = "= 0") -> tuple[bool | None, object]:
    """(True, reduced) if the relation holds; (False, r) if refuted by a witness; (None, r) otherwise.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> decide(sp.sin(x)**2 + sp.cos(x)**2 - 1)[0], decide(x)[0]
    (True, False)
    """
    if relation == "> 0":
        return _decide_positive(sp.sympify(residual))
    if isinstance(residual, sp.MatrixExpr) and not isinstance(residual, sp.MatrixBase):
        return _decide_matrix_expression(residual)
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [sp.sympify(residual)]
    reduced = [_reduce(entry) for entry in entries]
    if all(entry == 0 for entry in reduced):
        return True, sp.Integer(0)
    if any(nonzero_at_a_witness(entry) for entry in reduced if entry != 0):
        return False, _pack(residual, reduced)
    reduced = [entry if entry == 0 else sp.simplify(entry) for entry in reduced]
    if all(entry == 0 for entry in reduced):
        return True, sp.Integer(0)
    return None, _pack(residual, reduced)


def shown_nonzero(residual) -> bool:
    """True when some entry is non-zero at a witness (no reduction first: witnesses are cheap)."""
    if isinstance(residual, sp.MatrixExpr) and not isinstance(residual, sp.MatrixBase):
        explicit = _at_size(residual.doit(), 3)
        return explicit is not None and any(nonzero_at_a_witness(e) for e in explicit if e != 0)
    entries = list(residual) if isinstance(residual, sp.MatrixBase) else [sp.sympify(residual)]
    return any(nonzero_at_a_witness(entry) for entry in entries if entry != 0)


def _decide_positive(residual: sp.Expr) -> tuple[bool | None, object]:
    reduced = sp.factor(sp.cancel(sp.together(residual)))
    if reduced.is_positive:
        return True, reduced
    if reduced.is_nonpositive or not_shown_positive(reduced):
        return False, reduced
    return None, reduced


def _pack(original, entries):
    if isinstance(original, sp.MatrixBase):
        return sp.ImmutableMatrix(original.rows, original.cols, entries)
    return entries[0]


def _reduce(expr: sp.Expr) -> sp.Expr:
    """Cheap canonical form: doit, then expand (polynomials) or cancel (radicals, fractions).

    Derivatives of undefined functions (the jet of E) are frozen as symbols
    first: SymPy's polynomial code is much faster on plain symbols, and a
    derivative of an undefined function is an independent variable anyway.
    Expanding products of radicals can blow up, so rational expressions go
    straight to ``cancel(together(·))``, which keeps radicals as generators.
    """
    if _needs_doit(expr):
        expr = expr.doit()
    frozen, thaw = _freeze(expr)
    rational = any(not (p.exp.is_Integer and p.exp >= 0) for p in frozen.atoms(sp.Pow))
    reduced = sp.cancel(sp.together(frozen)) if rational else sp.expand(frozen)
    return reduced.xreplace(thaw) if reduced != 0 else reduced


def _needs_doit(expr) -> bool:
    """True unless the only unevaluated objects are derivatives of undefined functions (which doit keeps)."""
    if expr.has(sp.Subs, sp.Integral):
        return True
    return any(not isinstance(d.expr, AppliedUndef) for d in expr.atoms(sp.Derivative))


def _freeze(expr):
    """expr with each derivative / application of an undefined function replaced by a fresh symbol."""
    atoms = expr.atoms(sp.Derivative) | expr.atoms(AppliedUndef)
    if not atoms:
        return expr, {}
    symbols = {atom: sp.Dummy(f"j{i}") for i, atom in enumerate(sorted(atoms, key=sp.default_sort_key))}
    # Applications inside derivatives (E(θ) in ∂E/∂θ₁) disappear with their derivative: xreplace is top-down.
    return expr.xreplace(symbols), {v: k for k, v in symbols.items()}


def _decide_matrix_expression(residual: sp.MatrixExpr) -> tuple[bool | None, object]:
    """Matrix expressions of symbolic size: zero symbolically, refuted at size 3."""
    reduced = sp.expand(residual.doit())
    if reduced == 0 or isinstance(reduced, sp.ZeroMatrix) or _is_zero_scaled(reduced):
        return True, sp.Integer(0)
    explicit = _at_size(reduced, 3)
    if explicit is not None and any(nonzero_at_a_witness(_reduce(e)) for e in explicit if e != 0):
        return False, reduced
    return None, reduced


def _is_zero_scaled(expr) -> bool:
    """True for c·M with a scalar c that is exactly 0 (what expand leaves of k·h·g − k·h·g)."""
    if isinstance(expr, sp.MatMul):
        scalars = [a for a in expr.args if not isinstance(a, sp.MatrixExpr)]
        return any(sp.expand(s) == 0 for s in scalars)
    return False


def _at_size(expr: sp.MatrixExpr, size: int):
    """Entries of ``expr`` with every symbolic dimension set to ``size`` (None if impossible)."""
    dims = {
        s
        for matrix in expr.atoms(sp.MatrixSymbol)
        for extent in matrix.shape
        for s in sp.sympify(extent).free_symbols
    }
    try:
        explicit = expr.xreplace({d: sp.Integer(size) for d in dims})
        shapes = {sym: sym.shape for sym in explicit.atoms(sp.MatrixSymbol)}
        if any(not (r.is_Integer and c.is_Integer) for r, c in shapes.values()):
            return None
        return list(sp.ImmutableMatrix(explicit.as_explicit()))
    except (TypeError, ValueError, AttributeError):
        return None


def check_step(step) -> CheckedStep:
    """Decide one step by the runner's rules (see the module docstring)."""
    reason = refusal(step)
    if reason:
        return CheckedStep(step, False, None, (), f"refused: {reason}")
    raw, hypotheses = step.residual, step.assumes
    try:
        holds, reduced = decide(_apply(raw, hypotheses), step.relation)
    except Exception as error:  # noqa: BLE001 - SymPy gave up: undecided, not a verdict
        return CheckedStep(step, None, None, (), f"undecided: deciding raised {type(error).__name__}: {error}")
    if holds is False:
        return CheckedStep(step, False, reduced, (), "refuted: the residual is non-zero at a witness"
                           if step.relation == "= 0" else "refuted: the residual is not positive at a witness")
    if holds is None:
        return CheckedStep(step, None, reduced, (), "undecided: the residual is neither shown 0 nor non-zero")
    if not hypotheses:
        return CheckedStep(step, True, reduced, (), "identity: holds for every loss, no hypothesis used")
    try:
        clash = _contradiction(hypotheses)
    except Exception as error:  # noqa: BLE001
        return CheckedStep(step, None, reduced, (),
                           f"undecided: checking the hypotheses for contradictions raised {type(error).__name__}: {error}")
    if clash:
        return CheckedStep(step, False, reduced, (), f"refused: {clash}")
    try:
        enters = tuple(_enters(raw, hypotheses, i, step.relation) for i in range(len(hypotheses)))
    except Exception as error:  # noqa: BLE001
        return CheckedStep(step, None, reduced, (),
                           f"undecided: checking that the hypotheses enter raised {type(error).__name__}: {error}")
    for hypothesis, entered in zip(hypotheses, enters):
        if entered is False:
            return CheckedStep(step, False, reduced, enters, f"refused: hypothesis '{hypothesis.text}' does not "
                               "enter (the claim holds without it; state it as an identity)")
    for hypothesis, entered in zip(hypotheses, enters):
        if entered is None:
            return CheckedStep(step, None, reduced, enters,
                               f"undecided: could not show that hypothesis '{hypothesis.text}' is needed")
    return CheckedStep(step, True, reduced, enters,
                       "holds under the hypotheses; without any one of them the residual is non-zero at a witness")


def _apply(residual, hypotheses):
    for hypothesis in hypotheses:
        residual = hypothesis.apply(residual)
    return residual


def _contradiction(hypotheses) -> str | None:
    """Why the hypotheses contradict each other (None when no witness shows it).

    For each hypothesis A that imposes equations I = 0 on an open set and
    each later hypothesis B: rewrite I by B, then by all the hypotheses in
    order. If what is left is non-zero at a witness, B has replaced what A
    constrained by something that violates A (applying A first would have
    turned I into 0 before B could show it).
    """
    for index, earlier in enumerate(hypotheses):
        identities = earlier.identities()
        if not identities:
            continue
        for later in hypotheses[index + 1:]:
            rewritten = _apply(later.apply(sp.ImmutableMatrix(identities)), hypotheses)
            if shown_nonzero(rewritten):
                return (f"hypotheses '{earlier.text}' and '{later.text}' contradict each other "
                        "(after the second, the first's equation fails at a witness)")
    return None


def _enters(raw, hypotheses, index: int, relation: Relation) -> bool | None:
    """Whether dropping ``hypotheses[index]`` leaves a residual refuted at a witness.

    True: refuted (the hypothesis is needed); False: the claim still holds
    (it does not enter); None: neither shown.
    """
    dropped = _apply(raw, hypotheses[:index] + hypotheses[index + 1:])
    if relation == "> 0":
        if not_shown_positive(dropped):
            return True
        return False if decide(dropped, relation)[0] is True else None
    if shown_nonzero(dropped):  # a witness is cheaper than a reduction: try it first
        return True
    holds, _ = decide(dropped)
    return None if holds is None else not holds
