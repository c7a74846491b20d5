"""Reads of the grids app, always through the viewer's data scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from firegrid.core.coords import convert_point
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from .importing import ImportRejected, read_collection
from .locator import get_locator
from .models import Grid, Jurisdiction

# An import file larger than this is refused before it is parsed (page and API alike).
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def grid_queryset(user: Any, *, manage: bool = False) -> QuerySet[Grid]:
    return Grid.objects.filter(user_scope(user).q(manage=manage)).select_related("level")


def grid_get(user: Any, grid_id: int, *, manage: bool = False) -> Grid:
    """A grid in scope, or NotFound — the same answer as for a grid that does not exist."""
    grid = (
        grid_queryset(user, manage=manage).select_related("jurisdiction").filter(pk=grid_id).first()
    )
    if grid is None:
        raise NotFound(_("Grid not found."), code="grid_not_found")
    return grid


def grid_may_manage(user: Any, grid: Grid) -> bool:
    """Whether the viewer may edit this grid (a role with `can_manage` on it or an ancestor)."""
    return user_scope(user).covers(grid.path, manage=True)


def grid_ancestors_in_scope(user: Any, grid: Grid) -> list[Grid]:
    """The grid's ancestors the viewer may see, root first (a 网格员 sees none above their grid)."""
    scope = user_scope(user)
    return [g for g in grid_ancestors(grid) if scope.covers(g.path)]


def grid_neighbours(user: Any, grid: Grid) -> QuerySet[Grid]:
    """Adjacent grids (相邻网格) of the same level, inside the viewer's scope."""
    return grid_queryset(user).filter(neighbours=grid).order_by("code")


def grid_list(
    user: Any,
    *,
    parent_id: int | None = None,
    depth: int | None = None,
    search: str = "",
    jurisdiction_id: int | None = None,
) -> QuerySet[Grid]:
    grids = grid_queryset(user).annotate(child_count=Count("children"))
    if parent_id is not None:
        grids = grids.filter(parent_id=parent_id)
    if depth is not None:
        grids = grids.filter(depth=depth)
    if jurisdiction_id is not None:
        grids = grids.filter(jurisdiction_id=jurisdiction_id)
    if search:
        grids = grids.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return grids.order_by("path")


def grid_scope_roots(user: Any) -> QuerySet[Grid]:
    """The top grids of the viewer's scope: where their tree view starts."""
    scope = user_scope(user)
    if scope.everything:
        return Grid.objects.filter(parent__isnull=True).select_related("level")
    ids = [int(path.strip("/").split("/")[-1]) for path in scope.read_paths]
    return Grid.objects.filter(pk__in=ids).select_related("level").order_by("path")


def grid_ancestors(grid: Grid) -> list[Grid]:
    ids = grid.ancestor_ids[:-1]
    by_id = {
        g.pk: g for g in Grid.objects.filter(pk__in=ids).select_related("level").defer("boundary")
    }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class Located:
    lon_wgs84: float
    lat_wgs84: float
    chain: list[Grid]

    @property
    def leaf(self) -> Grid:
        return self.chain[-1]


def grid_locate(user: Any, *, lon: float, lat: float, crs: str) -> Located:
    """Route a point to its leaf grid and the ancestor chain (root first), inside the scope."""
    try:
        wlon, wlat = convert_point(lon, lat, crs, "wgs84")
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="crs_invalid") from exc
    chain_ids = get_locator().chain(wlon, wlat)
    scope = user_scope(user)
    grids = {
        g.pk: g
        for g in Grid.objects.filter(pk__in=chain_ids).select_related("level").defer("boundary")
    }
    chain = [grids[i] for i in chain_ids if i in grids and scope.covers(grids[i].path)]
    if not chain_ids or not chain or chain[-1].pk != chain_ids[-1]:
        raise NotFound(_("No grid of yours contains this point."), code="point_not_in_grid")
    return Located(lon_wgs84=wlon, lat_wgs84=wlat, chain=chain)


def grid_feature(grid: Grid, *, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": grid.pk,
        "geometry": grid.boundary,
        "properties": {
            "id": grid.pk,
            "code": grid.code,
            "name": grid.name,
            "depth": grid.depth,
            "level": grid.level.name,
            "level_name_en": grid.level.name_en,
            "color": grid.level.color,
            "parent_id": grid.parent_id,
            "households": grid.households,
            "population": grid.population,
            **(properties or {}),
        },
    }


def grid_feature_collection(grids: QuerySet[Grid] | list[Grid]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [grid_feature(g) for g in grids]}


def jurisdiction_get(user: Any, code: str) -> Jurisdiction:
    """A jurisdiction whose root grid is in the viewer's scope, or NotFound."""
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    roots = Grid.objects.filter(jurisdiction=jurisdiction, parent__isnull=True)
    scope = user_scope(user)
    if jurisdiction is None or not any(scope.covers(root.path) for root in roots):
        raise NotFound(_("Jurisdiction not found."), code="jurisdiction_not_found")
    return jurisdiction


def grids_may_import(user: Any, *, jurisdiction_code: str | None) -> bool:
    """Importing rewrites a whole jurisdiction: a superuser, or a manager of its root grid.

    Without a code (no header yet): whether the viewer manages any jurisdiction's root at all.
    """
    scope = user_scope(user)
    if scope.everything:
        return True
    roots = Grid.objects.filter(parent__isnull=True)
    if jurisdiction_code:
        roots = roots.filter(jurisdiction__code=jurisdiction_code)
    return any(scope.covers(root.path, manage=True) for root in roots)


def import_upload_read(upload: Any) -> Any:
    """The JSON of an uploaded import file, parsed as `firegrid grids import` parses it.

    Raises ValidationFailed `file_too_large` before reading a file over 50 MB, and `not_json`
    naming the line and column where the JSON breaks (or the byte that is not UTF-8).
    """
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationFailed(_("The file is larger than 50 MB."), code="file_too_large")
    try:
        return read_collection(upload.read())
    except ImportRejected as rejected:
        reason = "; ".join(problem.message for problem in rejected.plan.errors)
        raise ValidationFailed(
            _("The file is not valid GeoJSON: %(error)s") % {"error": reason}, code="not_json"
        ) from rejected


def import_header_jurisdiction_code(collection: Any) -> str | None:
    """The jurisdiction code from the file's `firegrid` header, if it has one."""
    header = collection.get("firegrid") if isinstance(collection, dict) else None
    info = header.get("jurisdiction") if isinstance(header, dict) else None
    code = info.get("code") if isinstance(info, dict) else None
    return str(code) if code else None


def grids_import_jurisdiction(
    user: Any, *, collection: Any, jurisdiction_code: str | None = None
) -> str | None:
    """The jurisdiction an import goes to (the code given, else the file's header), once the
    viewer is known to be allowed to import there; PermissionDenied otherwise."""
    code = jurisdiction_code or import_header_jurisdiction_code(collection)
    if not grids_may_import(user, jurisdiction_code=code):
        raise PermissionDenied(
            _("Only the jurisdiction's grid office may import grids."), code="not_manager"
        )
    return code


def jurisdiction_export(jurisdiction: Jurisdiction, *, crs: str = "wgs84") -> dict[str, Any]:
    """A FeatureCollection that `grids_import` reads back unchanged (header + every grid)."""
    from firegrid.core.coords import convert_geometry

    grids = Grid.objects.filter(jurisdiction=jurisdiction).select_related("parent").order_by("path")
    return {
        "type": "FeatureCollection",
        "firegrid": {
            "crs": crs,
            "jurisdiction": {
                "code": jurisdiction.code,
                "name": jurisdiction.name,
                "name_en": jurisdiction.name_en,
                "codes_extend_parent": jurisdiction.codes_extend_parent,
                "phones_public": jurisdiction.phones_public,
            },
            "levels": [
                {
                    "depth": level.depth,
                    "name": level.name,
                    "name_en": level.name_en,
                    "code_pattern": level.code_pattern,
                    "color": level.color,
                }
                for level in jurisdiction.levels.order_by("depth")
            ],
        },
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "level": grid.depth,
                    "parent_code": grid.parent.code if grid.parent else None,
                    "households": grid.households,
                    "population": grid.population,
                },
                "geometry": convert_geometry(grid.boundary, "wgs84", crs),
            }
            for grid in grids
        ],
    }


def grid_tree(user: Any, *, levels: int = 2) -> list[dict[str, Any]]:
    """Nested dicts from the viewer's scope roots down `levels` levels, in one query per root."""
    trees = []
    for root in grid_scope_roots(user):
        rows = (
            Grid.objects.filter(path__startswith=root.path, depth__lte=root.depth + levels)
            .select_related("level")
            .order_by("depth", "code")
        )
        nodes: dict[int, dict[str, Any]] = {}
        for grid in rows:
            node = {
                "id": grid.pk,
                "code": grid.code,
                "name": grid.name,
                "depth": grid.depth,
                "level_name": grid.level.name,
                "level_name_en": grid.level.name_en,
                "children": [],
            }
            nodes[grid.pk] = node
            if grid.parent_id in nodes and grid.pk != root.pk:
                nodes[grid.parent_id]["children"].append(node)
        trees.append(nodes[root.pk])
    return trees
