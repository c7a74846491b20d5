"""/api/v1/inspections and /api/v1/inspections/patrols: records made in the field.

Submissions are multipart: the JSON field `payload`, the files `photos` (with a parallel
`photo_items` list naming the checklist item of each photo, "" for a general photo) and an
optional `signature`. Everything is checked before anything is written; one bad piece refuses
the whole submission. Re-sending the same `client_uuid` answers the record already saved (200).
"""

# No `from __future__ import annotations`: ninja reads the annotations of Form/File/Query.
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from firegrid.core.errors import ValidationFailed
from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut

from .. import selectors, services
from ..models import ChecklistItem, Inspection, Patrol
from ..schemas import (
    InspectionCheckOut,
    InspectionDetailOut,
    InspectionFilters,
    InspectionOut,
    InspectionPayload,
    PatrolDetailOut,
    PatrolFilters,
    PatrolOut,
    PatrolPayload,
)
from .common import (
    LIST_ERRORS,
    WRITE_ERRORS,
    checklist_ref,
    grid_ref,
    hazard_ref,
    parse_payload,
    payload_doc,
    person_ref,
    photo_out,
    place_ref,
    router,
    signature_url,
)

SUBMIT_ERRORS = {200: InspectionDetailOut, 201: InspectionDetailOut, **WRITE_ERRORS}
INSPECTION_JSON = Form(..., description="The inspection as JSON (InspectionPayload).")
PHOTO_ITEMS = Form(
    None, description="One entry per photo, in order: the item code it shows, or empty."
)
PATROL_JSON = Form(..., description="The patrol as JSON (PatrolPayload).")

# ------------------------------------------------------------------------------ inspections


def inspection_in(
    payload: InspectionPayload,
    photos: list[UploadedFile],
    photo_items: list[str],
    signature: UploadedFile | None,
) -> services.InspectionIn:
    if photo_items and len(photo_items) != len(photos):
        raise ValidationFailed(
            _("Send one photo_items entry per photo (%(items)d for %(photos)d photos).")
            % {"items": len(photo_items), "photos": len(photos)},
            code="photo_items_mismatch",
        )
    items = photo_items or [""] * len(photos)
    return services.InspectionIn(
        client_uuid=payload.client_uuid,
        place_id=payload.place_id,
        task_id=payload.task_id,
        template_id=payload.template_id,
        answers=[services.AnswerIn(**a.dict()) for a in payload.answers],
        hazards=[services.HazardIn(**h.dict()) for h in payload.hazards],
        photos=[
            services.PhotoIn(upload=f, item=i.strip()) for f, i in zip(photos, items, strict=True)
        ],
        lon=payload.lon,
        lat=payload.lat,
        accuracy_m=payload.accuracy_m,
        distance_reason=payload.distance_reason,
        started_at=payload.started_at,
        finished_at=payload.finished_at,
        signature=signature,
        signed_by=payload.signed_by,
        note=payload.note,
    )


def inspection_out(inspection: Inspection) -> dict[str, Any]:
    """Needs place (+ type), grid, inspector and template selected (inspection_list does)."""
    return {
        "id": inspection.pk,
        "client_uuid": inspection.client_uuid,
        "place": place_ref(inspection.place),
        "grid": grid_ref(inspection.grid),
        "template": checklist_ref(inspection.template),
        "inspector": person_ref(inspection.inspector),
        "task_id": inspection.task_id,
        "started_at": inspection.started_at,
        "finished_at": inspection.finished_at,
        "result": inspection.result,
        "failed_count": inspection.failed_count,
        "distance_m": inspection.distance_m,
    }


def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    codes = dict(
        ChecklistItem.objects.filter(template=inspection.template_id).values_list("pk", "code")
    )
    return {
        **inspection_out(inspection),
        "lon": inspection.lon,
        "lat": inspection.lat,
        "gps_accuracy_m": inspection.gps_accuracy_m,
        "distance_reason": inspection.distance_reason,
        "answers": [
            {
                "item": a.item.code,
                "text": a.item.text,
                "answer_type": a.item.answer_type,
                "value": a.value,
                "number": a.number,
                "answer_text": a.text,
                "failed": a.failed,
                "note": a.note,
            }
            for a in sorted(inspection.answers.all(), key=lambda a: (a.item.position, a.item_id))
        ],
        "photos": [photo_out(p, codes) for p in inspection.photos.all()],
        "snapshot": inspection.snapshot,
        "hazards": [hazard_ref(h, codes) for h in inspection.hazards.all()],
        "signature_url": signature_url(inspection),
        "signed_by": inspection.signed_by,
        "note": inspection.note,
        "submitted_by": inspection.submitted_by.get_username(),
    }


def already_sent(model: type[Inspection] | type[Patrol], request: HttpRequest, raw: Any) -> bool:
    return model.objects.filter(client_uuid=raw, submitted_by_id=request.user.pk).exists()


@router.post("/inspections", response=SUBMIT_ERRORS, openapi_extra=payload_doc(InspectionPayload))
def submit_inspection(
    request: HttpRequest,
    payload: str = INSPECTION_JSON,
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    photo_items: list[str] = PHOTO_ITEMS,
    signature: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Record an inspection (multipart): answers, photos, position, signature, hazards to raise.
    Completes its task; 201 when recorded, 200 when this `client_uuid` was already recorded."""
    data = parse_payload(InspectionPayload, payload)
    replay = already_sent(Inspection, request, data.client_uuid)
    inspection = services.inspection_submit(
        actor=request.user, data=inspection_in(data, photos or [], photo_items or [], signature)
    )
    return Status(200 if replay else 201, inspection_detail(request, inspection.pk))


@router.post(
    "/inspections/check",
    response={200: InspectionCheckOut, **WRITE_ERRORS},
    openapi_extra=payload_doc(InspectionPayload),
)
def check_inspection(
    request: HttpRequest,
    payload: str = INSPECTION_JSON,
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    photo_items: list[str] = PHOTO_ITEMS,
    signature: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Check a submission exactly as POST /inspections would, without recording anything."""
    data = inspection_in(
        parse_payload(InspectionPayload, payload), photos or [], photo_items or [], signature
    )
    with transaction.atomic():  # the check locks the task row it would complete
        checked = services.inspection_check(actor=request.user, data=data)
        transaction.set_rollback(True)
    return {
        "ok": True,
        "place_id": checked.place.pk,
        "task_id": checked.task.pk if checked.task else None,
        "template": checklist_ref(checked.template),
        "failed_items": [a.item.code for a in checked.answers if a.failed],
        "photos": len(checked.photos),
        "distance_m": None if checked.distance is None else round(checked.distance, 1),
    }


@router.get("/inspections", response={200: list[InspectionOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_inspections(request: HttpRequest, filters: Query[InspectionFilters]) -> Any:
    """Inspections in your scope, newest first; filter by place, grid subtree, inspector, day."""
    inspections = selectors.inspection_list(
        actor=request.user,
        place_id=filters.place_id,
        grid_id=filters.grid_id,
        inspector_id=filters.inspector_id,
        since=filters.since,
    )
    return Rows(inspections.order_by("-finished_at", "-id"), inspection_out)


@router.get("/inspections/{int:inspection_id}", response={200: InspectionDetailOut, 404: ErrorOut})
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    """One inspection: answers, photo URLs, the place snapshot and the hazards it raised."""
    return inspection_detail(request, inspection_id)


# ------------------------------------------------------------------------------ patrols


def patrol_out(patrol: Patrol) -> dict[str, Any]:
    """Needs grid and person selected (patrol_list does)."""
    return {
        "id": patrol.pk,
        "client_uuid": patrol.client_uuid,
        "grid": grid_ref(patrol.grid),
        "person": person_ref(patrol.person),
        "task_id": patrol.task_id,
        "started_at": patrol.started_at,
        "finished_at": patrol.finished_at,
        "point_count": len(patrol.points),
        "points_outside": patrol.points_outside,
    }


def patrol_detail(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    patrol = selectors.patrol_get(actor=request.user, patrol_id=patrol_id)
    return {
        **patrol_out(patrol),
        "points": [
            {
                "lon": p["lon"],
                "lat": p["lat"],
                "at": p.get("at") or "",
                "accuracy": p.get("accuracy"),
            }
            for p in patrol.points
        ],
        "note": patrol.note,
        "photos": [photo_out(p, {}) for p in patrol.photos.all()],
        "hazards": [hazard_ref(h, {}) for h in patrol.hazards.all()],
        "submitted_by": patrol.submitted_by.get_username(),
    }


@router.post(
    "/inspections/patrols",
    response={200: PatrolDetailOut, 201: PatrolDetailOut, **WRITE_ERRORS},
    openapi_extra=payload_doc(PatrolPayload),
)
def submit_patrol(
    request: HttpRequest,
    payload: str = PATROL_JSON,
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Record a patrol check-in (巡查打卡, multipart): GPS points, note, photos, hazards found.
    Completes your open patrol task of the grid for today; 200 for a replayed `client_uuid`."""
    data = parse_payload(PatrolPayload, payload)
    replay = already_sent(Patrol, request, data.client_uuid)
    patrol = services.patrol_submit(
        actor=request.user,
        data=services.PatrolIn(
            client_uuid=data.client_uuid,
            grid_id=data.grid_id,
            started_at=data.started_at,
            finished_at=data.finished_at,
            points=[p.dict() for p in data.points],
            note=data.note,
            photos=list(photos or []),
            hazards=[services.PatrolHazardIn(**h.dict()) for h in data.hazards],
        ),
    )
    return Status(200 if replay else 201, patrol_detail(request, patrol.pk))


@router.get("/inspections/patrols", response={200: list[PatrolOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_patrols(request: HttpRequest, filters: Query[PatrolFilters]) -> Any:
    """Patrols in your scope, newest first; filter by grid subtree or patroller."""
    patrols = selectors.patrol_list(
        actor=request.user, grid_id=filters.grid_id, person_id=filters.person_id
    )
    return Rows(patrols.order_by("-finished_at", "-id"), patrol_out)


@router.get("/inspections/patrols/{int:patrol_id}", response={200: PatrolDetailOut, 404: ErrorOut})
def get_patrol(request: HttpRequest, patrol_id: int) -> Any:
    """One patrol with its GPS points, photos and the hazards it raised."""
    return patrol_detail(request, patrol_id)
