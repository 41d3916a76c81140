"""Gradient descent against gradient flow: the drift ``‖θₙ − θ(n h)‖``.

Gradient descent ``θₙ₊₁ = θₙ − h g(θₙ)`` is Euler's method for the gradient
flow ``dθ/dt = −g(θ)``. Inside a corridor (``H g = 0``) the flow is a straight
line and Euler is exact, so the drift stays at the integrator's error level
for every ``h``; elsewhere the first step drifts by ``(h²/2)‖H g‖ + O(h³)``.

Parameters in a floating type narrower than float32 (bfloat16, float16) are
integrated in float32: an adaptive solve cannot reach a useful tolerance in 8
or 11 bits, and the drift measured is that of the discretisation, not of
rounding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import optax
import optimistix
import numpy as np

from .._errors import InvalidArgument
from ._format import fmt
from ._trees import safe_norm, tree_all_finite
from .._validate import (
    concrete,
    check_bool,
    check_finite_params,
    check_loss,
    check_params,
    check_positive,
    check_positive_int,
    loss_keywords,
    params_dtype,
    scalar_loss,
    value_only,
)
from .hessian_vector import hg_at

__all__ = ["DriftResult", "default_tolerances", "gd_vs_gf"]

# (rtol, atol) by parameter dtype: a few orders above round-off, so that the
# reference solve (tolerances / reference_factor) is still attainable.
_DEFAULT_TOLERANCES = {np.dtype("float64"): (1e-9, 1e-12), np.dtype("float32"): (1e-4, 1e-6)}


def solve_dtype(dtype) -> np.dtype:
    """The dtype :func:`gd_vs_gf` computes in for parameters of ``dtype``: at least float32."""
    dtype = jnp.dtype(dtype)
    if not jnp.issubdtype(dtype, jnp.floating):
        raise InvalidArgument(f"dtype must be a real floating dtype (e.g. jnp.float32), got {dtype}")
    return np.dtype(np.float32) if jnp.finfo(dtype).bits < 32 else dtype


def default_tolerances(dtype) -> tuple[float, float]:
    """Default ``(rtol, atol)`` of the gradient-flow solve for parameters of ``dtype``.

    1e-9/1e-12 for float64 and 1e-4/1e-6 for float32. Narrower types
    (bfloat16, float16) are integrated in float32 and get float32's values.

    Example:
        >>> import jax.numpy as jnp
        >>> default_tolerances(jnp.float64), default_tolerances(jnp.bfloat16)
        ((1e-09, 1e-12), (0.0001, 1e-06))
    """
    dtype = solve_dtype(dtype)
    if dtype in _DEFAULT_TOLERANCES:
        return _DEFAULT_TOLERANCES[dtype]
    eps = float(jnp.finfo(dtype).eps)
    return (1000 * eps, 10 * eps)


class DriftResult(eqx.Module):
    """GD iterates against the GF solution at the same times ``tₙ = n h``.

    Attributes:
        times: ``tₙ = n h``, shape ``(num_steps + 1,)``.
        drift: ``‖θₙ^GD − θ^GF(tₙ)‖₂``, shape ``(num_steps + 1,)``; ``drift[0] = 0``.
        loss_gd: ``E(θₙ^GD)``.
        loss_gf: ``E(θ^GF(tₙ))``.
        gf_error: the integrator's global error estimate ``‖θ^GF(tₙ) − θ^GF_ref(tₙ)‖₂``,
            where the reference solve uses tolerances divided by ``reference_factor``
            and at least two steps per interval.
            Drift below a few times this value is indistinguishable from 0.
        gf_steps: number of solver steps (accepted + rejected) in each interval ``[tₙ, tₙ₊₁]``
            (0 for intervals not attempted after a failure).
        gf_success: whether each interval's solve succeeded; ``False`` (only
            possible with ``throw=False``) for the failed interval and every
            later one, which is not attempted. ``drift``, ``loss_gf`` and
            ``gf_error`` are NaN after a failure, and so is ``final_gf``.
        predicted_gap: ``(h²/2)‖H g(θ₀)‖``, the leading term of ``drift[1]``.
        final_gd, final_gf: the last iterates ``θ_N^GD`` and ``θ^GF(N h)``.
        learning_rate, rtol, atol: the settings used.
        solver: name of the diffrax solver.
    """

    _: dataclasses.KW_ONLY

    times: jax.Array
    drift: jax.Array
    loss_gd: jax.Array
    loss_gf: jax.Array
    gf_error: jax.Array
    gf_steps: jax.Array
    gf_success: jax.Array
    predicted_gap: jax.Array
    final_gd: object
    final_gf: object
    learning_rate: jax.Array
    rtol: jax.Array
    atol: jax.Array
    solver: str = eqx.field(static=True)

    def __str__(self) -> str:
        return (
            f"DriftResult(num_steps={self.drift.shape[0] - 1}, learning_rate={fmt(self.learning_rate)}, "
            f"solver={self.solver}, max_drift={fmt(jnp.max(self.drift))}, "
            f"max_gf_error={fmt(jnp.max(self.gf_error))}, predicted_gap={fmt(self.predicted_gap)}, "
            f"loss_gd_final={fmt(self.loss_gd[-1])}, loss_gf_final={fmt(self.loss_gf[-1])})"
        )


def gd_vs_gf(
    loss,
    params,
    learning_rate,
    num_steps: int,
    *args,
    rtol=None,
    atol=None,
    solver: diffrax.AbstractAdaptiveSolver | None = None,
    max_steps: int = 16384,
    reference_factor: float = 100.0,
    loss_kwargs: Mapping | None = None,
    has_aux: bool = False,
    throw: bool = True,
) -> DriftResult:
    """Run ``num_steps`` of GD and integrate GF alongside; report the drift between them.

    Formula: ``drift[n] = ‖θₙ − θ(n h)‖₂`` with ``θₙ₊₁ = θₙ − h ∇E(θₙ)`` and
    ``θ'(t) = −∇E(θ(t))``, ``θ(0) = θ₀ = params``.

    The flow is integrated with diffrax, interval by interval ``[n h, (n+1) h]``
    carrying the solver and step-size state, so memory stays O(parameters)
    however long the horizon. Step sizes are controlled in the max-norm
    (``optimistix.max_norm``), not RMS, so that an error in a few of millions of
    coordinates is not diluted. The error estimate ``gf_error`` comes from a
    second, tighter solve. Everything runs under one ``eqx.filter_jit``;
    changing ``learning_rate``, tolerances or array arguments does not recompile.

    Args:
        loss: ``loss(params, *args, **loss_kwargs)`` returning a real scalar,
            or ``(value, aux)`` with ``has_aux=True``.
        params: pytree of real floating arrays, the common start ``θ₀``; it
            must be finite. float32 and float64 computations stay in that
            dtype; bfloat16 and float16 parameters are integrated in float32
            (the dtype of the result).
        learning_rate: ``h > 0``.
        num_steps: number ``N ≥ 1`` of GD steps; the horizon is ``N h``.
        *args: passed to ``loss`` unchanged (e.g. a fixed data batch), as in :func:`hg`.
        rtol, atol: tolerances of the GF solve; default by dtype
            (:func:`default_tolerances`: 1e-9/1e-12 for float64, 1e-4/1e-6 for float32).
        solver: an explicit adaptive diffrax solver; default ``diffrax.Tsit5()``
            (``diffrax.Dopri8()`` is cheaper at very tight tolerances).
        max_steps: solver step limit per interval ``[n h, (n+1) h]``.
        reference_factor: tolerance divisor ``> 1`` of the reference solve.
        loss_kwargs: mapping of keyword arguments of ``loss``.
        has_aux: ``loss`` returns ``(value, aux)``; ``aux`` is discarded (the
            flow needs only the value).
        throw: raise ``InvalidArgument`` when a solve fails (``max_steps``
            reached on a stiff loss, or non-finite values along the flow); with
            ``False`` the failure is reported in ``gf_success`` instead.
            Integration stops at the first failed interval either way.

    Returns:
        :class:`DriftResult`.

    Raises:
        InvalidArgument: bad ``loss``/``params``, non-finite ``params``,
            ``learning_rate ≤ 0``, ``num_steps < 1``, non-positive tolerances,
            an unsuitable solver; or, with ``throw=True``, a failed solve (the
            message says in which interval and what to change). Under an outer
            ``jax.jit`` the value checks cannot run and a failed solve raises
            equinox's runtime error with the same advice.

    Example:
        >>> import jax.numpy as jnp
        >>> cone = lambda t: jnp.sqrt(jnp.sum(t ** 2))          # a corridor: H g = 0
        >>> r = gd_vs_gf(cone, jnp.array([3.0, 4.0]), 0.5, 4)
        >>> bool(r.drift.max() < 1e-9), [round(float(x), 6) for x in r.loss_gd]
        (True, [5.0, 4.5, 4.0, 3.5, 3.0])
    """
    check_loss(loss)
    params = check_params(params)
    check_finite_params(params, "gd_vs_gf")
    check_positive(learning_rate, "learning_rate")
    num_steps = check_positive_int(num_steps, "num_steps")
    max_steps = check_positive_int(max_steps, "max_steps")
    check_positive(reference_factor, "reference_factor")
    if not reference_factor > 1:
        raise InvalidArgument(f"reference_factor must be > 1, got {reference_factor!r}")
    check_bool(has_aux, "has_aux")
    check_bool(throw, "throw")
    loss_kwargs = loss_keywords(loss_kwargs, {}, "gd_vs_gf")
    solver = diffrax.Tsit5() if solver is None else solver
    if not isinstance(solver, diffrax.AbstractAdaptiveSolver) or isinstance(
        solver, diffrax.AbstractImplicitSolver
    ):
        raise InvalidArgument(
            f"solver must be an explicit adaptive diffrax solver (e.g. diffrax.Tsit5(), "
            f"diffrax.Dopri8()), got {type(solver).__name__}"
        )
    # bfloat16/float16 leaves are integrated in float32 (see the module docs).
    params = jax.tree.map(lambda leaf: leaf.astype(solve_dtype(leaf.dtype)), params)
    dtypes = sorted({str(jnp.asarray(leaf).dtype) for leaf in jax.tree.leaves(params)})
    if len(dtypes) > 1:
        # diffrax's solver state needs one dtype; mixed leaves fail deep inside it otherwise.
        raise InvalidArgument(
            f"params mix floating dtypes {', '.join(dtypes)}; cast every leaf to one dtype, e.g. "
            "jax.tree.map(lambda a: a.astype(jnp.float64), params)"
        )
    dtype = params_dtype(params)
    default_rtol, default_atol = default_tolerances(dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    check_positive(rtol, "rtol")
    check_positive(atol, "atol")
    eps = float(jnp.finfo(dtype).eps)
    # The reference solve must stay attainable in this dtype.
    ref_rtol = jnp.maximum(jnp.asarray(rtol, dtype) / reference_factor, 10 * eps)
    ref_atol = jnp.asarray(atol, dtype) / reference_factor
    result, start_finite, max_steps_hit = _run(
        loss,
        params,
        jnp.asarray(learning_rate, dtype),
        args,
        loss_kwargs,
        has_aux,
        num_steps,
        solver,
        jnp.asarray(rtol, dtype),
        jnp.asarray(atol, dtype),
        ref_rtol,
        ref_atol,
        max_steps,
    )
    if throw:
        result = _raise_on_failure(result, start_finite, max_steps_hit, max_steps)
    return result


def _raise_on_failure(result: DriftResult, start_finite, max_steps_hit, max_steps: int) -> DriftResult:
    """``InvalidArgument`` naming the failed interval and the fix (``equinox.error_if`` when traced)."""
    fixes = (
        f"pass a larger max_steps (now {max_steps}), looser rtol/atol, or a shorter horizon "
        "learning_rate * num_steps; or pass throw=False to get the partial result, with "
        "gf_success marking the failed intervals"
    )
    success = concrete(result.gf_success)
    if success is None:  # under an outer jit: a runtime error with the same advice
        failed = ~start_finite | ~jnp.all(result.gf_success)
        return eqx.error_if(
            result,
            failed,
            "gd_vs_gf: the gradient-flow solve failed, or the loss is not finite at params; " + fixes,
        )
    if not bool(concrete(start_finite)):
        raise InvalidArgument(
            f"gd_vs_gf: the loss, its gradient or H g is not finite at params (E = "
            f"{fmt(result.loss_gd[0])}, predicted_gap = {fmt(result.predicted_gap)}); gradient flow "
            "needs a start where they are finite. Pass throw=False to get the result anyway"
        )
    if success.all():
        return result
    first = int(np.flatnonzero(~success)[0])
    h = float(result.learning_rate)
    reason = (
        f"reached max_steps={max_steps}"
        if bool(concrete(max_steps_hit)[first])
        else "failed (step size underflow or non-finite values along the flow)"
    )
    raise InvalidArgument(
        f"gd_vs_gf: the gradient-flow solve {reason} in interval {first} of "
        f"{success.size}, t in [{first * h:.6g}, {(first + 1) * h:.6g}] "
        f"(rtol={fmt(result.rtol)}, atol={fmt(result.atol)}). The loss is stiff there (the "
        f"flow needs steps much shorter than h = {h:.6g}) or not finite along the flow. Fix: {fixes}"
    )


class _Segment(eqx.Module):
    """One diffrax solve over ``[t0, t1]`` that hands its state to the next one."""

    term: diffrax.ODETerm
    solver: diffrax.AbstractAdaptiveSolver
    controller: diffrax.PIDController
    max_steps: int = eqx.field(static=True)

    def init(self, t0, t1, y0, args):
        """Initial carry: solver state, controller state, made_jump, first step size."""
        tnext, controller_state = self.controller.init(
            self.term, t0, t1, y0, None, args, self.solver.func, self.solver.error_order(self.term)
        )
        tnext = jnp.minimum(tnext, t1)
        solver_state = self.solver.init(self.term, t0, tnext, y0, args)
        state = (solver_state, controller_state, jnp.asarray(False), tnext - t0)
        return jax.tree.map(jnp.asarray, state)

    def __call__(self, t0, t1, y0, state, args):
        solver_state, controller_state, made_jump, dt0 = state
        solution = diffrax.diffeqsolve(
            self.term,
            self.solver,
            t0,
            t1,
            dt0,
            y0,
            args,
            saveat=diffrax.SaveAt(t1=True, solver_state=True, controller_state=True, made_jump=True),
            stepsize_controller=self.controller,
            max_steps=self.max_steps,
            throw=False,  # failures are reported, and raised readably by gd_vs_gf
            solver_state=solver_state,
            controller_state=controller_state,
            made_jump=made_jump,
        )
        y1 = jax.tree.map(lambda ys: ys[-1], solution.ys)
        accepted = solution.stats["num_accepted_steps"]
        # The last step was clipped to hit t1; h/accepted is a fair next guess.
        dt_next = (t1 - t0) / jnp.maximum(accepted, 1).astype(t1.dtype)
        new_state = (solution.solver_state, solution.controller_state, solution.made_jump, dt_next)
        new_state = jax.tree.map(jnp.asarray, new_state)
        ok = solution.result == diffrax.RESULTS.successful
        max_steps_hit = solution.result == diffrax.RESULTS.max_steps_reached
        return y1, new_state, jnp.asarray(solution.stats["num_steps"]), ok, max_steps_hit


@eqx.filter_jit
def _run(loss, params, h, args, loss_kwargs, has_aux, num_steps, solver, rtol, atol, ref_rtol, ref_atol,
         max_steps):
    energy_with_aux = scalar_loss(loss, args, loss_kwargs, has_aux)
    energy = value_only(energy_with_aux)
    value_and_grad = jax.value_and_grad(energy)
    term = diffrax.ODETerm(lambda t, y, _: jax.tree.map(jnp.negative, jax.grad(energy)(y)))

    def segment(r, a, dtmax):
        controller = diffrax.PIDController(rtol=r, atol=a, norm=optimistix.max_norm, dtmax=dtmax)
        return _Segment(term, solver, controller, max_steps)

    # The reference takes at least two steps per interval, so it never merely
    # repeats the main solve's single accepted step (which would read as error 0).
    main, reference = segment(rtol, atol, None), segment(ref_rtol, ref_atol, h / 2)
    dtype = h.dtype
    t0 = jnp.zeros((), dtype)
    state0 = (main.init(t0, h, params, None), reference.init(t0, h, params, None))

    def solve_interval(operands):
        t_start, t_end, gf, gf_ref, state, ref_state = operands
        gf_next, state, num, ok, hit = main(t_start, t_end, gf, state, None)
        ref_next, ref_state, _, ref_ok, ref_hit = reference(t_start, t_end, gf_ref, ref_state, None)
        return gf_next, ref_next, state, ref_state, num.astype(jnp.int32), ok & ref_ok, hit | ref_hit

    def skip_interval(operands):
        # After a failure nothing is attempted: the flow's state is no longer meaningful.
        _, _, gf, gf_ref, state, ref_state = operands
        false = jnp.asarray(False)
        return gf, gf_ref, state, ref_state, jnp.zeros((), jnp.int32), false, false

    def step(carry, n):
        gd, gf, gf_ref, (state, ref_state), alive = carry
        t_start = n.astype(dtype) * h  # n·h, not a running sum: no accumulated round-off
        t_end = (n + 1).astype(dtype) * h
        loss_gd, grad = value_and_grad(gd)
        record = (
            safe_norm(optax.tree.sub(gd, gf)),
            loss_gd,
            energy(gf),
            safe_norm(optax.tree.sub(gf, gf_ref)),
        )
        gf_next, ref_next, state, ref_state, num, ok, hit = jax.lax.cond(
            alive, solve_interval, skip_interval, (t_start, t_end, gf, gf_ref, state, ref_state)
        )
        gd_next = optax.tree.cast_like(optax.tree.add_scale(gd, -h, grad), gd)
        carry = (gd_next, gf_next, ref_next, (state, ref_state), alive & ok)
        return carry, (record, num, ok, hit)

    carry = (params, params, params, state0, jnp.asarray(True))
    (gd, gf, gf_ref, _, all_ok), (records, gf_steps, gf_success, max_steps_hit) = jax.lax.scan(
        step, carry, jnp.arange(num_steps)
    )
    last = (safe_norm(optax.tree.sub(gd, gf)), energy(gd), energy(gf), safe_norm(optax.tree.sub(gf, gf_ref)))
    drift, loss_gd, loss_gf, gf_error = (
        jnp.concatenate([r, jnp.asarray(x)[None]]) for r, x in zip(records, last)
    )
    # θ^GF(tₙ) is known only while every earlier interval succeeded.
    known = jnp.concatenate([jnp.ones((1,), bool), jnp.cumprod(gf_success).astype(bool)])
    drift, loss_gf, gf_error = (jnp.where(known, x, jnp.nan) for x in (drift, loss_gf, gf_error))
    gf = jax.tree.map(lambda leaf: jnp.where(all_ok, leaf, jnp.nan), gf)
    at_start = hg_at(energy_with_aux, params)
    start_finite = jnp.isfinite(at_start.value) & tree_all_finite((at_start.grad, at_start.hg))
    result = DriftResult(
        times=jnp.arange(num_steps + 1, dtype=dtype) * h,
        drift=drift,
        loss_gd=loss_gd,
        loss_gf=loss_gf,
        gf_error=gf_error,
        gf_steps=gf_steps,
        gf_success=gf_success,
        predicted_gap=0.5 * h**2 * safe_norm(at_start.hg),
        final_gd=gd,
        final_gf=gf,
        learning_rate=h,
        rtol=rtol,
        atol=atol,
        solver=type(solver).__name__,
    )
    return result, start_finite, max_steps_hit
