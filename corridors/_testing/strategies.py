"""Hypothesis strategies drawing losses whose corridors are known by construction.

Every factory is keyword-only, validates its arguments when called (not when
drawing), and generates finite values only. Each drawn ``LossCase`` carries its
own ground truth, justified in its ``description``.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import sympy as sp
from hypothesis import strategies as st

from .._errors import InvalidArgument
from .cases import LossCase

__all__ = [
    "CORRIDOR_KINDS",
    "NON_CORRIDOR_KINDS",
    "PARTIAL_CORRIDOR_KINDS",
    "corridor_losses",
    "learning_rates",
    "non_corridor_losses",
    "partial_corridor_losses",
    "points",
    "step_counts",
]

MAX_DIM = 20
CORRIDOR_KINDS = ("affine", "cone", "subspace-distance", "sphere-distance", "orthogonal-sum", "piecewise-linear")
NON_CORRIDOR_KINDS = ("convex-quadratic", "saddle", "quartic")
PARTIAL_CORRIDOR_KINDS = ("valley", "log-sum-exp")
_MIN_DIM = {"subspace-distance": 2, "orthogonal-sum": 2, "saddle": 2, "valley": 2, "log-sum-exp": 2}
_MARGIN = 0.25  # drawn points keep this distance from kinks, apexes and corridors

_small = st.integers(-2, 2)
_nonzero = st.integers(-3, 3).filter(bool)
_positive = st.integers(1, 3)


# --- argument validation ------------------------------------------------------------------
def _check_dim(dim, *, minimum=1) -> int:
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise InvalidArgument(f"dim must be an int, got {dim!r}")
    if not minimum <= dim <= MAX_DIM:
        raise InvalidArgument(f"dim must be between {minimum} and {MAX_DIM}, got {dim}")
    return dim


def _check_kinds(kinds, allowed, dim) -> tuple:
    if kinds is None:
        kinds = tuple(k for k in allowed if _MIN_DIM.get(k, 1) <= dim)
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in allowed]
    if unknown or not kinds:
        raise InvalidArgument(f"kinds must be a non-empty subset of {allowed}, got {kinds!r}")
    too_small = [k for k in kinds if _MIN_DIM.get(k, 1) > dim]
    if too_small:
        raise InvalidArgument(f"kind(s) {too_small} need dim >= 2, got dim={dim}: raise dim or drop them")
    return kinds


def _check_bound(bound) -> float:
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound) or bound <= 0:
        raise InvalidArgument(f"bound must be a positive finite number, got {bound!r}")
    return float(bound)


# --- points and parameters ----------------------------------------------------------------
def points(*, dim: int, bound: float = 5.0):
    """Points of ℝ^dim as tuples of finite floats in [-bound, bound]."""
    dim, bound = _check_dim(dim), _check_bound(bound)
    coordinate = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    return st.tuples(*([coordinate] * dim))


def learning_rates(*, min_value: float = 1e-3, max_value: float = 1.0):
    """Positive finite learning rates h in [min_value, max_value]."""
    low, high = _check_bound(min_value), _check_bound(max_value)
    if low > high:
        raise InvalidArgument(f"min_value {low} is larger than max_value {high}")
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def step_counts(*, max_value: int = 20):
    """Numbers of gradient steps n in [1, max_value]."""
    if isinstance(max_value, bool) or not isinstance(max_value, int) or max_value < 1:
        raise InvalidArgument(f"max_value must be a positive int, got {max_value!r}")
    return st.integers(1, max_value)


def _directions(dim):
    """Unit vectors, as tuples (drawn vectors of norm ≥ 0.5, normalised)."""
    component = st.floats(-1, 1, allow_nan=False, allow_infinity=False)
    vectors = st.tuples(*([component] * dim)).filter(lambda v: math.fsum(c * c for c in v) >= 0.25)
    return vectors.map(lambda v: tuple(c / math.sqrt(math.fsum(x * x for x in v)) for c in v))


def _around(centre, radii):
    """Points centre + r·u, u a unit vector, r drawn from ``radii``."""
    return st.builds(lambda u, r: tuple(c + r * x for c, x in zip(centre, u)), _directions(len(centre)), radii)


def _symbols(dim):
    return sp.symbols(f"theta1:{dim + 1}", real=True)


# --- corridor losses ----------------------------------------------------------------------
def corridor_losses(*, dim: int = 2, kinds=None):
    """Losses that are corridors on their whole domain minus a singular set.

    Kinds: ``affine`` (a·θ + b, a ≠ 0: g constant); ``cone`` (c‖θ − p‖ + d: ‖g‖ = c);
    ``subspace-distance`` (c·dist(θ, affine subspace) + d); ``sphere-distance``
    (c·dist(θ, sphere of radius R about p) + d); ``orthogonal-sum`` (corridor losses of disjoint coordinate
    blocks added: H g is block-diagonal with zero blocks); ``piecewise-linear``
    (Σⱼ abs(aⱼ·θ − bⱼ): linear on every piece). Points inside keep a margin from kinks.

    >>> from hypothesis import given
    >>> @given(corridor_losses(dim=3, kinds=["cone"]))
    ... def test(case):
    ...     assert case.classification == "everywhere"
    >>> test()
    """
    dim = _check_dim(dim)
    kinds = _check_kinds(kinds, CORRIDOR_KINDS, dim)
    builders = {
        "affine": _affine, "cone": _cone, "subspace-distance": _subspace_distance,
        "sphere-distance": _sphere_distance, "orthogonal-sum": _orthogonal_sum,
        "piecewise-linear": _piecewise_linear,
    }
    return st.one_of([builders[k](dim) for k in kinds])


def _affine(dim):
    return st.builds(_affine_case, st.lists(_small, min_size=dim, max_size=dim).filter(any), _small)


def _affine_case(a, b, variables=None, offset=0):
    theta = variables or _symbols(len(a))
    expression = sum((ai * t for ai, t in zip(a, theta)), sp.S.Zero) + b
    coefficients = jnp.asarray(a, dtype=float)
    return LossCase(
        "affine", expression, tuple(theta), "everywhere", (), (),
        lambda x: jnp.dot(coefficients, x[offset:offset + len(a)]) + b,
        points(dim=len(a)), None, f"plane with gradient {tuple(a)}: g constant, H = 0",
    )


def _cone(dim):
    return st.builds(_cone_case, _positive, st.lists(_small, min_size=dim, max_size=dim), _small)


def _cone_case(c, p, d, variables=None, offset=0):
    theta = variables or _symbols(len(p))
    expression = c * sp.sqrt(sum(((t - pi) ** 2 for t, pi in zip(theta, p)), sp.S.Zero)) + d
    apex = jnp.asarray(p, dtype=float)
    return LossCase(
        "cone", expression, tuple(theta), "everywhere", (), (),
        lambda x: c * jnp.sqrt(jnp.sum((x[offset:offset + len(p)] - apex) ** 2)) + d,
        _around(tuple(float(v) for v in p), st.floats(0.5, 4.0)), None,
        f"{c}·distance to the point {tuple(p)} + {d}: ‖g‖ = {c} off the apex",
    )


def _subspace_distance(dim):
    return st.builds(
        _subspace_distance_case, _positive, st.integers(1, dim - 1), st.lists(_small, min_size=dim, max_size=dim), _small
    )


def _subspace_distance_case(c, free, p, d):
    theta = _symbols(len(p))
    constrained = list(range(free, len(p)))  # distance to {θᵢ = pᵢ for i ≥ free}
    expression = c * sp.sqrt(sum(((theta[i] - p[i]) ** 2 for i in constrained), sp.S.Zero)) + d
    anchor = jnp.asarray([p[i] for i in constrained], dtype=float)
    inside = st.builds(
        lambda head, tail: tuple(head) + tuple(tail),
        points(dim=free), _around(tuple(float(p[i]) for i in constrained), st.floats(0.5, 4.0)),
    )
    return LossCase(
        "subspace-distance", expression, tuple(theta), "everywhere", (), (),
        lambda x: c * jnp.sqrt(jnp.sum((x[free:] - anchor) ** 2)) + d,
        inside, None, f"{c}·distance to an affine subspace of dimension {free} + {d}: ‖g‖ = {c}",
    )


def _sphere_distance(dim):
    return st.builds(_sphere_distance_case, _positive, st.integers(1, 3), st.lists(_small, min_size=dim, max_size=dim), _small)


def _sphere_distance_case(c, radius, p, d):
    theta = _symbols(len(p))
    r = sp.sqrt(sum(((t - pi) ** 2 for t, pi in zip(theta, p)), sp.S.Zero))
    expression = c * sp.Abs(r - radius) + d
    centre = jnp.asarray(p, dtype=float)
    radii = st.one_of(st.floats(_MARGIN, radius - _MARGIN), st.floats(radius + _MARGIN, radius + 4.0))
    return LossCase(
        "sphere-distance", expression, tuple(theta), "everywhere", (), (),
        lambda x: c * jnp.abs(jnp.sqrt(jnp.sum((x - centre) ** 2)) - radius) + d,
        _around(tuple(float(v) for v in p), radii), None,
        f"{c}·distance to the sphere of radius {radius} about {tuple(p)} + {d}: ‖g‖ = {c} off centre and sphere",
    )


def _orthogonal_sum(dim):
    @st.composite
    def build(draw):
        split = draw(st.integers(1, dim - 1))
        theta = _symbols(dim)
        parts = []
        for block, offset in ((theta[:split], 0), (theta[split:], split)):
            size = len(block)
            if draw(st.booleans()):
                a = draw(st.lists(_small, min_size=size, max_size=size).filter(any))
                parts.append(_affine_case(a, draw(_small), block, offset))
            else:
                p = draw(st.lists(_small, min_size=size, max_size=size))
                parts.append(_cone_case(draw(_positive), p, draw(_small), block, offset))
        first, second = parts
        inside = st.builds(lambda u, v: tuple(u) + tuple(v), first.points_inside, second.points_inside)
        return LossCase(
            "orthogonal-sum", first.expression + second.expression, tuple(theta), "everywhere", (), (),
            lambda x: first.jax_loss(x) + second.jax_loss(x), inside, None,
            f"({first.kind} in θ1..θ{split}) + ({second.kind} in the rest): H g block-diagonal, both blocks 0",
        )

    return build()


def _piecewise_linear(dim):
    hyperplane = st.tuples(st.lists(_small, min_size=dim, max_size=dim).filter(any), _small)
    return st.builds(_piecewise_linear_case, st.lists(hyperplane, min_size=1, max_size=3), st.just(dim))


def _piecewise_linear_case(planes, dim):
    theta = _symbols(dim)
    expression = sum((sp.Abs(sum((a * t for a, t in zip(normal, theta)), sp.S.Zero) - b) for normal, b in planes), sp.S.Zero)
    normals = jnp.asarray([normal for normal, _ in planes], dtype=float)
    offsets = jnp.asarray([b for _, b in planes], dtype=float)

    def away_from_kinks(x):
        return all(
            abs(math.fsum(a * xi for a, xi in zip(normal, x)) - b) >= _MARGIN * math.sqrt(math.fsum(a * a for a in normal))
            for normal, b in planes
        )

    return LossCase(
        "piecewise-linear", expression, tuple(theta), "everywhere", (), (),
        lambda x: jnp.sum(jnp.abs(normals @ x - offsets)),
        points(dim=dim).filter(away_from_kinks), None,
        f"sum of {len(planes)} absolute affine function(s): linear, hence a corridor, on every piece",
    )


# --- losses without a corridor ------------------------------------------------------------
def non_corridor_losses(*, dim: int = 2, kinds=None):
    """Losses whose set {H g = 0} holds stationary points only: no corridor.

    Kinds: ``convex-quadratic`` (Σ wᵢ(θᵢ − cᵢ)², wᵢ > 0: H g = H²(θ − c), H invertible);
    ``saddle`` (the same with weights of both signs); ``quartic`` (Σ wᵢuᵢ² + qᵢuᵢ⁴ with
    uᵢ = θᵢ − cᵢ: H g has components uᵢ(2wᵢ + 4qᵢuᵢ²)(2wᵢ + 12qᵢuᵢ²), zero only at u = 0).
    The only stationary point is c; ``points_outside`` keeps a margin from it.
    """
    dim = _check_dim(dim)
    kinds = _check_kinds(kinds, NON_CORRIDOR_KINDS, dim)
    builders = {"convex-quadratic": _quadratic(dim, signs=False), "saddle": _quadratic(dim, signs=True),
                "quartic": _quartic(dim)}
    return st.one_of([builders[k] for k in kinds])


def _weights(dim, signs):
    weights = st.lists(_positive, min_size=dim, max_size=dim)
    if not signs:
        return weights
    pattern = st.lists(st.sampled_from((-1, 1)), min_size=dim, max_size=dim).filter(lambda s: 1 in s and -1 in s)
    return st.builds(lambda w, s: [wi * si for wi, si in zip(w, s)], weights, pattern)


def _outside_point(centre):
    return _around(tuple(float(v) for v in centre), st.floats(_MARGIN, 4.0))


def _quadratic(dim, *, signs):
    def build(weights, centre):
        theta = _symbols(dim)
        expression = sum((w * (t - c) ** 2 for w, t, c in zip(weights, theta, centre)), sp.S.Zero)
        w, c = jnp.asarray(weights, dtype=float), jnp.asarray(centre, dtype=float)
        kind = "saddle" if signs else "convex-quadratic"
        return LossCase(
            kind, expression, tuple(theta), "none", (), (tuple(centre),),
            lambda x: jnp.sum(w * (x - c) ** 2), None, _outside_point(centre),
            f"{kind} with weights {tuple(weights)}: H g = H²(θ − c) vanishes only at the stationary point c",
        )

    return st.builds(build, _weights(dim, signs), st.lists(_small, min_size=dim, max_size=dim))


def _quartic(dim):
    def build(weights, quartic, centre):
        theta = _symbols(dim)
        u = [t - c for t, c in zip(theta, centre)]
        expression = sum((w * v**2 + q * v**4 for w, q, v in zip(weights, quartic, u)), sp.S.Zero)
        w, q, c = (jnp.asarray(v, dtype=float) for v in (weights, quartic, centre))
        return LossCase(
            "quartic", expression, tuple(theta), "none", (), (tuple(centre),),
            lambda x: jnp.sum(w * (x - c) ** 2 + q * (x - c) ** 4), None, _outside_point(centre),
            "Σ wᵢuᵢ² + qᵢuᵢ⁴ with w, q > 0: H g vanishes only at u = 0",
        )

    lists = lambda s: st.lists(s, min_size=dim, max_size=dim)  # noqa: E731
    return st.builds(build, lists(_positive), lists(_positive), lists(_small))


# --- losses with a lower-dimensional corridor --------------------------------------------
def partial_corridor_losses(*, dim: int = 2, kinds=None):
    """Losses whose only corridor is a GF-invariant line, with points on and off it.

    Kinds: ``valley`` (a·θ₁ + Σᵢ₌₂ bᵢ(θᵢ − cᵢ)², a ≠ 0, bᵢ ≠ 0: H g = (0, 4bᵢ²(θᵢ − cᵢ)),
    g = (a, 0, …) on the line θᵢ = cᵢ); ``log-sum-exp`` (log Σ exp(s·θᵢ): H g ∝ p ⊙ (p − ‖p‖²)
    for p = softmax, zero only on the diagonal θ₁ = … = θₙ, where g = (s/n)·1 is tangent).
    ``points_inside`` lie on the corridor; ``points_outside`` are at least 0.25 off it.
    """
    dim = _check_dim(dim, minimum=2)
    kinds = _check_kinds(kinds, PARTIAL_CORRIDOR_KINDS, dim)
    builders = {"valley": _valley(dim), "log-sum-exp": _log_sum_exp(dim)}
    return st.one_of([builders[k] for k in kinds])


def _valley(dim):
    def build(a, b, c):
        theta = _symbols(dim)
        expression = a * theta[0] + sum((bi * (t - ci) ** 2 for bi, t, ci in zip(b, theta[1:], c)), sp.S.Zero)
        bj, cj = jnp.asarray(b, dtype=float), jnp.asarray(c, dtype=float)
        line = st.floats(-5, 5).map(lambda s: (s, *map(float, c)))
        off = st.builds(lambda s, q: (s, *q), st.floats(-5, 5), _outside_point(c))
        return LossCase(
            "valley", expression, tuple(theta), "partial",
            tuple(sp.Eq(t, ci) for t, ci in zip(theta[1:], c)), (),
            lambda x: a * x[0] + jnp.sum(bj * (x[1:] - cj) ** 2), line, off,
            f"valley along θ1 with slope {a}: the line θᵢ = cᵢ (i ≥ 2) is GF-invariant, g = ({a}, 0, …) there",
        )

    lists = lambda s: st.lists(s, min_size=dim - 1, max_size=dim - 1)  # noqa: E731
    return st.builds(build, _nonzero, lists(_nonzero), lists(_small))


def _log_sum_exp(dim):
    def build(scale):
        theta = _symbols(dim)
        expression = sp.log(sum((sp.exp(scale * t) for t in theta), sp.S.Zero))
        diagonal = st.floats(-3, 3).map(lambda s: (s,) * dim)

        def off_diagonal(x):
            mean = math.fsum(x) / dim
            return math.sqrt(math.fsum((v - mean) ** 2 for v in x)) >= _MARGIN

        return LossCase(
            "log-sum-exp", expression, tuple(theta), "partial",
            tuple(sp.Eq(t, theta[0]) for t in theta[1:]), (),
            lambda x: jnp.log(jnp.sum(jnp.exp(scale * x))), diagonal, points(dim=dim, bound=3).filter(off_diagonal),
            f"log-sum-exp of {scale}·θ: the diagonal is the only corridor",
        )

    return st.builds(build, st.integers(1, 2))
