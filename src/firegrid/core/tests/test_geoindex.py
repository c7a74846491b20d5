"""GridLocator: agrees with brute force, breaks border ties by lowest id, keeps chains."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from firegrid.core.geoindex import GridLocator, GridRow

# A 3-level hand-built hierarchy over [0, 4] x [0, 2]:
#
#   district 1
#   ├── community 2  (x 0..2)   leaves 40, 12, 25 (with a hole), 7 (fills the hole)
#   └── community 3  (x 2..4)   leaves 31, 18: two triangles split by a diagonal
#
# Leaf ids deliberately do not follow position, so "lowest id wins" is tested
# independently of tree order.
HOLE = box(0.5, 1.25, 1.0, 1.75)
LEAVES: dict[int, Polygon] = {
    40: box(0, 0, 1, 1),
    12: box(1, 0, 2, 1),
    25: Polygon(box(0, 1, 2, 2).exterior.coords, [HOLE.exterior.coords]),
    7: HOLE,
    31: Polygon([(2, 0), (4, 0), (4, 2)]),
    18: Polygon([(2, 0), (4, 2), (2, 2)]),
}
PARENT = {40: 2, 12: 2, 25: 2, 7: 2, 31: 3, 18: 3}


def hierarchy() -> list[GridRow]:
    rows: list[GridRow] = [
        (1, None, box(0, 0, 4, 2)),
        (2, 1, box(0, 0, 2, 2)),
        (3, 1, box(2, 0, 4, 2)),
    ]
    rows += [(grid_id, PARENT[grid_id], geom) for grid_id, geom in LEAVES.items()]
    return rows


LOCATOR = GridLocator(hierarchy())


def brute_force(lon: float, lat: float) -> int | None:
    point = shapely.Point(lon, lat)
    covering = [grid_id for grid_id, geom in LEAVES.items() if geom.covers(point)]
    return min(covering) if covering else None


# Half the examples on a 1/8 lattice, which lands exactly on every edge,
# corner, hole border and the diagonal; the other half anywhere.
COORD = st.one_of(
    st.floats(-0.5, 4.5, allow_nan=False),
    st.integers(-4, 36).map(lambda k: k / 8),
)


# --------------------------------------------------------------------------- locate


@given(COORD, COORD)
def test_locate_agrees_with_brute_force(lon: float, lat: float) -> None:
    assert LOCATOR.locate(lon, lat) == brute_force(lon, lat)


@given(st.floats(-0.5, 4.5, allow_nan=False), st.floats(-0.5, 2.5, allow_nan=False))
def test_points_strictly_inside_one_leaf_match_exactly(lon: float, lat: float) -> None:
    point = shapely.Point(lon, lat)
    containing = [grid_id for grid_id, geom in LEAVES.items() if geom.contains(point)]
    if len(containing) == 1:
        assert LOCATOR.locate(lon, lat) == containing[0]


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (0.5, 0.5, 40),
        (1.5, 0.5, 12),
        (0.75, 1.5, 7),  # inside the hole of 25
        (1.5, 1.5, 25),
        (3.5, 0.5, 31),
        (2.5, 1.5, 18),
    ],
)
def test_locate_interior_points(lon: float, lat: float, expected: int) -> None:
    assert LOCATOR.locate(lon, lat) == expected


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (1.0, 0.5, 12),  # 40 | 12
        (1.0, 1.0, 12),  # corner of 40, 12, 25
        (0.75, 1.25, 7),  # hole border: 25 | 7
        (3.0, 1.0, 18),  # diagonal: 31 | 18
        (2.0, 0.5, 12),  # community border: 12 | 18
        (2.0, 0.0, 12),  # corner of 12, 31, 18
        (0.0, 0.5, 40),  # outer border belongs to the only leaf there
    ],
)
def test_shared_border_goes_to_lowest_id(lon: float, lat: float, expected: int) -> None:
    assert LOCATOR.locate(lon, lat) == expected
    assert LOCATOR.locate_many([lon], [lat]).tolist() == [expected]


@pytest.mark.parametrize(
    ("lon", "lat"), [(5.0, 5.0), (-0.001, 1.0), (4.0001, 1.0), (1.0, 2.5), (math.nan, 1.0)]
)
def test_outside_is_none(lon: float, lat: float) -> None:
    assert LOCATOR.locate(lon, lat) is None
    assert LOCATOR.chain(lon, lat) == []
    assert LOCATOR.locate_many([lon], [lat]).tolist() == [-1]


# ---------------------------------------------------------------------- locate_many


@given(st.lists(st.tuples(COORD, COORD), max_size=60))
def test_locate_many_equals_locate(points: list[tuple[float, float]]) -> None:
    lons = np.array([p[0] for p in points], dtype=np.float64)
    lats = np.array([p[1] for p in points], dtype=np.float64)
    result = LOCATOR.locate_many(lons, lats)
    assert result.dtype == np.int64
    expected = [LOCATOR.locate(lon, lat) for lon, lat in points]
    assert result.tolist() == [-1 if e is None else e for e in expected]


def test_locate_many_handles_empty_nan_and_inf() -> None:
    assert LOCATOR.locate_many([], []).tolist() == []
    got = LOCATOR.locate_many([math.nan, math.inf, 0.5, 1.5], [0.5, 0.5, math.nan, 0.5])
    assert got.tolist() == [-1, -1, -1, 12]


def test_locate_many_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="equal length"):
        LOCATOR.locate_many([1.0, 2.0], [1.0])


def test_locate_many_on_many_leaves_matches_locate() -> None:
    # 30 x 30 unit squares: enough leaves and points for the spatial pre-sort
    # to reorder heavily; results must still come back in input order.
    rows: list[GridRow] = [(0, None, box(0, 0, 30, 30))]
    rows += [(1 + i * 30 + j, 0, box(i, j, i + 1, j + 1)) for i in range(30) for j in range(30)]
    locator = GridLocator(rows)
    rng = np.random.default_rng(7)
    lons = np.concatenate([rng.uniform(-1, 31, 3000), rng.integers(0, 31, 500).astype(float)])
    lats = np.concatenate([rng.uniform(-1, 31, 3000), rng.integers(0, 31, 500).astype(float)])
    expected = [locator.locate(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    got = locator.locate_many(lons, lats)
    assert got.tolist() == [-1 if e is None else e for e in expected]
    inside = (lons > 0) & (lons < 30) & (lats > 0) & (lats < 30)
    assert (got[inside] > 0).all()


# ----------------------------------------------------------------------- hierarchy


def test_only_leaves_are_indexed() -> None:
    assert LOCATOR.leaf_count == len(LEAVES)


def test_ancestors_root_first_self_last() -> None:
    assert LOCATOR.ancestors(12) == [1, 2, 12]
    assert LOCATOR.ancestors(18) == [1, 3, 18]
    assert LOCATOR.ancestors(3) == [1, 3]
    assert LOCATOR.ancestors(1) == [1]


def test_ancestors_returns_a_copy() -> None:
    LOCATOR.ancestors(12).append(99)
    assert LOCATOR.ancestors(12) == [1, 2, 12]


def test_ancestors_of_unknown_grid() -> None:
    with pytest.raises(KeyError):
        LOCATOR.ancestors(999)


def test_chain() -> None:
    assert LOCATOR.chain(0.75, 1.5) == [1, 2, 7]
    assert LOCATOR.chain(3.0, 1.0) == [1, 3, 18]


def test_rows_may_come_in_any_order_and_depths_may_differ() -> None:
    rows = list(reversed(hierarchy())) + [(50, 1, box(10, 10, 11, 11))]
    locator = GridLocator(rows)
    assert locator.ancestors(7) == [1, 2, 7]
    assert locator.chain(10.5, 10.5) == [1, 50]
    assert locator.leaf_count == len(LEAVES) + 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, None, box(0, 0, 1, 1)), (1, None, box(0, 0, 1, 1))], "Duplicate grid id 1"),
        ([(1, 2, box(0, 0, 1, 1))], "Grid 1 has unknown parent 2"),
        ([(1, 2, box(0, 0, 1, 1)), (2, 1, box(0, 0, 1, 1))], "Cycle"),
        ([(1, 1, box(0, 0, 1, 1))], "Cycle"),
    ],
)
def test_invalid_hierarchies_are_rejected(rows: list[GridRow], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GridLocator(rows)


def test_empty_locator() -> None:
    locator = GridLocator([])
    assert locator.locate(1.0, 1.0) is None
    assert locator.locate_many([1.0], [1.0]).tolist() == [-1]
