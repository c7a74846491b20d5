"""/api/v1/inspections/tasks: due inspections and patrols (检查任务) and their state changes.

planned → in progress → done | missed | cancelled. The assignee starts a task; a manager of the
task's grid cancels (with a reason) or reassigns it; anyone else in scope gets 403.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Status
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut

from .. import selectors, services
from ..models import Inspection, Patrol
from ..schemas import (
    TaskCancelIn,
    TaskCreateIn,
    TaskDetailOut,
    TaskFiltersIn,
    TaskOut,
    TaskReassignIn,
    WindowIn,
)
from .common import LIST_ERRORS, WRITE_ERRORS, router, task_out


def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = selectors.task_get(actor=request.user, task_id=task_id)
    inspection = Inspection.objects.filter(task=task).values_list("pk", flat=True).first()
    patrol = Patrol.objects.filter(task=task).values_list("pk", flat=True).first()
    return {**task_out(task), "inspection_id": inspection, "patrol_id": patrol}


@router.get("/inspections/tasks", response={200: list[TaskOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_tasks(request: HttpRequest, filters: Query[TaskFiltersIn]) -> Any:
    """Tasks in your scope by due day; filter by grid subtree, state, kind, origin, assignee,
    place, due range or part of the place name."""
    wanted = selectors.TaskFilters(
        grid_id=filters.grid_id,
        state=filters.state or "",
        kind=filters.kind or "",
        origin=filters.origin or "",
        assignee_id=filters.assignee_id,
        place_id=filters.place_id,
        due_from=filters.due_from,
        due_to=filters.due_to,
        q=filters.q,
    )
    return Rows(selectors.task_list(actor=request.user, filters=wanted), task_out)


@router.get("/inspections/tasks/mine", response={200: list[TaskOut], 422: ErrorOut})
@paginate(RenderedPagination, page_size=50)
def my_tasks(request: HttpRequest, window: Query[WindowIn]) -> Any:
    """Your own tasks whose window overlaps [start, end] (default: the coming 7 days), open
    ones first ("my tasks today / this week")."""
    start = window.start or timezone.localdate()
    end = window.end or start + datetime.timedelta(days=6)
    return Rows(selectors.my_tasks(actor=request.user, start=start, end=end), task_out)


@router.get("/inspections/tasks/{int:task_id}", response={200: TaskDetailOut, 404: ErrorOut})
def get_task(request: HttpRequest, task_id: int) -> Any:
    """One task, with the inspection or patrol that completed it."""
    return task_detail(request, task_id)


@router.post("/inspections/tasks", response={201: TaskDetailOut, **WRITE_ERRORS})
def create_task(request: HttpRequest, payload: TaskCreateIn) -> Any:
    """An unscheduled task (after a complaint, a hazard, a request from above), made by a
    manager of the grid: a place inspection (`place_id`) or a grid patrol (`grid_id`)."""
    task = services.task_create_unscheduled(actor=request.user, **payload.dict())
    return Status(201, task_detail(request, task.pk))


@router.post(
    "/inspections/tasks/{int:task_id}/start", response={200: TaskDetailOut, **WRITE_ERRORS}
)
def start_task(request: HttpRequest, task_id: int) -> Any:
    """The assignee starts the task (planned → in progress); starting again changes nothing."""
    services.task_start(actor=request.user, task_id=task_id)
    return task_detail(request, task_id)


@router.post(
    "/inspections/tasks/{int:task_id}/cancel", response={200: TaskDetailOut, **WRITE_ERRORS}
)
def cancel_task(request: HttpRequest, task_id: int, payload: TaskCancelIn) -> Any:
    """A manager of the grid cancels an open task, saying why."""
    services.task_cancel(actor=request.user, task_id=task_id, reason=payload.reason)
    return task_detail(request, task_id)


@router.post(
    "/inspections/tasks/{int:task_id}/reassign", response={200: TaskDetailOut, **WRITE_ERRORS}
)
def reassign_task(request: HttpRequest, task_id: int, payload: TaskReassignIn) -> Any:
    """A manager of the grid hands an open task to another person."""
    services.task_reassign(actor=request.user, task_id=task_id, person_id=payload.person_id)
    return task_detail(request, task_id)
