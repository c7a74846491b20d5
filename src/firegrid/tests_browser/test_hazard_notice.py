"""Acceptance (issue 5): a community office user issues a rectification notice from the hazard's
page, downloads it, and sees the step on the hazard's timeline."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard, RectificationNotice
from firegrid.hazards.services import StepIn, hazard_report, hazard_step
from firegrid.inspections.tests.conftest import place_in
from firegrid.testing import user_with_role

LEAF, COMMUNITY = "410185001001001", "410185001001"
WAIT = 15000
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _confirmed_hazard(grids: dict[str, Grid]) -> tuple[Hazard, Any]:
    office = user_with_role("community_office", grids[COMMUNITY], username="shequ")
    worker = user_with_role("fulltime_worker", grids[LEAF], username="wanggeyuan")
    shop = place_in(
        grids[LEAF], "small_shop", name="平安小卖部", address="幸福路8号", responsible_name="王老板"
    )
    hazard = hazard_report(
        actor=worker, category_code="exits_blocked", source="inspection",
        description="后门堆放杂物", found_at=timezone.now(), place=shop,
    )  # fmt: skip
    hazard_step(actor=office, hazard_id=hazard.pk, data=StepIn("confirm"))
    return hazard, office


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_community_office_issues_a_notice_downloads_it_and_sees_the_timeline(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    hazard, _office = _confirmed_hazard(small_jurisdiction)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    url = f"/hazards/{hazard.pk}/"
    page.goto(f"{live_server.url}/login/?next={url}")
    page.fill("#id_username", "shequ")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")

    form = page.locator("#step-issue_notice")
    form.locator("input[name=deadline]").fill(deadline.isoformat())
    form.locator("textarea[name=note]").fill("限期清理后门杂物")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#notices .notice-number", timeout=WAIT)

    notice = RectificationNotice.objects.get(hazard=hazard)
    assert page.locator("#notices .notice-number").inner_text() == notice.number
    assert notice.deadline == deadline
    timeline = page.locator("#timeline")
    assert timeline.locator(".hz-event-issue_notice").count() == 1
    assert notice.number in timeline.inner_text()
    assert "限期清理后门杂物" in timeline.inner_text()
    assert page.locator("#step-issue_notice").count() == 0  # done: no longer offered
    hazard.refresh_from_db()
    assert (hazard.state, hazard.deadline) == ("notice_issued", deadline)

    with page.expect_download() as info:
        page.locator("#notices a.notice-docx").click()
    download = info.value
    path = download.path()
    assert download.suggested_filename.endswith(".docx")
    assert path is not None and path.stat().st_size > 0
    assert path.read_bytes()[:2] == b"PK"  # a .docx is a zip archive
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hazard_detail.png"), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_list_shows_deadline_and_level_and_the_map_draws_the_hazard(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    hazard, office = _confirmed_hazard(small_jurisdiction)
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    hazard_step(actor=office, hazard_id=hazard.pk, data=StepIn("issue_notice", deadline=deadline))
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/login/?next=/hazards/")
    page.fill("#id_username", "shequ")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/hazards/")

    row = page.locator(".hz-table tbody tr").first
    assert deadline.isoformat() in row.inner_text()
    assert small_jurisdiction[COMMUNITY].name in row.inner_text()  # the responsible level
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hazard_list.png"), full_page=True)

    page.goto(f"{live_server.url}/hazards/map/?state=open")
    page.wait_for_selector('#hazard-map[data-state="ready"]', timeout=WAIT)
    assert page.locator("#hazard-map").get_attribute("data-count") == "1"
    page.locator("#hazard-map path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT)
    assert "平安小卖部" in popup.inner_text()
    assert popup.locator("a").get_attribute("href") == f"/hazards/{hazard.pk}/"
    page.screenshot(path=str(ARTIFACTS / "hazard_map.png"))
    assert problems == []
    context.close()
