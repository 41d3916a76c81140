"""Small networks shared by the tests: an MLP of any depth, and a tanh network without corridors."""

import jax
import jax.numpy as jnp
import numpy as np


def mlp_params(key, sizes, dtype=jnp.float64, bias_scale=0.1):
    """One ``{"w", "b"}`` dict per layer: ``w ~ N(0, 1/fan_in)``, ``b ~ bias_scale · N(0, 1)``.

    ``sizes`` lists the widths, input first (``(4, 8, 3)``: one hidden layer of 8).
    """
    params = []
    for k, (m, n) in zip(jax.random.split(key, len(sizes) - 1), zip(sizes[:-1], sizes[1:])):
        kw, kb = jax.random.split(k)
        params.append(
            {
                "w": (jax.random.normal(kw, (m, n)) / np.sqrt(m)).astype(dtype),
                "b": (bias_scale * jax.random.normal(kb, (n,))).astype(dtype),
            }
        )
    return params


def mlp(params, x, activation=jnp.tanh):
    """The output of the :func:`mlp_params` network: ``activation`` after every layer but the last."""
    h = x
    for layer in params[:-1]:
        h = activation(h @ layer["w"] + layer["b"])
    return h @ params[-1]["w"] + params[-1]["b"]


def smooth(params, x, y):
    """A small tanh network: no corridor (H g ≠ 0)."""
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    return jnp.mean((h @ params["w2"] - y) ** 2) + 0.1 * jnp.sum(params["w1"] ** 4)


def smooth_problem_data():
    """Parameters and a regression batch for ``smooth`` (fixed seed)."""
    keys = jax.random.split(jax.random.PRNGKey(2), 4)
    params = {
        "w1": jax.random.normal(keys[0], (3, 8)) / np.sqrt(3),
        "b1": 0.1 * jax.random.normal(keys[1], (8,)),
        "w2": jax.random.normal(keys[2], (8, 2)) / np.sqrt(8),
    }
    x = jax.random.normal(keys[3], (16, 3))
    y = jnp.stack([jnp.sin(x[:, 0]), x[:, 1] * x[:, 2]], axis=1)
    return params, x, y
