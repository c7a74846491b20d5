"""Checking a grid FeatureCollection before anything is written (all-or-nothing import).

`plan_import` reads a GeoJSON FeatureCollection, converts it to WGS-84 and returns every problem it
finds — per feature and between features — together with the planned grids. Nothing here writes;
`services.grids_import` applies a plan without errors in one transaction.

A feature that is broken itself (bad geometry, missing field…) is reported once and then left out
of the checks between features, so one mistake does not cascade into a list of follow-up errors.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import CRS_CHOICES, convert_point
from firegrid.core.errors import ApplicationError

from .geometry import (
    BORDER_SLACK_DEG,
    area_m2,
    convert_boundary,
    geometry_problem,
    plain_geometry,
    to_shape,
)
from .models import DEFAULT_CODE_PATTERNS, Grid, Jurisdiction

HEADER_KEY = "firegrid"
MAX_NAME_LENGTH = 100
MAX_CODE_LENGTH = 32
JURISDICTION_FLAGS = ("codes_extend_parent", "phones_public")


@dataclass(frozen=True)
class Problem:
    """One finding, naming the feature (1-based, as people count) and the field."""

    feature: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"feature #{self.feature}" if self.feature is not None else "file"
        if self.code:
            where += f" (code {self.code})"
        return f"{where}, {self.field}: {self.message}"


@dataclass
class LevelSpec:
    depth: int
    name: str
    name_en: str = ""
    code_pattern: str = ""
    color: str = ""


@dataclass
class PlannedGrid:
    index: int
    code: str
    name: str
    depth: int
    parent_code: str
    boundary: dict[str, Any]
    geom: BaseGeometry
    households: int | None
    population: int | None
    existing: Grid | None = None


@dataclass
class ImportPlan:
    jurisdiction_code: str
    jurisdiction_name: str
    jurisdiction_options: dict[str, Any]
    levels: dict[int, LevelSpec]
    grids: list[PlannedGrid] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    feature_count: int = 0
    source_crs: str = "wgs84"
    # Codes of features that are in the file but broken themselves: not "unknown" as parents.
    broken_codes: set[str] = field(default_factory=set)

    @classmethod
    def failed(cls, problem: Problem) -> ImportPlan:
        return cls("", "", {}, {}, errors=[problem])


class ImportRejected(ApplicationError):
    code = "import_rejected"
    status = 422

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(
            f"{len(plan.errors)} problem(s) found; nothing was imported", details=plan.errors
        )
        self.plan = plan


def read_collection(raw: bytes | str) -> Any:
    """Parse the file's JSON, or raise ImportRejected naming the line and column."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError as exc:
        problem = Problem(
            None, "", "encoding", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        )
    except json.JSONDecodeError as exc:
        problem = Problem(
            None, "", "json", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
    raise ImportRejected(ImportPlan.failed(problem))


def plan_import(
    collection: Any, *, crs: str | None = None, jurisdiction_code: str | None = None
) -> ImportPlan:
    """Every problem of the file against the database as it is; writes nothing."""
    header = collection.get(HEADER_KEY) if isinstance(collection, dict) else None
    header = header if isinstance(header, dict) else {}
    plan = _plan_header(header, jurisdiction_code)
    source_crs = str(crs or header.get("crs") or settings.FIREGRID_DEFAULT_CRS)
    if source_crs not in CRS_CHOICES:
        plan.errors.append(
            Problem(
                None, "", "crs", f"unknown CRS {source_crs!r}; use one of {', '.join(CRS_CHOICES)}"
            )
        )
        return plan
    plan.source_crs = source_crs
    features = _features(collection, plan)
    if features is not None:
        _plan_features(plan, features)
        _check_existing(plan)
        _check_tree(plan)
        _check_geometry_relations(plan)
    plan.errors.sort(key=lambda p: p.feature or 0)
    plan.warnings.sort(key=lambda p: p.feature or 0)
    return plan


# ------------------------------------------------------------------------ the header


def _plan_header(header: dict[str, Any], jurisdiction_code: str | None) -> ImportPlan:
    raw_info = header.get("jurisdiction")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    code = _text(jurisdiction_code) or _text(info.get("code"))
    existing = Jurisdiction.objects.filter(code=code).first() if code else _only_jurisdiction()
    plan = ImportPlan(
        jurisdiction_code=code or (existing.code if existing else ""),
        jurisdiction_name=_text(info.get("name")) or (existing.name if existing else ""),
        jurisdiction_options=_jurisdiction_options(info),
        levels={},
    )
    if not plan.jurisdiction_code:
        plan.errors.append(
            Problem(None, "", "jurisdiction", "name the jurisdiction (header or --jurisdiction)")
        )
    elif len(plan.jurisdiction_code) > MAX_CODE_LENGTH:
        plan.errors.append(Problem(None, "", "jurisdiction", "code is longer than 32 characters"))
    if existing is not None:
        for level in existing.levels.all():
            plan.levels[level.depth] = LevelSpec(
                level.depth, level.name, level.name_en, level.code_pattern, level.color
            )
        plan.jurisdiction_options.setdefault("codes_extend_parent", existing.codes_extend_parent)
    _header_levels(plan, header.get("levels"))
    return plan


def _only_jurisdiction() -> Jurisdiction | None:
    only = list(Jurisdiction.objects.all()[:2])
    return only[0] if len(only) == 1 else None


def _jurisdiction_options(info: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if isinstance(info.get("name_en"), str):
        options["name_en"] = info["name_en"]
    for key in JURISDICTION_FLAGS:
        if isinstance(info.get(key), bool):
            options[key] = info[key]
    return options


def _header_levels(plan: ImportPlan, raw_levels: Any) -> None:
    if raw_levels is not None and not isinstance(raw_levels, list):
        plan.errors.append(Problem(None, "", "levels", "must be a list of {depth, name, …}"))
        return
    for raw in raw_levels or []:
        depth = raw.get("depth") if isinstance(raw, dict) else None
        if (
            not isinstance(depth, int)
            or isinstance(depth, bool)
            or depth < 0
            or not raw.get("name")
        ):
            plan.errors.append(
                Problem(None, "", "levels", f"level {raw!r} needs a depth ≥ 0 and a name")
            )
            continue
        pattern = str(raw.get("code_pattern") or DEFAULT_CODE_PATTERNS.get(depth, r"^\d+$"))
        try:
            re.compile(pattern)
        except re.error as exc:
            plan.errors.append(
                Problem(None, "", "levels", f"level {raw['name']}: bad pattern ({exc})")
            )
            continue
        plan.levels[depth] = LevelSpec(
            depth=depth,
            name=str(raw["name"]),
            name_en=str(raw.get("name_en", "")),
            code_pattern=pattern,
            color=str(raw.get("color", "")),
        )


# ---------------------------------------------------------------------- each feature


def _features(collection: Any, plan: ImportPlan) -> list[Any] | None:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        plan.errors.append(Problem(None, "", "type", "the file is not a GeoJSON FeatureCollection"))
        return None
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        plan.errors.append(Problem(None, "", "features", "the FeatureCollection has no features"))
        return None
    plan.feature_count = len(features)
    if not plan.levels:
        plan.errors.append(
            Problem(None, "", "levels", "no grid levels are defined for this jurisdiction")
        )
    return features


def _plan_features(plan: ImportPlan, features: list[Any]) -> None:
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


def _feature_code(feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return _text(props.get("code")) if isinstance(props, dict) else ""


def _plan_feature(number: int, feature: Any, plan: ImportPlan) -> PlannedGrid | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        plan.errors.append(Problem(number, "", "type", "not a GeoJSON Feature"))
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        plan.errors.append(Problem(number, "", "properties", "missing (need code, name, level)"))
        return None
    code = _text(props.get("code"))
    problems = _property_problems(code, props, plan)
    geom, boundary, issue = _feature_geometry(feature.get("geometry"), plan.source_crs)
    if issue:
        problems.append(("geometry", issue))
    plan.errors.extend(Problem(number, code, name, message) for name, message in problems)
    depth = _resolve_level(props.get("level"), plan)
    if problems or geom is None or depth is None:
        return None
    return PlannedGrid(
        index=number,
        code=code,
        name=_text(props.get("name")),
        depth=depth,
        parent_code=_text(props.get("parent_code")),
        boundary=boundary,
        geom=geom,
        households=props.get("households"),
        population=props.get("population"),
    )


def _property_problems(code: str, props: dict[str, Any], plan: ImportPlan) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not code:
        problems.append(("code", "missing"))
    elif len(code) > MAX_CODE_LENGTH:
        problems.append(("code", f"longer than {MAX_CODE_LENGTH} characters"))
    name = _text(props.get("name"))
    if not name:
        problems.append(("name", "missing"))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(("name", f"longer than {MAX_NAME_LENGTH} characters"))
    depth = _resolve_level(props.get("level"), plan)
    if props.get("level") in (None, ""):
        problems.append(("level", "missing"))
    elif depth is None:
        problems.append(("level", f"unknown level {props.get('level')!r}"))
    elif code and not re.fullmatch(plan.levels[depth].code_pattern, code):
        pattern = plan.levels[depth].code_pattern
        problems.append(("code", f"does not match the pattern {pattern} of level {depth}"))
    for key in ("households", "population"):
        value = props.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            problems.append((key, "must be a whole number ≥ 0"))
    return problems


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


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _resolve_level(value: Any, plan: ImportPlan) -> int | None:
    """A level is given by depth (0, "0") or by its name in either language."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value in plan.levels else None
    text = _text(value)
    if text.isdigit():
        return int(text) if int(text) in plan.levels else None
    for spec in plan.levels.values():
        if text and text in (spec.name, spec.name_en):
            return spec.depth
    return None


# ------------------------------------------------------------------- between features


def _check_existing(plan: ImportPlan) -> None:
    codes = [grid.code for grid in plan.grids]
    existing = {
        grid.code: grid
        for grid in Grid.objects.filter(code__in=codes).select_related("jurisdiction", "parent")
    }
    for planned in plan.grids:
        grid = existing.get(planned.code)
        if grid is None:
            continue
        if grid.jurisdiction.code != plan.jurisdiction_code:
            plan.errors.append(
                Problem(
                    planned.index,
                    planned.code,
                    "code",
                    f"already used by a grid of {grid.jurisdiction.name}",
                )
            )
        elif grid.depth != planned.depth:
            plan.errors.append(
                Problem(
                    planned.index,
                    planned.code,
                    "level",
                    "an existing grid cannot change level; remove it first",
                )
            )
        else:
            planned.existing = grid


@dataclass
class _Node:
    code: str
    depth: int
    geom: BaseGeometry
    parent_code: str
    planned: PlannedGrid | None


def _known_nodes(plan: ImportPlan) -> dict[str, _Node]:
    """The grid tree as it will be after the import: database grids overlaid by the file."""
    nodes: dict[str, _Node] = {}
    if plan.jurisdiction_code:
        rows = Grid.objects.filter(jurisdiction__code=plan.jurisdiction_code).values_list(
            "code", "depth", "boundary", "parent__code"
        )
        for code, depth, boundary, parent_code in rows:
            nodes[code] = _Node(
                code, depth, shapely.geometry.shape(boundary), parent_code or "", None
            )
    for planned in plan.grids:
        nodes[planned.code] = _Node(
            planned.code, planned.depth, planned.geom, planned.parent_code, planned
        )
    return nodes


def _check_tree(plan: ImportPlan) -> None:
    nodes = _known_nodes(plan)
    roots = sorted(code for code, node in nodes.items() if not node.parent_code)
    extends = bool(plan.jurisdiction_options.get("codes_extend_parent", True))
    for planned in plan.grids:
        if planned.parent_code:
            problem = _parent_problem(planned, nodes, plan.broken_codes, extends)
        else:
            problem = _root_problem(planned, roots)
        if problem is not None:
            field_name, message = problem
            plan.errors.append(Problem(planned.index, planned.code, field_name, message))


def _root_problem(planned: PlannedGrid, roots: list[str]) -> tuple[str, str] | None:
    if planned.depth != 0:
        return "parent_code", "missing; only the top level (depth 0) has no parent"
    if len(roots) > 1:
        return "parent_code", f"a jurisdiction has one root grid; roots would be {', '.join(roots)}"
    return None


def _parent_problem(
    planned: PlannedGrid, nodes: dict[str, _Node], broken: set[str], extends: bool
) -> tuple[str, str] | None:
    parent = nodes.get(planned.parent_code)
    if parent is None:
        # A parent that is in the file but broken has its own error already.
        if planned.parent_code in broken:
            return None
        return "parent_code", f"unknown parent {planned.parent_code!r}"
    if parent.code == planned.code:
        return "parent_code", "a grid cannot be its own parent"
    if parent.depth != planned.depth - 1:
        return (
            "level",
            f"level {planned.depth} cannot sit under parent {parent.code} of level {parent.depth}",
        )
    if extends and not planned.code.startswith(parent.code):
        return "code", f"does not start with its parent's code {parent.code}"
    return None


def _check_geometry_relations(plan: ImportPlan) -> None:
    """Containment in the parent, overlaps between siblings (errors) and gaps (warnings).

    Features that already have an error are left out: their relations would only repeat it.
    """
    flagged = {p.feature for p in plan.errors}
    nodes = {
        code: node
        for code, node in _known_nodes(plan).items()
        if node.planned is None or node.planned.index not in flagged
    }
    children: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_code in nodes:
            children[node.parent_code].append(node)
    touched = {p.parent_code for p in plan.grids if p.parent_code}
    touched |= {p.code for p in plan.grids}
    for parent_code in sorted(touched & set(children)):
        parent, kids = nodes[parent_code], children[parent_code]
        _check_containment(plan, parent, kids)
        _check_siblings(plan, kids)
        _warn_gaps(plan, parent, kids)


def _where(plan: ImportPlan, geom: BaseGeometry) -> str:
    """A point of `geom`, in the file's own datum so its author can find the spot."""
    point = geom.representative_point()
    lon, lat = convert_point(point.x, point.y, "wgs84", plan.source_crs)
    return f"around ({lon:.6f}, {lat:.6f})"


def _check_containment(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    tolerance = settings.FIREGRID_CONTAINMENT_TOLERANCE_M2
    roomy_parent = parent.geom.buffer(BORDER_SLACK_DEG)
    for kid in kids:
        if kid.planned is None and parent.planned is None:
            continue
        outside = kid.geom.difference(roomy_parent)
        outside_m2 = area_m2(outside)
        if outside_m2 <= tolerance:
            continue
        if kid.planned is not None:
            problem = Problem(
                kid.planned.index,
                kid.code,
                "geometry",
                f"{outside_m2:,.0f} m² lies outside parent {parent.code}, {_where(plan, outside)}",
            )
        else:
            assert parent.planned is not None
            problem = Problem(
                parent.planned.index,
                parent.code,
                "geometry",
                f"existing child {kid.code} sticks out by {outside_m2:,.0f} m², "
                f"{_where(plan, outside)}",
            )
        plan.errors.append(problem)


def _check_siblings(plan: ImportPlan, kids: list[_Node]) -> None:
    tolerance = settings.FIREGRID_OVERLAP_TOLERANCE_M2
    geoms = [kid.geom for kid in kids]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = kids[i], kids[j]
        if i >= j or (a.planned is None and b.planned is None):
            continue
        overlap = a.geom.intersection(b.geom.buffer(-BORDER_SLACK_DEG))
        overlap_m2 = area_m2(overlap)
        if overlap_m2 <= tolerance:
            continue
        # Blame the later feature of the file: it is the one drawn over an earlier one.
        first, second = sorted((a, b), key=lambda n: n.planned.index if n.planned else 0)[::-1]
        assert first.planned is not None
        plan.errors.append(
            Problem(
                first.planned.index,
                first.code,
                "geometry",
                f"overlaps sibling {second.code} by {overlap_m2:,.0f} m², {_where(plan, overlap)}",
            )
        )


def _warn_gaps(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    covered = shapely.union_all([kid.geom for kid in kids])
    gap = parent.geom.buffer(-BORDER_SLACK_DEG).difference(covered)
    gap_m2 = area_m2(gap)
    if gap_m2 > settings.FIREGRID_GAP_WARNING_M2:
        index = parent.planned.index if parent.planned else None
        plan.warnings.append(
            Problem(
                index,
                parent.code,
                "geometry",
                f"{gap_m2:,.0f} m² is not covered by its {len(kids)} child grid(s), "
                f"{_where(plan, gap)}",
            )
        )
