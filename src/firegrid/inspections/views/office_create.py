"""The hand-made task (不定期检查): after a complaint, a hazard or a request from above.

The form lists the chosen grid's places; htmx swaps them in when the grid changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from firegrid.core.errors import ApplicationError, NotFound, PermissionDenied
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from .. import selectors
from ..forms import TaskCreateForm
from ..services import task_create_unscheduled
from .office_common import denied, grid_choices, int_param, may_manage_somewhere, people_choices

PLACES_IN_PICKER = 500  # a grid's places offered in the new-task form's list


def _places_of(user: Any, grid_id: int | None) -> list[tuple[int, str]]:
    """Places in business under a grid of the viewer's scope, for the new-task form."""
    if grid_id is None:
        return []
    try:
        grid = selectors.scoped_grid(user, grid_id)
    except NotFound:
        return []
    if grid is None:
        return []
    places = Place.objects.filter(
        user_scope(user).q("grid_path"),
        grid_path__startswith=grid.path,
        status=Place.Status.ACTIVE,
    ).order_by("name", "id")
    return list(places.values_list("pk", "name")[:PLACES_IN_PICKER])


def _create_form(request: HttpRequest, data: Any = None) -> TaskCreateForm:
    source = data if data is not None else request.GET
    place_id = int_param(request, "place") if data is None else None
    grid_id = _int(source.get("grid"))
    initial: dict[str, Any] = {}
    if place_id is not None:
        place = Place.objects.filter(user_scope(request.user).q("grid_path"), pk=place_id).first()
        if place is not None:
            grid_id = place.grid_id
            initial = {"place": place.pk, "grid": place.grid_id}
    return TaskCreateForm(
        data,
        initial=initial or {"grid": grid_id},
        grid_choices=grid_choices(request.user),
        place_choices=_places_of(request.user, grid_id),
        assignee_choices=people_choices(request.user),
    )


def _int(raw: Any) -> int | None:
    try:
        return int(raw or 0) or None
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """A task made by hand after a complaint, a hazard or a request (不定期检查)."""
    if not may_manage_somewhere(request.user):
        return denied(request, PermissionDenied(_("Only a grid manager may create tasks.")))
    form = _create_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = task_create_unscheduled(
                    actor=request.user,
                    origin=data["origin"],
                    reason=data["reason"],
                    due_on=data["due_on"],
                    place_id=data["place"],
                    grid_id=None if data["place"] else data["grid"],
                    assignee_id=data["assignee"],
                )
            except PermissionDenied as exc:
                return denied(request, exc)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("inspections:task_detail", task_id=task.pk)
        status = 422
    return render(
        request,
        "inspections/office/task_form.html",
        {"form": form, "current": "task_create"},
        status=status,
    )


@login_required
@require_GET
def task_create_places(request: HttpRequest) -> HttpResponse:
    """The place options of a grid (htmx: the new-task form's grid select swaps them in)."""
    return render(
        request,
        "inspections/office/_place_options.html",
        {"places": _places_of(request.user, int_param(request, "grid"))},
    )
