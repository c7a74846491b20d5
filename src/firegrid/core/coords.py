"""Conversion between the three map datums in everyday use in China.

Field apps and web maps hand us coordinates in whichever datum their map SDK
uses: raw GPS is WGS-84, AMap / Tencent / Apple-in-China are GCJ-02 (the
state-mandated obfuscation), Baidu is BD-09 (a further offset on GCJ-02).
Storing one datum and converting at the edges keeps point-in-grid routing
honest: a 500 m GCJ offset is wider than many grid cells.

GCJ-02 has no published inverse, so ``gcj02 -> wgs84`` is solved by
fixed-point iteration to < 1e-9 degrees instead of the common one-step
approximation (median error 0.7 m, up to ~5 m across China). The usual
closed-form BD-09 inverse is off by up to ~0.2 m, so it is iterated the same
way; every ``a -> b -> a`` round trip is then exact to ~1e-13 degrees.

Whole geometries convert in one vectorised numpy pass; single points use
plain ``math``. Both share one implementation of each formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

CRS = Literal["wgs84", "gcj02", "bd09"]
CRS_CHOICES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
_ArrayPair: TypeAlias = tuple[FloatArray, FloatArray]
# Kernels below are generic over "one number" and "an array of numbers".
Num = TypeVar("Num", float, FloatArray)

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm (not WGS-84's a).
_A = 6378245.0
_EE = 0.00669342162296594323
_PI = math.pi
_X_PI = math.pi * 3000.0 / 180.0

# Bounding rectangle within which GCJ-02 applies its offset.
_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

_TOLERANCE = 1e-11  # degrees; comfortably below the promised 1e-9
_MAX_ITERATIONS = 30

_GEOJSON_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_ROUND_DIGITS = 7  # ~1 cm; more digits are noise, fewer lose grid-edge precision


# ------------------------------------------------------------------------- kernels
#
# Each formula is written once, generic over Python floats (scalar API, via
# ``math``: ~50x faster than numpy on one value) and float64 arrays (bulk API).


@dataclass(frozen=True)
class _Ops(Generic[Num]):
    """The transcendental functions a kernel needs, for one number type."""

    sin: Callable[[Num], Num]
    cos: Callable[[Num], Num]
    sqrt: Callable[[Num], Num]
    atan2: Callable[[Num, Num], Num]


_MATH: _Ops[float] = _Ops(math.sin, math.cos, math.sqrt, math.atan2)
_NUMPY: _Ops[FloatArray] = _Ops(np.sin, np.cos, np.sqrt, np.arctan2)

# A kernel maps (lon, lat) to (lon, lat) using the functions in ``_Ops``.
_Kernel: TypeAlias = Callable[[Num, Num, _Ops[Num]], tuple[Num, Num]]


def _transform_lat(x: Num, y: Num, m: _Ops[Num]) -> Num:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * m.sqrt(abs(x))
    ret += (20.0 * m.sin(6.0 * x * _PI) + 20.0 * m.sin(2.0 * x * _PI)) * 2.0 / 3.0
    ret += (20.0 * m.sin(y * _PI) + 40.0 * m.sin(y / 3.0 * _PI)) * 2.0 / 3.0
    ret += (160.0 * m.sin(y / 12.0 * _PI) + 320.0 * m.sin(y * _PI / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: Num, y: Num, m: _Ops[Num]) -> Num:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * m.sqrt(abs(x))
    ret += (20.0 * m.sin(6.0 * x * _PI) + 20.0 * m.sin(2.0 * x * _PI)) * 2.0 / 3.0
    ret += (20.0 * m.sin(x * _PI) + 40.0 * m.sin(x / 3.0 * _PI)) * 2.0 / 3.0
    ret += (150.0 * m.sin(x / 12.0 * _PI) + 300.0 * m.sin(x / 30.0 * _PI)) * 2.0 / 3.0
    return ret


def _raw_wgs_to_gcj(lon: Num, lat: Num, m: _Ops[Num]) -> tuple[Num, Num]:
    """WGS-84 -> GCJ-02 ignoring the China rectangle (the published algorithm)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0, m)
    dlon = _transform_lon(lon - 105.0, lat - 35.0, m)
    radlat = lat / 180.0 * _PI
    sin_lat = m.sin(radlat)
    magic = 1.0 - _EE * sin_lat * sin_lat
    sqrt_magic = m.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * _PI)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * m.cos(radlat) * _PI)
    return lon + dlon, lat + dlat


def _gcj_to_bd(lon: Num, lat: Num, m: _Ops[Num]) -> tuple[Num, Num]:
    """GCJ-02 -> BD-09, Baidu's published formula."""
    z = m.sqrt(lon * lon + lat * lat) + 0.00002 * m.sin(lat * _X_PI)
    theta = m.atan2(lat, lon) + 0.000003 * m.cos(lon * _X_PI)
    return z * m.cos(theta) + 0.0065, z * m.sin(theta) + 0.006


def _solve(forward: _Kernel[Num], lon: Num, lat: Num, m: _Ops[Num]) -> tuple[Num, Num]:
    """Invert a near-identity ``forward`` map by fixed-point iteration.

    Both offsets have a tiny Jacobian (~1e-3), so ``x <- x - (forward(x) - target)``
    gains about three digits per step and converges in 4-5 steps.
    """
    x, y = lon, lat
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y, m)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if _converged(ex, ey):
            break
    return x, y


def _converged(ex: float | FloatArray, ey: float | FloatArray) -> bool:
    # NaN compares False, so NaN input counts as done instead of looping to the limit.
    if isinstance(ex, float) and isinstance(ey, float):
        return not (abs(ex) > _TOLERANCE or abs(ey) > _TOLERANCE)
    return not bool(np.any((np.abs(ex) > _TOLERANCE) | (np.abs(ey) > _TOLERANCE)))


# ---------------------------------------------------------------------- scalar API


def out_of_china(lon: float, lat: float) -> bool:
    """True if GCJ-02 leaves the point untouched (outside the China rectangle)."""
    return not (_LON_MIN <= lon <= _LON_MAX and _LAT_MIN <= lat <= _LAT_MAX)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """GPS coordinates to what AMap / Tencent maps display."""
    if out_of_china(lon, lat):
        return float(lon), float(lat)
    return _raw_wgs_to_gcj(float(lon), float(lat), _MATH)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Exact (iterated) inverse of :func:`wgs84_to_gcj02`."""
    if out_of_china(lon, lat):
        return float(lon), float(lat)
    return _solve(_raw_wgs_to_gcj, float(lon), float(lat), _MATH)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """AMap / Tencent coordinates to Baidu coordinates.

    Applied everywhere, as in the reference implementations: BD-09 is
    Baidu's own formula, not bounded by the GCJ-02 rectangle.
    """
    return _gcj_to_bd(float(lon), float(lat), _MATH)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Exact (iterated) inverse of :func:`gcj02_to_bd09`."""
    return _solve(_gcj_to_bd, float(lon), float(lat), _MATH)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GPS coordinates to Baidu coordinates (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Baidu coordinates back to GPS coordinates (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _same(lon: float, lat: float) -> tuple[float, float]:
    return lon, lat


# Every conversion is routed through GCJ-02, the datum both others are defined against.
_SCALAR_TO_GCJ: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "wgs84": wgs84_to_gcj02,
    "gcj02": _same,
    "bd09": bd09_to_gcj02,
}
_SCALAR_FROM_GCJ: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "wgs84": gcj02_to_wgs84,
    "gcj02": _same,
    "bd09": gcj02_to_bd09,
}


def convert_point(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert one point between any two of :data:`CRS_CHOICES`."""
    to_gcj = _SCALAR_TO_GCJ[_check_crs(src)]
    from_gcj = _SCALAR_FROM_GCJ[_check_crs(dst)]
    if src == dst:
        return float(lon), float(lat)
    return from_gcj(*to_gcj(float(lon), float(lat)))


def _check_crs(name: str) -> str:
    if name not in CRS_CHOICES:
        allowed = ", ".join(repr(c) for c in CRS_CHOICES)
        raise ValueError(f"Unknown CRS {name!r}; expected one of {allowed}")
    return name


# ----------------------------------------------------------------------- array API


def out_of_china_mask(lons: FloatArray, lats: FloatArray) -> BoolArray:
    """Vectorised :func:`out_of_china`; NaNs count as outside (left untouched)."""
    inside = (lons >= _LON_MIN) & (lons <= _LON_MAX) & (lats >= _LAT_MIN) & (lats <= _LAT_MAX)
    return ~inside


def _wgs_to_gcj_array(lon: FloatArray, lat: FloatArray) -> _ArrayPair:
    gcj_lon, gcj_lat = _raw_wgs_to_gcj(lon, lat, _NUMPY)
    outside = out_of_china_mask(lon, lat)
    return np.where(outside, lon, gcj_lon), np.where(outside, lat, gcj_lat)


def _gcj_to_wgs_array(lon: FloatArray, lat: FloatArray) -> _ArrayPair:
    inside = ~out_of_china_mask(lon, lat)
    out_lon, out_lat = lon.copy(), lat.copy()
    out_lon[inside], out_lat[inside] = _solve(_raw_wgs_to_gcj, lon[inside], lat[inside], _NUMPY)
    return out_lon, out_lat


def _gcj_to_bd_array(lon: FloatArray, lat: FloatArray) -> _ArrayPair:
    return _gcj_to_bd(lon, lat, _NUMPY)


def _bd_to_gcj_array(lon: FloatArray, lat: FloatArray) -> _ArrayPair:
    return _solve(_gcj_to_bd, lon, lat, _NUMPY)


def _same_array(lon: FloatArray, lat: FloatArray) -> _ArrayPair:
    return lon, lat


_ARRAY_TO_GCJ: dict[str, Callable[[FloatArray, FloatArray], _ArrayPair]] = {
    "wgs84": _wgs_to_gcj_array,
    "gcj02": _same_array,
    "bd09": _bd_to_gcj_array,
}
_ARRAY_FROM_GCJ: dict[str, Callable[[FloatArray, FloatArray], _ArrayPair]] = {
    "wgs84": _gcj_to_wgs_array,
    "gcj02": _same_array,
    "bd09": _gcj_to_bd_array,
}


def convert_arrays(
    lons: npt.ArrayLike, lats: npt.ArrayLike, src: str, dst: str
) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`convert_point`; always returns new float64 arrays."""
    to_gcj = _ARRAY_TO_GCJ[_check_crs(src)]
    from_gcj = _ARRAY_FROM_GCJ[_check_crs(dst)]
    x = np.array(lons, dtype=np.float64)
    y = np.array(lats, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"lons and lats differ in shape: {x.shape} != {y.shape}")
    if src == dst:
        return x, y
    return from_gcj(*to_gcj(x, y))


# ----------------------------------------------------------------------- GeoJSON


def convert_geometry(geometry: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    """Convert a GeoJSON geometry dict; returns a new dict with 7-decimal coordinates.

    All positions are converted in one vectorised call. Extra ordinates
    (e.g. altitude) are kept as they are.
    """
    _check_crs(src)
    _check_crs(dst)
    if geometry.get("type") == "GeometryCollection":
        parts = [convert_geometry(g, src, dst) for g in geometry.get("geometries", [])]
        return {**geometry, "geometries": parts}
    depth = _geojson_depth(geometry)
    positions = list(_iter_positions(geometry["coordinates"], depth))
    converted = _convert_positions(positions, src, dst)
    coordinates = _rebuild(geometry["coordinates"], depth, iter(converted))
    return {**geometry, "coordinates": coordinates}


def _geojson_depth(geometry: dict[str, Any]) -> int:
    kind = geometry.get("type")
    if kind not in _GEOJSON_DEPTH:
        allowed = ", ".join(sorted([*_GEOJSON_DEPTH, "GeometryCollection"]))
        raise ValueError(f"Unsupported GeoJSON geometry type {kind!r}; expected one of {allowed}")
    if "coordinates" not in geometry:
        raise ValueError(f"GeoJSON {kind} has no 'coordinates' member")
    return _GEOJSON_DEPTH[str(kind)]


def _iter_positions(coords: Any, depth: int) -> Iterator[list[float]]:
    if depth == 0:
        if len(coords) < 2:
            raise ValueError(f"GeoJSON position needs at least 2 numbers, got {coords!r}")
        yield list(coords)
        return
    for item in coords:
        yield from _iter_positions(item, depth - 1)


def _convert_positions(positions: list[list[float]], src: str, dst: str) -> list[list[float]]:
    if not positions:
        return []
    lons = np.array([p[0] for p in positions], dtype=np.float64)
    lats = np.array([p[1] for p in positions], dtype=np.float64)
    new_lons, new_lats = convert_arrays(lons, lats, src, dst)
    xs = np.round(new_lons, _ROUND_DIGITS).tolist()
    ys = np.round(new_lats, _ROUND_DIGITS).tolist()
    return [[x, y, *p[2:]] for x, y, p in zip(xs, ys, positions, strict=True)]


def _rebuild(coords: Any, depth: int, converted: Iterator[list[float]]) -> Any:
    if depth == 0:
        return next(converted)
    return [_rebuild(item, depth - 1, converted) for item in coords]
