"""/api/v1/inspections/coverage, /behind, /staffing, /never-inspected: how honest the rhythm is.

Coverage counts tasks due in a range per child grid (its on-time rate is the metrics layer's
tasks_on_time_rate: done on time / tasks due, open past their due day counted as not on time);
"behind" lists who has missed or overdue tasks, worst first; staffing compares the hours the
rules demand a month with the hours the assigned people have.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.pagination import paginate

from firegrid.core.errors import ValidationFailed
from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.registry.models import Place

from .. import selectors
from ..schemas import (
    CoverageOut,
    GridFilterIn,
    NeverInspectedOut,
    PersonLoadOut,
    RangeIn,
    StaffingOut,
)
from .common import LIST_ERRORS, grid_ref, person_ref, router, task_out

MISSED_SHOWN = 100
LONGEST_RANGE_DAYS = 366


def date_range(query: RangeIn) -> tuple[datetime.date, datetime.date]:
    """[start, end] from the query, this month by default; at most a year."""
    today = timezone.localdate()
    start = query.start or today.replace(day=1)
    end = query.end or (start.replace(day=1) + datetime.timedelta(days=32)).replace(
        day=1
    ) - datetime.timedelta(days=1)
    if end < start or (end - start).days >= LONGEST_RANGE_DAYS:
        raise ValidationFailed(
            _("Choose a range of at most a year, ending after it starts."), code="range_invalid"
        )
    return start, end


def coverage_row(row: selectors.CoverageRow) -> dict[str, Any]:
    return {
        "grid": grid_ref(row.grid) if row.grid else None,
        "due": row.due,
        "done": row.done,
        "missed": row.missed,
        "open": row.open,
        "cancelled": row.cancelled,
        "rate": None if row.rate is None else round(row.rate, 4),
    }


@router.get("/inspections/coverage", response={200: CoverageOut, **LIST_ERRORS})
def coverage(request: HttpRequest, query: Query[RangeIn]) -> Any:
    """Tasks due in [start, end] per child grid of `grid_id`: done, missed, open, cancelled and
    the on-time rate; the first 100 missed tasks and how many places were never inspected."""
    start, end = date_range(query)
    report = selectors.coverage(actor=request.user, grid_id=query.grid_id, start=start, end=end)
    return {
        "grid": grid_ref(report.grid) if report.grid else None,
        "start": report.start,
        "end": report.end,
        "rows": [coverage_row(row) for row in report.rows],
        "total": coverage_row(report.total),
        "missed": [task_out(task) for task in report.missed[:MISSED_SHOWN]],
        "missed_count": report.total.missed,
        "never_inspected_count": report.never_inspected.count(),
    }


def never_inspected_out(place: Place) -> dict[str, Any]:
    return {
        "id": place.pk,
        "name": place.name,
        "address": place.address,
        "place_type": place.place_type.code,
        "risk_level": place.risk_level,
        "is_key_unit": place.is_key_unit,
        "grid": grid_ref(place.grid),
    }


@router.get("/inspections/never-inspected", response={200: list[NeverInspectedOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=100)
def never_inspected(request: HttpRequest, query: Query[GridFilterIn]) -> Any:
    """Places in business in your scope (or the grid's subtree) with no inspection at all."""
    grid = selectors.scoped_grid(request.user, query.grid_id)
    places = selectors.places_never_inspected(actor=request.user, grid=grid)
    return Rows(places, never_inspected_out)


def load_out(load: selectors.PersonLoad) -> dict[str, Any]:
    return {
        "person": person_ref(load.person),
        "assigned": load.assigned,
        "done": load.done,
        "missed": load.missed,
        "overdue": load.overdue,
        "rate": None if load.rate is None else round(load.rate, 4),
    }


@router.get("/inspections/behind", response={200: list[PersonLoadOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=100)
def behind(request: HttpRequest, query: Query[RangeIn]) -> Any:
    """Per assignee, tasks due in [start, end] (cancelled ones left out): done, missed and
    overdue (open, due day passed); worst first."""
    start, end = date_range(query)
    loads = selectors.behind(actor=request.user, grid_id=query.grid_id, start=start, end=end)
    return Rows(loads, load_out)  # type: ignore[arg-type]  # a list slices like a queryset


def staffing_out(row: selectors.StaffingRow) -> dict[str, Any]:
    return {
        "grid": grid_ref(row.grid),
        "demand_hours": round(row.demand_hours, 1),
        "capacity_hours": round(row.capacity_hours, 1),
        "shortfall_hours": round(row.shortfall_hours, 1),
        "feasible": row.feasible,
        "people": row.people,
        "by_rule": [
            {"rule": name, "tasks_per_month": tasks, "hours": hours}
            for name, tasks, hours in row.by_rule
        ],
    }


@router.get("/inspections/staffing", response={200: list[StaffingOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=100)
def staffing(request: HttpRequest, query: Query[GridFilterIn]) -> Any:
    """Per grid holding a rule's roles: inspection hours a month the rules demand against the
    hours of the people assigned there; the largest shortfall first, `feasible: false` where
    the schedule cannot be met."""
    rows = selectors.staffing(actor=request.user, grid_id=query.grid_id)
    return Rows(rows, staffing_out)  # type: ignore[arg-type]  # a list slices like a queryset
