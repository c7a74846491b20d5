"""Writing ledgers: the blank template, the export of a list, the error report.

Template and export are one writer (`xlsx.write_workbook`, direct XML: a 100,000-row export in
seconds): the same headers, the same drop-downs, so an exported file imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from ..models import Place, PlaceType
from . import columns as c
from .columns import NO, YES, Column, LedgerSpec
from .xlsx import (
    HEADER,
    HEADER_READ_ONLY,
    HEADER_REQUIRED,
    Sheet,
    Validation,
    column_letter,
    write_workbook,
)

LISTS_SHEET = "选项"
MAX_ROW = 1_048_576
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_values(column: Column) -> list[str]:
    if column.kind == c.BOOL:
        return [YES, NO]
    if column.kind == c.PLACE_TYPE:
        return list(
            PlaceType.objects.filter(active=True)
            .order_by("sort_order", "code")
            .values_list("name", flat=True)
        )
    return [label for _stored, label in column.choices]


def write_ledger(spec: LedgerSpec, rows: Iterable[list[Any]]) -> bytes:
    """The workbook: data sheet first (headers, drop-downs, frozen header), hidden list sheet."""
    list_columns = [col for col in spec.columns if col.has_list and not col.read_only]
    values = [_list_values(col) for col in list_columns]
    depth = max((len(v) for v in values), default=0)
    list_rows = [[v[i] if i < len(v) else None for v in values] for i in range(depth)]
    validations = []
    for index, col in enumerate(spec.columns):
        if col not in list_columns:
            continue
        position = list_columns.index(col)
        letter = column_letter(position)
        target = column_letter(index)
        validations.append(
            Validation(
                sqref=f"{target}2:{target}{MAX_ROW}",
                formula=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values[position]) + 1}",
                error_title=_("Not in the list"),
                error=_("Pick a value from the drop-down list."),
            )
        )

    def style(col: Column) -> int:
        return HEADER_REQUIRED if col.required else HEADER_READ_ONLY if col.read_only else HEADER

    data = Sheet(
        name=spec.sheet,
        header=[(col.title, style(col)) for col in spec.columns],
        rows=rows,
        widths=[col.width for col in spec.columns],
        validations=validations,
        freeze_header=True,
    )
    lists = Sheet(
        name=LISTS_SHEET,
        header=[(col.header, HEADER) for col in list_columns],
        rows=list_rows,
        hidden=True,
    )
    return write_workbook([data, lists])


def _label(column: Column, value: Any) -> str:
    return next((label for stored, label in column.choices if stored == value), "")


def place_row(place: Place) -> list[Any]:
    """One place as a ledger row, in the column order of PLACES (WGS-84 coordinates)."""
    spec = c.PLACES
    overrides = place.overrides or {}
    key_override = overrides.get("is_key_unit")
    return [
        place.pk,
        place.name,
        place.place_type.name,
        place.address,
        place.lon,
        place.lat,
        "WGS84",
        place.grid.code if place.grid_manual else "",
        place.grid_manual_reason if place.grid_manual else "",
        place.floor_area_m2,
        place.floors,
        place.height_m,
        place.beds,
        place.rooms,
        place.occupants,
        place.licence_number,
        place.responsible_name,
        place.responsible_phone,
        place.manager_name,
        place.manager_phone,
        place.phone,
        _label(spec.column("override_risk_level"), overrides.get("risk_level")),
        "" if key_override is None else (YES if key_override else NO),
        place.override_reason if overrides else "",
        _label(spec.column("status"), place.status),
        place.note,
        _label(spec.column("risk_level"), place.risk_level),
        YES if place.is_key_unit else NO,
        place.grid.name,
    ]


def ledger_template(kind: str) -> bytes:
    return write_ledger(c.spec_for(kind), [])


def ledger_export_places(places: Iterable[Place]) -> bytes:
    return write_ledger(c.PLACES, (place_row(p) for p in places))


def ledger_export(user: Any, kind: str, query: Mapping[str, Any]) -> bytes:
    """The viewer's records of `kind`, filtered by a query string, as a ledger.

    Places take the place list's filters (`place_filters_from_query`); buildings `q` and `grid`;
    fire resources `q`, `grid`, `type` (a resource kind) and `status`; residents `q`, `grid`,
    `flag` (a vulnerability flag) and `unmasked` (clear ID numbers and phones, for a role that
    may unmask them; audited).
    """
    from ..selectors import building_list, fire_resource_list, place_list
    from .filters import place_filters_from_query
    from .located import building_row, fire_resource_row

    spec = c.spec_for(kind)
    if spec.kind == c.RESIDENTS.kind:
        from .residents import residents_export

        return residents_export(user, query)
    if spec.kind == c.PLACES.kind:
        places = place_list(user, place_filters_from_query(query))
        return ledger_export_places(places.iterator(chunk_size=2000))
    grid = str(query.get("grid", "") or "").strip()
    grid_id = int(grid) if grid.isdigit() else None
    search = str(query.get("q", "") or "").strip()
    if spec.kind == c.BUILDINGS.kind:
        buildings = building_list(user, search=search, grid_id=grid_id)
        return write_ledger(spec, (building_row(b) for b in buildings.iterator(chunk_size=2000)))
    kinds = dict(c.RESOURCE_KIND_LABELS)
    statuses = dict(c.RESOURCE_STATUS_LABELS)
    resource_kind = str(query.get("type", "") or "")
    status = str(query.get("status", "") or "")
    resources = fire_resource_list(
        user,
        kind=resource_kind if resource_kind in kinds else "",
        status=status if status in statuses else "",
        grid_id=grid_id,
        search=search,
    )
    return write_ledger(spec, (fire_resource_row(r) for r in resources.iterator(chunk_size=2000)))


def error_report(errors: Iterable[dict[str, Any]]) -> bytes:
    """Row, column, value, reason: one line per problem, in the viewer's language."""
    sheet = Sheet(
        name=str(_("Errors")),
        header=[
            (_("Row"), HEADER),
            (_("Column"), HEADER),
            (_("Value"), HEADER),
            (_("Reason"), HEADER),
        ],
        rows=([e["row"], e["column"], e["value"], e["reason"]] for e in errors),
        widths=[8, 18, 24, 60],
        freeze_header=True,
    )
    return write_workbook([sheet])
