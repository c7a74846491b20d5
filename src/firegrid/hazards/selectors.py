"""Reads of hazards, filtered by the viewer's data scope (outside it: not found)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from firegrid.core.errors import NotFound
from firegrid.inspections.selectors import scoped_grid
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope

from .models import Hazard, HazardPhoto
from .services.lifecycle import STEPS

S = Hazard.State
# Open hazards whose clock runs without anyone having to ask: the notice's deadline.
NOTICE_STATES = (S.NOTICE_ISSUED, S.RECTIFYING)
SORTS = {
    "found": ("-found_at", "-id"),
    "found_asc": ("found_at", "id"),
    "due": (F("next_due").asc(nulls_last=True), "-found_at", "-id"),
    "severity": ("-severity_rank", "-found_at", "-id"),
    "state": ("state", "-found_at", "-id"),
}
SEVERITY_RANK = Case(
    When(severity=Hazard.Severity.MAJOR, then=Value(3)),
    When(severity=Hazard.Severity.LARGER, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


@dataclass
class HazardFilters:
    state: str = ""  # a state, or "open" for every state but closed and rejected
    category: str = ""
    place_id: int | None = None
    grid_id: int | None = None
    states: Sequence[str] = ()  # several states (and/or "open"); joined with `state`
    overdue: bool = False  # open and a deadline (next_due / notice deadline) has passed
    severity: str = ""
    source: str = ""
    q: str = ""  # place name or address, or the description
    found_from: datetime.date | None = None
    found_to: datetime.date | None = None
    sort: str = "found"  # one of SORTS
    today: datetime.date | None = None  # for `overdue`; today by default


def overdue_q(today: datetime.date) -> Q:
    """Open hazards past a clock: next_due passed, a notice's deadline passed, or already
    marked overdue / escalated."""
    return ~Q(state__in=Hazard.CLOSED_STATES) & (
        Q(next_due__lt=today)
        | Q(state__in=(S.OVERDUE, S.ESCALATED))
        | Q(deadline__lt=today, state__in=NOTICE_STATES)
    )


def _scoped(actor: Any) -> QuerySet[Hazard]:
    return Hazard.objects.filter(user_scope(actor).q("grid_path")).select_related(
        "category", "place", "grid", "owner_grid"
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def hazard_list(*, actor: Any, filters: HazardFilters) -> QuerySet[Hazard]:
    hazards = _scoped(actor)
    grid = scoped_grid(actor, filters.grid_id)
    if grid is not None:
        hazards = hazards.filter(grid_path__startswith=grid.path)
    wanted = {s for s in (filters.state, *filters.states) if s}
    if wanted:
        states_q = Q(state__in=sorted(wanted - {"open"}))
        if "open" in wanted:
            states_q |= ~Q(state__in=Hazard.CLOSED_STATES)
        hazards = hazards.filter(states_q)
    if filters.overdue:
        hazards = hazards.filter(overdue_q(filters.today or timezone.localdate()))
    if filters.category.strip():
        hazards = hazards.filter(category__code=filters.category.strip())
    if filters.severity:
        hazards = hazards.filter(severity=filters.severity)
    if filters.source:
        hazards = hazards.filter(source=filters.source)
    if filters.place_id is not None:
        hazards = hazards.filter(place_id=filters.place_id)
    text = filters.q.strip()
    if text:
        hazards = hazards.filter(
            Q(place__name__icontains=text)
            | Q(place__address__icontains=text)
            | Q(description__icontains=text)
        )
    if filters.found_from is not None:
        hazards = hazards.filter(found_at__gte=_day_start(filters.found_from))
    if filters.found_to is not None:
        next_day = filters.found_to + datetime.timedelta(days=1)
        hazards = hazards.filter(found_at__lt=_day_start(next_day))
    order = SORTS.get(filters.sort, SORTS["found"])
    if filters.sort == "severity":
        hazards = hazards.annotate(severity_rank=SEVERITY_RANK)
    return hazards.order_by(*order)


def hazard_get(*, actor: Any, hazard_id: int) -> Hazard:
    hazard = (
        _scoped(actor).select_related("checklist_item", "reported_by").filter(pk=hazard_id).first()
    )
    if hazard is None:
        raise NotFound(_("No such hazard."), code="hazard_not_found")
    return hazard


def hazard_photo_get(*, actor: Any, photo_id: int) -> HazardPhoto:
    """A hazard photo, for viewers who see its hazard (media is not public)."""
    photo = (
        HazardPhoto.objects.filter(user_scope(actor).q("hazard__grid_path"))
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise NotFound(_("No such photo."), code="hazard_photo_not_found")
    return photo


def hazard_is_overdue(hazard: Hazard, today: datetime.date) -> bool:
    if hazard.state in Hazard.CLOSED_STATES:
        return False
    if hazard.state in (S.OVERDUE, S.ESCALATED):
        return True
    if hazard.next_due is not None and hazard.next_due < today:
        return True
    return bool(hazard.deadline and hazard.deadline < today and hazard.state in NOTICE_STATES)


def hazard_steps_for(actor: Any, hazard: Hazard) -> list[str]:
    """The steps the viewer may take on the hazard now (its state allows them and the viewer has
    the right); the service checks again, with the separation of duties, when one is taken."""
    scope = user_scope(actor)
    level = hazard.owner_grid or hazard.grid
    manages = scope.covers(level.path, manage=True)
    works = None  # asked only when a worker step is possible
    allowed = []
    for action, step in STEPS.items():
        if hazard.state not in step.sources or step.who == "system":
            continue
        if step.who == "worker":
            if works is None:
                works = (
                    scope.covers(hazard.grid_path) and Person.objects.filter(user=actor).exists()
                )
            if works:
                allowed.append(action)
        elif manages:
            allowed.append(action)
    return allowed


# ------------------------------------------------------------------------------ my actions


@dataclass
class ActionGroup:
    key: str
    title: Any
    hint: Any
    hazards: list[Hazard] = field(default_factory=list)


GroupSpec = tuple[str, Any, tuple[str, ...], Any]
MANAGER_GROUPS: tuple[GroupSpec, ...] = (
    ("overdue", gettext_lazy("Overdue or escalated to your level"), (S.OVERDUE, S.ESCALATED),
     gettext_lazy("Escalate, or hand over to an agency.")),
    ("reinspect", gettext_lazy("Waiting for re-inspection"), (S.REVIEW_REQUESTED,),
     gettext_lazy("Re-inspect: pass or fail.")),
    ("verify", gettext_lazy("Fixed on the spot, to verify"), (S.FIXED_ON_SPOT,),
     gettext_lazy("Verify the fix.")),
    ("confirm", gettext_lazy("Reported, to confirm or reject"), (S.REPORTED,),
     gettext_lazy("Confirm or reject.")),
)  # fmt: skip
WORKER_GROUPS: tuple[GroupSpec, ...] = (
    ("chase", gettext_lazy("Under a notice: chase and request re-inspection"),
     (*NOTICE_STATES, S.OVERDUE, S.ESCALATED),
     gettext_lazy("Follow the rectification up; request a re-inspection when it is done.")),
    ("fix", gettext_lazy("Confirmed, to fix on the spot"), (S.CONFIRMED,),
     gettext_lazy("Fix it on the spot with a photo, or wait for a notice.")),
)  # fmt: skip


def _any_prefix(field_name: str, paths: Sequence[str]) -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths))


def _office_levels(actor: Any, today: datetime.date) -> Q:
    """Hazards whose responsible level is answered by one of the actor's offices: the level is
    in a subtree the actor manages and no other managing post sits deeper above it (the
    nearest office answers: a street office does not see what its communities handle)."""
    scope = user_scope(actor)
    managed = list(scope.manage_paths)
    if scope.everything:
        managed = [""]
    if not managed:
        return Q(pk__in=[])
    offices = (
        Assignment.objects.active(today)
        .filter(role__can_manage=True)
        .filter(_any_prefix("grid__path", managed))
        .values_list("grid__path", flat=True)
        .distinct()
    )
    deeper = sorted({p for p in offices if p not in managed})
    mine = _any_prefix("level_path", managed)
    if deeper:
        mine &= ~_any_prefix("level_path", deeper)
    return mine


def _worker_paths(actor: Any, today: datetime.date) -> list[str]:
    """The grids where the actor is posted without a managing role (the field posts)."""
    rows = (
        Assignment.objects.active(today)
        .filter(person__user=actor, role__can_manage=False)
        .values_list("grid__path", flat=True)
    )
    return sorted(set(rows))


def _urgent_first(hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
    return hazards.order_by(F("next_due").asc(nulls_last=True), "found_at", "id")


def hazard_actions_for(
    actor: Any, *, today: datetime.date | None = None, limit: int = 200
) -> list[ActionGroup]:
    """ "My actions" (我的待办): hazards waiting for the actor, grouped, most urgent first.

    Offices get what waits at the levels they answer for (confirm, verify, re-inspect, overdue
    or escalated); field workers what is in their grids (fix confirmed ones, chase notices)."""
    today = today or timezone.localdate()
    base = Hazard.objects.filter(user_scope(actor).q("grid_path")).select_related(
        "category", "place", "grid", "owner_grid"
    )
    groups: list[ActionGroup] = []
    office = _office_levels(actor, today)
    leveled = base.annotate(level_path=Coalesce(F("owner_grid__path"), F("grid_path")))
    for key, title, states, hint in MANAGER_GROUPS:
        rows = list(_urgent_first(leveled.filter(office, state__in=states))[:limit])
        if rows:
            groups.append(ActionGroup(key, title, hint, rows))
    posts = _worker_paths(actor, today)
    if posts:
        for key, title, states, hint in WORKER_GROUPS:
            mine = base.filter(_any_prefix("grid_path", posts), state__in=states)
            rows = list(_urgent_first(mine)[:limit])
            if rows:
                groups.append(ActionGroup(key, title, hint, rows))
    return groups


def hazard_actions_count(actor: Any, *, today: datetime.date | None = None) -> int:
    return sum(len(group.hazards) for group in hazard_actions_for(actor, today=today))


# ------------------------------------------------------------------------------ export

EXPORT_HEADER = (
    "编号", "类别", "状态", "严重程度", "来源", "场所", "地址", "网格", "责任层级",
    "发现时间", "整改期限", "下一期限", "是否逾期", "升级次数", "隐患描述",
)  # fmt: skip
EXPORT_WIDTHS = (8, 20, 12, 10, 10, 24, 30, 16, 16, 18, 12, 12, 8, 8, 40)


def hazard_export_rows(
    *, actor: Any, filters: HazardFilters, today: datetime.date | None = None
) -> Iterator[list[Any]]:
    """The filtered list as rows under EXPORT_HEADER (labels in Chinese, as the headers)."""
    today = today or filters.today or timezone.localdate()
    hazards = hazard_list(actor=actor, filters=filters)
    with translation.override("zh-hans"):
        states = {k: str(v) for k, v in S.choices}
        severities = {k: str(v) for k, v in Hazard.Severity.choices}
        sources = {k: str(v) for k, v in Hazard.Source.choices}
        yes, no = "是", "否"
    for hazard in hazards.iterator(chunk_size=500):
        place = hazard.place
        level = hazard.owner_grid or hazard.grid
        open_ = hazard.state not in Hazard.CLOSED_STATES
        yield [
            hazard.pk,
            hazard.category.name,
            states.get(hazard.state, hazard.state),
            severities.get(hazard.severity, hazard.severity),
            sources.get(hazard.source, hazard.source),
            place.name if place else "",
            place.address if place else "",
            hazard.grid.name,
            level.name if open_ else "",
            timezone.localtime(hazard.found_at).strftime("%Y-%m-%d %H:%M"),
            hazard.deadline,
            hazard.next_due if open_ else None,
            yes if hazard_is_overdue(hazard, today) else no,
            hazard.escalations,
            hazard.description,
        ]
