"""Small equinox models for the digits study, in float32 whatever JAX's default dtype."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import optax


class MLP(eqx.Module):
    """64 -> 64 -> 64 -> 10 with tanh activations."""

    net: eqx.nn.MLP

    def __init__(self, key, width: int = 64):
        self.net = eqx.nn.MLP(64, 10, width, depth=2, activation=jnp.tanh, dtype=jnp.float32, key=key)

    def __call__(self, x):  # x: (64,)
        return self.net(x)


class CNN(eqx.Module):
    """Tiny CNN on the 8x8 images: conv3x3(8) -> relu -> conv3x3(16, stride 2) -> relu -> linear(10)."""

    conv1: eqx.nn.Conv2d
    conv2: eqx.nn.Conv2d
    head: eqx.nn.Linear

    def __init__(self, key, channels: int = 8):
        k1, k2, k3 = jax.random.split(key, 3)
        self.conv1 = eqx.nn.Conv2d(1, channels, 3, padding=1, dtype=jnp.float32, key=k1)
        self.conv2 = eqx.nn.Conv2d(channels, 2 * channels, 3, stride=2, padding=1, dtype=jnp.float32, key=k2)
        self.head = eqx.nn.Linear(2 * channels * 16, 10, dtype=jnp.float32, key=k3)

    def __call__(self, x):  # x: (64,)
        h = x.reshape(1, 8, 8)
        h = jax.nn.relu(self.conv1(h))
        h = jax.nn.relu(self.conv2(h))
        return self.head(h.reshape(-1))


MODELS = {"mlp": MLP, "cnn": CNN}


def make_model(name: str, key):
    return MODELS[name](key)


def cross_entropy(model, x, y):
    """Mean softmax cross-entropy of ``model`` on a batch ``x`` (b, 64), ``y`` (b,)."""
    logits = jax.vmap(model)(x)
    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()


def accuracy(model, x, y):
    return jnp.mean(jnp.argmax(jax.vmap(model)(x), axis=-1) == y)
