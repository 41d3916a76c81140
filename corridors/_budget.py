"""CPU-time budgets for symbolic work that may not terminate quickly.

SymPy's solvers and simplifiers can run for minutes on innocent-looking
inputs. A ``TimeBudget`` is an allowance of CPU seconds that long computations
consult between stages; in the main thread it also arms a CPU-time timer
(``ITIMER_PROF``) so that a single SymPy call that runs past it is interrupted
with ``BudgetExceeded``. Callers turn that into an honest "unknown" verdict.

The budget counts CPU time, of this process and of the Singular processes it
waits for, never wall-clock time: another program keeping the machine busy
makes an analysis slower, but does not change its verdict.
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
import time

try:
    import resource
except ImportError:  # pragma: no cover - not on POSIX: child processes are not counted
    resource = None  # type: ignore[assignment]

from ._errors import InvalidArgument

__all__ = ["BudgetExceeded", "TimeBudget", "cpu_seconds", "validate_timeout"]


class BudgetExceeded(Exception):
    """The time budget ran out; the current stage is abandoned."""


def validate_timeout(timeout) -> float:
    """Return ``timeout`` as a float number of seconds, or raise ``InvalidArgument``."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidArgument(f"timeout must be a number of seconds, got {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise InvalidArgument(f"timeout must be a positive finite number of seconds, got {timeout!r}")
    return float(timeout)


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and by the child processes it has waited for."""
    used = time.process_time()
    if resource is not None:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        used += children.ru_utime + children.ru_stime
    return used


# A CPU-time timer delivers its signal to the process; only the main thread may handle it.
_CAN_INTERRUPT = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")


class TimeBudget:
    """An allowance of ``seconds`` of CPU time, counted from creation (see :func:`cpu_seconds`).

    Use ``with budget.enforced():`` around work that must stop when it is spent:
    in the main thread it raises ``BudgetExceeded`` from inside a long SymPy
    call; elsewhere (no signals) only the explicit ``check()`` calls stop work.
    """

    def __init__(self, seconds: float):
        self.seconds = validate_timeout(seconds)
        self.start = cpu_seconds()
        self.deadline = self.start + self.seconds

    @property
    def remaining(self) -> float:
        """CPU seconds left (negative once spent)."""
        return self.deadline - cpu_seconds()

    @property
    def elapsed(self) -> float:
        """CPU seconds spent since creation."""
        return cpu_seconds() - self.start

    def expired(self) -> bool:
        """Whether the budget is spent."""
        return self.remaining <= 0

    def check(self, stage: str = "") -> None:
        """Raise ``BudgetExceeded`` if the budget is spent."""
        if self.expired():
            raise BudgetExceeded(stage)

    @contextlib.contextmanager
    def enforced(self, stage: str = "", *, raises: type[BaseException] = BudgetExceeded):
        """Interrupt the block with ``raises(stage)`` once the budget is spent (main thread only).

        ``raises`` lets a caller use an exception that ``except Exception``
        clauses inside the work cannot swallow (the proofs runner uses a
        ``BaseException``).
        """
        if self.expired():
            raise raises(stage)
        if not _CAN_INTERRUPT or threading.current_thread() is not threading.main_thread():
            yield self
            return

        def on_timer(signum, frame):
            # Fire again soon: the exception may land in code that swallows it
            # (a __del__ or a gc callback of another library).
            signal.setitimer(signal.ITIMER_PROF, 0.05)
            raise raises(stage)

        def on_unraisable(unraisable):
            # An interrupt swallowed by a callback is re-raised by the re-armed timer; stay quiet.
            if not isinstance(unraisable.exc_value, raises):
                previous_hook(unraisable)

        entered = time.process_time()  # ITIMER_PROF counts this process only
        previous_hook = sys.unraisablehook
        sys.unraisablehook = on_unraisable
        previous_handler = signal.signal(signal.SIGPROF, on_timer)
        previous_timer = signal.setitimer(signal.ITIMER_PROF, max(self.remaining, 1e-3))
        try:
            yield self
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous_handler)
            sys.unraisablehook = previous_hook
            # Nested budgets (or the proofs runner's CPU limit): give the outer timer back what is left.
            if previous_timer[0] > 0:
                left = previous_timer[0] - (time.process_time() - entered)
                signal.setitimer(signal.ITIMER_PROF, max(left, 1e-3), previous_timer[1])
