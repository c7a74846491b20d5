"""/api/v1/people, /api/v1/assignments, /api/v1/roles."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person, Role
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"


@pytest.fixture
def office(small_jurisdiction: dict[str, Grid], client: Client) -> Client:
    """A community office login (manages the community, sees phones)."""
    client.force_login(user_with_role("community_office", small_jurisdiction[COMMUNITY]))
    return client


def jpeg_with_exif(size: tuple[int, int] = (1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {2: (34.0, 45.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def post_json(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def test_create_person_normalises_the_phone_and_audits(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    grid = small_jurisdiction[LEAF_A]

    response = post_json(
        office,
        "/api/v1/people",
        {"name": " 张三 ", "phone": "＋86 １３８ ００１３ ８０００", "home_grid_id": grid.pk},
    )

    body = response.json()
    person = Person.objects.get(pk=body["id"])
    event = AuditEvent.objects.last()
    assert response.status_code == 201
    assert (person.name, person.phone, person.home_grid_id) == ("张三", "13800138000", grid.pk)
    assert body["phone"] == "13800138000"  # a community office sees phones
    assert body["assignments"] == []
    assert event is not None
    assert (event.action, event.object_id) == ("person.create", str(person.pk))


def test_create_person_with_an_invalid_phone_is_422_and_writes_nothing(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    before = (Person.objects.count(), AuditEvent.objects.count())

    response = post_json(
        office,
        "/api/v1/people",
        {"name": "李四", "phone": "12345", "home_grid_id": small_jurisdiction[LEAF_A].pk},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "phone_invalid",
        "message": "'12345' is not a valid phone number.",
        "details": None,
    }
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_patch_person_changes_only_given_fields(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    person = Person.objects.create(
        name="王五", phone="13700001234", note="旧", home_grid=small_jurisdiction[LEAF_A]
    )

    response = office.patch(
        f"/api/v1/people/{person.pk}",
        {"phone": "0371-6688 1234"},
        content_type="application/json",
    )

    person.refresh_from_db()
    assert response.status_code == 200
    assert (person.name, person.phone, person.note) == ("王五", "0371-66881234", "旧")
    assert AuditEvent.objects.last().data == {"fields": ["phone"]}  # type: ignore[union-attr]


def test_phone_is_masked_for_a_role_that_does_not_see_phones(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="赵六", phone="13812341234", home_grid=leaf)
    client.force_login(user_with_role("parttime_worker", leaf))

    detail = client.get(f"/api/v1/people/{person.pk}").json()
    by_phone = client.get("/api/v1/people", {"q": "1234"}).json()

    assert detail["phone"] == "138****1234"
    assert by_phone == {"items": [], "count": 0}  # a masked number is no search oracle


@pytest.mark.parametrize("role", ["grid_head", "community_police"])
def test_phone_is_shown_to_roles_that_see_phones(
    small_jurisdiction: dict[str, Grid], client: Client, role: str
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="赵六", phone="13812341234", home_grid=leaf)
    seat = leaf if role == "grid_head" else small_jurisdiction[COMMUNITY]
    client.force_login(user_with_role(role, seat))

    assert client.get(f"/api/v1/people/{person.pk}").json()["phone"] == "13812341234"


def test_person_lists_only_assignments_in_the_viewers_scope(
    small_jurisdiction: dict[str, Grid], client: Client, roles: dict[str, Role]
) -> None:
    leaf_a, leaf_b = small_jurisdiction[LEAF_A], small_jurisdiction[LEAF_B]
    person = Person.objects.create(name="两岗人", home_grid=leaf_a)
    for grid in (leaf_a, leaf_b):
        Assignment.objects.create(
            person=person, grid=grid, role=roles["volunteer"], start_on=datetime.date(2025, 1, 1)
        )
    client.force_login(user_with_role("grid_head", leaf_a))

    body = client.get(f"/api/v1/people/{person.pk}").json()

    assert [a["grid_code"] for a in body["assignments"]] == [LEAF_A]


def test_people_list_query_count_does_not_grow_with_rows(
    small_jurisdiction: dict[str, Grid],
    office: Client,
    roles: dict[str, Role],
    django_assert_max_num_queries: Any,
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    for n in range(12):
        person = Person.objects.create(name=f"人{n:02d}", phone="13800000000", home_grid=leaf)
        Assignment.objects.create(
            person=person,
            grid=leaf,
            role=roles["volunteer"],
            start_on=datetime.date(2025, 1, 1),
            backup=person if n == 0 else None,
        )

    # session, user, scope, COUNT, page, prefetch of assignments (grid, role, backup joined)
    with django_assert_max_num_queries(6):
        body = office.get("/api/v1/people", {"page_size": 50}).json()

    assert body["count"] == 13  # the office's own person record too
    assert len(body["items"]) == 13


def test_assignments_list_query_count_is_flat(
    small_jurisdiction: dict[str, Grid],
    office: Client,
    roles: dict[str, Role],
    django_assert_max_num_queries: Any,
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    for n in range(10):
        person = Person.objects.create(name=f"人{n}", home_grid=leaf)
        Assignment.objects.create(
            person=person, grid=leaf, role=roles["volunteer"], start_on=datetime.date(2025, 1, 1)
        )

    with django_assert_max_num_queries(5):
        body = office.get("/api/v1/assignments", {"grid": leaf.pk}).json()

    assert body["count"] == 10


def test_create_assignment_with_backup_and_end_it(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    worker = Person.objects.create(name="甲", home_grid=leaf)
    partner = Person.objects.create(name="乙", home_grid=leaf)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    created = post_json(
        office,
        "/api/v1/assignments",
        {
            "person_id": worker.pk,
            "grid_id": leaf.pk,
            "role_code": "parttime_worker",
            "start_on": "2025-01-01",
            "letter_signed_on": "2025-01-02",
            "backup_id": partner.pk,
        },
    )
    ended = post_json(
        office, f"/api/v1/assignments/{created.json()['id']}/end", {"end_on": str(yesterday)}
    )

    assert created.status_code == 201
    assert created.json()["backup_name"] == "乙"
    assert created.json()["active"] is True
    assert ended.status_code == 200
    assert (ended.json()["end_on"], ended.json()["active"]) == (str(yesterday), False)
    assert list(AuditEvent.objects.values_list("action", flat=True))[-2:] == [
        "assignment.create",
        "assignment.end",
    ]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"start_on": "2025-06-01", "end_on": "2025-05-01"}, "term_invalid"),
        ({"start_on": "2025-01-01", "backup_id": "SELF"}, "backup_self"),
        ({"start_on": "2025-03-01"}, "assignment_overlaps"),
    ],
    ids=["end_before_start", "backup_self", "overlap"],
)
def test_invalid_assignment_is_refused_and_nothing_is_written(
    small_jurisdiction: dict[str, Grid],
    office: Client,
    roles: dict[str, Role],
    extra: dict[str, Any],
    code: str,
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    worker = Person.objects.create(name="甲", home_grid=leaf)
    Assignment.objects.create(
        person=worker, grid=leaf, role=roles["grid_head"], start_on=datetime.date(2025, 1, 1)
    )
    if extra.get("backup_id") == "SELF":
        extra = {**extra, "backup_id": worker.pk}
    before = (Assignment.objects.count(), AuditEvent.objects.count())

    response = post_json(
        office,
        "/api/v1/assignments",
        {"person_id": worker.pk, "grid_id": leaf.pk, "role_code": "grid_head", **extra},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before


def test_photo_upload_strips_exif_and_resizes(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    person = Person.objects.create(name="照片人", home_grid=small_jurisdiction[LEAF_A])
    upload = SimpleUploadedFile("me.jpg", jpeg_with_exif(), content_type="image/jpeg")

    response = office.post(f"/api/v1/people/{person.pk}/photo", {"photo": upload})

    person.refresh_from_db()
    with person.photo.open("rb") as stored:
        image = Image.open(stored)
        image.load()
    assert response.status_code == 200
    assert response.json()["photo_url"] == person.photo.url
    assert image.size == (800, 600)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert AuditEvent.objects.last().action == "person.photo"  # type: ignore[union-attr]


def test_photo_upload_of_a_non_image_is_422_and_nothing_changes(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    person = Person.objects.create(name="照片人", home_grid=small_jurisdiction[LEAF_A])
    audit_before = AuditEvent.objects.count()
    upload = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")

    response = office.post(f"/api/v1/people/{person.pk}/photo", {"photo": upload})

    person.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_not_image"
    assert person.photo.name == ""
    assert AuditEvent.objects.count() == audit_before


def test_photo_upload_by_a_non_manager_is_403(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="照片人", home_grid=leaf)
    client.force_login(user_with_role("grid_head", leaf))
    upload = SimpleUploadedFile("me.jpg", jpeg_with_exif((100, 100)), content_type="image/jpeg")

    response = client.post(f"/api/v1/people/{person.pk}/photo", {"photo": upload})

    person.refresh_from_db()
    assert response.status_code == 403
    assert person.photo.name == ""


def test_roles_are_listed_in_sort_order(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    body = office.get("/api/v1/roles").json()

    assert body["count"] == Role.objects.count()
    assert body["items"][0] == {
        "code": "county_office",
        "name": "区县网格办",
        "name_en": "County grid office staff",
        "duties": "统筹全区县消防安全网格化管理，维护网格和人员。",
        "can_manage": True,
        "sees_phones": True,
    }
