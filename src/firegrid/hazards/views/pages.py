"""Hazard pages: the list (filters, export, bulk), the map and "my actions" (a hazard's own page
is in `detail.py`).

Pages parse input, call one selector or service, and render; the rules live in the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import NotFound
from firegrid.people.scope import user_scope
from firegrid.registry.views.common import grid_options

from .. import selectors
from ..export import CLOSED_COLOR, SEVERITY_COLORS, export_response, geojson_collection
from ..models import Hazard, HazardCategory
from ..selectors import HazardFilters
from ..services import BULK_ACTIONS, hazards_bulk_step

PER_PAGE = 25
NOTICE_DAYS = 7  # the deadline a notice form proposes
S = Hazard.State


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
        "notice_receipt": _("Notice signed for (签收)"),
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
        {"hazard": h, "overdue": selectors.hazard_is_overdue(h, today), "open": is_open(h)}
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


def is_open(hazard: Hazard) -> bool:
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
    results = hazards_bulk_step(
        actor=request.user,
        hazard_ids=ids,
        action=action,
        note=request.POST.get("note", "")[:2000],
        deadline=deadline,
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
]
