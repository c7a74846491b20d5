"""Datum conversion: published reference points, exact round trips, GeoJSON handling."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firegrid.core import coords
from firegrid.core.coords import (
    CRS_CHOICES,
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert_arrays,
    convert_geometry,
    convert_point,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

EXACT = 1e-9  # degrees (~0.1 mm): same formula, only float rounding may differ

# The Baidu Maps API demo centre (天安门, 116.404 E 39.915 N) pushed through each
# direction by wandergis/coordtransform, test/app.js (the "//result" block).
COORDTRANSFORM_INPUT = (116.404, 39.915)
COORDTRANSFORM_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
COORDTRANSFORM_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
# These two come from coordtransform's closed-form (approximate) inverses.
COORDTRANSFORM_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)
COORDTRANSFORM_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat) from googollee/eviltransform,
# python/test.py and go/transform_test.go (there written lat-first).
EVILTRANSFORM_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]

# China's rectangle shrunk by 0.05 deg. Within ~0.011 deg of its edge the GCJ
# offset can carry a point across the edge, where GCJ-02 is the identity, so
# the forward map is not invertible there (true of every implementation).
LONS_IN_CHINA = st.floats(72.004 + 0.05, 137.8347 - 0.05)
LATS_IN_CHINA = st.floats(0.8293 + 0.05, 55.8271 - 0.05)

OUTSIDE_CHINA = [
    (139.6917, 35.6895),  # Tokyo
    (-0.1276, 51.5072),  # London
    (0.0, 0.0),
    (-74.006, 40.7128),  # New York
    (72.003, 30.0),  # just west of the rectangle
    (100.0, 55.83),  # just north of it
]


def assert_close(actual: tuple[float, float], expected: tuple[float, float], tol: float) -> None:
    assert actual == pytest.approx(expected, abs=tol, rel=0)


# ------------------------------------------------------------------ reference points


def test_wgs84_to_gcj02_matches_coordtransform() -> None:
    assert_close(wgs84_to_gcj02(*COORDTRANSFORM_INPUT), COORDTRANSFORM_WGS84_TO_GCJ02, EXACT)


def test_gcj02_to_bd09_matches_coordtransform() -> None:
    assert_close(gcj02_to_bd09(*COORDTRANSFORM_INPUT), COORDTRANSFORM_GCJ02_TO_BD09, EXACT)


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), EVILTRANSFORM_PAIRS)
def test_wgs84_to_gcj02_matches_eviltransform(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    assert_close(wgs84_to_gcj02(wgs_lon, wgs_lat), (gcj_lon, gcj_lat), EXACT)


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), EVILTRANSFORM_PAIRS)
def test_gcj02_to_wgs84_recovers_eviltransform_input_exactly(
    wgs_lon: float, wgs_lat: float, gcj_lon: float, gcj_lat: float
) -> None:
    # eviltransform itself only promises < 0.5 m for its "exact" inverse.
    assert_close(gcj02_to_wgs84(gcj_lon, gcj_lat), (wgs_lon, wgs_lat), EXACT)


def test_gcj02_to_wgs84_improves_on_the_one_step_approximation() -> None:
    result = gcj02_to_wgs84(*COORDTRANSFORM_INPUT)
    # Within centimetres of coordtransform's approximation here ...
    assert_close(result, COORDTRANSFORM_GCJ02_TO_WGS84, 1e-6)
    # ... but, unlike it, an exact inverse of the forward transform.
    assert_close(wgs84_to_gcj02(*result), COORDTRANSFORM_INPUT, EXACT)
    assert_close(wgs84_to_gcj02(*COORDTRANSFORM_GCJ02_TO_WGS84), COORDTRANSFORM_INPUT, 1e-5)


def test_bd09_to_gcj02_improves_on_the_closed_form_inverse() -> None:
    result = bd09_to_gcj02(*COORDTRANSFORM_INPUT)
    assert_close(result, COORDTRANSFORM_BD09_TO_GCJ02, 1e-6)
    assert_close(gcj02_to_bd09(*result), COORDTRANSFORM_INPUT, EXACT)


def test_wgs84_bd09_goes_through_gcj02() -> None:
    wgs = EVILTRANSFORM_PAIRS[2][:2]
    assert_close(wgs84_to_bd09(*wgs), gcj02_to_bd09(*wgs84_to_gcj02(*wgs)), EXACT)
    bd = wgs84_to_bd09(*wgs)
    assert_close(bd09_to_wgs84(*bd), gcj02_to_wgs84(*bd09_to_gcj02(*bd)), EXACT)


# ----------------------------------------------------------------------- round trips


@given(LONS_IN_CHINA, LATS_IN_CHINA)
def test_wgs_gcj_wgs_round_trip(lon: float, lat: float) -> None:
    assert_close(gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), (lon, lat), 1e-6)
    assert_close(wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat)), (lon, lat), 1e-9)


@given(LONS_IN_CHINA, LATS_IN_CHINA)
def test_wgs_bd_wgs_round_trip(lon: float, lat: float) -> None:
    assert_close(bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), (lon, lat), 1e-6)
    assert_close(wgs84_to_bd09(*bd09_to_wgs84(lon, lat)), (lon, lat), 1e-9)


@given(
    st.lists(st.tuples(LONS_IN_CHINA, LATS_IN_CHINA), min_size=1, max_size=20),
    st.sampled_from(CRS_CHOICES),
    st.sampled_from(CRS_CHOICES),
)
def test_array_and_scalar_paths_agree(
    points: list[tuple[float, float]], src: str, dst: str
) -> None:
    lons, lats = (np.array(column) for column in zip(*points, strict=True))
    out_lons, out_lats = convert_arrays(lons, lats, src, dst)
    for (lon, lat), got_lon, got_lat in zip(points, out_lons, out_lats, strict=True):
        assert_close((got_lon, got_lat), convert_point(lon, lat, src, dst), 1e-12)


def test_inverse_converges_below_1e9_degrees_everywhere() -> None:
    lons, lats = np.meshgrid(np.linspace(73.5, 135.0, 120), np.linspace(18.0, 53.5, 120))
    for mid in ("gcj02", "bd09"):
        back_lons, back_lats = convert_arrays(
            *convert_arrays(lons, lats, mid, "wgs84"), "wgs84", mid
        )
        assert np.abs(back_lons - lons).max() < 1e-9
        assert np.abs(back_lats - lats).max() < 1e-9


# -------------------------------------------------------------------- outside China


@pytest.mark.parametrize(("lon", "lat"), OUTSIDE_CHINA)
def test_gcj02_is_identity_outside_china(lon: float, lat: float) -> None:
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_gcj02_identity_outside_china_in_arrays_too() -> None:
    lons = np.array([p[0] for p in OUTSIDE_CHINA] + [116.404])
    lats = np.array([p[1] for p in OUTSIDE_CHINA] + [39.915])
    out_lons, out_lats = convert_arrays(lons, lats, "wgs84", "gcj02")
    np.testing.assert_array_equal(out_lons[:-1], lons[:-1])
    np.testing.assert_array_equal(out_lats[:-1], lats[:-1])
    assert (out_lons[-1], out_lats[-1]) != (lons[-1], lats[-1])


def test_rectangle_edges() -> None:
    assert not out_of_china(72.004, 0.8293)
    assert not out_of_china(137.8347, 55.8271)
    assert out_of_china(137.8348, 30.0)
    assert out_of_china(math.nan, 30.0)


def test_nan_passes_through_without_hanging() -> None:
    lon, lat = gcj02_to_wgs84(math.nan, 30.0)
    assert math.isnan(lon)
    out = convert_arrays([math.nan, 116.404], [39.9, 39.915], "bd09", "wgs84")
    assert math.isnan(out[0][0])
    assert np.isfinite(out[0][1])


# -------------------------------------------------------------------------- GeoJSON


def zhengzhou_square() -> dict[str, Any]:
    ring = [[113.62, 34.74], [113.63, 34.74], [113.63, 34.75], [113.62, 34.75], [113.62, 34.74]]
    return {"type": "Polygon", "coordinates": [ring], "bbox": None}


def test_convert_polygon_converts_every_vertex_and_rounds() -> None:
    geometry = zhengzhou_square()
    original = copy.deepcopy(geometry)
    result = convert_geometry(geometry, "wgs84", "gcj02")
    assert geometry == original, "input must not be mutated"
    assert result["type"] == "Polygon"
    assert "bbox" in result, "other members are kept"
    ring = result["coordinates"][0]
    assert ring[0] == ring[-1], "rings stay closed"
    for (lon, lat), (new_lon, new_lat) in zip(original["coordinates"][0], ring, strict=True):
        expected = wgs84_to_gcj02(lon, lat)
        assert (new_lon, new_lat) == (round(expected[0], 7), round(expected[1], 7))


def test_convert_polygon_round_trips_within_rounding() -> None:
    geometry = zhengzhou_square()
    back = convert_geometry(convert_geometry(geometry, "wgs84", "bd09"), "bd09", "wgs84")
    for orig, new in zip(geometry["coordinates"][0], back["coordinates"][0], strict=True):
        assert_close(tuple(new), tuple(orig), 2e-7)


def test_convert_multipolygon_and_point_keep_structure_and_altitude() -> None:
    square = zhengzhou_square()["coordinates"]
    multi = {"type": "MultiPolygon", "coordinates": [square, square]}
    result = convert_geometry(multi, "gcj02", "wgs84")
    assert len(result["coordinates"]) == 2
    assert result["coordinates"][0] == result["coordinates"][1]
    point = convert_geometry(
        {"type": "Point", "coordinates": [113.62, 34.74, 120.5]}, "wgs84", "bd09"
    )
    assert point["coordinates"][2] == 120.5
    assert point["coordinates"][:2] == [round(v, 7) for v in wgs84_to_bd09(113.62, 34.74)]


def test_same_crs_only_rounds() -> None:
    point = {"type": "Point", "coordinates": [113.123456789, 34.987654321]}
    assert convert_geometry(point, "wgs84", "wgs84")["coordinates"] == [113.1234568, 34.9876543]


def test_unsupported_geometry_type() -> None:
    with pytest.raises(ValueError, match="Unsupported GeoJSON geometry type 'Circle'"):
        convert_geometry({"type": "Circle", "coordinates": [0, 0]}, "wgs84", "gcj02")


# ------------------------------------------------------------------------ CRS names


@pytest.mark.parametrize(
    "call",
    [
        lambda: convert_point(113.6, 34.7, "epsg4326", "gcj02"),
        lambda: convert_point(113.6, 34.7, "wgs84", "WGS84"),
        lambda: convert_arrays([113.6], [34.7], "gcj02", "baidu"),
        lambda: convert_geometry(zhengzhou_square(), "wgs84", "mars"),
    ],
)
def test_unknown_crs_lists_the_allowed_names(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r"Unknown CRS .*'wgs84', 'gcj02', 'bd09'"):
        call()


def test_crs_choices_match_the_literal() -> None:
    assert coords.CRS_CHOICES == ("wgs84", "gcj02", "bd09")
    assert get_args(coords.CRS) == CRS_CHOICES
