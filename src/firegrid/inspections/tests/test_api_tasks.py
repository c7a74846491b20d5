"""/api/v1/inspections/tasks: lists, my tasks, detail, unscheduled tasks, and the permission
matrix of start / cancel / reassign (assignee, colleague, manager, outsider)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.inspections.models import InspectionTask
from firegrid.people.models import Person
from firegrid.testing import user_with_role

from .conftest import place_in

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
D = datetime.date


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def make_task(grid: Grid, due: datetime.date, **fields: Any) -> InspectionTask:
    values: dict[str, Any] = {
        "kind": "inspection" if fields.get("place") else "patrol",
        "grid": grid,
        "grid_path": grid.path,
        "frequency": "monthly",
        "period_start": due.replace(day=1),
        "window_start": due.replace(day=1),
        "due_on": due,
        **fields,
    }
    return InspectionTask.objects.create(**values)


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    grids = small_jurisdiction
    users = {
        "assignee": user_with_role("fulltime_worker", grids[LEAF_A], username="assignee"),
        "colleague": user_with_role("fulltime_worker", grids[LEAF_A], username="colleague"),
        "manager": user_with_role("community_office", grids[COMMUNITY], username="manager"),
        "outsider": user_with_role("fulltime_worker", grids[LEAF_C], username="outsider"),
    }
    person = Person.objects.get(user=users["assignee"])
    shop = place_in(grids[LEAF_A], name="便民小卖部")
    tasks = {
        "open": make_task(grids[LEAF_A], D(2026, 3, 31), place=shop, assignee=person),
        "patrol_b": make_task(grids[LEAF_B], D(2026, 3, 15), assigned_via="none"),
        "missed": make_task(grids[LEAF_A], D(2026, 3, 5), place=shop, assignee=person,
                            state="missed"),
        "done": make_task(grids[LEAF_A], D(2026, 3, 8), assignee=person, state="done",
                          completed_on=D(2026, 3, 7)),
    }  # fmt: skip
    return {"grids": grids, "users": users, "person": person, "shop": shop, "tasks": tasks}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["items"]]


# ------------------------------------------------------------------------------ reads


def test_task_list_is_scoped_filtered_and_costs_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    tasks, grids = world["tasks"], world["grids"]
    manager = login(world["users"]["manager"])
    manager.get("/api/v1/inspections/tasks")

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page
        response = manager.get("/api/v1/inspections/tasks")

    by_due = [tasks[k].pk for k in ("missed", "done", "patrol_b", "open")]
    assert ids(response) == by_due
    assert response.json()["count"] == 4
    assert ids(manager.get("/api/v1/inspections/tasks?state=missed")) == [tasks["missed"].pk]
    assert ids(manager.get(f"/api/v1/inspections/tasks?grid_id={grids[LEAF_B].pk}")) == [
        tasks["patrol_b"].pk
    ]
    assert ids(manager.get("/api/v1/inspections/tasks?q=小卖&due_from=2026-03-06")) == [
        tasks["open"].pk
    ]
    assert ids(manager.get("/api/v1/inspections/tasks?kind=patrol&due_to=2026-03-10")) == [
        tasks["done"].pk
    ]
    worker = login(world["users"]["assignee"])
    assert ids(worker.get("/api/v1/inspections/tasks")) == [
        tasks[k].pk for k in ("missed", "done", "open")
    ]
    outsider = login(world["users"]["outsider"])
    assert outsider.get("/api/v1/inspections/tasks").json() == {"items": [], "count": 0}
    refused = outsider.get(f"/api/v1/inspections/tasks?grid_id={grids[LEAF_A].pk}")
    assert refused.status_code == 404


def test_task_list_refuses_an_unknown_state_with_the_envelope(world: dict[str, Any]) -> None:
    response = login(world["users"]["manager"]).get("/api/v1/inspections/tasks?state=lost")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_my_tasks_lists_the_window_open_first(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    tasks = world["tasks"]
    worker = login(world["users"]["assignee"])
    worker.get("/api/v1/inspections/tasks/mine")

    with django_assert_num_queries(5):  # session, user, person, COUNT, page
        week = worker.get("/api/v1/inspections/tasks/mine")
    month = worker.get("/api/v1/inspections/tasks/mine?start=2026-03-01&end=2026-03-31")

    assert ids(week) == [tasks["open"].pk]
    assert ids(month) == [tasks[k].pk for k in ("open", "missed", "done")]
    assert login(world["users"]["manager"]).get("/api/v1/inspections/tasks/mine").json() == {
        "items": [],
        "count": 0,
    }


def test_task_detail_answers_exact_values_and_404_outside_the_scope(
    world: dict[str, Any],
) -> None:
    task, shop, grids = world["tasks"]["open"], world["shop"], world["grids"]

    response = login(world["users"]["assignee"]).get(f"/api/v1/inspections/tasks/{task.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": task.pk,
        "kind": "inspection",
        "origin": "schedule",
        "rule": None,
        "place": {"id": shop.pk, "name": "便民小卖部", "address": "", "place_type": "small_shop"},
        "grid": {"id": grids[LEAF_A].pk, "code": LEAF_A, "name": grids[LEAF_A].name},
        "assignee": {"id": world["person"].pk, "name": "assignee"},
        "assigned_via": "primary",
        "frequency": "monthly",
        "period_start": "2026-03-01",
        "window_start": "2026-03-01",
        "due_on": "2026-03-31",
        "state": "planned",
        "state_changed_at": None,
        "completed_on": None,
        "reason": "",
        "inspection_id": None,
        "patrol_id": None,
    }
    outsider = login(world["users"]["outsider"])
    assert outsider.get(f"/api/v1/inspections/tasks/{task.pk}").status_code == 404


# ------------------------------------------------------------------------------ unscheduled


def test_a_manager_creates_an_unscheduled_task(world: dict[str, Any]) -> None:
    manager = login(world["users"]["manager"])
    body = {
        "origin": "complaint",
        "reason": "群众举报楼道充电",
        "due_on": "2026-03-20",
        "place_id": world["shop"].pk,
        "assignee_id": world["person"].pk,
    }

    response = manager.post("/api/v1/inspections/tasks", body, content_type="application/json")

    created = response.json()
    task = InspectionTask.objects.get(origin="complaint")
    assert response.status_code == 201, created
    assert (created["id"], created["kind"], created["origin"]) == (
        task.pk,
        "inspection",
        "complaint",
    )
    assert (created["window_start"], created["due_on"]) == ("2026-03-10", "2026-03-20")
    assert (created["assigned_via"], created["reason"]) == ("manual", "群众举报楼道充电")
    assert created["assignee"] == {"id": world["person"].pk, "name": "assignee"}
    assert AuditEvent.objects.filter(action="inspection_task.create").count() == 1


@pytest.mark.parametrize(
    ("seat", "body", "status", "code"),
    [
        ("assignee", {}, 403, "permission_denied"),
        ("outsider", {}, 404, "not_found"),
        ("manager", {"origin": "schedule"}, 422, "invalid_input"),
        ("manager", {"reason": " "}, 422, "task_reason_required"),
        ("manager", {"due_on": "2026-03-09"}, 422, "task_due_past"),
    ],
)
def test_an_unscheduled_task_refused_creates_nothing(
    world: dict[str, Any], seat: str, body: dict[str, Any], status: int, code: str
) -> None:
    before = InspectionTask.objects.count(), AuditEvent.objects.count()
    payload = {"origin": "request", "reason": "街道要求", "due_on": "2026-03-20",
               "place_id": world["shop"].pk, **body}  # fmt: skip

    response = login(world["users"][seat]).post(
        "/api/v1/inspections/tasks", payload, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert (InspectionTask.objects.count(), AuditEvent.objects.count()) == before


# ------------------------------------------------------------------------------ matrix

MATRIX = {  # seat → status of (start, cancel, reassign)
    "assignee": (200, 403, 403),
    "colleague": (403, 403, 403),
    "manager": (200, 200, 200),
    "outsider": (404, 404, 404),
}
OPERATIONS = ("start", "cancel", "reassign")


def operate(client: Client, operation: str, task: InspectionTask, person: Person) -> Any:
    body = {"cancel": {"reason": "店铺已关门"}, "reassign": {"person_id": person.pk}}
    return client.post(
        f"/api/v1/inspections/tasks/{task.pk}/{operation}",
        body.get(operation, {}),
        content_type="application/json",
    )


def snapshot(task: InspectionTask) -> tuple[Any, ...]:
    task.refresh_from_db()
    return task.state, task.assignee_id, task.assigned_via, task.reason, task.state_changed_at


@pytest.mark.parametrize("seat", list(MATRIX))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_task_operation_permission_matrix(world: dict[str, Any], seat: str, operation: str) -> None:
    task = world["tasks"]["open"]
    colleague = Person.objects.get(user=world["users"]["colleague"])
    before, events = snapshot(task), AuditEvent.objects.count()
    expected = MATRIX[seat][OPERATIONS.index(operation)]

    response = operate(login(world["users"][seat]), operation, task, colleague)

    assert response.status_code == expected, response.json()
    if expected != 200:
        assert snapshot(task) == before
        assert AuditEvent.objects.count() == events
        return
    after = response.json()
    if operation == "start":
        assert after["state"] == "in_progress"
    elif operation == "cancel":
        assert (after["state"], after["reason"]) == ("cancelled", "店铺已关门")
    else:
        assert after["assignee"] == {"id": colleague.pk, "name": "colleague"}
        assert (after["assigned_via"], after["state"]) == ("manual", "planned")
    assert AuditEvent.objects.count() == events + 1


def test_cancel_needs_a_reason_and_a_closed_task_cannot_be_started(
    world: dict[str, Any],
) -> None:
    manager = login(world["users"]["manager"])
    task, missed = world["tasks"]["open"], world["tasks"]["missed"]

    no_reason = manager.post(
        f"/api/v1/inspections/tasks/{task.pk}/cancel",
        {"reason": ""},
        content_type="application/json",
    )
    closed = manager.post(f"/api/v1/inspections/tasks/{missed.pk}/start")
    nobody = manager.post(
        f"/api/v1/inspections/tasks/{task.pk}/reassign",
        {"person_id": 999_999},
        content_type="application/json",
    )

    assert (no_reason.status_code, no_reason.json()["error"]["code"]) == (
        422, "task_reason_required",
    )  # fmt: skip
    assert (closed.status_code, closed.json()["error"]["code"]) == (422, "task_bad_transition")
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (422, "person_unknown")
    task.refresh_from_db()
    assert (task.state, task.assignee_id) == ("planned", world["person"].pk)
