"""/api/v1/inspections/coverage, /never-inspected, /behind and /staffing."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from firegrid.grids.models import Grid
from firegrid.inspections.models import ChecklistTemplate, Inspection, InspectionTask, ScheduleRule
from firegrid.people.models import Person, Role
from firegrid.testing import user_with_role

from .conftest import place_in

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
D = datetime.date
MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def make_task(grid: Grid, due: datetime.date, **fields: Any) -> InspectionTask:
    return InspectionTask.objects.create(
        kind="patrol",
        grid=grid,
        grid_path=grid.path,
        period_start=due.replace(day=1),
        window_start=due.replace(day=1),
        due_on=due,
        **fields,
    )


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    grids = small_jurisdiction
    a, b = grids[LEAF_A], grids[LEAF_B]
    users = {
        "worker": user_with_role("fulltime_worker", a, username="worker"),
        "late": user_with_role("fulltime_worker", a, username="late"),
        "manager": user_with_role("community_office", grids[COMMUNITY], username="manager"),
    }
    worker = Person.objects.get(user=users["worker"])
    late = Person.objects.get(user=users["late"])
    tasks = {
        "done": make_task(a, D(2026, 3, 8), assignee=worker, state="done"),
        "missed": make_task(a, D(2026, 3, 5), assignee=worker, state="missed"),
        "open": make_task(a, D(2026, 3, 31), assignee=worker),
        "cancelled": make_task(a, D(2026, 3, 20), assignee=worker, state="cancelled"),
        "late": make_task(a, D(2026, 3, 9), assignee=late),
        "b_open": make_task(b, D(2026, 3, 15)),
        "april": make_task(a, D(2026, 4, 30), assignee=worker),
    }
    places = {
        "shop_a": place_in(a, name="甲店"),
        "shop_b": place_in(b, name="乙店"),
        "seen": place_in(a, name="已查店"),
        "far": place_in(grids[LEAF_C], name="远店"),
    }
    Inspection.objects.create(
        client_uuid=uuid.uuid4(), place=places["seen"], grid=a, grid_path=a.path,
        template=ChecklistTemplate.objects.get(code="small_places", is_current=True),
        inspector=worker, submitted_by=users["worker"], started_at=NOW, finished_at=NOW,
        result="clean",
    )  # fmt: skip
    return {"grids": grids, "users": users, "tasks": tasks, "places": places,
            "people": {"worker": worker, "late": late}}  # fmt: skip


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


def test_coverage_counts_due_tasks_per_child_grid_with_the_on_time_rate(
    world: dict[str, Any],
) -> None:
    grids, tasks = world["grids"], world["tasks"]
    manager = login(world["users"]["manager"])

    response = manager.get(f"/api/v1/inspections/coverage?grid_id={grids[COMMUNITY].pk}&{MARCH}")

    body = response.json()
    assert response.status_code == 200, body
    assert (body["grid"], body["start"], body["end"]) == (
        ref(grids[COMMUNITY]), "2026-03-01", "2026-03-31",
    )  # fmt: skip
    # The on-time rate is the metrics layer's: done on time 1 ÷ due 3 (done, missed, and the
    # task due on 9 March still open after its window; the one due on 31 March is not judged).
    assert body["rows"] == [
        {"grid": ref(grids[LEAF_A]), "due": 5, "done": 1, "missed": 1, "open": 2, "cancelled": 1,
         "rate": 0.3333},
        {"grid": ref(grids[LEAF_B]), "due": 1, "done": 0, "missed": 0, "open": 1, "cancelled": 0,
         "rate": None},
    ]  # fmt: skip
    assert body["total"] == {"grid": ref(grids[COMMUNITY]), "due": 6, "done": 1, "missed": 1,
                             "open": 3, "cancelled": 1, "rate": 0.3333}  # fmt: skip
    assert [t["id"] for t in body["missed"]] == [tasks["missed"].pk]
    assert (body["missed_count"], body["never_inspected_count"]) == (1, 2)


def test_coverage_defaults_to_this_month_and_refuses_bad_ranges(world: dict[str, Any]) -> None:
    manager = login(world["users"]["manager"])

    default = manager.get("/api/v1/inspections/coverage").json()
    backwards = manager.get("/api/v1/inspections/coverage?start=2026-03-31&end=2026-03-01")
    outside = manager.get(f"/api/v1/inspections/coverage?grid_id={world['grids'][LEAF_C].pk}")

    assert (default["start"], default["end"], default["total"]["due"]) == (
        "2026-03-01", "2026-03-31", 6,
    )  # fmt: skip
    assert (backwards.status_code, backwards.json()["error"]["code"]) == (422, "range_invalid")
    assert outside.status_code == 404


def test_never_inspected_lists_places_without_any_inspection(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    manager = login(world["users"]["manager"])
    url = f"/api/v1/inspections/never-inspected?grid_id={world['grids'][COMMUNITY].pk}"
    manager.get(url)

    with django_assert_num_queries(6):  # session, user, scope, grid, COUNT, page
        response = manager.get(url)

    places = world["places"]
    assert [p["id"] for p in response.json()["items"]] == [places["shop_a"].pk, places["shop_b"].pk]
    assert response.json()["items"][0] == {
        "id": places["shop_a"].pk,
        "name": "甲店",
        "address": "",
        "place_type": "small_shop",
        "risk_level": places["shop_a"].risk_level,
        "is_key_unit": False,
        "grid": ref(world["grids"][LEAF_A]),
    }


def test_behind_lists_people_worst_first(world: dict[str, Any]) -> None:
    people = world["people"]
    manager = login(world["users"]["manager"])

    response = manager.get(f"/api/v1/inspections/behind?{MARCH}")

    assert response.json() == {
        "items": [
            {"person": {"id": people["worker"].pk, "name": "worker"}, "assigned": 3, "done": 1,
             "missed": 1, "overdue": 0, "rate": 0.5},
            {"person": {"id": people["late"].pk, "name": "late"}, "assigned": 1, "done": 0,
             "missed": 0, "overdue": 1, "rate": None},
        ],
        "count": 2,
    }  # fmt: skip
    outsider = login(user_with_role("fulltime_worker", world["grids"][LEAF_C]))
    assert outsider.get(f"/api/v1/inspections/behind?{MARCH}").json()["count"] == 0


def test_staffing_says_where_the_rules_cannot_be_met(world: dict[str, Any]) -> None:
    grids = world["grids"]
    ScheduleRule.objects.update(active=False)
    rule = ScheduleRule.objects.create(
        code="daily_patrol", name="每日巡查", kind="patrol", grid_depth=3, frequency="daily",
        duration_minutes=90,
    )  # fmt: skip
    rule.roles.set([Role.objects.get(code="fulltime_worker")])
    manager = login(world["users"]["manager"])

    response = manager.get(f"/api/v1/inspections/staffing?grid_id={grids[COMMUNITY].pk}")

    daily = [{"rule": "每日巡查", "tasks_per_month": 30, "hours": 45.6}]
    assert response.json() == {
        "items": [
            {"grid": ref(grids[LEAF_B]), "demand_hours": 45.6, "capacity_hours": 0.0,
             "shortfall_hours": 45.6, "feasible": False, "people": [], "by_rule": daily},
            {"grid": ref(grids[LEAF_A]), "demand_hours": 45.6, "capacity_hours": 80.0,
             "shortfall_hours": 0.0, "feasible": True, "people": ["late", "worker"],
             "by_rule": daily},
        ],
        "count": 2,
    }  # fmt: skip
