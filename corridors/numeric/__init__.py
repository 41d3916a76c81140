"""Numeric corridor checks on large models, with JAX.

A corridor is where gradient flow runs in straight lines, ``H g = 0``
(``g = ∇E``, ``H = ∇²E``); there gradient descent with any step ``h`` lands
exactly on the flow. This subpackage measures how far a real model is from
that:

* :func:`hg` — value, gradient and ``H g`` in one forward-over-reverse pass.
* :func:`indicators` — dimensionless corridor indicators at a point for a step
  ``h`` (``gap_ratio = (h/2)‖Hg‖/‖g‖``, ``gradient_change``,
  ``decrease_ratio``, ``directional_sharpness``; table of formulas, ranges
  and corridor values in :mod:`corridors._numeric.indicators`).
* :func:`gd_vs_gf` — GD iterates against a diffrax gradient-flow solution:
  the drift ``‖θₙ − θ(n h)‖`` and the integrator's own error estimate.
* :func:`probe` / :func:`plot_probe` — indicators along an optax training run.
* :func:`lambdify_loss` (alias :func:`to_jax`) — a SymPy loss as a JAX function,
  to compare the symbolic and numeric sides.
* :func:`safe_norm` — a Euclidean norm with gradient 0 at 0, for cone losses.

Conventions shared by all of them:

* **Extra arguments.** The loss is always called as
  ``loss(params, *args, **loss_kwargs)``. :func:`hg`, :func:`indicators` and
  :func:`gd_vs_gf` take ``args`` positionally after their own arguments and
  pass them unchanged (a tuple batch is one argument, never unpacked);
  :func:`probe` passes each batch as the one argument, ``loss(params, batch)``.
  Keyword arguments of the loss go in the keyword-only mapping
  ``loss_kwargs``, never mixed with the functions' own options.
* **Auxiliary outputs.** With ``has_aux=True`` the loss returns
  ``(value, aux)``; :func:`hg` returns ``aux``, the others discard it.
* **Non-finite values** are never reported as corridor values: NaN
  parameters give NaN indicators with ``finite=False``, a stationary point
  (``g = 0``) gives NaN indicators with ``stationary=True``, and
  :func:`gd_vs_gf` refuses a NaN start with ``InvalidArgument``.
* **Dtypes**: bfloat16, float16, float32 and float64 parameters; results keep
  their dtype, except that :func:`gd_vs_gf` integrates narrower types in float32.

Example:
    >>> import jax.numpy as jnp
    >>> from corridors import numeric
    >>> r = numeric.hg(lambda t: jnp.sum(t ** 2), jnp.array([1.0, 2.0]))
    >>> r.hg.tolist()
    [4.0, 8.0]
"""

from .._numeric._trees import safe_norm
from .._numeric.bridge import lambdify_loss, to_jax
from .._numeric.drift import DriftResult, default_tolerances, gd_vs_gf
from .._numeric.hessian_vector import HgResult, hg
from .._numeric.indicators import INDICATOR_NAMES, Indicators, indicators
from .._numeric.probe import ProbeResult, plot_probe, probe

__all__ = [
    "INDICATOR_NAMES",
    "DriftResult",
    "HgResult",
    "Indicators",
    "ProbeResult",
    "default_tolerances",
    "gd_vs_gf",
    "hg",
    "indicators",
    "lambdify_loss",
    "plot_probe",
    "probe",
    "safe_norm",
    "to_jax",
]
