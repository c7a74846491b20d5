"""Reads of the inspections app, every one filtered by the viewer's data scope.

Coverage counts tasks *due* in a range: done, missed, still open, cancelled. Its on-time rate is
the metrics layer's `tasks_on_time_rate` (one number, one definition): tasks done on time ÷
tasks due, where a task still open after its due day counts as not on time and tasks not yet
due (or cancelled) are left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound
from firegrid.core.i18n import localized_name
from firegrid.grids.models import Grid
from firegrid.grids.selectors import grid_get
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from .models import Inspection, InspectionPhoto, InspectionTask, Patrol, ScheduleRule
from .periods import PER_MONTH
from .services.schedule import FrequencyPolicy, holder_grid, rule_targets
from .services.tasks import person_of

State = InspectionTask.State
OPEN_STATES = (State.PLANNED, State.IN_PROGRESS)
TASK_RELATED = ("place", "place__place_type", "grid", "grid__level", "assignee", "rule")


@dataclass
class TaskFilters:
    grid_id: int | None = None
    state: str = ""
    kind: str = ""
    origin: str = ""
    assignee_id: int | None = None
    place_id: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: str = ""


def scoped_grid(actor: Any, grid_id: int | None) -> Grid | None:
    """The grid named (NotFound outside the scope), or None for "everything I see"."""
    return None if grid_id is None else grid_get(actor, grid_id)


def _tasks_in(actor: Any, grid: Grid | None) -> QuerySet[InspectionTask]:
    tasks = InspectionTask.objects.filter(user_scope(actor).q("grid_path"))
    if grid is not None:
        tasks = tasks.filter(grid_path__startswith=grid.path)
    return tasks


def task_list(*, actor: Any, filters: TaskFilters) -> QuerySet[InspectionTask]:
    tasks = _tasks_in(actor, scoped_grid(actor, filters.grid_id))
    exact = {
        "state": filters.state,
        "kind": filters.kind,
        "origin": filters.origin,
        "assignee_id": filters.assignee_id,
        "place_id": filters.place_id,
        "due_on__gte": filters.due_from,
        "due_on__lte": filters.due_to,
    }
    tasks = tasks.filter(**{key: value for key, value in exact.items() if value})
    if filters.q.strip():
        tasks = tasks.filter(place__name__icontains=filters.q.strip())
    return tasks.select_related(*TASK_RELATED).order_by("due_on", "grid_path", "id")


def task_get(*, actor: Any, task_id: int) -> InspectionTask:
    task = _tasks_in(actor, None).select_related(*TASK_RELATED).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."))
    return task


def my_tasks(*, actor: Any, start: datetime.date, end: datetime.date) -> QuerySet[InspectionTask]:
    """The actor's own tasks whose window overlaps [start, end]; open ones first."""
    person = person_of(actor)
    if person is None:
        return InspectionTask.objects.none()
    return (
        InspectionTask.objects.filter(assignee=person, window_start__lte=end, due_on__gte=start)
        .select_related(*TASK_RELATED)
        .annotate(closed=Case(When(state__in=OPEN_STATES, then=0), default=1))
        .order_by("closed", "due_on", "grid_path", "id")
    )


def calendar_month(
    *, actor: Any, grid: Grid, month: datetime.date
) -> dict[datetime.date, list[InspectionTask]]:
    """Tasks of a grid's subtree (a grid from `scoped_grid`) due in `month`, by due date."""
    first = month.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    tasks = (
        _tasks_in(actor, grid)
        .filter(due_on__gte=first, due_on__lte=last)
        .select_related(*TASK_RELATED)
        .order_by("due_on", "id")
    )
    days: dict[datetime.date, list[InspectionTask]] = defaultdict(list)
    for task in tasks:
        days[task.due_on].append(task)
    return dict(days)


@dataclass
class CoverageRow:
    grid: Grid | None
    due: int = 0
    done: int = 0
    missed: int = 0
    open: int = 0
    cancelled: int = 0
    # From the metrics layer (tasks_on_time_rate): done on time, and the tasks it judges.
    on_time: int = 0
    judged: int = 0

    @property
    def rate(self) -> float | None:
        return None if self.judged == 0 else self.on_time / self.judged


@dataclass
class CoverageReport:
    grid: Grid | None
    start: datetime.date
    end: datetime.date
    rows: list[CoverageRow]
    total: CoverageRow
    missed: QuerySet[InspectionTask]
    never_inspected: QuerySet[Place]


def _child_grids(actor: Any, grid: Grid | None) -> list[Grid]:
    """The rows of a coverage table: the grid's children, or the viewer's top grids."""
    grids = Grid.objects.filter(user_scope(actor).q("path")).select_related("level")
    if grid is not None:
        return list(grids.filter(parent=grid).order_by("code"))
    scoped = list(grids.order_by("depth", "code"))
    if not scoped:
        return []
    top = scoped[0].depth
    return [g for g in scoped if g.depth == top]


def coverage(
    *,
    actor: Any,
    grid_id: int | None,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> CoverageReport:
    grid = scoped_grid(actor, grid_id)
    due = _tasks_in(actor, grid).filter(due_on__gte=start, due_on__lte=end)
    children = _child_grids(actor, grid)
    rows = [CoverageRow(child) for child in children]
    total = CoverageRow(grid)
    counts = due.values("grid_path", "state").annotate(n=Count("id")).order_by()
    for entry in counts:
        targets = [total] + [
            row for row in rows if row.grid and entry["grid_path"].startswith(row.grid.path)
        ]
        for row in targets:
            _add(row, entry["state"], entry["n"])
    _add_on_time_rates(actor, grid, total, rows, start, end, today or timezone.localdate())
    missed = due.filter(state=State.MISSED).select_related(*TASK_RELATED).order_by("due_on", "id")
    return CoverageReport(
        grid=grid,
        start=start,
        end=end,
        rows=rows,
        total=total,
        missed=missed,
        never_inspected=places_never_inspected(actor=actor, grid=grid),
    )


def _add_on_time_rates(
    actor: Any,
    grid: Grid | None,
    total: CoverageRow,
    rows: list[CoverageRow],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> None:
    """The on-time rate of the metrics layer, for the unit and each row (a range that starts
    after today has nothing judged yet)."""
    if start > today:
        return
    # Imported here: the metrics layer sits above this app and imports its models.
    from firegrid.metrics import Period, metric_breakdown

    code = "tasks_on_time_rate"
    unit, per_row = metric_breakdown(
        actor=actor,
        grid_id=None if grid is None else grid.pk,
        grids=[row.grid for row in rows if row.grid is not None],
        period=Period(start, end),
        codes=[code],
        today=today,
    )
    for row, figures in zip([total, *rows], [unit, *per_row], strict=True):
        row.on_time = figures[code].numerator or 0
        row.judged = figures[code].denominator or 0


def _add(row: CoverageRow, state: str, n: int) -> None:
    row.due += n
    if state == State.DONE:
        row.done += n
    elif state == State.MISSED:
        row.missed += n
    elif state == State.CANCELLED:
        row.cancelled += n
    else:
        row.open += n


def places_never_inspected(*, actor: Any, grid: Grid | None) -> QuerySet[Place]:
    places = Place.objects.filter(user_scope(actor).q("grid_path"), status=Place.Status.ACTIVE)
    if grid is not None:
        places = places.filter(grid_path__startswith=grid.path)
    inspected = Inspection.objects.filter(place=OuterRef("pk"))
    return (
        places.filter(~Exists(inspected))
        .select_related("place_type", "grid")
        .order_by("grid_path", "name", "id")
    )


@dataclass
class PersonLoad:
    person: Person
    assigned: int = 0
    done: int = 0
    missed: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        judged = self.done + self.missed
        return None if judged == 0 else self.done / judged


def behind(
    *,
    actor: Any,
    grid_id: int | None,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> list[PersonLoad]:
    """Per assignee, tasks due in [start, end]: done, missed, overdue; worst first."""
    today = today or timezone.localdate()
    tasks = _tasks_in(actor, scoped_grid(actor, grid_id)).filter(
        due_on__gte=start, due_on__lte=end, assignee__isnull=False
    )
    counts = list(
        tasks.values("assignee_id", "state")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
        .order_by()
    )
    loads: dict[int, PersonLoad] = {}
    people = Person.objects.in_bulk({c["assignee_id"] for c in counts})
    for entry in counts:
        load = loads.setdefault(entry["assignee_id"], PersonLoad(people[entry["assignee_id"]]))
        if entry["state"] == State.CANCELLED:
            continue
        load.assigned += entry["n"]
        if entry["state"] == State.DONE:
            load.done += entry["n"]
        elif entry["state"] == State.MISSED:
            load.missed += entry["n"]
        else:
            load.overdue += entry["late"]
    return sorted(loads.values(), key=_worst_first)


def _worst_first(load: PersonLoad) -> tuple[int, float, str]:
    rate = 1.0 if load.rate is None else load.rate
    return (-(load.missed + load.overdue), rate, load.person.name)


@dataclass
class StaffingRow:
    grid: Grid
    demand_hours: float = 0.0
    capacity_hours: float = 0.0
    people: list[str] = field(default_factory=list)
    by_rule: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def shortfall_hours(self) -> float:
        return max(0.0, self.demand_hours - self.capacity_hours)

    @property
    def feasible(self) -> bool:
        return self.demand_hours <= self.capacity_hours


def staffing(*, actor: Any, grid_id: int | None) -> list[StaffingRow]:
    """Per grid holding a rule's roles: hours a month the rules demand against the hours its
    people have (Role.inspection_hours_month), counting each person once per grid."""
    grid = scoped_grid(actor, grid_id)
    scope_q = user_scope(actor).q("path")
    rows: dict[int, StaffingRow] = {}
    for rule in ScheduleRule.objects.filter(active=True).prefetch_related("roles", "place_types"):
        per_grid = _rule_demand(rule)
        grids = Grid.objects.filter(scope_q, pk__in=list(per_grid)).select_related("level")
        if grid is not None:
            grids = grids.filter(path__startswith=grid.path)
        for holder in grids:
            tasks_month = per_grid[holder.pk]
            hours = tasks_month * rule.duration_minutes / 60
            row = rows.setdefault(holder.pk, StaffingRow(holder))
            row.demand_hours += hours
            row.by_rule.append((localized_name(rule), round(tasks_month), round(hours, 1)))
    _add_capacity(rows)
    return sorted(rows.values(), key=lambda r: (-r.shortfall_hours, r.grid.path))


def _rule_demand(rule: ScheduleRule) -> dict[int, float]:
    """Tasks a month per holder grid (the grid at the rule's depth above each target)."""
    targets = list(rule_targets(rule))
    policy = FrequencyPolicy(rule, [t.place_id for t in targets if t.place_id is not None])
    demand: dict[int, float] = defaultdict(float)
    for target in targets:
        holder = holder_grid(target.grid_path, rule.grid_depth)
        if holder is not None:
            demand[holder] += PER_MONTH[policy.frequency(target)]
    return demand


def _add_capacity(rows: dict[int, StaffingRow]) -> None:
    rule_roles = set(ScheduleRule.objects.filter(active=True).values_list("roles", flat=True))
    assignments = (
        Assignment.objects.active(timezone.localdate())
        .filter(grid_id__in=list(rows), role_id__in=rule_roles)
        .select_related("person", "role")
        .order_by("grid_id", "role__sort_order", "person__name")
    )
    seen: set[tuple[int, int]] = set()
    for assignment in assignments:
        key = (assignment.grid_id, assignment.person_id)
        if key in seen:
            continue
        seen.add(key)
        row = rows[assignment.grid_id]
        row.capacity_hours += assignment.role.inspection_hours_month
        row.people.append(assignment.person.name)


def inspection_list(
    *,
    actor: Any,
    place_id: int | None = None,
    grid_id: int | None = None,
    inspector_id: int | None = None,
    since: datetime.date | None = None,
) -> QuerySet[Inspection]:
    inspections = Inspection.objects.filter(user_scope(actor).q("grid_path"))
    grid = scoped_grid(actor, grid_id)
    if grid is not None:
        inspections = inspections.filter(grid_path__startswith=grid.path)
    if place_id is not None:
        inspections = inspections.filter(place_id=place_id)
    if inspector_id is not None:
        inspections = inspections.filter(inspector_id=inspector_id)
    if since is not None:
        inspections = inspections.filter(finished_at__date__gte=since)
    return inspections.select_related("place", "place__place_type", "grid", "inspector", "template")


def inspection_get(*, actor: Any, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.filter(user_scope(actor).q("grid_path"), pk=inspection_id)
        .select_related("place", "grid", "inspector", "template", "task")
        .prefetch_related("answers__item", "photos", "hazards__category")
        .first()
    )
    if inspection is None:
        raise NotFound(_("No such inspection."))
    return inspection


def patrol_list(
    *, actor: Any, grid_id: int | None = None, person_id: int | None = None
) -> QuerySet[Patrol]:
    patrols = Patrol.objects.filter(user_scope(actor).q("grid_path"))
    grid = scoped_grid(actor, grid_id)
    if grid is not None:
        patrols = patrols.filter(grid_path__startswith=grid.path)
    if person_id is not None:
        patrols = patrols.filter(person_id=person_id)
    return patrols.select_related("grid", "person")


def patrol_get(*, actor: Any, patrol_id: int) -> Patrol:
    patrol = (
        Patrol.objects.filter(user_scope(actor).q("grid_path"), pk=patrol_id)
        .select_related("grid", "person", "task")
        .prefetch_related("photos", "hazards__category")
        .first()
    )
    if patrol is None:
        raise NotFound(_("No such patrol."))
    return patrol


def photo_get(*, actor: Any, photo_id: int) -> InspectionPhoto:
    """A field photo of an inspection or patrol the actor may see, else NotFound."""
    scope = user_scope(actor)
    photo = (
        InspectionPhoto.objects.filter(
            scope.q("inspection__grid_path") | scope.q("patrol__grid_path"), pk=photo_id
        )
        .only("pk", "image")
        .first()
    )
    if photo is None:
        raise NotFound(_("No such photo."))
    return photo
