"""The task state machine (检查任务状态) and the hand-made (unscheduled) task.

planned → in progress → done; planned / in progress → missed (the sweep, at the end of the
window) or cancelled (with a reason, by a manager). One table says what is allowed; one
service applies a transition, checks the actor's right and writes the audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from ..models import InspectionTask

State = InspectionTask.State

# from-state → allowed to-states
TRANSITIONS: dict[str, frozenset[str]] = {
    State.PLANNED: frozenset({State.IN_PROGRESS, State.DONE, State.MISSED, State.CANCELLED}),
    State.IN_PROGRESS: frozenset({State.DONE, State.MISSED, State.CANCELLED, State.PLANNED}),
    State.DONE: frozenset(),
    # An inspection finished inside the window but synced from a phone after the sweep.
    State.MISSED: frozenset({State.DONE}),
    State.CANCELLED: frozenset(),
}
# Transitions a manager of the task's grid makes; the rest belong to the assignee or the system.
MANAGER_ONLY = frozenset({State.CANCELLED})


def person_of(actor: Any) -> Person | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.filter(user=actor).first()


def task_for_actor(*, actor: Any, task_id: int, for_update: bool = False) -> InspectionTask:
    """A task the actor may see (in scope), else NotFound."""
    tasks = InspectionTask.objects.filter(user_scope(actor).q("grid_path"))
    if for_update:
        tasks = tasks.select_for_update()
    task = tasks.filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."))
    return task


def _check_right(*, actor: Any, task: InspectionTask, to: str) -> None:
    scope = user_scope(actor)
    if scope.covers(task.grid_path, manage=True):
        return
    if to in MANAGER_ONLY:
        raise PermissionDenied(
            _("Only a manager of the grid may cancel a task."), code="task_not_manager"
        )
    person = person_of(actor)
    if person is None or task.assignee_id != person.pk:
        raise PermissionDenied(
            _("This task is assigned to someone else."), code="task_not_assignee"
        )


def task_transition(
    *,
    actor: Any,
    task: InspectionTask,
    to: str,
    reason: str = "",
    system: bool = False,
    done_on: datetime.date | None = None,
) -> InspectionTask:
    """Move `task` to state `to` if the table allows it and the actor may; audited.

    `done_on` is the day the work was done (an offline inspection may arrive days later).
    """
    if to not in TRANSITIONS.get(task.state, frozenset()):
        raise ValidationFailed(
            _("A task that is “%(from)s” cannot become “%(to)s”.")
            % {"from": State(task.state).label, "to": State(to).label},
            code="task_bad_transition",
        )
    if not system:
        _check_right(actor=actor, task=task, to=to)
    if _late_for_window(task, to, done_on):
        raise ValidationFailed(
            _("The task's window ended before this work was done."), code="task_window_over"
        )
    if to == State.CANCELLED and not reason.strip():
        raise ValidationFailed(_("Say why the task is cancelled."), code="task_reason_required")
    old = task.state
    task.state = to
    task.state_changed_at = timezone.now()
    fields = ["state", "state_changed_at", "updated_at"]
    if to == State.DONE:
        task.completed_on = done_on or timezone.localdate()
        fields.append("completed_on")
    if reason:
        task.reason = reason.strip()[:300]
        fields.append("reason")
    task.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"inspection_task.{to}",
        target=task,
        data={"changes": {"state": [old, to]}, **({"reason": task.reason} if reason else {})},
    )
    return task


def _late_for_window(task: InspectionTask, to: str, done_on: datetime.date | None) -> bool:
    """A missed task may only become done by work done inside its window."""
    if task.state != State.MISSED or to != State.DONE:
        return False
    return done_on is None or not (task.window_start <= done_on <= task.due_on)


@transaction.atomic
def task_start(*, actor: Any, task_id: int) -> InspectionTask:
    task = task_for_actor(actor=actor, task_id=task_id, for_update=True)
    if task.state == State.IN_PROGRESS:
        return task
    return task_transition(actor=actor, task=task, to=State.IN_PROGRESS)


@transaction.atomic
def task_cancel(*, actor: Any, task_id: int, reason: str) -> InspectionTask:
    task = task_for_actor(actor=actor, task_id=task_id, for_update=True)
    return task_transition(actor=actor, task=task, to=State.CANCELLED, reason=reason)


def assignable_person(actor: Any, person_id: int) -> Person:
    """A person holding an active assignment inside the actor's scope, else a clear error."""
    active = Assignment.objects.active(timezone.localdate()).filter(
        user_scope(actor).q("grid__path")
    )
    person = Person.objects.filter(pk=person_id, assignments__in=active).distinct().first()
    if person is None:
        raise ValidationFailed(
            _("Choose a person who holds a post in your grids."), code="person_unknown"
        )
    return person


@transaction.atomic
def task_reassign(*, actor: Any, task_id: int, person_id: int) -> InspectionTask:
    """A manager hands an open task to another person."""
    task = task_for_actor(actor=actor, task_id=task_id, for_update=True)
    if not user_scope(actor).covers(task.grid_path, manage=True):
        raise PermissionDenied(_("Only a manager of the grid may reassign a task."))
    if task.state not in (State.PLANNED, State.IN_PROGRESS):
        raise ValidationFailed(_("Only an open task can be reassigned."), code="task_closed")
    person = assignable_person(actor, person_id)
    old = task.assignee_id
    task.assignee = person
    task.assigned_via = InspectionTask.Via.MANUAL
    task.save(update_fields=["assignee", "assigned_via", "updated_at"])
    audit_record(
        actor=actor,
        action="inspection_task.reassign",
        target=task,
        data={"changes": {"assignee": [old, person.pk]}},
    )
    return task


@transaction.atomic
def task_create_unscheduled(
    *,
    actor: Any,
    origin: str,
    reason: str,
    due_on: datetime.date,
    place_id: int | None = None,
    grid_id: int | None = None,
    assignee_id: int | None = None,
) -> InspectionTask:
    """A task made by hand (after a complaint, a hazard, a request from above)."""
    if origin == InspectionTask.Origin.SCHEDULE or origin not in InspectionTask.Origin.values:
        raise ValidationFailed(_("Choose why this inspection is needed."), code="task_origin")
    if not reason.strip():
        raise ValidationFailed(_("Say why this inspection is needed."), code="task_reason_required")
    scope = user_scope(actor)
    place = None
    if place_id is not None:
        place = Place.objects.filter(scope.q("grid_path"), pk=place_id).first()
    if place_id is not None and place is None:
        raise NotFound(_("No such place."))
    grid = place.grid if place else None
    if grid is None and grid_id is not None:
        grid = Grid.objects.filter(scope.q("path"), pk=grid_id).first()
    if grid is None:
        raise ValidationFailed(_("Choose a place or a grid."), code="task_target_required")
    if not scope.covers(grid.path, manage=True):
        raise PermissionDenied(_("Only a manager of the grid may create tasks there."))
    assignee = assignable_person(actor, assignee_id) if assignee_id else person_of(actor)
    today = timezone.localdate()
    if due_on < today:
        raise ValidationFailed(_("The due date is in the past."), code="task_due_past")
    task = InspectionTask(
        kind="inspection" if place else "patrol",
        origin=origin,
        place=place,
        grid=grid,
        grid_path=grid.path,
        assignee=assignee,
        assigned_via=InspectionTask.Via.MANUAL if assignee else InspectionTask.Via.NONE,
        period_start=today,
        window_start=today,
        due_on=due_on,
        reason=reason.strip()[:300],
    )
    task.full_clean(exclude=["rule", "place", "assignee", "grid_path"])
    task.save()
    audit_record(
        actor=actor,
        action="inspection_task.create",
        target=task,
        data={"origin": origin, "reason": task.reason, "due_on": due_on.isoformat()},
    )
    return task
