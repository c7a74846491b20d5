"""Writes of households (住户) and residents (居民).

A household belongs to a building (and so to the building's grid) or, where there is no
building record, to a leaf grid given with an address. A resident's grid is its household's.
ID numbers and phones go in clear and are stored only encrypted, masked and digested
(`residents.resident_set_pii`); the audit log keeps the masked forms only. The same ID number
(same digest) cannot be registered twice.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.grids.models import Grid

from ..models import Building, Household, Resident
from .cleaning import (
    Spec,
    apply_changes,
    clean_values,
    history_value,
    invalid,
    require_fields,
)
from .common import require_edit
from .residents import clean_id_number, resident_set_pii

HOUSEHOLD_FIELDS: dict[str, Spec] = {
    "unit": Spec("text", max_length=20),
    "room": Spec("text", max_length=20),
    "address": Spec("text", max_length=300),
    "size": Spec("int", minimum=1, maximum=200, required=True),  # never empty (default 1)
    "is_rental": Spec("bool"),
    "landlord_name": Spec("text", max_length=50),
    "landlord_phone": Spec("phone"),
    "note": Spec("text", max_length=300),
}
RESIDENT_FLAGS = (
    "lives_alone_elderly",
    "disabled",
    "left_behind_child",
    "key_person",
    "limited_mobility",
)
RESIDENT_FIELDS: dict[str, Spec] = {
    "name": Spec("text", max_length=50, required=True),
    "birth_year": Spec("int", minimum=1900, maximum=2100),
    **{flag: Spec("bool") for flag in RESIDENT_FLAGS},
    "note": Spec("text", max_length=300),
}
PII_FIELDS = ("id_number", "phone")


def _household_target(building: Building | None, grid: Grid | None) -> tuple[Building | None, Grid]:
    if building is not None:
        building = Building.objects.select_related("grid").get(pk=building.pk)
        if grid is not None and grid.pk != building.grid_id:
            raise invalid(
                "grid",
                _("The household's grid is its building's grid, %(grid)s.")
                % {"grid": building.grid.name},
                "grid_mismatch",
            )
        return building, building.grid
    if grid is None:
        raise invalid(
            "building",
            _("A household needs a building, or a grid and an address."),
            "household_location_required",
        )
    if grid.children.exists():
        raise invalid(
            "grid",
            _("A household belongs to a leaf grid, not to %(grid)s.") % {"grid": grid.name},
            "grid_not_leaf",
        )
    return None, grid


@transaction.atomic
def household_create(
    *,
    actor: Any,
    values: dict[str, Any],
    building: Building | None = None,
    grid: Grid | None = None,
) -> Household:
    """Register a household in a building, or at an address in a leaf grid (no building)."""
    clean = clean_values(values, HOUSEHOLD_FIELDS)
    building, target = _household_target(building, grid)
    if building is None and not clean.get("address"):
        raise invalid(
            "address", _("A household without a building needs an address."), "field_required"
        )
    require_edit(actor, target)
    if (
        building is not None
        and (clean.get("unit") or clean.get("room"))
        and Household.objects.filter(
            building=building, unit=clean.get("unit", ""), room=clean.get("room", "")
        ).exists()
    ):
        raise invalid(
            "room",
            _("This unit and room of the building is already registered."),
            "household_exists",
        )
    household = Household(building=building, grid=target, grid_path=target.path, **clean)
    household.save()
    audit_record(
        actor=actor,
        action="household.create",
        target=household,
        data={
            "building": building.pk if building else None,
            "grid": target.code,
            "changes": {
                field: [None, history_value(field, value, HOUSEHOLD_FIELDS)]
                for field, value in clean.items()
            },
        },
    )
    return household


@transaction.atomic
def household_update(*, actor: Any, household: Household, changes: dict[str, Any]) -> Household:
    """Edit a household's fields (its building and grid stay; move the building instead)."""
    household = Household.objects.select_for_update().select_related("grid").get(pk=household.pk)
    require_edit(actor, household.grid)
    clean = clean_values(changes, HOUSEHOLD_FIELDS)
    if household.building_id is None and "address" in clean and not clean["address"]:
        raise invalid(
            "address", _("A household without a building needs an address."), "field_required"
        )
    history = apply_changes(household, clean, HOUSEHOLD_FIELDS)
    if not history:
        return household
    household.save()
    audit_record(
        actor=actor, action="household.update", target=household, data={"changes": history}
    )
    return household


def _split_pii(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None]]:
    rest = {k: v for k, v in values.items() if k not in PII_FIELDS}
    clear = {k: (None if values[k] is None else str(values[k])) for k in PII_FIELDS if k in values}
    return rest, clear


def _refuse_duplicate_id(resident: Resident) -> None:
    """The same person twice in the registry: refused without saying where the other is."""
    if not resident.id_number_digest:
        return
    others = Resident.objects.filter(id_number_digest=resident.id_number_digest)
    if resident.pk is not None:
        others = others.exclude(pk=resident.pk)
    if others.exists():
        raise invalid(
            "id_number",
            _("The ID number %(masked)s is already registered for another resident.")
            % {"masked": resident.id_number_masked},
            "id_number_duplicate",
        )


def _birth_year(resident: Resident, id_number: str) -> None:
    """Without a birth year given, take it from the ID number (characters 7–10)."""
    if resident.birth_year is None and len(id_number) == 18:
        resident.birth_year = int(id_number[6:10])


@transaction.atomic
def resident_create(*, actor: Any, household: Household, values: dict[str, Any]) -> Resident:
    """Register a resident of a household; `values` may hold the clear "id_number" and "phone"."""
    household = Household.objects.select_related("grid").get(pk=household.pk)
    rest, clear = _split_pii(values)
    clean = clean_values(rest, RESIDENT_FIELDS)
    require_fields(clean, RESIDENT_FIELDS)
    require_edit(actor, household.grid)
    resident = Resident(
        household=household, grid=household.grid, grid_path=household.grid_path, **clean
    )
    resident_set_pii(resident, id_number=clear.get("id_number"), phone=clear.get("phone"))
    _refuse_duplicate_id(resident)
    if clear.get("id_number"):
        _birth_year(resident, clean_id_number(clear["id_number"] or ""))
    resident.save()
    history = {
        field: [None, history_value(field, value, RESIDENT_FIELDS)]
        for field, value in clean.items()
    }
    if resident.birth_year is not None:
        history["birth_year"] = [None, resident.birth_year]
    for field in PII_FIELDS:
        masked = getattr(resident, f"{field}_masked")
        if masked:
            history[field] = [None, masked]
    audit_record(
        actor=actor,
        action="resident.create",
        target=resident,
        data={"household": household.pk, "grid": household.grid.code, "changes": history},
    )
    return resident


@transaction.atomic
def resident_update(*, actor: Any, resident: Resident, changes: dict[str, Any]) -> Resident:
    """Edit a resident; a new clear ID number or phone is re-encrypted, the history keeps the
    masked forms only."""
    resident = Resident.objects.select_for_update().select_related("grid").get(pk=resident.pk)
    require_edit(actor, resident.grid)
    rest, clear = _split_pii(changes)
    clean = clean_values(rest, RESIDENT_FIELDS)
    history = apply_changes(resident, clean, RESIDENT_FIELDS)
    if "id_number" in clear:
        before = (resident.id_number_digest, resident.id_number_masked)
        resident_set_pii(resident, id_number=clear["id_number"], phone=None)
        if resident.id_number_digest != before[0]:
            _refuse_duplicate_id(resident)
            history["id_number"] = [before[1], resident.id_number_masked]
    if "phone" in clear:
        before_phone = _decrypt_or_none(resident.phone_encrypted)
        before_masked = resident.phone_masked
        resident_set_pii(resident, id_number=None, phone=clear["phone"])
        if _decrypt_or_none(resident.phone_encrypted) != before_phone:
            history["phone"] = [before_masked, resident.phone_masked]
    if not history:
        return resident
    resident.save()
    audit_record(actor=actor, action="resident.update", target=resident, data={"changes": history})
    return resident


def _decrypt_or_none(token: str) -> str | None:
    try:
        return pii.decrypt(token)
    except ValueError:  # written under a key no longer configured: count as different
        return None
