"""Checking a grid FeatureCollection before anything is written (all-or-nothing import).

`plan_import` reads a GeoJSON FeatureCollection, converts it to WGS-84 and returns every problem it
finds — per feature and between features — together with the planned grids. Nothing here writes;
`services.grids_import` applies a plan without errors in one transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import CRS_CHOICES, convert_geometry
from firegrid.core.errors import ApplicationError

from .geometry import area_m2, geometry_problem, to_shape
from .models import DEFAULT_CODE_PATTERNS, Grid, GridLevel, Jurisdiction

HEADER_KEY = "firegrid"
MAX_NAME_LENGTH = 100


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


class ImportRejected(ApplicationError):
    code = "import_rejected"
    status = 422

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(
            f"{len(plan.errors)} problem(s) found; nothing was imported", details=plan.errors
        )
        self.plan = plan


def plan_import(
    collection: Any, *, crs: str | None = None, jurisdiction_code: str | None = None
) -> ImportPlan:
    header = collection.get(HEADER_KEY, {}) if isinstance(collection, dict) else {}
    header = header if isinstance(header, dict) else {}
    plan = _plan_header(header, jurisdiction_code)
    source_crs = crs or header.get("crs") or settings.FIREGRID_DEFAULT_CRS
    if source_crs not in CRS_CHOICES:
        plan.errors.append(
            Problem(None, "", "crs", f"unknown CRS {source_crs!r}; use one of {', '.join(CRS_CHOICES)}")
        )
        return plan
    features = _features(collection, plan)
    if features is None:
        return plan
    plan.feature_count = len(features)
    if not plan.levels:
        plan.errors.append(Problem(None, "", "levels", "no grid levels are defined for this jurisdiction"))
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        planned = _plan_feature(number, feature, plan, source_crs)
        if planned is None:
            continue
        if planned.code in seen:
            plan.errors.append(
                Problem(number, planned.code, "code", f"duplicate code (also feature #{seen[planned.code]})")
            )
            continue
        seen[planned.code] = number
        plan.grids.append(planned)
    _check_existing(plan)
    _check_tree(plan)
    _check_geometry_relations(plan)
    return plan


def _plan_header(header: dict[str, Any], jurisdiction_code: str | None) -> ImportPlan:
    info = header.get("jurisdiction") if isinstance(header.get("jurisdiction"), dict) else {}
    code = str(jurisdiction_code or info.get("code") or "")
    existing = Jurisdiction.objects.filter(code=code).first() if code else None
    if not code:
        only = list(Jurisdiction.objects.all()[:2])
        existing = only[0] if len(only) == 1 else None
        code = existing.code if existing else ""
    plan = ImportPlan(
        jurisdiction_code=code,
        jurisdiction_name=str(info.get("name") or (existing.name if existing else "")),
        jurisdiction_options={
            key: info[key]
            for key in ("name_en", "codes_extend_parent", "phones_public")
            if key in info
        },
        levels={},
    )
    if not code:
        plan.errors.append(
            Problem(None, "", "jurisdiction", "name the jurisdiction (header or --jurisdiction)")
        )
    if existing is not None:
        for level in existing.levels.all():
            plan.levels[level.depth] = LevelSpec(
                level.depth, level.name, level.name_en, level.code_pattern, level.color
            )
    for raw in header.get("levels") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("depth"), int) or not raw.get("name"):
            plan.errors.append(Problem(None, "", "levels", f"level {raw!r} needs depth and name"))
            continue
        depth = raw["depth"]
        plan.levels[depth] = LevelSpec(
            depth=depth,
            name=str(raw["name"]),
            name_en=str(raw.get("name_en", "")),
            code_pattern=str(raw.get("code_pattern") or DEFAULT_CODE_PATTERNS.get(depth, r"^\d+$")),
            color=str(raw.get("color", "")),
        )
    for spec in plan.levels.values():
        try:
            re.compile(spec.code_pattern)
        except re.error as exc:
            plan.errors.append(Problem(None, "", "levels", f"level {spec.name}: bad pattern ({exc})"))
    return plan


def _features(collection: Any, plan: ImportPlan) -> list[Any] | None:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        plan.errors.append(Problem(None, "", "type", "the file is not a GeoJSON FeatureCollection"))
        return None
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        plan.errors.append(Problem(None, "", "features", "the FeatureCollection has no features"))
        return None
    return features


def _plan_feature(number: int, feature: Any, plan: ImportPlan, crs: str) -> PlannedGrid | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        plan.errors.append(Problem(number, "", "type", "not a GeoJSON Feature"))
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        plan.errors.append(Problem(number, "", "properties", "properties are missing"))
        return None
    code = _text(props.get("code"))
    problems: list[Problem] = []

    def bad(field_name: str, message: str) -> None:
        problems.append(Problem(number, code, field_name, message))

    if not code:
        bad("code", "missing")
    name = _text(props.get("name"))
    if not name:
        bad("name", "missing")
    elif len(name) > MAX_NAME_LENGTH:
        bad("name", f"longer than {MAX_NAME_LENGTH} characters")
    depth = _resolve_level(props.get("level"), plan)
    if depth is None:
        bad("level", f"unknown level {props.get('level')!r}")
    elif code and not re.fullmatch(plan.levels[depth].code_pattern, code):
        bad("code", f"does not match the pattern {plan.levels[depth].code_pattern} of its level")
    counts = {}
    for key in ("households", "population"):
        value = props.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            bad(key, "must be a whole number ≥ 0")
        counts[key] = value if isinstance(value, int) and not isinstance(value, bool) else None
    geometry = feature.get("geometry")
    issue = geometry_problem(geometry)
    geom = None
    boundary: dict[str, Any] = {}
    if issue:
        bad("geometry", issue)
    else:
        boundary = convert_geometry(geometry, crs, "wgs84")
        try:
            geom = to_shape(boundary)
        except ApplicationError as exc:
            bad("geometry", str(exc.message))
    plan.errors.extend(problems)
    if problems or geom is None or depth is None:
        return None
    return PlannedGrid(
        index=number,
        code=code,
        name=name,
        depth=depth,
        parent_code=_text(props.get("parent_code")),
        boundary=boundary,
        geom=geom,
        households=counts["households"],
        population=counts["population"],
    )


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _resolve_level(value: Any, plan: ImportPlan) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value in plan.levels else None
    text = _text(value)
    if text.isdigit():
        return int(text) if int(text) in plan.levels else None
    for spec in plan.levels.values():
        if text and text in (spec.name, spec.name_en):
            return spec.depth
    return None


def _check_existing(plan: ImportPlan) -> None:
    codes = [grid.code for grid in plan.grids]
    existing = {
        grid.code: grid
        for grid in Grid.objects.filter(code__in=codes).select_related("jurisdiction", "level")
    }
    for planned in plan.grids:
        grid = existing.get(planned.code)
        if grid is None:
            continue
        if grid.jurisdiction.code != plan.jurisdiction_code:
            plan.errors.append(
                Problem(planned.index, planned.code, "code",
                        f"already used by a grid of {grid.jurisdiction.name}")
            )
        elif grid.depth != planned.depth:
            plan.errors.append(
                Problem(planned.index, planned.code, "level",
                        "an existing grid cannot change level; remove it first")
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
            nodes[code] = _Node(code, depth, shapely.geometry.shape(boundary), parent_code or "", None)
    for planned in plan.grids:
        nodes[planned.code] = _Node(
            planned.code, planned.depth, planned.geom, planned.parent_code, planned
        )
    return nodes


def _check_tree(plan: ImportPlan) -> None:
    nodes = _known_nodes(plan)
    roots = sorted(code for code, node in nodes.items() if not node.parent_code)
    extends = bool(plan.jurisdiction_options.get("codes_extend_parent", _extends_default(plan)))
    for planned in plan.grids:
        if not planned.parent_code:
            if planned.depth != 0:
                plan.errors.append(
                    Problem(planned.index, planned.code, "parent_code",
                            "missing; only the top level (depth 0) has no parent")
                )
            elif len(roots) > 1:
                plan.errors.append(
                    Problem(planned.index, planned.code, "parent_code",
                            f"a jurisdiction has one root grid; roots would be {', '.join(roots)}")
                )
            continue
        parent = nodes.get(planned.parent_code)
        if parent is None:
            plan.errors.append(
                Problem(planned.index, planned.code, "parent_code",
                        f"unknown parent {planned.parent_code!r}")
            )
        elif parent.depth != planned.depth - 1:
            plan.errors.append(
                Problem(planned.index, planned.code, "level",
                        f"level depth {planned.depth} cannot sit under parent at depth {parent.depth}")
            )
        elif extends and not planned.code.startswith(parent.code):
            plan.errors.append(
                Problem(planned.index, planned.code, "code",
                        f"does not start with its parent's code {parent.code}")
            )


def _extends_default(plan: ImportPlan) -> bool:
    jurisdiction = Jurisdiction.objects.filter(code=plan.jurisdiction_code).first()
    return jurisdiction.codes_extend_parent if jurisdiction else True


def _check_geometry_relations(plan: ImportPlan) -> None:
    if plan.errors:
        # Relations between broken features would only repeat the same problems.
        return
    nodes = _known_nodes(plan)
    children: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_code:
            children[node.parent_code].append(node)
    touched_parents = {p.parent_code for p in plan.grids if p.parent_code}
    touched_parents |= {p.code for p in plan.grids if children.get(p.code)}
    for parent_code in sorted(touched_parents):
        parent = nodes.get(parent_code)
        if parent is None:
            continue
        _check_containment(plan, parent, children[parent_code])
        _check_siblings(plan, children[parent_code])
        _warn_gaps(plan, parent, children[parent_code])


def _check_containment(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    tolerance = settings.FIREGRID_CONTAINMENT_TOLERANCE_M2
    for kid in kids:
        if kid.planned is None and parent.planned is None:
            continue
        outside = kid.geom.difference(parent.geom)
        outside_m2 = area_m2(outside)
        if outside_m2 > tolerance:
            where = outside.representative_point()
            index = kid.planned.index if kid.planned else (parent.planned.index if parent.planned else None)
            plan.errors.append(
                Problem(index, kid.code, "geometry",
                        f"{outside_m2:,.0f} m² lies outside parent {parent.code}, "
                        f"around ({where.x:.6f}, {where.y:.6f})")
            )


def _check_siblings(plan: ImportPlan, kids: list[_Node]) -> None:
    tolerance = settings.FIREGRID_OVERLAP_TOLERANCE_M2
    tree = shapely.STRtree([kid.geom for kid in kids])
    left, right = tree.query([kid.geom for kid in kids], predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = kids[i], kids[j]
        if i >= j or (a.planned is None and b.planned is None):
            continue
        overlap = a.geom.intersection(b.geom)
        overlap_m2 = area_m2(overlap)
        if overlap_m2 > tolerance:
            where = overlap.representative_point()
            first, second = (a, b) if a.planned else (b, a)
            assert first.planned is not None
            plan.errors.append(
                Problem(first.planned.index, first.code, "geometry",
                        f"overlaps sibling {second.code} by {overlap_m2:,.0f} m² "
                        f"around ({where.x:.6f}, {where.y:.6f})")
            )


def _warn_gaps(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    covered = shapely.union_all([kid.geom for kid in kids])
    gap_m2 = area_m2(parent.geom.difference(covered))
    if gap_m2 > settings.FIREGRID_GAP_WARNING_M2:
        index = parent.planned.index if parent.planned else None
        plan.warnings.append(
            Problem(index, parent.code, "geometry",
                    f"{gap_m2:,.0f} m² of the grid is not covered by its {len(kids)} child grid(s)")
        )
