"""GD against GF with diffrax: zero drift on corridors, (h²/2)‖Hg‖ off them."""

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from corridors import numeric
from networks import smooth, smooth_problem_data  # noqa: E402 - tests/ is on sys.path

DIM = 100_000


def cone(theta):
    """E(θ) = ‖θ‖: H g = 0 away from the apex (g = θ/‖θ‖ is constant along rays)."""
    return numeric.safe_norm(theta)


def hinge(w, x, y):
    """Hinge loss of a linear classifier: piecewise linear in w, H = 0 inside a piece."""
    return jnp.mean(jax.nn.relu(1.0 - y * (x @ w)))




@pytest.fixture(scope="module")
def cone_start():
    return jax.random.normal(jax.random.PRNGKey(0), (DIM,))  # ‖θ₀‖ ≈ 316


@pytest.mark.parametrize("dtype", [jnp.float64, jnp.float32])
def test_cone_in_1e5_dimensions_gd_equals_gf_for_several_h(cone_start, dtype):
    theta0 = cone_start.astype(dtype)
    radius = float(jnp.linalg.norm(theta0))
    rtol = numeric.default_tolerances(dtype)[0]
    for h in (0.5, 5.0, 40.0):  # horizon 5 h < ‖θ₀‖: never reaches the apex
        result = numeric.gd_vs_gf(cone, theta0, h, 5)
        assert result.drift.shape == (6,) and result.drift.dtype == dtype
        assert float(result.drift[0]) == 0.0
        # GD = GF up to the integrator's tolerance, relative to the size of θ.
        assert float(result.drift.max()) <= 10 * rtol * radius, (h, result)
        assert float(result.gf_error.max()) <= 10 * rtol * radius
        # E decreases linearly, E(θ(t)) = E₀ − t ‖g₀‖² with ‖g₀‖ = 1, on both paths.
        expected = radius - np.asarray(result.times, dtype=np.float64)
        np.testing.assert_allclose(result.loss_gd, expected, rtol=10 * rtol)
        np.testing.assert_allclose(result.loss_gf, expected, rtol=10 * rtol)
        assert bool(result.gf_success.all())


@pytest.fixture(scope="module")
def hinge_problem():
    kx, ky = jax.random.split(jax.random.PRNGKey(1))
    x = jax.random.normal(kx, (64, 2_000)) / np.sqrt(2_000)
    y = jnp.sign(jax.random.normal(ky, (64,)))
    return jnp.zeros(2_000), x, y


def test_piecewise_linear_hinge_loss_inside_one_piece(hinge_problem):
    w0, x, y = hinge_problem
    for h in (0.1, 1.0, 3.0):
        result = numeric.gd_vs_gf(hinge, w0, h, 4, x, y)
        # Still inside the starting piece (all margins active) at the end of both paths.
        for w in (result.final_gd, result.final_gf):
            assert bool(jnp.all(1.0 - y * (x @ w) > 0))
        assert float(result.drift.max()) <= 1e-12 + 10 * float(result.gf_error.max())
        assert float(result.predicted_gap) == 0.0


@pytest.fixture(scope="module")
def smooth_problem():
    return smooth_problem_data()


def test_first_step_drift_is_second_order_with_constant_half_norm_hg(smooth_problem):
    params, x, y = smooth_problem
    hs = np.geomspace(1e-3, 3e-2, 6)
    drifts, predicted = [], []
    for h in hs:
        result = numeric.gd_vs_gf(smooth, params, h, 1, x, y, rtol=1e-12, atol=1e-14, solver=diffrax.Dopri8())
        assert float(result.gf_error[1]) < 1e-3 * float(result.drift[1])  # the drift is resolved
        drifts.append(float(result.drift[1]))
        predicted.append(float(result.predicted_gap))
    slope, intercept = np.polyfit(np.log(hs), np.log(drifts), 1)
    assert abs(slope - 2.0) < 0.05
    hg_norm = float(numeric.safe_norm(numeric.hg(smooth, params, x, y).hg))
    assert abs(np.exp(intercept) / (0.5 * hg_norm) - 1) < 0.1
    # The ratio to the prediction (h²/2)‖Hg‖ tends to 1 linearly in h (the O(h³) term).
    ratios = np.asarray(drifts) / np.asarray(predicted)
    assert abs(ratios[0] - 1) < 0.02
    assert abs(ratios[0] - 1) < abs(ratios[-1] - 1)


def test_drift_grows_off_corridors_and_losses_agree_to_first_order(smooth_problem):
    params, x, y = smooth_problem
    result = numeric.gd_vs_gf(smooth, params, 0.05, 6, x, y)
    assert np.all(np.diff(np.asarray(result.drift)) > 0)
    assert float(result.drift[1]) == pytest.approx(float(result.predicted_gap), rel=0.2)
    np.testing.assert_allclose(result.loss_gd, result.loss_gf, rtol=0.05)
    text = str(result)
    assert text.startswith("DriftResult(num_steps=6") and "Tsit5" in text
