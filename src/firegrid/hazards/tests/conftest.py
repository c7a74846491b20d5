"""Fixtures of the hazards tests: a reported hazard at a shop, and the people around it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.hazards.services import hazard_report
from firegrid.inspections.tests.conftest import jpeg_bytes, place_in

LEAF, COMMUNITY, STREET = "410185001001001", "410185001001", "410185001"
D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid], make_user: Any) -> dict[str, Any]:
    grids = small_jurisdiction
    with time_machine.travel(at(D(2026, 9, 1)), tick=False):
        users = {
            "worker": make_user("fulltime_worker", grids[LEAF], start_on=D(2026, 1, 1)),
            "partner": make_user("parttime_worker", grids[LEAF], start_on=D(2026, 1, 1)),
            "community": make_user("community_office", grids[COMMUNITY], start_on=D(2026, 1, 1)),
            "street": make_user("street_office", grids[STREET], start_on=D(2026, 1, 1)),
        }
        shop = place_in(grids[LEAF], "small_shop", name="平安小卖部", responsible_name="王老板")
        hazard = hazard_report(
            actor=users["worker"], category_code="exits_blocked", source="inspection",
            description="后门堆放杂物", found_at=timezone.now(), place=shop,
        )  # fmt: skip
    return {"grids": grids, "users": users, "shop": shop, "hazard": hazard}
