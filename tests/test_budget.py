"""Time budgets count CPU time, so that a busy machine never changes a verdict."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from corridors._symbolic.algebraic.singular import run_singular, singular_binary
from corridors._budget import BudgetExceeded, TimeBudget, cpu_seconds

TICK = 0.02  # wider than any kernel's scheduler tick (1-10 ms)


def burn(seconds: float) -> None:
    """Spend about ``seconds`` of CPU time in this thread."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_waiting_does_not_spend_the_budget():
    budget = TimeBudget(0.3)
    time.sleep(0.6)  # wall-clock time passes, CPU time does not
    assert not budget.expired()
    assert budget.elapsed < 0.3


def test_work_spends_the_budget_and_is_interrupted():
    budget = TimeBudget(0.2)
    with pytest.raises(BudgetExceeded):
        with budget.enforced("burn"):
            burn(5.0)
    # The kernel's profiling timer and the CPU clock read here are sampled
    # differently: the timer may fire a scheduler tick before the clock shows 0.2 s.
    assert 0.2 - TICK <= budget.elapsed < 2.0


def test_the_outer_budget_resumes_after_a_nested_one():
    outer = TimeBudget(0.5)
    started = time.process_time()
    with pytest.raises(BudgetExceeded):
        with outer.enforced("outer"):
            with TimeBudget(10).enforced("inner"):
                burn(0.05)
            burn(5.0)  # the outer timer was given back what was left of it
    # This process's own CPU time: ``outer.elapsed`` also counts child processes that other
    # threads of a test worker happen to reap meanwhile (2.67 s once, in a fresh-clone run).
    assert time.process_time() - started < 2.0


def test_a_budget_outside_the_main_thread_only_checks():
    seen = []

    def work():
        budget = TimeBudget(0.05)
        with budget.enforced():  # no signal here: work runs to its end
            burn(0.1)
        seen.append(budget.expired())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [True]


@pytest.mark.skipif(singular_binary() is None, reason="Singular is not installed (the corridors[algebra] extra)")
def test_singular_is_stopped_at_the_cpu_limit_and_its_time_counts():
    before = cpu_seconds()
    busy = "int i; int s; for (i = 1; i < 2000000000; i++) { s = s + 1; } print(s);"
    with pytest.raises(BudgetExceeded):
        run_singular(busy, budget=TimeBudget(1.0))
    # Singular's own CPU time was counted: this process alone spends a few hundredths of a second
    # here. The kernel stops the child at 1 s of CPU by its own clock, which rusage usually
    # reports as 0.99-1.01 s; once, on a loaded VM, it reported 0.57 s. Hence the wide margin.
    assert cpu_seconds() - before >= 0.25
    assert run_singular('print("@ok 1");', budget=TimeBudget(5.0)) == [("ok", "1")]


def test_the_budgets_and_the_proofs_runner_load_without_jax():
    # One budget mechanism serves analyze and the proofs runner; importing it
    # (and `corridors` itself, whose names load on first use) must stay light.
    code = (
        "import sys, corridors, corridors.budgets\n"
        "light = sorted(m for m in ('jax', 'sympy', 'optax') if m in sys.modules)\n"
        "import proofs\n"
        "print(light, 'jax' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split("\n")[0] == "[] False"


def test_names_load_on_first_use():
    code = "import corridors\nprint(corridors.clr.__module__, corridors.numeric.__name__, 'analyze' in dir(corridors))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split() == ["corridors._optim.corridor_learning_rate", "corridors.numeric", "True"]
    missing = subprocess.run([sys.executable, "-c", "import corridors; corridors.no_such_name"],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and "has no attribute 'no_such_name'" in missing.stderr
