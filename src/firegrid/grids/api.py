"""/api/v1/grids: tree, detail, GeoJSON, point location, import and export."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from firegrid.core.coords import CRS_CHOICES
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from . import selectors, services
from .importing import ImportRejected, Problem
from .models import Grid, Jurisdiction
from .schemas import (
    FeatureCollectionOut,
    GridDetailOut,
    GridOut,
    GridPatchIn,
    GridTreeNode,
    ImportOut,
    LocateOut,
)

router = Router(tags=["grids"])
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def grid_out(grid: Grid) -> dict[str, Any]:
    return {
        "id": grid.pk,
        "code": grid.code,
        "name": grid.name,
        "depth": grid.depth,
        "level_name": grid.level.name,
        "parent_id": grid.parent_id,
        "households": grid.households,
        "population": grid.population,
        "area_m2": grid.area_m2,
        "centroid_lon": grid.centroid_lon,
        "centroid_lat": grid.centroid_lat,
        "bbox": [grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat],
        "child_count": getattr(grid, "child_count", None),
    }


class GridFilters(Schema):
    parent: int | None = None
    depth: int | None = None
    q: str = ""


@router.get("/grids", response=list[GridOut])
@paginate(PageNumberPagination, page_size=100)
def list_grids(request: HttpRequest, filters: Query[GridFilters]) -> Any:
    grids = selectors.grid_list(
        request.user, parent_id=filters.parent, depth=filters.depth, search=filters.q.strip()
    )
    return [grid_out(g) for g in grids]


@router.get("/grids/tree", response=list[GridTreeNode])
def grid_tree(request: HttpRequest, levels: int = 2) -> Any:
    """The viewer's scope roots with their descendants `levels` deep (max 4)."""
    return selectors.grid_tree(request.user, levels=max(0, min(levels, 4)))


class LocateQuery(Schema):
    lon: float
    lat: float
    crs: str | None = None


@router.get("/grids/locate", response=LocateOut)
def locate(request: HttpRequest, query: Query[LocateQuery]) -> Any:
    from django.conf import settings

    crs = query.crs or settings.FIREGRID_DEFAULT_CRS
    if crs not in CRS_CHOICES:
        raise ValidationFailed(f"crs must be one of {', '.join(CRS_CHOICES)}", code="crs_invalid")
    located = selectors.grid_locate(request.user, lon=query.lon, lat=query.lat, crs=crs)
    return {
        "lon_wgs84": located.lon_wgs84,
        "lat_wgs84": located.lat_wgs84,
        "leaf": grid_out(located.leaf),
        "chain": [grid_out(g) for g in located.chain],
    }


@router.get("/grids/geojson", response=FeatureCollectionOut)
def grids_geojson(
    request: HttpRequest, parent: int | None = None, depth: int | None = None
) -> Any:
    """Polygons for the map: the children of `parent`, or every grid at `depth` in scope."""
    if parent is None and depth is None:
        grids = selectors.grid_scope_roots(request.user)
    else:
        grids = selectors.grid_list(request.user, parent_id=parent, depth=depth)
    return selectors.grid_feature_collection(grids)


@router.get("/grids/{grid_id}", response=GridDetailOut)
def grid_detail(request: HttpRequest, grid_id: int) -> Any:
    grid = selectors.grid_get(request.user, grid_id)
    scope = user_scope(request.user)
    return {
        **grid_out(grid),
        "jurisdiction_code": grid.jurisdiction.code,
        "ancestors": [grid_out(g) for g in selectors.grid_ancestors(grid) if scope.covers(g.path)],
        "neighbour_ids": sorted(
            g.pk for g in grid.neighbours.all() if scope.covers(g.path)
        ),
    }


@router.patch("/grids/{grid_id}", response=GridOut)
def grid_patch(request: HttpRequest, grid_id: int, payload: GridPatchIn) -> Any:
    grid = selectors.grid_get(request.user, grid_id)
    if not user_scope(request.user).covers(grid.path, manage=True):
        raise PermissionDenied("you may not edit this grid", code="not_manager")
    changes = payload.dict(exclude_unset=True)
    return grid_out(services.grid_update(actor=request.user, grid=grid, changes=changes))


@router.get("/grids/{grid_id}/geojson", response=FeatureCollectionOut)
def grid_geojson(request: HttpRequest, grid_id: int) -> Any:
    grid = selectors.grid_get(request.user, grid_id)
    return selectors.grid_feature_collection([grid])


@router.get("/grids/{grid_id}/neighbours", response=list[GridOut])
def grid_neighbours(request: HttpRequest, grid_id: int) -> Any:
    grid = selectors.grid_get(request.user, grid_id)
    scope = user_scope(request.user)
    neighbours = grid.neighbours.select_related("level").order_by("code")
    return [grid_out(g) for g in neighbours if scope.covers(g.path)]


def problem_out(problem: Problem) -> dict[str, Any]:
    return {
        "feature": problem.feature,
        "code": problem.code,
        "field": problem.field,
        "message": problem.message,
    }


@router.post("/grids/import", response={200: ImportOut, 422: ImportOut})
def grids_import(
    request: HttpRequest,
    file: File[UploadedFile],
    crs: Form[str | None] = None,
    jurisdiction: Form[str | None] = None,
    dry_run: Form[bool] = False,
) -> Any:
    """Upload a GeoJSON FeatureCollection; every problem is listed and nothing is written."""
    collection = read_geojson_upload(file)
    ensure_may_import(request.user, collection, jurisdiction)
    try:
        result = services.grids_import(
            collection=collection,
            actor=request.user,
            crs=crs or None,
            jurisdiction_code=jurisdiction or None,
            dry_run=dry_run,
        )
    except ImportRejected as rejected:
        return 422, import_out(rejected.plan.errors, rejected.plan.warnings, dry_run=dry_run)
    return 200, {
        "ok": True,
        "dry_run": result.dry_run,
        "jurisdiction_code": result.jurisdiction.code if result.jurisdiction else None,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [],
        "warnings": [problem_out(p) for p in result.warnings],
    }


def import_out(errors: list[Problem], warnings: list[Problem], *, dry_run: bool) -> dict[str, Any]:
    return {
        "ok": False,
        "dry_run": dry_run,
        "jurisdiction_code": None,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [problem_out(p) for p in errors],
        "warnings": [problem_out(p) for p in warnings],
    }


def read_geojson_upload(upload: Any) -> Any:
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationFailed("the file is larger than 50 MB", code="file_too_large")
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"the file is not valid GeoJSON: {exc}", code="not_json") from exc


def ensure_may_import(user: Any, collection: Any, jurisdiction_code: str | None) -> None:
    """Importing touches a whole jurisdiction: its root's managers or a superuser only."""
    scope = user_scope(user)
    if scope.everything:
        return
    header = collection.get("firegrid", {}) if isinstance(collection, dict) else {}
    info = header.get("jurisdiction", {}) if isinstance(header, dict) else {}
    code = jurisdiction_code or (info.get("code") if isinstance(info, dict) else None)
    roots = Grid.objects.filter(parent__isnull=True)
    if code:
        roots = roots.filter(jurisdiction__code=str(code))
    if not any(scope.covers(root.path, manage=True) for root in roots) or not roots:
        raise PermissionDenied("only the jurisdiction's grid office may import grids")


@router.get("/jurisdictions/{code}/export", response=FeatureCollectionOut)
def jurisdiction_export(request: HttpRequest, code: str, crs: str = "wgs84") -> Any:
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    root = Grid.objects.filter(jurisdiction=jurisdiction, parent__isnull=True).first()
    if jurisdiction is None or root is None or not user_scope(request.user).covers(root.path):
        raise NotFound("jurisdiction not found", code="jurisdiction_not_found")
    if crs not in CRS_CHOICES:
        raise ValidationFailed(f"crs must be one of {', '.join(CRS_CHOICES)}", code="crs_invalid")
    return selectors.jurisdiction_export(jurisdiction, crs=crs)
