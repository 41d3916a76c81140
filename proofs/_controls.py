"""Controls on the bowl: a claim that holds on corridors, shown to fail on E = ½‖θ‖².

Most statements of the paper hold *because* Hg = 0. Their controls take the
bowl, where Hg = θ ≠ 0 off the minimum, and let the runner refute the same
claim there in n = 1 and 2. :func:`on_the_bowl` writes those control steps
once, so that each proof states only its claim and its residual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ._calculus import GenericLoss, generic_loss, gradient_flow, loss_is_bowl, path
from ._steps import Step

__all__ = ["on_the_bowl"]

BOWL = r"E = \tfrac12\lVert\theta\rVert^2:\ "


def on_the_bowl(
    claim: str,
    justification: str,
    residual: Callable[[GenericLoss, tuple], object],
    *,
    along_flow: bool = False,
    dims: tuple[int, ...] = (1, 2),
) -> Iterator[Step]:
    """One control step per n in ``dims``: ``claim`` on the bowl, with ``residual(loss, curve)``.

    ``curve`` is a generic path θ(t); with ``along_flow`` the runner also
    applies θ̇ = −g along it (the bowl's gradient flow), otherwise only the
    substitution E = ½‖θ‖².
    """
    for n in dims:
        loss, curve = generic_loss(n), path(n)
        bowl = loss_is_bowl(loss)
        yield Step(
            claim=BOWL + claim,
            justification=justification,
            residual=residual(loss, curve),
            assumes=(gradient_flow(loss, curve), bowl) if along_flow else (bowl,),
            dimension=n,
        )
