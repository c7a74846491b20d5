"""Geometry helpers for grid boundaries: parsing GeoJSON, validity with locations, metric areas."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from firegrid.core.errors import ValidationFailed

GEOD = Geod(ellps="WGS84")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
# A generous box around China (incl. islands); anything outside is a wrong CRS or swapped axes.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)


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
        return "geometry is missing"
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        return f"geometry type {kind!r} is not Polygon or MultiPolygon"
    coords = geometry.get("coordinates")
    positions = list(_positions(coords, 3 if kind == "MultiPolygon" else 2))
    if not positions:
        return "coordinates are missing or malformed"
    for position in positions:
        if not _is_position(position):
            return f"coordinate {position!r} is not a [longitude, latitude] pair of numbers"
    for lon, lat, *_rest in positions:
        if not (CHINA_BOUNDS[0] <= lon <= CHINA_BOUNDS[2] and CHINA_BOUNDS[1] <= lat <= CHINA_BOUNDS[3]):
            return f"coordinate ({lon}, {lat}) is outside China's bounds (wrong CRS or lat/lon swapped?)"
    return None


def _positions(coords: Any, depth: int) -> list[Any]:
    """Flatten nested coordinate arrays; a wrong nesting yields an empty list."""
    if not isinstance(coords, list) or not coords:
        return []
    if depth == 0:
        return coords if isinstance(coords, list) else []
    out: list[Any] = []
    for item in coords:
        if depth == 1:
            if not isinstance(item, list):
                return []
            out.append(item)
        else:
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


def to_shape(geometry: dict[str, Any]) -> BaseGeometry:
    """Build a shapely geometry, or raise ValidationFailed saying where it is invalid."""
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValidationFailed(f"malformed geometry: {exc}", code="geometry_malformed") from exc
    if geom.is_empty:
        raise ValidationFailed("geometry is empty", code="geometry_empty")
    if not geom.is_valid:
        raise ValidationFailed(
            f"invalid polygon: {explain_validity(geom)}", code="geometry_invalid"
        )
    return geom


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


def shared_border_m(a: BaseGeometry, b: BaseGeometry, eps_deg: float = 1e-6) -> float:
    """Approximate length in metres of the border two polygons share (0 when they only meet at
    a point or not at all); a small buffer absorbs floating-point differences between files."""
    border = a.buffer(eps_deg).intersection(b.boundary)
    if border.is_empty:
        return 0.0
    return float(GEOD.geometry_length(border))


def make_valid_union(geoms: list[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(geoms)
