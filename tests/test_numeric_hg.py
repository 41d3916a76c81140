"""corridors.numeric.hg against the full Hessian, plus validation and dtypes."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

import corridors
from corridors import InvalidArgument, numeric
from networks import mlp, mlp_params  # tests/ is on sys.path


def _mlp_loss(params, x, y, activation=jnp.tanh):
    return jnp.mean((mlp(params, x, activation) - y) ** 2)


def _data(key, n, d_in, d_out, dtype):
    kx, ky = jax.random.split(key)
    return (
        jax.random.normal(kx, (n, d_in)).astype(dtype),
        jax.random.normal(ky, (n, d_out)).astype(dtype),
    )


def _full_hessian_hg(loss, params, *args):
    """Reference route: form H, then multiply (jitted: eager op-by-op dispatch is slow)."""
    flat, unravel = ravel_pytree(params)

    @jax.jit
    def route(v, *a):
        flat_loss = lambda u: loss(unravel(u), *a)  # noqa: E731
        g = jax.grad(flat_loss)(v)
        return jax.hessian(flat_loss)(v) @ g, g

    return route(flat, *args)


def _jit_hg(loss, params, *args, loss_kwargs=None):
    return jax.jit(lambda p, *a: numeric.hg(loss, p, *a, loss_kwargs=loss_kwargs))(params, *args)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("activation", [jnp.tanh, jax.nn.softplus])
def test_hg_matches_full_hessian_on_random_networks(seed, activation):
    key = jax.random.PRNGKey(seed)
    params = mlp_params(key, [3, 5, 4, 2], jnp.float64)
    x, y = _data(jax.random.fold_in(key, 7), 6, 3, 2, jnp.float64)
    result = _jit_hg(_mlp_loss, params, x, y, loss_kwargs={"activation": activation})
    expected_hg, expected_g = _full_hessian_hg(lambda p, a, b: _mlp_loss(p, a, b, activation), params, x, y)
    # Same pytree structure as params.
    assert jax.tree.structure(result.hg) == jax.tree.structure(params)
    assert jax.tree.structure(result.grad) == jax.tree.structure(params)
    np.testing.assert_allclose(ravel_pytree(result.grad)[0], expected_g, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ravel_pytree(result.hg)[0], expected_hg, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(result.value, _mlp_loss(params, x, y, activation), rtol=1e-14)


def test_hg_on_dict_of_mixed_shapes_and_scalar_leaf():
    params = {"a": jnp.array([0.3, -1.2]), "b": jnp.array([[0.5, 2.0], [1.0, -0.7]]), "c": jnp.array(0.4)}

    def loss(p):
        return jnp.sum(jnp.sin(p["b"] @ p["a"])) * p["c"] ** 2 + jnp.exp(p["c"] * p["a"][0])

    result = _jit_hg(loss, params)
    expected, _ = _full_hessian_hg(loss, params)
    np.testing.assert_allclose(ravel_pytree(result.hg)[0], expected, rtol=1e-11, atol=1e-13)


def test_hg_is_jittable_and_matches_eager():
    params = mlp_params(jax.random.PRNGKey(3), [4, 8, 1], jnp.float64)
    x, y = _data(jax.random.PRNGKey(4), 5, 4, 1, jnp.float64)
    eager = numeric.hg(_mlp_loss, params, x, y)
    jitted = jax.jit(lambda p, a, b: numeric.hg(_mlp_loss, p, a, b))(params, x, y)
    assert isinstance(jitted, numeric.HgResult)
    for e, j in zip(jax.tree.leaves(eager), jax.tree.leaves(jitted)):
        np.testing.assert_allclose(e, j, rtol=1e-12, atol=1e-14)


def test_hg_float32_stays_float32_and_is_accurate():
    params = mlp_params(jax.random.PRNGKey(5), [3, 6, 2], jnp.float32)
    x, y = _data(jax.random.PRNGKey(6), 8, 3, 2, jnp.float32)
    result = _jit_hg(_mlp_loss, params, x, y)
    assert all(leaf.dtype == jnp.float32 for leaf in jax.tree.leaves(result))
    params64 = jax.tree.map(lambda a: a.astype(jnp.float64), params)
    expected, _ = _full_hessian_hg(_mlp_loss, params64, x.astype(jnp.float64), y.astype(jnp.float64))
    got = ravel_pytree(result.hg)[0]
    assert np.linalg.norm(got - expected) <= 1e-5 * np.linalg.norm(expected)


def test_corridor_losses_have_zero_hg():
    theta = jnp.array([3.0, -4.0, 12.0])
    cone = numeric.hg(numeric.safe_norm, theta)
    np.testing.assert_allclose(cone.grad, theta / 13.0, rtol=1e-15)
    assert np.max(np.abs(cone.hg)) < 1e-15
    linear = numeric.hg(lambda t: jnp.dot(jnp.array([1.0, 2.0, 3.0]), t) + 5.0, theta)
    assert np.all(linear.hg == 0)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_no_nan_at_cone_apex_or_stationary_point(dtype):
    zero = jnp.zeros(4, dtype)
    for loss in (numeric.safe_norm, lambda t: jnp.sum(t**2), lambda t: jnp.sum(jax.nn.relu(t))):
        result = numeric.hg(loss, zero)
        assert all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(result))
        assert result.hg.dtype == dtype
    # Gradient of ‖H g‖² through hg at the apex: third derivatives, still finite.
    grad = jax.grad(lambda t: jnp.sum(numeric.hg(numeric.safe_norm, t).hg ** 2))(zero)
    assert bool(jnp.all(jnp.isfinite(grad)))


def test_result_is_immutable_and_prints_readably():
    result = numeric.hg(lambda t: jnp.sum(t**2), jnp.array([1.0, 2.0]))
    with pytest.raises(Exception):
        result.value = 1.0
    text = str(result)
    assert text.startswith("HgResult(") and "|Hg|" in text and "parameters=2" in text
    assert "HgResult" in repr(result)
    # Under jit, str() shows the structure and marks the values as traced instead of failing.
    printed = []

    def traced(p):
        r = numeric.hg(lambda t: jnp.sum(t**2), p)
        printed.append(str(r))
        return r.value

    assert float(jax.jit(traced)(jnp.ones(2))) == 2.0
    assert printed == ["HgResult(value=<traced>, |g|=<traced>, |Hg|=<traced>, parameters=2)"]


@pytest.mark.parametrize(
    ("loss", "params", "match"),
    [
        (lambda t: t**2, jnp.ones(3), "scalar"),
        (lambda t: jnp.sum(t).astype(jnp.int32), jnp.ones(3), "floating"),
        (lambda t: jnp.sum(t), jnp.arange(3), "dtype"),
        (lambda t: jnp.sum(t), {}, "no array leaves"),
        (lambda t: jnp.sum(t[0]), (jnp.ones(2), "name"), "not an array"),
        ("not callable", jnp.ones(2), "callable"),
        (lambda t: (jnp.sum(t), t), jnp.ones(2), "has_aux=True"),
    ],
)
def test_invalid_inputs_raise_invalid_argument(loss, params, match):
    with pytest.raises(InvalidArgument, match=match):
        numeric.hg(loss, params)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(has_aux=True), "pair"),  # a loss without aux
        (dict(has_aux="yes"), "has_aux"),
        (dict(loss_kwargs=[("scale", 2.0)]), "mapping"),
    ],
)
def test_invalid_options_raise_invalid_argument(kwargs, match):
    with pytest.raises(InvalidArgument, match=match):
        numeric.hg(lambda t: jnp.sum(t**2), jnp.ones(2), **kwargs)


def test_has_aux_returns_aux_and_the_same_derivatives():
    params = mlp_params(jax.random.PRNGKey(7), [3, 4, 1], jnp.float64)
    x, y = _data(jax.random.PRNGKey(8), 5, 3, 1, jnp.float64)

    def with_aux(p, a, b):
        return _mlp_loss(p, a, b), {"count": jnp.int32(a.shape[0]), "first": p[0]["b"][0]}

    plain = numeric.hg(_mlp_loss, params, x, y)
    aux = jax.jit(lambda p, a, b: numeric.hg(with_aux, p, a, b, has_aux=True))(params, x, y)
    assert int(aux.aux["count"]) == 5 and float(aux.aux["first"]) == float(params[0]["b"][0])
    assert plain.aux is None
    expected = jax.tree.leaves((plain.value, plain.grad, plain.hg))
    for a, b in zip(expected, jax.tree.leaves((aux.value, aux.grad, aux.hg))):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_extra_arguments_one_convention():
    """args go positionally and unchanged (a tuple stays one argument); loss keywords via loss_kwargs."""
    params = mlp_params(jax.random.PRNGKey(9), [3, 4, 1], jnp.float64)
    x, y = _data(jax.random.PRNGKey(10), 5, 3, 1, jnp.float64)

    def batch_loss(p, batch, activation=jnp.tanh):
        a, b = batch
        return _mlp_loss(p, a, b, activation)

    reference = numeric.hg(_mlp_loss, params, x, y, loss_kwargs={"activation": jax.nn.softplus})
    as_one_batch = numeric.hg(batch_loss, params, (x, y), loss_kwargs={"activation": jax.nn.softplus})
    with pytest.warns(DeprecationWarning, match=r"loss_kwargs=\{'activation'"):
        deprecated = numeric.hg(_mlp_loss, params, x, y, activation=jax.nn.softplus)
    for other in (as_one_batch, deprecated):
        np.testing.assert_allclose(ravel_pytree(other.hg)[0], ravel_pytree(reference.hg)[0], rtol=1e-14)
    with pytest.raises(InvalidArgument, match="both"):
        numeric.hg(_mlp_loss, params, x, y, loss_kwargs={"activation": jnp.tanh}, activation=jnp.tanh)


def test_bfloat16_stays_bfloat16_and_is_close_to_float32():
    params = mlp_params(jax.random.PRNGKey(11), [3, 6, 2], jnp.float32)
    x, y = _data(jax.random.PRNGKey(12), 8, 3, 2, jnp.float32)
    low = numeric.hg(_mlp_loss, jax.tree.map(lambda a: a.astype(jnp.bfloat16), params),
                     x.astype(jnp.bfloat16), y.astype(jnp.bfloat16))
    high = numeric.hg(_mlp_loss, params, x, y)
    assert all(leaf.dtype == jnp.bfloat16 for leaf in jax.tree.leaves((low.value, low.grad, low.hg)))
    got = np.asarray(ravel_pytree(low.hg)[0], dtype=np.float64)
    expected = np.asarray(ravel_pytree(high.hg)[0], dtype=np.float64)
    # bfloat16 has an 8-bit significand: agreement to a few percent in norm.
    assert np.linalg.norm(got - expected) <= 0.05 * np.linalg.norm(expected)
    assert "HgResult(value=" in str(low)


def test_nan_parameters_give_nan_not_zero():
    result = numeric.hg(lambda t: jnp.sum(t**3), jnp.array([jnp.nan, 1.0]))
    assert np.isnan(float(result.value))
    assert np.isnan(float(numeric.safe_norm(result.hg)))
    assert "nan" in str(result)


def test_public_surface():
    assert corridors.numeric is numeric
    assert "numeric" in corridors.__all__
    for name in numeric.__all__:
        assert getattr(numeric, name) is not None
    assert numeric.to_jax is numeric.lambdify_loss


def test_python_float_params_are_accepted():
    result = numeric.hg(lambda t: t**3, 2.0)
    assert float(result.value) == 8.0 and float(result.grad) == 12.0 and float(result.hg) == 144.0
