"""/api/v1/grids: tree, list, detail, GeoJSON, point location, import and export."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.pagination import RenderedPagination, Rows

from . import selectors, services
from .importing import ImportRejected, Problem
from .models import Grid
from .schemas import (
    CrsName,
    ErrorOut,
    ExportOut,
    GridDetailOut,
    GridFeatureCollectionOut,
    GridFilters,
    GridOut,
    GridPatchIn,
    GridTreeNode,
    ImportOut,
    LocateOut,
    LocateQuery,
)

router = Router(tags=["grids"])
# A map layer larger than this is refused: ask for the children of one parent instead.
MAX_GEOJSON_FEATURES = 5000


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


@router.get("/grids", response=list[GridOut])
@paginate(RenderedPagination, page_size=100)
def list_grids(request: HttpRequest, filters: Query[GridFilters]) -> Any:
    """Grids in your scope, ordered by tree position; filter by parent, depth or name/code."""
    grids = selectors.grid_list(
        request.user, parent_id=filters.parent, depth=filters.depth, search=filters.q.strip()
    )
    return Rows(grids, grid_out)


@router.get("/grids/tree", response=list[GridTreeNode])
def grid_tree(request: HttpRequest, levels: int = 2) -> Any:
    """The viewer's scope roots with their descendants `levels` deep (0–4)."""
    return selectors.grid_tree(request.user, levels=max(0, min(levels, 4)))


@router.get("/grids/locate", response={200: LocateOut, 404: ErrorOut, 422: ErrorOut})
def locate(request: HttpRequest, query: Query[LocateQuery]) -> Any:
    """The leaf grid containing a point, and its ancestor chain (GCJ-02 from Chinese web maps)."""
    crs = query.crs or settings.FIREGRID_DEFAULT_CRS
    located = selectors.grid_locate(request.user, lon=query.lon, lat=query.lat, crs=crs)
    return {
        "lon_wgs84": located.lon_wgs84,
        "lat_wgs84": located.lat_wgs84,
        "leaf": grid_out(located.leaf),
        "chain": [grid_out(g) for g in located.chain],
    }


@router.get("/grids/geojson", response={200: GridFeatureCollectionOut, 422: ErrorOut})
def grids_geojson(request: HttpRequest, parent: int | None = None, depth: int | None = None) -> Any:
    """Map polygons: the children of `parent`, every grid at `depth`, or your scope roots."""
    if parent is None and depth is None:
        grids: Any = selectors.grid_scope_roots(request.user)
    else:
        if parent is not None:
            selectors.grid_get(request.user, parent)  # 404 for a parent outside the scope
        grids = selectors.grid_list(request.user, parent_id=parent, depth=depth)
        if grids.count() > MAX_GEOJSON_FEATURES:
            raise ValidationFailed(
                _("More than %(n)d grids: ask for the children of one parent.")
                % {"n": MAX_GEOJSON_FEATURES},
                code="too_many_features",
            )
    return selectors.grid_feature_collection(grids)


@router.get("/grids/{int:grid_id}", response={200: GridDetailOut, 404: ErrorOut})
def grid_detail(request: HttpRequest, grid_id: int) -> Any:
    grid = selectors.grid_get(request.user, grid_id)
    return {
        **grid_out(grid),
        "jurisdiction_code": grid.jurisdiction.code,
        "ancestors": [grid_out(g) for g in selectors.grid_ancestors_in_scope(request.user, grid)],
        "neighbour_ids": [g.pk for g in selectors.grid_neighbours(request.user, grid)],
    }


@router.patch(
    "/grids/{int:grid_id}", response={200: GridOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def grid_patch(request: HttpRequest, grid_id: int, payload: GridPatchIn) -> Any:
    """Edit name, households, population (boundaries change only through an import)."""
    grid = selectors.grid_get(request.user, grid_id)
    if not selectors.grid_may_manage(request.user, grid):
        raise PermissionDenied(_("You may not edit this grid."), code="not_manager")
    changes = payload.dict(exclude_unset=True)
    return grid_out(services.grid_update(actor=request.user, grid=grid, changes=changes))


@router.get("/grids/{int:grid_id}/geojson", response={200: GridFeatureCollectionOut, 404: ErrorOut})
def grid_geojson(request: HttpRequest, grid_id: int) -> Any:
    """One grid's polygon as a FeatureCollection of one feature."""
    grid = selectors.grid_get(request.user, grid_id)
    return selectors.grid_feature_collection([grid])


@router.get("/grids/{int:grid_id}/neighbours", response=list[GridOut])
@paginate(RenderedPagination, page_size=100)
def grid_neighbours(request: HttpRequest, grid_id: int) -> Any:
    """Adjacent grids of the same level (相邻网格) inside your scope."""
    grid = selectors.grid_get(request.user, grid_id)
    return Rows(selectors.grid_neighbours(request.user, grid), grid_out)


def problem_out(problem: Problem) -> dict[str, Any]:
    return {
        "feature": problem.feature,
        "code": problem.code,
        "field": problem.field,
        "message": problem.message,
    }


@router.post("/grids/import", response={200: ImportOut, 403: ErrorOut, 422: ErrorOut})
def grids_import(
    request: HttpRequest,
    file: File[UploadedFile],
    crs: Form[CrsName | None] = None,
    jurisdiction: Form[str | None] = None,
    dry_run: Form[bool] = False,
) -> Any:
    """Upload a GeoJSON FeatureCollection: all or nothing; a 422 lists every problem found."""
    collection = selectors.import_upload_read(file)
    code = selectors.grids_import_jurisdiction(
        request.user, collection=collection, jurisdiction_code=jurisdiction
    )
    try:
        result = services.grids_import(
            collection=collection,
            actor=request.user,
            crs=crs or None,
            jurisdiction_code=jurisdiction or None,
            dry_run=dry_run,
        )
    except ImportRejected as rejected:
        errors = rejected.plan.errors
        raise ValidationFailed(
            _("The file has %(n)d problem(s); nothing was written.") % {"n": len(errors)},
            code="import_rejected",
            details={
                "errors": [problem_out(p) for p in errors],
                "warnings": [problem_out(p) for p in rejected.plan.warnings],
            },
        ) from rejected
    return {
        "ok": True,
        "dry_run": result.dry_run,
        "jurisdiction_code": result.jurisdiction.code if result.jurisdiction else code,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "warnings": [problem_out(p) for p in result.warnings],
    }


@router.get("/jurisdictions/{code}/export", response={200: ExportOut, 404: ErrorOut})
def jurisdiction_export(request: HttpRequest, code: str, crs: CrsName = "wgs84") -> Any:
    """Every grid of the jurisdiction as an import file (`grids import` reads it back unchanged)."""
    jurisdiction = selectors.jurisdiction_get(request.user, code)
    return selectors.jurisdiction_export(jurisdiction, crs=crs)
