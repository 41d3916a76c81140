"""Numerical settings and Hypothesis profiles shared by the whole suite.

Profiles are chosen with the HYPOTHESIS_PROFILE environment variable:
``dev`` (default, quick), ``ci`` (what .ci/run uses: more examples) and
``thorough``. None is derandomized: ``make test`` draws a seed, prints it and
passes it as ``--hypothesis-seed``, so a failure can be replayed.
"""

import os
import subprocess
import sys

import jax
import pytest
from hypothesis import HealthCheck, settings

# Tests compare against exact theory; float32 round-off would blur that.
# Tests that exercise float32 on purpose pass dtypes explicitly.
jax.config.update("jax_enable_x64", True)

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, **_COMMON)
# ci is random too (the Makefile passes a printed --hypothesis-seed): CI must see what users see.
settings.register_profile("ci", max_examples=30, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def run_with_fake_devices():
    """``run(script, timeout)``: run a Python script in a fresh interpreter that sees 4 CPU devices.

    The number of host devices is fixed when JAX starts
    (``XLA_FLAGS=--xla_force_host_platform_device_count``), so sharding tests run
    their script in a subprocess. Returns the ``subprocess.CompletedProcess``,
    with ``stdout`` and ``stderr`` captured as text.
    """

    def run(script: str, timeout: float) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        # The 4 fake devices meet in XLA's in-process collectives, whose threads share 2 cores with
        # the rest of the suite: on a loaded machine one can arrive after XLA's default 40 s, and
        # XLA then aborts the process. Wait up to 240 s (the callers' timeouts are longer), so a
        # slow machine is slow, not failed; a real deadlock still ends at the caller's timeout.
        flags = (" --xla_force_host_platform_device_count=4"
                 " --xla_cpu_collective_call_terminate_timeout_seconds=240"
                 " --xla_cpu_collective_call_warn_stuck_timeout_seconds=120")
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + flags).strip()
        env["JAX_PLATFORMS"] = "cpu"
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout)

    return run
