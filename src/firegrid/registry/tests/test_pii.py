"""Acceptance: residents' ID numbers are encrypted at rest, masked in lists, and revealed only
to a role with the permission, with an audit record naming the viewer and the resident."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.models import Resident
from firegrid.registry.selectors import resident_list
from firegrid.registry.services import (
    building_create,
    household_create,
    resident_create,
    resident_reveal,
)

GRID_A = "410185001001001"
COMMUNITY = "410185001001"
ID_NUMBER = "410185195001061234"  # valid GB 11643 check digit, ends in 1234
PHONE = "13937105678"
MASKED = "4101**********1234"
MASK_SHAPE = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


@pytest.fixture
def resident(small_jurisdiction, make_user) -> Resident:
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    building = building_create(actor=worker, values={"name": "3号楼"}, lon=113.05, lat=34.45)
    household = household_create(actor=worker, values={"room": "301"}, building=building)
    return resident_create(
        actor=worker,
        household=household,
        values={"name": "赵桂兰", "id_number": ID_NUMBER, "phone": PHONE},
    )


def test_parttime_worker_sees_the_masked_id_number_on_the_model_and_in_the_list(
    resident, small_jurisdiction, make_user
):
    parttime = make_user("parttime_worker", small_jurisdiction[GRID_A])
    assert resident.id_number_masked == MASKED
    assert MASK_SHAPE.fullmatch(resident.id_number_masked)
    [listed] = resident_list(parttime)
    assert (listed.pk, listed.id_number_masked, listed.phone_masked) == (
        resident.pk,
        MASKED,
        "139****5678",
    )


def test_parttime_worker_may_not_reveal_and_no_audit_event_is_written(
    resident, small_jurisdiction, make_user
):
    parttime = make_user("parttime_worker", small_jurisdiction[GRID_A])
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as raised:
        resident_reveal(actor=parttime, resident=resident, field="id_number")
    assert raised.value.code == "pii_denied"
    assert AuditEvent.objects.count() == events
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()


def test_community_office_reveals_one_and_the_audit_record_names_viewer_and_resident(
    resident, small_jurisdiction, make_user
):
    office = make_user("community_office", small_jurisdiction[COMMUNITY], username="office-wang")
    assert resident_reveal(actor=office, resident=resident, field="id_number") == ID_NUMBER
    [event] = AuditEvent.objects.filter(action="resident.reveal")
    assert event.actor_id == office.pk
    assert (event.object_type, event.object_id) == ("registry.resident", str(resident.pk))
    assert event.data == {"field": "id_number", "resident": "赵桂兰", "viewer": "office-wang"}
    assert ID_NUMBER not in str(event.data)


def test_the_database_never_holds_the_clear_id_number_or_phone(resident):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_number_masked, id_number_digest, phone_encrypted,"
            " phone_masked, name FROM registry_resident"
        )
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert ID_NUMBER not in stored and PHONE not in stored
    assert rows[0][1] == MASKED
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM core_auditevent")
        audit = " ".join(str(row[0]) for row in cursor.fetchall())
    assert ID_NUMBER not in audit and PHONE not in audit


def test_a_wrong_check_digit_is_refused_and_nothing_written(small_jurisdiction):
    household = household_create(
        actor=None, values={"address": "张庄3号"}, grid=small_jurisdiction[GRID_A]
    )
    with pytest.raises(ValidationFailed) as raised:
        resident_create(
            actor=None,
            household=household,
            values={"name": "赵桂兰", "id_number": "410185195001061235"},
        )
    assert (raised.value.code, raised.value.details) == (
        "id_number_invalid",
        {"field": "id_number"},
    )
    assert "410185195001061235" not in raised.value.message
    assert Resident.objects.count() == 0
