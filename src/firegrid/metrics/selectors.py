"""Reads of the metrics layer: figures per unit and child unit, trends, and the drill-down.

Every function scopes by the viewer's data scope (grid path prefixes) and an optional grid (its
subtree; NotFound outside the scope). A table is counted in one grouped query per family of
records for all the periods it shows (conditional aggregation by `grid_path`, bucketed by child
path in Python), plus one query for the "days" metrics and one for the holiday calendar.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.core.params import invalid
from firegrid.core.workdays import WorkCalendar
from firegrid.grids.models import Grid
from firegrid.grids.selectors import grid_get
from firegrid.hazards.models import Hazard, HazardEvent
from firegrid.people.scope import user_scope

from .definitions import (
    BY_CODE,
    DEFAULT_THRESHOLDS,
    FAMILIES,
    METRICS,
    Ctx,
    Family,
    Metric,
    MetricFilters,
)
from .periods import Period, add_months, month_start

LONGEST_TREND_MONTHS = 36
NO_FILTERS = MetricFilters()


@dataclass(frozen=True)
class Figure:
    code: str
    value: float | int | None  # None when the denominator is 0 (or nothing was measured)
    numerator: int | None = None  # rates only
    denominator: int | None = None


@dataclass
class MetricTable:
    grid: Grid | None  # the unit (None = the viewer's top grids together)
    period: Period
    metrics: list[Metric]
    total: dict[str, Figure]
    previous: dict[str, Figure]
    last_year: dict[str, Figure]
    rows: list[tuple[Grid, dict[str, Figure]]]


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date  # first day of the month
    figure: Figure


# ---------------------------------------------------------------------------- definitions


def metric_definitions() -> list[Metric]:
    """The public metrics in display order (building blocks of rates listed last)."""
    return [m for m in METRICS if not m.internal] + [m for m in METRICS if m.internal]


def metric_get(code: str) -> Metric:
    metric = BY_CODE.get(code)
    if metric is None:
        raise NotFound(_("Unknown metric."), code="metric_not_found")
    return metric


def thresholds() -> dict[str, tuple[float, float]]:
    configured = getattr(settings, "FIREGRID_METRIC_THRESHOLDS", None) or {}
    merged = dict(DEFAULT_THRESHOLDS)
    for code, edges in configured.items():
        merged[code] = (float(edges[0]), float(edges[1]))
    return merged


def metric_status(metric: Metric, figure: Figure) -> str | None:
    """green / amber / red from the configured edges [amber, red]; None without edges or value."""
    edges = thresholds().get(metric.code)
    if edges is None or figure.value is None:
        return None
    amber, red = edges
    value = figure.value
    if metric.higher_is_better:
        return "green" if value >= amber else "amber" if value >= red else "red"
    return "red" if value >= red else "amber" if value >= amber else "green"


# ---------------------------------------------------------------------------- checks


def _check_period(period: Period, today: datetime.date) -> None:
    if period.end < period.start:
        raise invalid("end", _("The period ends before it starts."), code="period_invalid")
    if period.start > today:
        raise invalid("period", _("The period lies in the future."), code="period_future")


def _counted(codes: Iterable[str]) -> list[str]:
    """The count metrics needed for `codes` (rates need both terms, days their base count)."""
    needed: list[str] = []
    for code in codes:
        metric = metric_get(code)
        parts = (
            [metric.numerator, metric.denominator]
            if metric.unit == "rate"
            else [metric.records_of]
            if metric.unit == "days"
            else [code]
        )
        for part in parts:
            if part and part not in needed:
                needed.append(part)
    return needed


def _records_metric(metric: Metric) -> Metric:
    """The count metric whose records stand behind `metric` (a rate's numerator…)."""
    if metric.unit == "rate" and metric.numerator:
        return BY_CODE[metric.numerator]
    if metric.unit == "days":
        return BY_CODE[metric.records_of]
    return metric


def _family_rows(
    actor: Any, family: Family, grid: Grid | None, filters: MetricFilters
) -> QuerySet[Any]:
    rows = family.model._default_manager.filter(
        family.base, user_scope(actor).q(family.path), family.filters_q(filters)
    )
    if grid is not None:
        rows = rows.filter(**{f"{family.path}__startswith": grid.path})
    return rows


# ---------------------------------------------------------------------------- drill-down


def metric_records(
    *,
    actor: Any,
    code: str,
    grid_id: int | None,
    period: Period,
    today: datetime.date | None = None,
    filters: MetricFilters | None = None,
) -> QuerySet[Any]:
    """The exact records behind the figure's numerator (a count's records, a rate's numerator,
    the hazards a "days" metric measures), in the family's order."""
    metric = metric_get(code)
    today = today or timezone.localdate()
    _check_period(period, today)
    grid = None if grid_id is None else grid_get(actor, grid_id)
    base = _records_metric(metric)
    family = FAMILIES[base.records]
    assert base.where is not None
    rows = _family_rows(actor, family, grid, filters or NO_FILTERS)
    return (
        rows.filter(base.where(Ctx(period, today)))
        .select_related(*family.related)
        .order_by(*family.order)
    )


# ---------------------------------------------------------------------------- tables


def _top_grids(actor: Any) -> list[Grid]:
    """The viewer's own grids (not inside another of them); for everything, the roots."""
    scope = user_scope(actor)
    grids = Grid.objects.select_related("level").order_by("path")
    if scope.everything:
        roots = list(grids.filter(parent__isnull=True))
        return sorted(roots, key=lambda g: g.code)
    return sorted(grids.filter(path__in=scope.read_paths), key=lambda g: (g.depth, g.code))


def _children(actor: Any, grid: Grid | None) -> list[Grid]:
    if grid is None:
        return _top_grids(actor)
    return list(
        Grid.objects.filter(user_scope(actor).q("path"), parent=grid)
        .select_related("level")
        .order_by("code")
    )


Counts = dict[str, int]  # code -> count


class _Buckets:
    """Counts per period for the unit (key None) and each child (key: the child's index)."""

    def __init__(self, children: Sequence[Grid], periods: int) -> None:
        self.children = children
        self.counts: list[dict[int | None, Counts]] = [
            defaultdict(lambda: defaultdict(int)) for _ in range(periods)
        ]
        self.days: list[dict[int | None, list[int]]] = [defaultdict(list) for _ in range(periods)]

    def keys(self, path: str) -> list[int | None]:
        keys: list[int | None] = [None]
        keys += [i for i, child in enumerate(self.children) if path.startswith(child.path)]
        return keys


def _count_families(
    actor: Any,
    grid: Grid | None,
    ctxs: Sequence[Ctx],
    codes: Sequence[str],
    filters: MetricFilters,
    buckets: _Buckets,
) -> None:
    by_family: dict[str, list[Metric]] = defaultdict(list)
    for code in codes:
        by_family[BY_CODE[code].records].append(BY_CODE[code])
    for family_code, metrics in by_family.items():
        family = FAMILIES[family_code]
        wheres: dict[str, Q] = {}
        for i, ctx in enumerate(ctxs):
            for metric in metrics:
                assert metric.where is not None
                wheres[f"p{i}__{metric.code}"] = metric.where(ctx)
        rows = (
            _family_rows(actor, family, grid, filters)
            .filter(reduce(or_, wheres.values()))
            .values(family.path)
            .annotate(**{name: Count("pk", filter=where) for name, where in wheres.items()})
            .order_by()
        )
        for row in rows:
            keys = buckets.keys(row[family.path])
            for name, n in row.items():
                if name == family.path or not n:
                    continue
                index, code = name.split("__", 1)
                for key in keys:
                    buckets.counts[int(index[1:])][key][code] += n


def _measure_days(
    actor: Any,
    grid: Grid | None,
    ctxs: Sequence[Ctx],
    filters: MetricFilters,
    buckets: _Buckets,
) -> None:
    """Working days found → closed of the hazards closed in each period, per bucket."""
    closed = BY_CODE["hazards_closed"]
    assert closed.where is not None
    closed_at = HazardEvent.objects.filter(hazard=OuterRef("pk"), to_state=Hazard.State.CLOSED)
    rows = list(
        _family_rows(actor, FAMILIES["hazard"], grid, filters)
        .filter(reduce(or_, [closed.where(ctx) for ctx in ctxs]))
        .annotate(closed_at=Subquery(closed_at.order_by("at").values("at")[:1]))
        .values_list("grid_path", "found_at", "closed_at")
    )
    if not rows:
        return
    local = [
        (path, timezone.localdate(found), timezone.localdate(done), done)
        for path, found, done in rows
    ]
    calendar = WorkCalendar(min(r[1] for r in local), max(r[2] for r in local))
    for path, found_day, closed_day, done in local:
        days = sum(
            1
            for n in range(1, (closed_day - found_day).days + 1)
            if calendar.is_working(found_day + datetime.timedelta(days=n))
        )
        keys = buckets.keys(path)
        for i, ctx in enumerate(ctxs):
            if ctx.start_at <= done < ctx.end_before:
                for key in keys:
                    buckets.days[i][key].append(days)


def working_days_figure(metric: Metric, days: Sequence[int]) -> Figure:
    if not days:
        return Figure(metric.code, None)
    if metric.aggregate == "avg":
        return Figure(metric.code, round(sum(days) / len(days), 2))
    ordered = sorted(days)
    return Figure(metric.code, ordered[math.ceil(0.9 * len(ordered)) - 1])


def _figures(codes: Sequence[str], counts: Counts, days: list[int]) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for code in codes:
        metric = BY_CODE[code]
        if metric.unit == "rate":
            assert metric.numerator and metric.denominator
            num, den = counts.get(metric.numerator, 0), counts.get(metric.denominator, 0)
            figures[code] = Figure(code, None if den == 0 else num / den, num, den)
        elif metric.unit == "days":
            figures[code] = working_days_figure(metric, days)
        else:
            figures[code] = Figure(code, counts.get(code, 0))
    return figures


def _compute(
    *,
    actor: Any,
    grid: Grid | None,
    children: Sequence[Grid],
    periods: Sequence[Period],
    codes: Sequence[str],
    today: datetime.date,
    filters: MetricFilters,
) -> list[tuple[dict[str, Figure], list[dict[str, Figure]]]]:
    """Per period: (the unit's figures, each child's figures)."""
    ctxs = [Ctx(period, today) for period in periods]
    buckets = _Buckets(children, len(periods))
    _count_families(actor, grid, ctxs, _counted(codes), filters, buckets)
    if any(BY_CODE[code].unit == "days" for code in codes):
        _measure_days(actor, grid, ctxs, filters, buckets)
    out = []
    for i in range(len(periods)):
        total = _figures(codes, buckets.counts[i][None], buckets.days[i][None])
        rows = [
            _figures(codes, buckets.counts[i][k], buckets.days[i][k]) for k in range(len(children))
        ]
        out.append((total, rows))
    return out


def metric_table(
    *,
    actor: Any,
    grid_id: int | None,
    period: Period,
    codes: Sequence[str],
    today: datetime.date | None = None,
    filters: MetricFilters | None = None,
) -> MetricTable:
    """The unit's figures for the period, the previous period and the same period last year,
    and its child grids' figures for the period."""
    today = today or timezone.localdate()
    metrics = [metric_get(code) for code in codes]
    _check_period(period, today)
    grid = None if grid_id is None else grid_get(actor, grid_id)
    children = _children(actor, grid)
    (total, rows), (previous, _rows), (last_year, _rows2) = _compute(
        actor=actor,
        grid=grid,
        children=children,
        periods=[period, period.previous(), period.last_year()],
        codes=list(codes),
        today=today,
        filters=filters or NO_FILTERS,
    )
    return MetricTable(
        grid=grid,
        period=period,
        metrics=metrics,
        total=total,
        previous=previous,
        last_year=last_year,
        rows=list(zip(children, rows, strict=True)),
    )


def metric_breakdown(
    *,
    actor: Any,
    grid_id: int | None,
    grids: Sequence[Grid],
    period: Period,
    codes: Sequence[str],
    today: datetime.date | None = None,
    filters: MetricFilters | None = None,
) -> tuple[dict[str, Figure], list[dict[str, Figure]]]:
    """The unit's figures and each of `grids`' (rows a page already chose, in the viewer's
    scope) for one period, without comparisons: e.g. the coverage page's per-grid rates."""
    today = today or timezone.localdate()
    for code in codes:
        metric_get(code)
    _check_period(period, today)
    grid = None if grid_id is None else grid_get(actor, grid_id)
    ((total, rows),) = _compute(
        actor=actor,
        grid=grid,
        children=grids,
        periods=[period],
        codes=list(codes),
        today=today,
        filters=filters or NO_FILTERS,
    )
    return total, rows


def metric_figure(
    *,
    actor: Any,
    code: str,
    grid_id: int | None,
    period: Period,
    today: datetime.date | None = None,
    filters: MetricFilters | None = None,
) -> Figure:
    """One figure of one unit for one period (no comparisons, no child rows)."""
    today = today or timezone.localdate()
    metric_get(code)
    _check_period(period, today)
    grid = None if grid_id is None else grid_get(actor, grid_id)
    ((total, _rows),) = _compute(
        actor=actor,
        grid=grid,
        children=[],
        periods=[period],
        codes=[code],
        today=today,
        filters=filters or NO_FILTERS,
    )
    return total[code]


def metric_trend(
    *,
    actor: Any,
    grid_id: int | None,
    code: str,
    months: int = 12,
    last_month: datetime.date | None = None,
    today: datetime.date | None = None,
    filters: MetricFilters | None = None,
) -> list[TrendPoint]:
    """The figure month by month, oldest first, ending with `last_month` (this month)."""
    today = today or timezone.localdate()
    metric_get(code)
    if not 1 <= months <= LONGEST_TREND_MONTHS:
        raise ValidationFailed(
            _("A trend covers 1 to %(n)d months.") % {"n": LONGEST_TREND_MONTHS},
            code="months_invalid",
            details={"months": _("A trend covers 1 to %(n)d months.") % {"n": 36}},
        )
    last = month_start(last_month or today)
    periods = [Period.month(add_months(last, n - months + 1)) for n in range(months)]
    _check_period(periods[-1], today)
    grid = None if grid_id is None else grid_get(actor, grid_id)
    computed = _compute(
        actor=actor,
        grid=grid,
        children=[],
        periods=periods,
        codes=[code],
        today=today,
        filters=filters or NO_FILTERS,
    )
    return [
        TrendPoint(period.start, total[code])
        for period, (total, _rows) in zip(periods, computed, strict=True)
    ]
