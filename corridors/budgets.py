"""CPU-time budgets: how ``analyze``, ``verify`` and the proofs runner bound their work.

A :class:`TimeBudget` is an allowance of CPU seconds (this process and the
child processes it waits for, see :func:`cpu_seconds`), never of wall-clock
seconds, so a busy machine slows a computation down without changing its
verdict. ``with budget.enforced():`` interrupts the block with
:class:`BudgetExceeded` once the allowance is spent (in the main thread; in
other threads only the explicit ``check()`` calls stop work).

This module imports neither SymPy nor JAX.

Example:
  >>> from corridors.budgets import BudgetExceeded, TimeBudget
  >>> budget = TimeBudget(0.05)
  >>> try:
  ...     with budget.enforced("counting"):
  ...         while True:
  ...             pass
  ... except BudgetExceeded as stop:
  ...     print("stopped in", stop)
  stopped in counting
"""

from ._budget import BudgetExceeded, TimeBudget, cpu_seconds

__all__ = ["BudgetExceeded", "TimeBudget", "cpu_seconds"]
