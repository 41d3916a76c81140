"""corridors.numeric.hg against the full Hessian, plus validation and dtypes."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

import corridors
from corridors import InvalidArgument, numeric


def _mlp_params(key, sizes, dtype):
    params = []
    for k, (m, n) in zip(jax.random.split(key, len(sizes) - 1), zip(sizes[:-1], sizes[1:])):
        kw, kb = jax.random.split(k)
        params.append(
            {
                "w": (jax.random.normal(kw, (m, n)) / np.sqrt(m)).astype(dtype),
                "b": (0.1 * jax.random.normal(kb, (n,))).astype(dtype),
            }
        )
    return params


def _mlp_loss(params, x, y, activation=jnp.tanh):
    h = x
    for layer in params[:-1]:
        h = activation(h @ layer["w"] + layer["b"])
    out = h @ params[-1]["w"] + params[-1]["b"]
    return jnp.mean((out - y) ** 2)


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


def _jit_hg(loss, params, *args, **kwargs):
    return jax.jit(lambda p, *a: numeric.hg(loss, p, *a, **kwargs))(params, *args)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("activation", [jnp.tanh, jax.nn.softplus])
def test_hg_matches_full_hessian_on_random_networks(seed, activation):
    key = jax.random.PRNGKey(seed)
    params = _mlp_params(key, [3, 5, 4, 2], jnp.float64)
    x, y = _data(jax.random.fold_in(key, 7), 6, 3, 2, jnp.float64)
    result = _jit_hg(_mlp_loss, params, x, y, activation=activation)
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
    params = _mlp_params(jax.random.PRNGKey(3), [4, 8, 1], jnp.float64)
    x, y = _data(jax.random.PRNGKey(4), 5, 4, 1, jnp.float64)
    eager = numeric.hg(_mlp_loss, params, x, y)
    jitted = jax.jit(lambda p, a, b: numeric.hg(_mlp_loss, p, a, b))(params, x, y)
    assert isinstance(jitted, numeric.HgResult)
    for e, j in zip(jax.tree.leaves(eager), jax.tree.leaves(jitted)):
        np.testing.assert_allclose(e, j, rtol=1e-12, atol=1e-14)


def test_hg_float32_stays_float32_and_is_accurate():
    params = _mlp_params(jax.random.PRNGKey(5), [3, 6, 2], jnp.float32)
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
    traced = jax.jit(lambda p: str(numeric.hg(lambda t: jnp.sum(t**2), p)) and 0)(jnp.ones(2))
    assert traced == 0


@pytest.mark.parametrize(
    ("loss", "params", "match"),
    [
        (lambda t: t**2, jnp.ones(3), "scalar"),
        (lambda t: jnp.sum(t).astype(jnp.int32), jnp.ones(3), "floating"),
        (lambda t: jnp.sum(t), jnp.arange(3), "dtype"),
        (lambda t: jnp.sum(t), {}, "no array leaves"),
        (lambda t: jnp.sum(t[0]), (jnp.ones(2), "name"), "not an array"),
        ("not callable", jnp.ones(2), "callable"),
    ],
)
def test_invalid_inputs_raise_invalid_argument(loss, params, match):
    with pytest.raises(InvalidArgument, match=match):
        numeric.hg(loss, params)


def test_public_surface():
    assert corridors.numeric is numeric
    assert "numeric" in corridors.__all__
    for name in numeric.__all__:
        assert getattr(numeric, name) is not None
    assert numeric.to_jax is numeric.lambdify_loss


def test_python_float_params_are_accepted():
    result = numeric.hg(lambda t: t**3, 2.0)
    assert float(result.value) == 8.0 and float(result.grad) == 12.0 and float(result.hg) == 144.0
