"""Acceptance (issue 13): the county office lands on its dashboard, the trend chart draws, and a
street's overdue-hazard count drills down to exactly those hazards; a grid worker on a phone lands
on today's tasks. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.metrics.tests import builders as b
from firegrid.testing import user_with_role

COUNTY, STREET1, STREET2 = "410185", "410185001", "410185002"
LEAF1, LEAF2 = "410185001001001", "410185002001001"
PASSWORD = "pw-for-tests-only"  # noqa: S105 - what firegrid.testing.user_with_role sets
WAIT = 15000
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

# Draws a non-blank pixel? ECharts paints the trend into a <canvas>.
CANVAS_HAS_INK = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def _overdue_hazards(grids: dict[str, Grid]) -> list[Hazard]:
    """Three overdue hazards in street 1, one in street 2, and one open but on time in street 1."""
    today = timezone.localdate()
    found = b.at(today - datetime.timedelta(days=40))
    late = [b.hazard(grids[LEAF1], found, "overdue") for _ in range(3)]
    b.hazard(grids[LEAF2], found, "overdue")
    b.hazard(grids[LEAF1], found, "rectifying", deadline=today + datetime.timedelta(days=5))
    for months_ago in (1, 2, 3):  # some history for the trend line
        day = (today.replace(day=1) - datetime.timedelta(days=28 * months_ago)).replace(day=10)
        b.task(grids[LEAF1], day, "done", completed_on=day)
        b.task(grids[LEAF2], day, "missed")
    return late


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_county_lands_on_its_dashboard_and_drills_into_a_streets_overdue_hazards(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    user_with_role("county_office", small_jurisdiction[COUNTY], username="county")
    late = _overdue_hazards(small_jurisdiction)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    _log_in(page, live_server.url, "county")
    page.wait_for_url(f"{live_server.url}/dashboard/overview/", timeout=WAIT)
    page.wait_for_function(CANVAS_HAS_INK, arg="#ov-trend-chart", timeout=WAIT)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-county.png"), full_page=True)

    street = small_jurisdiction[STREET1]
    cell = page.locator(f'tr[data-grid="{street.pk}"] td[data-code="hazards_overdue"] a')
    assert cell.inner_text().strip() == "3"
    cell.click()
    page.wait_for_url("**/metrics/hazards_overdue/records/**", timeout=WAIT)
    links = page.locator("table tbody tr td:first-child a")
    hrefs = sorted(links.nth(i).get_attribute("href") or "" for i in range(links.count()))
    page.screenshot(path=str(ARTIFACTS / "dashboard-drilldown.png"), full_page=True)

    assert hrefs == sorted(f"/hazards/{hazard.pk}/" for hazard in late)
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_grid_worker_on_a_phone_lands_on_todays_tasks(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    worker = user_with_role("fulltime_worker", small_jurisdiction[LEAF1], username="worker")
    today = timezone.localdate()
    task = b.task(small_jurisdiction[LEAF1], today)
    task.assignee = worker.person
    task.save(update_fields=["assignee"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()

    _log_in(page, live_server.url, "worker")
    page.wait_for_url(f"{live_server.url}/dashboard/today/", timeout=WAIT)
    page.screenshot(path=str(ARTIFACTS / "today-worker-390.png"), full_page=True)

    body = page.inner_text("main")
    assert f"/inspections/tasks/{task.pk}/" in page.content()
    assert "今日" in body or "今天" in body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    context.close()
