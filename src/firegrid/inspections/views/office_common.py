"""What the office pages share: query-string parsing, the default grid, 404/403 pages, CSV."""

from __future__ import annotations

import calendar
import csv
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.grids import selectors as grid_selectors
from firegrid.people.models import Assignment
from firegrid.people.scope import user_scope
from firegrid.registry.views.common import grid_options

PER_PAGE = 25


def int_param(request: HttpRequest, key: str) -> int | None:
    try:
        return int(request.GET.get(key) or 0) or None
    except ValueError:
        return None


def date_param(request: HttpRequest, key: str) -> datetime.date | None:
    try:
        return parse_date(request.GET.get(key, "").strip())
    except ValueError:
        return None


def month_param(request: HttpRequest, key: str = "month") -> datetime.date:
    """`YYYY-MM` as the first day of that month; this month when absent or malformed."""
    raw = request.GET.get(key, "").strip()
    try:
        year, month = (int(part) for part in raw.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(raw)
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def date_range(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """`start`/`end` from the query string; this month by default (end never before start)."""
    first = timezone.localdate().replace(day=1)
    start = date_param(request, "start") or first
    end = date_param(request, "end") or month_end(start if date_param(request, "start") else first)
    return (start, end) if end >= start else (start, start)


def default_grid_id(user: Any) -> int | None:
    """The viewer's top grid (the first root of their scope), where a report starts."""
    root: int | None = grid_selectors.grid_scope_roots(user).values_list("pk", flat=True).first()
    return root


def grid_id_param(request: HttpRequest) -> int | None:
    """`?grid=` when given, else the viewer's top grid."""
    return int_param(request, "grid") or default_grid_id(request.user)


def query_string(params: dict[str, Any]) -> str:
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


def not_found(exc: NotFound) -> Http404:
    """A selector's NotFound (also for rows outside the scope) as the 404 page."""
    return Http404(str(exc.message))


def may_manage_somewhere(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.manage_paths)


def may_manage(user: Any, grid_path: str) -> bool:
    return user_scope(user).covers(grid_path, manage=True)


def denied(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A PermissionDenied from a service as a plain 403 page with its message."""
    return render(
        request, "inspections/office/denied.html", {"message": str(exc.message)}, status=403
    )


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_safe_cell(value) for value in row] for row in rows)
    return response


def _safe_cell(value: Any) -> Any:
    """Text typed by people (a reason, a place name) that a spreadsheet would run as a formula
    is written with a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def grid_choices(user: Any) -> list[tuple[int, str]]:
    return [(option["id"], option["label"]) for option in grid_options(user)]


def people_choices(user: Any) -> list[tuple[int, str]]:
    """People holding a role today in the viewer's scope (assignees to filter by or hand to)."""
    assignments = Assignment.objects.active(timezone.localdate()).filter(
        user_scope(user).q("grid__path")
    )
    rows = assignments.values_list("person_id", "person__name").distinct()
    return list(rows.order_by("person__name", "person_id"))
