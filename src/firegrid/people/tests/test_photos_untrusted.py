"""A decompression-bomb person photo is refused from its header: 422, nothing stored."""

from __future__ import annotations

from django.test import Client

from firegrid.core.models import AuditEvent
from firegrid.core.tests.images import bomb_png
from firegrid.grids.models import Grid
from firegrid.people.models import Person
from firegrid.people.tests.test_api_people import LEAF_A, office  # noqa: F401 - fixture


def test_a_bomb_person_photo_is_422_and_nothing_changes(
    small_jurisdiction: dict[str, Grid],
    office: Client,  # noqa: F811
) -> None:
    person = Person.objects.create(name="照片人", home_grid=small_jurisdiction[LEAF_A])
    audit_before = AuditEvent.objects.count()

    response = office.post(
        f"/api/v1/people/{person.pk}/photo", {"photo": bomb_png()}, HTTP_ACCEPT_LANGUAGE="en"
    )

    person.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "photo_too_large",
        "message": "The photo has too many pixels; at most 40.0 million pixels are accepted. "
        "Send a smaller photo.",
        "details": None,
    }
    assert person.photo.name == ""
    assert AuditEvent.objects.count() == audit_before
