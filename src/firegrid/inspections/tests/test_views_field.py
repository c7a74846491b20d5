"""Field pages: the phone inspection form, its JSON submit view, the result page, patrols."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.people.models import Assignment, Person
from firegrid.registry.models import Place

from ..models import (
    ChecklistItem,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionTask,
    Patrol,
)
from ..services import checklist_for_place
from ..views import field

pytestmark = pytest.mark.django_db

GRID_A, GRID_B = "410185001001001", "410185001001002"
OTHER_STREET = "410185002001001"
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def grid(small_jurisdiction: dict[str, Grid]) -> Grid:
    return small_jurisdiction[GRID_A]


@pytest.fixture
def worker(make_user: Callable[..., Any], grid: Grid) -> Any:
    return make_user("fulltime_worker", grid, username="wanggeyuan")


@pytest.fixture
def place(make_place: Callable[..., Place], grid: Grid) -> Place:
    return make_place(grid, "small_shop", name="好邻居便利店", address="幸福路8号")


@pytest.fixture
def task(place: Place, worker: Any) -> InspectionTask:
    return InspectionTask.objects.create(
        place=place,
        grid=place.grid,
        grid_path=place.grid_path,
        assignee=Person.objects.get(user=worker),
        period_start=TODAY,
        window_start=TODAY,
        due_on=TODAY + datetime.timedelta(days=5),
    )


def place_of(task: InspectionTask) -> Place:
    assert task.place is not None
    return task.place


def east_of(place: Place) -> str:
    """A longitude about 900 m east of the place (0.01° at 34.45° N)."""
    assert place.lon is not None
    return str(place.lon + 0.01)


def _answers(place: Place, *, fail: str = "") -> list[dict[str, Any]]:
    """Every pass/fail item answered "pass" (or "fail" for `fail`), numbers in range."""
    rows: list[dict[str, Any]] = []
    for item in checklist_for_place(place).items.all():
        if item.answer_type == ChecklistItem.AnswerType.PASS_FAIL:
            value = "fail" if item.code == fail else "pass"
            rows.append({"item": item.code, "value": value, "note": "楼道里停了两辆"})
        elif item.answer_type == ChecklistItem.AnswerType.NUMBER:
            low = item.min_value if item.min_value is not None else 0
            rows.append({"item": item.code, "number": low, "note": ""})
    return rows


def _post(place: Place, task: InspectionTask | None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "place_id": str(place.pk),
        "task_id": str(task.pk) if task else "",
        "started_at": "2026-03-10T01:40:00.000Z",
        "finished_at": "2026-03-10T01:58:00.000Z",
        "lon": str(place.lon),
        "lat": str(place.lat),
        "accuracy_m": "12",
        "distance_reason": "",
        "note": "",
        "signed_by": "",
        "answers": json.dumps(_answers(place)),
        "hazards": "[]",
    }
    data.update(overrides)
    return data


def _nothing_written(task: InspectionTask) -> None:
    assert Inspection.objects.count() == 0
    assert InspectionAnswer.objects.count() == 0
    assert InspectionPhoto.objects.count() == 0
    assert Hazard.objects.count() == 0
    task.refresh_from_db()
    assert task.state == InspectionTask.State.PLANNED
    assert default_storage.listdir("") == ([], [])


# ------------------------------------------------------------------------------ the form page


def test_the_form_renders_the_places_checklist_for_the_tasks_assignee(
    client: Any, worker: Any, task: InspectionTask, django_assert_num_queries: Any
) -> None:
    client.force_login(worker)
    template = checklist_for_place(place_of(task))
    # session, user, scope, task (+ place, grid…), person, checklist, categories, items
    with django_assert_num_queries(8):
        response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=ZH)
    assert response.status_code == 200
    html = response.content.decode()
    items = list(template.items.all())
    assert [f'data-item="{i.code}"' in html for i in items] == [True] * len(items)
    assert "电动自行车室内停放/充电" in html
    assert 'name="answer-ebike_indoor" value="fail"' in html
    assert 'name="hazard-ebike_indoor" checked' in html
    assert "好邻居便利店" in html and "幸福路8号" in html
    config = response.context["config"]
    assert config["task_id"] == task.pk
    assert config["place_id"] == task.place_id
    assert config["template_id"] == template.pk
    assert config["form_key"] == f"task:{task.pk}"
    assert config["place_point"] == [place_of(task).lon, place_of(task).lat]
    assert config["max_distance_m"] == 200.0
    assert config["submit_url"] == "/inspections/field/inspections/"
    ebike = next(row for row in config["items"] if row["code"] == "ebike_indoor")
    assert ebike == {
        "code": "ebike_indoor",
        "text": "电动自行车室内停放/充电",
        "type": "pass_fail",
        "required": True,
        "photo_on_fail": True,
        "min": None,
        "max": None,
        "unit": "",
        "hazard": True,
        "hazard_name": "电动自行车违规停放/充电",
    }
    # Data for the script travels as JSON blocks, never as inline script (CSP).
    assert '<script id="field-config" type="application/json">' in html
    assert '<script id="field-labels" type="application/json">' in html
    assert "<script>" not in html


def test_the_form_speaks_english_with_english_item_texts(
    client: Any, worker: Any, task: InspectionTask
) -> None:
    client.force_login(worker)
    response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=EN)
    html = response.content.decode()
    assert "No e-bike parked or charged indoors, in corridors, stairs or exits" in html
    assert "Submit the inspection" in html
    assert response.context["labels"]["queued"] == "Saved on this phone, will send when online"


def test_a_task_outside_the_viewers_area_is_not_found(
    client: Any, make_user: Callable[..., Any], small_jurisdiction: dict[str, Grid], task: Any
) -> None:
    client.force_login(make_user("fulltime_worker", small_jurisdiction[OTHER_STREET]))
    response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=EN)
    assert response.status_code == 404
    assert response.context["message"] == "No such task in your area."


def test_someone_in_the_area_but_not_assigned_gets_a_clear_403(
    client: Any, make_user: Callable[..., Any], grid: Grid, task: InspectionTask
) -> None:
    client.force_login(make_user("parttime_worker", grid))
    response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=EN)
    assert response.status_code == 403
    assert response.context["message"] == (
        "This task is assigned to someone else; only they can record it."
    )
    assert b'id="field-form"' not in response.content


def test_a_done_task_shows_a_notice_instead_of_the_form(
    client: Any, worker: Any, task: InspectionTask
) -> None:
    InspectionTask.objects.filter(pk=task.pk).update(state=InspectionTask.State.DONE)
    client.force_login(worker)
    response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=EN)
    assert response.status_code == 200
    assert response.context["message"] == "This task is already “done”."
    assert response.context["result_url"] == ""
    assert b'id="field-form"' not in response.content


def test_a_task_done_by_an_inspection_links_to_its_result(
    client: Any, worker: Any, task: InspectionTask
) -> None:
    client.force_login(worker)
    sent = client.post(reverse("inspections:inspect_submit"), _post(place_of(task), task))
    response = client.get(reverse("inspections:inspect", args=[task.pk]), headers=EN)
    assert response.context["result_url"] == sent.json()["redirect"]
    assert f'href="{sent.json()["redirect"]}"' in response.content.decode()


def test_a_patrol_task_opens_the_patrol_page(client: Any, worker: Any, grid: Grid) -> None:
    patrol_task = InspectionTask.objects.create(
        kind="patrol",
        grid=grid,
        grid_path=grid.path,
        assignee=Person.objects.get(user=worker),
        period_start=TODAY,
        window_start=TODAY,
        due_on=TODAY,
    )
    client.force_login(worker)
    response = client.get(reverse("inspections:inspect", args=[patrol_task.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/patrol/?grid={grid.pk}"


def test_the_unscheduled_form_opens_for_a_place_in_the_area(
    client: Any, worker: Any, place: Place, make_place: Callable[..., Place],
    small_jurisdiction: dict[str, Grid],
) -> None:  # fmt: skip
    client.force_login(worker)
    response = client.get(reverse("inspections:inspect_place", args=[place.pk]))
    assert response.status_code == 200
    assert response.context["config"]["task_id"] is None
    assert response.context["config"]["form_key"] == f"place:{place.pk}"
    far_place = make_place(small_jurisdiction[OTHER_STREET])
    response = client.get(reverse("inspections:inspect_place", args=[far_place.pk]))
    assert response.status_code == 404


def test_a_login_without_a_person_record_may_not_inspect(
    client: Any, django_user_model: Any, place: Place
) -> None:
    admin = django_user_model.objects.create_superuser("root", password="pw")  # noqa: S106
    client.force_login(admin)
    response = client.get(reverse("inspections:inspect_place", args=[place.pk]), headers=EN)
    assert response.status_code == 403
    assert response.context["message"] == "Only a person on the register may record an inspection."


def test_the_pages_need_a_login(client: Any, task: InspectionTask) -> None:
    response = client.get(reverse("inspections:inspect", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_my_tasks_link_falls_back_to_home_while_the_office_page_is_missing() -> None:
    try:
        expected = reverse("inspections:my_tasks")
    except Exception:  # noqa: BLE001 (the office pages may not be there yet)
        expected = "/"
    assert field.my_tasks_url() == expected


# ------------------------------------------------------------------------------ submitting


def test_submitting_records_the_inspection_its_photo_and_hazard_and_completes_the_task(
    client: Any, worker: Any, task: InspectionTask, photo: Callable[..., Any]
) -> None:
    client.force_login(worker)
    data = _post(
        place_of(task),
        task,
        answers=json.dumps(_answers(place_of(task), fail="ebike_indoor")),
        hazards=json.dumps([{"item": "ebike_indoor", "description": "楼道充电"}]),
        note="已当场要求整改",
        signed_by="李老板",
    )
    data["photo:ebike_indoor"] = photo()
    data["signature"] = photo("signature.jpg")
    response = client.post(reverse("inspections:inspect_submit"), data)
    assert response.status_code == 200, response.content
    inspection = Inspection.objects.get()
    hazard = Hazard.objects.get()
    assert response.json() == {
        "ok": True,
        "redirect": f"/inspections/field/inspections/{inspection.pk}/",
        "inspection_id": inspection.pk,
        "result": "problems",
        "failed_count": 1,
        "hazard_count": 1,
    }
    assert str(inspection.client_uuid) == data["client_uuid"]
    assert inspection.task_id == task.pk
    assert inspection.failed_count == 1
    assert inspection.distance_m == 0.0
    assert (inspection.note, inspection.signed_by) == ("已当场要求整改", "李老板")
    assert inspection.signature.name.endswith(f"{data['client_uuid']}.jpg")
    assert inspection.started_at == datetime.datetime(2026, 3, 10, 1, 40, tzinfo=datetime.UTC)
    assert [p.item.code for p in inspection.photos.all()] == ["ebike_indoor"]  # type: ignore[union-attr]
    assert (hazard.category.code, hazard.inspection_id, hazard.description) == (
        "ebike",
        inspection.pk,
        "楼道充电",
    )
    assert hazard.checklist_item.code == "ebike_indoor"  # type: ignore[union-attr]
    task.refresh_from_db()
    assert task.state == InspectionTask.State.DONE


def test_sending_the_same_draft_twice_records_it_once(
    client: Any, worker: Any, task: InspectionTask
) -> None:
    client.force_login(worker)
    data = _post(place_of(task), task)
    first = client.post(reverse("inspections:inspect_submit"), data)
    again = client.post(reverse("inspections:inspect_submit"), data)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["result"] == "clean"
    assert Inspection.objects.count() == 1


def _ebike_failed_with_photo(place: Place, photo: Any) -> dict[str, Any]:
    data = _post(place, None, answers=json.dumps(_answers(place, fail="ebike_indoor")))
    data["photo:ebike_indoor"] = photo
    return data


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown_item", "answer_unknown_item"),
        ("missing_required_photo", "photo_required"),
        ("far_gps_without_reason", "gps_far"),
        ("not_an_image", "photo_not_image"),
        ("too_large", "photo_too_large"),
        ("no_gps_no_reason", "gps_missing"),
        ("bad_answers_json", "invalid_input"),
        ("bad_client_uuid", "invalid_input"),
        ("bad_longitude", "invalid_input"),
        ("bad_started_at", "invalid_input"),
    ],
)
def test_bad_input_answers_the_error_envelope_and_writes_nothing(
    client: Any,
    worker: Any,
    task: InspectionTask,
    photo: Callable[..., Any],
    settings: Any,
    case: str,
    code: str,
) -> None:
    place = place_of(task)
    data = _ebike_failed_with_photo(place, photo())
    data["task_id"] = str(task.pk)
    if case == "unknown_item":
        rows = _answers(place) + [{"item": "not_on_this_list", "value": "pass"}]
        data["answers"] = json.dumps(rows)
    elif case == "missing_required_photo":
        del data["photo:ebike_indoor"]
    elif case == "far_gps_without_reason":
        data["lon"] = east_of(place)  # about 900 m east
    elif case == "not_an_image":
        data["photo:ebike_indoor"] = SimpleUploadedFile("p.jpg", b"%PDF-1.4 not a photo")
    elif case == "too_large":
        settings.FIREGRID_INSPECTION_PHOTO_MAX_BYTES = 100  # a 50 MB photo, scaled down
    elif case == "no_gps_no_reason":
        data["lon"] = data["lat"] = ""
    elif case == "bad_answers_json":
        data["answers"] = "{not json"
    elif case == "bad_client_uuid":
        data["client_uuid"] = "draft-1"
    elif case == "bad_longitude":
        data["lon"] = "nan"
    elif case == "bad_started_at":
        data["started_at"] = "yesterday"
    client.force_login(worker)
    response = client.post(reverse("inspections:inspect_submit"), data, headers=EN)
    assert response.status_code == 422
    body = response.json()
    assert list(body) == ["error"]
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    _nothing_written(task)


def test_the_error_messages_name_the_problem(
    client: Any, worker: Any, task: InspectionTask, photo: Callable[..., Any]
) -> None:
    place = place_of(task)
    client.force_login(worker)
    data = _ebike_failed_with_photo(place, photo())
    data["lon"] = east_of(place)
    body = client.post(reverse("inspections:inspect_submit"), data, headers=EN).json()
    assert body["error"]["details"]["limit_m"] == 200.0
    assert body["error"]["details"]["distance_m"] == pytest.approx(917.6, abs=1)
    del data["photo:ebike_indoor"]
    data["lon"] = str(place.lon)
    body = client.post(reverse("inspections:inspect_submit"), data, headers=EN).json()
    assert body["error"] == {
        "code": "photo_required",
        "message": "A photo is required for: 电动自行车室内停放/充电",
        "details": {"items": ["电动自行车室内停放/充电"]},
    }
    _nothing_written(task)


def test_a_far_position_with_a_reason_is_accepted(
    client: Any, worker: Any, task: InspectionTask
) -> None:
    place = place_of(task)
    client.force_login(worker)
    data = _post(place, task, lon=east_of(place), distance_reason="GPS drifts indoors")
    response = client.post(reverse("inspections:inspect_submit"), data)
    assert response.status_code == 200
    inspection = Inspection.objects.get()
    assert inspection.distance_reason == "GPS drifts indoors"
    assert inspection.distance_m == pytest.approx(917.6, abs=1)


def test_someone_not_assigned_cannot_submit_the_task(
    client: Any, make_user: Callable[..., Any], grid: Grid, task: InspectionTask
) -> None:
    place = place_of(task)
    client.force_login(make_user("parttime_worker", grid))
    response = client.post(reverse("inspections:inspect_submit"), _post(place, task), headers=EN)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "task_not_assignee",
        "message": "This task is assigned to someone else.",
        "details": None,
    }
    _nothing_written(task)


def test_a_place_outside_the_area_answers_404(
    client: Any, make_user: Callable[..., Any], small_jurisdiction: dict[str, Grid],
    task: InspectionTask,
) -> None:  # fmt: skip
    place = place_of(task)
    client.force_login(make_user("fulltime_worker", small_jurisdiction[OTHER_STREET]))
    response = client.post(reverse("inspections:inspect_submit"), _post(place, None))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    _nothing_written(task)


def test_an_expired_login_answers_401_so_the_phone_keeps_the_draft(
    client: Any, task: InspectionTask
) -> None:
    place = place_of(task)
    response = client.post(reverse("inspections:inspect_submit"), _post(place, task), headers=EN)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    _nothing_written(task)


def test_the_submit_view_only_takes_post(client: Any, worker: Any) -> None:
    client.force_login(worker)
    assert client.get(reverse("inspections:inspect_submit")).status_code == 405


# ------------------------------------------------------------------------------ result page


def test_the_result_page_shows_problems_and_hazards_raised(
    client: Any, worker: Any, task: InspectionTask, photo: Callable[..., Any],
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    place = place_of(task)
    client.force_login(worker)
    data = _ebike_failed_with_photo(place, photo())
    data["hazards"] = json.dumps([{"item": "ebike_indoor", "description": ""}])
    redirect = client.post(reverse("inspections:inspect_submit"), data).json()["redirect"]
    # session, user, scope, inspection, answers, items, photos, hazards, categories
    with django_assert_num_queries(9):
        response = client.get(redirect, headers=EN)
    html = response.content.decode()
    assert 'data-result="problems" data-failed="1"' in html
    assert "1 problem found" in html
    assert "1 hazard raised" in html
    assert (
        "No e-bike parked or charged indoors, in corridors, stairs or exits — 楼道里停了两辆"
        in html
    )
    assert f"#{Hazard.objects.get().pk} E-bike parked or charged indoors — " in html


def test_the_result_page_of_another_area_is_not_found(
    client: Any, make_user: Callable[..., Any], small_jurisdiction: dict[str, Grid],
    worker: Any, task: InspectionTask,
) -> None:  # fmt: skip
    place = place_of(task)
    client.force_login(worker)
    redirect = client.post(reverse("inspections:inspect_submit"), _post(place, task)).json()[
        "redirect"
    ]
    client.force_login(make_user("fulltime_worker", small_jurisdiction[OTHER_STREET]))
    assert client.get(redirect).status_code == 404


# ------------------------------------------------------------------------------ patrols


def _patrol_post(grid: Grid, **overrides: Any) -> dict[str, Any]:
    box = grid.boundary["coordinates"][0]
    lon, lat = (box[0][0] + box[2][0]) / 2, (box[0][1] + box[2][1]) / 2
    data: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "grid_id": str(grid.pk),
        "started_at": "2026-03-10T01:00:00Z",
        "finished_at": "2026-03-10T01:45:00Z",
        "points": json.dumps(
            [
                {"lon": lon, "lat": lat, "at": "2026-03-10T01:00:00Z", "accuracy": 8},
                {"lon": lon + 0.2, "lat": lat, "at": "2026-03-10T01:30:00Z", "accuracy": 8},
            ]
        ),
        "note": "巡查正常",
        "hazards": json.dumps([{"category": "fire_lane", "description": "消防车道停车"}]),
    }
    data.update(overrides)
    return data


def test_the_patrol_page_offers_the_persons_grids_and_opens_one(
    client: Any,
    worker: Any,
    grid: Grid,
    small_jurisdiction: dict[str, Grid],
    roles: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    person = Person.objects.get(user=worker)
    for code in (GRID_B, "410185001002001"):
        Assignment.objects.create(
            person=person, grid=small_jurisdiction[code], role=roles["volunteer"], start_on=TODAY
        )
    client.force_login(worker)
    # session, user, person, assignments with their grids: the same for any number of grids
    with django_assert_num_queries(4):
        response = client.get(reverse("inspections:patrol"))
    assert [g.code for g in response.context["grids"]] == [GRID_A, GRID_B, "410185001002001"]
    # session, user, person, scope, grid, hazard categories
    with django_assert_num_queries(6):
        response = client.get(reverse("inspections:patrol"), {"grid": grid.pk}, headers=ZH)
    assert response.status_code == 200
    assert response.context["config"]["grid_id"] == grid.pk
    assert response.context["config"]["interval_s"] == 30
    assert ("ebike", "电动自行车违规停放/充电") in response.context["categories"]
    other = small_jurisdiction[OTHER_STREET]
    assert client.get(reverse("inspections:patrol"), {"grid": other.pk}).status_code == 404
    assert client.get(reverse("inspections:patrol"), {"grid": "x"}).status_code == 404


def test_submitting_a_patrol_records_points_photo_and_hazard(
    client: Any, worker: Any, grid: Grid, photo: Callable[..., Any]
) -> None:
    patrol_task = InspectionTask.objects.create(
        kind="patrol",
        grid=grid,
        grid_path=grid.path,
        assignee=Person.objects.get(user=worker),
        period_start=TODAY,
        window_start=TODAY,
        due_on=TODAY,
    )
    client.force_login(worker)
    response = client.post(
        reverse("inspections:patrol_submit"), {**_patrol_post(grid), "photo": photo()}
    )
    assert response.status_code == 200, response.content
    patrol = Patrol.objects.get()
    assert response.json() == {
        "ok": True,
        "redirect": f"/inspections/field/patrols/{patrol.pk}/",
        "patrol_id": patrol.pk,
        "hazard_count": 1,
    }
    assert (len(patrol.points), patrol.points_outside, patrol.note) == (2, 1, "巡查正常")
    assert patrol.photos.count() == 1
    hazard = Hazard.objects.get()
    assert (hazard.category.code, hazard.patrol_id, hazard.source) == (
        "fire_lane",
        patrol.pk,
        "patrol",
    )
    patrol_task.refresh_from_db()
    assert patrol_task.state == InspectionTask.State.DONE
    page = client.get(response.json()["redirect"], headers=EN)
    assert "2 GPS points" in page.content.decode()
    assert "1 hazard raised" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"points": "[]"}, "gps_missing"),
        ({"points": json.dumps([{"lon": "east"}])}, "gps_invalid"),
        ({"hazards": json.dumps([{"category": "nope", "description": "x"}])},
         "hazard_category_unknown"),
        ({"photo": SimpleUploadedFile("p.jpg", b"not an image")}, "photo_not_image"),
        ({"started_at": ""}, "invalid_input"),
    ],
)  # fmt: skip
def test_a_bad_patrol_answers_the_envelope_and_writes_nothing(
    client: Any, worker: Any, grid: Grid, overrides: dict[str, Any], code: str
) -> None:
    client.force_login(worker)
    response = client.post(reverse("inspections:patrol_submit"), _patrol_post(grid, **overrides))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert Patrol.objects.count() == 0
    assert Hazard.objects.count() == 0
    assert InspectionPhoto.objects.count() == 0
