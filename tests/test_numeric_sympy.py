"""Symbolic H·g (SymPy) against numeric H·g (JAX) on the same losses."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from corridors import InvalidArgument, UnsupportedFunction, numeric

x, y, z = sp.symbols("x y z", real=True)

EXPRESSIONS = {
    "log_sum_exp": (sp.log(sp.exp(x) + sp.exp(y)), (x, y)),
    "x_plus_y_squared": (x + y**2, (x, y)),
    "cone": (sp.sqrt(x**2 + y**2), (x, y)),
    "product": (x * y, (x, y)),
    "exp_sin_tanh": (sp.exp(x / 3) * sp.sin(y) + sp.tanh(x * z) + z**2 / 2, (x, y, z)),
    "piecewise_abs_max": (sp.Abs(x) * y + sp.Max(x, 2 * y) ** 2 + sp.Piecewise((x**3, x > 0), (y * x, True)), (x, y)),
}


@functools.lru_cache(maxsize=None)
def _routes(name):
    """(symbolic H g as a NumPy function, jitted numeric hg), built once per expression."""
    expr, symbols = EXPRESSIONS[name]
    gradient = sp.Matrix([expr.diff(s) for s in symbols])
    product = sp.hessian(expr, symbols) * gradient
    # Second derivatives of Abs/Max/Heaviside carry DiracDelta terms, zero off the kinks we sample.
    product = product.replace(sp.DiracDelta, lambda *args: sp.Integer(0))
    symbolic = sp.lambdify(symbols, product, modules="numpy")
    loss = numeric.lambdify_loss(expr, symbols)
    return symbolic, jax.jit(lambda t: numeric.hg(loss, t))


coordinate = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def _away_from_kinks(name, point):
    a, b = point[0], point[1]
    if name == "cone":
        return a * a + b * b > 1e-2
    if name == "piecewise_abs_max":
        return abs(a) > 1e-3 and abs(a - 2 * b) > 1e-3
    return True


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
@given(point=st.tuples(coordinate, coordinate, coordinate))
def test_symbolic_and_numeric_hg_agree(name, point):
    assume(_away_from_kinks(name, point))
    symbolic, numeric_hg = _routes(name)
    count = len(EXPRESSIONS[name][1])
    theta = np.asarray(point[:count], dtype=np.float64)
    expected = np.asarray(symbolic(*theta), dtype=np.float64).reshape(-1)
    got = np.asarray(numeric_hg(jnp.asarray(theta)).hg)
    scale = 1.0 + np.max(np.abs(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-11 * scale)


def test_known_corridors_have_zero_numeric_hg():
    # x + y² has H g = (0, 4y), a corridor only on y = 0; the cone everywhere off the apex.
    _, cone_hg = _routes("cone")
    assert float(jnp.max(jnp.abs(cone_hg(jnp.array([0.3, -2.0])).hg))) < 1e-15
    _, parabola_hg = _routes("x_plus_y_squared")
    np.testing.assert_allclose(parabola_hg(jnp.array([1.5, 0.0])).hg, [0.0, 0.0], atol=1e-15)


def test_lambdify_loss_keeps_dtype_and_maps_special_functions():
    loss = numeric.to_jax(sp.erf(x) + sp.gamma(y + 3) + sp.Heaviside(x) + sp.sign(y), [x, y])
    out32 = loss(jnp.array([0.5, 0.25], dtype=jnp.float32))
    assert out32.dtype == jnp.float32
    expected = float(sp.erf(0.5) + sp.gamma(3.25) + 1 + 1)
    np.testing.assert_allclose(loss(jnp.array([0.5, 0.25])), expected, rtol=1e-12)
    constant = numeric.lambdify_loss(sp.Integer(3), [x])
    assert float(constant(jnp.array([1.0]))) == 3.0
    from_text = numeric.lambdify_loss("relu(x) + softplus(y)", ["x", "y"])
    np.testing.assert_allclose(from_text(jnp.array([1.0, 0.0])), 1 + np.log(2), rtol=1e-12)


@pytest.mark.parametrize(
    ("expr", "variables", "error", "match"),
    [
        (x + y, [x], InvalidArgument, "not among the variables"),
        (x, [x, x], InvalidArgument, "duplicates"),
        (x, [], InvalidArgument, "empty"),
        (sp.Matrix([x, y]), [x, y], InvalidArgument, "scalar"),
        (sp.LambertW(x), [x], UnsupportedFunction, "LambertW"),
        (sp.besselj(0, x), [x], UnsupportedFunction, "besselj"),
    ],
)
def test_lambdify_loss_rejects_bad_input(expr, variables, error, match):
    with pytest.raises(error, match=match):
        numeric.lambdify_loss(expr, variables)


def test_lambdify_loss_checks_theta_shape():
    loss = numeric.lambdify_loss(x * y, [x, y])
    with pytest.raises(InvalidArgument, match="shape"):
        loss(jnp.ones(3))
