"""`firegrid pii rotate` re-encrypts residents' ID numbers and phones with the newest key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from firegrid.core import pii
from firegrid.core.models import AuditEvent
from firegrid.registry.models import Resident
from firegrid.registry.services import building_create, household_create, resident_create

GRID_A = "410185001001001"
ID_NUMBER = "410185195001061234"
PHONE = "13937105678"
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def resident(small_jurisdiction, make_user, settings) -> Resident:
    settings.FIREGRID_PII_KEYS = [KEY_A]
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    building = building_create(actor=worker, values={"name": "3号楼"}, lon=113.05, lat=34.45)
    household = household_create(actor=worker, values={"room": "301"}, building=building)
    return resident_create(
        actor=worker,
        household=household,
        values={"name": "赵桂兰", "id_number": ID_NUMBER, "phone": PHONE},
    )


def rotate() -> list[str]:
    out = io.StringIO()
    call_command("pii", "rotate", "--batch-size", "1", stdout=out)
    return out.getvalue().splitlines()


def test_rotate_moves_every_token_to_the_newest_key_so_the_old_key_can_go(resident, settings):
    digest_before = resident.id_number_digest
    settings.FIREGRID_PII_KEYS = [KEY_B, KEY_A]

    lines = rotate()

    assert "registry.resident: 2 re-encrypted, 0 already current, 0 unreadable" in lines
    assert f"rotated 2 tokens to key {pii.key_id(KEY_B)}" in lines
    event = AuditEvent.objects.filter(action="pii.rotate").get()
    assert event.data["key"] == pii.key_id(KEY_B)
    assert event.data["rotated"]["registry.resident"] == 2
    assert event.data["unreadable"]["registry.resident"] == 0
    # the old key is gone; the digest keeps its anchor through FIREGRID_PII_DIGEST_KEY
    settings.FIREGRID_PII_KEYS = [KEY_B]
    settings.FIREGRID_PII_DIGEST_KEY = KEY_A
    stored = Resident.objects.get(pk=resident.pk)
    assert pii.decrypt(stored.id_number_encrypted) == ID_NUMBER
    assert pii.decrypt(stored.phone_encrypted) == PHONE
    assert pii.digest(ID_NUMBER) == digest_before


def test_rotating_again_changes_nothing(resident, settings):
    settings.FIREGRID_PII_KEYS = [KEY_B, KEY_A]
    rotate()
    tokens = Resident.objects.values_list("id_number_encrypted", "phone_encrypted").get()

    lines = rotate()

    assert "registry.resident: 0 re-encrypted, 2 already current, 0 unreadable" in lines
    assert Resident.objects.values_list("id_number_encrypted", "phone_encrypted").get() == tokens
    assert AuditEvent.objects.filter(action="pii.rotate").count() == 2


def test_tokens_no_key_reads_are_reported_and_left_unchanged(resident, settings):
    tokens = Resident.objects.values_list("id_number_encrypted", "phone_encrypted").get()
    settings.FIREGRID_PII_KEYS = [KEY_B]

    with pytest.raises(CommandError, match="2 tokens could not be read"):
        rotate()

    assert Resident.objects.values_list("id_number_encrypted", "phone_encrypted").get() == tokens


def test_rotate_without_configured_keys_refuses(resident, settings):
    settings.FIREGRID_PII_KEYS = []

    with pytest.raises(CommandError, match="FIREGRID_PII_KEYS is not set"):
        rotate()
    assert AuditEvent.objects.filter(action="pii.rotate").count() == 0


def test_outside_demo_mode_no_key_is_derived_from_the_secret(settings):
    settings.FIREGRID_PII_KEYS = []
    settings.FIREGRID_DEMO = False

    with pytest.raises(ImproperlyConfigured, match="FIREGRID_PII_KEYS is not set"):
        pii.encrypt(ID_NUMBER)
