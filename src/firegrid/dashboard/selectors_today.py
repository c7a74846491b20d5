""" "Today" (今日待办): what waits for the logged-in person, on one phone screen.

Every block reuses the owning app's own read: the person's open tasks (inspections), the hazards
waiting for them (`hazards.selectors.hazard_actions_for`, the rule of "my actions"), the citizen
reports they may triage (`reports.selectors.report_queue` limited to the grids where
`DataScope.may_triage_in` holds), their unread notifications. A person holding several grids (a
包片领导, a worker posted in two grids) also gets one row per grid side by side, counted with one
query per kind of record whatever the number of grids.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.hazards.selectors import ActionGroup, hazard_actions_for
from firegrid.inspections.models import InspectionTask
from firegrid.inspections.selectors import TASK_RELATED
from firegrid.notifications.models import Notification
from firegrid.notifications.selectors import notification_list, notification_unread_count
from firegrid.people.models import Assignment, Person, Role
from firegrid.people.scope import DataScope, user_scope
from firegrid.reports.models import Report
from firegrid.reports.selectors import QueueFilters, report_queue

OPEN_TASK_STATES = (InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS)
TASK_LIMIT = 50  # rows per task list; the count says how many there are in all
REPORT_LIMIT = 5
NOTIFICATION_LIMIT = 5
# Roles that hold grids to supervise rather than tasks of their own: their grids are always
# shown side by side, even one.
SUPERVISING_ROLES = frozenset({"contracting_leader"})


@dataclass
class GridRow:
    """One grid the person holds: its subtree's open tasks due today / overdue, open hazards,
    and reports awaiting triage (None where the person may not triage)."""

    grid: Grid
    roles: list[Role]
    due_today: int = 0
    overdue: int = 0
    open_hazards: int = 0
    to_triage: int | None = None


@dataclass
class TodayView:
    day: datetime.date
    person: Person | None
    due_today: list[InspectionTask] = field(default_factory=list)
    due_today_count: int = 0
    overdue: list[InspectionTask] = field(default_factory=list)
    overdue_count: int = 0
    later_count: int = 0  # open now (window started), due after today
    hazard_groups: list[ActionGroup] = field(default_factory=list)
    may_triage: bool = False
    reports: list[Report] = field(default_factory=list)
    reports_count: int = 0
    notifications: list[Notification] = field(default_factory=list)
    unread_count: int = 0
    grids: list[GridRow] = field(default_factory=list)

    @property
    def hazard_count(self) -> int:
        return sum(len(group.hazards) for group in self.hazard_groups)


def _any_prefix(field_name: str, paths: Any) -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths))


def _triage_q(scope: DataScope) -> Q:
    """Reports under a grid where the viewer triages (`DataScope.may_triage_in`, as SQL)."""
    return Q() if scope.everything else _any_prefix("grid_path", scope.triage_paths)


def today_for(user: Any, *, day: datetime.date | None = None) -> TodayView:
    """What waits for `user` on `day` (today by default)."""
    day = day or timezone.localdate()
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    view = TodayView(day=day, person=person)
    scope = user_scope(user)
    if person is not None:
        _tasks(view, person, day)
    view.hazard_groups = hazard_actions_for(user, today=day)
    view.may_triage = scope.everything or bool(scope.triage_paths)
    if view.may_triage:
        to_triage = report_queue(user, QueueFilters(state=Report.State.NEW)).filter(
            _triage_q(scope)
        )
        view.reports = list(to_triage[:REPORT_LIMIT])
        view.reports_count = (
            len(view.reports) if len(view.reports) < REPORT_LIMIT else to_triage.count()
        )
    view.notifications = list(notification_list(user, unread=True)[:NOTIFICATION_LIMIT])
    view.unread_count = (
        len(view.notifications)
        if len(view.notifications) < NOTIFICATION_LIMIT
        else notification_unread_count(user)
    )
    if person is not None:
        view.grids = grid_rows(person=person, scope=scope, day=day)
    return view


def _tasks(view: TodayView, person: Person, day: datetime.date) -> None:
    mine = InspectionTask.objects.filter(assignee=person, state__in=OPEN_TASK_STATES)
    counts = mine.aggregate(
        due_today=Count("id", filter=Q(due_on=day)),
        overdue=Count("id", filter=Q(due_on__lt=day)),
        later=Count("id", filter=Q(due_on__gt=day, window_start__lte=day)),
    )
    view.due_today_count = counts["due_today"]
    view.overdue_count = counts["overdue"]
    view.later_count = counts["later"]
    listed = mine.select_related(*TASK_RELATED).order_by("due_on", "grid_path", "id")
    if view.due_today_count:
        view.due_today = list(listed.filter(due_on=day)[:TASK_LIMIT])
    if view.overdue_count:
        view.overdue = list(listed.filter(due_on__lt=day)[:TASK_LIMIT])


def grid_rows(*, person: Person, scope: DataScope, day: datetime.date) -> list[GridRow]:
    """The grids `person` holds on `day`, side by side — only when they hold several, or hold
    one to supervise (包片领导); a worker with one grid already sees it all above."""
    posts = list(
        Assignment.objects.active(day)
        .filter(person=person)
        .select_related("grid", "role")
        .order_by("grid__path", "role__sort_order")
    )
    rows: dict[int, GridRow] = {}
    for post in posts:
        row = rows.setdefault(post.grid_id, GridRow(grid=post.grid, roles=[]))
        if post.role not in row.roles:
            row.roles.append(post.role)
    supervising = any(post.role.code in SUPERVISING_ROLES for post in posts)
    if len(rows) < 2 and not supervising:
        return []
    result = list(rows.values())
    _count_tasks(result, day)
    _count_hazards(result)
    _count_reports(result, scope)
    return result


def _per_grid(rows: list[GridRow], prefix: str, condition: Q) -> dict[str, Any]:
    return {
        f"{prefix}_{i}": Count("id", filter=Q(grid_path__startswith=row.grid.path) & condition)
        for i, row in enumerate(rows)
    }


def _subtrees(rows: list[GridRow]) -> Q:
    return _any_prefix("grid_path", [row.grid.path for row in rows])


def _count_tasks(rows: list[GridRow], day: datetime.date) -> None:
    counts = (
        InspectionTask.objects.filter(_subtrees(rows), state__in=OPEN_TASK_STATES, due_on__lte=day)
        .aggregate(
            **_per_grid(rows, "today", Q(due_on=day)),
            **_per_grid(rows, "overdue", Q(due_on__lt=day)),
        )
    )  # fmt: skip
    for i, row in enumerate(rows):
        row.due_today = counts[f"today_{i}"]
        row.overdue = counts[f"overdue_{i}"]


def _count_hazards(rows: list[GridRow]) -> None:
    counts = Hazard.objects.filter(_subtrees(rows)).exclude(state__in=Hazard.CLOSED_STATES)
    values = counts.aggregate(**_per_grid(rows, "open", Q()))
    for i, row in enumerate(rows):
        row.open_hazards = values[f"open_{i}"]


def _count_reports(rows: list[GridRow], scope: DataScope) -> None:
    triaged = [row for row in rows if scope.may_triage_in(row.grid.path)]
    if not triaged:
        return
    reports = Report.objects.filter(_subtrees(triaged), state=Report.State.NEW, hidden=False)
    values = reports.aggregate(**_per_grid(triaged, "new", Q()))
    for i, row in enumerate(triaged):
        row.to_triage = values[f"new_{i}"]
