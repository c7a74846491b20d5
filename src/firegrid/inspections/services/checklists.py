"""Choosing and publishing checklists (检查表). A change is a new version; old ones stay."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.registry.models import Place, PlaceType

from ..models import ChecklistItem, ChecklistTemplate

ITEM_FIELDS = (
    "text", "text_en", "answer_type", "required", "photo_required_on_fail", "min_value",
    "max_value", "unit", "hazard_category", "major_element_code",
)  # fmt: skip


def checklist_for_place(place: Place) -> ChecklistTemplate:
    """The current checklist for a place: a key-unit one for key units, else by place type."""
    current = ChecklistTemplate.objects.filter(
        is_current=True, active=True, kind=ChecklistTemplate.Kind.PLACE
    ).order_by("priority", "code")
    if place.is_key_unit:
        template = current.filter(for_key_units=True).first()
        if template is not None:
            return template
    template = current.filter(place_types=place.place_type_id).first()
    if template is None:
        raise NotFound(
            _("No checklist fits the place type “%(type)s”.") % {"type": place.place_type},
            code="checklist_missing",
        )
    return template


def checklist_for_patrol() -> ChecklistTemplate | None:
    return (
        ChecklistTemplate.objects.filter(
            is_current=True, active=True, kind=ChecklistTemplate.Kind.PATROL
        )
        .order_by("priority", "code")
        .first()
    )


def template_usable_for(place: Place, template_id: int | None) -> ChecklistTemplate:
    """The version a form was filled on (an older one of the same checklist is fine: a draft
    may have been started before a new version was published), else the current one."""
    current = checklist_for_place(place)
    if template_id is None or template_id == current.pk:
        return current
    template = ChecklistTemplate.objects.filter(pk=template_id, code=current.code).first()
    if template is None:
        raise ValidationFailed(
            _("The checklist sent does not fit this place."), code="checklist_mismatch"
        )
    return template


@transaction.atomic
def checklist_publish(
    *,
    actor: Any,
    code: str,
    name: str,
    items: list[dict[str, Any]],
    name_en: str = "",
    kind: str = ChecklistTemplate.Kind.PLACE,
    place_type_codes: list[str] | None = None,
    for_key_units: bool = False,
    priority: int = 100,
    source: str = "",
) -> ChecklistTemplate:
    """Publish `items` as the next version of checklist `code` (the first version if new)."""
    if not items:
        raise ValidationFailed(_("A checklist needs at least one item."), code="checklist_empty")
    codes = [str(item.get("code", "")) for item in items]
    if len(set(codes)) != len(codes) or not all(codes):
        raise ValidationFailed(_("Every item needs its own code."), code="checklist_item_codes")
    types = list(PlaceType.objects.filter(code__in=place_type_codes or []))
    if len(types) != len(set(place_type_codes or [])):
        raise ValidationFailed(_("Unknown place type in the checklist."), code="place_type_unknown")
    previous = ChecklistTemplate.objects.select_for_update().filter(code=code, is_current=True)
    last = ChecklistTemplate.objects.filter(code=code).order_by("-version").first()
    previous.update(is_current=False)
    template = ChecklistTemplate.objects.create(
        code=code,
        version=(last.version + 1) if last else 1,
        kind=kind,
        name=name,
        name_en=name_en,
        for_key_units=for_key_units,
        priority=priority,
        source=source,
    )
    template.place_types.set(types)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=template,
            code=item["code"],
            position=index,
            **{key: item[key] for key in ITEM_FIELDS if key in item},
        )
        for index, item in enumerate(items)
    )
    audit_record(
        actor=actor,
        action="checklist.publish",
        target=template,
        data={"code": code, "version": template.version, "items": codes},
    )
    return template


@transaction.atomic
def checklist_new_version(*, actor: Any, template_id: int) -> ChecklistTemplate:
    """Copy a checklist as its next version, to edit: the old version stays for the records
    made with it."""
    source = ChecklistTemplate.objects.filter(pk=template_id).first()
    if source is None:
        raise NotFound(_("No such checklist."))
    items = [
        {"code": item.code, **{key: getattr(item, key) for key in ITEM_FIELDS}}
        for item in source.items.order_by("position", "id")
    ]
    return checklist_publish(
        actor=actor,
        code=source.code,
        name=source.name,
        name_en=source.name_en,
        kind=source.kind,
        items=items,
        place_type_codes=list(source.place_types.values_list("code", flat=True)),
        for_key_units=source.for_key_units,
        priority=source.priority,
        source=source.source,
    )
