"""Acceptance (issue 4): a grid worker on a phone completes an inspection with one failed item
and a photo; the draft survives going offline and is sent when the phone is back online."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.inspections.models import ChecklistItem, Inspection, InspectionTask, Patrol
from firegrid.inspections.services import checklist_for_place
from firegrid.inspections.tests.conftest import jpeg_bytes, place_in
from firegrid.people.models import Person
from firegrid.registry.models import Place
from firegrid.testing import user_with_role

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO_ROOT / "test-artifacts"
GRID_A = "410185001001001"
PHONE = {"width": 390, "height": 844}
FAILED = "ebike_indoor"  # 电动自行车室内停放/充电
WAIT = 15000


def _task_for_worker(grid: Grid) -> tuple[Place, InspectionTask]:
    user = user_with_role("fulltime_worker", grid, username="wanggeyuan")
    place = place_in(grid, "small_shop", name="好邻居便利店", address="幸福路8号")
    today = timezone.localdate()
    task = InspectionTask.objects.create(
        place=place,
        grid=grid,
        grid_path=grid.path,
        assignee=Person.objects.get(user=user),
        period_start=today,
        window_start=today,
        due_on=today + datetime.timedelta(days=3),
    )
    return place, task


def _phone(browser: Any, place: Place) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": place.lat, "longitude": place.lon, "accuracy": 10},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return context, page, problems


def _open_form(page: Any, live_server: Any, task: InspectionTask) -> None:
    url = f"/inspections/tasks/{task.pk}/inspect/"
    page.goto(f"{live_server.url}/login/?next={url}")
    page.fill("#id_username", "wanggeyuan")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    page.wait_for_selector("#field-form[data-uuid]", timeout=WAIT)
    # The phone's position (set at the place's point) is 0 m away: no reason is asked for.
    page.wait_for_selector('#gps-status[data-distance="0"]', timeout=WAIT)
    assert page.locator("#gps-reason").is_hidden()


def _answer_all(page: Any, place: Place, *, failed: str) -> None:
    for item in checklist_for_place(place).items.all():
        if item.answer_type == ChecklistItem.AnswerType.PASS_FAIL:
            choice = "fail" if item.code == failed else "pass"
            page.tap(f"#item-{item.code} .choice-{choice}")
        elif item.answer_type == ChecklistItem.AnswerType.NUMBER:
            low = item.min_value if item.min_value is not None else 0
            page.fill(f'#item-{item.code} input[name="answer-{item.code}"]', str(low))


def _attach_photo(page: Any, code: str) -> None:
    box = page.locator(f"#item-{code} [data-fail-box]")
    box.wait_for(state="visible")
    box.locator("input[type=file]").set_input_files(
        files=[{"name": "ebike.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((640, 480))}]
    )
    page.wait_for_selector(f'#item-{code} [data-photo-list="{code}"] .photo-thumb img')


def _sign(page: Any) -> None:
    """Draw a stroke on the signature pad, as a finger would."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 20 + (step % 2) * 40)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('field-form').dataset.signed === '1'")


def _stored_drafts(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => window.FireGridDrafts.all().then(rows => rows.map(d => ({
            uuid: d.uuid, status: d.status, title: d.title, photos: d.state.photos.length,
            photo_bytes: d.state.photos.map(p => p.data.byteLength),
            files: d.payload ? d.payload.files.map(f => f.field) : null,
            values: d.state.values })))"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_on_a_phone_inspects_offline_and_the_draft_is_sent_when_back_online(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    place, task = _task_for_worker(small_jurisdiction[GRID_A])
    context, page, problems = _phone(browser, place)
    _open_form(page, live_server, task)
    assert page.inner_text("#place-info h1") == "好邻居便利店"
    assert page.locator("#net-status").get_attribute("data-online") == "1"

    _answer_all(page, place, failed=FAILED)
    fail_box = page.locator(f"#item-{FAILED} [data-fail-box]")
    assert fail_box.is_visible()
    assert page.is_checked(f'input[name="hazard-{FAILED}"]')  # raising a hazard is the default
    page.fill(f"#note-{FAILED}", "楼道里停放两辆电动车充电")
    _attach_photo(page, FAILED)
    _sign(page)
    page.fill("#id_signed_by", "李老板")
    page.wait_for_selector('#field-form[data-draft-state="saved"]', timeout=WAIT)

    # The connection drops before "submit": the draft is kept and queued on the phone.
    context.set_offline(True)
    page.wait_for_selector('#net-status[data-online="0"]', timeout=WAIT)
    page.tap("#submit-button")
    page.wait_for_selector('#field-form[data-draft-state="queued"]', timeout=WAIT)
    # The banner shows once the send attempt has come back as "offline".
    page.wait_for_selector("#queued-banner", state="visible", timeout=WAIT)
    banner = page.locator("#queued-banner")
    with translation.override("zh-hans"):
        assert banner.inner_text() == gettext("Saved on this phone, will send when online")
    listed = page.locator('#draft-list li[data-status="queued"]')
    assert listed.count() == 1
    assert "好邻居便利店" in listed.inner_text()
    drafts = _stored_drafts(page)
    assert [(d["status"], d["photos"], d["files"]) for d in drafts] == [
        ("queued", 1, [f"photo:{FAILED}", "signature"])
    ]
    assert drafts[0]["photo_bytes"][0] == len(jpeg_bytes((640, 480)))
    assert drafts[0]["values"][f"answer-{FAILED}"] == "fail"
    assert Inspection.objects.count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inspection_offline.png"), full_page=True)

    # Back online: the queued draft goes by itself, and the result is shown.
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/inspections/field/inspections/\d+/$"), timeout=WAIT)
    inspection = Inspection.objects.get()
    assert str(inspection.client_uuid) == drafts[0]["uuid"]
    assert (inspection.task_id, inspection.failed_count, inspection.result) == (
        task.pk,
        1,
        "problems",
    )
    assert inspection.distance_m == 0.0
    assert inspection.signed_by == "李老板"
    assert inspection.signature.name.endswith(f"{inspection.client_uuid}.jpg")
    assert [p.item.code for p in inspection.photos.all()] == [FAILED]  # type: ignore[union-attr]
    hazard = Hazard.objects.get()
    assert (hazard.category.code, hazard.inspection_id) == ("ebike", inspection.pk)
    assert hazard.checklist_item.code == FAILED  # type: ignore[union-attr]
    assert inspection.answers.get(item__code=FAILED).note == "楼道里停放两辆电动车充电"
    task.refresh_from_db()
    assert task.state == InspectionTask.State.DONE
    assert page.get_attribute("#inspection-result", "data-failed") == "1"
    page.screenshot(path=str(ARTIFACTS / "inspection_result.png"), full_page=True)

    # The sent draft is gone from the phone (deleted only after the server confirmed).
    page.goto(f"{live_server.url}/inspections/places/{place.pk}/inspect/")
    page.wait_for_selector("#field-form[data-uuid]", timeout=WAIT)
    assert _stored_drafts(page) == []
    assert page.locator("#draft-list li[data-status]").count() == 0
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reload_restores_the_typed_answers_from_the_draft(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    place, task = _task_for_worker(small_jurisdiction[GRID_A])
    context, page, problems = _phone(browser, place)
    _open_form(page, live_server, task)
    page.tap("#item-exits_clear .choice-pass")
    page.tap(f"#item-{FAILED} .choice-fail")
    page.fill(f"#note-{FAILED}", "充电线从窗户拉进来")
    page.fill(f"#hazard_desc-{FAILED}", "室内充电")
    _attach_photo(page, FAILED)
    page.fill("#id_note", "老板不在")
    page.wait_for_selector('#field-form[data-draft-state="saved"]', timeout=WAIT)
    uuid = page.get_attribute("#field-form", "data-uuid")

    page.reload()
    page.wait_for_selector('#field-form[data-draft-state="restored"]', timeout=WAIT)
    assert page.get_attribute("#field-form", "data-uuid") == uuid
    assert page.is_checked('input[name="answer-exits_clear"][value="pass"]')
    assert page.is_checked(f'input[name="answer-{FAILED}"][value="fail"]')
    assert page.locator(f"#item-{FAILED} [data-fail-box]").is_visible()
    assert page.input_value(f"#note-{FAILED}") == "充电线从窗户拉进来"
    assert page.input_value(f"#hazard_desc-{FAILED}") == "室内充电"
    assert page.input_value("#id_note") == "老板不在"
    assert page.locator(f'[data-photo-list="{FAILED}"] .photo-thumb').count() == 1
    # Still being edited, so it is not in the list of unsent drafts.
    assert page.locator("#draft-list li[data-status]").count() == 0
    assert Inspection.objects.count() == 0
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_on_a_phone_patrols_a_grid_and_raises_a_hazard(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    grid = small_jurisdiction[GRID_A]
    place, _task = _task_for_worker(grid)
    today = timezone.localdate()
    patrol_task = InspectionTask.objects.create(
        kind="patrol",
        grid=grid,
        grid_path=grid.path,
        assignee=_task.assignee,
        period_start=today,
        window_start=today,
        due_on=today,
    )
    context, page, problems = _phone(browser, place)
    url = f"/inspections/patrol/?grid={grid.pk}"
    page.goto(f"{live_server.url}/login/?next={url}")
    page.fill("#id_username", "wanggeyuan")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_selector("#field-form[data-uuid]", timeout=WAIT)
    page.tap("#patrol-start")
    page.wait_for_selector('#field-form[data-points="1"]', timeout=WAIT)
    page.select_option("#hazard-category", "fire_lane")
    page.fill("#hazard-description", "消防车道被私家车占用")
    page.tap("#hazard-add")
    assert page.locator("#hazard-list li").count() == 1
    page.fill("#id_note", "一切正常")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "patrol_mobile.png"), full_page=True)
    page.tap("#submit-button")
    page.wait_for_url(re.compile(r"/inspections/field/patrols/\d+/$"), timeout=WAIT)
    patrol = Patrol.objects.get()
    assert (patrol.grid_id, patrol.task_id, patrol.note) == (grid.pk, patrol_task.pk, "一切正常")
    assert patrol.points[0]["lon"] == pytest.approx(place.lon)
    assert patrol.points_outside == 0
    hazard = Hazard.objects.get()
    assert (hazard.category.code, hazard.patrol_id, hazard.description) == (
        "fire_lane",
        patrol.pk,
        "消防车道被私家车占用",
    )
    patrol_task.refresh_from_db()
    assert patrol_task.state == InspectionTask.State.DONE
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queued_draft_the_server_refuses_stays_on_the_phone_with_the_reason(
    live_server: Any, browser: Any, small_jurisdiction: dict[str, Grid]
) -> None:
    place, task = _task_for_worker(small_jurisdiction[GRID_A])
    context, page, problems = _phone(browser, place)
    _open_form(page, live_server, task)
    _answer_all(page, place, failed="")
    page.wait_for_selector('#field-form[data-draft-state="saved"]', timeout=WAIT)
    context.set_offline(True)
    page.wait_for_selector('#net-status[data-online="0"]', timeout=WAIT)
    page.tap("#submit-button")
    page.wait_for_selector('#field-form[data-draft-state="queued"]', timeout=WAIT)
    # Meanwhile the office cancels the task: the resend is refused, and nothing is lost.
    InspectionTask.objects.filter(pk=task.pk).update(state=InspectionTask.State.CANCELLED)
    context.set_offline(False)
    page.wait_for_selector('#field-form[data-draft-state="rejected"]', timeout=WAIT)
    with translation.override("zh-hans"):
        reason = gettext("The task is already “%(state)s”.") % {
            "state": InspectionTask.State.CANCELLED.label
        }
    assert page.inner_text("#form-errors") == reason
    assert [(d["status"], d["values"]["answer-exits_clear"]) for d in _stored_drafts(page)] == [
        ("rejected", "pass")
    ]
    assert reason in page.inner_text('#draft-list li[data-status="rejected"]')
    assert Inspection.objects.count() == 0
    # The browser logs the refused request itself; the page's script raised nothing.
    assert problems == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    context.close()
