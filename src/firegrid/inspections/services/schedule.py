"""The schedule sweep: rules → `InspectionTask`s for named people, and missed windows.

Generation is idempotent: for each rule and target it knows the last day already covered by a
task (any state but cancelled) and only adds periods that start after it, so a second run, or a
run over an overlapping range, adds nothing. Rows go in with one bulk insert; one audit event
records the run and its counts per rule.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from firegrid.core.audit import audit_record, audit_record_many
from firegrid.core.bulk import insert_rows, large_write_cache, reserve_ids
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.people.models import Assignment, Leave
from firegrid.registry.models import Place

from ..models import Inspection, InspectionTask, ScheduleRule
from ..periods import periods_overlapping, relaxed, window_of

TASK_COLUMNS = (
    "id", "created_at", "updated_at", "kind", "origin", "rule_id", "place_id", "grid_id",
    "grid_path", "assignee_id", "assigned_via", "frequency", "period_start", "window_start",
    "due_on", "state", "state_changed_at", "completed_on", "reason",
)  # fmt: skip


@dataclass
class GenerateResult:
    start: datetime.date
    end: datetime.date
    created: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    unassigned: int = 0


@dataclass(frozen=True)
class Target:
    """A place (inspection rules) or a grid (patrol rules) a rule makes tasks for."""

    place_id: int | None
    grid_id: int
    grid_path: str
    risk_level: str = ""


@dataclass
class Staff:
    """Who holds a rule's role per grid, and who is away when."""

    holders: dict[int, list[tuple[int, int | None, datetime.date, datetime.date | None]]]
    leaves: dict[int, list[tuple[datetime.date, datetime.date]]]

    def pick(
        self, grid_id: int | None, first: datetime.date, last: datetime.date
    ) -> tuple[int | None, str]:
        """The person for a window: the holder in post, else the AB partner, else nobody."""
        if grid_id is None:
            return None, InspectionTask.Via.NONE
        for person_id, backup_id, start_on, end_on in self.holders.get(grid_id, []):
            if start_on > last or (end_on is not None and end_on < first):
                continue
            if not self.away(person_id, first, last):
                return person_id, InspectionTask.Via.PRIMARY
            if backup_id is not None and not self.away(backup_id, first, last):
                return backup_id, InspectionTask.Via.BACKUP
        return None, InspectionTask.Via.NONE

    def away(self, person_id: int, first: datetime.date, last: datetime.date) -> bool:
        """On leave for more than half of the window (the whole of a one-day window)."""
        days = (last - first).days + 1
        off = 0
        for start_on, end_on in self.leaves.get(person_id, []):
            overlap = (min(last, end_on) - max(first, start_on)).days + 1
            off += max(0, overlap)
        return off * 2 > days


def _staff(rule: ScheduleRule, start: datetime.date, end: datetime.date) -> Staff:
    holders: dict[int, list[tuple[int, int | None, datetime.date, datetime.date | None]]] = (
        defaultdict(list)
    )
    rows = (
        Assignment.objects.filter(role__in=rule.roles.all(), grid__depth=rule.grid_depth)
        .filter(Q(start_on__lte=end), Q(end_on__isnull=True) | Q(end_on__gte=start))
        .order_by("grid_id", "role__sort_order", "start_on", "person_id")
        .values_list("grid_id", "person_id", "backup_id", "start_on", "end_on")
    )
    for grid_id, person_id, backup_id, start_on, end_on in rows:
        holders[grid_id].append((person_id, backup_id, start_on, end_on))
    leaves: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for person_id, start_on, end_on in Leave.objects.filter(
        start_on__lte=end, end_on__gte=start
    ).values_list("person_id", "start_on", "end_on"):
        leaves[person_id].append((start_on, end_on))
    return Staff(holders=holders, leaves=leaves)


def rule_targets(rule: ScheduleRule) -> Iterable[Target]:
    """The places or grids a rule covers now (places in business only)."""
    if rule.kind == ScheduleRule.Kind.PATROL:
        grids = Grid.objects.filter(depth=rule.grid_depth)
        if rule.jurisdiction_id is not None:
            grids = grids.filter(jurisdiction_id=rule.jurisdiction_id)
        for grid_id, path in grids.values_list("id", "path").iterator(chunk_size=5000):
            yield Target(None, grid_id, path)
        return
    places = Place.objects.filter(status=Place.Status.ACTIVE)
    if rule.jurisdiction_id is not None:
        places = places.filter(grid__jurisdiction_id=rule.jurisdiction_id)
    type_ids = list(rule.place_types.values_list("id", flat=True))
    if type_ids:
        places = places.filter(place_type_id__in=type_ids)
    if rule.risk_levels:
        places = places.filter(risk_level__in=rule.risk_levels)
    if rule.key_units_only:
        places = places.filter(is_key_unit=True)
    rows = places.order_by("id").values_list("id", "grid_id", "grid_path", "risk_level")
    for place_id, grid_id, path, risk in rows.iterator(chunk_size=5000):
        yield Target(place_id, grid_id, path, risk)


def holder_grid(path: str, depth: int) -> int | None:
    """The id of the ancestor (or self) at `depth` on a materialised path "/1/5/23/"."""
    parts = path.strip("/").split("/")
    return int(parts[depth]) if depth < len(parts) else None


class FrequencyPolicy:
    """The effective frequency of a rule for one place: risk, open hazards, clean streaks."""

    def __init__(self, rule: ScheduleRule, place_ids: list[int]) -> None:
        self.rule = rule
        self.open_hazard: set[int] = set()
        self.clean_streak: dict[int, int] = {}
        if rule.kind != ScheduleRule.Kind.INSPECTION:
            return
        if rule.frequency_open_hazard:
            self.open_hazard = set(
                Hazard.objects.open()
                .filter(place_id__isnull=False)
                .values_list("place_id", flat=True)
                .distinct()
            )
        if rule.relax_after_clean:
            self.clean_streak = _clean_streaks(place_ids, rule.relax_after_clean * 3)

    def frequency(self, target: Target) -> str:
        rule = self.rule
        if target.place_id is not None and target.place_id in self.open_hazard:
            return rule.frequency_open_hazard
        base: str = rule.frequency_by_risk.get(target.risk_level) or rule.frequency
        if rule.relax_after_clean and target.place_id is not None:
            steps = self.clean_streak.get(target.place_id, 0) // rule.relax_after_clean
            if steps:
                return relaxed(base, steps=steps, cap=rule.relax_cap or base)
        return base


def _clean_streaks(place_ids: list[int], longest: int) -> dict[int, int]:
    """Clean inspections in a row, newest first, per place (counting stops at `longest`)."""
    streaks: dict[int, int] = {}
    broken: set[int] = set()
    rows = (
        Inspection.objects.filter(place_id__in=place_ids)
        .order_by("place_id", "-finished_at")
        .values_list("place_id", "result")
    )
    for place_id, result in rows.iterator(chunk_size=5000):
        if place_id in broken:
            continue
        if result != Inspection.Result.CLEAN or streaks.get(place_id, 0) >= longest:
            broken.add(place_id)
            continue
        streaks[place_id] = streaks.get(place_id, 0) + 1
    return streaks


class _Windows:
    """The (period start, window start, due) triples of [start, end], once per frequency."""

    def __init__(self, rule: ScheduleRule, start: datetime.date, end: datetime.date) -> None:
        self.rule, self.start, self.end = rule, start, end
        self.cache: dict[str, list[tuple[datetime.date, datetime.date, datetime.date]]] = {}

    def of(self, frequency: str) -> list[tuple[datetime.date, datetime.date, datetime.date]]:
        if frequency not in self.cache:
            triples = []
            for first, last in periods_overlapping(frequency, self.start, self.end):
                window_start, due_on = window_of(first, last, self.rule.window_days)
                if due_on >= self.start:  # a window already over would be born missed
                    triples.append((first, window_start, due_on))
            self.cache[frequency] = triples
        return self.cache[frequency]


def _covered_until(rule: ScheduleRule, start: datetime.date) -> dict[int, datetime.date]:
    """Per target (place id, or grid id for patrols): the last day a task already covers.

    A period overlapping `start` began at most a year before it, so older tasks cannot matter.
    """
    key = "grid_id" if rule.kind == ScheduleRule.Kind.PATROL else "place_id"
    rows = (
        InspectionTask.objects.filter(rule=rule, due_on__gte=start - datetime.timedelta(days=366))
        .exclude(state=InspectionTask.State.CANCELLED)
        .values(key)
        .annotate(last=Max("due_on"))
        .values_list(key, "last")
    )
    return dict(rows)


def _rule_rows(
    rule: ScheduleRule, start: datetime.date, end: datetime.date, now: datetime.datetime
) -> list[list[Any]]:
    targets = list(rule_targets(rule))
    policy = FrequencyPolicy(rule, [t.place_id for t in targets if t.place_id is not None])
    staff = _staff(rule, start - datetime.timedelta(days=366), end)
    covered = _covered_until(rule, start)
    windows = _Windows(rule, start, end)
    rows: list[list[Any]] = []
    for target in targets:
        frequency = policy.frequency(target)
        key = target.grid_id if target.place_id is None else target.place_id
        last_covered = covered.get(key)
        holder = holder_grid(target.grid_path, rule.grid_depth)
        for first, window_start, due_on in windows.of(frequency):
            if last_covered is not None and first <= last_covered:
                continue
            person_id, via = staff.pick(holder, window_start, due_on)
            rows.append(
                [
                    None, now, now, rule.kind, InspectionTask.Origin.SCHEDULE, rule.pk,
                    target.place_id, target.grid_id, target.grid_path, person_id, via,
                    frequency, first, window_start, due_on, InspectionTask.State.PLANNED,
                    None, None, "",
                ]
            )  # fmt: skip
            last_covered = due_on
    return rows


@transaction.atomic
def schedule_generate(
    *,
    start: datetime.date,
    end: datetime.date,
    actor: Any = None,
    rules: Iterable[ScheduleRule] | None = None,
) -> GenerateResult:
    """Create the tasks of every active rule for the periods overlapping [start, end].

    A period whose window ended before `start` is skipped (it would be born missed).
    """
    if end < start:
        raise ValueError("end before start")
    now = timezone.now()
    result = GenerateResult(start=start, end=end)
    chosen = list(rules) if rules is not None else list(ScheduleRule.objects.filter(active=True))
    all_rows: list[list[Any]] = []
    for rule in chosen:
        rows = _rule_rows(rule, start, end, now)
        result.per_rule[rule.code] = len(rows)
        all_rows.extend(rows)
    ids = reserve_ids(InspectionTask, len(all_rows))
    for pk, row in zip(ids, all_rows, strict=True):
        row[0] = pk
        if row[9] is None:
            result.unassigned += 1
    with large_write_cache():
        insert_rows(InspectionTask, TASK_COLUMNS, all_rows)
    result.created = len(all_rows)
    if not all_rows:
        return result  # nothing changed, nothing to record
    audit_record(
        actor=actor,
        action="inspections.schedule_generate",
        data={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "created": result.created,
            "unassigned": result.unassigned,
            "per_rule": result.per_rule,
        },
    )
    return result


@transaction.atomic
def tasks_mark_missed(*, today: datetime.date, actor: Any = None) -> int:
    """Tasks whose window ended before `today` without an inspection become missed."""
    open_states = [InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS]
    late = InspectionTask.objects.select_for_update().filter(
        state__in=open_states, due_on__lt=today
    )
    rows = list(late.values_list("id", "state", "due_on"))
    if not rows:
        return 0
    now = timezone.now()
    InspectionTask.objects.filter(id__in=[r[0] for r in rows]).update(
        state=InspectionTask.State.MISSED, state_changed_at=now, updated_at=now
    )
    audit_record_many(
        actor=actor,
        events=[
            (
                "inspection_task.missed",
                ("inspections.inspectiontask", str(pk)),
                {"changes": {"state": [state, InspectionTask.State.MISSED]}, "due_on": str(due)},
            )
            for pk, state, due in rows
        ],
    )
    return len(rows)


def schedule_sweep(*, today: datetime.date, horizon_days: int) -> tuple[GenerateResult, int]:
    """The daily sweep: mark yesterday's windows missed, then plan the coming days."""
    missed = tasks_mark_missed(today=today)
    generated = schedule_generate(start=today, end=today + datetime.timedelta(days=horizon_days))
    return generated, missed
