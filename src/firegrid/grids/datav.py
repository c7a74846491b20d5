"""DataV.GeoAtlas boundaries (阿里云 DataV 行政区划) → FireGrid's grid import format.

DataV exports one FeatureCollection per administrative area: its children as features with
`adcode`, `name` and `parent.adcode`, coordinates in GCJ-02 (AMap's datum). A jurisdiction needs a
root too, so the city's own boundary is built as the union of its districts, in the source
coordinates (converting first would open hairline gaps between shared borders).
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import shape

from .importing import HEADER_KEY

CITY_LEVELS = [
    {"depth": 0, "name": "市", "name_en": "City", "code_pattern": r"^\d{6}$"},
    {"depth": 1, "name": "区县", "name_en": "District", "code_pattern": r"^\d{6}$"},
]


class DataVError(ValueError):
    """The input is not a DataV.GeoAtlas FeatureCollection we can convert."""


def datav_to_import(collection: Any, *, code: str, name: str) -> dict[str, Any]:
    """A FireGrid import FeatureCollection: root grid `code`/`name` plus one grid per district.

    District adcodes (410102…) do not extend the city's (410100), hence `codes_extend_parent`
    false. Features whose `parent.adcode` names another area are refused, not silently dropped.
    """
    features = _datav_features(collection)
    districts = [_district(number, feature, code) for number, feature in enumerate(features, 1)]
    city = shapely.union_all([shape(feature["geometry"]) for feature in features])
    root = _feature(code, name, 0, None, json.loads(shapely.to_geojson(city)))
    return {
        "type": "FeatureCollection",
        HEADER_KEY: {
            "crs": "gcj02",
            "jurisdiction": {"code": code, "name": name, "codes_extend_parent": False},
            "levels": CITY_LEVELS,
        },
        "features": [root, *districts],
    }


def _datav_features(collection: Any) -> list[dict[str, Any]]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DataVError("not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise DataVError("the FeatureCollection has no features")
    return features


def _district(number: int, feature: Any, city_code: str) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict) or not props.get("adcode") or not props.get("name"):
        raise DataVError(f"feature #{number}: properties adcode and name are required")
    parent = props.get("parent")
    parent_code = str(parent.get("adcode", "")) if isinstance(parent, dict) else ""
    if parent_code and parent_code != city_code:
        raise DataVError(
            f"feature #{number} ({props['name']}): parent.adcode {parent_code} is not {city_code}"
        )
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise DataVError(f"feature #{number} ({props['name']}): geometry is not a polygon")
    return _feature(str(props["adcode"]), str(props["name"]), 1, city_code, geometry)


def _feature(
    code: str, name: str, level: int, parent_code: str | None, geometry: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
        "geometry": {"type": geometry["type"], "coordinates": geometry["coordinates"]},
    }
