"""Hazard pages: the list (filters, export, bulk), the map, a hazard's page with its timeline
and step forms, "my actions", and the scoped photo view.

Pages parse input, call one selector or service, and render; the rules live in the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.grids.models import Grid
from firegrid.people.scope import user_scope
from firegrid.registry.views.common import grid_options

from .. import selectors
from ..export import CLOSED_COLOR, SEVERITY_COLORS, export_response, geojson_collection
from ..models import Hazard, HazardCategory
from ..selectors import HazardFilters
from ..services import StepIn, hazard_step

PER_PAGE = 25
NOTICE_DAYS = 7  # the deadline a notice form proposes
S = Hazard.State
# Actions offered for several hazards at once: none needs a photo or a per-hazard value.
BULK_ACTIONS = ("confirm", "reject", "verify_fix", "acknowledge", "escalate", "issue_notice")


def _labels() -> dict[str, str]:
    return {
        "confirm": _("Confirm"),
        "reject": _("Reject"),
        "fix_on_spot": _("Fixed on the spot"),
        "verify_fix": _("Verify the fix"),
        "issue_notice": _("Issue a rectification notice"),
        "acknowledge": _("Rectification under way"),
        "request_review": _("Request re-inspection"),
        "reinspect_pass": _("Re-inspection passed"),
        "reinspect_fail": _("Re-inspection failed"),
        "mark_overdue": _("Marked overdue"),
        "escalate": _("Escalate one level up"),
        "hand_over": _("Hand over to an agency"),
        "close_with_result": _("Close with the agency's result"),
        "set_severity": _("Change the severity"),
        "report": _("Reported"),
    }


def action_label(action: str) -> str:
    return _labels().get(action, action)


# ------------------------------------------------------------------------------ filters


def _date(request: HttpRequest, key: str) -> datetime.date | None:
    try:
        return parse_date(request.GET.get(key, "").strip())
    except ValueError:
        return None


def _int(request: HttpRequest, key: str) -> int | None:
    try:
        return int(request.GET.get(key) or 0) or None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> HazardFilters:
    """The list's filters from the query string; unknown values are ignored."""
    get = request.GET
    known_states = {value for value, _label in S.choices} | {"open"}
    return HazardFilters(
        states=tuple(s for s in get.getlist("state") if s in known_states),
        overdue=get.get("overdue") in ("1", "on", "true"),
        grid_id=_int(request, "grid"),
        place_id=_int(request, "place"),
        category=get.get("category", "").strip()[:60],
        severity=get.get("severity", "") if get.get("severity") in Hazard.Severity.values else "",
        source=get.get("source", "") if get.get("source") in Hazard.Source.values else "",
        q=get.get("q", "").strip()[:100],
        found_from=_date(request, "found_from"),
        found_to=_date(request, "found_to"),
        sort=get.get("sort", "") if get.get("sort") in selectors.SORTS else "found",
    )


def filter_params(filters: HazardFilters) -> list[tuple[str, Any]]:
    params: list[tuple[str, Any]] = [("state", s) for s in filters.states]
    params += [
        ("overdue", "1" if filters.overdue else ""),
        ("grid", filters.grid_id or ""),
        ("place", filters.place_id or ""),
        ("category", filters.category),
        ("severity", filters.severity),
        ("source", filters.source),
        ("q", filters.q),
        ("found_from", filters.found_from.isoformat() if filters.found_from else ""),
        ("found_to", filters.found_to.isoformat() if filters.found_to else ""),
        ("sort", filters.sort if filters.sort != "found" else ""),
    ]
    return [(key, value) for key, value in params if value not in ("", None)]


def _query(filters: HazardFilters) -> str:
    return urlencode(filter_params(filters))


def _filtered(request: HttpRequest, filters: HazardFilters) -> Any:
    try:
        return selectors.hazard_list(actor=request.user, filters=filters)
    except NotFound as exc:  # a grid outside the scope
        raise Http404(str(exc.message)) from exc


def _filter_context(request: HttpRequest, filters: HazardFilters) -> dict[str, Any]:
    query = _query(filters)
    return {
        "filters": filters,
        "query_string": query,
        "any_filter": any(key != "sort" for key, _value in filter_params(filters)),
        "grid_options": grid_options(request.user),
        "grid_filter": {"grid": filters.grid_id},
        "state_choices": S.choices,
        "severity_choices": Hazard.Severity.choices,
        "source_choices": Hazard.Source.choices,
        "categories": HazardCategory.objects.filter(active=True).order_by("sort_order", "code"),
        "sort_choices": [
            ("found", _("Newest first")),
            ("found_asc", _("Oldest first")),
            ("due", _("Next deadline first")),
            ("severity", _("Most severe first")),
            ("state", _("By state")),
        ],
        "export_csv_url": _with_query(reverse("hazards:export_csv"), query),
        "export_xlsx_url": _with_query(reverse("hazards:export_xlsx"), query),
        "map_url": _with_query(reverse("hazards:map"), query),
        "list_url": _with_query(reverse("hazards:list"), query),
    }


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _may_manage_somewhere(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.manage_paths)


# ------------------------------------------------------------------------------ list


@login_required
@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    """Hazards in the viewer's grids, filtered and sorted, 25 a page."""
    filters = filters_from(request)
    hazards = _filtered(request, filters)
    page = Paginator(hazards, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {"hazard": h, "overdue": selectors.hazard_is_overdue(h, today), "open": _is_open(h)}
        for h in page.object_list
    ]
    context = _filter_context(request, filters)
    context |= {
        "page": page,
        "rows": rows,
        "may_bulk": _may_manage_somewhere(request.user),
        "bulk_actions": [(a, action_label(a)) for a in BULK_ACTIONS],
        "notice_default": today + datetime.timedelta(days=NOTICE_DAYS),
        "current": "list",
        "scope_empty": user_scope(request.user).is_empty,
    }
    return render(request, "hazards/list.html", context)


def _is_open(hazard: Hazard) -> bool:
    return hazard.state not in Hazard.CLOSED_STATES


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    _filtered(request, filters)  # a grid outside the scope is a 404 before any output
    return export_response(actor=request.user, filters=filters, kind="csv")


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    _filtered(request, filters)
    return export_response(actor=request.user, filters=filters, kind="xlsx")


# ------------------------------------------------------------------------------ map


@login_required
@require_GET
def hazard_map(request: HttpRequest) -> HttpResponse:
    """The filtered hazards on a map, coloured by severity (grey when closed)."""
    filters = filters_from(request)
    context = _filter_context(request, filters)
    context |= {
        "current": "map",
        "geojson_url": _with_query(reverse("hazards:geojson"), context["query_string"]),
        "legend": [
            (value, label, SEVERITY_COLORS[value]) for value, label in Hazard.Severity.choices
        ],
        "closed_color": CLOSED_COLOR,
        "scope_empty": user_scope(request.user).is_empty,
    }
    return render(request, "hazards/map.html", context)


@login_required
@require_GET
def hazard_geojson(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    _filtered(request, filters)
    return JsonResponse(
        geojson_collection(request.user, filters), json_dumps_params={"ensure_ascii": False}
    )


# ------------------------------------------------------------------------------ detail


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
        "is_open": _is_open(hazard),
        "overdue": selectors.hazard_is_overdue(hazard, today),
        "level": hazard.owner_grid or hazard.grid,
        "timeline": timeline,
        "before_photos": [p for p in photos if p.kind == "before"],
        "after_photos": [p for p in photos if p.kind == "after"],
        "notices": list(hazard.notices.order_by("issued_at", "id")),
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


# ------------------------------------------------------------------------------ my actions


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = selectors.hazard_actions_for(request.user, today=today)
    for group in groups:
        group.rows = [  # type: ignore[attr-defined]
            {"hazard": h, "overdue": selectors.hazard_is_overdue(h, today)} for h in group.hazards
        ]
    return render(
        request,
        "hazards/mine.html",
        {
            "groups": groups,
            "total": sum(len(g.hazards) for g in groups),
            "current": "mine",
            "may_bulk": _may_manage_somewhere(request.user),
            "bulk_actions": [(a, action_label(a)) for a in BULK_ACTIONS],
            "notice_default": today + datetime.timedelta(days=NOTICE_DAYS),
        },
    )


@login_required
@require_GET
def my_actions_badge(request: HttpRequest) -> HttpResponse:
    count = selectors.hazard_actions_count(request.user)
    if not count:
        return HttpResponse("")
    return HttpResponse(f'<span class="badge">{count}</span>')


# ------------------------------------------------------------------------------ bulk


def bulk_apply(
    user: Any,
    ids: list[int],
    action: str,
    *,
    note: str = "",
    deadline: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Apply one step to each hazard, each in its own transaction; per-id outcome."""
    results = []
    for hazard_id in ids:
        data = StepIn(action=action, note=note, deadline=deadline)
        try:
            hazard = hazard_step(actor=user, hazard_id=hazard_id, data=data)
        except ApplicationError as exc:
            results.append(
                {"id": hazard_id, "ok": False, "state": None, "code": exc.code,
                 "message": str(exc.message)}
            )  # fmt: skip
        else:
            results.append(
                {"id": hazard_id, "ok": True, "state": hazard.state, "code": "", "message": ""}
            )
    return results


def _ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values:
        try:
            number = int(value)
        except ValueError:
            continue
        if number > 0 and number not in ids:
            ids.append(number)
    return ids


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The same step for the selected hazards, one by one; a summary of each outcome."""
    action = request.POST.get("action", "")
    ids = _ids(request.POST.getlist("ids"))[:500]
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("hazards:list")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose an action."))
        return redirect(back)
    if not ids:
        messages.error(request, _("Select at least one hazard."))
        return redirect(back)
    try:
        deadline = parse_date(request.POST.get("deadline", "").strip())
    except ValueError:
        deadline = None
    results = bulk_apply(
        request.user, ids, action, note=request.POST.get("note", "")[:2000], deadline=deadline
    )
    return render(
        request,
        "hazards/bulk_result.html",
        {
            "action_label": action_label(action),
            "results": results,
            "done": sum(1 for r in results if r["ok"]),
            "failed": sum(1 for r in results if not r["ok"]),
            "back": back,
            "current": "list",
        },
    )


urlpatterns: list[URLPattern] = [
    path("", hazard_list, name="list"),
    path("map/", hazard_map, name="map"),
    path("map/geojson/", hazard_geojson, name="geojson"),
    path("mine/", my_actions, name="mine"),
    path("mine/badge/", my_actions_badge, name="mine_badge"),
    path("bulk/", bulk, name="bulk"),
    path("export.csv", export_csv, name="export_csv"),
    path("export.xlsx", export_xlsx, name="export_xlsx"),
    path("photos/<int:pk>/", photo_file, name="photo"),
    path("<int:pk>/", hazard_detail, name="detail"),
    path("<int:pk>/step/", hazard_step_view, name="step"),
]
