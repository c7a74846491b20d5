"""Office pages of tasks: my tasks, the task list (filters, pagination, CSV), a task's page with
start / cancel / reassign, and the hand-made task form."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.inspections.models import InspectionTask
from firegrid.people.models import Person
from firegrid.testing import user_with_role

from .conftest import place_in

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # Tuesday 10:00 in Shanghai
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
        "window_start": fields.pop("window_start", due.replace(day=1)),
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
    hotel = place_in(grids[LEAF_B], "hotel", name="好梦宾馆")
    tasks = {
        "today": make_task(grids[LEAF_A], D(2026, 3, 10), place=shop, assignee=person,
                           window_start=D(2026, 3, 10)),
        "week": make_task(grids[LEAF_A], D(2026, 3, 13), assignee=person,
                          window_start=D(2026, 3, 12), frequency="weekly"),
        "next_week": make_task(grids[LEAF_A], D(2026, 3, 20), place=shop, assignee=person,
                               window_start=D(2026, 3, 16)),
        "hotel": make_task(grids[LEAF_B], D(2026, 3, 31), place=hotel, origin="complaint",
                           reason="投诉堵塞通道", assigned_via="none"),
        "missed": make_task(grids[LEAF_A], D(2026, 3, 5), place=shop, assignee=person,
                            state="missed"),
        "outside": make_task(grids[LEAF_C], D(2026, 3, 10), window_start=D(2026, 3, 10)),
    }  # fmt: skip
    return {"grids": grids, "users": users, "person": person, "shop": shop, "tasks": tasks}


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------ my tasks


def test_my_tasks_today_lists_the_open_task_with_start_link(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["assignee"])
    task = world["tasks"]["today"]
    client.get(reverse("inspections:my_tasks"))  # warm the session
    with django_assert_num_queries(5):  # session, user, person, scope, tasks
        response = client.get(reverse("inspections:my_tasks"))
    body = text(response)
    assert response.status_code == 200
    assert "Today, 2026-03-10" in body
    assert f'href="/inspections/tasks/{task.pk}/inspect/"' in body
    assert f'href="/registry/places/{world["shop"].pk}/">便民小卖部</a>' in body
    assert "due 2026-03-10" in body
    assert body.count('class="card task-card"') == 1
    assert "Open tasks: 1" in body


def test_my_tasks_this_week_adds_the_patrol_with_the_patrol_link(world: dict[str, Any]) -> None:
    client = login(world["users"]["assignee"])
    response = client.get(reverse("inspections:my_tasks"), {"tab": "week"})
    body = text(response)
    patrol = world["tasks"]["week"]
    grid_a = world["grids"][LEAF_A]
    assert "This week, 2026-03-09 to 2026-03-15" in body
    assert body.count('class="card task-card"') == 2
    assert f'href="/inspections/patrol/?grid={grid_a.pk}"' in body
    assert f"Patrol of {grid_a.name}" in body
    assert f'href="/inspections/tasks/{patrol.pk}/"' in body
    assert f"/inspections/tasks/{world['tasks']['next_week'].pk}/" not in body


def test_my_tasks_empty_state_says_what_to_do(world: dict[str, Any]) -> None:
    response = login(world["users"]["colleague"]).get(reverse("inspections:my_tasks"))
    body = text(response)
    assert "No inspection tasks for you today." in body
    assert "Tasks come from the schedule rules of your grid." in body
    assert 'href="?tab=week">See this week</a>' in body


def test_my_tasks_without_a_person_record(world: dict[str, Any], django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="loner", password="x")  # noqa: S106
    body = text(login(user).get(reverse("inspections:my_tasks")))
    assert "Your login is not linked to a responsible person" in body


def test_my_tasks_needs_a_login(world: dict[str, Any]) -> None:
    response = Client().get(reverse("inspections:my_tasks"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# ------------------------------------------------------------------------------ task list


def test_task_list_shows_tasks_in_scope_only(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["manager"])
    client.get(reverse("inspections:task_list"))
    # session, user, scope, grid tree (roots + rows), people, count, page of tasks
    with django_assert_num_queries(8):
        response = client.get(reverse("inspections:task_list"))
    body = text(response)
    tasks = world["tasks"]
    assert response.status_code == 200
    assert "Tasks: 5" in body
    for key in ("today", "week", "next_week", "hotel", "missed"):
        assert f'href="/inspections/tasks/{tasks[key].pk}/"' in body
    assert f'href="/inspections/tasks/{tasks["outside"].pk}/"' not in body
    assert 'href="/inspections/tasks/new/"' in body


def test_task_list_query_count_does_not_grow_with_rows(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for day in range(11, 32):
        make_task(world["grids"][LEAF_B], D(2026, 3, day), place=world["shop"])
    client = login(world["users"]["manager"])
    client.get(reverse("inspections:task_list"))
    with django_assert_num_queries(8):
        response = client.get(reverse("inspections:task_list"))
    assert "Tasks: 26" in text(response)
    assert "Page 1 of 2" in text(response)
    page2 = client.get(reverse("inspections:task_list"), {"page": 2})
    assert "Page 2 of 2" in text(page2)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "missed"}, ["missed"]),
        ({"kind": "patrol"}, ["week"]),
        ({"origin": "complaint"}, ["hotel"]),
        ({"q": "宾馆"}, ["hotel"]),
        ({"due_from": "2026-03-13", "due_to": "2026-03-20"}, ["week", "next_week"]),
        ({"state": "nonsense"}, ["missed", "today", "week", "next_week", "hotel"]),
    ],
)
def test_task_list_filters(
    world: dict[str, Any], params: dict[str, str], expected: list[str]
) -> None:
    body = text(login(world["users"]["manager"]).get(reverse("inspections:task_list"), params))
    assert f"Tasks: {len(expected)}" in body
    for key in expected:
        assert f'href="/inspections/tasks/{world["tasks"][key].pk}/"' in body


def test_task_list_filters_by_grid_and_assignee(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    grid_b = world["grids"][LEAF_B]
    body = text(client.get(reverse("inspections:task_list"), {"grid": grid_b.pk}))
    assert "Tasks: 1" in body
    body = text(client.get(reverse("inspections:task_list"), {"assignee": world["person"].pk}))
    assert "Tasks: 4" in body


def test_task_list_out_of_scope_grid_is_404(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    other = world["grids"][LEAF_C]
    assert client.get(reverse("inspections:task_list"), {"grid": other.pk}).status_code == 404
    assert client.get(reverse("inspections:task_export"), {"grid": other.pk}).status_code == 404


def test_task_list_empty_state(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    body = text(client.get(reverse("inspections:task_list"), {"q": "nothing like it"}))
    assert "No task matches these filters." in body
    InspectionTask.objects.all().delete()
    body = text(client.get(reverse("inspections:task_list")))
    assert "No inspection tasks in your grids yet." in body


def test_task_list_hides_new_task_from_a_worker(world: dict[str, Any]) -> None:
    body = text(login(world["users"]["assignee"]).get(reverse("inspections:task_list")))
    assert 'href="/inspections/tasks/new/"' not in body
    assert "Tasks: 4" in body


def test_task_export_is_the_filtered_list_as_csv(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    response = client.get(reverse("inspections:task_export"), {"origin": "complaint"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="inspection-tasks-2026-03-10.csv"'
    )
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    hotel = world["tasks"]["hotel"]
    grid_b = world["grids"][LEAF_B]
    assert rows == [
        ["id", "kind", "origin", "state", "place", "grid_code", "grid", "assignee",
         "window_start", "due_on", "completed_on", "reason"],
        [str(hotel.pk), "place inspection", "after a complaint", "planned", "好梦宾馆",
         LEAF_B, grid_b.name, "", "2026-03-01", "2026-03-31", "", "投诉堵塞通道"],
    ]  # fmt: skip


def test_task_export_defuses_spreadsheet_formulas(world: dict[str, Any]) -> None:
    InspectionTask.objects.filter(pk=world["tasks"]["hotel"].pk).update(reason="=HYPERLINK(1)")
    client = login(world["users"]["manager"])
    response = client.get(reverse("inspections:task_export"), {"origin": "complaint"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[1][-1] == "'=HYPERLINK(1)"


def test_task_list_links_to_the_export_with_the_same_filters(world: dict[str, Any]) -> None:
    body = text(
        login(world["users"]["manager"]).get(reverse("inspections:task_list"), {"state": "missed"})
    )
    assert 'href="/inspections/tasks/export.csv?state=missed"' in body


# ------------------------------------------------------------------------------ a task


def test_task_detail_for_the_manager_offers_cancel_and_reassign(world: dict[str, Any]) -> None:
    task = world["tasks"]["hotel"]
    body = text(
        login(world["users"]["manager"]).get(reverse("inspections:task_detail", args=[task.pk]))
    )
    assert f"Task #{task.pk}" in body
    assert "投诉堵塞通道" in body
    assert "after a complaint" in body
    assert f'action="/inspections/tasks/{task.pk}/cancel/"' in body
    assert f'action="/inspections/tasks/{task.pk}/reassign/"' in body
    assert '<option value="' + str(world["person"].pk) + '">assignee</option>' in body


def test_task_detail_for_a_manager_who_is_not_the_assignee_has_no_start(
    world: dict[str, Any],
) -> None:
    task = world["tasks"]["today"]
    client = login(world["users"]["manager"])
    body = text(client.get(reverse("inspections:task_detail", args=[task.pk])))
    assert "/start/" not in body
    assert "Only the assignee can fill in the form" in body


def test_task_detail_of_a_closed_task_offers_nothing(world: dict[str, Any]) -> None:
    task = world["tasks"]["missed"]
    client = login(world["users"]["manager"])
    body = text(client.get(reverse("inspections:task_detail", args=[task.pk])))
    assert body.count('<form method="post"') == 2  # the header's log-out and language forms
    assert "/start/" not in body
    assert "/cancel/" not in body


def test_task_detail_for_the_assignee_offers_start_only(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    body = text(
        login(world["users"]["assignee"]).get(reverse("inspections:task_detail", args=[task.pk]))
    )
    assert f'action="/inspections/tasks/{task.pk}/start/"' in body
    assert "/cancel/" not in body
    assert "/reassign/" not in body


def test_task_detail_out_of_scope_is_404(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    task = world["tasks"]["outside"]
    assert client.get(reverse("inspections:task_detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("inspections:task_detail", args=[999999])).status_code == 404


def test_start_marks_in_progress_and_opens_the_form(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    response = login(world["users"]["assignee"]).post(
        reverse("inspections:task_start", args=[task.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/tasks/{task.pk}/inspect/"
    task.refresh_from_db()
    assert task.state == "in_progress"


def test_start_by_a_colleague_is_403_and_changes_nothing(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    response = login(world["users"]["colleague"]).post(
        reverse("inspections:task_start", args=[task.pk])
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.state == "planned"


def test_cancel_by_a_worker_is_403_and_changes_nothing(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    response = login(world["users"]["assignee"]).post(
        reverse("inspections:task_cancel", args=[task.pk]), {"reason": "不想去"}
    )
    assert response.status_code == 403
    assert "Only a manager of the grid may cancel a task." in text(response)
    task.refresh_from_db()
    assert (task.state, task.reason) == ("planned", "")
    assert not AuditEvent.objects.filter(action="inspection_task.cancelled").exists()


def test_cancel_needs_a_reason(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_cancel", args=[task.pk]), {"reason": "  "}
    )
    assert response.status_code == 422
    assert "This field is required." in text(response)
    task.refresh_from_db()
    assert task.state == "planned"


def test_cancel_by_the_manager(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_cancel", args=[task.pk]), {"reason": "场所已停业"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/tasks/{task.pk}/"
    task.refresh_from_db()
    assert (task.state, task.reason) == ("cancelled", "场所已停业")


def test_cancel_out_of_scope_is_404(world: dict[str, Any]) -> None:
    task = world["tasks"]["outside"]
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_cancel", args=[task.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.state == "planned"


def test_reassign_by_the_manager(world: dict[str, Any]) -> None:
    task = world["tasks"]["hotel"]
    colleague = Person.objects.get(user=world["users"]["colleague"])
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_reassign", args=[task.pk]), {"person": colleague.pk}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.assignee_id, task.assigned_via) == (colleague.pk, "manual")


def test_reassign_by_a_worker_is_403(world: dict[str, Any]) -> None:
    task = world["tasks"]["today"]
    colleague = Person.objects.get(user=world["users"]["colleague"])
    response = login(world["users"]["assignee"]).post(
        reverse("inspections:task_reassign", args=[task.pk]), {"person": colleague.pk}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.assignee_id == world["person"].pk


def test_reassign_to_someone_outside_the_grid_is_refused(world: dict[str, Any]) -> None:
    task = world["tasks"]["hotel"]
    outsider = Person.objects.get(user=world["users"]["outsider"])
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_reassign", args=[task.pk]), {"person": outsider.pk}
    )
    assert response.status_code == 422
    task.refresh_from_db()
    assert task.assignee_id is None


# ------------------------------------------------------------------------------ new task


def test_new_task_form_renders_for_a_manager(world: dict[str, Any]) -> None:
    shop = world["shop"]
    body = text(
        login(world["users"]["manager"]).get(reverse("inspections:task_create"), {"place": shop.pk})
    )
    assert "New inspection task" in body
    assert f'<option value="{shop.pk}" selected>便民小卖部</option>' in body


def test_new_task_form_is_403_for_a_worker(world: dict[str, Any]) -> None:
    client = login(world["users"]["assignee"])
    assert client.get(reverse("inspections:task_create")).status_code == 403
    before = InspectionTask.objects.count()
    response = client.post(reverse("inspections:task_create"), {"grid": world["grids"][LEAF_A].pk})
    assert response.status_code == 403
    assert InspectionTask.objects.count() == before


def test_new_task_for_a_place(world: dict[str, Any]) -> None:
    shop = world["shop"]
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_create"),
        {
            "grid": world["grids"][LEAF_A].pk,
            "place": shop.pk,
            "origin": "hazard",
            "reason": "复查隐患",
            "due_on": "2026-03-12",
            "assignee": world["person"].pk,
        },
    )
    task = InspectionTask.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/tasks/{task.pk}/"
    assert (task.place_id, task.origin, task.reason, task.due_on, task.assignee_id) == (
        shop.pk, "hazard", "复查隐患", D(2026, 3, 12), world["person"].pk
    )  # fmt: skip


def test_new_task_in_the_past_shows_the_service_error(world: dict[str, Any]) -> None:
    before = InspectionTask.objects.count()
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_create"),
        {"grid": world["grids"][LEAF_B].pk, "origin": "request", "reason": "上级要求",
         "due_on": "2026-03-01"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "The due date is in the past." in text(response)
    assert InspectionTask.objects.count() == before


def test_new_task_needs_a_place_or_a_grid(world: dict[str, Any]) -> None:
    response = login(world["users"]["manager"]).post(
        reverse("inspections:task_create"),
        {"origin": "request", "reason": "上级要求", "due_on": "2026-03-20"},
    )
    assert response.status_code == 422
    assert "Choose a place or a grid." in text(response)


def test_place_options_of_a_grid(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    grid_a = world["grids"][LEAF_A]
    body = text(client.get(reverse("inspections:task_create_places"), {"grid": grid_a.pk}))
    assert body.strip().endswith(f'<option value="{world["shop"].pk}">便民小卖部</option>')
    other = world["grids"][LEAF_C]
    body = text(client.get(reverse("inspections:task_create_places"), {"grid": other.pk}))
    assert '<option value="">No place: patrol the grid</option>' in body
    assert body.count("<option") == 1
