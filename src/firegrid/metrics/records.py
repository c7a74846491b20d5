"""One row per drill-down record, the same for the page, its CSV and the API: what it is, its
state, the day that put it in the period, its grid and a link to its own page."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from firegrid.core.i18n import localized_name


def _day(value: datetime.datetime | None) -> datetime.date | None:
    return None if value is None else timezone.localdate(value)


def record_row(kind: str, record: Any) -> dict[str, Any]:
    """`kind` is the metric's `records` family; the record is one row of `metric_records`
    (selected with the family's related rows, so rendering a page runs no further query)."""
    if kind == "inspection_task":
        place = record.place
        return _row(
            record, kind, place.name if place else record.grid.name, record.state,
            record.get_state_display(), record.due_on, record.grid,
            reverse("inspections:task_detail", args=[record.pk]),
        )  # fmt: skip
    if kind == "hazard":
        where = record.place.name if record.place else record.grid.name
        return _row(
            record, kind, f"{localized_name(record.category)} · {where}", record.state,
            record.get_state_display(), _day(record.found_at), record.grid,
            reverse("hazards:detail", args=[record.pk]),
        )  # fmt: skip
    if kind == "report":
        return _row(
            record, kind, f"{record.tracking_code} · {localized_name(record.service)}",
            record.state, record.get_state_display(), _day(record.requested_at), record.grid,
            reverse("reports:detail", args=[record.pk]),
        )  # fmt: skip
    if kind == "notice":
        state = "acknowledged" if record.received_at else "issued"
        return _row(
            record, kind, f"{record.number} · {record.place_name}", state, state,
            _day(record.issued_at), record.hazard.grid,
            reverse("hazards:detail", args=[record.hazard_id]),
        )  # fmt: skip
    return _row(
        record, kind, f"{record.name} · {localized_name(record.place_type)}", record.status,
        record.get_status_display(), None, record.grid,
        reverse("registry:place_detail", args=[record.pk]),
    )  # fmt: skip


def _row(
    record: Any,
    kind: str,
    label: str,
    state: str,
    state_label: Any,
    day: datetime.date | None,
    grid: Any,
    url: str,
) -> dict[str, Any]:
    return {
        "id": record.pk,
        "type": kind,
        "label": label,
        "state": state,
        "state_label": str(state_label),
        "day": day,
        "grid": {"id": grid.pk, "code": grid.code, "name": grid.name},
        "url": url,
    }
