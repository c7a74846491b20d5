""" "Today": a grid worker's own due and overdue tasks (not a colleague's), the hazards and
reports waiting for them, unread notifications, the grids of someone posted in several side by
side, empty states, both languages, and a query count that does not grow with the grids."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from firegrid.dashboard.selectors_today import today_for
from firegrid.grids.models import Grid
from firegrid.hazards.services import StepIn, hazard_report, hazard_step
from firegrid.inspections.models import InspectionTask
from firegrid.inspections.tests.conftest import place_in
from firegrid.notifications.models import Notification
from firegrid.people.models import Assignment, Person, Role
from firegrid.reports.services import ReportIn, report_submit
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # Tuesday 10:00 in Shanghai
TODAY = datetime.date(2026, 3, 10)
D = datetime.date


@pytest.fixture(autouse=True)
def _clock(small_jurisdiction: dict[str, Grid]) -> Iterator[None]:
    """Frozen after the grids are imported: the import stamps the grid version with the clock,
    and a version repeated from an earlier test would reuse its spatial index (stale ids)."""
    with time_machine.travel(NOW, tick=False):
        yield


def make_task(grid: Grid, due: datetime.date, **fields: Any) -> InspectionTask:
    """A task as the schedule writes it (the services' sweep is not what is tested here)."""
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


def post(user: Any, role_code: str, grid: Grid) -> None:
    Assignment.objects.create(
        person=Person.objects.get(user=user),
        grid=grid,
        role=Role.objects.get(code=role_code),
        start_on=D(2026, 3, 1),
    )


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    grids = small_jurisdiction
    users = {
        "worker": user_with_role("fulltime_worker", grids[LEAF_A], username="worker"),
        "colleague": user_with_role("fulltime_worker", grids[LEAF_A], username="colleague"),
        "office": user_with_role("community_office", grids[COMMUNITY], username="office"),
        "volunteer": user_with_role("volunteer", grids[LEAF_A], username="volunteer"),
    }
    me = Person.objects.get(user=users["worker"])
    other = Person.objects.get(user=users["colleague"])
    shop = place_in(grids[LEAF_A], name="便民小卖部")
    hotel = place_in(grids[LEAF_A], "hotel", name="好梦宾馆")
    a = grids[LEAF_A]
    tasks = {
        "today": make_task(a, TODAY, place=shop, assignee=me, window_start=TODAY),
        "today_started": make_task(a, TODAY, place=hotel, assignee=me, state="in_progress"),
        "late_patrol": make_task(a, D(2026, 3, 7), assignee=me, frequency="weekly",
                                 window_start=D(2026, 3, 2)),
        "late_visit": make_task(a, D(2026, 2, 28), place=hotel, assignee=me),
        "later": make_task(a, D(2026, 3, 31), place=shop, assignee=me),
        "not_yet_open": make_task(a, D(2026, 3, 20), place=hotel, assignee=me,
                                  window_start=D(2026, 3, 16)),
        "done": make_task(a, TODAY, place=shop, assignee=me, state="done"),
        "missed": make_task(a, D(2026, 3, 5), place=shop, assignee=me, state="missed"),
        "cancelled": make_task(a, D(2026, 3, 5), place=shop, assignee=me, state="cancelled"),
        "colleague_today": make_task(a, TODAY, place=shop, assignee=other),
        "colleague_late": make_task(a, D(2026, 3, 9), assignee=other),
        "unassigned": make_task(grids[LEAF_B], TODAY, place=place_in(grids[LEAF_B])),
    }  # fmt: skip
    return {"grids": grids, "users": users, "me": me, "shop": shop, "tasks": tasks}


def login(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def get(user: Any, language: str = "en") -> str:
    response = login(user, language).get(reverse("dashboard:today"))
    assert response.status_code == 200
    return response.content.decode()


def task_ids(body: str) -> set[int]:
    ids = set()
    for chunk in body.split('data-task="')[1:]:
        ids.add(int(chunk.split('"', 1)[0]))
    return ids


# ------------------------------------------------------------------------------ tasks


def test_today_lists_exactly_my_due_and_overdue_open_tasks(world: dict[str, Any]) -> None:
    tasks = world["tasks"]
    view = today_for(world["users"]["worker"], day=TODAY)
    assert [t.pk for t in view.due_today] == [tasks["today"].pk, tasks["today_started"].pk]
    assert [t.pk for t in view.overdue] == [tasks["late_visit"].pk, tasks["late_patrol"].pk]
    assert (view.due_today_count, view.overdue_count, view.later_count) == (2, 2, 1)

    body = get(world["users"]["worker"])
    assert task_ids(body) == {
        tasks[k].pk for k in ("today", "today_started", "late_patrol", "late_visit")
    }
    grid_a = world["grids"][LEAF_A]
    assert f'href="/inspections/tasks/{tasks["today"].pk}/inspect/"' in body
    assert f'href="/inspections/tasks/{tasks["today"].pk}/"' in body
    assert f'href="/inspections/patrol/?grid={grid_a.pk}">Start patrol</a>' in body
    assert f"Patrol of {grid_a.name}" in body
    assert "3 days late" in body  # the patrol due on Saturday 7 March
    assert "10 days late" in body  # the visit due on 28 February
    assert "1 more open task is due later." in body
    assert 'href="/inspections/?tab=week">My tasks this week</a>' in body


def test_a_colleague_sees_their_own_tasks_only(world: dict[str, Any]) -> None:
    tasks = world["tasks"]
    body = get(world["users"]["colleague"])
    assert task_ids(body) == {tasks["colleague_today"].pk, tasks["colleague_late"].pk}
    assert "1 day late" in body


def test_empty_states(world: dict[str, Any]) -> None:
    body = get(world["users"]["volunteer"])
    assert task_ids(body) == set()
    assert "Nothing due today." in body
    assert "Nothing overdue." in body
    assert "No hazard waits for you." in body
    assert "No unread notifications." in body
    assert "more open task" not in body
    # A volunteer does not triage citizen reports: no block at all, not an empty one.
    assert 'id="today-reports"' not in body
    assert 'id="today-grids"' not in body  # one post only


def test_a_login_without_a_person_record(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="loner", password="x")  # noqa: S106
    body = get(user)
    assert "Your login is not linked to a responsible person" in body
    assert "Nothing due today." not in body


# ------------------------------------------------------------------------------ hazards, reports


def test_hazards_waiting_for_me_come_from_my_actions(world: dict[str, Any]) -> None:
    users = world["users"]
    hazard = hazard_report(
        actor=users["worker"], category_code="exits_blocked", source="inspection",
        description="后门堆放杂物", found_at=timezone.now(), place=world["shop"],
    )  # fmt: skip
    office_body = get(users["office"])
    assert f'href="/hazards/{hazard.pk}/">#{hazard.pk} ' in office_body
    assert "Reported, to confirm or reject" in office_body
    assert f'href="/hazards/{hazard.pk}/"' not in get(users["worker"])  # not the worker's yet

    hazard_step(actor=users["office"], hazard_id=hazard.pk, data=StepIn("confirm"))
    body = get(users["worker"])
    assert "Confirmed, to fix on the spot" in body
    assert f'href="/hazards/{hazard.pk}/">#{hazard.pk} ' in body
    assert 'href="/hazards/mine/">All my actions</a>' in body
    outsider = user_with_role("fulltime_worker", world["grids"][LEAF_C])
    assert f'href="/hazards/{hazard.pk}/"' not in get(outsider)


def test_reports_to_triage_for_a_role_that_triages(world: dict[str, Any]) -> None:
    report = report_submit(
        data=ReportIn(
            service_code="exits_blocked", description="楼道堆满杂物", lon=113.05, lat=34.45
        )
    )
    body = get(world["users"]["worker"])
    assert f'href="/reports/{report.pk}/">{report.tracking_code}</a>' in body
    assert 'href="/reports/?state=new">All reports awaiting triage</a>' in body
    volunteer = get(world["users"]["volunteer"])
    assert report.tracking_code not in volunteer
    # Elsewhere in the county: nothing to triage.
    outsider = user_with_role("grid_head", world["grids"][LEAF_C])
    body = get(outsider)
    assert report.tracking_code not in body
    assert "No citizen report waits for triage." in body


def test_unread_notifications_latest_five_and_the_inbox(world: dict[str, Any]) -> None:
    me = world["me"]
    for i in range(6):
        Notification.objects.create(recipient=me, kind="test", subject=f"通知{i}")
    Notification.objects.create(
        recipient=me, kind="test", subject="已读通知", read_at=timezone.now()
    )
    Notification.objects.create(
        recipient=Person.objects.get(user=world["users"]["colleague"]), kind="t", subject="别人的"
    )
    body = get(world["users"]["worker"])
    section = body.split('id="today-notifications"', 1)[1]
    assert [f"通知{i}" in section for i in range(6)] == [False, True, True, True, True, True]
    assert "已读通知" not in section
    assert "别人的" not in body
    assert 'Unread notifications <span class="badge">6</span>' in body
    assert 'href="/notifications/">All notifications</a>' in section


# ------------------------------------------------------------------------------ several grids


def test_a_person_with_two_posts_sees_both_grids_side_by_side(world: dict[str, Any]) -> None:
    grids, users = world["grids"], world["users"]
    post(users["worker"], "parttime_worker", grids[LEAF_B])
    report_submit(data=ReportIn(service_code="exits_blocked", description="堵塞", lon=113.15,
                                lat=34.45))  # fmt: skip
    body = get(users["worker"])
    table = body.split('id="today-grids"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr data-grid=")[1:]
    assert [row.split('"')[1] for row in rows] == [LEAF_A, LEAF_B]
    cells = [[re.sub(r"<[^>]+>", "", "<td" + c.split("</td>", 1)[0]) for c in row.split("<td")[1:]]
             for row in rows]  # fmt: skip
    # Grid A: 3 open tasks due today (2 mine, 1 the colleague's), 3 overdue (2 + 1).
    assert cells[0] == ["3", "3", "0", "0"]
    # Grid B: the unassigned task due today, nothing overdue, the report to triage.
    assert cells[1] == ["1", "0", "0", "1"]


def test_a_contracting_leader_sees_every_grid_they_hold(world: dict[str, Any]) -> None:
    grids = world["grids"]
    leader = user_with_role("contracting_leader", grids[LEAF_A], username="baopian")
    post(leader, "contracting_leader", grids[LEAF_C])
    view = today_for(leader, day=TODAY)
    assert [row.grid.code for row in view.grids] == [LEAF_A, LEAF_C]
    assert [(row.due_today, row.overdue, row.to_triage) for row in view.grids] == [
        (3, 3, None),  # a 包片领导 does not triage citizen reports
        (0, 0, None),
    ]
    assert "Contracting leader" in get(leader)  # the role beside each grid
    # Even one grid held to supervise is shown as a row.
    single = user_with_role("contracting_leader", grids[LEAF_B])
    assert [row.grid.code for row in today_for(single, day=TODAY).grids] == [LEAF_B]


def test_query_count_does_not_grow_with_the_grids(world: dict[str, Any]) -> None:
    grids, users = world["grids"], world["users"]
    post(users["worker"], "parttime_worker", grids[LEAF_B])
    client = login(users["worker"])
    url = reverse("dashboard:today")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    post(users["worker"], "grid_head", grids[LEAF_C])
    post(users["worker"], "grid_head", grids[COMMUNITY])
    with CaptureQueriesContext(connection) as four:
        body = client.get(url).content.decode()
    assert body.count("<tr data-grid=") == 4
    assert len(four) == len(two)


def test_query_count_is_bounded(world: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    users = world["users"]
    post(users["worker"], "parttime_worker", world["grids"][LEAF_B])
    for i in range(6):
        Notification.objects.create(recipient=world["me"], kind="test", subject=f"通知{i}")
    url = reverse("dashboard:today")
    client = login(users["worker"])
    client.get(url)  # warm the session
    # session, user, person, scope, task counts, due today, overdue, hazards (field posts + 2
    # groups), reports, notifications (+ count: 6 > 5 shown), posts, 3 per-grid counts
    with django_assert_max_num_queries(17):
        client.get(url)
    office = login(users["office"])
    office.get(url)
    # an office also gets the hazards of the levels it answers for (offices + 4 groups)
    with django_assert_max_num_queries(20):
        office.get(url)


# ------------------------------------------------------------------------------ languages


def test_today_renders_in_chinese_and_english(world: dict[str, Any]) -> None:
    english = get(world["users"]["worker"])
    assert '<html lang="en">' in english
    assert "<h1>Today</h1>" in english
    chinese = get(world["users"]["worker"], "zh-hans")
    assert '<html lang="zh-hans">' in chinese
    assert task_ids(chinese) == task_ids(english)
    assert "网格地图" in chinese  # the shared navigation, already translated
