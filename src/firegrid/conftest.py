"""Shared pytest fixtures: a small jurisdiction built through the real import service."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from firegrid.grids.models import Grid
from firegrid.grids.services import grids_import
from firegrid.people.models import Role
from firegrid.testing import user_with_role


@pytest.fixture(autouse=True, scope="session")
def _postgres_must_be_there_in_ci(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Under CI a PostgreSQL run that silently fell back to SQLite would be a lie: refuse it."""
    wanted = os.environ.get("DATABASE_URL", "")
    if wanted.startswith(("postgres://", "postgresql://")):
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", (
                "DATABASE_URL names PostgreSQL but it is not used"
            )


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Any, settings: Any) -> None:
    """Each test gets empty file storage (re-assigning STORAGES resets default_storage)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES}


def feature(
    code: str, name: str, level: int, parent: str | None, geometry: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent, **extra},
        "geometry": geometry,
    }


SMALL_HEADER = {
    "crs": "wgs84",
    "jurisdiction": {"code": "410185", "name": "测试县", "name_en": "Test County"},
    "levels": [
        {"depth": 0, "name": "区县", "name_en": "County"},
        {"depth": 1, "name": "街道/乡镇", "name_en": "Street/town"},
        {"depth": 2, "name": "社区/村", "name_en": "Community/village"},
        {"depth": 3, "name": "网格", "name_en": "Grid"},
    ],
}


def small_collection() -> dict[str, Any]:
    """County 0.4°×0.2° → 2 streets → 2 communities each → 2 grids each (all squares/rects)."""
    lon, lat = 113.0, 34.4
    features = [feature("410185", "测试县", 0, None, rect(lon, lat, 0.4, 0.2))]
    for s in range(2):
        s_code = f"410185{s + 1:03d}"
        s_lon = lon + s * 0.2
        features.append(feature(s_code, f"街道{s + 1}", 1, "410185", rect(s_lon, lat, 0.2, 0.2)))
        for c in range(2):
            c_code = f"{s_code}{c + 1:03d}"
            c_lat = lat + c * 0.1
            features.append(
                feature(c_code, f"社区{s + 1}-{c + 1}", 2, s_code, rect(s_lon, c_lat, 0.2, 0.1))
            )
            for g in range(2):
                g_code = f"{c_code}{g + 1:03d}"
                features.append(
                    feature(
                        g_code,
                        f"网格{s + 1}-{c + 1}-{g + 1}",
                        3,
                        c_code,
                        rect(s_lon + g * 0.1, c_lat, 0.1, 0.1),
                        households=400,
                        population=1200,
                    )
                )
    return {"type": "FeatureCollection", "firegrid": SMALL_HEADER, "features": features}


def neighbouring_collection() -> dict[str, Any]:
    """The small tree again as jurisdiction 410186, one degree further east: 15 more grids."""
    collection = copy.deepcopy(small_collection())
    collection["firegrid"]["jurisdiction"] = {"code": "410186", "name": "邻县", "name_en": "Next"}
    for item in collection["features"]:
        props = item["properties"]
        props["code"] = "410186" + props["code"][6:]
        if props["parent_code"]:
            props["parent_code"] = "410186" + props["parent_code"][6:]
        ring = item["geometry"]["coordinates"][0]
        item["geometry"]["coordinates"][0] = [[lon + 1.0, lat] for lon, lat in ring]
    return collection


def rect(lon0: float, lat0: float, width: float, height: float) -> dict[str, Any]:
    ring = [
        [lon0, lat0],
        [lon0 + width, lat0],
        [lon0 + width, lat0 + height],
        [lon0, lat0 + height],
        [lon0, lat0],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def small_jurisdiction(db: Any) -> dict[str, Grid]:
    """The small tree, imported through the real service; returns grids by code."""
    grids_import(collection=small_collection(), actor=None)
    return {grid.code: grid for grid in Grid.objects.select_related("level")}


@pytest.fixture
def make_user() -> Callable[..., Any]:
    """make_user(role_code, grid) → a login holding that role on that grid today."""
    return user_with_role


@pytest.fixture
def roles(db: Any) -> dict[str, Role]:
    return {role.code: role for role in Role.objects.all()}
