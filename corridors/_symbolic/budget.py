"""Wall-clock time budgets for symbolic work that may not terminate quickly.

SymPy's solvers and simplifiers can run for minutes on innocent-looking
inputs. A ``TimeBudget`` is a deadline that long computations consult between
stages; in the main thread it also arms ``SIGALRM`` so that a single SymPy call
that runs past the deadline is interrupted with ``BudgetExceeded``. Callers turn
that into an honest "unknown" verdict.
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
import time

from .._errors import InvalidArgument

__all__ = ["BudgetExceeded", "TimeBudget", "validate_timeout"]


class BudgetExceeded(Exception):
    """The time budget ran out; the current stage is abandoned."""


def validate_timeout(timeout) -> float:
    """Return ``timeout`` as a float number of seconds, or raise ``InvalidArgument``."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidArgument(f"timeout must be a number of seconds, got {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise InvalidArgument(f"timeout must be a positive finite number of seconds, got {timeout!r}")
    return float(timeout)


class TimeBudget:
    """A deadline ``seconds`` from creation.

    Use ``with budget.enforced():`` around work that must stop at the deadline:
    in the main thread it raises ``BudgetExceeded`` from inside a long SymPy
    call; elsewhere (no signals) only the explicit ``check()`` calls stop work.
    """

    def __init__(self, seconds: float):
        self.seconds = validate_timeout(seconds)
        self.start = time.monotonic()
        self.deadline = self.start + self.seconds

    @property
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def expired(self) -> bool:
        return self.remaining <= 0

    def check(self, stage: str = "") -> None:
        if self.expired():
            raise BudgetExceeded(stage)

    @contextlib.contextmanager
    def enforced(self, stage: str = ""):
        self.check(stage)
        if threading.current_thread() is not threading.main_thread():
            yield self
            return

        def on_alarm(signum, frame):
            # Fire again soon: the exception may land in code that swallows it
            # (a __del__ or a gc callback of another library).
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            raise BudgetExceeded(stage)

        def on_unraisable(unraisable):
            # An interrupt swallowed by a callback is re-raised by the re-armed timer; stay quiet.
            if not isinstance(unraisable.exc_value, BudgetExceeded):
                previous_hook(unraisable)

        entered = time.monotonic()
        previous_hook = sys.unraisablehook
        sys.unraisablehook = on_unraisable
        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        previous_timer = signal.setitimer(signal.ITIMER_REAL, max(self.remaining, 1e-3))
        try:
            yield self
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            sys.unraisablehook = previous_hook
            # Nested budgets: give an outer timer back what is left of it.
            if previous_timer[0] > 0:
                left = previous_timer[0] - (time.monotonic() - entered)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))
