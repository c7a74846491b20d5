"""Pages of places (场所/单位): the map with clustered markers, its GeoJSON, the list.

The map, the list and the Excel export share one set of filters (`PlaceFilters`), passed in
the query string, so a filtered list exports and maps the same rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import ApplicationError
from firegrid.core.i18n import localized_name
from firegrid.people.scope import user_scope

from .. import selectors
from ..ledger.filters import place_filters_from_query
from ..models import Place, PlaceType, RiskLevel
from ..selectors import PlaceFilters
from .common import (
    PER_PAGE,
    RISK_COLORS,
    grid_options,
    ledger_export_url,
    may_add_records,
    query_string,
    type_choices,
)

# The map draws at most this many places; beyond it the viewer is asked to narrow the filters.
GEOJSON_MAX_PLACES = 20_000

# ------------------------------------------------------------------------------ filters


def _filters(request: HttpRequest) -> PlaceFilters:
    """The ledger export's parser, with the page's default: an empty status means in business."""
    query = request.GET.copy()
    if not query.get("status"):
        query["status"] = Place.Status.ACTIVE
    return place_filters_from_query(query)


def _filter_params(filters: PlaceFilters) -> dict[str, Any]:
    """The filters as query parameters (what the list, the map and the export links share)."""
    return {
        "q": filters.search,
        "type": filters.place_type,
        "risk": filters.risk_level,
        "key_unit": {True: "1", False: "0"}.get(filters.key_unit, ""),  # type: ignore[arg-type]
        "grid": filters.grid_id or "",
        "status": {Place.Status.ACTIVE: "", "": "all"}.get(filters.status, filters.status),
    }


def _filter_context(request: HttpRequest, filters: PlaceFilters) -> dict[str, Any]:
    params = _filter_params(filters)
    query = query_string(params)
    return {
        "filters": params,
        "query_string": query,
        "any_filter": bool(query),
        "type_choices": type_choices(groups=True),
        "risk_choices": RiskLevel.choices,
        "grid_options": grid_options(request.user),
        "export_url": ledger_export_url("places", query),
        "may_add": may_add_records(request.user),
    }


def _search_failed(exc: ApplicationError) -> HttpResponse:
    return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status)


# ------------------------------------------------------------------------------ map


@login_required
@require_GET
def place_map(request: HttpRequest) -> HttpResponse:
    """Places as clustered markers coloured by risk level, over the viewer's grids."""
    filters = _filters(request)
    context = _filter_context(request, filters)
    context["scope_empty"] = user_scope(request.user).is_empty
    context["risk_colors"] = [
        (level, label, RISK_COLORS[level]) for level, label in RiskLevel.choices
    ]
    return render(request, "registry/map.html", context)


@login_required
@require_GET
def place_geojson(request: HttpRequest) -> HttpResponse:
    """GeoJSON (WGS-84) of the places in scope matching the filters of the list and the map."""
    filters = _filters(request)
    try:
        total, rows = selectors.place_map_rows(request.user, filters, limit=GEOJSON_MAX_PLACES)
    except ApplicationError as exc:  # a grid filter outside the scope
        return _search_failed(exc)
    types = {t.pk: t for t in PlaceType.objects.all()}
    risk_labels = dict(RiskLevel.choices)
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "name": name,
                "type": localized_name(types[type_id]) if type_id in types else "",
                "risk": risk,
                "risk_label": str(risk_labels.get(risk, risk)),
                "color": RISK_COLORS.get(risk, "#5c636a"),
                "key_unit": key_unit,
                "grid": grid_id,
                "grid_name": grid_name,
            },
        }
        for pk, name, lon, lat, type_id, risk, key_unit, grid_id, grid_name in rows
    ]
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    collection["total"] = total
    if total > GEOJSON_MAX_PLACES:
        collection["capped"] = True
        collection["message"] = _(
            "%(total)d places match; the map shows the first %(shown)d. "
            "Narrow the filters to see them all."
        ) % {"total": total, "shown": GEOJSON_MAX_PLACES}
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------------------ list


@login_required
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    context = _filter_context(request, filters)
    try:
        places = selectors.place_list(request.user, filters)
    except ApplicationError:
        places = Place.objects.none()
    page = Paginator(places, PER_PAGE).get_page(request.GET.get("page"))
    context.update(page=page, places=list(page), risk_colors=RISK_COLORS)
    return render(request, "registry/place_list.html", context)
