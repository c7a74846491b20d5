"""/api/v1/reports: the staff side of citizen reports (群众举报) — the scoped triage queue, one
report, and the triage and moderation steps. Contacts are masked unless the viewer's role sees
phones (each unmasked view is audited); hidden reports leave the queue unless asked for.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut
from firegrid.registry.schemas import GridRefOut

from . import selectors
from .models import Report
from .services import (
    report_block_sender,
    report_close,
    report_confirm,
    report_hide,
    report_photo_redact,
)

router = Router(tags=["reports"])
ReportState = Literal["new", "confirmed", "closed"]
CloseReason = Literal["not_hazard", "duplicate", "outside_remit"]


class ReportFilters(Schema):
    state: ReportState | None = None
    service: str = Field("", max_length=60, description="A service (category) code.")
    overdue: bool = Field(False, description="Untriaged reports past their triage clock.")
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    hidden: bool = Field(False, description="List hidden (moderated) reports instead.")

    def selector_filters(self) -> selectors.QueueFilters:
        return selectors.QueueFilters(
            state=self.state or "",
            service=self.service,
            overdue=self.overdue,
            grid=self.grid_id,
            hidden=self.hidden,
        )


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    masked: bool = Field(..., description="True when the phone/email are masked for your role.")
    anonymous: bool


class ReportOut(Schema):
    id: int
    tracking_code: str
    service: str
    service_name: str
    urgent: bool
    channel: str
    state: ReportState
    status: Literal["open", "closed"] = Field(..., description="As Open311 shows it.")
    status_notes: str
    grid: GridRefOut
    responsible_level: GridRefOut = Field(..., description="The level that must triage it now.")
    lon: float = Field(..., description="WGS-84.")
    lat: float = Field(..., description="WGS-84.")
    address: str
    place_id: int | None
    description: str
    requested_at: datetime.datetime
    triage_due: datetime.datetime | None
    overdue: bool
    escalations: int
    close_reason: str
    referral: str
    hazard_id: int | None
    duplicate_of: str | None = Field(..., description="Tracking code of the report it follows.")
    hidden: bool
    contact_masked: str = Field(..., description="The masked phone, or empty.")


class ReportEventOut(Schema):
    action: str
    at: datetime.datetime
    actor: str | None
    note: str
    public: bool


class ReportPhotoOut(Schema):
    id: int
    redacted: bool


class ReportDetailOut(ReportOut):
    attributes: dict[str, Any]
    contact: ContactOut
    hidden_reason: str
    triaged_at: datetime.datetime | None
    triaged_by: str | None
    photos: list[ReportPhotoOut]
    timeline: list[ReportEventOut]
    followers: list[str] = Field(..., description="Tracking codes of reports following this one.")


class ConfirmIn(Schema):
    note: str = Field("", max_length=500, description="Public status notes.")


class CloseIn(Schema):
    reason: CloseReason
    note: str = Field("", max_length=500, description="Public status notes.")
    referral: str = Field("", max_length=200, description="outside_remit: where it was sent.")
    duplicate_of: str = Field(
        "", max_length=12, description="duplicate: the tracking code of the original."
    )


class HideIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class BlockIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)
    until: datetime.datetime | None = Field(None, description="None: until lifted in admin.")


class BlockedOut(Schema):
    kinds: list[Literal["ip", "device", "phone"]]


class RedactIn(Schema):
    x0: float
    y0: float
    x1: float
    y1: float
    unit: Literal["px", "percent"] = "px"


def _grid_ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


def report_out(report: Report) -> dict[str, Any]:
    """Needs service, grid and owner_grid selected. No contact beyond the masked phone."""
    now = timezone.now()
    return {
        "id": report.pk,
        "tracking_code": report.tracking_code,
        "service": report.service.code,
        "service_name": report.service.name,
        "urgent": report.service.urgent,
        "channel": report.channel,
        "state": report.state,
        "status": selectors.open311_status(report),
        "status_notes": selectors.report_status_notes(report),
        "grid": _grid_ref(report.grid),
        "responsible_level": _grid_ref(report.owner_grid),
        "lon": report.lon,
        "lat": report.lat,
        "address": report.address,
        "place_id": report.place_id,
        "description": report.description,
        "requested_at": report.requested_at,
        "triage_due": report.triage_due,
        "overdue": bool(
            report.state == Report.State.NEW and report.triage_due and report.triage_due < now
        ),
        "escalations": report.escalations,
        "close_reason": report.close_reason,
        "referral": report.referral,
        "hazard_id": report.hazard_id,
        "duplicate_of": report.duplicate_of.tracking_code if report.duplicate_of else None,
        "hidden": report.hidden,
        "contact_masked": report.contact_phone_masked,
    }


def report_detail(user: Any, report: Report) -> dict[str, Any]:
    events = report.events.select_related("actor").order_by("at", "id")
    return {
        **report_out(report),
        "attributes": report.attributes,
        "contact": selectors.report_contact(user, report),
        "hidden_reason": report.hidden_reason,
        "triaged_at": report.triaged_at,
        "triaged_by": report.triaged_by.get_username() if report.triaged_by else None,
        "photos": [{"id": p.pk, "redacted": p.redacted} for p in report.photos.all()],
        "timeline": [
            {
                "action": e.action,
                "at": e.at,
                "actor": e.actor.get_username() if e.actor else None,
                "note": e.note,
                "public": e.public,
            }
            for e in events
        ],
        "followers": list(
            selectors.report_followers(report).values_list("tracking_code", flat=True)
        ),
    }


def _detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_detail(request.user, selectors.report_get(request.user, report_id))


@router.get("/reports", response={200: list[ReportOut], 422: ErrorOut})
@paginate(RenderedPagination, page_size=50)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Citizen reports in your scope: overdue untriaged first, then untriaged, then the rest."""
    queue = selectors.report_queue(request.user, filters.selector_filters())
    return Rows(queue.select_related("duplicate_of"), report_out)


@router.get("/reports/{int:report_id}", response={200: ReportDetailOut, 404: ErrorOut})
def get_report(request: HttpRequest, report_id: int) -> Any:
    """One report with its answers, photos, timeline and the contact as your role may see it."""
    return _detail(request, report_id)


@router.post(
    "/reports/{int:report_id}/confirm",
    response={200: ReportDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def confirm_report(request: HttpRequest, report_id: int, payload: ConfirmIn) -> Any:
    """It is a fire hazard: a hazard is registered (source "citizen") and linked. Needs a role
    that handles reports (`can_triage`); others in scope get 403 `report_triage_not_allowed`."""
    report_confirm(actor=request.user, report_id=report_id, note=payload.note)
    return _detail(request, report_id)


@router.post(
    "/reports/{int:report_id}/close",
    response={200: ReportDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def close_report(request: HttpRequest, report_id: int, payload: CloseIn) -> Any:
    """Close untriaged with a reason (duplicate needs `duplicate_of`, outside_remit `referral`).
    Needs a role that handles reports (`can_triage`), as confirming does."""
    report_close(
        actor=request.user,
        report_id=report_id,
        reason=payload.reason,
        note=payload.note,
        referral=payload.referral,
        duplicate_of_id=selectors.report_id_for_code(payload.duplicate_of),
    )
    return _detail(request, report_id)


@router.post(
    "/reports/{int:report_id}/hide",
    response={200: ReportDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def hide_report(request: HttpRequest, report_id: int, payload: HideIn) -> Any:
    """Moderation (managing roles): take the report out of every list and the status page."""
    report_hide(actor=request.user, report_id=report_id, reason=payload.reason)
    return _detail(request, report_id)


@router.post(
    "/report-photos/{int:photo_id}/redact",
    response={200: ReportPhotoOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def redact_photo(request: HttpRequest, photo_id: int, payload: RedactIn) -> Any:
    """Moderation: black out a region (pixels of the stored image, or percent); audited."""
    photo = report_photo_redact(
        actor=request.user,
        photo_id=photo_id,
        box=(payload.x0, payload.y0, payload.x1, payload.y1),
        unit=payload.unit,
    )
    return {"id": photo.pk, "redacted": photo.redacted}


@router.post(
    "/reports/{int:report_id}/block-sender",
    response={200: BlockedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def block_sender(request: HttpRequest, report_id: int, payload: BlockIn) -> Any:
    """Moderation (恶意举报): refuse further reports from this report's IP, device and phone."""
    entries = report_block_sender(
        actor=request.user, report_id=report_id, reason=payload.reason, until=payload.until
    )
    return {"kinds": [entry.kind for entry in entries]}
