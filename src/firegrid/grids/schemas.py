"""API schemas of the grids app (explicit fields only)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

CrsName = Literal["wgs84", "gcj02", "bd09"]


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """The one error envelope every endpoint answers with on failure."""

    error: ErrorBody


class GridOut(Schema):
    id: int
    code: str
    name: str
    depth: int
    level_name: str
    parent_id: int | None
    households: int | None
    population: int | None
    area_m2: float
    centroid_lon: float
    centroid_lat: float
    bbox: list[float] = Field(..., description="[min_lon, min_lat, max_lon, max_lat], WGS-84")
    child_count: int | None = Field(None, description="Number of child grids (lists only).")


class GridDetailOut(GridOut):
    jurisdiction_code: str
    ancestors: list[GridOut] = Field(..., description="Ancestors in your scope, root first.")
    neighbour_ids: list[int] = Field(..., description="Adjacent grids (相邻网格) in your scope.")


class GridTreeNode(Schema):
    id: int
    code: str
    name: str
    depth: int
    level_name: str
    level_name_en: str = Field(..., description="The level's English name; empty when it has none.")
    children: list[GridTreeNode]


class GridFilters(Schema):
    parent: int | None = Field(None, description="Only the children of this grid.")
    depth: int | None = Field(None, ge=0, le=8, description="Only grids at this depth (0 = root).")
    q: str = Field("", max_length=100, description="Name contains, or code starts with.")


class GridPatchIn(Schema):
    name: str | None = Field(None, max_length=100)
    households: int | None = Field(None, ge=0)
    population: int | None = Field(None, ge=0)


class LocateQuery(Schema):
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: CrsName | None = Field(None, description="Datum of the point; default from settings.")


class LocateOut(Schema):
    lon_wgs84: float
    lat_wgs84: float
    leaf: GridOut
    chain: list[GridOut] = Field(..., description="Root first, leaf last (within your scope).")


class ImportProblemOut(Schema):
    feature: int | None
    code: str
    field: str
    message: str


class ImportOut(Schema):
    ok: bool
    dry_run: bool
    jurisdiction_code: str | None
    created: int
    updated: int
    unchanged: int
    warnings: list[ImportProblemOut]


class GridFeatureCollectionOut(Schema):
    """Grid polygons (WGS-84). Each feature: ``id`` and ``properties`` with id, code, name,
    depth, level, level_name_en, color, parent_id, households, population."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


class ExportOut(GridFeatureCollectionOut):
    firegrid: dict[str, Any] = Field(
        ..., description="Jurisdiction and levels, so `grids import` reads the file back unchanged."
    )
