"""/api/v1/metrics: definitions, the table, trends and the drill-down, scoped; bad input 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from firegrid.metrics import metric_definitions

from .conftest import COMM1, COMM2, COUNTY, STREET1, STREET2


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_definitions_list_every_metric_with_how_it_is_counted(world: dict[str, Any]) -> None:
    answer = client_of(world["users"]["comm1"]).get("/api/v1/metrics")

    body = answer.json()
    rate = next(item for item in body["items"] if item["code"] == "tasks_on_time_rate")
    assert answer.status_code == 200
    assert body["count"] == len(metric_definitions()) == 31
    assert rate["unit"] == "rate"
    assert (rate["numerator"], rate["denominator"]) == ("tasks_done_on_time", "tasks_due")
    assert rate["records"] == "inspection_task"


def test_the_table_gives_the_unit_its_children_and_the_comparisons(world: dict[str, Any]) -> None:
    county = world["grids"][COUNTY]
    client = client_of(world["users"]["county"])

    answer = client.get(
        "/api/v1/metrics/table",
        {"grid_id": county.pk, "period": "month", "month": "2026-11-01",
         "codes": "tasks_due,tasks_on_time_rate"},
    )  # fmt: skip

    body = answer.json()
    assert answer.status_code == 200
    assert body["period"] == {
        "kind": "month", "start": "2026-11-01", "end": "2026-11-30", "label": "2026-11",
    }  # fmt: skip
    assert body["previous_period"]["label"] == "2026-10"
    assert body["last_year_period"]["label"] == "2025-11"
    assert body["total"] == [
        {"code": "tasks_due", "value": 8, "numerator": None, "denominator": None,
         "status": None},
        {"code": "tasks_on_time_rate", "value": 0.375, "numerator": 3, "denominator": 8,
         "status": "red"},
    ]  # fmt: skip
    assert [row["grid"]["code"] for row in body["rows"]] == [STREET1, STREET2]
    assert [row["figures"][0]["value"] for row in body["rows"]] == [7, 1]


def test_the_trend_runs_month_by_month_ending_this_month(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["county"])

    answer = client.get("/api/v1/metrics/tasks_due/trend", {"months": 3})

    assert answer.status_code == 200
    assert [(p["month"], p["figure"]["value"]) for p in answer.json()] == [
        ("2026-09-01", 0), ("2026-10-01", 1), ("2026-11-01", 8),
    ]  # fmt: skip


def test_the_drill_down_lists_the_records_behind_the_number(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_of(world["users"]["comm1"])
    url = "/api/v1/metrics/tasks_on_time_rate/records"
    client.get(url)  # warm the session

    # session, user, scope, count, page
    with django_assert_max_num_queries(5):
        answer = client.get(url)

    body = answer.json()
    tasks = world["tasks"]
    assert answer.status_code == 200
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [tasks["b_on_time"].pk, tasks["a_on_time"].pk]
    assert body["items"][1] == {
        "id": tasks["a_on_time"].pk, "type": "inspection_task", "label": "甲店",
        "state": "done", "state_label": "已完成", "day": "2026-11-10",
        "grid": {"id": world["grids"]["410185001001001"].pk, "code": "410185001001001",
                 "name": "网格1-1-1"},
        "url": f"/inspections/tasks/{tasks['a_on_time'].pk}/",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/v1/metrics/no_such/records", {}, 404, "metric_not_found"),
        ("/api/v1/metrics/no_such/trend", {}, 404, "metric_not_found"),
        ("/api/v1/metrics/table", {"codes": "tasks_due,nope"}, 404, "metric_not_found"),
        ("/api/v1/metrics/table", {"grid_id": "OTHER"}, 404, "grid_not_found"),
        ("/api/v1/metrics/tasks_due/records", {"grid_id": "OTHER"}, 404, "grid_not_found"),
        ("/api/v1/metrics/table", {"month": "2026-12-01"}, 422, "period_future"),
        ("/api/v1/metrics/table", {"period": "custom", "start": "2026-11-10",
                                   "end": "2026-11-01"}, 422, "invalid_input"),
        ("/api/v1/metrics/table", {"period": "custom", "start": "2026-11-10"}, 422,
         "period_invalid"),
        ("/api/v1/metrics/tasks_due/trend", {"months": 0}, 422, "invalid_input"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_4xx(
    world: dict[str, Any], url: str, params: dict[str, Any], status: int, code: str
) -> None:
    if params.get("grid_id") == "OTHER":
        params = {**params, "grid_id": world["grids"][COMM2].pk}

    answer = client_of(world["users"]["comm1"]).get(url, params)

    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


def test_a_community_office_sees_its_own_numbers_only(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["comm1"])

    answer = client.get("/api/v1/metrics/table", {"codes": "hazards_found,reports_received"})

    body = answer.json()
    assert body["grid"] is None
    assert [f["value"] for f in body["total"]] == [4, 2]
    assert [row["grid"]["code"] for row in body["rows"]] == [COMM1]
