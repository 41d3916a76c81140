"""Corridor indicators along training on scikit-learn's digits: an MLP and a small CNN.

Trains two equinox models with plain SGD on ``sklearn.datasets.load_digits``
(1,797 8×8 images, shipped with scikit-learn, no download) and records the
corridor indicators of :func:`corridors.numeric.probe` every ``--every`` steps.
Writes ``mlp.png``, ``cnn.png`` (all indicators) and ``gap_ratio.png`` (both
models on one axis) into the output folder and prints its path.

Usage: ``python examples/probe_digits.py [OUTPUT] [--steps 400] [--every 10]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.datasets import load_digits

from corridors import numeric


def digits(seed: int):
    """Standardised digits images ``(N, 1, 8, 8)`` and labels ``(N,)``.

    Images use JAX's default float dtype (float32, or float64 under
    ``jax_enable_x64``), the dtype equinox gives the model's weights.
    """
    data = load_digits()
    images = (data.images / 16.0).astype(jnp.result_type(float))
    images = (images - images.mean()) / images.std()
    order = np.random.default_rng(seed).permutation(len(images))
    return images[order, None], data.target[order].astype(np.int32)


def batches(images, labels, batch_size: int, seed: int):
    """Endless shuffled minibatches ``(x, y)``, reshuffled every epoch."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(images))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            take = order[start : start + batch_size]
            yield jnp.asarray(images[take]), jnp.asarray(labels[take])


class CNN(eqx.Module):
    """Two 3×3 convolutions (the second with stride 2) and a linear read-out."""

    conv1: eqx.nn.Conv2d
    conv2: eqx.nn.Conv2d
    head: eqx.nn.Linear

    def __init__(self, key):
        k1, k2, k3 = jax.random.split(key, 3)
        self.conv1 = eqx.nn.Conv2d(1, 8, 3, padding=1, key=k1)
        self.conv2 = eqx.nn.Conv2d(8, 16, 3, stride=2, padding=1, key=k2)
        self.head = eqx.nn.Linear(16 * 4 * 4, 10, key=k3)

    def __call__(self, image):
        h = jax.nn.relu(self.conv1(image))
        h = jax.nn.relu(self.conv2(h))
        return self.head(h.reshape(-1))


class MLP(eqx.Module):
    """64 → 128 → 64 → 10 with tanh."""

    mlp: eqx.nn.MLP

    def __init__(self, key):
        self.mlp = eqx.nn.MLP(64, 10, width_size=128, depth=2, activation=jnp.tanh, key=key)

    def __call__(self, image):
        return self.mlp(image.reshape(-1))


def cross_entropy_loss(static):
    """``loss(params, batch)`` for a model split as ``eqx.partition(model, eqx.is_inexact_array)``.

    ``batch`` is one ``(x, y)`` pair: :func:`corridors.numeric.probe` passes
    each batch to the loss as one argument.
    """

    def loss(params, batch):
        x, y = batch
        model = eqx.combine(params, static)
        logits = jax.vmap(model)(x)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    return loss


def run(name, model, data, args):
    params, static = eqx.partition(model, eqx.is_inexact_array)
    count = sum(p.size for p in jax.tree.leaves(params))
    loss = cross_entropy_loss(static)
    result = numeric.probe(
        loss,
        params,
        optax.sgd(args.learning_rate),
        batches(*data, args.batch_size, args.seed),
        learning_rate=args.learning_rate,
        every=args.every,
        num_steps=args.steps,
    )
    images, labels = data
    logits = jax.vmap(eqx.combine(result.params, static))(jnp.asarray(images))
    accuracy = float(jnp.mean(jnp.argmax(logits, axis=1) == labels))
    print(f"{name}: {count:,} parameters, train accuracy {accuracy:.3f}")
    print(f"  {result}")
    return result


def main(argv=None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="corridors-output/probe", help="folder for the PNGs")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = digits(args.seed)
    key_mlp, key_cnn = jax.random.split(jax.random.PRNGKey(args.seed))
    results = {
        "mlp": run("MLP", MLP(key_mlp), data, args),
        "cnn": run("CNN", CNN(key_cnn), data, args),
    }
    for name, result in results.items():
        numeric.plot_probe(result, output / f"{name}.png", title=f"digits {name.upper()}, SGD h={args.learning_rate}")

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    for name, result in results.items():
        ax.plot(result.step, result.gap_ratio, marker=".", label=f"{name.upper()}")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(r"gap ratio $\frac{h}{2}\|Hg\|/\|g\|$")
    ax.set_title("distance from a corridor along training (0 = corridor)")
    ax.legend()
    figure.savefig(output / "gap_ratio.png", dpi=120)
    print(f"wrote {', '.join(sorted(p.name for p in output.glob('*.png')))} "
          f"in {time.perf_counter() - started:.1f} s")
    print(output.resolve())
    return output


if __name__ == "__main__":
    main()
