"""Office reports and configuration pages: the grid calendar, coverage (with its CSV), who is
behind, staffing, and the read-only schedule rules and checklists."""

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

from firegrid.grids.models import Grid
from firegrid.inspections.models import ChecklistItem, ChecklistTemplate, ScheduleRule
from firegrid.people.models import Person, Role
from firegrid.testing import user_with_role

from .conftest import place_in
from .test_views_office_tasks import make_task

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # Tuesday 10:00 in Shanghai
D = datetime.date


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


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
    colleague = Person.objects.get(user=users["colleague"])
    shop = place_in(grids[LEAF_A], name="便民小卖部")
    hotel = place_in(grids[LEAF_B], "hotel", name="好梦宾馆")
    a, b = grids[LEAF_A], grids[LEAF_B]
    tasks = {
        "today": make_task(a, D(2026, 3, 10), place=shop, assignee=person),
        "late": make_task(a, D(2026, 3, 9), place=shop, assignee=person),
        "patrol": make_task(a, D(2026, 3, 13), assignee=person),
        "missed": make_task(a, D(2026, 3, 5), place=shop, assignee=person, state="missed"),
        "done": make_task(a, D(2026, 3, 8), assignee=colleague, state="done",
                          completed_on=D(2026, 3, 7)),
        "hotel": make_task(b, D(2026, 3, 31), place=hotel),
        "cancelled": make_task(b, D(2026, 3, 10), place=hotel, state="cancelled", reason="停业"),
        "april": make_task(a, D(2026, 4, 2), place=shop, assignee=person),
        "outside": make_task(grids[LEAF_C], D(2026, 3, 10)),
    }  # fmt: skip
    return {"grids": grids, "users": users, "person": person, "tasks": tasks, "shop": shop}


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return " ".join(html.split())


# ------------------------------------------------------------------------------ calendar


def test_calendar_counts_tasks_per_day_and_state(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["manager"])
    grid_a = world["grids"][LEAF_A]
    url = reverse("inspections:calendar")
    client.get(url, {"grid": grid_a.pk, "month": "2026-03"})
    # session, user, scope, grid tree (roots + rows), the grid, the tasks
    with django_assert_num_queries(7):
        response = client.get(url, {"grid": grid_a.pk, "month": "2026-03"})
    body = squash(text(response))
    day = f"/inspections/tasks/?grid={grid_a.pk}&amp;due_from=2026-03-10&amp;due_to=2026-03-10"
    assert response.status_code == 200
    assert f"Task calendar: {grid_a.name}" in body
    assert "Tasks due this month: 5" in body
    assert f'<a href="{day}"><strong>10</strong></a>' in body
    assert f'<a href="{day}&amp;state=planned"><small>planned 1</small></a>' in body
    assert "<small>missed 1</small>" in body
    assert "<small>done 1</small>" in body
    assert f'href="?grid={grid_a.pk}&amp;month=2026-02">‹ Previous month' in body
    assert f'href="?grid={grid_a.pk}&amp;month=2026-04">Next month ›' in body
    assert body.count("<tr>") == 1 + 6  # header + the six weeks touching March 2026


@pytest.mark.parametrize("month", ["", "garbage", "9999-12", "2026-13"])
def test_calendar_defaults_to_this_month_and_the_top_grid(
    world: dict[str, Any], month: str
) -> None:
    client = login(world["users"]["manager"])
    body = squash(text(client.get(reverse("inspections:calendar"), {"month": month})))
    community = world["grids"][COMMUNITY]
    assert f"Task calendar: {community.name}" in body
    assert "Tasks due this month: 7" in body
    assert 'value="2026-03"' in body


def test_calendar_out_of_scope_grid_is_404(world: dict[str, Any]) -> None:
    response = login(world["users"]["manager"]).get(
        reverse("inspections:calendar"), {"grid": world["grids"][LEAF_C].pk}
    )
    assert response.status_code == 404


def test_calendar_without_any_grid(world: dict[str, Any], django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="loner", password="x")  # noqa: S106
    body = text(login(user).get(reverse("inspections:calendar")))
    assert "You hold no role on any grid, so there is no calendar to show." in body


# ------------------------------------------------------------------------------ coverage


def test_coverage_table_per_child_grid(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["manager"])
    url = reverse("inspections:coverage")
    client.get(url)
    # session, user, scope, top grid, its grid, children, counts, on-time rate (its grid, one
    # grouped count), grid tree (2), missed, never-inspected count and page
    with django_assert_num_queries(14):
        response = client.get(url)
    body = squash(text(response))
    grids = world["grids"]
    a, b = grids[LEAF_A], grids[LEAF_B]
    assert response.status_code == 200
    assert f"Inspection coverage: {grids[COMMUNITY].name}" in body
    assert "Tasks due from 2026-03-01 to 2026-03-31" in body
    span = "start=2026-03-01&amp;end=2026-03-31"
    due = "due_from=2026-03-01&amp;due_to=2026-03-31"
    assert (
        f'<td><a href="/inspections/coverage/?grid={a.pk}&amp;{span}">{a.name}</a></td> '
        f'<td class="num"><a href="/inspections/tasks/?grid={a.pk}&amp;{due}">5</a></td> '
        '<td class="num">1</td> '
        f'<td class="num"><a href="/inspections/tasks/?grid={a.pk}&amp;state=missed&amp;{due}">'
        "1</a></td> "
        '<td class="num">3</td> <td class="num">33%</td>'
    ) in body
    assert (
        f'<td><a href="/inspections/coverage/?grid={b.pk}&amp;{span}">{b.name}</a></td> '
        f'<td class="num"><a href="/inspections/tasks/?grid={b.pk}&amp;{due}">2</a></td> '
        '<td class="num">0</td> <td class="num">0</td> <td class="num">1</td> '
        '<td class="num">—</td>'
    ) in body
    assert (
        '<th class="num">1</th><th class="num">1</th><th class="num">4</th><th class="num">33%</th>'
        in body
    )
    assert f'href="/inspections/tasks/{world["tasks"]["missed"].pk}/">2026-03-05</a>' in body
    assert "Places never inspected: 2" in body
    assert f'href="/inspections/coverage/export.csv?grid={grids[COMMUNITY].pk}&amp;{span}"' in body


def test_coverage_drill_down_and_empty_period(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    a = world["grids"][LEAF_A]
    body = squash(
        text(client.get(reverse("inspections:coverage"), {"grid": a.pk, "start": "2026-05-01"}))
    )
    assert f"Inspection coverage: {a.name}" in body
    assert "Tasks due from 2026-05-01 to 2026-05-31" in body
    assert "No tasks are due in this period." in body
    assert "No missed tasks in this period." in body
    assert "Up one level" in body


def test_coverage_out_of_scope_grid_is_404(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    other = world["grids"][LEAF_C].pk
    assert client.get(reverse("inspections:coverage"), {"grid": other}).status_code == 404
    assert client.get(reverse("inspections:coverage_export"), {"grid": other}).status_code == 404


def test_coverage_export_csv(world: dict[str, Any]) -> None:
    response = login(world["users"]["manager"]).get(reverse("inspections:coverage_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="coverage-2026-03-01-2026-03-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    a, b = world["grids"][LEAF_A], world["grids"][LEAF_B]
    assert rows == [
        ["grid_code", "grid", "due", "done", "missed", "open", "cancelled", "on_time_rate"],
        [LEAF_A, a.name, "5", "1", "1", "3", "0", "0.3333"],
        [LEAF_B, b.name, "2", "0", "0", "1", "1", ""],
        ["", "Total", "7", "1", "1", "4", "1", "0.3333"],
    ]


# ------------------------------------------------------------------------------ who is behind


def test_behind_lists_the_worst_first(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["users"]["manager"])
    url = reverse("inspections:behind")
    client.get(url)
    # session, user, scope, counts, people, grid tree (2)
    with django_assert_num_queries(7):
        response = client.get(url)
    body = squash(text(response))
    person = world["person"]
    colleague = Person.objects.get(user=world["users"]["colleague"])
    due = "due_from=2026-03-01&amp;due_to=2026-03-31"
    first = (
        f'<td><a href="/inspections/tasks/?assignee={person.pk}&amp;{due}">assignee</a></td> '
        '<td class="num">4</td><td class="num">0</td> <td class="num">1</td>'
        '<td class="num">1</td><td class="num">0%</td>'
    )
    second = (
        f'<td><a href="/inspections/tasks/?assignee={colleague.pk}&amp;{due}">colleague</a></td> '
        '<td class="num">1</td><td class="num">1</td> <td class="num">0</td>'
        '<td class="num">0</td><td class="num">100%</td>'
    )
    assert first in body
    assert second in body
    assert body.index(first) < body.index(second)


def test_behind_empty_and_out_of_scope(world: dict[str, Any]) -> None:
    client = login(world["users"]["manager"])
    body = text(client.get(reverse("inspections:behind"), {"start": "2026-06-01"}))
    assert "Nobody has tasks due in this period." in body
    response = client.get(reverse("inspections:behind"), {"grid": world["grids"][LEAF_C].pk})
    assert response.status_code == 404


# ------------------------------------------------------------------------------ staffing


@pytest.fixture
def patrol_rule(world: dict[str, Any]) -> ScheduleRule:
    ScheduleRule.objects.update(active=False)
    rule = ScheduleRule.objects.create(
        code="test_patrol", name="测试巡查", kind="patrol", grid_depth=3, frequency="daily",
        duration_minutes=60,
    )  # fmt: skip
    rule.roles.set([Role.objects.get(code="fulltime_worker")])
    return rule


def test_staffing_warns_where_the_schedule_cannot_be_met(
    world: dict[str, Any], patrol_rule: ScheduleRule
) -> None:
    body = squash(text(login(world["users"]["manager"]).get(reverse("inspections:staffing"))))
    a, b = world["grids"][LEAF_A], world["grids"][LEAF_B]
    assert "The schedule cannot be met in 1 grid(s): add people, or change the rules." in body
    assert (
        f'<tr class="problem"> <td>{b.name} '
        '<span class="badge high-risk-badge">cannot be met</span></td> '
        '<td class="num">30.4</td> <td class="num">0.0</td> <td class="num">30.4</td> '
        "<td><ul><li>测试巡查: 30 a month, 30.4 h</li></ul></td>"
    ) in body
    assert (
        f"<tr> <td>{a.name}</td> "
        '<td class="num">30.4</td> <td class="num">80.0</td> <td class="num">—</td>'
    ) in body
    assert '<td class="wide-only">assignee、colleague</td>' in body
    assert body.index(b.name + " <span") < body.index(f"<td>{a.name}</td>")


def test_staffing_empty_and_out_of_scope(world: dict[str, Any]) -> None:
    ScheduleRule.objects.update(active=False)
    client = login(world["users"]["manager"])
    assert "No active schedule rule applies to your grids." in text(
        client.get(reverse("inspections:staffing"))
    )
    response = client.get(reverse("inspections:staffing"), {"grid": world["grids"][LEAF_C].pk})
    assert response.status_code == 404


# ------------------------------------------------------------------------------ configuration


def test_rules_page_says_who_what_how_often(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    rule = ScheduleRule.objects.create(
        code="test_rentals", name="出租屋检查", name_en="Rental checks", grid_depth=3,
        frequency="monthly", frequency_by_risk={"low": "quarterly", "high": "half_monthly"},
        frequency_open_hazard="weekly", window_days=10, duration_minutes=25,
        relax_after_clean=3, relax_cap="quarterly",
    )  # fmt: skip
    rule.roles.set([Role.objects.get(code="fulltime_worker")])
    client = login(world["users"]["assignee"])
    client.get(reverse("inspections:rules"))
    with django_assert_num_queries(5):  # session, user, rules, roles, place types
        response = client.get(reverse("inspections:rules"))
    body = squash(text(response))
    section = body[body.index('id="rule-test_rentals"') :]
    section = section[: section.index("</section>")]
    assert "<h2>Rental checks</h2>" in section
    assert "<dd>Full-time grid worker (held at grid level 3)</dd>" in section
    assert "<dd>place inspection: all place types</dd>" in section
    assert "<dt>How often</dt><dd>monthly</dd>" in section
    assert "<li>high risk: half-monthly</li><li>low risk: quarterly</li>" in section
    assert "<dt>While a hazard is open</dt><dd>weekly</dd>" in section
    assert "after 3 clean in a row, one step less often, at most quarterly" in section
    assert "the first 10 days of each period" in section
    assert "25 minutes" in section
    assert "Changes are made in the admin for now." in body
    assert 'id="rule-grid_patrol_weekly"' in body  # the default rules are shown too


def test_checklists_list_and_detail(world: dict[str, Any]) -> None:
    old = ChecklistTemplate.objects.create(
        code="test_list", version=1, is_current=False, name="测试检查表", name_en="Test list"
    )
    new = ChecklistTemplate.objects.create(
        code="test_list", version=2, is_current=True, name="测试检查表", name_en="Test list"
    )
    ChecklistItem.objects.create(template=new, code="exits", position=1, text="疏散通道畅通",
                                 text_en="Exits are clear", photo_required_on_fail=True,
                                 hazard_category="blocked_exit")  # fmt: skip
    ChecklistItem.objects.create(
        template=new, code="extinguisher", position=2, text="灭火器压力", answer_type="number",
        min_value=1.0, max_value=1.4, unit="MPa",
    )  # fmt: skip
    client = login(world["users"]["assignee"])
    body = squash(text(client.get(reverse("inspections:checklists"))))
    assert f'<a href="/inspections/checklists/{new.pk}/">Test list</a>' in body
    assert (
        f'<a href="/inspections/checklists/{new.pk}/">v2</a> (current) '
        f'<small class="muted">2 items</small> · '
        f'<a href="/inspections/checklists/{old.pk}/">v1</a> <small class="muted">0 items</small>'
    ) in body
    body = squash(text(client.get(reverse("inspections:checklist_detail", args=[new.pk]))))
    assert "<p>Exits are clear</p>" in body
    assert "photo required on fail" in body
    assert "hazard on fail: blocked_exit" in body
    assert "passes within 1.0–1.4 MPa" in body
    assert f'<a href="/inspections/checklists/{old.pk}/">v1</a>' in body
    assert client.get(reverse("inspections:checklist_detail", args=[999999])).status_code == 404


def test_reports_for_a_login_without_grids_are_empty(
    world: dict[str, Any], django_user_model: Any
) -> None:
    client = login(django_user_model.objects.create_user(username="loner", password="x"))  # noqa: S106
    assert "No tasks are due in this period." in text(client.get(reverse("inspections:coverage")))
    assert "Nobody has tasks due in this period." in text(client.get(reverse("inspections:behind")))
    body = text(client.get(reverse("inspections:staffing")))
    assert "No active schedule rule applies to your grids." in body


def test_default_checklist_detail_renders(world: dict[str, Any]) -> None:
    template = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    response = login(world["users"]["assignee"]).get(
        reverse("inspections:checklist_detail", args=[template.pk])
    )
    assert response.status_code == 200
    assert text(response).count("<li><p>") == template.items.count()
