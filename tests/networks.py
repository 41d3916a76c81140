"""Small networks shared by the tests: an MLP of any depth, a tanh network without corridors, and a
tiny classifier with a jitted training loop for the optimizers' tests."""

import jax
import jax.numpy as jnp
import numpy as np
import optax


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


def classifier_loss(params, x, y):
    """Cross-entropy of a one-hidden-layer tanh classifier ``{"w1", "b1", "w2"}``."""
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    return optax.softmax_cross_entropy_with_integer_labels(h @ params["w2"], y).mean()


def classifier_problem(seed=0, n=48):
    """``(params, x, y)`` for :func:`classifier_loss`: 4 inputs, 8 hidden units, 3 classes."""
    k1, k2, k3, k4 = jax.random.split(jax.random.PRNGKey(seed), 4)
    params = {"w1": jax.random.normal(k1, (4, 8)) / 2, "b1": jnp.zeros(8), "w2": jax.random.normal(k2, (8, 3)) / 3}
    x = jax.random.normal(k3, (n, 4))
    return params, x, jnp.argmax(x @ jax.random.normal(k4, (4, 3)), axis=1)  # labels a network can fit


def train_classifier(opt, params, x, y, steps, batch=16):
    """``steps`` optimizer steps over rotating mini-batches, in one jitted scan.

    Returns ``(params, states, values, updates)``: the final parameters, then
    per step the optimizer state, the mini-batch loss passed as ``value=`` and
    the update.
    """
    starts = (jnp.arange(steps) * batch) % x.shape[0]

    def step(carry, start):
        params, state = carry
        xb, yb = jax.lax.dynamic_slice_in_dim(x, start, batch), jax.lax.dynamic_slice_in_dim(y, start, batch)
        value, grads = jax.value_and_grad(classifier_loss)(params, xb, yb)
        updates, state = opt.update(grads, state, params, value=value)
        return (optax.apply_updates(params, updates), state), (state, value, updates)

    (params, _), (states, values, updates) = jax.jit(lambda p: jax.lax.scan(step, (p, opt.init(p)), starts))(params)
    return params, states, values, updates
