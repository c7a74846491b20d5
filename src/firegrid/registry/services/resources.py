"""Writes of fire resources (消防资源): hydrants, water sources, fire rooms, micro stations,
volunteer teams and small fire engines; a fire room's equipment inventory (器材清单) and a
team's members (义务消防队员).

The inventory and the member list are replaced whole (the form edits the whole list); the
history keeps the list before and after, with phones masked.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.core.errors import ValidationFailed
from firegrid.people.models import Person

from ..models import EquipmentItem, FireResource, TeamMember
from .cleaning import (
    Spec,
    apply_changes,
    clean_value,
    clean_values,
    history_value,
    invalid,
    move_point,
    require_fields,
)
from .common import locate_point, require_edit

FIRE_RESOURCE_FIELDS: dict[str, Spec] = {
    "kind": Spec("choice", choices=tuple(FireResource.Kind.values), required=True),
    "name": Spec("text", max_length=100, required=True),
    "address": Spec("text", max_length=300),
    "status": Spec("choice", choices=tuple(FireResource.Status.values)),
    "last_checked_on": Spec("date"),
    "keeper_name": Spec("text", max_length=50),
    "keeper_phone": Spec("phone"),
    "note": Spec("text", max_length=300),
}
EQUIPMENT_FIELDS: dict[str, Spec] = {
    "name": Spec("text", max_length=100, required=True),
    "quantity": Spec("int", minimum=1, maximum=100_000, required=True),
    "expires_on": Spec("date"),
    "note": Spec("text", max_length=200),
}
MEMBER_FIELDS: dict[str, Spec] = {
    "name": Spec("text", max_length=50, required=True),
    "phone": Spec("phone"),
}
# Kinds that keep an equipment inventory, and kinds that have members.
EQUIPPED_KINDS = (
    FireResource.Kind.FIRE_ROOM,
    FireResource.Kind.MICRO_STATION,
    FireResource.Kind.VOLUNTEER_TEAM,
    FireResource.Kind.FIRE_ENGINE,
)
TEAM_KINDS = (FireResource.Kind.VOLUNTEER_TEAM, FireResource.Kind.MICRO_STATION)


def _clean_resource(values: dict[str, Any]) -> dict[str, Any]:
    clean = clean_values(values, FIRE_RESOURCE_FIELDS)
    checked = clean.get("last_checked_on")
    if checked is not None and checked > timezone.localdate():
        raise invalid(
            "last_checked_on", _("The last check date is in the future."), "date_in_future"
        )
    return clean


@transaction.atomic
def fire_resource_create(
    *, actor: Any, values: dict[str, Any], lon: float, lat: float, crs: str = "wgs84"
) -> FireResource:
    """Register a fire resource at a point; its grid is the leaf grid owning the point."""
    clean = _clean_resource(values)
    require_fields(clean, FIRE_RESOURCE_FIELDS)
    located = locate_point(lon=lon, lat=lat, crs=crs)
    require_edit(actor, located.grid)
    resource = FireResource(
        lon=located.lon, lat=located.lat, grid=located.grid, grid_path=located.grid.path, **clean
    )
    resource.save()
    audit_record(
        actor=actor,
        action="fire_resource.create",
        target=resource,
        data={
            "name": resource.name,
            "kind": resource.kind,
            "grid": located.grid.code,
            "changes": {
                field: [None, history_value(field, value, FIRE_RESOURCE_FIELDS)]
                for field, value in clean.items()
            },
        },
    )
    return resource


def _lock(resource: FireResource) -> FireResource:
    return FireResource.objects.select_for_update().select_related("grid").get(pk=resource.pk)


@transaction.atomic
def fire_resource_update(
    *,
    actor: Any,
    resource: FireResource,
    changes: dict[str, Any],
    point: tuple[float, float, str] | None = None,
) -> FireResource:
    """Edit fields (status, last check…) and/or move the point (lon, lat, crs)."""
    resource = _lock(resource)
    require_edit(actor, resource.grid)
    clean = _clean_resource(changes)
    kind = clean.get("kind", resource.kind)
    if kind != resource.kind:
        if kind not in EQUIPPED_KINDS and resource.equipment.exists():
            raise invalid(
                "kind", _("Remove the equipment before changing the kind."), "kind_in_use"
            )
        if kind not in TEAM_KINDS and resource.members.exists():
            raise invalid("kind", _("Remove the members before changing the kind."), "kind_in_use")
    history = apply_changes(resource, clean, FIRE_RESOURCE_FIELDS)
    if point is not None:
        history.update(move_point(actor, resource, point))
    if not history:
        return resource
    resource.save()
    audit_record(
        actor=actor, action="fire_resource.update", target=resource, data={"changes": history}
    )
    return resource


def _clean_lines(
    lines: list[dict[str, Any]], specs: dict[str, Spec], list_field: str
) -> list[dict[str, Any]]:
    """Each line checked; an error names the line (index from 0) and the column."""
    if not isinstance(lines, list):
        raise invalid(list_field, _("A list is expected."), "list_invalid")
    clean_lines = []
    for index, line in enumerate(lines):
        try:
            if not isinstance(line, dict):
                raise invalid(list_field, _("Each line must be an object."), "line_invalid")
            unknown = set(line) - set(specs) - ({"person"} if list_field == "members" else set())
            if unknown:
                raise ValidationFailed(
                    _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                    code="fields_unknown",
                    details={"field": sorted(unknown)[0]},
                )
            clean = {
                field: clean_value(field, line[field], spec)
                for field, spec in specs.items()
                if field in line
            }
            require_fields(clean, specs)
        except ValidationFailed as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            raise ValidationFailed(
                exc.message,
                code=exc.code,
                details={"field": list_field, "index": index, "column": details.get("field")},
            ) from exc
        if list_field == "members":
            clean["person"] = _person(line.get("person"), index)
        clean_lines.append(clean)
    return clean_lines


def _person(value: Any, index: int) -> Person | None:
    if value in (None, ""):
        return None
    if isinstance(value, Person):
        return value
    person = Person.objects.filter(pk=value).first() if str(value).isdigit() else None
    if person is None:
        raise ValidationFailed(
            _("Unknown person %(person)s.") % {"person": repr(value)},
            code="person_not_found",
            details={"field": "members", "index": index, "column": "person"},
        )
    return person


def _equipment_rows(items: Any) -> list[dict[str, Any]]:
    """The inventory as the history keeps it, in one order on every database."""
    rows = [
        {
            "name": item.name,
            "quantity": item.quantity,
            "expires_on": item.expires_on.isoformat() if item.expires_on else None,
            "note": item.note,
        }
        for item in items
    ]
    return sorted(rows, key=lambda row: (row["name"], row["expires_on"] or "", row["quantity"]))


@transaction.atomic
def fire_resource_set_equipment(
    *, actor: Any, resource: FireResource, items: list[dict[str, Any]]
) -> FireResource:
    """Replace the equipment inventory (name, quantity ≥ 1, optional expiry date and note)."""
    resource = _lock(resource)
    require_edit(actor, resource.grid)
    if resource.kind not in EQUIPPED_KINDS:
        raise invalid(
            "items",
            _("A %(kind)s keeps no equipment inventory.") % {"kind": resource.get_kind_display()},
            "equipment_not_allowed",
        )
    lines = _clean_lines(items, EQUIPMENT_FIELDS, "items")
    before = _equipment_rows(resource.equipment.all())
    new_items = [
        EquipmentItem(
            resource=resource,
            name=line["name"],
            quantity=line["quantity"],
            expires_on=line.get("expires_on"),
            note=line.get("note", ""),
        )
        for line in lines
    ]
    after = _equipment_rows(new_items)
    if before == after:
        return resource
    resource.equipment.all().delete()
    EquipmentItem.objects.bulk_create(new_items)
    resource.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="fire_resource.set_equipment",
        target=resource,
        data={"changes": {"equipment": [before, after]}},
    )
    return resource


def _member_row(name: str, phone: str, person_id: int | None) -> dict[str, Any]:
    return {"name": name, "phone": pii.mask_phone(phone) if phone else "", "person": person_id}


@transaction.atomic
def fire_resource_set_members(
    *, actor: Any, resource: FireResource, members: list[dict[str, Any]]
) -> FireResource:
    """Replace a volunteer team's (or micro station's) members: name, phone, optional person."""
    resource = _lock(resource)
    require_edit(actor, resource.grid)
    if resource.kind not in TEAM_KINDS:
        raise invalid(
            "members",
            _("A %(kind)s has no team members.") % {"kind": resource.get_kind_display()},
            "members_not_allowed",
        )
    lines = _clean_lines(members, MEMBER_FIELDS, "members")
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(lines):
        key = (line["name"], line.get("phone", ""))
        if key in seen:
            raise ValidationFailed(
                _("%(name)s is listed twice.") % {"name": line["name"]},
                code="member_duplicate",
                details={"field": "members", "index": index, "column": "name"},
            )
        seen.add(key)
    clear_before = sorted((m.name, m.phone, m.person_id or 0) for m in resource.members.all())
    clear_after = sorted(
        (line["name"], line.get("phone", ""), line["person"].pk if line["person"] else 0)
        for line in lines
    )
    if clear_before == clear_after:
        return resource
    resource.members.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(
            resource=resource,
            name=line["name"],
            phone=line.get("phone", ""),
            person=line["person"],
        )
        for line in lines
    )
    before = [_member_row(name, phone, person or None) for name, phone, person in clear_before]
    after = [_member_row(name, phone, person or None) for name, phone, person in clear_after]
    resource.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="fire_resource.set_members",
        target=resource,
        data={"changes": {"members": [before, after]}},
    )
    return resource
