"""/api/v1/hazards, /api/v1/hazards/{id}, /api/v1/hazards/categories (read-only, scoped)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from firegrid.grids.models import Grid
from firegrid.hazards.categories import DEFAULT_CATEGORIES
from firegrid.hazards.models import Hazard
from firegrid.hazards.services import hazard_report
from firegrid.inspections.tests.conftest import place_in
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
FOUND = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    grids = small_jurisdiction
    shop = place_in(grids[LEAF_A], name="便民小卖部", address="中州路8号")
    reporter = user_with_role("fulltime_worker", grids[LEAF_A], username="reporter")
    hazards = {
        "ebike": hazard_report(
            actor=reporter, category_code="ebike", source="inspection",
            description="楼道内充电", found_at=FOUND, place=shop,
        ),
        "lane": hazard_report(
            actor=None, category_code="fire_lane", source="patrol", description="车道堆物",
            found_at=FOUND + datetime.timedelta(hours=1), grid=grids[LEAF_B], lon=113.15,
            lat=34.45,
        ),
        "far": hazard_report(
            actor=None, category_code="ebike", source="citizen", description="远处充电",
            found_at=FOUND, grid=grids[LEAF_C],
        ),
    }  # fmt: skip
    Hazard.objects.filter(pk=hazards["lane"].pk).update(state="closed")
    users = {
        "reporter": reporter,
        "manager": user_with_role("community_office", grids[COMMUNITY], username="manager"),
    }
    return {"grids": grids, "shop": shop, "hazards": hazards, "users": users}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["items"]]


def test_hazard_list_is_scoped_newest_first_and_costs_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    hazards, grids = world["hazards"], world["grids"]
    manager = login(world["users"]["manager"])
    manager.get("/api/v1/hazards")

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page
        response = manager.get("/api/v1/hazards")

    assert ids(response) == [hazards["lane"].pk, hazards["ebike"].pk]
    assert response.json()["items"][1] == {
        "id": hazards["ebike"].pk,
        "category": "ebike",
        "category_name": "电动自行车违规停放/充电",
        "state": "reported",
        "source": "inspection",
        "place": {"id": world["shop"].pk, "name": "便民小卖部", "address": "中州路8号"},
        "grid": {"id": grids[LEAF_A].pk, "code": LEAF_A, "name": grids[LEAF_A].name},
        "lon": world["shop"].lon,
        "lat": world["shop"].lat,
        "description": "楼道内充电",
        "major_element_code": "",
        "found_at": "2026-03-10T02:00:00Z",
        "severity": "general",
        "responsible_level": {"id": grids[LEAF_A].pk, "code": LEAF_A, "name": grids[LEAF_A].name},
        "deadline": None,
        "next_due": "2026-03-13",  # found Tue 10 March + 3 working days
    }
    assert ids(manager.get("/api/v1/hazards?state=open")) == [hazards["ebike"].pk]
    assert ids(manager.get("/api/v1/hazards?state=closed")) == [hazards["lane"].pk]
    assert ids(manager.get("/api/v1/hazards?category=fire_lane")) == [hazards["lane"].pk]
    assert ids(manager.get(f"/api/v1/hazards?place_id={world['shop'].pk}")) == [hazards["ebike"].pk]
    assert ids(manager.get(f"/api/v1/hazards?grid_id={grids[LEAF_B].pk}")) == [hazards["lane"].pk]
    assert ids(login(world["users"]["reporter"]).get("/api/v1/hazards")) == [hazards["ebike"].pk]


def test_hazard_filters_outside_the_scope_or_invalid_are_refused(world: dict[str, Any]) -> None:
    manager = login(world["users"]["manager"])

    outside = manager.get(f"/api/v1/hazards?grid_id={world['grids'][LEAF_C].pk}")
    invalid = manager.get("/api/v1/hazards?state=lost")

    assert (outside.status_code, outside.json()["error"]["code"]) == (404, "grid_not_found")
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (422, "invalid_input")


def test_hazard_detail_names_its_source_and_is_404_outside_the_scope(
    world: dict[str, Any],
) -> None:
    hazards = world["hazards"]
    reporter = login(world["users"]["reporter"])

    detail = reporter.get(f"/api/v1/hazards/{hazards['ebike'].pk}")
    hidden = reporter.get(f"/api/v1/hazards/{hazards['lane'].pk}")

    body = detail.json()
    assert detail.status_code == 200, body
    assert (body["inspection_id"], body["checklist_item"], body["patrol_id"]) == (None, None, None)
    assert (body["reported_by"], body["description"]) == ("reporter", "楼道内充电")
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "hazard_not_found")


def test_categories_are_listed_in_display_order(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["reporter"])
    client.get("/api/v1/hazards/categories")

    with django_assert_num_queries(4):  # session, user, COUNT, page
        response = client.get("/api/v1/hazards/categories")

    body = response.json()
    assert body["count"] == len(DEFAULT_CATEGORIES)
    assert [c["code"] for c in body["items"]] == [code for code, _zh, _en in DEFAULT_CATEGORIES]
    assert body["items"][0] == {
        "id": body["items"][0]["id"],
        "code": "ebike",
        "name": "电动自行车违规停放/充电",
        "name_en": "E-bike parked or charged indoors",
        "sort_order": body["items"][0]["sort_order"],
    }


def test_hazards_need_a_login(world: dict[str, Any]) -> None:
    response = Client().get("/api/v1/hazards")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated")
