"""NaN-free reductions shared by the numeric backend.

Plain pytree arithmetic (sums, inner products, ``a + s·b``, sizes) comes from
``optax.tree``; what is here has no counterpart there. Every norm and ratio
here is *safe*: it has a defined value and a finite
gradient at zero (the "double where" trick), so gradients stay finite at
stationary points and at the apex of a cone. Safety never hides a NaN: a NaN
or infinite input gives a NaN or infinite result, never 0.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

__all__ = [
    "safe_div",
    "safe_norm",
    "safe_sqrt",
    "tree_all_finite",
]


def tree_all_finite(a) -> jax.Array:
    """``True`` when every entry of every leaf of ``a`` is finite (no NaN, no ±inf).

    Checked leaf by leaf, so that finite entries whose squares overflow do not
    count as non-finite.
    """
    flags = [jnp.all(jnp.isfinite(leaf)) for leaf in jax.tree.leaves(a)]
    return jnp.all(jnp.stack(flags)) if flags else jnp.asarray(True)


def safe_sqrt(x) -> jax.Array:
    """``√x`` for ``x ≥ 0`` with value 0 *and gradient 0* at ``x = 0``; NaN for NaN or ``x < 0``.

    ``jnp.sqrt`` has an infinite derivative at 0, which turns into NaN once
    multiplied by a zero tangent; the inner ``where`` keeps the untaken branch
    away from 0 so that no NaN is formed at 0. A NaN input stays NaN (it must
    not read as 0, the value of a perfect corridor).
    """
    positive = x > 0
    root = jnp.sqrt(jnp.where(positive, x, 1))
    return jnp.where(positive, root, jnp.where(x == 0, 0, jnp.nan))


def safe_norm(a) -> jax.Array:
    """Euclidean norm ``‖a‖ = √(Σ_i a_i²)`` of a pytree, differentiable with 0 at 0.

    Use it to write losses with a kink, such as the cone ``E(θ) = ‖θ‖``: its
    gradient at the apex is then the subgradient 0 instead of NaN. A NaN entry
    gives NaN and an infinite one ``inf``: non-finite input never reads as 0.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> float(safe_norm({"a": jnp.array([3.0]), "b": jnp.array([4.0])}))
        5.0
        >>> jax.grad(safe_norm)(jnp.zeros(3)).tolist()
        [0.0, 0.0, 0.0]
        >>> float(safe_norm(jnp.array([1.0, jnp.nan])))
        nan
    """
    return safe_sqrt(optax.tree.norm(a, squared=True))


def safe_div(numerator, denominator, default) -> jax.Array:
    """``numerator / denominator`` where ``denominator > 0``, ``default`` where it is 0, else NaN.

    Gradients are finite wherever the inputs are: the division is never
    evaluated with a zero denominator, not even in the branch that ``where``
    discards. A NaN (or negative) denominator gives NaN, never ``default``.
    """
    ok = denominator > 0
    ratio = numerator / jnp.where(ok, denominator, 1)
    fallback = jnp.where(denominator == 0, jnp.asarray(default, dtype=ratio.dtype), jnp.nan)
    return jnp.where(ok, ratio, fallback.astype(ratio.dtype))
