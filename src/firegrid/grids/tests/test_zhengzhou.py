"""Real boundaries: the 12 districts of 郑州市 (DataV.GeoAtlas, GCJ-02) import cleanly and points
well inside each district locate to it, whether given in GCJ-02 or in WGS-84."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pyproj import Geod
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import convert_point
from firegrid.grids.datav import datav_to_import
from firegrid.grids.importing import plan_import
from firegrid.grids.models import Grid
from firegrid.grids.selectors import grid_locate
from firegrid.grids.services import grids_import

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data"
DATAV_FILE = DATA / "zhengzhou_districts_datav.json"
CITY_CODE, CITY_NAME = "410100", "郑州市"
MIN_BORDER_DISTANCE_M = 500
GEOD = Geod(ellps="WGS84")

pytestmark = pytest.mark.django_db


@pytest.fixture
def datav() -> dict[str, Any]:
    if not DATAV_FILE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DATAV_FILE} is missing: under CI the shared data must be checked out")
        pytest.skip(f"{DATAV_FILE} is missing (outside CI only; under CI this fails)")
    return json.loads(DATAV_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def superuser(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("admin", password="pw-for-tests-only")


@pytest.fixture
def zhengzhou(datav: dict[str, Any]) -> dict[str, Any]:
    collection = datav_to_import(datav, code=CITY_CODE, name=CITY_NAME)
    grids_import(collection=collection, actor=None, crs="gcj02")
    return datav


def metres_to_border(point: Point, polygon: BaseGeometry) -> float:
    """Geodesic distance from `point` to the nearest point of the polygon's border."""
    nearest = polygon.boundary.interpolate(polygon.boundary.project(point))
    return float(GEOD.inv(point.x, point.y, nearest.x, nearest.y)[2])


def inner_point(feature: dict[str, Any]) -> tuple[float, float]:
    """DataV's centroid when it is well inside the district, else shapely's representative point
    (both GCJ-02); either way at least 500 m from the border."""
    polygon = shape(feature["geometry"])
    candidate = Point(feature["properties"]["centroid"])
    if (
        not polygon.contains(candidate)
        or metres_to_border(candidate, polygon) < MIN_BORDER_DISTANCE_M
    ):
        candidate = polygon.representative_point()
    assert metres_to_border(candidate, polygon) >= MIN_BORDER_DISTANCE_M, feature["properties"]
    return candidate.x, candidate.y


def test_conversion_gives_a_city_root_and_twelve_districts(datav):
    collection = datav_to_import(datav, code=CITY_CODE, name=CITY_NAME)

    header = collection["firegrid"]
    assert header["crs"] == "gcj02"
    assert header["jurisdiction"] == {
        "code": "410100",
        "name": "郑州市",
        "codes_extend_parent": False,
    }
    assert [(lvl["depth"], lvl["name"], lvl["code_pattern"]) for lvl in header["levels"]] == [
        (0, "市", r"^\d{6}$"),
        (1, "区县", r"^\d{6}$"),
    ]
    props = [f["properties"] for f in collection["features"]]
    assert props[0] == {"code": "410100", "name": "郑州市", "level": 0, "parent_code": None}
    assert [p["code"] for p in props[1:]] == [
        str(f["properties"]["adcode"]) for f in datav["features"]
    ]
    assert {p["parent_code"] for p in props[1:]} == {"410100"}
    districts = [shape(f["geometry"]) for f in datav["features"]]
    city = shape(collection["features"][0]["geometry"])
    assert city.area == pytest.approx(sum(d.area for d in districts), rel=1e-9)


def test_zhengzhou_imports_as_gcj02_with_no_errors_and_no_warnings(datav):
    collection = datav_to_import(datav, code=CITY_CODE, name=CITY_NAME)

    plan = plan_import(collection, crs="gcj02")
    assert (plan.errors, plan.warnings) == ([], [])

    result = grids_import(collection=collection, actor=None, crs="gcj02")
    assert (result.created, result.updated, result.unchanged, result.warnings) == (13, 0, 0, [])
    assert Grid.objects.count() == 13
    assert Grid.objects.filter(parent__code=CITY_CODE).count() == 12


def test_conversion_and_import_through_the_command(datav, tmp_path, capsys):
    converted = tmp_path / "zhengzhou_import.json"
    call_command(
        "grids",
        "convert-datav",
        str(DATAV_FILE),
        "-o",
        str(converted),
        "--code",
        CITY_CODE,
        "--name",
        CITY_NAME,
    )
    call_command("grids", "import", str(converted), "--crs", "gcj02")

    out = capsys.readouterr().out
    assert f"wrote 郑州市 and 12 districts to {converted}" in out
    assert "created 13, updated 0, unchanged 0 (jurisdiction 410100 郑州市)" in out
    assert "warning" not in out


def test_points_well_inside_each_district_locate_to_it_in_gcj02_and_wgs84(zhengzhou, superuser):
    city = Grid.objects.get(code=CITY_CODE)
    for feature in zhengzhou["features"]:
        code = str(feature["properties"]["adcode"])
        lon, lat = inner_point(feature)
        wgs_lon, wgs_lat = convert_point(lon, lat, "gcj02", "wgs84")

        in_gcj = grid_locate(superuser, lon=lon, lat=lat, crs="gcj02")
        in_wgs = grid_locate(superuser, lon=wgs_lon, lat=wgs_lat, crs="wgs84")

        assert [g.code for g in in_gcj.chain] == [CITY_CODE, code], feature["properties"]["name"]
        assert [g.code for g in in_wgs.chain] == [CITY_CODE, code], feature["properties"]["name"]
        assert in_gcj.chain[0].pk == city.pk


def test_locate_endpoint_answers_the_district(zhengzhou, superuser, client):
    jinshui = next(f for f in zhengzhou["features"] if f["properties"]["name"] == "金水区")
    lon, lat = inner_point(jinshui)
    client.force_login(superuser)

    response = client.get("/api/v1/grids/locate", {"lon": lon, "lat": lat, "crs": "gcj02"})

    assert response.status_code == 200
    body = response.json()
    assert (body["leaf"]["code"], body["leaf"]["name"]) == ("410105", "金水区")
    assert [g["code"] for g in body["chain"]] == ["410100", "410105"]
    assert (body["lon_wgs84"], body["lat_wgs84"]) == pytest.approx(
        convert_point(lon, lat, "gcj02", "wgs84"), abs=1e-9
    )
