"""Office reports: the month calendar of a grid, coverage (覆盖率), who is behind, staffing."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import NotFound
from firegrid.grids.selectors import grid_get
from firegrid.registry.views.common import grid_options

from .. import selectors
from ..models import InspectionTask
from .office_common import (
    PER_PAGE,
    csv_response,
    date_range,
    grid_id_param,
    int_param,
    month_end,
    month_param,
    not_found,
    percent,
    query_string,
)

State = InspectionTask.State
MISSED_SHOWN = 50  # the coverage page lists this many missed tasks, the task list has the rest


def _task_list_url(**params: Any) -> str:
    qs = query_string(params)
    return f"{reverse('inspections:task_list')}?{qs}" if qs else reverse("inspections:task_list")


# ------------------------------------------------------------------------------ calendar


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _calendar_weeks(
    first: datetime.date, days: dict[datetime.date, list[InspectionTask]], grid_id: int
) -> list[list[dict[str, Any]]]:
    """Monday-first weeks of the month; each day with its task counts per state and links."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        cells = []
        for day in week:
            tasks = days.get(day, []) if day.month == first.month else []
            counts = {state: 0 for state in State.values}
            for task in tasks:
                counts[task.state] += 1
            on_day = {"grid": grid_id, "due_from": day.isoformat(), "due_to": day.isoformat()}
            cells.append(
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "total": len(tasks),
                    "url": _task_list_url(**on_day),
                    "states": [
                        (label, counts[value], _task_list_url(**on_day, state=value))
                        for value, label in State.choices
                        if counts[value]
                    ],
                }
            )
        weeks.append(cells)
    return weeks


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A grid's month: tasks due each day, by state, each number a link to the task list."""
    first = month_param(request)
    grid_id = grid_id_param(request)
    context: dict[str, Any] = {
        "month": first,
        "prev_month": _shift_month(first, -1).strftime("%Y-%m"),
        "next_month": _shift_month(first, 1).strftime("%Y-%m"),
        "grid_options": grid_options(request.user),
        "filters": {"grid": grid_id},
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "current": "calendar",
    }
    if grid_id is None:
        return render(request, "inspections/office/calendar.html", context)
    try:
        grid = grid_get(request.user, grid_id)
        days = selectors.calendar_month(actor=request.user, grid=grid, month=first)
    except NotFound as exc:
        raise not_found(exc) from exc
    context.update(
        grid=grid,
        weeks=_calendar_weeks(first, days, grid_id),
        month_total=sum(len(tasks) for tasks in days.values()),
        month_url=_task_list_url(
            grid=grid_id, due_from=first.isoformat(), due_to=month_end(first).isoformat()
        ),
    )
    return render(request, "inspections/office/calendar.html", context)


# ------------------------------------------------------------------------------ coverage


def _coverage(request: HttpRequest) -> selectors.CoverageReport:
    start, end = date_range(request)
    try:
        return selectors.coverage(
            actor=request.user, grid_id=grid_id_param(request), start=start, end=end
        )
    except NotFound as exc:
        raise not_found(exc) from exc


def _coverage_row(row: selectors.CoverageRow, report: selectors.CoverageReport) -> dict[str, Any]:
    grid = row.grid
    span = {"start": report.start.isoformat(), "end": report.end.isoformat()}
    due = {"due_from": span["start"], "due_to": span["end"]}
    grid_id = grid.pk if grid is not None else ""
    return {
        "row": row,
        "rate": percent(row.rate),
        "drill_url": (
            f"{reverse('inspections:coverage')}?{query_string({'grid': grid_id, **span})}"
            if grid is not None
            else ""
        ),
        "tasks_url": _task_list_url(grid=grid_id, **due),
        "missed_url": _task_list_url(grid=grid_id, state=State.MISSED, **due),
        "open_url": _task_list_url(grid=grid_id, state=State.PLANNED, **due),
    }


@login_required
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    """Per child grid: tasks due, done, missed, open and the on-time rate; the missed tasks; the
    places never inspected."""
    report = _coverage(request)
    never = Paginator(report.never_inspected, PER_PAGE).get_page(request.GET.get("page"))
    params = {
        "grid": report.grid.pk if report.grid else "",
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
    }
    qs = query_string(params)
    return render(
        request,
        "inspections/office/coverage.html",
        {
            "report": report,
            "rows": [_coverage_row(row, report) for row in report.rows],
            "total": _coverage_row(report.total, report),
            "missed": list(report.missed[:MISSED_SHOWN]),
            "missed_more": MISSED_SHOWN,
            "never": never,
            "never_places": list(never),
            "filters": params,
            "query_string": qs,
            "grid_options": grid_options(request.user),
            "export_url": f"{reverse('inspections:coverage_export')}?{qs}",
            "current": "coverage",
        },
    )


@login_required
@require_GET
def coverage_export(request: HttpRequest) -> HttpResponse:
    report = _coverage(request)
    header = ("grid_code", "grid", "due", "done", "missed", "open", "cancelled", "on_time_rate")

    def line(row: selectors.CoverageRow, code: str, name: str) -> tuple[Any, ...]:
        rate = "" if row.rate is None else f"{row.rate:.4f}"
        return (code, name, row.due, row.done, row.missed, row.open, row.cancelled, rate)

    rows = [line(row, row.grid.code, row.grid.name) for row in report.rows if row.grid]
    rows.append(line(report.total, "", _("Total")))
    name = f"coverage-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return csv_response(name, header, rows)


# ------------------------------------------------------------------------------ who is behind


@login_required
@require_GET
def behind_view(request: HttpRequest) -> HttpResponse:
    """Per person: tasks due in the range, done, missed, overdue; the worst first."""
    start, end = date_range(request)
    grid_id = int_param(request, "grid")
    try:
        loads = selectors.behind(actor=request.user, grid_id=grid_id, start=start, end=end)
    except NotFound as exc:
        raise not_found(exc) from exc
    due = {"due_from": start.isoformat(), "due_to": end.isoformat()}
    rows = [
        {
            "load": load,
            "rate": percent(load.rate),
            "url": _task_list_url(grid=grid_id or "", assignee=load.person.pk, **due),
        }
        for load in loads
    ]
    return render(
        request,
        "inspections/office/behind.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "filters": {"grid": grid_id, "start": start.isoformat(), "end": end.isoformat()},
            "grid_options": grid_options(request.user),
            "current": "behind",
        },
    )


# ------------------------------------------------------------------------------ staffing


@login_required
@require_GET
def staffing_view(request: HttpRequest) -> HttpResponse:
    """Hours a month the rules demand per grid against the hours its people have."""
    grid_id = int_param(request, "grid")
    try:
        rows = selectors.staffing(actor=request.user, grid_id=grid_id)
    except NotFound as exc:
        raise not_found(exc) from exc
    return render(
        request,
        "inspections/office/staffing.html",
        {
            "rows": rows,
            "short": [row for row in rows if not row.feasible],
            "filters": {"grid": grid_id},
            "grid_options": grid_options(request.user),
            "current": "staffing",
        },
    )


urlpatterns: list[URLPattern] = [
    path("calendar/", calendar_view, name="calendar"),
    path("coverage/", coverage_view, name="coverage"),
    path("coverage/export.csv", coverage_export, name="coverage_export"),
    path("behind/", behind_view, name="behind"),
    path("staffing/", staffing_view, name="staffing"),
]
