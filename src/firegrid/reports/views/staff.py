"""Citizen report pages for staff (群众举报分拣): the triage queue of the viewer's grids, a
report's page, and its actions (confirm → hazard, close with a reason, hide, redact a photo).

Everything is scoped by the viewer's grids through the selectors (`report_queue`, `report_get`):
a report outside them is a 404, as if it did not exist. Contacts come from `report_contact`,
masked unless the viewer's role sees phones there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.core.i18n import localized

from .. import selectors, services
from ..forms import BlockForm, CloseForm, ConfirmForm, HideForm, QueueFilterForm, RedactForm
from ..models import Report, ReportPhoto
from ..selectors import QueueFilters

PER_PAGE = 25


def _report_or_404(user: Any, report_id: int) -> Report:
    try:
        return selectors.report_get(user, report_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def hazard_url(report: Report) -> str:
    """The linked hazard's page (the hazard pages may be absent in a partial install)."""
    if report.hazard_id is None:
        return ""
    try:
        return reverse("hazards:detail", args=[report.hazard_id])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    """The triage queue: open reports of my grids, overdue first (state/kind/overdue filters)."""
    services = list(selectors.services_active())
    form = QueueFilterForm(request.GET or None, services=services)
    data = form.cleaned_data if form.is_valid() else {}
    state = data.get("state") or ""
    filters = QueueFilters(
        state="" if state == "all" else state,
        service=data.get("service") or "",
        overdue=bool(data.get("overdue")),
    )
    reports = selectors.report_queue(request.user, filters)
    if not state:
        reports = reports.exclude(state=Report.State.CLOSED)
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "reports/staff/queue.html",
        {
            "form": form,
            "page": page,
            "query_string": query,
            "now": timezone.now(),
            "any_filter": bool(state or filters.service or filters.overdue),
        },
    )


def _answers(report: Report) -> list[tuple[str, str]]:
    """The reporter's answers to the category's questions, as question → answer labels."""
    questions = {a.code: a for a in report.service.attributes.all()}
    rows = []
    for code, value in (report.attributes or {}).items():
        attribute = questions.get(code)
        if attribute is None:
            rows.append((code, str(value)))
            continue
        names = {
            str(v.get("key")): localized(str(v.get("name", "")), str(v.get("name_en", "")))
            for v in attribute.values or []
        }
        values = value if isinstance(value, list) else [value]
        rows.append(
            (
                localized(attribute.description, attribute.description_en),
                "、".join(names.get(str(v), str(v)) for v in values),
            )
        )
    return rows


def _event_label(action: str) -> str:
    label = selectors.EVENT_LABELS.get(action)
    return _(label) if label else action


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: facts, map, photos, contact (as the role allows), timeline, duplicates."""
    report = _report_or_404(request.user, pk)
    near = [
        other
        for other in selectors.report_duplicates_near(
            service_code=report.service.code, lon=report.lon, lat=report.lat
        )
        if other.pk != report.pk
    ]
    return render(
        request,
        "reports/staff/detail.html",
        {
            "report": report,
            "service_name": localized(report.service.name, report.service.name_en),
            "contact": selectors.report_contact(request.user, report),
            "photos": list(report.photos.all()),
            "events": [
                (event, _event_label(event.action))
                for event in report.events.select_related("actor").order_by("at", "id")
            ],
            "answers": _answers(report),
            "followers": list(selectors.report_followers(report).select_related("service")),
            "near": near,
            "hazard_url": hazard_url(report),
            "overdue": report.state == Report.State.NEW
            and report.triage_due is not None
            and report.triage_due < timezone.now(),
            "may_triage": services.report_may_triage(request.user, report),
            "confirm_form": ConfirmForm(),
            "close_form": CloseForm(),
            "hide_form": HideForm(),
            "block_form": BlockForm(),
            "redact_form": RedactForm(),
            "point": {"lon": report.lon, "lat": report.lat},
        },
    )


@login_required
@require_GET
def report_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A report's photo, for viewers whose scope covers the report (as stored: redacted ones
    are already blacked out)."""
    photo = (
        ReportPhoto.objects.filter(pk=pk, report__in=selectors.report_queryset(request.user))
        .only("image")
        .first()
    )
    if photo is None or not photo.image:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _service_error(request: HttpRequest, exc: ApplicationError) -> None:
    details = exc.details if isinstance(exc.details, dict) else {}
    extra = [str(v) for v in details.values() if str(v) != str(exc.message)]
    messages.error(request, " ".join([str(exc.message), *extra]))


def _form_error(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _act(
    request: HttpRequest,
    report_id: int,
    form: Any,
    run: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """One moderation/triage action: validate the form, call the service, say what happened and
    go back to the report; a refusal changes nothing and is shown as an error."""
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            run(form.cleaned_data)
        except ApplicationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, success)
    return redirect("reports:detail", pk=report_id)


@login_required
@require_POST
def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """It is a fire hazard: open a hazard case linked to the report (→ services.report_confirm)."""
    report = _report_or_404(request.user, pk)

    def run(data: dict[str, Any]) -> object:
        return services.report_confirm(actor=request.user, report_id=report.pk, note=data["note"])

    return _act(
        request, report.pk, ConfirmForm(request.POST), run,
        _("Confirmed: a hazard case was opened."),
    )  # fmt: skip


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close with a reason (not a hazard / duplicate of a code / outside our remit, referred)."""
    report = _report_or_404(request.user, pk)

    def run(data: dict[str, Any]) -> object:
        return services.report_close(
            actor=request.user,
            report_id=report.pk,
            reason=data["reason"],
            note=data["note"],
            referral=data["referral"],
            duplicate_of_id=selectors.report_id_for_code(data["duplicate_of"]),
        )

    return _act(
        request, report.pk, CloseForm(request.POST), run,
        _("The report was closed; the reporter can read why."),
    )  # fmt: skip


@login_required
@require_POST
def report_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderation: hide an abusive report from every list and the public status page."""
    report = _report_or_404(request.user, pk)

    def run(data: dict[str, Any]) -> object:
        return services.report_hide(actor=request.user, report_id=report.pk, reason=data["reason"])

    return _act(request, report.pk, HideForm(request.POST), run, _("The report is hidden."))


@login_required
@require_POST
def report_block(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderation: refuse further reports from this report's IP, device and phone."""
    report = _report_or_404(request.user, pk)

    def run(data: dict[str, Any]) -> object:
        days = data.get("days")
        until = timezone.now() + datetime.timedelta(days=days) if days else None
        return services.report_block_sender(
            actor=request.user, report_id=report.pk, reason=data["reason"], until=until
        )

    return _act(
        request, report.pk, BlockForm(request.POST), run,
        _("The sender is blocked: their further reports will be refused."),
    )  # fmt: skip


@login_required
@require_POST
def report_photo_redact(request: HttpRequest, pk: int) -> HttpResponse:
    """Moderation: black out a rectangle of a photo (faces, number plates)."""
    photo = (
        ReportPhoto.objects.filter(pk=pk, report__in=selectors.report_queryset(request.user))
        .only("pk", "report_id")
        .first()
    )
    if photo is None:
        raise Http404

    def run(data: dict[str, Any]) -> object:
        box = (data["x0"], data["y0"], data["x1"], data["y1"])
        return services.report_photo_redact(
            actor=request.user, photo_id=photo.pk, box=box, unit="percent"
        )

    return _act(
        request, photo.report_id, RedactForm(request.POST), run,
        _("The region was blacked out."),
    )  # fmt: skip


urlpatterns: list[URLPattern] = [
    path("", report_queue, name="queue"),
    path("<int:pk>/", report_detail, name="detail"),
    path("<int:pk>/confirm/", report_confirm, name="confirm"),
    path("<int:pk>/close/", report_close, name="close"),
    path("<int:pk>/hide/", report_hide, name="hide"),
    path("<int:pk>/block/", report_block, name="block"),
    path("photos/<int:pk>/", report_photo, name="photo"),
    path("photos/<int:pk>/redact/", report_photo_redact, name="redact"),
]
