"""Property: the spatial index routes a random point to the same leaf grid as a brute-force
shapely `contains` over every leaf grid (points within 1e-7° of a border are left out)."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from firegrid.conftest import small_collection
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.grids.services import grids_import

pytestmark = pytest.mark.django_db
BORDER_EPSILON = 1e-7


def demo_or_small_collection() -> dict[str, Any]:
    """The demo jurisdiction when the demo module is there, else the small test tree."""
    try:
        from firegrid.grids.demo import demo_collection
    except ImportError:
        return small_collection()
    return demo_collection()


def assert_locator_matches_brute_force() -> None:
    leaves = [(g.pk, shape(g.boundary)) for g in Grid.objects.filter(children__isnull=True)]
    root = shape(Grid.objects.get(parent__isnull=True).boundary)
    min_lon, min_lat, max_lon, max_lat = root.bounds
    assert leaves

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        lon=st.floats(min_lon, max_lon, allow_nan=False, allow_infinity=False),
        lat=st.floats(min_lat, max_lat, allow_nan=False, allow_infinity=False),
    )
    def check(lon: float, lat: float) -> None:
        point = shapely.Point(lon, lat)
        assume(all(geom.boundary.distance(point) > BORDER_EPSILON for _pk, geom in leaves))
        expected = [pk for pk, geom in leaves if geom.contains(point)]
        assert len(expected) <= 1
        assert get_locator().locate(lon, lat) == (expected[0] if expected else None)

    check()


def test_random_points_in_the_small_jurisdiction_locate_like_brute_force(small_jurisdiction):
    assert_locator_matches_brute_force()


def test_random_points_in_the_demo_jurisdiction_locate_like_brute_force():
    grids_import(collection=demo_or_small_collection(), actor=None)
    assert_locator_matches_brute_force()
