"""Citizen report pages (public, no login; 群众举报): file a report, then follow it by its code.

Mobile-first: the placard QR code (`?place=<id>`) and a phone's "my location" are the usual ways
in. Every rule is `report_submit`'s; this module parses, calls, and renders. Nothing here ever
shows a reporter's contact details.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET, require_http_methods

from firegrid.core.errors import ApplicationError
from firegrid.core.i18n import localized
from firegrid.core.net import client_ip
from firegrid.registry.models import Place

from ..errors import Blocked, RateLimited
from ..forms import ReportForm, TrackForm, max_photos
from ..models import Report, ReportService
from ..selectors import jurisdiction_outlines, placard_place, services_active
from ..services import ReportIn, report_duplicates_near, report_public_status, report_submit


def _services() -> list[ReportService]:
    return list(services_active().order_by("sort_order", "code"))


def _service_name(code: str) -> str:
    service = ReportService.objects.filter(code=code).only("name", "name_en").first()
    return localized(service.name, service.name_en) if service else ""


def _form_page(
    request: HttpRequest,
    form: ReportForm,
    *,
    place: Place | None,
    place_note: bool = False,
    duplicates: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    point = None
    if form.is_bound:
        lon, lat = form.data.get("lon"), form.data.get("lat")
        if lon and lat:
            point = {"lon": lon, "lat": lat, "crs": form.data.get("crs") or "wgs84"}
    if point is None and place is not None:
        point = {"lon": place.lon, "lat": place.lat, "crs": "wgs84"}
    return render(
        request,
        "reports/public/new.html",
        {
            "form": form,
            "place": place,
            "place_note": place_note,
            "duplicates": duplicates or [],
            "max_photos": max_photos(),
            "point": point,
            "outlines": jurisdiction_outlines(),
            "photos_lost": form.is_bound,
        },
        status=status,
    )


def _client_ip(request: HttpRequest) -> str:
    return client_ip(request)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """The report form; POST files the report (→ services.report_submit)."""
    services = _services()
    if request.method != "POST":
        place_param = request.GET.get("place")
        place = placard_place(place_param) if place_param else None
        initial: dict[str, Any] = {"crs": "wgs84"}
        if place is not None:
            initial.update(place=place.pk, address=place.address)
        if request.GET.get("service"):
            initial["service"] = request.GET["service"]
        form = ReportForm(initial=initial, services=services)
        return _form_page(
            request, form, place=place, place_note=bool(place_param) and place is None
        )

    form = ReportForm(request.POST, request.FILES, services=services)
    place = placard_place(request.POST.get("place")) if request.POST.get("place") else None
    if not form.is_valid():
        return _form_page(request, form, place=place, status=422)
    data = form.cleaned_data
    lon, lat, crs = data.get("lon"), data.get("lat"), data.get("crs") or "wgs84"
    if (lon is None or lat is None) and place is not None:
        lon, lat, crs = place.lon, place.lat, "wgs84"  # the placard's place, where it stands
    link_to = data.get("link_to") or ""

    if not data.get("confirm") and not link_to and lon is not None and lat is not None:
        try:
            duplicates = report_duplicates_near(
                service_code=data["service"], lon=lon, lat=lat, crs=crs
            )
        except ApplicationError:
            duplicates = []  # report_submit below says what is wrong with the point
        if duplicates:
            return _form_page(request, form, place=place, duplicates=duplicates)

    try:
        report = report_submit(
            data=ReportIn(
                service_code=data["service"],
                description=data["description"],
                lon=lon,
                lat=lat,
                crs=crs,
                address=data.get("address") or "",
                place_id=place.pk if place is not None else None,
                attributes=form.attributes_for(data["service"]),
                photos=tuple(data.get("photos") or ()),
                contact_name=data.get("contact_name") or "",
                contact_phone=data.get("contact_phone") or "",
                contact_email=data.get("contact_email") or "",
                device_id=data.get("device_id") or "",
                ip=_client_ip(request),
                channel="web",
                link_to_tracking_code=link_to,
            )
        )
    except (RateLimited, Blocked) as exc:
        return render(
            request,
            "reports/public/refused.html",
            {"limited": isinstance(exc, RateLimited), "message": str(exc.message)},
            status=exc.status,
        )
    except ApplicationError as exc:
        form.add_service_error(exc)
        return _form_page(request, form, place=place, status=exc.status)
    return redirect("report:sent", code=report.tracking_code)


@require_GET
def report_duplicates(request: HttpRequest) -> JsonResponse:
    """Open reports of the same kind near a point, asked by the page before it sends (so the
    chosen photos are not lost to a second round trip). Only what the status page shows."""
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"results": []})
    crs = request.GET.get("crs") or "wgs84"
    try:
        found = report_duplicates_near(
            service_code=request.GET.get("service", ""), lon=lon, lat=lat, crs=crs
        )
    except ApplicationError:
        found = []
    return JsonResponse(
        {
            "results": [
                {
                    "tracking_code": r.tracking_code,
                    "service": localized(r.service.name, r.service.name_en),
                    "requested_on": date_format(localtime(r.requested_at), "SHORT_DATE_FORMAT"),
                    "state": str(Report.State(r.state).label),
                }
                for r in found
            ]
        }
    )


@require_GET
def report_sent(request: HttpRequest, code: str) -> HttpResponse:
    """ "Thank you": the tracking code, big, and the way to the status page."""
    status = report_public_status(code)
    if status is None:
        raise Http404
    return render(
        request,
        "reports/public/sent.html",
        {"status": status, "service_name": _service_name(status.service_code)},
    )


@require_GET
def report_track(request: HttpRequest) -> HttpResponse:
    """Enter a tracking code (查询进度); a valid one goes to its status page."""
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("report:status", code=form.cleaned_data["code"])
    return render(request, "reports/public/track.html", {"form": form, "unknown": False})


@require_GET
def report_status(request: HttpRequest, code: str) -> HttpResponse:
    """Public progress of one report: state, public notes and steps, the hazard's progress."""
    status = report_public_status(code.strip().upper())
    if status is None:
        form = TrackForm(initial={"code": code})
        return render(
            request, "reports/public/track.html", {"form": form, "unknown": True}, status=404
        )
    return render(
        request,
        "reports/public/status.html",
        {"status": status, "service_name": _service_name(status.service_code)},
    )


urlpatterns = [
    path("", report_new, name="new"),
    path("duplicates/", report_duplicates, name="duplicates"),
    path("sent/<str:code>/", report_sent, name="sent"),
    path("track/", report_track, name="track"),
    path("track/<str:code>/", report_status, name="status"),
]
