"""Acceptance (issue 6): a resident on a phone-sized screen, not logged in, files a report with
a photo and "my location", then opens its status page by entering the tracking code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from firegrid.inspections.tests.conftest import jpeg_bytes
from firegrid.reports.models import Report
from firegrid.reports.services import ReportIn, report_submit
from firegrid.testing import user_with_role

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO_ROOT / "test-artifacts"
GRID_A = "410185001001001"  # 113.0–113.1 E × 34.4–34.5 N in the small jurisdiction
PHONE = {"width": 390, "height": 844}
WAIT = 15000


def _phone(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 34.4532, "longitude": 113.0471, "accuracy": 15},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page, problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resident_on_a_phone_files_a_report_with_a_photo_and_tracks_it(
    live_server: Any, browser: Any, small_jurisdiction: Any
) -> None:
    context, page, problems = _phone(browser)
    page.goto(f"{live_server.url}/report/")
    page.wait_for_selector('#report-map[data-state="ready"]', timeout=WAIT)
    # No login on the way, and a device id was made for the rate limits.
    assert page.url == f"{live_server.url}/report/"
    assert re.fullmatch(r"[0-9a-f-]{32,36}", page.input_value('input[name="device_id"]'))

    # The category: its extra question appears once it is chosen.
    assert page.locator('.service-attributes[data-service="exits_blocked"]').is_hidden()
    page.tap('label[for="service-exits_blocked"]')
    assert page.is_checked("#service-exits_blocked")
    page.locator('.service-attributes[data-service="exits_blocked"]').wait_for()
    page.tap('input[name="attr__exits_blocked__where"][value="stairs"]')
    page.fill("#id_description", "三号楼一单元楼梯间堆满纸箱，安全出口被铁链锁住")

    # "My location": the phone's WGS-84 position fills the point.
    page.tap("#use-location")
    page.wait_for_selector('#report-map[data-located="1"]', timeout=WAIT)
    assert page.input_value("#id_crs") == "wgs84"
    assert float(page.input_value("#id_lon")) == pytest.approx(113.0471)
    assert float(page.input_value("#id_lat")) == pytest.approx(34.4532)

    page.set_input_files(
        "#id_photos",
        files=[{"name": "exit.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((640, 480))}],
    )
    assert page.locator("#photo-count").inner_text() != ""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen_report_form.png"), full_page=True)

    page.tap("#send-report")
    page.wait_for_url(re.compile(r"/report/sent/[A-Z0-9]+/$"), timeout=WAIT)
    code = page.locator("#tracking-code").inner_text().strip()
    report = Report.objects.get()
    assert code == report.tracking_code
    assert report.grid.code == GRID_A
    assert report.service.code == "exits_blocked"
    assert report.attributes == {"where": "stairs"}
    assert report.photos.count() == 1
    assert (report.lon, report.lat) == (pytest.approx(113.0471), pytest.approx(34.4532))
    assert report.contact_phone == "" and report.device_id != ""
    page.screenshot(path=str(ARTIFACTS / "citizen_report_sent.png"), full_page=True)

    # Later: the status page by typing the code on the tracking form.
    page.goto(f"{live_server.url}/report/track/")
    page.fill("#id_code", code.lower())
    page.tap("#track-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/report/track/{code}/", timeout=WAIT)
    with translation.override("zh-hans"):
        awaiting = str(Report.State.NEW.label)
    assert page.locator("#state-label").inner_text() == awaiting
    assert page.get_attribute("#report-status", "data-state") == "new"
    assert page.locator("#timeline li").count() == 1
    page.screenshot(path=str(ARTIFACTS / "citizen_report_status.png"), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_point_tapped_on_a_gcj02_map_is_sent_as_gcj02(
    live_server: Any, browser: Any, small_jurisdiction: Any, settings: Any
) -> None:
    from firegrid.core.coords import convert_point

    settings.FIREGRID_TILE_CRS = "gcj02"  # as with AMap tiles (none are loaded in the test)
    context, page, problems = _phone(browser)
    page.goto(f"{live_server.url}/report/")
    page.wait_for_selector('#report-map[data-state="ready"]', timeout=WAIT)
    page.tap('label[for="service-ebike"]')
    page.fill("#id_description", "电动车在楼道里充电")
    page.locator("#report-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the fit to the county has settled
    box = page.locator("#report-map").bounding_box()
    assert box is not None
    # The map is fitted to the county; its centre (113.2, 34.5) is inside a leaf.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector('#report-map[data-picked="1"]', timeout=WAIT)
    assert page.input_value("#id_crs") == "gcj02"
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    page.tap("#send-report")
    page.wait_for_url(re.compile(r"/report/sent/[A-Z0-9]+/$"), timeout=WAIT)
    report = Report.objects.get()
    wgs_lon, wgs_lat = convert_point(lon, lat, "gcj02", "wgs84")
    assert (report.lon, report.lat) == (
        pytest.approx(wgs_lon, abs=1e-6),
        pytest.approx(wgs_lat, abs=1e-6),
    )
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_nearby_report_of_the_same_kind_is_offered_and_the_photo_is_kept(
    live_server: Any, browser: Any, small_jurisdiction: Any
) -> None:
    from firegrid.reports.services import ReportIn, report_submit

    original = report_submit(
        data=ReportIn(
            service_code="ebike", description="楼道充电", lon=113.0472, lat=34.4531, ip="10.0.0.9"
        )
    )
    context, page, problems = _phone(browser)
    page.goto(f"{live_server.url}/report/")
    page.wait_for_selector('#report-map[data-state="ready"]', timeout=WAIT)
    page.tap('label[for="service-ebike"]')
    page.fill("#id_description", "一楼楼道有电动车在充电")
    page.tap("#use-location")
    page.wait_for_selector('#report-map[data-located="1"]', timeout=WAIT)
    page.set_input_files(
        "#id_photos",
        files=[{"name": "bike.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((320, 240))}],
    )
    page.tap("#send-report")
    page.wait_for_selector("#dup-check", timeout=WAIT)
    assert original.tracking_code in page.locator("#dup-check").inner_text()
    assert Report.objects.count() == 1  # nothing sent yet
    page.locator("#dup-check .follow-button").first.tap()
    page.wait_for_url(re.compile(r"/report/sent/[A-Z0-9]+/$"), timeout=WAIT)
    mine = Report.objects.exclude(pk=original.pk).get()
    assert mine.duplicate_of_id == original.pk
    assert mine.photos.count() == 1  # the chosen photo went with it
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moderator_drags_a_box_over_a_photo_and_it_is_blacked_out(
    live_server: Any, browser: Any, small_jurisdiction: Any
) -> None:
    user_with_role("community_office", small_jurisdiction["410185001001"], username="shenhe")
    photo = SimpleUploadedFile("face.jpg", jpeg_bytes((400, 300)), content_type="image/jpeg")
    report = report_submit(
        data=ReportIn(
            service_code="ebike", description="楼道充电", lon=113.05, lat=34.45, photos=(photo,)
        )
    )
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    url = f"/reports/{report.pk}/"
    page.goto(f"{live_server.url}/login/?next={url}")
    page.fill("#id_username", "shenhe")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")

    page.locator(".photo-grid details summary, figure details summary").first.click()
    image = page.locator(".redact-box img").first
    image.wait_for()
    page.wait_for_function("document.querySelector('.redact-box img').naturalWidth > 0")
    box = image.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4, steps=5)
    page.mouse.up()

    form = page.locator(".redact-form").first
    assert float(form.locator("input[name=x0]").input_value()) == pytest.approx(25, abs=1.5)
    assert float(form.locator("input[name=y1]").input_value()) == pytest.approx(40, abs=1.5)
    assert page.locator(".redact-mark").first.is_visible()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    stored = report.photos.get()
    assert stored.redacted
    context.close()
