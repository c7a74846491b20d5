"""Pages of GB 35181 determinations (重大火灾隐患判定): a place's determinations with a button to
run one, and a determination's page with its matched elements and the collective confirmation
form (集体讨论, at least three people)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firegrid.core.errors import ApplicationError, NotFound, PermissionDenied
from firegrid.people.scope import user_scope

from ..major import selectors
from ..major.engine import MIN_CONFIRMERS, REASON_LABELS, REASON_NOT_JUDGED
from ..major.services import current_rule_set, determination_confirm, determination_run
from ..models import MajorDetermination

FORM_ROWS = 7  # rows of the confirmation form (at least MIN_CONFIRMERS must be filled in)


def _may_manage(user: Any, grid_path: str) -> bool:
    return user_scope(user).covers(grid_path, manage=True)


def _denied(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "hazards/major_denied.html", {"message": str(exc.message)}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def major_place(request: HttpRequest, place_id: int) -> HttpResponse:
    """GET: the place's determinations and the hazards that would count; POST: run one."""
    try:
        place = selectors.place_get(actor=request.user, place_id=place_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if request.method == "POST":
        try:
            made = determination_run(actor=request.user, place_id=place.pk)
        except PermissionDenied as exc:
            return _denied(request, exc)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("hazards:major_place", place_id=place.pk)
        messages.success(request, _("Determination recorded: confirm it collectively."))
        return redirect("hazards:major_detail", pk=made.pk)
    determinations = list(selectors.determination_list(actor=request.user, place_id=place.pk))
    return render(
        request,
        "hazards/major_place.html",
        {
            "place": place,
            "determinations": [
                {"row": d, "reason_label": REASON_LABELS.get(d.reason, d.reason)}
                for d in determinations
            ],
            "hazards": list(selectors.counted_hazards(place=place)),
            "may_run": _may_manage(request.user, place.grid_path),
            "rule_set": _rule_set_label(),
        },
    )


def _rule_set_label() -> str:
    try:
        return current_rule_set().label
    except ValueError as exc:  # a broken FIREGRID_MAJOR_RULES_FILE: say so on the page
        return str(exc)


def _rows(data: Any) -> list[dict[str, str]]:
    return [
        {"name": data.get(f"name_{i}", "").strip(), "post": data.get(f"post_{i}", "").strip()}
        for i in range(FORM_ROWS)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def major_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: matched elements (unverified ones marked), the rule set, the confirmation;
    POST: record the collective confirmation."""
    try:
        determination = selectors.determination_get(actor=request.user, determination_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    rows = [{"name": "", "post": ""} for _i in range(FORM_ROWS)]
    note, error, status = "", "", 200
    if request.method == "POST":
        rows, note = _rows(request.POST), request.POST.get("note", "")
        try:
            determination_confirm(
                actor=request.user, determination_id=pk, confirmers=rows, note=note
            )
        except PermissionDenied as exc:
            return _denied(request, exc)
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status
        else:
            messages.success(request, _("The determination is final."))
            return redirect("hazards:major_detail", pk=pk)
    return render(
        request,
        "hazards/major_detail.html",
        _detail_context(request, determination, rows, note, error),
        status=status,
    )


def _detail_context(
    request: HttpRequest,
    determination: MajorDetermination,
    rows: list[dict[str, str]],
    note: str,
    error: str,
) -> dict[str, Any]:
    return {
        "d": determination,
        "reason_label": REASON_LABELS.get(determination.reason, determination.reason),
        "threshold": selectors.threshold_info(determination),
        "direct": [m for m in determination.matched if m.get("kind") == "direct"],
        "comprehensive": [m for m in determination.matched if m.get("kind") == "comprehensive"],
        "may_confirm": not determination.final
        and determination.reason != REASON_NOT_JUDGED
        and _may_manage(request.user, determination.place.grid_path),
        "rows": rows,
        "note": note,
        "error": error,
        "min_confirmers": MIN_CONFIRMERS,
    }


urlpatterns: list[URLPattern] = [
    path("places/<int:place_id>/major/", major_place, name="major_place"),
    path("major/<int:pk>/", major_detail, name="major_detail"),
]
