"""/api/v1/inspections (submit, check, list, detail) and /api/v1/inspections/patrols.

Bad input (issue 4): answers for items not in the checklist version, a missing required photo,
GPS far away without a reason, a task assigned to someone else, a photo that is not an image or
is 50 MB — each answers a clear error code and leaves no row and no file behind.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard, HazardCategory
from firegrid.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionTask,
    Patrol,
)
from firegrid.inspections.services import checklist_publish
from firegrid.people.models import Person
from firegrid.registry.models import Place
from firegrid.testing import user_with_role

from .conftest import jpeg_bytes, place_in

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_C = "410185001001", "410185001001001", "410185001002001"
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)  # 18:00 in Shanghai
STARTED = "2026-03-10T17:40:00+08:00"
FINISHED = "2026-03-10T17:55:00+08:00"
UUID = uuid.UUID("6f1c1f3e-1d3a-4c1b-9d3e-0a5b7c9d1e2f")


OTHER_LEAF = "410185002002002"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    """Frozen before any fixture makes users, so their assignments start on the frozen day."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    leaf = small_jurisdiction[LEAF_A]
    worker = user_with_role("fulltime_worker", leaf, username="worker")
    place = place_in(leaf, name="便民小卖部", address="中州路8号")
    task = InspectionTask.objects.create(
        kind="inspection",
        place=place,
        grid=leaf,
        grid_path=leaf.path,
        assignee=Person.objects.get(user=worker),
        frequency="monthly",
        period_start=datetime.date(2026, 3, 1),
        window_start=datetime.date(2026, 3, 1),
        due_on=datetime.date(2026, 3, 31),
    )
    return {"grids": small_jurisdiction, "leaf": leaf, "worker": worker, "place": place,
            "task": task}  # fmt: skip


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def pass_fail_items() -> list[str]:
    """The pass/fail items of the current small-places checklist (defaults may grow)."""
    template = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    items = template.items.filter(answer_type="pass_fail").order_by("position")
    return list(items.values_list("code", flat=True))


def answers(fail: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"item": code, "value": "fail" if code in fail else "pass"} for code in pass_fail_items()
    ]


def payload(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    place: Place = world["place"]
    return {
        "client_uuid": str(UUID),
        "place_id": place.pk,
        "task_id": world["task"].pk,
        "answers": answers(("ebike_indoor",)),
        "hazards": [{"item": "ebike_indoor", "description": "楼道内充电"}],
        "lon": place.lon,
        "lat": place.lat,
        "accuracy_m": 8.0,
        "started_at": STARTED,
        "finished_at": FINISHED,
        "signed_by": "王老板",
        **extra,
    }


def jpeg(name: str = "p.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(size), content_type="image/jpeg")


def submit(
    client: Client, body: dict[str, Any], url: str = "/api/v1/inspections", **files: Any
) -> Any:
    data: dict[str, Any] = {"payload": json.dumps(body)}
    if "photos" not in files:
        data |= {"photos": [jpeg()], "photo_items": ["ebike_indoor"]}
    return client.post(url, {**data, **files})


def media_files(path: str = "") -> list[str]:
    """Every file in the (per-test) default storage."""
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    found = [f"{path}{name}" for name in files]
    for name in dirs:
        found += media_files(f"{path}{name}/")
    return sorted(found)


def counts() -> tuple[int, int, int, int]:
    return (
        Inspection.objects.count(),
        InspectionAnswer.objects.count(),
        InspectionPhoto.objects.count(),
        Hazard.objects.count(),
    )


# ------------------------------------------------------------------------------ submit


def test_submit_records_answers_photo_signature_hazard_and_completes_the_task(
    world: dict[str, Any],
) -> None:
    client = login(world["worker"])

    response = submit(
        client,
        payload(world),
        signature=SimpleUploadedFile("sig.png", jpeg_bytes((120, 40)), content_type="image/png"),
    )

    body = response.json()
    assert response.status_code == 201, body
    inspection = Inspection.objects.get()
    task = world["task"]
    task.refresh_from_db()
    place, leaf = world["place"], world["leaf"]
    template = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    assert body["id"] == inspection.pk
    assert body["client_uuid"] == str(UUID)
    assert body["place"] == {"id": place.pk, "name": "便民小卖部", "address": "中州路8号",
                             "place_type": "small_shop"}  # fmt: skip
    assert body["grid"] == {"id": leaf.pk, "code": LEAF_A, "name": leaf.name}
    assert body["template"] == {"id": template.pk, "code": "small_places", "version": 1,
                                "name": "九小场所消防安全检查表"}  # fmt: skip
    assert body["inspector"] == {"id": task.assignee_id, "name": "worker"}
    assert body["task_id"] == task.pk
    assert (body["started_at"], body["finished_at"]) == (
        "2026-03-10T09:40:00Z",
        "2026-03-10T09:55:00Z",
    )
    assert (body["result"], body["failed_count"], body["distance_m"]) == ("problems", 1, 0.0)
    assert (body["lon"], body["lat"], body["gps_accuracy_m"]) == (place.lon, place.lat, 8.0)
    assert [(a["item"], a["value"], a["failed"]) for a in body["answers"]] == [
        (code, "fail" if code == "ebike_indoor" else "pass", code == "ebike_indoor")
        for code in pass_fail_items()
    ]
    [ebike] = [a for a in body["answers"] if a["item"] == "ebike_indoor"]
    assert ebike["text"] == "电动自行车室内停放/充电"
    [photo] = body["photos"]
    assert (photo["item"], photo["width"], photo["height"]) == ("ebike_indoor", 64, 48)
    assert photo["url"] == f"/inspections/photos/{inspection.photos.get().pk}/"
    assert body["signature_url"] == f"/inspections/field/inspections/{inspection.pk}/signature/"
    assert body["signed_by"] == "王老板"
    hazard = Hazard.objects.get()
    assert body["hazards"] == [{"id": hazard.pk, "category": "ebike",
                                "category_name": "电动自行车违规停放/充电", "state": "reported",
                                "description": "楼道内充电", "item": "ebike_indoor"}]  # fmt: skip
    assert (hazard.inspection_id, hazard.place_id) == (inspection.pk, place.pk)
    assert body["snapshot"]["name"] == "便民小卖部"
    assert body["snapshot"]["place_type"] == "small_shop"
    assert body["submitted_by"] == "worker"
    assert (task.state, task.completed_on) == ("done", datetime.date(2026, 3, 10))
    assert len(media_files()) == 2


def test_a_replayed_client_uuid_answers_the_same_inspection_without_a_duplicate(
    world: dict[str, Any],
) -> None:
    client = login(world["worker"])
    first = submit(client, payload(world))
    files = media_files()

    again = submit(client, payload(world))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert counts() == (1, len(pass_fail_items()), 1, 1)
    assert media_files() == files


def test_check_validates_without_writing(world: dict[str, Any]) -> None:
    client = login(world["worker"])

    response = submit(client, payload(world), url="/api/v1/inspections/check")

    template = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "ok": True,
        "place_id": world["place"].pk,
        "task_id": world["task"].pk,
        "template": {"id": template.pk, "code": "small_places", "version": 1,
                     "name": "九小场所消防安全检查表"},
        "failed_items": ["ebike_indoor"],
        "photos": 1,
        "distance_m": 0.0,
    }  # fmt: skip
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []
    world["task"].refresh_from_db()
    assert world["task"].state == "planned"


def test_gps_far_away_with_a_reason_is_recorded(world: dict[str, Any]) -> None:
    place = world["place"]
    body = payload(world, lon=place.lon + 0.01, distance_reason="店主在对面仓库")

    response = submit(login(world["worker"]), body)

    assert response.status_code == 201, response.json()
    assert response.json()["distance_m"] == pytest.approx(917.3, abs=0.5)
    assert Inspection.objects.get().distance_reason == "店主在对面仓库"


# ------------------------------------------------------------------------------ bad input


def far(world: dict[str, Any]) -> dict[str, Any]:
    return payload(world, lon=world["place"].lon + 0.01)


BAD_INPUT = [
    pytest.param(
        lambda w: payload(w, answers=[*answers(), {"item": "bogus", "value": "pass"}]),
        {},
        422,
        "answer_unknown_item",
        id="answer-for-item-not-in-version",
    ),
    pytest.param(
        lambda w: payload(w),
        {"photos": [], "photo_items": []},
        422,
        "photo_required",
        id="missing-required-photo",
    ),
    pytest.param(far, {}, 422, "gps_far", id="gps-far-without-reason"),
    pytest.param(
        lambda w: payload(w),
        {
            "photos": [jpeg(), SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo")],
            "photo_items": ["ebike_indoor", ""],
        },
        422,
        "photo_not_image",
        id="photo-not-an-image",
    ),  # fmt: skip
    pytest.param(
        lambda w: payload(w),
        {"photos": [jpeg(), jpeg()], "photo_items": ["ebike_indoor"]},
        422,
        "photo_items_mismatch",
        id="photo-items-not-parallel",
    ),
    pytest.param(
        lambda w: payload(w, answers=answers()),
        {},
        422,
        "hazard_item_not_failed",
        id="hazard-for-a-passed-item",
    ),
    pytest.param(
        lambda w: {**payload(w), "surprise": 1}, {}, 422, "invalid_input", id="unknown-field"
    ),
    pytest.param(
        lambda w: payload(w, started_at="2026-03-10T17:40:00"),
        {},
        422,
        "invalid_input",
        id="naive-time",
    ),
]


@pytest.mark.parametrize(("make", "files", "status", "code"), BAD_INPUT)
def test_bad_input_is_refused_with_a_code_and_nothing_is_saved(
    world: dict[str, Any], make: Any, files: dict[str, Any], status: int, code: str
) -> None:
    response = submit(login(world["worker"]), make(world), **files)

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []
    world["task"].refresh_from_db()
    assert world["task"].state == "planned"


def test_unknown_items_are_named_in_the_error(world: dict[str, Any]) -> None:
    body = payload(world, answers=[*answers(("ebike_indoor",)), {"item": "bogus", "value": "x"}])

    error = submit(login(world["worker"]), body).json()["error"]

    # "x" is no answer value: the schema refuses it before the service names the item.
    assert error["code"] == "invalid_input"
    body["answers"][-1]["value"] = "pass"
    error = submit(login(world["worker"]), body).json()["error"]
    assert error["details"] == {"items": ["bogus"]}
    assert error["message"] == "Answers for items not in checklist version 1: bogus"


def test_a_50_mb_photo_is_refused_as_too_large(world: dict[str, Any]) -> None:
    huge = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (50 * 1024 * 1024))

    response = submit(
        login(world["worker"]),
        payload(world),
        photos=[huge],
        photo_items=["ebike_indoor"],
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "photo_too_large",
        "message": "Photo 1 is larger than 15 MB.",
        "details": None,
    }
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []


def test_a_task_assigned_to_someone_else_is_403_and_nothing_is_saved(
    world: dict[str, Any],
) -> None:
    colleague = user_with_role("fulltime_worker", world["leaf"], username="colleague")

    response = submit(login(colleague), payload(world))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "task_not_assignee"
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []


def test_a_place_outside_the_scope_is_404(world: dict[str, Any]) -> None:
    outsider = user_with_role("fulltime_worker", world["grids"][LEAF_C], username="outsider")

    response = submit(login(outsider), payload(world, task_id=None))

    assert response.status_code == 404
    assert counts() == (0, 0, 0, 0)


# ------------------------------------------------------------------------------ reads


def test_inspection_detail_outside_the_scope_is_404_and_missing_from_the_list(
    world: dict[str, Any],
) -> None:
    inspection_id = submit(login(world["worker"]), payload(world)).json()["id"]
    outsider = login(user_with_role("fulltime_worker", world["grids"][LEAF_C]))

    assert outsider.get(f"/api/v1/inspections/{inspection_id}").status_code == 404
    assert outsider.get("/api/v1/inspections").json() == {"items": [], "count": 0}


def test_inspection_list_filters_and_costs_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["worker"])
    for n in range(3):
        place = place_in(world["leaf"], name=f"店{n}")
        body = payload(world, client_uuid=str(uuid.uuid4()), place_id=place.pk, task_id=None,
                       lon=place.lon, lat=place.lat, answers=answers(), hazards=[])  # fmt: skip
        assert submit(client, body, photos=[]).status_code == 201
    client.get("/api/v1/inspections")  # warm the session

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page
        response = client.get("/api/v1/inspections")

    body = response.json()
    assert body["count"] == 3
    assert [i["place"]["name"] for i in body["items"]] == ["店2", "店1", "店0"]
    first = Inspection.objects.get(place__name="店0")
    filtered = client.get(f"/api/v1/inspections?place_id={first.place_id}&since=2026-03-10")
    assert [i["id"] for i in filtered.json()["items"]] == [first.pk]
    assert client.get("/api/v1/inspections?since=2026-03-11").json()["count"] == 0


def test_inspection_list_with_a_grid_outside_the_scope_is_404(world: dict[str, Any]) -> None:
    client = login(world["worker"])
    other = world["grids"][LEAF_C]

    response = client.get(f"/api/v1/inspections?grid_id={other.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "grid_not_found"


# ------------------------------------------------------------------------------ patrols


def patrol_payload(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    place = world["place"]
    return {
        "client_uuid": str(UUID),
        "grid_id": world["leaf"].pk,
        "started_at": STARTED,
        "finished_at": FINISHED,
        "points": [
            {"lon": place.lon, "lat": place.lat, "at": STARTED, "accuracy": 5},
            {"lon": 113.25, "lat": 34.45, "at": FINISHED},  # in leaf B, outside leaf A
        ],
        "note": "巡查正常",
        "hazards": [{"category": "fire_lane", "description": "消防车道堆放杂物"}],
        **extra,
    }


def patrol_task(world: dict[str, Any]) -> InspectionTask:
    leaf = world["leaf"]
    return InspectionTask.objects.create(
        kind="patrol",
        grid=leaf,
        grid_path=leaf.path,
        assignee=Person.objects.get(user=world["worker"]),
        frequency="weekly",
        period_start=datetime.date(2026, 3, 9),
        window_start=datetime.date(2026, 3, 9),
        due_on=datetime.date(2026, 3, 15),
    )


def post_patrol(client: Client, body: dict[str, Any], photos: list[Any] | None = None) -> Any:
    return client.post(
        "/api/v1/inspections/patrols", {"payload": json.dumps(body), "photos": photos or []}
    )


def test_patrol_submit_completes_the_patrol_task_and_raises_the_hazard(
    world: dict[str, Any],
) -> None:
    task = patrol_task(world)
    client = login(world["worker"])

    response = post_patrol(client, patrol_payload(world), photos=[jpeg()])
    again = post_patrol(client, patrol_payload(world), photos=[jpeg()])

    body = response.json()
    assert (response.status_code, again.status_code) == (201, 200), body
    patrol = Patrol.objects.get()
    hazard = Hazard.objects.get()
    task.refresh_from_db()
    assert again.json() == body
    assert (body["id"], body["task_id"], body["point_count"], body["points_outside"]) == (
        patrol.pk, task.pk, 2, 1,
    )  # fmt: skip
    assert body["person"] == {"id": task.assignee_id, "name": "worker"}
    assert body["points"][1] == {"lon": 113.25, "lat": 34.45, "at": FINISHED, "accuracy": None}
    assert body["hazards"] == [{"id": hazard.pk, "category": "fire_lane",
                                "category_name": "消防车道占用", "state": "reported",
                                "description": "消防车道堆放杂物", "item": None}]  # fmt: skip
    assert (hazard.patrol_id, hazard.lon, hazard.lat) == (patrol.pk, 113.25, 34.45)
    [photo] = body["photos"]
    assert (photo["item"], photo["width"]) == (None, 64)
    assert task.state == "done"
    assert InspectionPhoto.objects.count() == 1
    assert len(media_files()) == 1


def test_patrol_with_a_bad_photo_saves_nothing(world: dict[str, Any]) -> None:
    task = patrol_task(world)

    response = post_patrol(
        login(world["worker"]),
        patrol_payload(world),
        photos=[jpeg(), SimpleUploadedFile("a.jpg", b"no")],
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_not_image"
    assert (Patrol.objects.count(), Hazard.objects.count(), InspectionPhoto.objects.count()) == (
        0, 0, 0,
    )  # fmt: skip
    assert media_files() == []
    task.refresh_from_db()
    assert task.state == "planned"


def test_patrol_list_and_detail_are_scoped(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = login(world["worker"])
    for _ in range(3):
        body = patrol_payload(world, client_uuid=str(uuid.uuid4()), hazards=[])
        assert post_patrol(client, body).status_code == 201
    client.get("/api/v1/inspections/patrols")
    outsider = login(user_with_role("fulltime_worker", world["grids"][LEAF_C]))
    patrol = Patrol.objects.first()
    assert patrol is not None

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page
        listed = client.get("/api/v1/inspections/patrols").json()

    assert listed["count"] == 3
    assert outsider.get("/api/v1/inspections/patrols").json()["count"] == 0
    assert outsider.get(f"/api/v1/inspections/patrols/{patrol.pk}").status_code == 404
    assert client.get(f"/api/v1/inspections/patrols/{patrol.pk}").json()["note"] == "巡查正常"


def test_submitting_needs_a_login(world: dict[str, Any]) -> None:
    response = submit(Client(), payload(world))

    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated")
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []


def test_a_draft_on_an_older_version_is_checked_against_that_version(
    world: dict[str, Any],
) -> None:
    old = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    on_old = answers(("ebike_indoor",))
    items = [
        {key: getattr(item, key) for key in ("code", "text", "answer_type", "required",
                                             "photo_required_on_fail", "hazard_category")}
        for item in old.items.order_by("position")
    ] + [{"code": "new_item", "text": "新增检查项", "hazard_category": "other"}]  # fmt: skip
    types = list(old.place_types.values_list("code", flat=True))
    checklist_publish(
        actor=None, code="small_places", name=old.name, items=items, place_type_codes=types
    )
    client = login(world["worker"])
    newer = payload(
        world, template_id=old.pk, answers=[*on_old, {"item": "new_item", "value": "pass"}]
    )

    refused = submit(client, newer)
    accepted = submit(client, payload(world, template_id=old.pk, answers=on_old))

    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "answer_unknown_item",
        "message": "Answers for items not in checklist version 1: new_item",
        "details": {"items": ["new_item"]},
    }
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["template"]["id"] == old.pk
    assert Inspection.objects.get().template_id == old.pk


def test_a_failed_item_whose_category_is_inactive_leaves_no_file(world: dict[str, Any]) -> None:
    HazardCategory.objects.filter(code="ebike").update(active=False)

    response = submit(login(world["worker"]), payload(world))

    assert response.json()["error"]["code"] == "hazard_category_unknown"
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []


def test_a_patrol_hazard_of_an_unknown_category_leaves_no_file(world: dict[str, Any]) -> None:
    body = patrol_payload(world, hazards=[{"category": "no_such", "description": "x"}])

    response = post_patrol(login(world["worker"]), body, photos=[jpeg()])

    assert response.json()["error"]["code"] == "hazard_category_unknown"
    assert (Patrol.objects.count(), InspectionPhoto.objects.count()) == (0, 0)
    assert media_files() == []


def test_errors_are_in_chinese_by_default(world: dict[str, Any]) -> None:
    body = payload(world)
    body["answers"].append({"item": "bogus", "value": "pass"})
    client = Client()
    client.force_login(world["worker"])

    response = submit(client, body)

    assert response.status_code == 422
    assert response.json()["error"]["message"] == "以下答案不属于检查表第 1 版：bogus"


def test_photos_and_signatures_are_served_only_within_the_scope(world: dict[str, Any]) -> None:
    client = login(world["worker"])
    sig = SimpleUploadedFile("sig.png", jpeg_bytes((120, 40)), content_type="image/png")
    body = submit(client, payload(world), signature=sig).json()
    photo_url, signature_url = body["photos"][0]["url"], body["signature_url"]
    stranger = login(user_with_role("fulltime_worker", world["grids"][OTHER_LEAF]))

    photo = client.get(photo_url)
    signature = client.get(signature_url)

    assert (photo.status_code, photo["Content-Type"]) == (200, "image/jpeg")
    assert photo.getvalue()[:2] == b"\xff\xd8"  # a JPEG
    assert signature.status_code == 200
    assert stranger.get(photo_url).status_code == 404
    assert stranger.get(signature_url).status_code == 404
    assert Client().get(photo_url).status_code == 302  # to the login page
