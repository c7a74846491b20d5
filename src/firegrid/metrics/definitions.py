"""Every figure FireGrid shows, defined once (指标定义): what is counted, over which records and
states, by which date the records fall into a period, and what "better" means.

A count metric is a `where(ctx)` filter on one family of records (inspection tasks, hazards,
citizen reports, notices, places). The same filter builds the drill-down list
(`Family.model.objects.filter(where)`) and the grouped count (`Count("pk", filter=where)`), so
the number and the list behind it cannot drift apart. A rate is numerator ÷ denominator of two
count metrics; a "days" metric is computed in working days (holiday calendar) over the records
of a count metric.

Period rules: tasks by `due_on`; hazards found by `found_at`, closed by the time of their
`closed` timeline event, on-time rectification by `deadline`; reports by `requested_at`;
notices by `issued_at` — all in local time (Asia/Shanghai), both ends of the period included.

The honest on-time rate (按时完成率): tasks due in the period, less the cancelled ones and less
those still open inside their window as of `today`; a task still open after its due day counts
as not on time even before the sweep marks it missed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, Model, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from firegrid.hazards.models import Hazard, HazardEvent, RectificationNotice
from firegrid.hazards.selectors import overdue_q
from firegrid.inspections.models import Inspection, InspectionTask
from firegrid.registry.models import Place
from firegrid.reports.models import Report

from .periods import Period

TS = InspectionTask.State
HS = Hazard.State
OPEN_TASK_STATES = (TS.PLANNED, TS.IN_PROGRESS)


@dataclass(frozen=True)
class MetricFilters:
    """Optional narrowing of every figure: a hazard category code, a place type code."""

    category: str = ""
    place_type: str = ""


@dataclass(frozen=True)
class Ctx:
    """What a filter needs: the period and the day "now" is (for open/overdue states)."""

    period: Period
    today: datetime.date

    @property
    def start_at(self) -> datetime.datetime:
        return day_start(self.period.start)

    @property
    def end_before(self) -> datetime.datetime:
        return day_start(self.period.end + datetime.timedelta(days=1))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the local time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Family:
    """One kind of record the metrics count, and how to scope and filter it."""

    model: type[Model]
    path: str  # the grid path field (scope and bucketing)
    place_type: str  # lookup of the place type code ("" = the filter does not apply)
    category: tuple[str, ...]  # lookups of a hazard category code, OR-ed (() = does not apply)
    base: Q = field(default_factory=Q)
    related: tuple[str, ...] = ()
    order: tuple[str, ...] = ("id",)

    def filters_q(self, filters: MetricFilters) -> Q:
        q = Q()
        if filters.place_type and self.place_type:
            q &= Q(**{self.place_type: filters.place_type})
        if filters.category and self.category:
            alternatives = Q()
            for lookup in self.category:
                alternatives |= Q(**{lookup: filters.category})
            q &= alternatives
        return q


FAMILIES: dict[str, Family] = {
    "inspection_task": Family(
        InspectionTask,
        "grid_path",
        "place__place_type__code",
        (),
        related=("place", "grid", "assignee"),
        order=("due_on", "grid_path", "id"),
    ),
    "hazard": Family(
        Hazard,
        "grid_path",
        "place__place_type__code",
        ("category__code",),
        related=("category", "place", "grid"),
        order=("found_at", "id"),
    ),
    "report": Family(
        Report,
        "grid_path",
        "place__place_type__code",
        ("service__hazard_category__code",),
        base=Q(hidden=False),
        related=("service", "grid"),
        order=("requested_at", "id"),
    ),
    "notice": Family(
        RectificationNotice,
        "hazard__grid_path",
        "hazard__place__place_type__code",
        ("hazard__category__code",),
        related=("hazard", "hazard__grid", "office"),
        order=("issued_at", "id"),
    ),
    "place": Family(
        Place,
        "grid_path",
        "place_type__code",
        (),
        base=Q(status=Place.Status.ACTIVE),
        related=("place_type", "grid"),
        order=("grid_path", "name", "id"),
    ),
}


@dataclass(frozen=True)
class Metric:
    code: str
    label: Any  # lazy gettext
    description: Any  # lazy gettext: how it is counted, one sentence
    unit: str  # count | rate | days
    records: str  # the family the drill-down lists
    version: int = 1
    higher_is_better: bool = True
    numerator: str | None = None  # rates: the numerator metric's code
    denominator: str | None = None  # rates: the denominator metric's code
    snapshot: bool = False  # a "now" figure, not bounded by the period
    # How a count is counted (counts and the base of "days" metrics); not part of the API.
    where: Callable[[Ctx], Q] | None = field(default=None, repr=False, compare=False)
    # "days" metrics: "avg" or "p90" of working days found → closed over `records_of`'s records.
    aggregate: str = ""
    records_of: str = ""  # days metrics: the count metric whose records are measured
    internal: bool = False  # a building block of a rate, listed after the public metrics


# ---------------------------------------------------------------------------- the rules


def _due(ctx: Ctx) -> Q:
    return Q(due_on__gte=ctx.period.start, due_on__lte=ctx.period.end)


def _tasks_open_in_window(ctx: Ctx) -> Q:
    return _due(ctx) & Q(state__in=OPEN_TASK_STATES, due_on__gte=ctx.today)


def _tasks_due(ctx: Ctx) -> Q:
    return (
        _due(ctx) & ~Q(state=TS.CANCELLED) & ~Q(state__in=OPEN_TASK_STATES, due_on__gte=ctx.today)
    )


def _on_time() -> Q:
    """Done by the due day; a done task without a completion day was done inside its window
    (the task service refuses work after the window), so it is on time."""
    return Q(completed_on__isnull=True) | Q(completed_on__lte=F("due_on"))


def _found(ctx: Ctx) -> Q:
    return Q(found_at__gte=ctx.start_at, found_at__lt=ctx.end_before)


def _closed_event(**lookups: Any) -> Exists:
    return Exists(HazardEvent.objects.filter(hazard=OuterRef("pk"), to_state=HS.CLOSED, **lookups))


def _event(action: str) -> Exists:
    return Exists(HazardEvent.objects.filter(hazard=OuterRef("pk"), action=action))


def _hazards_closed(ctx: Ctx) -> Q:
    return Q(_closed_event(at__gte=ctx.start_at, at__lt=ctx.end_before))


def _deadline_due(ctx: Ctx) -> Q:
    return Q(deadline__gte=ctx.period.start, deadline__lte=ctx.period.end) & ~Q(state=HS.REJECTED)


def _received(ctx: Ctx) -> Q:
    return Q(requested_at__gte=ctx.start_at, requested_at__lt=ctx.end_before)


def _now_or_end_of(today: datetime.date) -> datetime.datetime:
    """The moment a "now" figure is judged at: now, but no later than the end of `today`."""
    return min(timezone.now(), day_start(today + datetime.timedelta(days=1)))


def _issued(ctx: Ctx) -> Q:
    return Q(issued_at__gte=ctx.start_at, issued_at__lt=ctx.end_before)


def _inspected_in(ctx: Ctx) -> Exists:
    return Exists(
        Inspection.objects.filter(
            place=OuterRef("pk"), finished_at__gte=ctx.start_at, finished_at__lt=ctx.end_before
        )
    )


T, H, R, N, P = "inspection_task", "hazard", "report", "notice", "place"

METRICS: tuple[Metric, ...] = (
    # -------------------------------------------------------------- inspections (检查任务)
    Metric(
        "tasks_due",
        _("Tasks due"),
        _(
            "Inspection and patrol tasks due in the period, except cancelled ones and those "
            "still open inside their window."
        ),
        "count",
        T,
        where=_tasks_due,
    ),
    Metric(
        "tasks_done_on_time",
        _("Tasks done on time"),
        _("Tasks due in the period that were done on or before their due day."),
        "count",
        T,
        where=lambda ctx: _due(ctx) & Q(state=TS.DONE) & _on_time(),
    ),
    Metric(
        "tasks_done_late",
        _("Tasks done late"),
        _("Tasks due in the period that were done after their due day."),
        "count",
        T,
        higher_is_better=False,
        where=lambda ctx: _due(ctx) & Q(state=TS.DONE, completed_on__gt=F("due_on")),
    ),
    Metric(
        "tasks_missed",
        _("Tasks missed"),
        _("Tasks due in the period that the sweep marked missed."),
        "count",
        T,
        higher_is_better=False,
        where=lambda ctx: _due(ctx) & Q(state=TS.MISSED),
    ),
    Metric(
        "tasks_open_overdue",
        _("Open past their window"),
        _(
            "Tasks due in the period, still planned or in progress after their due day "
            "(not on time, even before the sweep marks them missed)."
        ),
        "count",
        T,
        higher_is_better=False,
        where=lambda ctx: _due(ctx) & Q(state__in=OPEN_TASK_STATES, due_on__lt=ctx.today),
    ),
    Metric(
        "tasks_open_in_window",
        _("Open within their window"),
        _("Tasks due in the period that are still open and not yet due: not in the rate."),
        "count",
        T,
        where=_tasks_open_in_window,
    ),
    Metric(
        "tasks_on_time_rate",
        _("On-time task rate"),
        _(
            "Tasks done on time ÷ tasks due (done, late, missed and open past their window; "
            "cancelled and not-yet-due tasks left out)."
        ),
        "rate",
        T,
        numerator="tasks_done_on_time",
        denominator="tasks_due",
    ),
    Metric(
        "places_never_inspected",
        _("Places never inspected"),
        _("Active places with no inspection on record at all (now)."),
        "count",
        P,
        higher_is_better=False,
        snapshot=True,
        where=lambda ctx: ~Q(Exists(Inspection.objects.filter(place=OuterRef("pk")))),
    ),
    Metric(
        "key_units_not_inspected",
        _("Key units not inspected"),
        _("Active key units (重点单位) with no inspection finished in the period."),
        "count",
        P,
        higher_is_better=False,
        where=lambda ctx: Q(is_key_unit=True) & ~Q(_inspected_in(ctx)),
    ),
    # -------------------------------------------------------------- hazards (火灾隐患)
    Metric(
        "hazards_found",
        _("Hazards found"),
        _("Hazards found in the period, in any state."),
        "count",
        H,
        where=_found,
    ),
    Metric(
        "hazards_confirmed",
        _("Hazards confirmed"),
        _(
            "Hazards found in the period that were accepted as hazards (neither still "
            "awaiting confirmation nor rejected)."
        ),
        "count",
        H,
        where=lambda ctx: _found(ctx) & ~Q(state__in=(HS.REPORTED, HS.REJECTED)),
    ),
    Metric(
        "hazards_found_closed",
        _("Hazards found and closed"),
        _("Hazards found in the period and closed by the end of the period."),
        "count",
        H,
        where=lambda ctx: _found(ctx) & Q(_closed_event(at__lt=ctx.end_before)),
        internal=True,
    ),
    Metric(
        "hazards_closed",
        _("Hazards closed"),
        _("Hazards closed in the period (by the day they were closed), whenever found."),
        "count",
        H,
        where=_hazards_closed,
    ),
    Metric(
        "hazards_rectification_rate",
        _("Rectification rate (整改率)"),
        _(
            "Of the hazards found in the period and confirmed, the share closed by the end "
            "of the period (both counted over the hazards found in the period)."
        ),
        "rate",
        H,
        numerator="hazards_found_closed",
        denominator="hazards_confirmed",
    ),
    Metric(
        "hazards_deadline_due",
        _("Hazards with a deadline in the period"),
        _("Hazards (not rejected) whose rectification deadline fell in the period."),
        "count",
        H,
        where=_deadline_due,
        internal=True,
    ),
    Metric(
        "hazards_closed_by_deadline",
        _("Hazards closed by their deadline"),
        _("Hazards whose deadline fell in the period and that were closed on or before it."),
        "count",
        H,
        where=lambda ctx: _deadline_due(ctx) & Q(_closed_event(at__date__lte=OuterRef("deadline"))),
        internal=True,
    ),
    Metric(
        "hazards_on_time_rectification_rate",
        _("On-time rectification rate (按期整改率)"),
        _(
            "Hazards closed on or before their deadline ÷ hazards whose deadline fell in the "
            "period."
        ),
        "rate",
        H,
        numerator="hazards_closed_by_deadline",
        denominator="hazards_deadline_due",
    ),
    Metric(
        "hazards_days_to_close_avg",
        _("Average working days to close"),
        _("Hazards closed in the period: average working days from found to closed."),
        "days",
        H,
        higher_is_better=False,
        aggregate="avg",
        records_of="hazards_closed",
    ),
    Metric(
        "hazards_days_to_close_p90",
        _("Working days to close (90th percentile)"),
        _(
            "Hazards closed in the period: nine in ten of them closed within this many working "
            "days of being found (nearest rank)."
        ),
        "days",
        H,
        higher_is_better=False,
        aggregate="p90",
        records_of="hazards_closed",
    ),
    Metric(
        "hazards_open",
        _("Open hazards"),
        _("Hazards neither closed nor rejected (now)."),
        "count",
        H,
        higher_is_better=False,
        snapshot=True,
        where=lambda ctx: ~Q(state__in=Hazard.CLOSED_STATES),
    ),
    Metric(
        "hazards_overdue",
        _("Overdue hazards"),
        _("Open hazards past a deadline or marked overdue or escalated (now)."),
        "count",
        H,
        higher_is_better=False,
        snapshot=True,
        where=lambda ctx: overdue_q(ctx.today),
    ),
    Metric(
        "hazards_escalated",
        _("Hazards escalated"),
        _("Hazards found in the period that were ever escalated a level up."),
        "count",
        H,
        higher_is_better=False,
        where=lambda ctx: _found(ctx) & Q(_event("escalate")),
    ),
    Metric(
        "hazards_handed_over",
        _("Hazards handed over"),
        _("Hazards found in the period that were handed over to an agency (移交)."),
        "count",
        H,
        higher_is_better=False,
        where=lambda ctx: _found(ctx) & Q(_event("hand_over")),
    ),
    Metric(
        "hazards_major",
        _("Major hazards"),
        _("Hazards found in the period whose severity is major (重大)."),
        "count",
        H,
        higher_is_better=False,
        where=lambda ctx: _found(ctx) & Q(severity=Hazard.Severity.MAJOR),
    ),
    # -------------------------------------------------------------- citizen reports (群众举报)
    Metric(
        "reports_received",
        _("Reports received"),
        _("Citizen reports received in the period (hidden spam left out)."),
        "count",
        R,
        where=_received,
    ),
    Metric(
        "reports_triaged_in_time",
        _("Reports triaged in time"),
        _("Reports received in the period that were triaged before their triage clock ran out."),
        "count",
        R,
        where=lambda ctx: (
            _received(ctx)
            & Q(triaged_at__isnull=False)
            & (Q(triage_due__isnull=True) | Q(triaged_at__lte=F("triage_due")))
        ),
    ),
    Metric(
        "reports_triage_overdue",
        _("Reports past their triage clock"),
        _("Reports still awaiting triage whose triage clock has run out (now)."),
        "count",
        R,
        higher_is_better=False,
        snapshot=True,
        where=lambda ctx: Q(state=Report.State.NEW, triage_due__lt=_now_or_end_of(ctx.today)),
    ),
    Metric(
        "reports_confirmed",
        _("Reports confirmed"),
        _("Reports received in the period and confirmed as a hazard."),
        "count",
        R,
        where=lambda ctx: _received(ctx) & Q(state=Report.State.CONFIRMED),
    ),
    Metric(
        "reports_closed",
        _("Reports closed"),
        _("Reports received in the period that are closed now."),
        "count",
        R,
        where=lambda ctx: _received(ctx) & Q(state=Report.State.CLOSED),
    ),
    # -------------------------------------------------------------- notices (整改通知书)
    Metric(
        "notices_issued",
        _("Notices issued"),
        _("Rectification notices issued in the period."),
        "count",
        N,
        where=_issued,
    ),
    Metric(
        "notices_acknowledged",
        _("Notices acknowledged"),
        _("Notices issued in the period that the place has signed for (签收)."),
        "count",
        N,
        where=lambda ctx: _issued(ctx) & Q(received_at__isnull=False),
    ),
)

BY_CODE: dict[str, Metric] = {metric.code: metric for metric in METRICS}

# Red/amber/green edges per code, [amber edge, red edge]: for higher-is-better metrics a value
# below the amber edge is amber, below the red edge red; for the others a value at or above the
# amber edge is amber, at or above the red edge red. FIREGRID_METRIC_THRESHOLDS overrides these.
DEFAULT_THRESHOLDS: dict[str, tuple[float, float]] = {
    "tasks_on_time_rate": (0.9, 0.75),
    "hazards_rectification_rate": (0.9, 0.75),
    "hazards_on_time_rectification_rate": (0.9, 0.75),
    "hazards_overdue": (1, 5),
    "reports_triage_overdue": (1, 3),
    "hazards_days_to_close_avg": (10, 20),
    "hazards_days_to_close_p90": (15, 30),
}
