"""The overview dashboard page: figures from the metrics layer, scope, links, bad input, 大屏."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from firegrid.dashboard.views.overview import KPI_CODES, display
from firegrid.grids.models import Grid
from firegrid.hazards.services import hazard_report
from firegrid.inspections.tests.conftest import place_in
from firegrid.metrics import MetricFilters, Period, metric_get, metric_table
from firegrid.metrics.tests.builders import task

COUNTY, STREET = "410185", "410185001"
COMMUNITY, OTHER_COMMUNITY = "410185001001", "410185001002"
LEAF, OTHER_LEAF, FAR_LEAF = "410185001001001", "410185001002001", "410185002001001"
D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TODAY = D(2026, 9, 15)
SEPTEMBER = Period(D(2026, 9, 1), D(2026, 9, 30), "month")
URL = "/dashboard/overview/"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid], make_user: Any) -> dict[str, Any]:
    """Hazards reported by workers: 3 in COMMUNITY (one in August), 2 next door, 1 in street 2."""
    grids = small_jurisdiction
    with time_machine.travel(at(D(2026, 8, 1)), tick=False):
        users = {
            "county": make_user("county_office", grids[COUNTY], start_on=D(2026, 1, 1)),
            "community": make_user("community_office", grids[COMMUNITY], start_on=D(2026, 1, 1)),
            "other": make_user("community_office", grids[OTHER_COMMUNITY], start_on=D(2026, 1, 1)),
        }
        workers = {
            code: make_user("fulltime_worker", grids[code], start_on=D(2026, 1, 1))
            for code in (LEAF, OTHER_LEAF, FAR_LEAF)
        }
    plan = [
        (LEAF, D(2026, 8, 20)), (LEAF, D(2026, 9, 2)), (LEAF, D(2026, 9, 3)),
        (OTHER_LEAF, D(2026, 9, 4)), (OTHER_LEAF, D(2026, 9, 5)), (FAR_LEAF, D(2026, 9, 6)),
    ]  # fmt: skip
    for code, day in plan:
        with time_machine.travel(at(day), tick=False):
            place = place_in(grids[code], "small_shop")
            hazard_report(
                actor=workers[code], category_code="exits_blocked", source="inspection",
                description="后门堆放杂物", found_at=timezone.now(), place=place,
            )  # fmt: skip
    # Inspection tasks (small builders): in LEAF one done on time and one missed; next door one
    # still open past its due day.
    task(grids[LEAF], D(2026, 9, 8), "done", completed_on=D(2026, 9, 7))
    task(grids[LEAF], D(2026, 9, 3), "missed")
    task(grids[OTHER_LEAF], D(2026, 9, 10), "planned")
    return {"grids": grids, "users": users}


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    """The messages asserted here are the English ones (zh-Hans is the site's default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


def kpi_text(html: str, code: str) -> str:
    match = re.search(
        rf'<p class="ov-kpi-value"><a href="[^"]*" data-code="{code}">([^<]*)</a>', html
    )
    assert match, code
    return match.group(1)


def kpi_href(html: str, code: str) -> str:
    match = re.search(rf'<p class="ov-kpi-value"><a href="([^"]*)" data-code="{code}">', html)
    assert match, code
    return match.group(1).replace("&amp;", "&")


def expected_texts(user: Any, grid: Grid | None) -> dict[str, str]:
    table = metric_table(
        actor=user, grid_id=grid.pk if grid else None, period=SEPTEMBER,
        codes=list(KPI_CODES), today=TODAY, filters=MetricFilters(),
    )  # fmt: skip
    return {code: display(metric_get(code), table.total[code].value) for code in KPI_CODES}


def test_county_office_page_shows_the_metric_table_figures(client: Any, world: Any) -> None:
    client.force_login(world["users"]["county"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    expected = expected_texts(world["users"]["county"], None)
    assert {code: kpi_text(html, code) for code in KPI_CODES} == expected
    assert expected["hazards_found"] == "5"  # September only: the August one is not counted
    assert expected["tasks_on_time_rate"] == "33.3 %"  # 1 on time of 3 due (missed, open late)
    board = re.findall(
        r'<li data-code="([a-z_]+)"><a class="ov-board-count" href="[^"]*">([^<]*)<', html
    )
    assert ("tasks_missed", "1") in board and ("tasks_open_overdue", "1") in board
    # The county office's one top grid is the unit; its two streets are side by side.
    assert response.context["unit"].code == COUNTY
    rows = response.context["children"]
    assert [(row["grid"].code, row["cells"][1]["text"]) for row in rows] == [
        (STREET, "4"), ("410185002", "1"),
    ]  # fmt: skip


def test_county_office_page_for_a_street_lists_its_communities(client: Any, world: Any) -> None:
    street = world["grids"][STREET]
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"grid_id": street.pk, "sort": "-hazards_found"})
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi_text(html, "hazards_found") == "4"
    rows = response.context["children"]
    assert [(row["grid"].code, row["cells"][1]["text"]) for row in rows] == [
        (COMMUNITY, "2"), (OTHER_COMMUNITY, "2"),
    ]  # fmt: skip
    assert [cell["metric"].code for cell in rows[0]["cells"]][: len(KPI_CODES)] == list(KPI_CODES)
    # Each child's name links to that child's dashboard with the same period.
    child = world["grids"][COMMUNITY]
    assert (
        f'href="/dashboard/overview/?grid_id={child.pk}&amp;period=month&amp;month=2026-09-01"'
        in html
    )


def test_community_office_never_sees_another_communitys_numbers(client: Any, world: Any) -> None:
    user = world["users"]["community"]
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi_text(html, "hazards_found") == "2"
    assert kpi_text(html, "tasks_on_time_rate") == "50.0 %"  # the neighbour's open task not counted
    assert {code: kpi_text(html, code) for code in KPI_CODES} == expected_texts(user, None)
    assert "社区1-2" not in html and "街道2" not in html
    assert response.context["unit"].code == COMMUNITY
    rows = response.context["children"]
    assert [(row["grid"].code, row["cells"][1]["text"]) for row in rows] == [
        (LEAF, "2"), ("410185001001002", "0"),
    ]  # fmt: skip
    # Asking for the neighbour (or its parent street) answers 404, not its numbers.
    for code in (OTHER_COMMUNITY, STREET):
        assert client.get(URL, {"grid_id": world["grids"][code].pk}).status_code == 404


def test_every_kpi_links_to_its_drilldown_with_the_filters(client: Any, world: Any) -> None:
    community = world["grids"][COMMUNITY]
    client.force_login(world["users"]["county"])
    response = client.get(
        URL,
        {
            "grid_id": community.pk,
            "period": "month",
            "month": "2026-08",
            "category": "exits_blocked",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi_text(html, "hazards_found") == "1"
    for code in KPI_CODES:
        href = kpi_href(html, code)
        path, query = href.split("?")
        assert path == reverse("metrics:records", args=[code])
        assert parse_qs(query) == {
            "grid_id": [str(community.pk)], "period": ["month"], "month": ["2026-08-01"],
            "category": ["exits_blocked"],
        }  # fmt: skip
    board = {item["metric"].code: item["url"] for item in response.context["board"]}
    texts = {item["metric"].code: item["text"] for item in response.context["board"]}
    assert (texts["tasks_missed"], texts["tasks_open_overdue"]) == ("0", "0")  # August
    assert {"hazards_overdue", "tasks_open_overdue", "tasks_missed"} <= set(board)
    assert urlsplit(board["hazards_overdue"]).path == reverse(
        "metrics:records", args=["hazards_overdue"]
    )


def test_custom_period_links_carry_start_and_end(client: Any, world: Any) -> None:
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"period": "custom", "start": "2026-09-01", "end": "2026-09-04"})
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi_text(html, "hazards_found") == "3"
    assert parse_qs(kpi_href(html, "hazards_found").split("?")[1]) == {
        "period": ["custom"], "start": ["2026-09-01"], "end": ["2026-09-04"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "custom", "start": "2026-09-10", "end": "2026-09-01"}, "end",
         "The period ends before it starts."),
        ({"period": "month", "month": "2026-12"}, "period", "The period lies in the future."),
        ({"period": "month", "month": "2026-13"}, "month", None),
        ({"period": "weekly"}, "period", "Choose a month, a quarter, a year or a custom period."),
        ({"period": "custom", "start": "2026-09-01"}, "start",
         "A custom period needs a start and an end."),
        ({"grid_id": "abc"}, "grid_id", None),
        ({"metric": "no_such_metric"}, "metric", "Unknown metric."),
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error_not_a_crash(
    client: Any, world: Any, params: dict[str, str], field: str, message: str | None
) -> None:
    client.force_login(world["users"]["county"])
    response = client.get(URL, params)
    assert response.status_code == 200
    assert field in response.context["query"].errors
    if message is not None:
        assert response.context["query"].errors[field] == message
    html = response.content.decode()
    assert f'<p data-field="{field}">' in html
    assert "ov-kpi-value" not in html


def test_page_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world["users"]["county"])
    client.get(URL)  # warm the session and scope caches
    with django_assert_max_num_queries(20):
        assert client.get(URL, {"grid_id": world["grids"][STREET].pk}).status_code == 200


def test_screen_variant_is_dark_without_nav_and_refreshes(client: Any, world: Any) -> None:
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"screen": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<body class="ov-screen">' in html
    assert '<meta http-equiv="refresh" content="300">' in html
    assert "site-nav" not in html
    assert kpi_text(html, "hazards_found") == "5"
    assert "dashboard/vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html  # CSP: no inline script, data only in json_script


def test_page_carries_chart_data_and_tables(client: Any, world: Any) -> None:
    street = world["grids"][STREET]
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"grid_id": street.pk, "metric": "hazards_found"})
    html = response.content.decode()
    chart = response.context["chart"]
    assert chart["metric"] == str(metric_get("hazards_found").label)
    assert len(chart["trend"]["values"]) == 12
    assert chart["trend"]["labels"][-1] == "2026-09"
    assert chart["trend"]["values"][-2:] == [1, 4]
    assert [(c["name"], c["value"]) for c in chart["children"]] == [("社区1-1", 2), ("社区1-2", 2)]
    assert 'id="overview-data"' in html and 'class="ov-trend-table"' in html
    assert 'id="ov-map"' in html and f"parent={street.pk}" in html
    assert "<script>" not in html


def test_child_table_exports_as_csv(client: Any, world: Any) -> None:
    street = world["grids"][STREET]
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"grid_id": street.pk, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Code", "Name"]
    with translation.override("en"):
        found = rows[0].index(str(metric_get("hazards_found").label))
    assert [(row[0], row[1], row[found]) for row in rows[1:]] == [
        (COMMUNITY, "社区1-1", "2"), (OTHER_COMMUNITY, "社区1-2", "2"),
    ]  # fmt: skip


def test_anonymous_visitor_is_sent_to_login(client: Any, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_nav_shows_the_dashboard_link_to_logged_in_users(client: Any, world: Any) -> None:
    client.force_login(world["users"]["community"])
    html = client.get(URL).content.decode()
    assert f'href="{reverse("dashboard:overview")}"' in html


def test_page_renders_in_english_and_chinese(client: Any, world: Any) -> None:
    client.force_login(world["users"]["county"])
    for language in ("en", "zh-hans"):
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert kpi_text(html, "hazards_found") == "5"
        assert ("发现隐患" in html) == (language == "zh-hans")


def test_vendored_echarts_matches_its_version_file() -> None:
    folder = Path(__file__).resolve().parents[1] / "static" / "dashboard" / "vendor" / "echarts"
    version = (folder / "VERSION").read_text().split()[1]
    script = (folder / "echarts.min.js").read_text(encoding="utf-8")
    assert re.findall(r'\.version="(5\.[0-9.]+)"', script) == [version]
    assert version == "5.6.0"
    assert "sha512-" in (folder / "VERSION").read_text()
    assert (folder / "LICENSE").exists() and (folder / "NOTICE").exists()
    # Served from the app's own static files (no CDN).
    found = finders.find("dashboard/vendor/echarts/echarts.min.js")
    assert found is not None and Path(found) == folder / "echarts.min.js"


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("hazards_found", [("410185002", "1"), (STREET, "4")]),
        ("-hazards_found", [(STREET, "4"), ("410185002", "1")]),
        ("tasks_on_time_rate", [(STREET, "4"), ("410185002", "1")]),  # no tasks: blank, last
        ("-tasks_on_time_rate", [(STREET, "4"), ("410185002", "1")]),
        ("-name", [("410185002", "1"), (STREET, "4")]),
    ],
)
def test_child_table_sorts_by_a_plain_link(
    client: Any, world: Any, sort: str, order: list[tuple[str, str]]
) -> None:
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"sort": sort})
    rows = response.context["children"]
    assert [(row["grid"].code, row["cells"][1]["text"]) for row in rows] == order
    rates = {row["grid"].code: row["cells"][0]["text"] for row in rows}
    assert rates == {STREET: "33.3 %", "410185002": "—"}


def test_grid_worker_sees_only_their_grid_and_no_children(
    client: Any, world: Any, make_user: Any
) -> None:
    worker = make_user("fulltime_worker", world["grids"][LEAF])
    client.force_login(worker)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["unit"].code == LEAF
    assert kpi_text(html, "hazards_found") == "2"
    assert response.context["children"] == []
    assert 'id="ov-map"' not in html and "ov-children-table" not in html
    assert client.get(URL, {"grid_id": world["grids"][OTHER_LEAF].pk}).status_code == 404


def test_a_user_without_grids_gets_an_empty_page_not_an_error(
    client: Any, world: Any, django_user_model: Any
) -> None:
    client.force_login(django_user_model.objects.create_user(username="nobody", password="x"))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["unit"] is None
    assert response.context["children"] == []
    assert kpi_text(response.content.decode(), "hazards_found") == "0"


def test_breadcrumbs_lead_up_with_the_same_filters(client: Any, world: Any) -> None:
    grids = world["grids"]
    client.force_login(world["users"]["county"])
    html = client.get(URL, {"grid_id": grids[COMMUNITY].pk, "period": "quarter"}).content.decode()
    crumbs = html.split('<nav class="ov-crumbs"')[1].split("</nav>")[0]
    assert f'href="?grid_id={grids[COUNTY].pk}&amp;period=quarter&amp;month=2026-07-01"' in crumbs
    assert f'href="?grid_id={grids[STREET].pk}&amp;period=quarter&amp;month=2026-07-01"' in crumbs
    assert f"grid_id={grids[COMMUNITY].pk}" not in crumbs


def test_a_childs_number_leads_to_exactly_its_records(client: Any, world: Any) -> None:
    street = world["grids"][STREET]
    client.force_login(world["users"]["county"])
    response = client.get(URL, {"grid_id": street.pk})
    row = next(r for r in response.context["children"] if r["grid"].code == OTHER_COMMUNITY)
    cell = next(c for c in row["cells"] if c["metric"].code == "hazards_found")
    assert cell["text"] == "2"
    drill = client.get(cell["url"])
    assert drill.status_code == 200
    assert drill.context["page"].paginator.count == 2
    assert drill.context["figure"].value == 2
