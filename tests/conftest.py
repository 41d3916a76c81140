"""Numerical settings and Hypothesis profiles shared by the whole suite.

Profiles are chosen with the HYPOTHESIS_PROFILE environment variable:
``dev`` (default, quick), ``ci`` (what .ci/run uses) and ``thorough``.
"""

import os

import jax
from hypothesis import HealthCheck, settings

# Tests compare against exact theory; float32 round-off would blur that.
# Tests that exercise float32 on purpose pass dtypes explicitly.
jax.config.update("jax_enable_x64", True)

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, **_COMMON)
settings.register_profile("ci", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
