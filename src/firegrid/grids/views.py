"""Pages of the grids app: the map with its tree, grid detail, the public board (公示), the import.

Views parse input, call one selector or service and render; out-of-scope grids answer 404 and
service errors come back as form errors with nothing saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.people import selectors as people_selectors
from firegrid.people import services as people_services
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope

from . import selectors, services
from .forms import (
    AssignmentEndForm,
    AssignmentForm,
    GridEditForm,
    GridImportCommitForm,
    GridImportForm,
)
from .import_drafts import import_draft_delete, import_draft_load, import_draft_save
from .importing import ImportRejected, plan_import
from .models import Grid

SEARCH_LIMIT = 50
CHILDREN_PER_PAGE = 20
PERSON_CHOICES_LIMIT = 50


def _grid_or_404(user: Any, grid_id: int) -> Grid:
    try:
        return selectors.grid_get(user, grid_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _may_import(user: Any) -> bool:
    """Whether the viewer manages the root of any jurisdiction (before a file names one)."""
    return selectors.grids_may_import(user, jurisdiction_code=None)


@login_required
@require_GET
def grid_map(request: HttpRequest) -> HttpResponse:
    """The viewer's grid tree beside a Leaflet map of their grids."""
    query = request.GET.get("q", "").strip()
    results: list[Grid] = []
    roots: list[Grid] = []
    if query:
        results = list(selectors.grid_list(request.user, search=query)[:SEARCH_LIMIT])
    else:
        roots = list(
            selectors.grid_scope_roots(request.user).annotate(child_count=Count("children"))
        )
    return render(
        request,
        "grids/map.html",
        {
            "query": query,
            "results": results,
            "search_limit": SEARCH_LIMIT,
            "roots": roots,
            "scope_empty": user_scope(request.user).is_empty,
            "may_import": _may_import(request.user),
        },
    )


@login_required
@require_GET
def tree_children(request: HttpRequest, grid_id: int) -> HttpResponse:
    """htmx partial: the children of one tree node, loaded when it is expanded."""
    grid = _grid_or_404(request.user, grid_id)
    children = selectors.grid_list(request.user, parent_id=grid.pk)
    return render(request, "grids/_tree_nodes.html", {"nodes": children})


@dataclass(frozen=True)
class AssignmentRow:
    """An assignment as this viewer sees it (phone masked unless their role may see it)."""

    assignment: Assignment
    phone: str
    upcoming: bool
    ended: bool


def _person_label(person: Any) -> str:
    return f"{person.name} · {person.home_grid.name}"


def _detail_response(
    request: HttpRequest,
    grid: Grid,
    *,
    edit_form: GridEditForm | None = None,
    assign_form: AssignmentForm | None = None,
    action_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    scope = user_scope(user)
    today = timezone.localdate()
    children = list(selectors.grid_list(user, parent_id=grid.pk))
    assignments = people_selectors.assignment_list(user, grid_id=grid.pk).select_related(
        "person__home_grid"
    )
    rows = [
        AssignmentRow(
            assignment=a,
            phone=people_selectors.person_phone_for(user, a.person),
            upcoming=a.start_on > today,
            ended=a.end_on is not None and a.end_on < today,
        )
        for a in assignments
    ]
    active = [row for row in rows if not row.ended]
    past = [row for row in rows if row.ended]
    manage = scope.covers(grid.path, manage=True)
    if manage and assign_form is None:
        assign_form = AssignmentForm(
            person_choices=[
                (p.pk, _person_label(p))
                for p in people_selectors.person_list(user)[:PERSON_CHOICES_LIMIT]
            ],
            backup_choices=_backup_choices(active),
        )
    if manage and edit_form is None:
        edit_form = GridEditForm(
            initial={
                "name": grid.name,
                "households": grid.households,
                "population": grid.population,
            }
        )
    context = {
        "grid": grid,
        "ancestors": selectors.grid_ancestors_in_scope(user, grid),
        "children_page": Paginator(children, CHILDREN_PER_PAGE).get_page(request.GET.get("page")),
        "neighbours": list(selectors.grid_neighbours(user, grid)),
        "active_rows": active,
        "past_rows": past,
        "manage": manage,
        "edit_form": edit_form,
        "assign_form": assign_form,
        "end_form": AssignmentEndForm(initial={"end_on": today}),
        "action_error": action_error,
        "area_km2": grid.area_m2 / 1_000_000,
        "map_data": {
            "focus": selectors.grid_feature(grid),
            "children": selectors.grid_feature_collection(children),
        },
    }
    return render(request, "grids/detail.html", context, status=status)


def _backup_choices(active_rows: list[AssignmentRow]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for row in active_rows:
        person = row.assignment.person
        seen.setdefault(person.pk, _person_label(person))
    return sorted(seen.items(), key=lambda item: item[1])


def _refused(request: HttpRequest, grid: Grid) -> HttpResponse:
    """A write on a grid the viewer may read but not manage: explained, nothing saved."""
    return _detail_response(
        request, grid, action_error=_("Your role may not change this grid."), status=403
    )


@login_required
@require_GET
def grid_detail(request: HttpRequest, grid_id: int) -> HttpResponse:
    return _detail_response(request, _grid_or_404(request.user, grid_id))


@login_required
@require_POST
def grid_edit(request: HttpRequest, grid_id: int) -> HttpResponse:
    """Edit name, households and population (→ grids.services.grid_update)."""
    grid = _grid_or_404(request.user, grid_id)
    if not user_scope(request.user).covers(grid.path, manage=True):
        return _refused(request, grid)
    form = GridEditForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, grid, edit_form=form, status=422)
    changes = {
        key: value for key, value in form.cleaned_data.items() if getattr(grid, key) != value
    }
    if changes:
        try:
            services.grid_update(actor=request.user, grid=grid, changes=changes)
        except ApplicationError as exc:
            grid.refresh_from_db()
            form.add_error(None, str(exc.message))
            return _detail_response(request, grid, edit_form=form, status=exc.status)
        messages.success(request, _("The grid was saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("grids:detail", grid_id=grid.pk)


def _posted_person(request: HttpRequest, key: str) -> Person | None:
    """The person whose id was posted under `key`, if it is one the viewer may see."""
    try:
        return people_selectors.person_get(request.user, int(request.POST.get(key) or 0))
    except (ValueError, NotFound):
        return None


@login_required
@require_POST
def grid_assign(request: HttpRequest, grid_id: int) -> HttpResponse:
    """Add an assignment (→ people.services.grid_assign_person)."""
    user = request.user
    grid = _grid_or_404(user, grid_id)
    if not user_scope(user).covers(grid.path, manage=True):
        return _refused(request, grid)
    person, backup = (_posted_person(request, key) for key in ("person", "backup"))
    form = AssignmentForm(
        request.POST,
        person_choices=[(person.pk, _person_label(person))] if person else [],
        backup_choices=[(backup.pk, _person_label(backup))] if backup else [],
    )
    if not form.is_valid():
        return _detail_response(request, grid, assign_form=form, status=422)
    if person is None:
        form.add_error("person", _("There is no such person in your area."))
    if form.cleaned_data.get("backup") and backup is None:
        form.add_error("backup", _("There is no such person in your area."))
    if form.errors or person is None:
        return _detail_response(request, grid, assign_form=form, status=422)
    data = form.cleaned_data
    try:
        people_services.grid_assign_person(
            actor=user,
            grid=grid,
            person=person,
            role=data["role"],
            start_on=data["start_on"],
            end_on=data["end_on"],
            letter_signed_on=data["letter_signed_on"],
            backup=backup,
            duties=data["duties"],
        )
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _detail_response(request, grid, assign_form=form, status=exc.status)
    messages.success(request, _("The assignment was added."))
    return redirect("grids:detail", grid_id=grid.pk)


@login_required
@require_POST
def assignment_end(request: HttpRequest, grid_id: int, assignment_id: int) -> HttpResponse:
    """End an assignment's term (→ people.services.assignment_end)."""
    user = request.user
    grid = _grid_or_404(user, grid_id)
    if not user_scope(user).covers(grid.path, manage=True):
        return _refused(request, grid)
    try:
        assignment = people_selectors.assignment_get(user, assignment_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if assignment.grid_id != grid.pk:
        raise Http404("assignment not found")
    form = AssignmentEndForm(request.POST)
    if not form.is_valid():
        return _detail_response(
            request, grid, action_error=_("Enter a valid end date."), status=422
        )
    try:
        people_services.assignment_end(
            actor=user, assignment=assignment, end_on=form.cleaned_data["end_on"]
        )
    except ApplicationError as exc:
        return _detail_response(request, grid, action_error=str(exc.message), status=exc.status)
    messages.success(request, _("The assignment was ended."))
    return redirect("grids:detail", grid_id=grid.pk)


def _public_grid(grid_id: int) -> Grid:
    grid = Grid.objects.select_related("level", "jurisdiction").filter(pk=grid_id).first()
    if grid is None:
        raise Http404("grid not found")
    return grid


@require_GET
def grid_board_page(request: HttpRequest, grid_id: int) -> HttpResponse:
    """The public notice board (公示): who is responsible for this grid. No login needed."""
    grid = _public_grid(grid_id)
    rows = [
        {
            "assignment": a,
            "phone": people_selectors.board_phone(a.person.phone, grid=grid),
            "duties": a.duties or a.role.duties,
            "photo_url": reverse("grids:board_photo", args=[grid.pk, a.person_id])
            if a.person.photo
            else "",
        }
        for a in people_selectors.grid_board(grid)
    ]
    return render(
        request,
        "grids/board.html",
        {"grid": grid, "rows": rows, "map_data": {"focus": selectors.grid_feature(grid)}},
    )


@require_GET
def grid_board_photo(request: HttpRequest, grid_id: int, person_id: int) -> FileResponse:
    """A photo on the public board: only of a person currently listed on that board."""
    grid = _public_grid(grid_id)
    person = next(
        (a.person for a in people_selectors.grid_board(grid) if a.person_id == person_id), None
    )
    if person is None or not person.photo:
        raise Http404("photo not found")
    return FileResponse(person.photo.open("rb"), content_type="image/jpeg")


def _preview(plan: Any) -> dict[str, Any]:
    """The planned (WGS-84) boundaries of a clean import, for the preview map."""

    def properties(g: Any) -> dict[str, Any]:
        spec = plan.levels.get(g.depth)
        return {
            "code": g.code,
            "name": g.name,
            "depth": g.depth,
            "level": spec.name if spec else "",
            "level_name_en": spec.name_en if spec else "",
            "color": (spec.color if spec else "")
            or services.LEVEL_COLORS[g.depth % len(services.LEVEL_COLORS)],
        }

    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g.boundary, "properties": properties(g)}
            for g in plan.grids
        ],
    }


@login_required
def grid_import(request: HttpRequest) -> HttpResponse:
    """Upload → dry run (every problem listed, or a preview map) → commit. Nothing is written
    before the commit, and the commit re-checks the whole file."""
    if not _may_import(request.user):
        raise DjangoPermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _import_commit(request)
    context: dict[str, Any] = {"form": GridImportForm(request.POST or None, request.FILES or None)}
    form = context["form"]
    if request.method == "POST" and form.is_valid():
        crs = form.cleaned_data["crs"]
        try:
            collection = selectors.import_upload_read(form.cleaned_data["file"])
            selectors.grids_import_jurisdiction(request.user, collection=collection)
            result = services.grids_import(
                collection=collection, actor=request.user, crs=crs, dry_run=True
            )
        except ImportRejected as rejected:
            context.update(problems=rejected.plan.errors, warnings=rejected.plan.warnings)
        except ApplicationError as exc:
            form.add_error("file", str(exc.message))
        else:
            context.update(
                result=result,
                warnings=result.warnings,
                preview=_preview(plan_import(collection, crs=crs)),
                commit_form=GridImportCommitForm(
                    initial={
                        "token": import_draft_save(user=request.user, collection=collection),
                        "crs": crs,
                    }
                ),
            )
    status = 422 if form.errors or context.get("problems") else 200
    return render(request, "grids/import.html", context, status=status)


def _import_commit(request: HttpRequest) -> HttpResponse:
    commit_form = GridImportCommitForm(request.POST)
    form = GridImportForm()
    context: dict[str, Any] = {"form": form}
    if not commit_form.is_valid():
        messages.error(request, _("The import form was incomplete; upload the file again."))
        return render(request, "grids/import.html", context, status=422)
    token = commit_form.cleaned_data["token"]
    try:
        collection = import_draft_load(user=request.user, token=token)
        selectors.grids_import_jurisdiction(request.user, collection=collection)
        result = services.grids_import(
            collection=collection, actor=request.user, crs=commit_form.cleaned_data["crs"]
        )
    except ImportRejected as rejected:
        context.update(problems=rejected.plan.errors, warnings=rejected.plan.warnings)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        import_draft_delete(user=request.user, token=token)
        messages.success(
            request,
            _("Grids imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("grids:map")
    return render(request, "grids/import.html", context, status=422)
