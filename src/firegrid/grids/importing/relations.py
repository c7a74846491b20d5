"""Checks between features, against the database as it will be after the import: grids that
already exist, the tree (parents, levels, one root) and the geometry relations (containment,
sibling overlaps, gaps).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import convert_point

from ..geometry import BORDER_SLACK_DEG, area_m2
from ..models import Grid
from .plan import ImportPlan, PlannedGrid, Problem

# (field, message) of a problem of one planned grid, or None when there is none.
Finding = tuple[str, str] | None


@dataclass
class _Node:
    code: str
    depth: int
    geom: BaseGeometry
    parent_code: str
    planned: PlannedGrid | None


def check_existing(plan: ImportPlan) -> None:
    """Link planned grids to the grids they update; a code of another jurisdiction is taken."""
    codes = [grid.code for grid in plan.grids]
    existing = {
        grid.code: grid
        for grid in Grid.objects.filter(code__in=codes).select_related("jurisdiction", "parent")
    }
    for planned in plan.grids:
        grid = existing.get(planned.code)
        if grid is None:
            continue
        finding = _existing_problem(planned, grid, plan.jurisdiction_code)
        if finding is None:
            planned.existing = grid
        else:
            plan.errors.append(Problem(planned.index, planned.code, *finding))


def check_tree(plan: ImportPlan) -> None:
    """Every grid has a known parent one level up (whose code it extends); one root."""
    nodes = _known_nodes(plan)
    roots = sorted(code for code, node in nodes.items() if not node.parent_code)
    extends = bool(plan.jurisdiction_options.get("codes_extend_parent", True))
    for planned in plan.grids:
        if planned.parent_code:
            finding = _parent_problem(planned, nodes, plan.broken_codes, extends)
        else:
            finding = _root_problem(planned, roots)
        if finding is not None:
            plan.errors.append(Problem(planned.index, planned.code, *finding))


def check_geometry_relations(plan: ImportPlan) -> None:
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


def _existing_problem(planned: PlannedGrid, grid: Grid, jurisdiction_code: str) -> Finding:
    if grid.jurisdiction.code != jurisdiction_code:
        return "code", f"already used by a grid of {grid.jurisdiction.name}"
    if grid.depth != planned.depth:
        return "level", "an existing grid cannot change level; remove it first"
    return None


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


def _root_problem(planned: PlannedGrid, roots: list[str]) -> Finding:
    if planned.depth != 0:
        return "parent_code", "missing; only the top level (depth 0) has no parent"
    if len(roots) > 1:
        return "parent_code", f"a jurisdiction has one root grid; roots would be {', '.join(roots)}"
    return None


def _parent_problem(
    planned: PlannedGrid, nodes: dict[str, _Node], broken: set[str], extends: bool
) -> Finding:
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


def _geometry_problem(node: _Node, message: str) -> Problem:
    """A geometry finding blamed on `node`: its feature number, or the file for a stored grid."""
    index = node.planned.index if node.planned else None
    return Problem(index, node.code, "geometry", message)


def _where(plan: ImportPlan, geom: BaseGeometry) -> str:
    """A point of `geom`, in the file's own datum so its author can find the spot."""
    point = geom.representative_point()
    lon, lat = convert_point(point.x, point.y, "wgs84", plan.source_crs)
    return f"around ({lon:.6f}, {lat:.6f})"


def _check_containment(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    """A planned child sticking out is its own error; a stored one is the planned parent's."""
    tolerance = settings.FIREGRID_CONTAINMENT_TOLERANCE_M2
    roomy_parent = parent.geom.buffer(BORDER_SLACK_DEG)
    for kid in kids:
        if kid.planned is None and parent.planned is None:
            continue
        outside = kid.geom.difference(roomy_parent)
        outside_m2 = area_m2(outside)
        if outside_m2 <= tolerance:
            continue
        where = _where(plan, outside)
        if kid.planned is not None:
            message = f"{outside_m2:,.0f} m² lies outside parent {parent.code}, {where}"
            plan.errors.append(_geometry_problem(kid, message))
        else:
            message = f"existing child {kid.code} sticks out by {outside_m2:,.0f} m², {where}"
            plan.errors.append(_geometry_problem(parent, message))


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
        message = f"overlaps sibling {second.code} by {overlap_m2:,.0f} m², {_where(plan, overlap)}"
        plan.errors.append(_geometry_problem(first, message))


def _warn_gaps(plan: ImportPlan, parent: _Node, kids: list[_Node]) -> None:
    covered = shapely.union_all([kid.geom for kid in kids])
    gap = parent.geom.buffer(-BORDER_SLACK_DEG).difference(covered)
    gap_m2 = area_m2(gap)
    if gap_m2 > settings.FIREGRID_GAP_WARNING_M2:
        message = (
            f"{gap_m2:,.0f} m² is not covered by its {len(kids)} child grid(s), {_where(plan, gap)}"
        )
        plan.warnings.append(_geometry_problem(parent, message))
