"""Property tests of every statement, on losses drawn by ``corridors.strategies``.

Each statement is checked by the symbolic route (``analyze`` / ``verify``) and the
numeric route (``corridors.numeric``), and the two routes are cross-checked. The
ground truth comes from the strategies' construction, never from the library.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import corridors
from corridors import numeric
from corridors.strategies import (
    corridor_losses,
    learning_rates,
    non_corridor_losses,
    partial_corridor_losses,
    step_counts,
)

# Symbolic analysis and diffrax solves cost ~0.1–2 s per example: fewer examples than the profile.
_BASE = settings().max_examples
few = settings(max_examples=max(4, _BASE // 3), suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
some = settings(max_examples=max(6, _BASE // 2), suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

any_corridor = corridor_losses(dim=2) | corridor_losses(dim=3, kinds=["cone", "orthogonal-sum", "affine"])
any_non_corridor = non_corridor_losses(dim=2) | non_corridor_losses(dim=3, kinds=["convex-quadratic"])
any_partial = partial_corridor_losses(dim=2) | partial_corridor_losses(dim=3, kinds=["valley"])


def with_point(cases, which="points_inside"):
    return cases.flatmap(lambda case: st.tuples(st.just(case), getattr(case, which)))


def as_array(point):
    return jnp.asarray(point, dtype=jnp.float64)


def symbolic_hg_at(report, point):
    """H g from the symbolic report, evaluated at a float point (the piece that holds there)."""
    exact = {v: sp.Rational(repr(float(c))) for v, c in zip(report.variables, point)}
    for analysis in report.pieces:
        if analysis.piece.region.xreplace(exact) is sp.true:
            return np.array([float(e.xreplace(exact).evalf(30)) for e in analysis.derivatives.hg])
    raise AssertionError(f"no piece holds at {point}")


# --- the corridor characterisation: H g = 0 exactly on corridors ---------------------------
@few
@given(with_point(any_corridor))
def test_corridor_losses_are_classified_everywhere_and_hg_vanishes(drawn):
    case, point = drawn
    report = corridors.analyze(case.expression, case.variables, timeout=30)
    assert report.classification == case.classification == "everywhere"
    assert report.status_at(point) == "corridor"
    result = numeric.hg(case.jax_loss, as_array(point))
    assert float(jnp.linalg.norm(result.hg)) <= 1e-9 * (1 + float(jnp.linalg.norm(result.grad)))


@few
@given(with_point(any_non_corridor, "points_outside"))
def test_non_corridor_losses_have_only_stationary_points(drawn):
    case, point = drawn
    report = corridors.analyze(case.expression, case.variables, timeout=30)
    assert report.classification == case.classification == "none"
    assert report.status_at(point) == "not-corridor"
    for stationary in case.stationary_points:
        assert report.status_at(stationary) == "stationary"
    assert float(jnp.linalg.norm(numeric.hg(case.jax_loss, as_array(point)).hg)) > 1e-6


@few
@given(any_partial.flatmap(lambda c: st.tuples(st.just(c), c.points_inside, c.points_outside)))
def test_partial_corridor_losses_find_exactly_the_invariant_line(drawn):
    case, on, off = drawn
    report = corridors.analyze(case.expression, case.variables, timeout=30)
    assert report.classification == case.classification == "partial"
    (corridor,) = report.corridors
    assert corridor.dimension == 1
    # The found component and the true corridor are the same set: the true equations hold on it.
    for equation in case.corridor:
        assert sp.simplify((equation.lhs - equation.rhs).xreplace(corridor.assignment)) == 0
    assert report.status_at(on) == "corridor"
    assert report.status_at(off) == "not-corridor"
    assert float(jnp.linalg.norm(numeric.hg(case.jax_loss, as_array(on)).hg)) <= 1e-9
    assert float(jnp.linalg.norm(numeric.hg(case.jax_loss, as_array(off)).hg)) > 1e-6


# --- the two routes agree -------------------------------------------------------------------
@some
@given(st.one_of(with_point(any_corridor), with_point(any_non_corridor, "points_outside"),
                 with_point(any_partial, "points_outside")))
def test_symbolic_and_numeric_hg_agree(drawn):
    case, point = drawn
    report = corridors.analyze(case.expression, case.variables, timeout=30)
    expected = symbolic_hg_at(report, point)
    actual = np.asarray(numeric.hg(case.jax_loss, as_array(point)).hg)
    np.testing.assert_allclose(actual, expected, rtol=1e-8, atol=1e-10)
    # and against the library's own bridge from SymPy to JAX
    bridged = numeric.lambdify_loss(case.expression, case.variables)
    np.testing.assert_allclose(np.asarray(numeric.hg(bridged, as_array(point)).hg), expected, rtol=1e-8, atol=1e-10)


# --- Lemma 2.8: d/dt g(θ(t)) = −H g ---------------------------------------------------------
@some
@given(st.one_of(with_point(any_non_corridor, "points_outside"), with_point(any_partial, "points_outside")))
def test_gradient_changes_at_rate_minus_hg_along_the_flow(drawn):
    case, point = drawn
    theta = as_array(point)
    grad = jax.grad(case.jax_loss)
    g = grad(theta)
    eps = 1e-5  # central difference along the flow direction −g: error O(eps²)
    rate = (grad(theta - eps * g) - grad(theta + eps * g)) / (2 * eps)
    hg = numeric.hg(case.jax_loss, theta).hg
    np.testing.assert_allclose(rate, -hg, rtol=1e-5, atol=1e-7)


@few
@given(any_corridor | any_non_corridor | any_partial)
def test_symbolic_statements_hold(case):
    # 20 CPU s: the checks that must hold need under 8 on the costliest cases (shifted spheres).
    verification = corridors.verify(case.expression, case.variables, timeout=20)
    # Every statement holds on these losses, so none may fail. Through a shifted apex's nested
    # radicals, (d) (GD iterated exactly, symbolic h) and (g) (a symbolic target E*) may stay
    # undecided (None); the others must be shown.
    assert verification.holds is not False, str(verification)
    for key in "abcef":
        assert all(c.holds is True for c in verification[key]), str(verification)
    has_corridor = case.classification != "none"
    assert all(c.vacuous is (not has_corridor) for key in "bcdg" for c in verification[key])


# --- linear decrease and GD = GF on corridors ----------------------------------------------
def _short_step(case, point, h, n):
    """Shrink h so that n steps travel at most 0.2 < the strategies' 0.25 margin from kinks."""
    speed = float(jnp.linalg.norm(jax.grad(case.jax_loss)(as_array(point))))
    assume(speed > 1e-6)
    return min(h, 0.2 / (n * speed))


@few
@given(with_point(any_corridor), learning_rates(min_value=1e-2, max_value=2.0), step_counts(max_value=6))
def test_gd_equals_gf_on_corridors_for_any_h_and_n(drawn, h, n):
    case, point = drawn
    h = _short_step(case, point, h, n)
    result = numeric.gd_vs_gf(case.jax_loss, as_array(point), h, n)
    tolerance = 10 * float(jnp.max(result.gf_error)) + 1e-9
    assert float(jnp.max(result.drift)) <= tolerance
    # E decreases linearly: E(θₙ) = E(θ₀) − n h ‖g₀‖²
    g0 = jax.grad(case.jax_loss)(as_array(point))
    expected = result.loss_gd[0] - h * jnp.arange(n + 1) * jnp.sum(g0**2)
    np.testing.assert_allclose(result.loss_gd, expected, rtol=1e-10, atol=1e-10)


@settings(few, max_examples=max(3, _BASE // 5))
@given(with_point(any_non_corridor, "points_outside"))
def test_one_step_gap_is_second_order_off_corridors(drawn):
    case, point = drawn
    assume(_check_one_step_gap(case.jax_loss, as_array(point)))  # False: too small to measure here


def test_regression_the_gap_slope_on_a_steep_quartic():
    # Found at a random seed: with fixed h = 1e-3 the O(h³) term bent the fitted slope to 1.90 here.
    quartic = lambda t: t[0] ** 4 + t[0] ** 2 + 2 * t[1] ** 4 + t[1] ** 2  # noqa: E731
    assert _check_one_step_gap(quartic, jnp.array([0.0, 4.0]))


def _check_one_step_gap(loss, theta) -> bool:
    """Assert that GD's one-step gap to GF is ½h²‖Hg‖ to second order; False if it cannot be measured."""
    # The gap is ½h²‖Hg‖ − (h³/6) D(Hg)g + O(h⁴): the O(h³) term stays out of the fit only if
    # h ≪ κ = ‖D(Hg)g‖ / ‖Hg‖, which is large where the loss is steep (a quartic at θ₂ = 4 has
    # κ ≈ 650, and h = 1e-3 bent the slope to 1.90). So h is scaled to κ; tight tolerances keep
    # the integrator's error (~rtol·‖θ‖) far below the h² gap.
    grad = jax.grad(loss)
    hg = lambda t: jax.jvp(grad, (t,), (grad(t),))[1]  # noqa: E731
    hg0, dhg = jax.jvp(hg, (theta,), (grad(theta),))
    kappa = float(jnp.linalg.norm(dhg) / jnp.linalg.norm(hg0))
    h0 = min(1e-3, 1e-2 / kappa) if np.isfinite(kappa) and kappa > 0 else 1e-3
    steps = h0 * np.array([1.0, 0.5, 0.25])
    # Measurable: the smallest gap must stand far above the integrator's error.
    if 0.5 * steps[-1] ** 2 * float(jnp.linalg.norm(hg0)) <= 1e-8 * max(1.0, float(jnp.linalg.norm(theta))):
        return False
    gaps = np.array([
        float(numeric.gd_vs_gf(loss, theta, h, 1, rtol=1e-13, atol=1e-15).drift[1]) for h in steps
    ])
    slope = np.polyfit(np.log(steps), np.log(gaps), 1)[0]
    assert abs(slope - 2) < 0.1  # the gap is O(h²) ...
    predicted = 0.5 * steps[-1] ** 2 * float(jnp.linalg.norm(numeric.hg(loss, theta).hg))
    assert gaps[-1] == pytest.approx(predicted, rel=0.05)  # ... with constant ½‖H g‖
    return True


# --- the corridor learning rate -------------------------------------------------------------
@some
@given(with_point(any_corridor), st.floats(0.01, 1.0))
def test_clr_step_lands_on_the_target_level_in_one_step(drawn, fraction):
    case, point = drawn
    theta = as_array(point)
    value, grad = jax.value_and_grad(case.jax_loss)(theta)
    sq_norm = float(jnp.sum(grad**2))
    assume(sq_norm > 1e-6)
    # A target the corridor reaches: at most 0.2 of travel, inside the strategies' margin.
    travel = fraction * 0.2
    target = float(value) - travel * np.sqrt(sq_norm)
    optimizer = corridors.clr(target=target, max_learning_rate=1e6, scale=1.0)  # the paper's step
    updates, state = optimizer.update(grad, optimizer.init(theta), theta, value=value)
    landed = optax.apply_updates(theta, updates)
    assert float(case.jax_loss(landed)) == pytest.approx(target, abs=1e-9)
    assert bool(state.capped) is False


@some
@given(st.one_of(with_point(any_corridor), with_point(any_non_corridor, "points_outside")), st.floats(0.1, 10.0))
def test_clr_with_target_zero_is_the_polyak_step(drawn, cap):
    case, point = drawn
    theta = as_array(point)
    value, grad = jax.value_and_grad(case.jax_loss)(theta)
    assume(float(value) > 0)
    clr = corridors.clr(target=0.0, max_learning_rate=cap, scale=1.0)
    ours, _ = clr.update(grad, clr.init(theta), theta, value=value)
    polyak = optax.polyak_sgd(max_learning_rate=cap, f_min=0.0, eps=0.0)
    theirs, _ = polyak.update(grad, polyak.init(theta), theta, value=value)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


# --- distance functions, linear decrease without a corridor, stability (proofs/) -------------
# Numeric checks of the statements that proofs/ derives symbolically: H g by jvp-of-grad
# against the closed forms the derivations arrive at. Losses take their parameters as
# arguments and the checks are jitted once, so examples do not recompile.
_coordinate = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
_coefficient = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


def _cubic_of_distance(params, centre, coefficients):
    d = jnp.linalg.norm(params - centre)
    return coefficients[0] * d + coefficients[1] * d**2 + coefficients[2] * d**3


_hg_of_cubic_of_distance = jax.jit(lambda theta, centre, coefficients: numeric.hg(
    _cubic_of_distance, theta, centre, coefficients).hg)
_hg_of_atan2 = jax.jit(lambda theta: numeric.hg(lambda p: jnp.arctan2(p[1], p[0]), theta))


@jax.jit
def _sgd_on_valley(params, lam, h, steps):
    """``steps`` steps of optax.sgd(h) on E = x + λy²/2."""
    optimizer = optax.sgd(h)
    gradient = jax.grad(lambda p: p[0] + lam * p[1] ** 2 / 2)

    def step(_, carry):
        params, state = carry
        updates, state = optimizer.update(gradient(params), state, params)
        return optax.apply_updates(params, updates), state

    return jax.lax.fori_loop(0, steps, step, (params, optimizer.init(params)))[0]


@some
@given(st.lists(_coordinate, min_size=6, max_size=6), _coefficient, _coefficient, _coefficient)
def test_distance_losses_have_hg_equal_to_f_prime_f_second_grad_d(coordinates, a, b, c):
    """E = f(‖θ − p‖) with f(x) = ax + bx² + cx³: H g = f′f″∇d, and 0 when f is affine (b = c = 0)."""
    theta, centre = jnp.asarray(coordinates[:3]), jnp.asarray(coordinates[3:])
    distance = float(jnp.linalg.norm(theta - centre))
    assume(distance > 0.1)
    first, second = a + 2 * b * distance + 3 * c * distance**2, 2 * b + 6 * c * distance
    expected = first * second * (theta - centre) / distance
    actual = _hg_of_cubic_of_distance(theta, centre, jnp.asarray([a, b, c]))
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)
    affine = _hg_of_cubic_of_distance(theta, centre, jnp.asarray([a, 0.0, 0.0]))
    assert float(jnp.linalg.norm(affine)) <= 1e-10 * (1 + a**2) / distance


@some
@given(st.floats(0.3, 3.0), st.floats(-3.0, 3.0))
def test_atan2_decreases_linearly_along_gf_but_is_no_corridor(radius, angle):
    """E = atan2(y, x): gᵀHg = ½ d²E/dt² along GF is 0, yet H g = −θ/r⁴ ≠ 0."""
    theta = jnp.asarray([radius * np.cos(angle), radius * np.sin(angle)])
    result = _hg_of_atan2(theta)
    assert abs(float(result.grad @ result.hg)) <= 1e-12 / radius**5
    np.testing.assert_allclose(result.hg, -theta / radius**4, rtol=1e-10, atol=1e-14)
    assert float(jnp.linalg.norm(result.hg)) == pytest.approx(radius**-3, rel=1e-10)


@some
@given(st.floats(0.1, 10.0), st.floats(0.01, 1.0), st.integers(1, 20), st.floats(-1.0, 1.0), _coordinate)
def test_gd_off_the_corridor_y_0_scales_y_by_one_minus_h_lambda(lam, h, steps, y0, x0):
    """E = x + λy²/2 with optax.sgd: y_k = (1 − hλ)^k y₀, x_k = x₀ − kh; |y| grows iff hλ > 2."""
    assume(abs(y0) > 1e-3 and abs(h * lam - 2) > 1e-3)
    params = _sgd_on_valley(jnp.asarray([x0, y0]), lam, h, steps)
    factor = (1 - h * lam) ** steps
    np.testing.assert_allclose(params, [x0 - steps * h, factor * y0], rtol=1e-10, atol=1e-12)
    assert (abs(float(params[1])) > abs(y0)) == (h * lam > 2)
