"""API schemas of the grids app (explicit fields only)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class LevelOut(Schema):
    depth: int
    name: str
    name_en: str
    color: str


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
    bbox: list[float]
    child_count: int | None = None


class GridDetailOut(GridOut):
    jurisdiction_code: str
    ancestors: list[GridOut]
    neighbour_ids: list[int]


class GridTreeNode(Schema):
    id: int
    code: str
    name: str
    depth: int
    level_name: str
    children: list[GridTreeNode]


class GridPatchIn(Schema):
    name: str | None = None
    households: int | None = None
    population: int | None = None


class LocateOut(Schema):
    lon_wgs84: float
    lat_wgs84: float
    leaf: GridOut
    chain: list[GridOut]


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
    errors: list[ImportProblemOut]
    warnings: list[ImportProblemOut]


class FeatureCollectionOut(Schema):
    type: str
    features: list[dict[str, Any]]
