"""people.services: phone rules, person and assignment writes, photo cleaning."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person, Role
from firegrid.people.selectors import mask_phone
from firegrid.people.services import (
    assignment_end,
    grid_assign_person,
    normalize_phone,
    person_create,
    person_set_photo,
    person_update,
)
from firegrid.testing import user_with_role

LEAF_A = "410185001001001"
JAN_1 = datetime.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("１３８\u3000００１３\u3000８０００", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("0371-66881234", "0371-66881234"),
        ("010 12345678", "01012345678"),
        ("", ""),
    ],
)
def test_normalize_phone_accepts_common_spellings(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "2380013800", "1380013800a", "138001380001", "call me"])
def test_normalize_phone_rejects_anything_ambiguous(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_phone(raw)
    assert caught.value.code == "phone_invalid"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("0371-66881234", "037******1234"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.fixture
def superuser(db: None) -> object:
    return get_user_model().objects.create_superuser("root", password="pw-for-tests-only")


@pytest.mark.django_db
def test_person_create_by_a_non_manager_is_refused_and_writes_nothing(
    small_jurisdiction: dict[str, Grid],
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    actor = user_with_role("grid_head", leaf)
    before = (Person.objects.count(), AuditEvent.objects.count())

    with pytest.raises(PermissionDenied):
        person_create(actor=actor, home_grid=leaf, name="某人")

    assert (Person.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_person_update_without_changes_writes_no_audit_event(
    small_jurisdiction: dict[str, Grid], superuser: object
) -> None:
    person = person_create(actor=superuser, home_grid=small_jurisdiction[LEAF_A], name="某人")
    before = AuditEvent.objects.count()

    person_update(actor=superuser, person=person, changes={"name": "某人"})

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_person_update_rejects_unknown_fields(
    small_jurisdiction: dict[str, Grid], superuser: object
) -> None:
    person = person_create(actor=superuser, home_grid=small_jurisdiction[LEAF_A], name="某人")

    with pytest.raises(ValidationFailed) as caught:
        person_update(actor=superuser, person=person, changes={"home_grid_id": 1})

    assert caught.value.code == "fields_unknown"


@pytest.mark.django_db
def test_open_ended_assignment_overlaps_any_later_term(
    small_jurisdiction: dict[str, Grid], superuser: object, roles: dict[str, Role]
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="甲", home_grid=leaf)
    grid_assign_person(
        actor=superuser, grid=leaf, person=person, role=roles["grid_head"], start_on=JAN_1
    )

    with pytest.raises(ValidationFailed) as caught:
        grid_assign_person(
            actor=superuser,
            grid=leaf,
            person=person,
            role=roles["grid_head"],
            start_on=datetime.date(2030, 1, 1),
        )

    assert caught.value.code == "assignment_overlaps"
    assert Assignment.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_a_new_term_after_an_ended_one_is_allowed(
    small_jurisdiction: dict[str, Grid], superuser: object, roles: dict[str, Role]
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="甲", home_grid=leaf)
    first = grid_assign_person(
        actor=superuser, grid=leaf, person=person, role=roles["grid_head"], start_on=JAN_1
    )
    assignment_end(actor=superuser, assignment=first, end_on=datetime.date(2025, 6, 30))

    second = grid_assign_person(
        actor=superuser,
        grid=leaf,
        person=person,
        role=roles["grid_head"],
        start_on=datetime.date(2025, 7, 1),
    )

    assert [
        (a.start_on, a.end_on)
        for a in Assignment.objects.filter(person=person).order_by("start_on")
    ] == [
        (JAN_1, datetime.date(2025, 6, 30)),
        (second.start_on, None),
    ]


@pytest.mark.django_db
def test_assignment_end_before_its_start_is_refused(
    small_jurisdiction: dict[str, Grid], superuser: object, roles: dict[str, Role]
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    person = Person.objects.create(name="甲", home_grid=leaf)
    assignment = grid_assign_person(
        actor=superuser, grid=leaf, person=person, role=roles["volunteer"], start_on=JAN_1
    )

    with pytest.raises(ValidationFailed):
        assignment_end(actor=superuser, assignment=assignment, end_on=datetime.date(2024, 12, 31))

    assignment.refresh_from_db()
    assert assignment.end_on is None


@pytest.mark.django_db
def test_person_set_photo_keeps_upright_pixels_and_no_exif(
    small_jurisdiction: dict[str, Grid], superuser: object
) -> None:
    person = Person.objects.create(name="甲", home_grid=small_jurisdiction[LEAF_A])
    image = Image.new("RGB", (400, 200), (0, 90, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {2: (34.0, 45.0, 0.0)}
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)

    person_set_photo(
        actor=superuser, person=person, photo=SimpleUploadedFile("p.jpg", raw.getvalue())
    )

    with person.photo.open("rb") as stored:
        cleaned = Image.open(stored)
        cleaned.load()
    assert cleaned.size == (200, 400)  # turned upright before the orientation tag was dropped
    assert dict(cleaned.getexif()) == {}


@pytest.mark.django_db
def test_replacing_a_photo_deletes_the_old_file(
    small_jurisdiction: dict[str, Grid],
    superuser: object,
    django_capture_on_commit_callbacks: object,
) -> None:
    person = Person.objects.create(name="甲", home_grid=small_jurisdiction[LEAF_A])
    raw = io.BytesIO()
    Image.new("RGB", (10, 10)).save(raw, format="PNG")
    person_set_photo(
        actor=superuser, person=person, photo=SimpleUploadedFile("a.png", raw.getvalue())
    )
    old_name = person.photo.name

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        person_set_photo(
            actor=superuser, person=person, photo=SimpleUploadedFile("b.png", raw.getvalue())
        )

    assert person.photo.name != old_name
    assert person.photo.storage.exists(old_name) is False
    assert person.photo.storage.exists(person.photo.name) is True


def test_the_triage_flag_migration_copies_the_default_roles() -> None:
    """people 0007 carries its own copy of the roles that triage (a migration never imports live
    defaults); the copy and `roles.DEFAULT_ROLES` must name the same roles."""
    import importlib

    from firegrid.people.roles import DEFAULT_ROLES

    migration = importlib.import_module("firegrid.people.migrations.0007_role_can_triage_defaults")
    assert set(migration.TRIAGE_ROLES) == {r["code"] for r in DEFAULT_ROLES if r["can_triage"]}
    assert set(migration.TRIAGE_ROLES) == {
        "county_office", "chief_grid_head", "street_office", "community_office", "grid_head",
        "fulltime_worker", "parttime_worker", "community_police",
    }  # fmt: skip
