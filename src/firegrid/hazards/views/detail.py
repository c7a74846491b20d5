"""A hazard's page: facts, timeline, photos, notices and the step forms the user may take now;
the step POST and the scoped photo view."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.grids.models import Grid

from .. import selectors
from ..models import Hazard
from ..services import StepIn, hazard_step
from ..services.notices import notice_receipt_allowed
from .pages import NOTICE_DAYS, action_label, is_open


def _hazard_or_404(user: Any, pk: int) -> Hazard:
    try:
        return selectors.hazard_get(actor=user, hazard_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _detail_context(request: HttpRequest, hazard: Hazard) -> dict[str, Any]:
    events = list(
        hazard.events.select_related("actor").prefetch_related("photos").order_by("at", "id")
    )
    timeline: list[dict[str, Any]] = []
    photos: list[Any] = []
    for e in events:
        shots = list(e.photos.all())
        photos += shots
        timeline.append({"event": e, "label": action_label(e.action), "photos": shots})
    codes = {code for e in events for code in (e.data or {}).get("level", [])}
    names = dict(Grid.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for item in timeline:
        level = (item["event"].data or {}).get("level") or []
        item["level"] = [names.get(code, code) for code in level]
    today = timezone.localdate()
    steps = selectors.hazard_steps_for(request.user, hazard)
    return {
        "hazard": hazard,
        "is_open": is_open(hazard),
        "overdue": selectors.hazard_is_overdue(hazard, today),
        "level": hazard.owner_grid or hazard.grid,
        "timeline": timeline,
        "before_photos": [p for p in photos if p.kind == "before"],
        "after_photos": [p for p in photos if p.kind == "after"],
        "notices": list(hazard.notices.order_by("issued_at", "id")),
        "may_record_receipt": notice_receipt_allowed(request.user, hazard),
        "steps": [
            {
                "action": action,
                "label": action_label(action),
                "note_required": selectors.STEPS[action].note_required,
                "photos_required": selectors.STEPS[action].photos_required,
            }
            for action in steps
        ],
        "severity_choices": Hazard.Severity.choices,
        "notice_default": today + datetime.timedelta(days=NOTICE_DAYS),
        "min_deadline": today + datetime.timedelta(days=1),
    }


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = _hazard_or_404(request.user, pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


@login_required
@require_POST
def hazard_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One step from the hazard's page; on an error nothing changed and the page says why."""
    hazard = _hazard_or_404(request.user, pk)
    post = request.POST
    action = post.get("action", "")
    deadline = None
    try:
        deadline = parse_date(post.get("deadline", "").strip())
    except ValueError:
        deadline = None
    data = StepIn(
        action=action,
        note=post.get("note", "")[:2000],
        photos=tuple(request.FILES.getlist("photos")),
        expected_state=post.get("expected_state", ""),
        deadline=deadline,
        agency=post.get("agency", "")[:100],
        reference=post.get("reference", "")[:60],
        severity=post.get("severity", ""),
    )
    if action == "issue_notice" and deadline is None:
        error = _("Give the rectification deadline.")
        return _step_failed(request, hazard, action, error, 422)
    try:
        hazard_step(actor=request.user, hazard_id=hazard.pk, data=data)
    except ApplicationError as exc:
        return _step_failed(request, hazard, action, str(exc.message), exc.status)
    messages.success(request, _("Done: %(step)s.") % {"step": action_label(action)})
    return redirect("hazards:detail", pk=hazard.pk)


def _step_failed(
    request: HttpRequest, hazard: Hazard, action: str, error: str, status: int
) -> HttpResponse:
    hazard = _hazard_or_404(request.user, hazard.pk)  # as it is now
    context = _detail_context(request, hazard)
    context |= {"step_error": error, "failed_action": action, "posted": request.POST}
    return render(request, "hazards/detail.html", context, status=status)


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    """A hazard photo, for viewers who see its hazard (media is not public)."""
    try:
        photo = selectors.hazard_photo_get(actor=request.user, photo_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


urlpatterns: list[URLPattern] = [
    path("photos/<int:pk>/", photo_file, name="photo"),
    path("<int:pk>/", hazard_detail, name="detail"),
    path("<int:pk>/step/", hazard_step_view, name="step"),
]
