"""Metric pages: the drill-down list behind every figure, and its CSV export.

/metrics/<code>/records/?grid_id=…&period=month|quarter|year|custom&month=YYYY-MM[-DD]
&start=…&end=…&category=…&place_type=… — the figure, how it is counted, the filters, and the
records behind it (a rate's numerator), each linked to its own page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.core.i18n import localized_name
from firegrid.core.params import check_text, parse_day, parse_int
from firegrid.grids.selectors import grid_get
from firegrid.hazards.models import HazardCategory
from firegrid.inspections.views.office_common import PER_PAGE, csv_response, query_string
from firegrid.registry.models import PlaceType
from firegrid.registry.views.common import grid_options

from . import selectors
from .definitions import Metric, MetricFilters
from .periods import KINDS, Period, period_from_params
from .records import record_row

MAX_GRID_ID = 2**63 - 1


@dataclass(frozen=True)
class RecordsQuery:
    metric: Metric
    grid_id: int | None
    period: Period
    filters: MetricFilters

    def params(self) -> dict[str, Any]:
        """The query string that reproduces this list (pages, export, links)."""
        period = self.period
        params: dict[str, Any] = {"grid_id": self.grid_id, "period": period.kind}
        if period.kind == "custom":
            params.update(start=period.start.isoformat(), end=period.end.isoformat())
        else:
            params["month"] = period.start.isoformat()
        params.update(category=self.filters.category, place_type=self.filters.place_type)
        return params


def _month(raw: str) -> datetime.date:
    """`YYYY-MM` (an <input type=month>) or any `YYYY-MM-DD` of the month."""
    text = raw.strip()
    return parse_day(f"{text}-01" if len(text) == 7 else text, name="month")


def parse_query(request: HttpRequest, code: str) -> RecordsQuery:
    """The page's filters, refused the same way as the API's (ValidationFailed, NotFound)."""
    metric = selectors.metric_get(code)
    get = request.GET
    grid_raw = get.get("grid_id", "") or get.get("grid", "")
    grid_id = None
    if grid_raw:
        grid_id = parse_int(grid_raw, name="grid_id", minimum=1, maximum=MAX_GRID_ID)
    kind = get.get("period", "") or "month"
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown period kind."), code="period_invalid")
    day = {name: get.get(name, "").strip() for name in ("month", "start", "end")}
    period = period_from_params(
        kind=kind,
        month=_month(day["month"]) if day["month"] else None,
        start=parse_day(day["start"], name="start") if day["start"] else None,
        end=parse_day(day["end"], name="end") if day["end"] else None,
        today=timezone.localdate(),
    )
    filters = MetricFilters(
        category=check_text(get.get("category", "").strip()[:60], name="category"),
        place_type=check_text(get.get("place_type", "").strip()[:60], name="place_type"),
    )
    return RecordsQuery(metric, grid_id, period, filters)


def _records(request: HttpRequest, query: RecordsQuery) -> Any:
    return selectors.metric_records(
        actor=request.user,
        code=query.metric.code,
        grid_id=query.grid_id,
        period=query.period,
        filters=query.filters,
    )


def _figure_text(metric: Metric, figure: selectors.Figure) -> str:
    if figure.value is None:
        return "—"
    if metric.unit == "rate":
        return f"{figure.value * 100:.1f}% ({figure.numerator} / {figure.denominator})"
    if metric.unit == "days":
        return _("%(n)s working days") % {"n": figure.value}
    return str(figure.value)


@login_required
@require_GET
def records_view(request: HttpRequest, code: str) -> HttpResponse:
    """The figure, its definition, the filters and the paginated records behind it."""
    try:
        query = parse_query(request, code)
        records = _records(request, query)
        figure = selectors.metric_figure(
            actor=request.user,
            code=code,
            grid_id=query.grid_id,
            period=query.period,
            filters=query.filters,
        )
        grid = None if query.grid_id is None else grid_get(request.user, query.grid_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except ValidationFailed as exc:
        context = {"error": exc.message, "metric": selectors.BY_CODE.get(code)}
        return render(request, "metrics/records.html", context, status=400)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    params = query.params()
    qs = query_string(params)
    base = reverse("metrics:records", args=[code])
    return render(
        request,
        "metrics/records.html",
        {
            "metric": query.metric,
            "figure": figure,
            "figure_text": _figure_text(query.metric, figure),
            "status": selectors.metric_status(query.metric, figure),
            "period": query.period,
            "grid": grid,
            "filters": params,
            "grid_options": grid_options(request.user),
            "categories": [
                (c.code, localized_name(c)) for c in HazardCategory.objects.filter(active=True)
            ],
            "place_types": [(t.code, localized_name(t)) for t in PlaceType.objects.all()],
            "page": page,
            "rows": [record_row(query.metric.records, record) for record in page],
            "query_string": qs,
            "export_url": f"{reverse('metrics:records_export', args=[code])}?{qs}",
            "self_url": base,
        },
    )


@login_required
@require_GET
def records_export(request: HttpRequest, code: str) -> HttpResponse:
    """The same records as CSV, with the same filters."""
    try:
        query = parse_query(request, code)
        records = _records(request, query)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except ValidationFailed as exc:
        return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
    header = ("type", "id", "record", "state", "day", "grid_code", "grid", "url")
    rows = (
        (
            row["type"], row["id"], row["label"], row["state_label"],
            row["day"].isoformat() if row["day"] else "", row["grid"]["code"],
            row["grid"]["name"], request.build_absolute_uri(row["url"]),
        )
        for row in (record_row(query.metric.records, r) for r in records.iterator(chunk_size=500))
    )  # fmt: skip
    name = f"{code}-{query.period.start.isoformat()}-{query.period.end.isoformat()}.csv"
    return csv_response(name, header, rows)
