"""The field forms' submit views: multipart in, JSON out (`{ok, redirect, …}` or the API's
error envelope with a 4xx status), so a phone sending an offline draft later handles every
answer one way. Parsing turns the form fields into the services' input dataclasses.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firegrid.core.errors import ApplicationError, ValidationFailed

from ..services import (
    AnswerIn,
    HazardIn,
    InspectionIn,
    PatrolHazardIn,
    PatrolIn,
    PhotoIn,
    inspection_submit,
    patrol_submit,
)


def _error(code: str, message: str, *, status: int, details: Any = None) -> JsonResponse:
    """The API's error envelope, so the page's script handles every failure one way."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _unauthenticated() -> JsonResponse:
    return _error("unauthenticated", _("Log in again to send this."), status=401)


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_input", details={"field": field})


def _float(request: HttpRequest, key: str) -> float | None:
    raw = request.POST.get(key, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _invalid(_("“%(field)s” is not a number.") % {"field": key}, key)
    return value


def _int(request: HttpRequest, key: str, *, required: bool = False) -> int | None:
    raw = request.POST.get(key, "").strip()
    if not raw and not required:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise _invalid(_("“%(field)s” is not a number.") % {"field": key}, key) from exc


def _when(request: HttpRequest, key: str) -> datetime.datetime | None:
    raw = request.POST.get(key, "").strip()
    return _parse_when(raw, key) if raw else None


def _parse_when(raw: str, key: str) -> datetime.datetime:
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise _invalid(_("“%(field)s” is not a date and time.") % {"field": key}, key)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _client_uuid(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError as exc:
        raise _invalid(_("The draft has no valid id."), "client_uuid") from exc


def _json_list(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    raw = request.POST.get(key, "").strip() or "[]"
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise _invalid(_("“%(field)s” is not valid JSON.") % {"field": key}, key) from exc
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise _invalid(_("“%(field)s” must be a list of objects.") % {"field": key}, key)
    return value


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def _number(row: dict[str, Any]) -> float | None:
    value = row.get("number")
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _invalid(_("An answer's number is not a number."), "answers") from exc


def _submitted(url: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"ok": True, "redirect": url, **extra})


def _answers(request: HttpRequest) -> list[AnswerIn]:
    rows = _json_list(request, "answers")
    if any(not _text(row, "item") for row in rows):
        raise _invalid(_("An answer names no item."), "answers")
    return [
        AnswerIn(
            item=_text(row, "item"),
            value=_text(row, "value"),
            number=_number(row),
            text=_text(row, "text"),
            note=_text(row, "note"),
        )
        for row in rows
    ]


def _photos(request: HttpRequest) -> list[PhotoIn]:
    """Files named `photo:<item code>` (`photo:` for a photo of the whole place)."""
    return [
        PhotoIn(upload=upload, item=key.partition(":")[2])
        for key in request.FILES
        if key.startswith("photo:")
        for upload in request.FILES.getlist(key)
    ]


def _inspection_in(request: HttpRequest) -> InspectionIn:
    hazards = [
        HazardIn(item=_text(row, "item"), description=_text(row, "description"))
        for row in _json_list(request, "hazards")
    ]
    post = request.POST
    return InspectionIn(
        client_uuid=_client_uuid(request),
        place_id=_int(request, "place_id", required=True) or 0,
        task_id=_int(request, "task_id"),
        template_id=_int(request, "template_id"),
        answers=_answers(request),
        started_at=_parse_when(request.POST.get("started_at", "").strip(), "started_at"),
        finished_at=_when(request, "finished_at"),
        photos=_photos(request),
        hazards=hazards,
        lon=_float(request, "lon"),
        lat=_float(request, "lat"),
        accuracy_m=_float(request, "accuracy_m"),
        distance_reason=post.get("distance_reason", ""),
        signature=request.FILES.get("signature"),
        signed_by=post.get("signed_by", ""),
        note=post.get("note", ""),
    )


@require_POST
def inspect_submit(request: HttpRequest) -> HttpResponse:
    """Record a submitted form (→ services.inspection_submit); JSON either way."""
    if not request.user.is_authenticated:
        return _unauthenticated()
    try:
        inspection = inspection_submit(actor=request.user, data=_inspection_in(request))
    except ApplicationError as exc:
        return _error(exc.code, str(exc.message), status=exc.status, details=exc.details)
    return _submitted(
        reverse("inspections:inspect_result", args=[inspection.pk]),
        inspection_id=inspection.pk,
        result=inspection.result,
        failed_count=inspection.failed_count,
        hazard_count=inspection.hazards.count(),
    )


def _patrol_in(request: HttpRequest) -> PatrolIn:
    hazards = [
        PatrolHazardIn(
            category=_text(row, "category"),
            description=_text(row, "description"),
            lon=_number({"number": row.get("lon")}),
            lat=_number({"number": row.get("lat")}),
        )
        for row in _json_list(request, "hazards")
    ]
    return PatrolIn(
        client_uuid=_client_uuid(request),
        grid_id=_int(request, "grid_id", required=True) or 0,
        started_at=_parse_when(request.POST.get("started_at", "").strip(), "started_at"),
        finished_at=_when(request, "finished_at"),
        points=_json_list(request, "points"),
        note=request.POST.get("note", ""),
        photos=request.FILES.getlist("photo"),
        hazards=hazards,
    )


@require_POST
def patrol_submit_view(request: HttpRequest) -> HttpResponse:
    """Record a patrol (→ services.patrol_submit); JSON either way."""
    if not request.user.is_authenticated:
        return _unauthenticated()
    try:
        record = patrol_submit(actor=request.user, data=_patrol_in(request))
    except ApplicationError as exc:
        return _error(exc.code, str(exc.message), status=exc.status, details=exc.details)
    return _submitted(
        reverse("inspections:patrol_result", args=[record.pk]),
        patrol_id=record.pk,
        hazard_count=record.hazards.count(),
    )
