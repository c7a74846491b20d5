"""Personal data of residents: encrypt on write, mask for lists, reveal only with the right.

Revealing (解密查看) an ID number or phone needs `can_unmask_pii` on the resident's grid and
writes an audit record naming the viewer and the resident, so "who saw what and when" is
answerable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from ..models import Resident
from .common import normalize_phone_field, require_read

REVEALABLE = ("id_number", "phone")


def clean_id_number(raw: str) -> str:
    """Upper-case, full-width and spaces folded; a wrong check digit is refused, not guessed."""
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()
    if value and not pii.id_number_valid(value):
        raise ValidationFailed(
            _("%(value)s is not a valid ID number.") % {"value": pii.mask_id_number(value)},
            code="id_number_invalid",
            details={"field": "id_number"},
        )
    return value


def resident_set_pii(resident: Resident, *, id_number: str | None, phone: str | None) -> None:
    """Fill the encrypted, masked and digest columns from clear values (not saved here)."""
    if id_number is not None:
        value = clean_id_number(id_number)
        resident.id_number_encrypted = pii.encrypt(value)
        resident.id_number_masked = pii.mask_id_number(value) if value else ""
        resident.id_number_digest = pii.digest(value)
    if phone is not None:
        value = normalize_phone_field(phone, field="phone")
        resident.phone_encrypted = pii.encrypt(value)
        resident.phone_masked = pii.mask_phone(value) if value else ""


@transaction.atomic
def resident_reveal(*, actor: Any, resident: Resident, field: str) -> str:
    """The clear ID number or phone, for a viewer whose role may unmask it; audited."""
    if field not in REVEALABLE:
        raise ValidationFailed(_("Only the ID number or phone can be revealed."), code="field")
    require_read(actor, resident.grid_path, what=_("Resident not found."))
    if not user_scope(actor).may_unmask_pii_in(resident.grid_path):
        raise PermissionDenied(
            _("Your role may not see residents' personal data unmasked."), code="pii_denied"
        )
    token = resident.id_number_encrypted if field == "id_number" else resident.phone_encrypted
    value = pii.decrypt(token)
    audit_record(
        actor=actor,
        action="resident.reveal",
        target=resident,
        data={
            "field": field,
            "resident": resident.name,
            "viewer": actor.get_username(),
        },
    )
    return value
