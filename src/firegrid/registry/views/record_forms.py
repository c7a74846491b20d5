"""Create/edit pages of buildings, households, residents and fire resources (field forms).

Each view parses its form and calls one registry service; a service error lands on the field
it names with everything typed kept; a viewer whose role may not edit gets a 403, nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firegrid.core.errors import ApplicationError
from firegrid.people.scope import user_scope

from .. import selectors, services
from ..forms import (
    BuildingForm,
    FireResourceForm,
    HouseholdForm,
    PointForm,
    ResidentForm,
)
from .common import add_service_error, get_or_404, may_add_records


def _household_residents(household_id: int) -> str:
    return f"{reverse('registry:resident_list')}?household={household_id}"


def _may_edit(user: Any, grid_path: str) -> bool:
    return user_scope(user).may_edit_registry_in(grid_path)


def _render(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: tuple[str, str],
    point: list[float] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "registry/record_form.html",
        {"form": form, "title": title, "back_url": back[0], "back_label": back[1], "point": point},
        status=status,
    )


def _point_of(form: PointForm, record: Any | None) -> tuple[float, float, str] | None:
    """The posted point when it differs from the record's (WGS-84) point, else None."""
    data = form.cleaned_data
    if data.get("lon") is None or data.get("lat") is None:
        return None
    if (
        record is not None
        and data["crs"] == "wgs84"
        and (data["lon"], data["lat"])
        == (
            record.lon,
            record.lat,
        )
    ):
        return None
    return (data["lon"], data["lat"], data["crs"])


def _located_form_view(
    request: HttpRequest,
    *,
    form_class: type[PointForm],
    record: Any | None,
    create: Callable[..., Any],
    update: Callable[..., Any],
    title: str,
    back: tuple[str, str],
    detail: str,
) -> HttpResponse:
    """Create (record None) or edit a located record through its two services."""
    initial: dict[str, Any] = {"crs": "wgs84"}
    if record is not None:
        initial.update({f: getattr(record, f) for f in form_class.value_fields})
        initial.update(lon=record.lon, lat=record.lat)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial,
        editing=record is not None,
    )
    point = [record.lon, record.lat] if record is not None and record.lon is not None else None
    if request.method != "POST":
        return _render(request, form, title=title, back=back, point=point)
    if not form.is_valid():
        return _render(request, form, title=title, back=back, point=point, status=422)
    try:
        if record is None:
            data = form.cleaned_data
            saved = create(
                actor=request.user,
                values=form.values(drop_empty=True),
                lon=data["lon"],
                lat=data["lat"],
                crs=data["crs"],
            )
        else:
            saved = update(
                actor=request.user,
                changes=form.values(drop_empty=False),
                point=_point_of(form, record),
            )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _render(request, form, title=title, back=back, point=point, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect(detail, saved.pk)


# ------------------------------------------------------------------------------ buildings


@login_required
@require_http_methods(["GET", "POST"])
def building_create(request: HttpRequest) -> HttpResponse:
    if not may_add_records(request.user):
        raise DjangoPermissionDenied
    return _located_form_view(
        request,
        form_class=BuildingForm,
        record=None,
        create=services.building_create,
        update=services.building_update,
        title=_("Add a building"),
        back=(reverse("registry:building_list"), _("Buildings")),
        detail="registry:building_detail",
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request: HttpRequest, building_id: int) -> HttpResponse:
    building = get_or_404(selectors.building_get, request.user, building_id)
    if not _may_edit(request.user, building.grid_path):
        raise DjangoPermissionDenied

    def update(**kwargs: Any) -> Any:
        return services.building_update(building=building, **kwargs)

    return _located_form_view(
        request,
        form_class=BuildingForm,
        record=building,
        create=services.building_create,
        update=update,
        title=_("Edit building"),
        back=(reverse("registry:building_detail", args=[building.pk]), building.name),
        detail="registry:building_detail",
    )


def _plain_form_view(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: tuple[str, str],
    save: Callable[[], Any],
    done: str,
) -> HttpResponse:
    """A form without a point: parse, call one service through `save`, show its error."""
    if request.method != "POST":
        return _render(request, form, title=title, back=back)
    if not form.is_valid():
        return _render(request, form, title=title, back=back, status=422)
    try:
        save()
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _render(request, form, title=title, back=back, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect(done)


def _household_back(household: Any) -> tuple[str, str]:
    if household.building_id is not None:
        return (
            reverse("registry:building_detail", args=[household.building_id]),
            household.building.name,
        )
    return (_household_residents(household.pk), str(household))


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, building_id: int) -> HttpResponse:
    building = get_or_404(selectors.building_get, request.user, building_id)
    if not _may_edit(request.user, building.grid_path):
        raise DjangoPermissionDenied
    form = HouseholdForm(request.POST if request.method == "POST" else None)
    back = (reverse("registry:building_detail", args=[building.pk]), building.name)
    return _plain_form_view(
        request,
        form,
        title=_("Add a household"),
        back=back,
        save=lambda: services.household_create(
            actor=request.user, values=form.values(), building=building
        ),
        done=back[0],
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    """Edit a household (→ services.household_update); its building and grid stay."""
    household = get_or_404(selectors.household_get, request.user, household_id)
    if not _may_edit(request.user, household.grid_path):
        raise DjangoPermissionDenied
    form = HouseholdForm(
        request.POST if request.method == "POST" else None,
        initial={f: getattr(household, f) for f in HouseholdForm.value_fields},
        with_address=household.building_id is None,
    )
    back = _household_back(household)
    return _plain_form_view(
        request,
        form,
        title=_("Edit household %(household)s") % {"household": household},
        back=back,
        save=lambda: services.household_update(
            actor=request.user, household=household, changes=form.changes()
        ),
        done=back[0],
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_or_404(selectors.household_get, request.user, household_id)
    if not _may_edit(request.user, household.grid_path):
        raise DjangoPermissionDenied
    form = ResidentForm(request.POST if request.method == "POST" else None)
    return _plain_form_view(
        request,
        form,
        title=_("Add a resident"),
        back=(_household_residents(household.pk), str(household)),
        save=lambda: services.resident_create(
            actor=request.user, household=household, values=form.values()
        ),
        done=_household_residents(household.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Edit a resident (→ services.resident_update). The clear ID number and phone are never
    put in the page: the form shows the masked values, an empty input keeps the stored one."""
    resident = get_or_404(selectors.resident_get, request.user, resident_id)
    if not _may_edit(request.user, resident.grid_path):
        raise DjangoPermissionDenied
    form = ResidentForm(
        request.POST if request.method == "POST" else None,
        initial={
            f: getattr(resident, f)
            for f in ResidentForm.base_fields
            if f not in ("id_number", "phone")
        },
        masked={"id_number": resident.id_number_masked, "phone": resident.phone_masked},
    )
    done = _household_residents(resident.household_id)
    response = _plain_form_view(
        request,
        form,
        title=_("Edit resident %(name)s") % {"name": resident.name},
        back=(done, str(resident.household)),
        save=lambda: services.resident_update(
            actor=request.user, resident=resident, changes=form.changes()
        ),
        done=done,
    )
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------ fire resources


@login_required
@require_http_methods(["GET", "POST"])
def fire_resource_create(request: HttpRequest) -> HttpResponse:
    if not may_add_records(request.user):
        raise DjangoPermissionDenied
    return _located_form_view(
        request,
        form_class=FireResourceForm,
        record=None,
        create=services.fire_resource_create,
        update=services.fire_resource_update,
        title=_("Add a fire resource"),
        back=(reverse("registry:fire_resource_list"), _("Fire resources")),
        detail="registry:fire_resource_detail",
    )


@login_required
@require_http_methods(["GET", "POST"])
def fire_resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_or_404(selectors.fire_resource_get, request.user, resource_id)
    if not _may_edit(request.user, resource.grid_path):
        raise DjangoPermissionDenied

    def update(**kwargs: Any) -> Any:
        return services.fire_resource_update(resource=resource, **kwargs)

    return _located_form_view(
        request,
        form_class=FireResourceForm,
        record=resource,
        create=services.fire_resource_create,
        update=update,
        title=_("Edit fire resource"),
        back=(reverse("registry:fire_resource_detail", args=[resource.pk]), resource.name),
        detail="registry:fire_resource_detail",
    )
