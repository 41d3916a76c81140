"""The training tasks of the CLR study: data (shipped or generated: no download), model, loss, target.

* ``mlp``, ``cnn``: scikit-learn's digits (1797 8x8 images, 10 classes), an MLP
  or a tiny CNN, softmax cross-entropy. The models can fit the data (E* = 0 is
  reachable), the regime the Polyak step is made for.
* ``diabetes``: scikit-learn's diabetes regression (442 patients, 10
  features, standardized), an MLP 10-64-64-1, half mean squared error. The
  noise in the targets keeps the loss far from 0 for a long time: the regime
  where aiming at E* = 0 overshoots.
* ``teacher``: a synthetic teacher-student regression. A random tanh network
  16-8-1 labels 1024 Gaussian inputs; the student is an MLP 16-64-64-1 that
  can represent it exactly, so E* = 0 is the true minimum.

The whole data set is the training set: the study measures how fast each
optimizer drives the *training* loss down, as the paper's figures do.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Optional

import numpy as np

from .._optional import require

__all__ = ["Task", "TASKS", "get_task"]


@dataclasses.dataclass(frozen=True)
class Task:
    """One training problem of the study."""

    name: str  # key in TASKS, and the "model" column of the tables
    title: str  # for tables and plot titles
    load: Callable[[], tuple[np.ndarray, np.ndarray]]  # () -> (x float32 (n, d), y int32 or float32 (n,))
    make_model: Callable  # (PRNG key) -> equinox module mapping (n, d) to (n, k)
    loss: Callable  # (model, x, y) -> scalar mean loss
    accuracy: Optional[Callable]  # (model, x, y) -> scalar, or None for regression
    target_loss: float  # "steps to target": full-data training loss <= this


def _standardize(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, np.float64)
    return ((a - a.mean(0)) / a.std(0)).astype(np.float32)


def load_diabetes_arrays() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's diabetes data, features and target standardized: ``x`` (442, 10), ``y`` (442,)."""
    load_diabetes = require("sklearn.datasets", "the diabetes task").load_diabetes

    x, y = load_diabetes(return_X_y=True)
    return _standardize(x), _standardize(y)


def teacher_arrays(n: int = 1024, d: int = 16, hidden: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian inputs ``x`` (n, d) labelled by a random tanh network d-hidden-1; ``y`` standardized."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    w1 = rng.standard_normal((d, hidden)) / np.sqrt(d)
    w2 = rng.standard_normal((hidden, 1)) / np.sqrt(hidden)
    y = (np.tanh(x @ w1) @ w2)[:, 0]
    return x.astype(np.float32), _standardize(y)


def _digits_task(name: str) -> Task:
    from . import models
    from .digits import load_digits_arrays

    return Task(
        name=name,
        title=f"digits {name.upper()}",
        load=load_digits_arrays,
        make_model=lambda key: models.make_model(name, key),
        loss=models.cross_entropy,
        accuracy=models.accuracy,
        target_loss=0.1,
    )


def _regression_task(name: str, title: str, load, in_size: int, target_loss: float) -> Task:
    from . import models

    return Task(
        name=name,
        title=title,
        load=load,
        make_model=lambda key: models.MLP(key, in_size=in_size, out_size=1),
        loss=models.mean_squared_error,
        accuracy=None,
        target_loss=target_loss,
    )


def get_task(name: str) -> Task:
    """The task called ``name`` (one of :data:`TASKS`)."""
    if name in ("mlp", "cnn"):
        return _digits_task(name)
    if name == "diabetes":
        # The best linear fit leaves 0.24 (R^2 = 0.52): 0.2 needs the network.
        return _regression_task(name, "diabetes MLP", load_diabetes_arrays, 10, 0.2)
    if name == "teacher":
        return _regression_task(name, "teacher-student MLP", teacher_arrays, 16, 0.01)
    raise KeyError(name)


TASKS = ("mlp", "cnn", "diabetes", "teacher")
