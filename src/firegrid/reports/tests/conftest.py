"""Fixtures of the reports tests, shared by the three issue-6 helpers.

`report_world`: the small jurisdiction (root conftest), the default report services (loaded by
the 0002 data migration), people posted around leaf grid 410185001001001, and points in and out.
`submit(**overrides)`: files a report through the real `report_submit` (defaults: the
"exits_blocked" service at the leaf point, anonymous, web channel).
`jpeg(...)`: an in-memory JPEG upload.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from firegrid.grids.models import Grid
from firegrid.reports.models import Report, ReportService
from firegrid.reports.services import ReportIn, report_submit

LEAF_CODE = "410185001001001"  # 网格1-1-1: lon 113.0–113.1, lat 34.4–34.5
OTHER_LEAF_CODE = "410185002002002"  # 网格2-2-2: lon 113.3–113.4, lat 34.5–34.6
COMMUNITY_CODE = "410185001001"
STREET_CODE = "410185001"
COUNTY_CODE = "410185"


@dataclass
class ReportWorld:
    grids: dict[str, Grid]
    services: dict[str, ReportService]
    leaf: Grid
    other_leaf: Grid
    community: Grid
    street: Grid
    county: Grid
    worker: Any  # grid_head at the leaf: may see phones
    fulltime: Any  # fulltime_worker at the leaf: may not see phones
    parttime: Any  # parttime_worker (兼职网格员) at the leaf: may not see phones
    office: Any  # community_office (manages the community; sees phones)
    street_office: Any
    county_office: Any
    outsider: Any  # parttime worker of another leaf: must not see this leaf's reports
    inside: tuple[float, float] = (113.05, 34.45)  # WGS-84, inside the leaf
    other_inside: tuple[float, float] = (113.35, 34.55)  # inside other_leaf
    outside: tuple[float, float] = (112.5, 34.45)  # in China, outside the jurisdiction
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def report_world(small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]) -> ReportWorld:
    grids = small_jurisdiction
    leaf = grids[LEAF_CODE]
    return ReportWorld(
        grids=grids,
        services={s.code: s for s in ReportService.objects.all()},
        leaf=leaf,
        other_leaf=grids[OTHER_LEAF_CODE],
        community=grids[COMMUNITY_CODE],
        street=grids[STREET_CODE],
        county=grids[COUNTY_CODE],
        worker=make_user("grid_head", leaf, username="worker"),
        fulltime=make_user("fulltime_worker", leaf, username="fulltime"),
        parttime=make_user("parttime_worker", leaf, username="parttime"),
        office=make_user("community_office", grids[COMMUNITY_CODE], username="office"),
        street_office=make_user("street_office", grids[STREET_CODE], username="street"),
        county_office=make_user("county_office", grids[COUNTY_CODE], username="county"),
        outsider=make_user("parttime_worker", grids[OTHER_LEAF_CODE], username="outsider"),
    )


def make_jpeg(
    name: str = "photo.jpg", size: tuple[int, int] = (64, 48), color: str = "red"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def jpeg() -> Callable[..., SimpleUploadedFile]:
    return make_jpeg


@pytest.fixture
def submit(report_world: ReportWorld) -> Callable[..., Report]:
    """submit(**overrides) → Report, through the real service (ReportIn field names)."""

    def _submit(**overrides: Any) -> Report:
        lon, lat = report_world.inside
        values: dict[str, Any] = {
            "service_code": "exits_blocked",
            "description": "楼道堆满杂物，安全出口被锁",
            "lon": lon,
            "lat": lat,
        }
        now = overrides.pop("now", None)
        values.update(overrides)
        return report_submit(data=ReportIn(**values), now=now)

    return _submit
