"""Property tests of the symbolic core on generated losses whose truth is known by construction."""

import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from corridors import analyze

x, y, z = sp.symbols("x y z", real=True)
VARIABLES = (x, y, z)
small = st.integers(-5, 5)
nonzero = small.filter(lambda v: v != 0)
positive = st.integers(1, 5)


@given(st.lists(nonzero, min_size=3, max_size=3), small)
def test_planes_are_corridors_everywhere(coefficients, offset):
    plane = sum(c * v for c, v in zip(coefficients, VARIABLES)) + offset
    report = analyze(plane, VARIABLES)
    assert report.classification == "everywhere"
    assert report.status_at({x: 1, y: 2, z: 3}) == "corridor"


@given(positive, st.lists(small, min_size=3, max_size=3), small)
def test_cones_are_corridors_everywhere_with_a_singular_apex(scale, apex, shift):
    cone = scale * sp.sqrt(sum((v - p) ** 2 for v, p in zip(VARIABLES, apex))) + shift
    report = analyze(cone, VARIABLES)
    assert report.classification == "everywhere"
    assert report.status_at(dict(zip(VARIABLES, apex))) == "singular"


@given(st.lists(positive, min_size=3, max_size=3), st.lists(small, min_size=3, max_size=3))
def test_strictly_convex_quadratics_have_no_corridor(weights, centre):
    bowl = sum(w * (v - c) ** 2 for w, v, c in zip(weights, VARIABLES, centre))
    report = analyze(bowl, VARIABLES)
    assert report.classification == "none"
    assert report.status_at(dict(zip(VARIABLES, centre))) == "stationary"


@given(nonzero, nonzero, small)
def test_valleys_have_the_invariant_line_as_corridor(a, b, c):
    # E = a·x + b·(y − c)²: H g = (0, 4b²(y − c)), g = (a, 0) on the line y = c.
    report = analyze(a * x + b * (y - c) ** 2, [x, y])
    assert report.classification == "partial"
    (corridor,) = report.corridors
    assert corridor.equations == (sp.Eq(y, c),)
    assert report.status_at({x: 7, y: c}) == "corridor"
    assert report.status_at({x: 7, y: c + 1}) == "not-corridor"


polynomials = st.builds(
    lambda coefficients, exponents: sum(
        (k * x**i * y**j for k, (i, j) in zip(coefficients, exponents)), sp.S.Zero
    ),
    st.lists(nonzero, min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=3, max_size=3),
)


@given(polynomials)
def test_both_routes_to_hg_agree_and_status_matches_hg(polynomial):
    if not polynomial.free_symbols:
        return
    report = analyze(polynomial, [x, y], timeout=60)  # correctness, not speed: room for a loaded CI
    assert report.hg_routes_agree is True
    hg = report.pieces[0].derivatives.hg
    status = report.status_at({x: 1, y: -2})
    at_point = [e.subs({x: 1, y: -2}) for e in hg]
    if any(v != 0 for v in at_point):
        assert status == "not-corridor"
    assert report.classification in ("everywhere", "partial", "none", "unknown")


def test_regression_root_of_a_vanishing_slope():
    # Found by the property test above: y = −b/a with a = 0 after substitution gave x = zoo.
    report = analyze(x * y**2 + y, [x, y])
    assert all(not v.has(sp.zoo) for c in report.components for v in c.assignment.values())
    assert report.classification in ("partial", "none")
