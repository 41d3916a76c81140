"""scikit-learn's digits data (ships with sklearn: no download) as float32 arrays."""

from __future__ import annotations

import numpy as np

from .._optional import require


def load_digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 8x8 digit images as ``(x, y)``: ``x`` float32 (n, 64) in [0, 1], ``y`` int32 (n,).

    The whole set is the training set: the study measures how fast each
    optimizer drives the *training* loss down, as in the paper's figures.
    """
    load_digits = require("sklearn.datasets", "the digits task").load_digits  # imported here: sklearn is slow

    data = load_digits()
    x = (np.asarray(data.data, np.float32) / 16.0).astype(np.float32)
    y = np.asarray(data.target, np.int32)
    return x, y


def batch_indices(n: int, batch_size: int, steps: int, seed: int) -> np.ndarray:
    """Indices ``(steps, batch_size)`` of mini-batches: shuffled epochs, last partial batch dropped.

    ``batch_size >= n`` means full batch: every step sees all ``n`` examples.
    """
    if batch_size >= n:
        return np.broadcast_to(np.arange(n, dtype=np.int32), (steps, n)).copy()
    rng = np.random.default_rng(seed)
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)
    chunks = [rng.permutation(n)[: per_epoch * batch_size].reshape(per_epoch, batch_size) for _ in range(epochs)]
    return np.concatenate(chunks)[:steps].astype(np.int32)
