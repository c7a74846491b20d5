"""The drill-down page /metrics/<code>/records/ and its CSV: the figure, the records behind it
with links to their pages, the filters kept; out of scope 404, bad input 400."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from .conftest import COMM2, COUNTY


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # messages asserted in English
    client.force_login(user)
    return client


def test_the_page_shows_the_figure_and_links_every_record(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_of(world["users"]["county"])
    url = reverse("metrics:records", args=["hazards_closed"])
    params = {"grid_id": world["grids"][COUNTY].pk, "period": "month", "month": "2026-11"}
    client.get(url, params)

    # session, user, scope, the grid (checked by each selector and the heading: 3), the figure's
    # grouped count, days-to-close inputs, grid options (2), categories, place types, the page
    # count and rows — the same however many records there are.
    with django_assert_max_num_queries(13):
        answer = client.get(url, params)

    body = answer.content.decode()
    h1, h3 = world["hazards"]["h1"], world["hazards"]["h3"]
    assert answer.status_code == 200
    assert '<strong class="figure-value">2</strong>' in body
    assert f'href="/hazards/{h1.pk}/"' in body
    assert f'href="/hazards/{h3.pk}/"' in body
    assert len(re.findall(r'href="/hazards/\d+/"', body)) == 2
    assert "2026-11" in body
    assert "Records: 2" in body


def test_a_rate_page_lists_its_numerator_and_shows_its_status(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["comm1"])

    answer = client.get(
        reverse("metrics:records", args=["tasks_on_time_rate"]), {"month": "2026-11-01"}
    )

    body = answer.content.decode()
    tasks = world["tasks"]
    assert answer.status_code == 200
    assert 'class="figure-value status-red">33.3% (2 / 6)</strong>' in body
    assert f'href="/inspections/tasks/{tasks["a_on_time"].pk}/"' in body
    assert f'href="/inspections/tasks/{tasks["b_on_time"].pk}/"' in body
    assert len(re.findall(r'href="/inspections/tasks/\d+/"', body)) == 2


def test_the_csv_keeps_the_filters(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["county"])
    url = reverse("metrics:records_export", args=["hazards_found"])

    answer = client.get(url, {"month": "2026-11", "category": "ebike"})

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert answer.status_code == 200
    assert rows[0] == ["type", "id", "record", "state", "day", "grid_code", "grid", "url"]
    assert [row[1] for row in rows[1:]] == [str(world["hazards"]["h4"].pk)]
    assert rows[1][4] == "2026-11-05"


def test_a_grid_outside_the_scope_or_an_unknown_metric_is_404(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["comm1"])
    other = world["grids"][COMM2].pk

    outside = client.get(reverse("metrics:records", args=["tasks_due"]), {"grid_id": other})
    unknown = client.get(reverse("metrics:records", args=["no_such_metric"]))
    csv_outside = client.get(
        reverse("metrics:records_export", args=["tasks_due"]), {"grid_id": other}
    )

    assert (outside.status_code, unknown.status_code, csv_outside.status_code) == (404, 404, 404)


def test_a_bad_period_is_a_clear_400(world: dict[str, Any]) -> None:
    client = client_of(world["users"]["comm1"])
    url = reverse("metrics:records", args=["tasks_due"])

    future = client.get(url, {"month": "2027-01"})
    backwards = client.get(url, {"period": "custom", "start": "2026-11-10", "end": "2026-11-01"})
    bad_grid = client.get(url, {"grid_id": "abc"})

    assert future.status_code == backwards.status_code == bad_grid.status_code == 400
    assert "The period lies in the future." in future.content.decode()
    assert "The period ends before it starts." in backwards.content.decode()
