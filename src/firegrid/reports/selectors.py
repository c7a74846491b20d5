"""Reads of the reports app.

Public reads (`report_public_status`, `report_duplicates_near`, the Open311 mapping) carry no
contact field at all. Staff reads are scoped by grid subtree (`people.scope.user_scope`); a
reporter's phone is shown in full only to roles that `sees_phones` there, and each such view
leaves an audit record.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.core.coords import convert_point
from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.grids.locator import current_grid_version
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from .models import Report, ReportEvent, ReportService

EARTH_RADIUS_M = 6_371_008.8
PAGE_SIZE = 50

# Public timeline labels of report events (the event's `action`).
EVENT_LABELS = {
    "submitted": gettext_noop("Report received"),
    "confirmed": gettext_noop("Confirmed as a fire hazard; a case was opened"),
    "closed": gettext_noop("Closed"),
    "escalated": gettext_noop("Passed to a higher level for triage"),
    "linked": gettext_noop("Linked to an earlier report of the same problem"),
    "followed": gettext_noop("Progress of the linked report"),
    "resolved": gettext_noop("The hazard was fixed"),
}


def _event_label(action: str) -> str:
    label = EVENT_LABELS.get(action)
    return _(label) if label else action


# ------------------------------------------------------------------------ Open311 mapping


def open311_status(report: Report) -> str:
    """Open311 has two states: a report is "closed" once closed here, "open" before."""
    return "closed" if report.state == Report.State.CLOSED else "open"


def report_status_notes(report: Report) -> str:
    """The public words on progress: what staff wrote, else a sentence from the state."""
    if report.status_notes:
        return report.status_notes
    if report.state == Report.State.NEW:
        return _("Received; the grid worker will check it.")
    if report.state == Report.State.CONFIRMED:
        if report.hazard is not None:
            return _("Confirmed as a fire hazard; now: %(state)s.") % {
                "state": Hazard.State(report.hazard.state).label
            }
        return _("Confirmed as a fire hazard.")
    reason = Report.CloseReason(report.close_reason).label if report.close_reason else ""
    return _("Closed: %(reason)s.") % {"reason": reason} if reason else _("Closed.")


# ------------------------------------------------------------------------------- public


@dataclass(frozen=True)
class PublicEvent:
    at: datetime.datetime
    action: str
    label: str
    note: str


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may read: no contact, no device, no IP."""

    tracking_code: str
    service_code: str
    service_name: str
    state: str
    state_label: str
    status: str  # Open311: open / closed
    status_notes: str
    close_reason: str
    close_reason_label: str
    referral: str
    requested_at: datetime.datetime
    updated_at: datetime.datetime
    urgent: bool
    events: tuple[PublicEvent, ...]
    hazard_state: str = ""
    hazard_state_label: str = ""
    hazard_deadline: datetime.date | None = None
    hazard_closed: bool = False
    photo_urls: tuple[str, ...] = ()


def report_public_status(tracking_code: str) -> PublicStatus | None:
    """The status page's facts for a tracking code; None if unknown or hidden by moderation."""
    code = (tracking_code or "").strip().upper()
    if not code:
        return None
    report = (
        Report.objects.select_related("service", "hazard")
        .filter(tracking_code=code, hidden=False)
        .first()
    )
    if report is None:
        return None
    events = tuple(
        PublicEvent(e.at, e.action, _event_label(e.action), e.note)
        for e in ReportEvent.objects.filter(report=report, public=True).order_by("at", "id")
    )
    hazard = report.hazard
    return PublicStatus(
        tracking_code=report.tracking_code,
        service_code=report.service.code,
        service_name=report.service.name,
        state=report.state,
        state_label=str(Report.State(report.state).label),
        status=open311_status(report),
        status_notes=report_status_notes(report),
        close_reason=report.close_reason,
        close_reason_label=(
            str(Report.CloseReason(report.close_reason).label) if report.close_reason else ""
        ),
        referral=report.referral,
        requested_at=report.requested_at,
        updated_at=report.updated_at,
        urgent=report.service.urgent,
        events=events,
        hazard_state=hazard.state if hazard else "",
        hazard_state_label=str(Hazard.State(hazard.state).label) if hazard else "",
        hazard_deadline=hazard.deadline if hazard else None,
        hazard_closed=bool(hazard and hazard.state in Hazard.CLOSED_STATES),
    )


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def report_duplicates_near(
    *, service_code: str, lon: float, lat: float, crs: str = "wgs84"
) -> list[Report]:
    """Open, visible reports of the same service within FIREGRID_REPORT_DUPLICATE_RADIUS_M,
    nearest first (at most 5). Reports that follow another are left out: offer the original."""
    try:
        wlon, wlat = convert_point(float(lon), float(lat), crs, "wgs84")
    except (TypeError, ValueError):
        return []
    if not (math.isfinite(wlon) and math.isfinite(wlat)):
        return []
    radius = float(getattr(settings, "FIREGRID_REPORT_DUPLICATE_RADIUS_M", 100))
    dlat = radius / 111_000
    dlon = radius / (111_000 * max(0.01, math.cos(math.radians(wlat))))
    candidates = (
        Report.objects.select_related("service")
        .filter(
            service__code=service_code,
            hidden=False,
            duplicate_of__isnull=True,
            lon__gte=wlon - dlon,
            lon__lte=wlon + dlon,
            lat__gte=wlat - dlat,
            lat__lte=wlat + dlat,
        )
        .exclude(state=Report.State.CLOSED)
    )
    near = [(distance_m(wlon, wlat, r.lon, r.lat), r.pk, r) for r in candidates[:200]]
    return [r for d, _pk, r in sorted(near, key=lambda t: (t[0], t[1])) if d <= radius][:5]


# -------------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    service: str = ""
    overdue: bool = False
    grid: int | None = None
    hidden: bool = False  # moderators may list hidden reports on purpose


def report_queryset(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(user_scope(user).q("grid_path"))


def report_queue(
    user: Any, filters: QueueFilters | dict[str, Any] | None = None
) -> QuerySet[Report]:
    """The viewer's reports: open first, overdue triage first, then newest."""
    if filters is None:
        filters = QueueFilters()
    elif isinstance(filters, dict):
        known = {k: v for k, v in filters.items() if k in QueueFilters.__dataclass_fields__}
        filters = QueueFilters(**known)
    now = timezone.now()
    reports = report_queryset(user).filter(hidden=filters.hidden)
    if filters.state:
        if filters.state not in Report.State.values:
            raise ValidationFailed(_("Unknown state."), code="state_unknown")
        reports = reports.filter(state=filters.state)
    if filters.service:
        reports = reports.filter(service__code=filters.service)
    if filters.overdue:
        reports = reports.filter(state=Report.State.NEW, triage_due__lt=now)
    if filters.grid is not None:
        grid = Grid.objects.filter(pk=filters.grid).only("path").first()
        if grid is None:
            return reports.none()
        reports = reports.filter(grid_path__startswith=grid.path)
    return (
        reports.select_related("service", "grid", "owner_grid")
        .annotate(
            queue_rank=Case(
                When(state=Report.State.NEW, triage_due__lt=now, then=Value(0)),
                When(state=Report.State.NEW, then=Value(1)),
                When(state=Report.State.CONFIRMED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_rank", F("triage_due").asc(nulls_last=True), "-requested_at", "-id")
    )


def report_get(user: Any, report_id: int) -> Report:
    """A report in the viewer's scope (hidden ones included: moderators act on them), or 404."""
    report = (
        report_queryset(user)
        .select_related("service", "grid", "owner_grid", "jurisdiction", "place", "hazard")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound(_("Report not found."), code="report_not_found")
    return report


def mask_email(email: str) -> str:
    user, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return f"{user[:1]}***@{domain}"


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def report_contact(user: Any, report: Report) -> dict[str, Any]:
    """The reporter's contact as this viewer may see it; in full only where the viewer's role
    sees phones (the unmasked view is audited)."""
    if not (report.contact_name or report.contact_phone or report.contact_email):
        return {"name": "", "phone": "", "email": "", "masked": False, "anonymous": True}
    if user_scope(user).sees_phone_in(report.grid_path):
        audit_record(
            actor=user,
            action="report.contact_view",
            target=report,
            data={"tracking_code": report.tracking_code},
        )
        return {
            "name": report.contact_name,
            "phone": pii.decrypt(report.contact_phone),
            "email": pii.decrypt(report.contact_email),
            "masked": False,
            "anonymous": False,
        }
    return {
        "name": mask_name(report.contact_name),
        "phone": report.contact_phone_masked,
        "email": mask_email(pii.decrypt(report.contact_email)) if report.contact_email else "",
        "masked": True,
        "anonymous": False,
    }


def report_followers(report: Report) -> QuerySet[Report]:
    """Reports linked to this one (duplicates that follow its progress)."""
    return Report.objects.filter(duplicate_of=report).order_by("id")


def services_active() -> QuerySet[ReportService]:
    return ReportService.objects.filter(active=True).prefetch_related("attributes")


def overdue_q(now: datetime.datetime) -> Q:
    return Q(state=Report.State.NEW, triage_due__lt=now)


def report_id_for_code(code: str) -> int | None:
    """The id of the report a staff member names by tracking code (e.g. "duplicate of"); None for
    no code, a clear error for an unknown one."""
    code = (code or "").strip().upper()
    if not code:
        return None
    found = Report.objects.filter(tracking_code=code).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationFailed(
            _("There is no report with the tracking code %(code)s.") % {"code": code},
            code="duplicate_of_invalid",
            details={"duplicate_of": code},
        )
    return found


def placard_place(place_id: Any) -> Place | None:
    """The place a placard's QR link (`/report/?place=<id>`) names, when a report can be filed
    about it: known, open (not closed or merged) and with a point; None otherwise."""
    try:
        pk = int(place_id)
    except (TypeError, ValueError):
        return None
    return (
        Place.objects.filter(pk=pk, status=Place.Status.ACTIVE, lon__isnull=False)
        .only("pk", "name", "address", "lon", "lat")
        .first()
    )


@lru_cache(maxsize=2)
def _jurisdiction_outlines(grid_version: int) -> dict[str, Any]:
    roots = Grid.objects.filter(parent__isnull=True).only("pk", "boundary")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": _outline(g.boundary), "properties": {}}
            for g in roots
            if isinstance(g.boundary, dict)
        ],
    }


def jurisdiction_outlines() -> dict[str, Any]:
    """The jurisdictions' outlines (root grids, geometry only, thinned) for the public map: a
    map without tiles still shows where a report can be made. Built once per grid version, not
    on every page view."""
    return _jurisdiction_outlines(current_grid_version())


OUTLINE_MAX_POINTS = 400  # per ring: an outline to aim at, light enough for a phone


def _thin(ring: list[Any]) -> list[Any]:
    step = max(1, len(ring) // OUTLINE_MAX_POINTS)
    points = [[round(p[0], 5), round(p[1], 5)] for p in ring[::step]]
    return [*points, points[0]] if points and points[-1] != points[0] else points


def _outline(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": [_thin(r) for r in geometry["coordinates"]]}
    if geometry.get("type") == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[_thin(r) for r in poly] for poly in geometry["coordinates"]],
        }
    return geometry
