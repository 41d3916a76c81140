"""A small tanh network without corridors (H g ≠ 0), shared by the drift tests."""

import jax
import jax.numpy as jnp
import numpy as np


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
