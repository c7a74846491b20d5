"""Metrics API (/api/v1/metrics…): definitions, values, trends and drill-down lists.

Every number comes from the metrics layer (`firegrid.metrics`), scoped like every other read: a
grid outside the viewer's scope and an unknown metric answer 404; a bad period 422.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from firegrid.core.errors import ValidationFailed
from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.core.params import Day, day_range
from firegrid.grids.schemas import ErrorOut
from firegrid.registry.schemas import GridRefOut

from . import selectors
from .definitions import Metric, MetricFilters
from .periods import Period, period_from_params
from .records import record_row

router = Router(tags=["metrics"])
ERRORS = {404: ErrorOut, 422: ErrorOut}
MAX_CODES = 40
Unit = Literal["count", "rate", "days"]
RecordType = Literal["inspection_task", "hazard", "report", "notice", "place"]
Status = Literal["green", "amber", "red"]


class MetricOut(Schema):
    code: str
    label: str
    description: str = Field(..., description="How the figure is counted.")
    unit: Unit = Field(..., description="count; rate (0..1); days (working days).")
    records: RecordType = Field(..., description="What the drill-down lists.")
    version: int
    higher_is_better: bool
    numerator: str | None = Field(..., description="Rates: the numerator metric.")
    denominator: str | None = Field(..., description="Rates: the denominator metric.")
    snapshot: bool = Field(..., description="A figure of now, not bounded by the period.")


class PeriodIn(Schema):
    grid_id: int | None = Field(None, description="This grid and its subtree (default: all yours).")
    period: Literal["month", "quarter", "year", "custom"] = "month"
    month: Day | None = Field(
        None, description="A day of the month, quarter or year meant (default: today)."
    )
    start: Day | None = Field(None, description="Custom period: first day.")
    end: Day | None = Field(None, description="Custom period: last day (at most 366 days).")
    _range = day_range("start", "end")
    category: str = Field("", max_length=60, description="A hazard category code.")
    place_type: str = Field("", max_length=60, description="A place type code.")

    def to_period(self) -> Period:
        return period_from_params(
            kind=self.period,
            month=self.month,
            start=self.start,
            end=self.end,
            today=timezone.localdate(),
        )

    def to_filters(self) -> MetricFilters:
        return MetricFilters(category=self.category, place_type=self.place_type)


class TableIn(PeriodIn):
    codes: str = Field(
        "", max_length=2000, description="Metric codes, comma-separated (default: all)."
    )

    def code_list(self) -> list[str]:
        codes = [code.strip() for code in self.codes.split(",") if code.strip()]
        if len(codes) > MAX_CODES:
            raise ValidationFailed(
                _("Ask for at most %(n)d metrics at once.") % {"n": MAX_CODES},
                code="codes_invalid",
                details={"codes": _("Ask for at most %(n)d metrics at once.") % {"n": MAX_CODES}},
            )
        return codes or [metric.code for metric in selectors.metric_definitions()]


class TrendIn(Schema):
    grid_id: int | None = Field(None, description="This grid and its subtree (default: all yours).")
    months: int = Field(12, ge=1, le=selectors.LONGEST_TREND_MONTHS)
    last_month: Day | None = Field(None, description="A day of the last month (default: today).")
    category: str = Field("", max_length=60, description="A hazard category code.")
    place_type: str = Field("", max_length=60, description="A place type code.")


class PeriodOut(Schema):
    kind: str
    start: datetime.date
    end: datetime.date
    label: str


class FigureOut(Schema):
    code: str
    value: float | None = Field(..., description="None when the denominator is 0.")
    numerator: int | None = Field(..., description="Rates only.")
    denominator: int | None = Field(..., description="Rates only.")
    status: Status | None = Field(..., description="From the configured thresholds.")


class RowOut(Schema):
    grid: GridRefOut
    figures: list[FigureOut]


class TableOut(Schema):
    grid: GridRefOut | None = Field(..., description="None: your top grids together.")
    period: PeriodOut
    previous_period: PeriodOut
    last_year_period: PeriodOut
    metrics: list[MetricOut]
    total: list[FigureOut]
    previous: list[FigureOut]
    last_year: list[FigureOut]
    rows: list[RowOut] = Field(..., description="The child grids (or your top grids).")


class TrendPointOut(Schema):
    month: datetime.date
    figure: FigureOut


class RecordOut(Schema):
    id: int
    type: RecordType
    label: str
    state: str
    state_label: str
    day: datetime.date | None = Field(..., description="The day that puts it in the period.")
    grid: GridRefOut
    url: str = Field(..., description="The record's own page.")


def metric_out(metric: Metric) -> dict[str, Any]:
    return {
        "code": metric.code,
        "label": str(metric.label),
        "description": str(metric.description),
        "unit": metric.unit,
        "records": metric.records,
        "version": metric.version,
        "higher_is_better": metric.higher_is_better,
        "numerator": metric.numerator,
        "denominator": metric.denominator,
        "snapshot": metric.snapshot,
    }


def figure_out(figure: selectors.Figure) -> dict[str, Any]:
    metric = selectors.metric_get(figure.code)
    return {
        "code": figure.code,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "status": selectors.metric_status(metric, figure),
    }


def period_out(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def _grid_ref(grid: Any) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


@router.get("/metrics", response=list[MetricOut])
@paginate(RenderedPagination, page_size=100)
def list_metrics(request: HttpRequest) -> Any:
    """Every metric's definition, in display order (rates' building blocks last)."""
    metrics = selectors.metric_definitions()
    return Rows(_ListQuerySet(metrics), metric_out)  # type: ignore[arg-type]


class _ListQuerySet(list[Any]):
    """A list that answers `count()` like a queryset, for the paginator."""

    def count(self) -> int:  # type: ignore[override]
        return len(self)


@router.get("/metrics/table", response={200: TableOut, **ERRORS})
def metric_table(request: HttpRequest, query: Query[TableIn]) -> Any:
    """The figures of a unit (grid) for a period, the previous period and the same period last
    year, with the unit's child grids side by side."""
    period = query.to_period()
    table = selectors.metric_table(
        actor=request.user,
        grid_id=query.grid_id,
        period=period,
        codes=query.code_list(),
        filters=query.to_filters(),
    )
    codes = [metric.code for metric in table.metrics]
    return {
        "grid": _grid_ref(table.grid) if table.grid else None,
        "period": period_out(period),
        "previous_period": period_out(period.previous()),
        "last_year_period": period_out(period.last_year()),
        "metrics": [metric_out(metric) for metric in table.metrics],
        "total": [figure_out(table.total[c]) for c in codes],
        "previous": [figure_out(table.previous[c]) for c in codes],
        "last_year": [figure_out(table.last_year[c]) for c in codes],
        "rows": [
            {"grid": _grid_ref(grid), "figures": [figure_out(figures[c]) for c in codes]}
            for grid, figures in table.rows
        ],
    }


@router.get("/metrics/{code}/trend", response={200: list[TrendPointOut], **ERRORS})
def metric_trend(request: HttpRequest, code: str, query: Query[TrendIn]) -> Any:
    """The figure month by month, oldest first, ending with `last_month`."""
    points = selectors.metric_trend(
        actor=request.user,
        grid_id=query.grid_id,
        code=code,
        months=query.months,
        last_month=query.last_month,
        filters=MetricFilters(category=query.category, place_type=query.place_type),
    )
    return [{"month": p.month, "figure": figure_out(p.figure)} for p in points]


@router.get("/metrics/{code}/records", response={200: list[RecordOut], **ERRORS})
@paginate(RenderedPagination, page_size=50)
def metric_records(request: HttpRequest, code: str, query: Query[PeriodIn]) -> Any:
    """The exact records behind the figure (a rate's numerator), with links to their pages."""
    metric = selectors.metric_get(code)
    records = selectors.metric_records(
        actor=request.user,
        code=code,
        grid_id=query.grid_id,
        period=query.to_period(),
        filters=query.to_filters(),
    )
    kind = metric.records
    return Rows(records, lambda record: record_row(kind, record))
