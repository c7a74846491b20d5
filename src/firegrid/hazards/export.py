"""The hazard list as a spreadsheet (隐患台账导出): CSV (UTF-8 with BOM, for Excel) or XLSX, and
as GeoJSON for the map."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from firegrid.registry.ledger.xlsx import HEADER, Sheet, write_workbook

from . import selectors
from .models import Hazard
from .selectors import EXPORT_HEADER, EXPORT_WIDTHS, HazardFilters, hazard_export_rows

SEVERITY_COLORS = {"general": "#f59f00", "larger": "#e8590c", "major": "#c92a2a"}
CLOSED_COLOR = "#868e96"
GEOJSON_MAX = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: Any) -> Any:
    """Typed text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else _safe(value)


def export_csv(*, actor: Any, filters: HazardFilters) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for row in hazard_export_rows(actor=actor, filters=filters):
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def export_xlsx(*, actor: Any, filters: HazardFilters) -> bytes:
    rows = (
        [_safe(value) for value in row] for row in hazard_export_rows(actor=actor, filters=filters)
    )
    sheet = Sheet(
        name="隐患",
        header=[(title, HEADER) for title in EXPORT_HEADER],
        rows=rows,
        widths=EXPORT_WIDTHS,
        freeze_header=True,
    )
    return write_workbook([sheet])


def export_response(*, actor: Any, filters: HazardFilters, kind: str) -> HttpResponse:
    """An attachment named after the day (hazards-YYYYMMDD.csv / .xlsx)."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == "xlsx":
        response = HttpResponse(export_xlsx(actor=actor, filters=filters), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(
            export_csv(actor=actor, filters=filters), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="hazards-{stamp}.{kind}"'
    return response


def geojson_collection(user: Any, filters: HazardFilters) -> dict[str, Any]:
    """The filtered hazards with a point (theirs, else their place's) as GeoJSON (WGS-84)."""
    hazards = selectors.hazard_list(actor=user, filters=filters)
    today = timezone.localdate()
    features: list[dict[str, Any]] = []
    total = 0
    for hazard in hazards.iterator(chunk_size=500):
        lon, lat = hazard.lon, hazard.lat
        if (lon is None or lat is None) and hazard.place is not None:
            lon, lat = hazard.place.lon, hazard.place.lat
        if lon is None or lat is None:
            continue
        total += 1
        if len(features) >= GEOJSON_MAX:
            continue
        open_ = hazard.state not in Hazard.CLOSED_STATES
        level = hazard.owner_grid or hazard.grid
        features.append(
            {
                "type": "Feature",
                "id": hazard.pk,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": hazard.pk,
                    "category": hazard.category.name,
                    "place": hazard.place.name if hazard.place else "",
                    "state": hazard.state,
                    "state_label": str(hazard.get_state_display()),
                    "severity": hazard.severity,
                    "severity_label": str(hazard.get_severity_display()),
                    "color": SEVERITY_COLORS.get(hazard.severity, CLOSED_COLOR)
                    if open_
                    else CLOSED_COLOR,
                    "open": open_,
                    "overdue": selectors.hazard_is_overdue(hazard, today),
                    "next_due": hazard.next_due.isoformat() if open_ and hazard.next_due else None,
                    "responsible_level": level.name if open_ else "",
                    "url": reverse("hazards:detail", args=[hazard.pk]),
                },
            }
        )
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
    }
    if total > GEOJSON_MAX:
        collection["capped"] = True
    return collection
