"""Submitting inspections and patrols: hazards raised from failed items, snapshots, and every
bad input refused whole."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionTask,
    Patrol,
)
from firegrid.inspections.services import (
    AnswerIn,
    HazardIn,
    InspectionIn,
    PatrolHazardIn,
    PatrolIn,
    PhotoIn,
    checklist_for_place,
    checklist_publish,
    inspection_submit,
    patrol_submit,
    task_cancel,
    task_start,
)
from firegrid.registry.models import Place

from .conftest import jpeg_bytes, place_in

LEAF = "410185001001001"
OTHER_LEAF = "410185002002002"


@pytest.fixture
def setup(small_jurisdiction: dict[str, Grid], make_user: Any) -> dict[str, Any]:
    grid = small_jurisdiction[LEAF]
    worker = make_user("fulltime_worker", grid)
    shop = place_in(grid, "small_shop", name="平安小卖部", responsible_name="王老板")
    today = timezone.localdate()
    task = InspectionTask.objects.create(
        place=shop, grid=grid, grid_path=grid.path, assignee=worker.person,
        period_start=today, window_start=today, due_on=today + datetime.timedelta(days=3),
    )  # fmt: skip
    return {"grid": grid, "worker": worker, "shop": shop, "task": task,
            "grids": small_jurisdiction}  # fmt: skip


def all_pass(place: Place, **override: str) -> list[AnswerIn]:
    answers = []
    for item in checklist_for_place(place).items.all():
        if item.answer_type == "pass_fail":
            answers.append(AnswerIn(item=item.code, value=override.get(item.code, "pass")))
        elif item.answer_type == "text":
            answers.append(AnswerIn(item=item.code, text="无"))
    return answers


def submission(setup: dict[str, Any], **changes: Any) -> InspectionIn:
    shop = setup["shop"]
    values: dict[str, Any] = {
        "client_uuid": uuid.uuid4(),
        "place_id": shop.pk,
        "task_id": setup["task"].pk,
        "answers": all_pass(shop),
        "started_at": timezone.now() - datetime.timedelta(minutes=20),
        "lon": shop.lon + 0.0005,  # ≈ 46 m east
        "lat": shop.lat,
        "accuracy_m": 12.0,
    }
    values.update(changes)
    return InspectionIn(**values)


def upload(name: str = "p.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes() if data is None else data, "image/jpeg")


def test_failing_the_ebike_item_raises_a_hazard_linked_to_the_inspection(
    setup: dict[str, Any],
) -> None:
    shop = setup["shop"]
    data = submission(
        setup,
        answers=all_pass(shop, ebike_indoor="fail"),
        photos=[PhotoIn(upload=upload(), item="ebike_indoor")],
        hazards=[HazardIn(item="ebike_indoor", description="楼道内2辆电动车充电")],
    )

    inspection = inspection_submit(actor=setup["worker"], data=data)

    hazard = Hazard.objects.get()
    assert hazard.category.code == "ebike"
    assert hazard.inspection_id == inspection.pk
    assert getattr(hazard.checklist_item, "code", None) == "ebike_indoor"
    assert (hazard.place_id, hazard.source, hazard.state) == (shop.pk, "inspection", "reported")
    assert hazard.description == "楼道内2辆电动车充电"
    assert (inspection.result, inspection.failed_count) == ("problems", 1)
    assert getattr(inspection.photos.get().item, "code", None) == "ebike_indoor"
    setup["task"].refresh_from_db()
    assert setup["task"].state == "done"
    assert inspection.distance_m == pytest.approx(45.9, abs=1)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "inspection.submit", "hazard.report", "inspection_task.done"
    }  # fmt: skip


def test_the_snapshot_keeps_the_place_as_it_was(setup: dict[str, Any]) -> None:
    inspection = inspection_submit(actor=setup["worker"], data=submission(setup))
    Place.objects.filter(pk=setup["shop"].pk).update(name="改名后", responsible_name="李")

    inspection.refresh_from_db()
    assert inspection.snapshot["name"] == "平安小卖部"
    assert inspection.snapshot["responsible_name"] == "王老板"
    assert inspection.snapshot["place_type"] == "small_shop"
    assert inspection.template.version == 1


def test_resending_the_same_draft_returns_the_saved_inspection(setup: dict[str, Any]) -> None:
    data = submission(setup)
    first = inspection_submit(actor=setup["worker"], data=data)
    second = inspection_submit(actor=setup["worker"], data=data)

    assert first.pk == second.pk
    assert Inspection.objects.count() == 1


def test_an_inspection_without_a_task_completes_the_open_task_of_today(
    setup: dict[str, Any],
) -> None:
    inspection_submit(actor=setup["worker"], data=submission(setup, task_id=None))

    setup["task"].refresh_from_db()
    assert setup["task"].state == "done"
    assert Inspection.objects.get().task_id == setup["task"].pk


def test_an_inspection_keeps_the_checklist_version_it_used(setup: dict[str, Any]) -> None:
    old = checklist_for_place(setup["shop"])
    answers = all_pass(setup["shop"])
    checklist_publish(
        actor=None, code=old.code, name=old.name, place_type_codes=["small_shop"],
        items=[{"code": "exits_clear", "text": "通道畅通", "hazard_category": "exits_blocked"}],
    )  # fmt: skip

    inspection = inspection_submit(
        actor=setup["worker"], data=submission(setup, template_id=old.pk, answers=answers)
    )

    assert inspection.template_id == old.pk
    assert ChecklistTemplate.objects.get(code=old.code, is_current=True).version == 2


def assert_nothing_saved() -> None:
    assert Inspection.objects.count() == 0
    assert InspectionAnswer.objects.count() == 0
    assert InspectionPhoto.objects.count() == 0
    assert Hazard.objects.count() == 0
    assert not AuditEvent.objects.filter(action="inspection.submit").exists()


def _huge_jpeg() -> SimpleUploadedFile:
    big = upload("huge.jpg")
    big.size = 50 * 1024 * 1024  # what the upload handler reports for a 50 MB file
    return big


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s: {"answers": [*all_pass(s["shop"]), AnswerIn(item="sprinklers", value="pass")]},
         "answer_unknown_item"),
        (lambda s: {"answers": all_pass(s["shop"], ebike_indoor="fail")}, "photo_required"),
        (lambda s: {"answers": all_pass(s["shop"])[1:]}, "answer_missing"),
        (lambda s: {"answers": all_pass(s["shop"], exits_clear="maybe")}, "answer_invalid"),
        (lambda s: {"lon": s["shop"].lon + 0.01}, "gps_far"),
        (lambda s: {"lon": None, "lat": None}, "gps_missing"),
        (lambda s: {"photos": [PhotoIn(upload=upload("x.jpg", b"%PDF-1.4 not an image"))]},
         "photo_not_image"),
        (lambda s: {"photos": [PhotoIn(upload=_huge_jpeg())]}, "photo_too_large"),
        (lambda s: {"hazards": [HazardIn(item="exits_clear")]}, "hazard_item_not_failed"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_whole(setup: dict[str, Any], change: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        inspection_submit(actor=setup["worker"], data=submission(setup, **change(setup)))

    assert caught.value.code == code
    assert_nothing_saved()
    setup["task"].refresh_from_db()
    assert setup["task"].state == "planned"


def test_a_far_position_with_a_reason_is_accepted_and_recorded(setup: dict[str, Any]) -> None:
    data = submission(setup, lon=setup["shop"].lon + 0.01, distance_reason="GPS 漂移")

    inspection = inspection_submit(actor=setup["worker"], data=data)

    assert inspection.distance_m == pytest.approx(918, abs=5)
    assert inspection.distance_reason == "GPS 漂移"


def test_a_task_done_by_someone_not_assigned_is_refused(
    setup: dict[str, Any], make_user: Any
) -> None:
    colleague = make_user("parttime_worker", setup["grid"])

    with pytest.raises(PermissionDenied) as caught:
        inspection_submit(actor=colleague, data=submission(setup))

    assert caught.value.code == "task_not_assignee"
    assert_nothing_saved()


def test_a_place_outside_the_scope_is_not_found(setup: dict[str, Any], make_user: Any) -> None:
    stranger = make_user("fulltime_worker", setup["grids"][OTHER_LEAF])

    with pytest.raises(NotFound):
        inspection_submit(actor=stranger, data=submission(setup, task_id=None))
    assert_nothing_saved()


def test_photos_lose_location_exif_but_keep_the_time(setup: dict[str, Any]) -> None:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (34.0, 26.0, 0.0)}  # GPS IFD
    exif.get_ifd(0x8769)[36867] = "2026:12:02 09:15:00"
    photo = upload(data=jpeg_bytes(size=(3000, 2000), exif=exif))
    data = submission(setup, photos=[PhotoIn(upload=photo)])

    inspection = inspection_submit(actor=setup["worker"], data=data)

    saved = inspection.photos.get()
    assert timezone.localtime(saved.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-12-02 09:15"
    assert (saved.width, saved.height) == (1600, 1067)
    stored = Image.open(io.BytesIO(saved.image.read()))
    assert dict(stored.getexif()) == {}


def test_task_transitions_follow_the_table(setup: dict[str, Any], make_user: Any) -> None:
    task = setup["task"]
    task_start(actor=setup["worker"], task_id=task.pk)
    with pytest.raises(PermissionDenied):
        task_cancel(actor=setup["worker"], task_id=task.pk, reason="店已关")
    office = make_user("community_office", setup["grids"]["410185001001"])
    with pytest.raises(ValidationFailed):
        task_cancel(actor=office, task_id=task.pk, reason=" ")

    cancelled = task_cancel(actor=office, task_id=task.pk, reason="店已关门")

    assert (cancelled.state, cancelled.reason) == ("cancelled", "店已关门")
    with pytest.raises(ValidationFailed) as caught:
        task_start(actor=setup["worker"], task_id=task.pk)
    assert caught.value.code == "task_bad_transition"


def test_a_patrol_completes_todays_patrol_task_and_can_raise_a_hazard(
    setup: dict[str, Any],
) -> None:
    grid, worker = setup["grid"], setup["worker"]
    today = timezone.localdate()
    task = InspectionTask.objects.create(
        kind="patrol", grid=grid, grid_path=grid.path, assignee=worker.person,
        period_start=today, window_start=today, due_on=today,
    )  # fmt: skip
    box = grid.boundary["coordinates"][0]
    inside = {"lon": box[0][0] + 0.01, "lat": box[0][1] + 0.01}
    outside = {"lon": box[0][0] - 0.05, "lat": box[0][1]}
    data = PatrolIn(
        client_uuid=uuid.uuid4(), grid_id=grid.pk, started_at=timezone.now(),
        points=[inside, outside], note="巡查正常",
        hazards=[PatrolHazardIn(category="fire_lane", description="消防车道停车")],
    )  # fmt: skip

    patrol = patrol_submit(actor=worker, data=data)

    task.refresh_from_db()
    assert (task.state, patrol.task_id, patrol.points_outside) == ("done", task.pk, 1)
    hazard = Hazard.objects.get()
    assert (hazard.patrol_id, hazard.category.code, hazard.grid_id) == (
        patrol.pk,
        "fire_lane",
        grid.pk,
    )
    assert Patrol.objects.count() == 1


def test_a_patrol_without_points_is_refused(setup: dict[str, Any]) -> None:
    data = PatrolIn(
        client_uuid=uuid.uuid4(), grid_id=setup["grid"].pk, started_at=timezone.now(), points=[]
    )
    with pytest.raises(ValidationFailed) as caught:
        patrol_submit(actor=setup["worker"], data=data)
    assert caught.value.code == "gps_missing"
    assert Patrol.objects.count() == 0


def test_a_draft_synced_after_the_sweep_still_completes_its_task_on_its_own_day(
    setup: dict[str, Any],
) -> None:
    task = setup["task"]
    finished = timezone.now() - datetime.timedelta(days=1)
    InspectionTask.objects.filter(pk=task.pk).update(
        window_start=timezone.localdate(finished), due_on=timezone.localdate(finished),
        state="missed",
    )  # fmt: skip
    data = submission(
        setup, started_at=finished - datetime.timedelta(minutes=5), finished_at=finished
    )

    inspection_submit(actor=setup["worker"], data=data)

    task.refresh_from_db()
    assert (task.state, task.completed_on) == ("done", timezone.localdate(finished))


def test_work_done_after_the_window_does_not_revive_a_missed_task(setup: dict[str, Any]) -> None:
    task = setup["task"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    InspectionTask.objects.filter(pk=task.pk).update(
        window_start=yesterday, due_on=yesterday, state="missed"
    )

    with pytest.raises(ValidationFailed) as caught:
        inspection_submit(actor=setup["worker"], data=submission(setup))

    assert caught.value.code == "task_closed"
    assert_nothing_saved()


def test_times_in_the_future_are_refused(setup: dict[str, Any]) -> None:
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationFailed) as caught:
        inspection_submit(actor=setup["worker"], data=submission(setup, finished_at=later))
    assert caught.value.code == "times_invalid"
    assert_nothing_saved()
