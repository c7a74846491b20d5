"""Writes of the grids app: import (all-or-nothing), attribute edits, paths and adjacency."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import SystemState
from firegrid.people.scope import user_scope

from .geometry import derive, same_boundary, shared_border_m
from .importing import ImportPlan, ImportRejected, PlannedGrid, Problem, plan_import
from .models import DEFAULT_CODE_PATTERNS, Grid, GridLevel, Jurisdiction
from .selectors import grids_may_import

GRID_VERSION_KEY = "grids.version"
LEVEL_COLORS = ["#5c2d91", "#c92a2a", "#e67700", "#2b8a3e", "#1864ab", "#495057"]
# Grids sharing at least this much border are neighbours; touching at a corner is not enough.
MIN_SHARED_BORDER_M = 1.0
# Polygons closer than this (degrees, ≈ 0.1 m) count as touching despite floating-point noise.
BORDER_EPS_DEG = 1e-6

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass
class ImportResult:
    jurisdiction: Jurisdiction | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    warnings: list[Problem] = field(default_factory=list)


@transaction.atomic
def grids_import(
    *,
    collection: Any,
    actor: Actor,
    crs: str | None = None,
    jurisdiction_code: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Check the whole FeatureCollection, then write all of it or nothing.

    Raises ImportRejected listing every problem found; warnings (gaps) do not block. Checking
    and writing share one transaction, so a concurrent import cannot slip in between.
    """
    plan = plan_import(collection, crs=crs, jurisdiction_code=jurisdiction_code)
    _require_import_right(actor, plan.jurisdiction_code)
    if plan.errors:
        raise ImportRejected(plan)
    if dry_run:
        return _dry_run_result(plan)
    return _apply_plan(plan, actor)


def _require_import_right(actor: Actor, jurisdiction_code: str) -> None:
    """`actor=None` is the system (CLI, demo loader); a user must manage the jurisdiction."""
    if actor is not None and not grids_may_import(
        actor, jurisdiction_code=jurisdiction_code or None
    ):
        raise PermissionDenied(
            _("Only the jurisdiction's grid office may import grids."), code="not_manager"
        )


def _dry_run_result(plan: ImportPlan) -> ImportResult:
    changed = [_changed_fields(g, _current_parent_code(g)) for g in plan.grids if g.existing]
    return ImportResult(
        jurisdiction=Jurisdiction.objects.filter(code=plan.jurisdiction_code).first(),
        created=sum(1 for g in plan.grids if g.existing is None),
        updated=sum(1 for fields in changed if fields),
        unchanged=sum(1 for fields in changed if not fields),
        dry_run=True,
        warnings=plan.warnings,
    )


def _current_parent_code(planned: PlannedGrid) -> str:
    grid = planned.existing
    return grid.parent.code if grid is not None and grid.parent is not None else ""


def _apply_plan(plan: ImportPlan, actor: Actor) -> ImportResult:
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        code=plan.jurisdiction_code,
        defaults={
            "name": plan.jurisdiction_name or plan.jurisdiction_code,
            **plan.jurisdiction_options,
        },
    )
    levels = _upsert_levels(jurisdiction, plan)
    result = ImportResult(jurisdiction=jurisdiction, warnings=plan.warnings)
    by_code = {
        g.code: g for g in Grid.objects.filter(jurisdiction=jurisdiction).only("id", "code", "path")
    }
    for depth in sorted({g.depth for g in plan.grids}):
        batch = [g for g in plan.grids if g.depth == depth]
        new = [g for g in batch if g.existing is None]
        created = Grid.objects.bulk_create(
            [_new_grid(g, jurisdiction, levels[depth], by_code) for g in new]
        )
        by_code.update({grid.code: grid for grid in created})
        result.created += len(created)
        for planned in batch:
            if planned.existing is not None:
                changed = _update_grid(planned, by_code)
                result.updated += int(changed)
                result.unchanged += int(not changed)
    grids_rebuild_paths(jurisdiction=jurisdiction)
    grids_rebuild_neighbours(jurisdiction=jurisdiction)
    if result.created or result.updated:
        # Only a real change makes every process rebuild its spatial index.
        grids_bump_version()
    audit_record(
        actor=actor,
        action="grids.import",
        target=jurisdiction,
        data={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "crs": plan.source_crs,
            "warnings": len(plan.warnings),
        },
    )
    return result


def _upsert_levels(jurisdiction: Jurisdiction, plan: ImportPlan) -> dict[int, GridLevel]:
    levels: dict[int, GridLevel] = {}
    for depth, spec in sorted(plan.levels.items()):
        level, _ = GridLevel.objects.update_or_create(
            jurisdiction=jurisdiction,
            depth=depth,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "code_pattern": spec.code_pattern or DEFAULT_CODE_PATTERNS.get(depth, r"^\d+$"),
                "color": spec.color or LEVEL_COLORS[depth % len(LEVEL_COLORS)],
            },
        )
        levels[depth] = level
    return levels


def _geometry_fields(planned: PlannedGrid) -> dict[str, Any]:
    derived = derive(planned.geom)
    return {
        "boundary": planned.boundary,
        "min_lon": derived.min_lon,
        "min_lat": derived.min_lat,
        "max_lon": derived.max_lon,
        "max_lat": derived.max_lat,
        "centroid_lon": derived.centroid_lon,
        "centroid_lat": derived.centroid_lat,
        "area_m2": derived.area_m2,
    }


def _attribute_fields(planned: PlannedGrid) -> dict[str, Any]:
    return {
        "name": planned.name,
        "households": planned.households,
        "population": planned.population,
    }


def _new_grid(
    planned: PlannedGrid, jurisdiction: Jurisdiction, level: GridLevel, by_code: dict[str, Grid]
) -> Grid:
    parent = by_code.get(planned.parent_code) if planned.parent_code else None
    return Grid(
        jurisdiction=jurisdiction,
        level=level,
        parent=parent,
        code=planned.code,
        depth=planned.depth,
        path="",
        **_attribute_fields(planned),
        **_geometry_fields(planned),
    )


def _changed_fields(planned: PlannedGrid, current_parent_code: str) -> dict[str, Any]:
    """The values an import would change on an existing grid ({} = unchanged).

    A boundary within ~10 cm of the stored one counts as the same (an export in GCJ-02 read back
    moves vertices by one unit of the 7th decimal), so a round trip reports "unchanged".
    """
    grid = planned.existing
    assert grid is not None
    values = _attribute_fields(planned)
    changed = {name: value for name, value in values.items() if getattr(grid, name) != value}
    if not same_boundary(grid.boundary, planned.boundary):
        changed.update(_geometry_fields(planned))
    if current_parent_code != planned.parent_code:
        changed["parent"] = planned.parent_code
    return changed


def _update_grid(planned: PlannedGrid, by_code: dict[str, Grid]) -> bool:
    grid = planned.existing
    assert grid is not None
    changed = _changed_fields(planned, _current_parent_code(planned))
    if "parent" in changed:
        changed.pop("parent")
        changed["parent_id"] = by_code[planned.parent_code].pk if planned.parent_code else None
    for name, value in changed.items():
        setattr(grid, name, value)
    if changed:
        grid.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def grids_rebuild_paths(*, jurisdiction: Jurisdiction) -> int:
    """Recompute materialised paths and depths top-down; returns how many rows changed."""
    rows = list(
        Grid.objects.filter(jurisdiction=jurisdiction).values_list(
            "id", "parent_id", "path", "depth"
        )
    )
    parents = {gid: parent_id for gid, parent_id, _path, _depth in rows}
    computed: dict[int, str] = {}

    def path_of(gid: int) -> str:
        if gid not in computed:
            parent_id = parents[gid]
            computed[gid] = (path_of(parent_id) if parent_id else "/") + f"{gid}/"
        return computed[gid]

    stale = []
    for gid, _parent, path, depth in rows:
        new_path = path_of(gid)
        new_depth = new_path.count("/") - 2
        if new_path != path or new_depth != depth:
            stale.append(Grid(id=gid, path=new_path, depth=new_depth))
    Grid.objects.bulk_update(stale, ["path", "depth"], batch_size=1000)
    return len(stale)


def grids_rebuild_neighbours(*, jurisdiction: Jurisdiction) -> int:
    """Derive adjacency (相邻网格): grids of the same level sharing a border; returns pair count."""
    by_depth: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    rows = Grid.objects.filter(jurisdiction=jurisdiction).values_list("id", "depth", "boundary")
    for gid, depth, boundary in rows:
        by_depth[depth].append((gid, shapely.geometry.shape(boundary)))
    pairs: set[tuple[int, int]] = set()
    for members in by_depth.values():
        pairs |= _touching_pairs(members)
    _replace_neighbour_links(jurisdiction, pairs)
    return len(pairs)


def _touching_pairs(members: list[tuple[int, Any]]) -> set[tuple[int, int]]:
    """Pairs of one level whose shared border is long enough; each polygon is grown only once."""
    ids = [gid for gid, _geom in members]
    geoms = [geom for _gid, geom in members]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=BORDER_EPS_DEG)
    grown: dict[int, Any] = {}
    pairs: set[tuple[int, int]] = set()
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        if i not in grown:
            grown[i] = geoms[i].buffer(BORDER_EPS_DEG)
        if shared_border_m(geoms[i], geoms[j], grown_a=grown[i]) >= MIN_SHARED_BORDER_M:
            pairs.add((ids[i], ids[j]))
    return pairs


def _replace_neighbour_links(jurisdiction: Jurisdiction, pairs: set[tuple[int, int]]) -> None:
    through = Grid.neighbours.through
    links = through.objects.filter(from_grid__jurisdiction=jurisdiction)
    wanted = pairs | {(b, a) for a, b in pairs}
    if set(links.values_list("from_grid_id", "to_grid_id")) == wanted:
        return  # an unchanged re-import rewrites nothing
    links.delete()
    through.objects.bulk_create(
        [through(from_grid_id=a, to_grid_id=b) for a, b in wanted], batch_size=2000
    )


@transaction.atomic
def grids_bump_version() -> int:
    """Tell every process that grid geometry changed, so each rebuilds its spatial index."""
    state, _ = SystemState.objects.select_for_update().get_or_create(
        key=GRID_VERSION_KEY, defaults={"value": {"v": 0}}
    )
    # Microseconds since the epoch, kept strictly increasing: a version number never comes back,
    # not even after a rolled-back transaction, so no process can mistake a stale index for new.
    state.value = {"v": max(int(state.value.get("v", 0)) + 1, time.time_ns() // 1000)}
    state.save(update_fields=["value", "updated_at"])
    return int(state.value["v"])


EDITABLE_FIELDS = ("name", "households", "population")


@transaction.atomic
def grid_update(*, actor: Actor, grid: Grid, changes: dict[str, Any]) -> Grid:
    """Edit a grid's attributes (boundaries change through an import, which checks the tree).

    `actor=None` is the system itself; a user must manage the grid's subtree.
    """
    if actor is not None and not user_scope(actor).covers(grid.path, manage=True):
        raise PermissionDenied(_("Your role may not change this grid."), code="not_manager")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"these fields cannot be edited here: {', '.join(sorted(unknown))}")
    name = changes.get("name", grid.name)
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("name must not be empty", code="name_required")
    for key in ("households", "population"):
        value = changes.get(key, getattr(grid, key))
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ValidationFailed(f"{key} must be a whole number ≥ 0", code=f"{key}_invalid")
    before = {key: getattr(grid, key) for key in changes}
    for key, value in changes.items():
        setattr(grid, key, value.strip() if isinstance(value, str) else value)
    grid.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action="grid.update",
        target=grid,
        data={"before": before, "after": {key: getattr(grid, key) for key in changes}},
    )
    return grid
