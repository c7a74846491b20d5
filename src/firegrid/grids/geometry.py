"""Geometry helpers for grid boundaries: parsing GeoJSON, validity with locations, metric areas."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Geod
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import convert_geometry
from firegrid.core.errors import ValidationFailed

GEOD = Geod(ellps="WGS84")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
# A generous box around China (incl. islands); anything outside is a wrong CRS or swapped axes.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
# GEOS reports invalidity as "Self-intersection[113.05 34.05]": a reason and a location.
# Longest edge kept straight through a datum conversion, so that the bend is < 1 cm: GCJ-02's
# offset curves gently (~200 m edges), BD-09's rotation term wobbles every 0.12° (~50 m edges).
DENSIFY_DEG = {"gcj02": 0.002, "bd09": 0.0005}
# Two boundaries closer than this everywhere (~10 cm) are the same boundary.
SAME_BOUNDARY_DEG = 1e-6
# Borders that should coincide may differ by this much (~3 cm) after a datum round trip and
# 7-decimal rounding; containment, overlap and gap checks ignore slivers thinner than this.
BORDER_SLACK_DEG = 3e-7
_REASON = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>\S+) (?P<y>\S+)\]$")


@dataclass(frozen=True)
class Derived:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    centroid_lon: float
    centroid_lat: float
    area_m2: float


def geometry_problem(geometry: Any) -> str | None:
    """Return why a GeoJSON geometry is not a usable grid boundary, or None when it is."""
    if not isinstance(geometry, dict):
        return "missing"
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        return f"type {kind!r} is not Polygon or MultiPolygon"
    positions = _positions(geometry.get("coordinates"), 3 if kind == "MultiPolygon" else 2)
    if not positions:
        return "coordinates are missing or wrongly nested"
    for position in positions:
        if not _is_position(position):
            return f"coordinate {position!r} is not a [longitude, latitude] pair of numbers"
    for lon, lat, *_rest in positions:
        if not in_china(lon, lat):
            return _outside_message(lon, lat)
    return None


def in_china(lon: float, lat: float) -> bool:
    west, south, east, north = CHINA_BOUNDS
    return west <= lon <= east and south <= lat <= north


def _outside_message(lon: float, lat: float) -> str:
    if in_china(lat, lon):
        return f"coordinate ({lon}, {lat}) looks like [latitude, longitude]; GeoJSON is [lon, lat]"
    return f"coordinate ({lon}, {lat}) is outside China's bounds (projected or wrong CRS?)"


def _positions(coords: Any, depth: int) -> list[Any]:
    """Flatten `depth` levels of nested arrays into positions; a wrong nesting yields []."""
    if not isinstance(coords, list) or not coords:
        return []
    if depth == 1:
        return coords if all(isinstance(item, list) for item in coords) else []
    out: list[Any] = []
    for item in coords:
        inner = _positions(item, depth - 1)
        if not inner:
            return []
        out.extend(inner)
    return out


def _is_position(position: Any) -> bool:
    return (
        isinstance(position, list)
        and len(position) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        and all(math.isfinite(v) for v in position[:2])
    )


def plain_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """Only `type` and 2-D `coordinates`: drops altitudes, foreign members and `bbox`."""
    depth = 3 if geometry["type"] == "MultiPolygon" else 2
    return {"type": geometry["type"], "coordinates": _flat2d(geometry["coordinates"], depth)}


def _flat2d(coords: Any, depth: int) -> Any:
    if depth == 0:
        return [coords[0], coords[1]]
    return [_flat2d(item, depth - 1) for item in coords]


def to_shape(geometry: dict[str, Any]) -> BaseGeometry:
    """Build a shapely geometry, or raise ValidationFailed saying where it is invalid."""
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, GEOSException) as exc:
        raise ValidationFailed(f"malformed geometry: {exc}", code="geometry_malformed") from exc
    if geom.is_empty:
        raise ValidationFailed("geometry is empty", code="geometry_empty")
    if not geom.is_valid:
        raise ValidationFailed(
            f"invalid polygon: {describe_invalidity(geom)}", code="geometry_invalid"
        )
    return geom


def describe_invalidity(geom: BaseGeometry) -> str:
    """GEOS' reason in plain words with its location: "self-intersection at (113.05, 34.05)"."""
    reason = shapely.is_valid_reason(geom)
    match = _REASON.match(reason)
    if match is None:
        return reason
    return f"{match['reason'].strip().lower()} at ({match['x']}, {match['y']})"


def area_m2(geom: BaseGeometry) -> float:
    """Geodesic area on the WGS-84 ellipsoid."""
    if geom.is_empty:
        return 0.0
    area, _perimeter = GEOD.geometry_area_perimeter(geom)
    return abs(area)


def derive(geom: BaseGeometry) -> Derived:
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    point = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    return Derived(
        min_lon=min_lon,
        min_lat=min_lat,
        max_lon=max_lon,
        max_lat=max_lat,
        centroid_lon=round(point.x, 7),
        centroid_lat=round(point.y, 7),
        area_m2=round(area_m2(geom), 1),
    )


def densify(geom: BaseGeometry, max_segment_deg: float) -> dict[str, Any]:
    """GeoJSON of `geom` with no edge longer than `max_segment_deg` (vertices are kept)."""
    dense = shapely.segmentize(geom, max_segment_deg)
    return plain_geometry(json.loads(shapely.to_geojson(dense)))


def convert_boundary(geometry: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    """Convert a polygon between datums, densified first so its straight edges stay where they
    were (a straight edge in one datum is a curve in another)."""
    if src == dst:
        return convert_geometry(geometry, src, dst)
    step = min(DENSIFY_DEG.get(src, 1.0), DENSIFY_DEG.get(dst, 1.0))
    return convert_geometry(densify(shape(geometry), step), src, dst)


def same_boundary(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same shape within ~10 cm, whatever the vertices: a GCJ-02 export read back, or a file
    that only adds points along straight edges, does not count as a change."""
    if a.get("type") == b.get("type") and same_coordinates(
        a.get("coordinates"), b.get("coordinates")
    ):
        return True
    try:
        return bool(shapely.hausdorff_distance(shape(a), shape(b)) <= SAME_BOUNDARY_DEG)
    except (ValueError, TypeError, AttributeError, GEOSException):
        return False


def same_coordinates(a: Any, b: Any, *, tolerance: float = 2e-7) -> bool:
    """True when two GeoJSON coordinate arrays have the same shape and differ by ≤ `tolerance`
    degrees everywhere (a datum round trip through 7-decimal rounding moves a vertex by ~1e-7)."""
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= tolerance
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return all(same_coordinates(x, y, tolerance=tolerance) for x, y in zip(a, b, strict=True))
    return False


def shared_border_m(
    a: BaseGeometry, b: BaseGeometry, eps_deg: float = 1e-6, *, grown_a: BaseGeometry | None = None
) -> float:
    """Approximate length in metres of the border two polygons share (0 when they only meet at
    a point or not at all); a small buffer absorbs floating-point differences between files.
    Callers pairing one polygon with many pass `grown_a` (a.buffer(eps_deg)) to grow it once."""
    grown = grown_a if grown_a is not None else a.buffer(eps_deg)
    border = grown.intersection(b.boundary)
    if border.is_empty:
        return 0.0
    return float(GEOD.geometry_length(border))
