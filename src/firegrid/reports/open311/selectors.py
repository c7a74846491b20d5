"""The reads behind the Open311 endpoints: the public catalogue and the public face of reports.

Everything here is public (GeoReport GET needs no key), so the rules are the privacy rules:
hidden reports (moderation) never appear, and the reporter's contact fields are not even loaded.
"""

from __future__ import annotations

from django.db.models import Max, Prefetch, QuerySet

from firegrid.grids.models import Grid

from ..models import Report, ReportService, ServiceAttribute
from .params import ListQuery

# Never read for Open311: the reporter's contact and abuse marks.
PRIVATE_FIELDS = (
    "contact_name",
    "contact_phone",
    "contact_phone_masked",
    "contact_email",
    "device_id",
    "ip_digest",
)


def services_active() -> QuerySet[ReportService]:
    return ReportService.objects.filter(active=True).prefetch_related(
        Prefetch("attributes", queryset=ServiceAttribute.objects.order_by("order", "code"))
    )


def service_get(code: str) -> ReportService | None:
    return services_active().filter(code=code).first()


def services_changed_at() -> str:
    """The discovery `changeset`: when the catalogue last changed (sortable text)."""
    latest = ReportService.objects.aggregate(latest=Max("updated_at"))["latest"]
    from .formats import w3_datetime

    return w3_datetime(latest) if latest else "1970-01-01T00:00:00+00:00"


def _public(jurisdiction: Grid | None) -> QuerySet[Report]:
    reports = (
        Report.objects.filter(hidden=False)
        .defer(*PRIVATE_FIELDS)
        .select_related("service", "owner_grid", "hazard")
    )
    if jurisdiction is not None:
        reports = reports.filter(jurisdiction=jurisdiction)
    return reports


def requests_list(query: ListQuery, *, jurisdiction: Grid | None) -> list[Report]:
    """GET requests: `service_request_id` overrides every other filter (spec); otherwise the
    date window, service codes and status; newest first, one page (at most 1,000)."""
    reports = _public(jurisdiction)
    if query.ids:
        reports = reports.filter(tracking_code__in=[code.upper() for code in query.ids])
    else:
        reports = reports.filter(requested_at__gte=query.start, requested_at__lte=query.end)
        if query.service_codes:
            reports = reports.filter(service__code__in=query.service_codes)
        if set(query.statuses) == {"open"}:
            reports = reports.exclude(state=Report.State.CLOSED)
        elif set(query.statuses) == {"closed"}:
            reports = reports.filter(state=Report.State.CLOSED)
    first = (query.page - 1) * query.page_size
    return list(reports.order_by("-requested_at", "-id")[first : first + query.page_size])


def request_get(service_request_id: str, *, jurisdiction: Grid | None) -> Report | None:
    return _public(jurisdiction).filter(tracking_code=service_request_id.upper()).first()


def request_for_token(token: str, *, jurisdiction: Grid | None) -> Report | None:
    return _public(jurisdiction).filter(token=token).first()
