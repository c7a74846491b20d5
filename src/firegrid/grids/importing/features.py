"""Checks of each feature on its own: type, properties, level, code pattern and geometry.

A feature that fails here is reported once and left out of the checks between features.
"""

from __future__ import annotations

import re
from typing import Any

from shapely.geometry.base import BaseGeometry

from firegrid.core.errors import ApplicationError

from ..geometry import convert_boundary, geometry_problem, plain_geometry, to_shape
from .plan import (
    MAX_CODE_LENGTH,
    MAX_NAME_LENGTH,
    ImportPlan,
    PlannedGrid,
    Problem,
    is_whole,
    text,
)

COUNT_PROPERTIES = ("households", "population")


def read_features(collection: Any, plan: ImportPlan) -> list[Any] | None:
    """The features of a FeatureCollection, or None (with the error) when there are none."""
    if not _is_geojson(collection, "FeatureCollection"):
        plan.file_error("type", "the file is not a GeoJSON FeatureCollection")
        return None
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        plan.file_error("features", "the FeatureCollection has no features")
        return None
    plan.feature_count = len(features)
    if not plan.levels:
        plan.file_error("levels", "no grid levels are defined for this jurisdiction")
    return features


def plan_features(plan: ImportPlan, features: list[Any]) -> None:
    """Plan every sound feature; a repeated code is an error of the later feature."""
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        code = _feature_code(feature)
        if code and code in seen:
            plan.errors.append(
                Problem(number, code, "code", f"duplicate code (also feature #{seen[code]})")
            )
            continue
        if code:
            seen[code] = number
        planned = _plan_feature(number, feature, plan)
        if planned is not None:
            plan.grids.append(planned)
        elif code:
            plan.broken_codes.add(code)


def resolve_level(value: Any, plan: ImportPlan) -> int | None:
    """A level is given by depth (0, "0") or by its name in either language."""
    if is_whole(value):
        return value if value in plan.levels else None
    name = text(value)
    if name.isdigit():
        return int(name) if int(name) in plan.levels else None
    for spec in plan.levels.values():
        if name and name in (spec.name, spec.name_en):
            return spec.depth
    return None


def _is_geojson(value: Any, kind: str) -> bool:
    return isinstance(value, dict) and value.get("type") == kind


def _feature_code(feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return text(props.get("code")) if isinstance(props, dict) else ""


def _plan_feature(number: int, feature: Any, plan: ImportPlan) -> PlannedGrid | None:
    if not _is_geojson(feature, "Feature"):
        plan.errors.append(Problem(number, "", "type", "not a GeoJSON Feature"))
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        plan.errors.append(Problem(number, "", "properties", "missing (need code, name, level)"))
        return None
    code = text(props.get("code"))
    depth = resolve_level(props.get("level"), plan)
    problems = _property_problems(code, props, depth, plan)
    geom, boundary, issue = _feature_geometry(feature.get("geometry"), plan.source_crs)
    if issue:
        problems.append(("geometry", issue))
    plan.errors.extend(Problem(number, code, name, message) for name, message in problems)
    if problems or geom is None or depth is None:
        return None
    return PlannedGrid(
        index=number,
        code=code,
        name=text(props.get("name")),
        depth=depth,
        parent_code=text(props.get("parent_code")),
        boundary=boundary,
        geom=geom,
        households=props.get("households"),
        population=props.get("population"),
    )


def _property_problems(
    code: str, props: dict[str, Any], depth: int | None, plan: ImportPlan
) -> list[tuple[str, str]]:
    """(field, message) pairs in the order an author reads the properties."""
    return [
        *_length_problems("code", code, MAX_CODE_LENGTH),
        *_length_problems("name", text(props.get("name")), MAX_NAME_LENGTH),
        *_level_problems(code, props.get("level"), depth, plan),
        *_count_problems(props),
    ]


def _length_problems(field_name: str, value: str, limit: int) -> list[tuple[str, str]]:
    if not value:
        return [(field_name, "missing")]
    if len(value) > limit:
        return [(field_name, f"longer than {limit} characters")]
    return []


def _level_problems(
    code: str, level: Any, depth: int | None, plan: ImportPlan
) -> list[tuple[str, str]]:
    """The level must be known, and the code must match that level's pattern."""
    if level in (None, ""):
        return [("level", "missing")]
    if depth is None:
        return [("level", f"unknown level {level!r}")]
    pattern = plan.levels[depth].code_pattern
    if code and not re.fullmatch(pattern, code):
        return [("code", f"does not match the pattern {pattern} of level {depth}")]
    return []


def _count_problems(props: dict[str, Any]) -> list[tuple[str, str]]:
    """Households and population are optional, but a given one is a count."""
    return [
        (key, "must be a whole number ≥ 0")
        for key in COUNT_PROPERTIES
        if props.get(key) is not None and not (is_whole(props[key]) and props[key] >= 0)
    ]


def _feature_geometry(
    geometry: Any, crs: str
) -> tuple[BaseGeometry | None, dict[str, Any], str | None]:
    """(WGS-84 shape, WGS-84 GeoJSON, problem). Validity is checked in the file's own
    coordinates first, so a self-intersection is located where the author can find it.

    A straight edge in GCJ-02 or BD-09 is a curve in WGS-84 (metres off over a few km), so edges
    are densified before conversion; else a child corner lying on its parent's long edge would
    stick out of the converted parent by a sliver.
    """
    issue = geometry_problem(geometry)
    if issue:
        return None, {}, issue
    try:
        source = plain_geometry(geometry)
        to_shape(source)
        boundary = convert_boundary(source, crs, "wgs84")
        return to_shape(boundary), boundary, None
    except ApplicationError as exc:
        return None, {}, str(exc.message)
