"""Pages of the people app: the list, a person's page, and create/edit for managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.grids import selectors as grid_selectors

from . import selectors, services
from .forms import PersonCreateForm, PersonForm
from .models import Person
from .scope import user_scope

PEOPLE_PER_PAGE = 25
PICK_LIMIT = 30


def _person_or_404(user: Any, person_id: int) -> Person:
    try:
        selectors.person_get(user, person_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return selectors.person_list(user).get(pk=person_id)


def _grid_filter_options(user: Any) -> list[dict[str, Any]]:
    """The viewer's scope roots and two levels below, indented, for the grid filter."""
    options: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], level: int) -> None:
        options.append({"id": node["id"], "label": f"{'　' * level}{node['name']}"})
        for child in node["children"]:
            walk(child, level + 1)

    for root in grid_selectors.grid_tree(user, levels=2):
        walk(root, 0)
    return options


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    query = request.GET.get("q", "").strip()
    try:
        grid_id: int | None = int(request.GET.get("grid") or 0) or None
    except ValueError:
        grid_id = None
    page = Paginator(selectors.person_list(user, search=query, grid_id=grid_id), PEOPLE_PER_PAGE)
    people_page = page.get_page(request.GET.get("page"))
    scope = user_scope(user)
    today = timezone.localdate()
    rows = [
        {
            "person": person,
            "phone": selectors.person_phone_for(user, person),
            "assignments": [
                a
                for a in person.assignments.all()
                if scope.covers(a.grid.path)
                and a.start_on <= today
                and (a.end_on is None or a.end_on >= today)
            ],
        }
        for person in people_page
    ]
    filters = {key: value for key, value in (("q", query), ("grid", grid_id)) if value}
    return render(
        request,
        "people/list.html",
        {
            "rows": rows,
            "page": people_page,
            "query": query,
            "grid_id": grid_id,
            "grid_options": _grid_filter_options(user),
            "query_string": urlencode(filters),
            "may_create": scope.everything or bool(scope.manage_paths),
        },
    )


@login_required
@require_GET
def person_pick(request: HttpRequest) -> HttpResponse:
    """htmx partial: <option>s of people in scope matching a name or phone (assignment form)."""
    query = request.GET.get("person_q", "").strip()
    people = selectors.person_list(request.user, search=query).prefetch_related(None)
    return render(request, "people/_pick_options.html", {"people": people[:PICK_LIMIT]})


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = _person_or_404(user, person_id)
    scope = user_scope(user)
    today = timezone.localdate()
    assignments = [a for a in person.assignments.all() if scope.covers(a.grid.path)]
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "phone": selectors.person_phone_for(user, person),
            "active": [a for a in assignments if a.end_on is None or a.end_on >= today],
            "past": [a for a in assignments if a.end_on is not None and a.end_on < today],
            "may_edit": scope.covers(person.home_grid.path, manage=True),
        },
    )


@login_required
@require_GET
def person_photo(request: HttpRequest, person_id: int) -> FileResponse:
    person = _person_or_404(request.user, person_id)
    if not person.photo:
        raise Http404("no photo")
    return FileResponse(person.photo.open("rb"), content_type="image/jpeg")


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = user_scope(user)
    if not (scope.everything or scope.manage_paths):
        raise DjangoPermissionDenied
    grids = grid_selectors.grid_queryset(user, manage=True).order_by("path")
    form = PersonCreateForm(
        request.POST or None,
        request.FILES or None,
        grids=grids,
        initial={"home_grid": request.GET.get("grid")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=user,
                home_grid=data["home_grid"],
                name=data["name"],
                phone=data["phone"],
                note=data["note"],
                photo=data["photo"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The person was added."))
            return redirect("people:detail", person_id=person.pk)
    status = 422 if form.errors else 200
    return render(request, "people/form.html", {"form": form, "person": None}, status=status)


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = _person_or_404(user, person_id)
    if not user_scope(user).covers(person.home_grid.path, manage=True):
        raise DjangoPermissionDenied
    initial = {"name": person.name, "phone": person.phone, "note": person.note}
    form = PersonForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                actor=user,
                person=person,
                changes={key: data[key] for key in ("name", "phone", "note")},
                photo=data["photo"],
            )
        except ApplicationError as exc:
            person.refresh_from_db()
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The person was saved."))
            return redirect("people:detail", person_id=person.pk)
    status = 422 if form.errors else 200
    return render(request, "people/form.html", {"form": form, "person": person}, status=status)
