"""Pages of the other registry records: buildings with households, residents, fire resources.

Read-mostly lists with search and pagination. Residents' ID numbers and phones are shown masked
everywhere; revealing one is a POST to `resident_reveal`, which checks the right and audits it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError
from firegrid.people.scope import user_scope

from .. import selectors, services
from ..models import FireResource, Resident
from ..services.resources import EQUIPPED_KINDS, TEAM_KINDS
from .common import (
    PER_PAGE,
    get_or_404,
    grid_options,
    int_param,
    ledger_export_url,
    may_add_records,
    query_string,
)


def _flag_labels() -> list[tuple[str, str]]:
    return [
        (flag, str(getattr(Resident._meta.get_field(flag), "verbose_name", flag)))
        for flag in selectors.VULNERABILITY_FLAGS
    ]


def _grid_filter(request: HttpRequest) -> int | None:
    return int_param(request, "grid")


# ------------------------------------------------------------------------------ buildings


@login_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    grid_id = _grid_filter(request)
    try:
        buildings = selectors.building_list(request.user, search=query, grid_id=grid_id)
    except ApplicationError:
        buildings = selectors.building_list(request.user).none()
    page = Paginator(buildings, PER_PAGE).get_page(request.GET.get("page"))
    filters = {"q": query, "grid": grid_id or ""}
    qs = query_string(filters)
    return render(
        request,
        "registry/building_list.html",
        {
            "page": page,
            "buildings": list(page),
            "filters": filters,
            "query_string": qs,
            "any_filter": bool(qs),
            "grid_options": grid_options(request.user),
            "export_url": ledger_export_url("buildings", qs),
            "may_add": may_add_records(request.user),
        },
    )


@login_required
@require_GET
def building_detail(request: HttpRequest, building_id: int) -> HttpResponse:
    building = get_or_404(selectors.building_get, request.user, building_id)
    households = selectors.household_list(request.user, building_id=building.pk).order_by(
        "unit", "room", "id"
    )
    page = Paginator(households, PER_PAGE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/building_detail.html",
        {
            "building": building,
            "page": page,
            "households": list(page),
            "may_edit": user_scope(request.user).may_edit_registry_in(building.grid_path),
        },
    )


# ------------------------------------------------------------------------------ residents


@login_required
@require_GET
def resident_list(request: HttpRequest) -> HttpResponse:
    """Residents with masked ID numbers and phones; the vulnerable-resident filter (弱势群体)."""
    user = request.user
    query = request.GET.get("q", "").strip()[:50]
    flag = request.GET.get("flag", "")
    if flag not in selectors.VULNERABILITY_FLAGS:
        flag = ""
    grid_id = _grid_filter(request)
    household_id = int_param(request, "household")
    household = None
    if household_id is not None:
        household = get_or_404(selectors.household_get, user, household_id)
    try:
        residents = selectors.resident_list(
            user, search=query, flag=flag, grid_id=grid_id, household_id=household_id
        )
    except ApplicationError:
        residents = selectors.resident_list(user).none()
    page = Paginator(residents, PER_PAGE).get_page(request.GET.get("page"))
    scope = user_scope(user)
    rows = [
        {
            "resident": resident,
            "may_unmask": scope.may_unmask_pii_in(resident.grid_path),
            "may_edit": scope.may_edit_registry_in(resident.grid_path),
            "flags": [label for name, label in _flag_labels() if getattr(resident, name)],
        }
        for resident in page
    ]
    filters = {"q": query, "flag": flag, "grid": grid_id or "", "household": household_id or ""}
    qs = query_string(filters)
    return render(
        request,
        "registry/resident_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "flag_choices": _flag_labels(),
            "query_string": qs,
            "any_filter": bool(qs),
            "grid_options": grid_options(user),
            "export_url": ledger_export_url("residents", qs),
            "household": household,
            "may_add_resident": household is not None
            and user_scope(user).may_edit_registry_in(household.grid_path),
        },
    )


@login_required
@require_POST
def resident_reveal(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Reveal one resident's ID number or phone (→ services.resident_reveal, audited)."""
    user = request.user
    resident = get_or_404(selectors.resident_get, user, resident_id)
    field = request.POST.get("field", "")
    context: dict[str, Any] = {"resident": resident, "field": field}
    try:
        context["value"] = services.resident_reveal(actor=user, resident=resident, field=field)
        status = 200
    except ApplicationError as exc:
        context["error"] = str(exc.message)
        status = exc.status
    template = (
        "registry/_resident_reveal.html"
        if getattr(request, "htmx", False)
        else "registry/resident_reveal.html"
    )
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------ fire resources


@login_required
@require_GET
def fire_resource_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in FireResource.Kind.values else ""
    status = request.GET.get("status", "")
    status = status if status in FireResource.Status.values else ""
    grid_id = _grid_filter(request)
    try:
        resources = selectors.fire_resource_list(
            request.user, kind=kind, status=status, grid_id=grid_id, search=query
        )
    except ApplicationError:
        resources = selectors.fire_resource_list(request.user).none()
    page = Paginator(resources, PER_PAGE).get_page(request.GET.get("page"))
    filters = {"q": query, "kind": kind, "status": status, "grid": grid_id or ""}
    qs = query_string(filters)
    return render(
        request,
        "registry/fire_resource_list.html",
        {
            "page": page,
            "resources": list(page),
            "filters": filters,
            "kind_choices": FireResource.Kind.choices,
            "status_choices": FireResource.Status.choices,
            "query_string": qs,
            "any_filter": bool(qs),
            "grid_options": grid_options(request.user),
            "export_url": ledger_export_url("fire_resources", qs),
            "may_add": may_add_records(request.user),
        },
    )


@login_required
@require_GET
def fire_resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_or_404(selectors.fire_resource_get, request.user, resource_id)
    return render(
        request,
        "registry/fire_resource_detail.html",
        {
            "resource": resource,
            "keeper_phone": resource.keeper_phone,
            "may_edit": user_scope(request.user).may_edit_registry_in(resource.grid_path),
            "equipment": list(resource.equipment.all()),
            "keeps_equipment": resource.kind in EQUIPPED_KINDS,
            "has_members": resource.kind in TEAM_KINDS,
            "members": [
                (m, selectors.phone_for(request.user, resource.grid_path, m.phone))
                for m in resource.members.all()
            ],
            "map_data": {
                "point": [resource.lon, resource.lat] if resource.lon is not None else None,
                "grid": resource.grid.boundary,
            },
        },
    )
