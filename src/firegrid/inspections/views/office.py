"""Office pages: my tasks, the task list (filters, CSV), a task's page and its actions.

The hand-made task is in `office_create`, the reports (calendar, coverage, who is behind,
staffing) in `office_reports`, the read-only configuration pages in `office_config`; this
module's `urlpatterns` gathers them all."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound, PermissionDenied

from .. import selectors
from ..forms import TaskCancelForm, TaskFilterForm, TaskReassignForm
from ..models import Inspection, InspectionTask, Patrol
from ..selectors import TaskFilters
from ..services import person_of, task_cancel, task_reassign, task_start
from . import office_config, office_create, office_reports
from .office_common import (
    PER_PAGE,
    csv_response,
    denied,
    grid_choices,
    may_manage,
    may_manage_somewhere,
    not_found,
    people_choices,
    query_string,
)

OPEN_STATES = (InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS)

# ------------------------------------------------------------------------------ helpers


def start_url(task: InspectionTask) -> str:
    """Where the field form for a task is: the checklist for a place, the check-in for a grid."""
    if task.place_id is None:
        return f"{reverse('inspections:patrol')}?grid={task.grid_id}"
    return reverse("inspections:inspect", args=[task.pk])


def _task_or_404(user: Any, task_id: int) -> InspectionTask:
    try:
        return selectors.task_get(actor=user, task_id=task_id)
    except NotFound as exc:
        raise not_found(exc) from exc


# ------------------------------------------------------------------------------ my tasks


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """A grid worker's landing page: today's or this week's tasks, open ones first."""
    today = timezone.localdate()
    tab = "week" if request.GET.get("tab") == "week" else "today"
    start, end = today, today
    if tab == "week":
        start = today - datetime.timedelta(days=today.weekday())
        end = start + datetime.timedelta(days=6)
    person = person_of(request.user)
    tasks = list(selectors.my_tasks(actor=request.user, start=start, end=end))
    rows = [
        {"task": task, "start_url": start_url(task) if task.state in OPEN_STATES else ""}
        for task in tasks
    ]
    return render(
        request,
        "inspections/office/my_tasks.html",
        {
            "tab": tab,
            "start": start,
            "end": end,
            "today": today,
            "rows": rows,
            "open_count": sum(1 for task in tasks if task.state in OPEN_STATES),
            "has_person": person is not None,
            "current": "my_tasks",
        },
    )


# ------------------------------------------------------------------------------ task list


def _filter_form(request: HttpRequest) -> TaskFilterForm:
    return TaskFilterForm(
        request.GET or None,
        grid_choices=grid_choices(request.user),
        assignee_choices=people_choices(request.user),
    )


def _filter_params(filters: TaskFilters) -> dict[str, Any]:
    return {
        "grid": filters.grid_id or "",
        "state": filters.state,
        "kind": filters.kind,
        "origin": filters.origin,
        "assignee": filters.assignee_id or "",
        "due_from": filters.due_from.isoformat() if filters.due_from else "",
        "due_to": filters.due_to.isoformat() if filters.due_to else "",
        "q": filters.q,
    }


def _filtered_tasks(request: HttpRequest, filters: TaskFilters) -> Any:
    try:
        return selectors.task_list(actor=request.user, filters=filters)
    except NotFound as exc:  # a grid filter outside the scope
        raise not_found(exc) from exc


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks in the viewer's grids, filtered, 25 a page; htmx swaps just the results."""
    form = _filter_form(request)
    filters = form.filters()
    tasks = _filtered_tasks(request, filters)
    page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
    qs = query_string(_filter_params(filters))
    export_url = reverse("inspections:task_export")
    return render(
        request,
        "inspections/office/task_list.html",
        {
            "form": form,
            "page": page,
            "tasks": list(page),
            "query_string": qs,
            "any_filter": bool(qs),
            "export_url": f"{export_url}?{qs}" if qs else export_url,
            "may_create": may_manage_somewhere(request.user),
            "current": "task_list",
        },
    )


EXPORT_HEADER = (
    "id",
    "kind",
    "origin",
    "state",
    "place",
    "grid_code",
    "grid",
    "assignee",
    "window_start",
    "due_on",
    "completed_on",
    "reason",
)


@login_required
@require_GET
def task_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (all pages), one row per task."""
    filters = _filter_form(request).filters()
    tasks = _filtered_tasks(request, filters)
    rows = (
        (
            task.pk,
            task.get_kind_display(),
            task.get_origin_display(),
            task.get_state_display(),
            task.place.name if task.place else "",
            task.grid.code,
            task.grid.name,
            task.assignee.name if task.assignee else "",
            task.window_start.isoformat(),
            task.due_on.isoformat(),
            task.completed_on.isoformat() if task.completed_on else "",
            task.reason,
        )
        for task in tasks.iterator(chunk_size=2000)
    )
    today = timezone.localdate().isoformat()
    return csv_response(f"inspection-tasks-{today}.csv", EXPORT_HEADER, rows)


# ------------------------------------------------------------------------------ a task


def _detail(
    request: HttpRequest,
    task: InspectionTask,
    *,
    cancel_form: TaskCancelForm | None = None,
    reassign_form: TaskReassignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manager = may_manage(request.user, task.grid_path)
    is_open = task.state in OPEN_STATES
    person = person_of(request.user)
    mine = person is not None and task.assignee_id == person.pk
    if manager and is_open and reassign_form is None:
        reassign_form = TaskReassignForm(
            person_choices=people_choices(request.user),
            initial={"person": task.assignee_id},
        )
    return render(
        request,
        "inspections/office/task_detail.html",
        {
            "task": task,
            "inspection": Inspection.objects.filter(task=task).only("pk", "result").first(),
            "patrol": Patrol.objects.filter(task=task).only("pk").first(),
            "may_start": is_open and mine,
            "manager_sees_open": is_open and manager and not mine,
            "mine": mine,
            "start_url": start_url(task),
            "may_cancel": manager and is_open,
            "may_reassign": manager and is_open,
            "cancel_form": cancel_form or TaskCancelForm(),
            "reassign_form": reassign_form,
            "current": "task_list",
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _detail(request, _task_or_404(request.user, task_id))


@login_required
@require_POST
def task_start_view(request: HttpRequest, task_id: int) -> HttpResponse:
    """Mark the task in progress, then open the field form."""
    task = _task_or_404(request.user, task_id)
    try:
        task = task_start(actor=request.user, task_id=task.pk)
    except PermissionDenied as exc:
        return denied(request, exc)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("inspections:task_detail", task_id=task.pk)
    return redirect(start_url(task))


@login_required
@require_POST
def task_cancel_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request.user, task_id)
    form = TaskCancelForm(request.POST)
    if not may_manage(request.user, task.grid_path):
        return denied(request, PermissionDenied(_("Only a manager of the grid may cancel a task.")))
    if not form.is_valid():
        return _detail(request, task, cancel_form=form, status=422)
    try:
        task_cancel(actor=request.user, task_id=task.pk, reason=form.cleaned_data["reason"])
    except PermissionDenied as exc:
        return denied(request, exc)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _detail(request, task, cancel_form=form, status=exc.status)
    return redirect("inspections:task_detail", task_id=task.pk)


@login_required
@require_POST
def task_reassign_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request.user, task_id)
    if not may_manage(request.user, task.grid_path):
        return denied(
            request, PermissionDenied(_("Only a manager of the grid may reassign a task."))
        )
    form = TaskReassignForm(request.POST, person_choices=people_choices(request.user))
    if not form.is_valid():
        return _detail(request, task, reassign_form=form, status=422)
    try:
        task_reassign(actor=request.user, task_id=task.pk, person_id=form.cleaned_data["person"])
    except PermissionDenied as exc:
        return denied(request, exc)
    except ApplicationError as exc:
        form.add_error(None, str(exc.message))
        return _detail(request, task, reassign_form=form, status=exc.status)
    return redirect("inspections:task_detail", task_id=task.pk)


urlpatterns: list[URLPattern] = [
    path("", my_tasks, name="my_tasks"),
    path("tasks/", task_list, name="task_list"),
    path("tasks/export.csv", task_export, name="task_export"),
    path("tasks/new/", office_create.task_create, name="task_create"),
    path("tasks/new/places/", office_create.task_create_places, name="task_create_places"),
    path("tasks/<int:task_id>/", task_detail, name="task_detail"),
    path("tasks/<int:task_id>/start/", task_start_view, name="task_start"),
    path("tasks/<int:task_id>/cancel/", task_cancel_view, name="task_cancel"),
    path("tasks/<int:task_id>/reassign/", task_reassign_view, name="task_reassign"),
    *office_reports.urlpatterns,
    *office_config.urlpatterns,
]
