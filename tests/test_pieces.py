"""Smooth pieces of non-smooth losses: arrangements of hyperplanes, merged pieces, real kinks only."""

import math

import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import corridors
from corridors._symbolic.linear_regions import interior_point
from corridors._symbolic.pieces import _cells, smooth_pieces

x, y, z = sp.symbols("x y z", real=True)
relu = lambda a: sp.Max(0, a)  # noqa: E731
huber = sp.Piecewise((x**2 / 2, sp.Abs(x) <= 1), (sp.Abs(x) - sp.Rational(1, 2), True))


def test_max_plus_min_is_one_smooth_plane():
    split = smooth_pieces(sp.Max(x, y) + sp.Min(x, y), [x, y])
    assert [p.expression for p in split.pieces] == [x + y]
    assert split.kinks == ()
    report = corridors.analyze(sp.Max(x, y) + sp.Min(x, y), [x, y], timeout=120)
    assert report.classification == "everywhere"
    assert report.singular_set == ()
    assert report.status_at({x: 1, y: 1}) == "corridor"  # on the former "kink" x = y


def test_huber_is_singular_only_where_its_second_derivative_jumps():
    report = corridors.analyze(huber + y, [x, y], timeout=120)
    assert set(report.singular_set) == {sp.Eq(x - 1, 0), sp.Eq(x + 1, 0)}
    assert report.status_at({x: 0, y: 1}) == "corridor"  # the smooth join at x = 0 is no kink
    assert report.status_at({x: 1, y: 1}) == "singular"


def test_a_second_order_contact_is_no_kink():
    split = smooth_pieces(sp.Max(x, x + y**3), [x, y])  # x + max(0, y³): C² across y = 0
    assert split.kinks == ()


def test_eight_relus_are_cells_of_an_arrangement_not_two_hundred_fifty_six_patterns():
    planes = [(1, 1, 0), (1, -1, 1), (2, 1, -1), (1, 3, 2), (-1, 2, 0), (3, -1, 1), (1, 0, -2), (0, 1, 3)]
    loss = sum(relu(p * x + q * y + r) for p, q, r in planes)
    report = corridors.analyze(loss, [x, y], timeout=120)
    assert report.classification == "everywhere"
    assert 1 < len(report.pieces) <= 1 + 8 + math.comb(8, 2)  # at most the cells of 8 lines
    assert len(report.singular_set) == 8


def test_nested_relus_are_peeled_from_the_inside():
    report = corridors.analyze(relu(relu(x) - 1) + y, [x, y], timeout=120)
    assert report.classification == "everywhere"
    assert report.singular_set == (sp.Eq(x - 1, 0),)  # relu(x) switches at 0 only where the outer one is off


lines = st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5)).filter(lambda t: t[0] or t[1])


@settings(max_examples=20, deadline=None)
@given(st.lists(lines, min_size=1, max_size=5, unique=True))
def test_lines_in_general_position_cut_the_plane_into_the_expected_number_of_cells(planes):
    forms = [p * x + q * y + r for p, q, r in planes]
    normals = [(p, q) for p, q, _ in planes]
    parallel = any(a[0] * b[1] == a[1] * b[0] for i, a in enumerate(normals) for b in normals[i + 1:])
    concurrent = any(
        sp.Matrix([[*planes[i]], [*planes[j]], [*planes[k]]]).det() == 0
        for i in range(len(planes)) for j in range(i + 1, len(planes)) for k in range(j + 1, len(planes)))
    assume(not parallel and not concurrent)
    cells = _cells(forms, (x, y))
    k = len(forms)
    assert len(cells) == 1 + k + math.comb(k, 2)
    for signs, point in cells.items():  # each interior point is exact and strictly inside
        assert all(s * f.xreplace(point) > 0 for s, f in zip(signs, forms))


def test_empty_regions_come_with_a_certificate():
    verdict, point = interior_point([x + y - 1, -x - y], [x, y])  # x + y > 1 and x + y < 0
    assert verdict is False and point is None
    verdict, point = interior_point([x, y, 1 - x - y], [x, y])  # the open triangle
    assert verdict is True and all(v > 0 for v in point.values()) and sum(point.values()) < 1
