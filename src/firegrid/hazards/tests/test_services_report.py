"""`hazard_report`: the one entry point that registers a found hazard."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard, HazardCategory
from firegrid.hazards.services import hazard_report
from firegrid.inspections.tests.conftest import place_in

LEAF = "410185001001001"


def test_a_reported_hazard_takes_the_place_point_and_grid(
    small_jurisdiction: dict[str, Grid], make_user: Any
) -> None:
    grid = small_jurisdiction[LEAF]
    worker = make_user("fulltime_worker", grid)
    shop = place_in(grid, "small_shop")

    hazard = hazard_report(
        actor=worker, category_code="exits_blocked", source="other", description=" 后门堵塞 ",
        found_at=timezone.now(), place=shop,
    )  # fmt: skip

    assert (hazard.grid_id, hazard.grid_path) == (grid.pk, grid.path)
    assert (hazard.lon, hazard.lat) == (shop.lon, shop.lat)
    assert (hazard.description, hazard.state) == ("后门堵塞", "reported")
    assert hazard.reported_by == worker
    assert list(Hazard.objects.open()) == [hazard]
    event = AuditEvent.objects.get(action="hazard.report")
    assert event.data == {"category": "exits_blocked", "source": "other", "place": shop.pk}


@pytest.mark.parametrize(
    ("category", "description", "code"),
    [("nonsense", "x", "hazard_category_unknown"), ("ebike", "  ", "hazard_description_required")],
)
def test_bad_hazards_are_refused(
    small_jurisdiction: dict[str, Grid], category: str, description: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        hazard_report(
            actor=None, category_code=category, source="other", description=description,
            found_at=timezone.now(), grid=small_jurisdiction[LEAF],
        )  # fmt: skip
    assert caught.value.code == code
    assert Hazard.objects.count() == 0


def test_the_default_categories_are_loaded(db: Any) -> None:
    assert HazardCategory.objects.filter(code="ebike").get().name == "电动自行车违规停放/充电"
    assert HazardCategory.objects.count() == 16
