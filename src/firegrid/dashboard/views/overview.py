"""The overview dashboard (总览) of a unit for offices and leaders: KPI cards, trends, child units.

A unit is a grid at any level (county, street, community, grid: just its depth); its children are
the next level. Every figure comes from the metrics layer (`firegrid.metrics`), so the page shows
the same number as the API, the exports and the monthly report, and every number links to the
drill-down list of the records behind it. The view parses the query string, asks the metrics
layer, and shapes the answer for the template; no figure is computed here.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.core.params import MAX_BIGINT, parse_day, parse_int
from firegrid.grids.selectors import grid_ancestors_in_scope, grid_scope_roots
from firegrid.hazards.models import HazardCategory
from firegrid.metrics import (
    Figure,
    Metric,
    MetricFilters,
    MetricTable,
    Period,
    metric_definitions,
    metric_status,
    metric_table,
    metric_trend,
    period_from_params,
)
from firegrid.registry.models import PlaceType

PERIOD_KINDS = ("month", "quarter", "year", "custom")
# The KPI cards, in order; also the columns of the child-unit table.
KPI_CODES = (
    "tasks_on_time_rate",
    "hazards_found",
    "hazards_open",
    "hazards_overdue",
    "hazards_rectification_rate",
    "hazards_on_time_rectification_rate",
    "reports_received",
    "reports_triaged_in_time",
    "hazards_major",
)
# The overdue board (超期看板): each a count linking to its drill-down. A code the metrics layer
# does not define (yet) is left out rather than failing the page.
BOARD_CODES = ("hazards_overdue", "reports_triage_overdue", "tasks_open_overdue", "tasks_missed")
DEFAULT_METRIC = "tasks_on_time_rate"
TREND_MONTHS = 12
REFRESH_SECONDS = 300
# The filters that travel with every link (drill-down, child unit, sort, export).
LINK_PARAMS = ("grid_id", "period", "month", "start", "end", "category", "place_type")


@dataclass
class OverviewQuery:
    """The page's query string, parsed once; `errors` maps a field to its message."""

    grid_id: int | None = None
    kind: str = "month"
    month: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    category: str = ""
    place_type: str = ""
    metric: str = DEFAULT_METRIC
    sort: str = ""
    screen: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def _parse_month(raw: str) -> datetime.date:
    """``YYYY-MM`` (what <input type=month> sends) or ``YYYY-MM-DD``; the month's first day."""
    text = raw.strip()
    day = parse_day(f"{text}-01" if len(text) == 7 else text, name="month")
    return day.replace(day=1)


def parse_query(params: QueryDict, *, codes: set[str]) -> OverviewQuery:
    query = OverviewQuery()
    errors = query.errors
    raw_grid = params.get("grid_id", "").strip()
    try:
        if raw_grid:
            query.grid_id = parse_int(raw_grid, name="grid_id", minimum=1, maximum=MAX_BIGINT)
    except ApplicationError as exc:
        errors["grid_id"] = str(exc.message)
    kind = params.get("period", "").strip() or "month"
    if kind in PERIOD_KINDS:
        query.kind = kind
    else:
        errors["period"] = _("Choose a month, a quarter, a year or a custom period.")
    for name in ("month", "start", "end"):
        raw = params.get(name, "").strip()
        if not raw:
            continue
        try:
            value = _parse_month(raw) if name == "month" else parse_day(raw, name=name)
        except ApplicationError as exc:
            errors[name] = str(exc.message)
        else:
            setattr(query, name, value)
    query.category = params.get("category", "").strip()[:60]
    query.place_type = params.get("place_type", "").strip()[:50]
    metric = params.get("metric", "").strip()
    if metric and metric not in codes:
        errors["metric"] = _("Unknown metric.")
    elif metric:
        query.metric = metric
    sort = params.get("sort", "").strip()
    if sort.removeprefix("-") in {*KPI_CODES, query.metric, "name"}:
        query.sort = sort
    query.screen = params.get("screen", "") == "1"
    return query


def link_params(query: OverviewQuery, span: Period, /, **overrides: Any) -> dict[str, Any]:
    """The filters as query parameters (grid_id, period, month or start/end, category, place);
    an override of None drops that parameter."""
    out: dict[str, Any] = {}
    if query.grid_id is not None:
        out["grid_id"] = query.grid_id
    out["period"] = query.kind
    if query.kind == "custom":
        out["start"] = span.start.isoformat()
        out["end"] = span.end.isoformat()
    else:
        out["month"] = span.start.isoformat()
    if query.category:
        out["category"] = query.category
    if query.place_type:
        out["place_type"] = query.place_type
    out.update(overrides)
    return {key: value for key, value in out.items() if value is not None}


def records_url(code: str, params: dict[str, Any]) -> str:
    """The drill-down list (metrics:records) behind a figure, with the same filters."""
    return reverse("metrics:records", args=[code]) + "?" + urlencode(params)


def display(metric: Metric, value: float | int | None) -> str:
    if value is None:
        return "—"
    if metric.unit == "rate":
        return f"{value * 100:.1f} %"
    if metric.unit == "days":
        return f"{value:.1f}"
    return str(int(value))


def change(metric: Metric, now: Figure | None, then: Figure | None) -> dict[str, Any]:
    """The change of a figure against an earlier one: text, direction and whether it is good."""
    if now is None or then is None or now.value is None or then.value is None:
        return {"text": "—", "value": None, "tone": "flat", "then": "—"}
    delta = now.value - then.value
    if metric.unit == "rate":
        text = _("%(delta)s pp") % {"delta": f"{delta * 100:+.1f}"}
    elif metric.unit == "days":
        text = f"{delta:+.1f}"
    else:
        text = f"{int(delta):+d}"
    if delta == 0:
        text, tone = "±0", "flat"
    else:
        tone = "good" if (delta > 0) == metric.higher_is_better else "bad"
    return {"text": text, "value": delta, "tone": tone, "then": display(metric, then.value)}


def chart_value(metric: Metric, value: float | int | None) -> float | int | None:
    """A number for charts and CSV: rates in per cent (one decimal), the rest as they are."""
    if value is None:
        return None
    if metric.unit == "rate":
        return round(value * 100, 1)
    if metric.unit == "days":
        return round(value, 1)
    return value


def _figure_value(row: dict[str, Any], code: str) -> float | int | None:
    figure = row["figures"].get(code)
    return figure.value if figure is not None else None


def child_rows(
    table: MetricTable, metrics: list[Metric], query: OverviewQuery, period: Period
) -> list[dict[str, Any]]:
    rows = []
    for grid, figures in table.rows:
        child_params = link_params(query, period, grid_id=grid.pk)
        cells = []
        for metric in metrics:
            figure = figures.get(metric.code)
            value = figure.value if figure is not None else None
            cells.append(
                {
                    "metric": metric,
                    "text": display(metric, value),
                    "status": metric_status(metric, figure) if figure is not None else None,
                    "url": records_url(metric.code, child_params),
                }
            )
        rows.append(
            {
                "grid": grid,
                "figures": figures,
                "cells": cells,
                "url": reverse("dashboard:overview") + "?" + urlencode(child_params),
            }
        )
    if query.sort:
        code = query.sort.removeprefix("-")
        descending = query.sort.startswith("-")
        if code == "name":
            return sorted(rows, key=lambda row: row["grid"].code, reverse=descending)
        # Blanks (no denominator) stay last in both directions.
        known = [row for row in rows if _figure_value(row, code) is not None]
        blank = [row for row in rows if _figure_value(row, code) is None]
        rows = sorted(known, key=lambda row: _figure_value(row, code) or 0, reverse=descending)
        rows += blank
    return rows


def kpi_cards(table: MetricTable, metrics: list[Metric], params: dict[str, Any]) -> list[Any]:
    cards = []
    for metric in metrics:
        figure = table.total.get(metric.code)
        cards.append(
            {
                "metric": metric,
                "figure": figure,
                "text": display(metric, figure.value if figure else None),
                "status": metric_status(metric, figure) if figure is not None else None,
                "previous": change(metric, figure, table.previous.get(metric.code)),
                "last_year": change(metric, figure, table.last_year.get(metric.code)),
                "url": records_url(metric.code, params),
            }
        )
    return cards


def csv_response(rows: list[dict[str, Any]], metrics: list[Metric], period: Period) -> HttpResponse:
    """The child-unit table as CSV (UTF-8 with BOM, so WPS/Excel read the Chinese names)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    header = [_("Code"), _("Name")]
    header += [f"{m.label} (%)" if m.unit == "rate" else str(m.label) for m in metrics]
    writer.writerow(header)
    for row in rows:
        name = row["grid"].name
        if name[:1] in ("=", "+", "-", "@", "\t", "\r"):
            name = f"'{name}"
        values = [chart_value(m, _figure_value(row, m.code)) for m in metrics]
        writer.writerow([row["grid"].code, name, *["" if v is None else v for v in values]])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = period.start.strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="overview-{stamp}.csv"'
    return response


def _form_errors(query: OverviewQuery, exc: ApplicationError) -> None:
    """A refusal of the metrics layer as form errors, under the field it names."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if details:
        query.errors.update({str(name): str(message) for name, message in details.items()})
    else:
        query.errors["period"] = str(exc.message)


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    definitions = {metric.code: metric for metric in metric_definitions()}
    query = parse_query(request.GET, codes=set(definitions))
    template = "dashboard/overview_screen.html" if query.screen else "dashboard/overview.html"
    context: dict[str, Any] = {
        "query": query,
        "form": request.GET,
        "period_kinds": [
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("year", _("Year")),
            ("custom", _("Custom")),
        ],
        # Building blocks of rates (internal metrics) are not offered as the chart's metric.
        "metrics": [m for m in definitions.values() if not getattr(m, "internal", False)],
        "categories": HazardCategory.objects.filter(active=True).order_by("sort_order", "code"),
        "place_types": PlaceType.objects.filter(active=True).order_by("sort_order", "code"),
        "refresh_seconds": REFRESH_SECONDS,
        "month_value": (query.month or today).strftime("%Y-%m"),
    }
    period: Period | None = None
    if not query.errors:
        try:
            period = period_from_params(
                kind=query.kind,
                month=query.month or today.replace(day=1),
                start=query.start,
                end=query.end,
                today=today,
            )
        except ApplicationError as exc:
            _form_errors(query, exc)
    if query.errors or period is None:
        return render(request, template, context, status=200)

    filters = MetricFilters(category=query.category, place_type=query.place_type)
    kpi_metrics = [definitions[c] for c in KPI_CODES if c in definitions]
    chosen = definitions[query.metric] if query.metric in definitions else kpi_metrics[0]
    board_metrics = [definitions[c] for c in BOARD_CODES if c in definitions]
    codes = list(dict.fromkeys([*(m.code for m in kpi_metrics), chosen.code,
                                *(m.code for m in board_metrics)]))  # fmt: skip
    unit_id = query.grid_id
    if unit_id is None:
        # One top grid (a county office, a community office): that grid is the unit, so its
        # children are side by side; several (a 包片领导): the grids themselves are.
        roots = list(grid_scope_roots(request.user).values_list("pk", flat=True)[:2])
        unit_id = roots[0] if len(roots) == 1 else None
    try:
        table = metric_table(
            actor=request.user,
            grid_id=unit_id,
            period=period,
            codes=codes,
            today=today,
            filters=filters,
        )
        last_month = min(period.end, today).replace(day=1)
        trend = metric_trend(
            actor=request.user,
            grid_id=unit_id,
            code=chosen.code,
            months=TREND_MONTHS,
            last_month=last_month,
            today=today,
            filters=filters,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        _form_errors(query, exc)
        return render(request, template, context, status=200)

    params = link_params(query, period)
    columns = [*kpi_metrics, *([chosen] if chosen not in kpi_metrics else [])]
    rows = child_rows(table, columns, query, period)
    if request.GET.get("format") == "csv":
        return csv_response(rows, columns, period)
    chosen_index = columns.index(chosen)
    trend_points = [
        {
            "label": point.month.strftime("%Y-%m"),
            "text": display(chosen, point.figure.value),
            "value": chart_value(chosen, point.figure.value),
            "url": records_url(
                chosen.code,
                link_params(
                    query,
                    period,
                    period="month",
                    month=point.month.isoformat(),
                    start=None,
                    end=None,
                ),
            ),
        }  # fmt: skip
        for point in trend
    ]
    chart = {
        "metric": str(chosen.label),
        "unit": "%" if chosen.unit == "rate" else "",
        "higher_is_better": chosen.higher_is_better,
        "trend": {
            "labels": [p["label"] for p in trend_points],
            "values": [p["value"] for p in trend_points],
        },
        "children": [
            {
                "id": row["grid"].pk,
                "name": row["grid"].name,
                "value": chart_value(chosen, _figure_value(row, chosen.code)),
                "text": row["cells"][chosen_index]["text"],
                "status": row["cells"][chosen_index]["status"],
                "url": row["url"],
            }
            for row in rows
        ],
    }

    def head(code: str) -> dict[str, Any]:
        sort = f"-{code}" if query.sort == code else code
        arrow = " ↑" if query.sort == code else " ↓" if query.sort == f"-{code}" else ""
        return {"url": "?" + urlencode({**params, "metric": chosen.code, "sort": sort}),
                "arrow": arrow}  # fmt: skip

    context.update(
        {
            "period": period,
            "unit": table.grid,
            "ancestors": [
                {"grid": grid, "url": "?" + urlencode(link_params(query, period, grid_id=grid.pk))}
                for grid in (
                    grid_ancestors_in_scope(request.user, table.grid) if table.grid else []
                )
            ],
            "top_url": "?" + urlencode(link_params(query, period, grid_id=None)),
            "kpis": kpi_cards(table, kpi_metrics, params),
            "chosen": chosen,
            "columns": columns,
            "children": rows,
            "name_head": head("name"),
            "column_heads": [{"metric": m, **head(m.code)} for m in columns],
            "trend_points": trend_points,
            "chart": chart,
            "board": [
                {
                    "metric": metric,
                    "text": display(metric, getattr(table.total.get(metric.code), "value", None)),
                    "url": records_url(metric.code, params),
                }
                for metric in board_metrics
            ],
            "screen_url": "?" + urlencode({**params, "metric": chosen.code, "screen": 1}),
            "normal_url": "?" + urlencode({**params, "metric": chosen.code}),
            "csv_url": "?" + urlencode({**params, "metric": chosen.code, "format": "csv"}),
            "geojson_url": reverse("api:grids_geojson")
            + (f"?parent={table.grid.pk}" if table.grid else ""),
        }
    )
    return render(request, template, context)
