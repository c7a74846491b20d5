"""Create/edit a place (mobile-first, for grid workers) and its printable placard (标牌化管理).

The point comes from the phone's location (WGS-84), a tap on the map (the tiles' datum) or
typing; the services locate it in a grid and keep what was typed when they refuse it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from firegrid.core.errors import ApplicationError
from firegrid.people import selectors as people_selectors

from .. import selectors, services
from ..forms import PlaceForm
from ..models import Place
from .common import (
    RISK_COLORS,
    add_service_error,
    get_or_404,
    may_add_records,
    type_choices,
)

WORKER_ROLES = ("fulltime_worker", "parttime_worker")


def default_reminders() -> list[str]:
    return [
        _("Keep escape routes and exits clear; never lock or block them."),
        _("Do not park or charge electric bicycles in corridors, stairwells or exits."),
        _("Do not pull wires at random or overload sockets; hire a qualified electrician."),
        _("Keep extinguishers where they can be seen and reached, and check them monthly."),
        _("Living, production and storage must not share one space (三合一)."),
        _("In a fire call 119 at once, and leave by the nearest safe exit."),
    ]


def _reminders() -> list[str]:
    configured = [line.strip() for line in settings.FIREGRID_PLACARD_REMINDERS if line.strip()]
    return configured or default_reminders()


# ------------------------------------------------------------------------------ create / edit


def _grid_choices(user: Any) -> list[tuple[int, str]]:
    return [(g.pk, f"{g.name} ({g.code})") for g in selectors.place_grid_choices(user)]


def _form_response(
    request: HttpRequest, form: PlaceForm, *, place: Place | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "registry/place_form.html",
        {
            "form": form,
            "place": place,
            "point": [place.lon, place.lat] if place and place.lon is not None else None,
        },
        status=status,
    )


def _place_form(request: HttpRequest, *, editing: bool, **kwargs: Any) -> PlaceForm:
    return PlaceForm(
        request.POST if request.method == "POST" else None,
        type_choices=type_choices(),
        grid_choices=_grid_choices(request.user),
        editing=editing,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    """Register a place at a point (→ services.place_create); its grid follows the point."""
    if not may_add_records(request.user):
        raise DjangoPermissionDenied
    initial = {"crs": "wgs84"}
    if request.GET.get("type"):
        initial["place_type"] = request.GET["type"]
    form = _place_form(request, editing=False, initial=initial)
    if request.method != "POST":
        return _form_response(request, form)
    if not form.is_valid():
        return _form_response(request, form, status=422)
    data = form.cleaned_data
    grid = _chosen_grid(request.user, data.get("grid"))
    if data.get("grid") and grid is None:
        form.add_error("grid", _("There is no such grid in your area."))
        return _form_response(request, form, status=422)
    try:
        place = services.place_create(
            actor=request.user,
            values={k: v for k, v in form.values().items() if v not in (None, "")},
            lon=data["lon"],
            lat=data["lat"],
            crs=data["crs"],
            grid=grid,
            grid_reason=data.get("grid_reason", ""),
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _form_response(request, form, status=exc.status)
    messages.success(
        request,
        _("%(name)s was registered in grid %(grid)s.")
        % {"name": place.name, "grid": place.grid.name},
    )
    return redirect("registry:place_detail", place_id=place.pk)


def _chosen_grid(user: Any, grid_id: int | None) -> Any:
    if not grid_id:
        return None
    return next((g for g in selectors.place_grid_choices(user) if g.pk == grid_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, place_id: int) -> HttpResponse:
    """Edit fields, move the point, or set the grid by hand (→ services.place_edit)."""
    user = request.user
    place = get_or_404(selectors.place_get, user, place_id)
    if not selectors.place_may_edit(user, place):
        raise DjangoPermissionDenied
    initial = {field: getattr(place, field) for field in PlaceForm.value_fields}
    initial.update(
        place_type=place.place_type.code,
        status=place.status,
        lon=place.lon,
        lat=place.lat,
        crs="wgs84",
        grid=place.grid_id if place.grid_manual else None,
        grid_reason=place.grid_manual_reason,
    )
    form = _place_form(request, editing=True, initial=initial)
    if request.method != "POST":
        return _form_response(request, form, place=place)
    if not form.is_valid():
        return _form_response(request, form, place=place, status=422)
    data = form.cleaned_data
    changes = {
        key: ("" if value is None and key in ("name", "address") else value)
        for key, value in form.values().items()
    }
    changes["place_type"] = data["place_type"]
    point = None
    if data.get("lon") is not None and data.get("lat") is not None:
        if data["crs"] != "wgs84" or (data["lon"], data["lat"]) != (place.lon, place.lat):
            point = (data["lon"], data["lat"], data["crs"])
    wanted_grid = _chosen_grid(user, data.get("grid"))
    if data.get("grid") and wanted_grid is None:
        form.add_error("grid", _("There is no such grid in your area."))
        return _form_response(request, form, place=place, status=422)
    try:
        place = services.place_edit(
            actor=user,
            place=place,
            changes=changes,
            point=point,
            grid=wanted_grid,
            grid_reason=data.get("grid_reason", ""),
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        place.refresh_from_db()
        return _form_response(request, form, place=place, status=exc.status)
    messages.success(request, _("The place was saved."))
    return redirect("registry:place_detail", place_id=place.pk)


# ------------------------------------------------------------------------------ placard


def report_url(request: HttpRequest, place: Place) -> str:
    """The citizen report page for this place, absolute (the QR code leaves the building)."""
    base = settings.FIREGRID_PUBLIC_REPORT_URL or "/report/"
    if "://" not in base:
        base = request.build_absolute_uri(base)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode({'place': place.pk})}"


@login_required
@require_GET
def place_placard(request: HttpRequest, place_id: int) -> HttpResponse:
    """The printable placard (标牌化管理): who answers for this place, and a QR code to report."""
    user = request.user
    place = get_or_404(selectors.place_get, user, place_id)
    workers = [
        {
            "assignment": a,
            "phone": people_selectors.board_phone(a.person.phone, grid=place.grid, user=user),
        }
        for a in people_selectors.grid_board(place.grid)
        if a.role.code in WORKER_ROLES
    ]
    url = report_url(request, place)
    qr = segno.make(url, error="m")
    size = request.GET.get("size", "a4")
    return render(
        request,
        "registry/placard.html",
        {
            "place": place,
            "risk_color": RISK_COLORS.get(place.risk_level, "#5c636a"),
            "workers": workers,
            "reminders": _reminders(),
            "report_url": url,
            "qr_svg": qr.svg_inline(scale=5, border=2, title=url),
            "size": "a5" if size == "a5" else "a4",
            "detail_url": reverse("registry:place_detail", args=[place.pk]),
        },
    )
