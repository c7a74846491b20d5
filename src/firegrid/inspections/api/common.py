"""The inspections router and what its endpoint modules share: error maps, references, payloads."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any, TypeVar

from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticError

from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut
from firegrid.hazards.models import Hazard
from firegrid.people.models import Person
from firegrid.registry.models import Place

from ..models import ChecklistTemplate, Inspection, InspectionPhoto, InspectionTask, ScheduleRule

router = Router(tags=["inspections"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
LIST_ERRORS = {404: ErrorOut, 422: ErrorOut}  # a filter outside the scope; a bad filter
PayloadT = TypeVar("PayloadT", bound=Schema)


def parse_payload(schema: type[PayloadT], raw: str) -> PayloadT:
    """The JSON of a multipart `payload` field, checked like a JSON body (422 envelope)."""
    try:
        return schema.model_validate_json(raw)
    except PydanticError as exc:
        errors = [{**error, "loc": ["payload", *error["loc"]]} for error in exc.errors()]
        for error in errors:
            error.pop("ctx", None)
            error.pop("url", None)
        raise ValidationError(errors) from exc


def payload_doc(schema: type[Schema]) -> dict[str, Any]:
    """OpenAPI for a multipart `payload` field: the JSON schema of its content, inlined."""
    document = schema.model_json_schema()
    definitions = document.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    form = {
        "schema": {"properties": {"payload": inline(document)}},
        "encoding": {"payload": {"contentType": "application/json"}},
    }
    return {"requestBody": {"content": {"multipart/form-data": form}}}


def grid_ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


def person_ref(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def place_ref(place: Place | None) -> dict[str, Any] | None:
    """Needs `place_type` selected."""
    if place is None:
        return None
    return {
        "id": place.pk,
        "name": place.name,
        "address": place.address,
        "place_type": place.place_type.code,
    }


def rule_ref(rule: ScheduleRule | None) -> dict[str, Any] | None:
    return None if rule is None else {"id": rule.pk, "code": rule.code, "name": rule.name}


def checklist_ref(template: ChecklistTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "code": template.code,
        "version": template.version,
        "name": template.name,
    }


def task_out(task: InspectionTask) -> dict[str, Any]:
    """Needs place, place type, grid, assignee and rule selected (the task selectors do)."""
    return {
        "id": task.pk,
        "kind": task.kind,
        "origin": task.origin,
        "rule": rule_ref(task.rule),
        "place": place_ref(task.place),
        "grid": grid_ref(task.grid),
        "assignee": person_ref(task.assignee),
        "assigned_via": task.assigned_via,
        "frequency": task.frequency,
        "period_start": task.period_start,
        "window_start": task.window_start,
        "due_on": task.due_on,
        "state": task.state,
        "state_changed_at": task.state_changed_at,
        "completed_on": task.completed_on,
        "reason": task.reason,
    }


def signature_url(inspection: Inspection) -> str | None:
    """Files are served through scoped views (media is not public)."""
    if not inspection.signature:
        return None
    return reverse("inspections:signature", args=[inspection.pk])


def photo_out(photo: InspectionPhoto, item_codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "item": item_codes.get(photo.item_id) if photo.item_id else None,
        "url": reverse("inspections:photo", args=[photo.pk]),
        "taken_at": photo.taken_at,
        "width": photo.width,
        "height": photo.height,
    }


def hazard_ref(hazard: Hazard, item_codes: dict[int, str]) -> dict[str, Any]:
    """Needs `category` selected or prefetched."""
    return {
        "id": hazard.pk,
        "category": hazard.category.code,
        "category_name": hazard.category.name,
        "state": hazard.state,
        "description": hazard.description,
        "item": item_codes.get(hazard.checklist_item_id) if hazard.checklist_item_id else None,
    }
