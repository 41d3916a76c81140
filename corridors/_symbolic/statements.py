"""The paper's statements (a)–(g), by name: what ``verify`` checks on a loss.

Each statement has a name that says what it claims (``"straight-line-flow"``)
and the letter of its item in the paper's lemma (``"b"``); code reads by name,
results still carry the letter (``StatementCheck.key``) and
``Verification["b"]`` still works.

The symbols shared by the checks live here too: the flow time t, the
learning rate h and the CLR target level E*.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

import sympy as sp

__all__ = [
    "FLOW_TIME", "GD_STEPS", "LEARNING_RATE", "STATEMENTS", "STATEMENT_ORDER", "Statement", "StatementLetter",
    "StatementName", "TARGET_LEVEL", "statement",
]

FLOW_TIME = sp.Symbol("t", positive=True)  # t along gradient flow
LEARNING_RATE = sp.Symbol("h", positive=True)  # h of gradient descent
TARGET_LEVEL = sp.Symbol("E_star", real=True)  # E* of the CLR step
GD_STEPS = 3  # gradient descent is iterated exactly for k = 1..GD_STEPS steps

StatementName = Literal[
    "gradient-along-flow", "straight-line-flow", "linear-decrease", "gd-equals-gf", "one-step-gap",
    "no-implicit-regularization", "clr-one-step",
]
StatementLetter = Literal["a", "b", "c", "d", "e", "f", "g"]


@dataclasses.dataclass(frozen=True)
class Statement:
    """One statement of the paper: its name, its letter in the lemma, and what it says."""

    name: StatementName
    letter: StatementLetter
    text: str


STATEMENTS: dict[StatementName, Statement] = {
    s.name: s for s in (
        Statement("gradient-along-flow", "a", "d/dt g(θ(t)) = −H g along gradient flow (Lemma 2.8)"),
        Statement("straight-line-flow", "b", "on a corridor, θ(t) = θ₀ − t g(θ₀) solves gradient flow"),
        Statement("linear-decrease", "c", "on a corridor, E(θ(t)) = E(θ₀) − t‖g(θ₀)‖²"),
        Statement("gd-equals-gf", "d",
                  f"on a corridor, GD iterates equal GF samples: θₖ = θ(kh) for every h, k = 1..{GD_STEPS}"),
        Statement("one-step-gap", "e", "θ₁ − θ(h) = −(h²/2) H g + O(h³)"),
        Statement("no-implicit-regularization", "f",
                  "the correction (h/2) H g of the modified loss E + (h/4)‖g‖² vanishes on corridors"),
        Statement("clr-one-step", "g",
                  "the CLR step (E − E*)/‖g‖² reaches E* in one step inside a corridor; = Polyak step for E* = 0"),
    )
}
# The statements in the paper's order, (a) to (g).
STATEMENT_ORDER: tuple[StatementName, ...] = get_args(StatementName)


def statement(name_or_letter: str) -> Statement:
    """The statement called ``name_or_letter`` (``"linear-decrease"``, or its letter ``"c"``).

    >>> statement("c").name, statement("linear-decrease").letter
    ('linear-decrease', 'c')
    """
    for s in STATEMENTS.values():
        if name_or_letter in (s.name, s.letter):
            return s
    raise KeyError(f"no statement {name_or_letter!r}: use a name ({', '.join(STATEMENTS)}) "
                   f"or a letter a–g")
