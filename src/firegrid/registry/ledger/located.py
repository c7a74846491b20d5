"""Buildings (楼栋) and fire resources (消防资源) ledgers: located records without the
classification, licence and duplicate rules of places.

Same contract as places: every row checked first (types, numbers, phones, dates, points located
as arrays, ids and the actor's edit right), nothing written unless all rows are clean; one
history event per written record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record_many
from firegrid.core.errors import ValidationFailed
from firegrid.people.scope import user_scope

from ..models import Building, FireResource
from ..services.common import normalize_phone_field
from . import columns as c
from .columns import BUILDINGS, FIRE_RESOURCES, Column, LedgerSpec
from .places import GridInfo, _chunks, _Errors, _load_grids, _locate, _Row, _same_float
from .reader import LedgerRows
from .values import CellError, as_choice, as_date, as_float, as_int, as_text, is_blank

MODELS: dict[str, type[Building] | type[FireResource]] = {
    BUILDINGS.kind: Building,
    FIRE_RESOURCES.kind: FireResource,
}
INT_RANGES = {"floors": (0, 200), "year_built": (1800, 2100)}
POINT_FIELDS = ("id", "lon", "lat", "crs")


@dataclass
class LocatedPlan:
    errors: list[dict[str, Any]] = field(default_factory=list)
    creates: list[Any] = field(default_factory=list)  # Building / FireResource instances
    updates: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "duplicates_flagged": 0,
        }


def _parse(row: _Row, spec: LedgerSpec, present: list[Column], model: Any, errors: _Errors) -> None:
    for column in present:
        name, value = column.field, row.raw[column.field]
        if is_blank(value):
            if column.required:
                errors.add(row, column, _("Required."))
            elif name not in POINT_FIELDS:
                row.values[name] = None if column.kind in (c.INT, c.DATE) else ""
            continue
        try:
            if name == "id":
                row.place_id = as_int(value)
            elif name in ("lon", "lat"):
                setattr(row, name, as_float(value))
            elif name == "crs":
                row.crs = as_choice(value, column)
            elif column.kind == c.CHOICE:
                row.values[name] = as_choice(value, column)
            elif column.kind == c.INT:
                number = as_int(value)
                low, high = INT_RANGES.get(name, (0, 10_000_000))
                if not low <= number <= high:
                    raise CellError(_("Out of range."))
                row.values[name] = number
            elif column.kind == c.DATE:
                row.values[name] = as_date(value)
            elif column.kind == c.PHONE:
                try:
                    row.values[name] = normalize_phone_field(as_text(value), field=name)
                except ValidationFailed as exc:
                    raise CellError(str(exc.message)) from exc
            else:
                text = " ".join(as_text(value).split())
                if len(text) > model._meta.get_field(name).max_length:
                    raise CellError(_("Too long."))
                row.values[name] = text
        except CellError as exc:
            errors.add(row, column, exc.reason)


def located_check(
    *,
    actor: Any,
    kind: str,
    ledger: LedgerRows,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> LocatedPlan:
    spec = c.spec_for(kind)
    model: Any = MODELS[kind]
    errors = _Errors()
    cols = {col.field: col for col in spec.columns}
    default_crs = settings.FIREGRID_DEFAULT_CRS.lower()
    rows: list[_Row] = []
    for count, (number, cells) in enumerate(zip(ledger.numbers, ledger.rows, strict=True), 1):
        row = _Row(number=number, raw={col.field: cells[i] for i, col in enumerate(ledger.columns)})
        _parse(row, spec, list(ledger.columns), model, errors)
        row.crs = row.crs or default_crs
        rows.append(row)
        if progress is not None and count % progress_every == 0:
            progress(count)
    grids_by_id, _by_code = _load_grids()
    located = _locate(rows, cols, errors)
    scope = user_scope(actor) if actor is not None else None
    ids = sorted({row.place_id for row in rows if row.place_id is not None})
    existing: dict[int, Any] = {}
    for chunk in _chunks(ids):
        existing.update(
            (r.pk, r) for r in model.objects.filter(pk__in=chunk).select_related("grid")
        )
    plan = LocatedPlan()
    now = timezone.now()
    seen: dict[int, int] = {}
    for row in rows:
        record = existing.get(row.place_id) if row.place_id is not None else None
        if row.place_id is not None:
            if record is None or (scope is not None and not scope.covers(record.grid_path)):
                errors.add(row, cols["id"], _("No record with this id in your area."))
                continue
            if row.place_id in seen:
                errors.add(
                    row,
                    cols["id"],
                    _("The same id is already in row %(row)s.") % {"row": seen[row.place_id]},
                )
                continue
            seen[row.place_id] = row.number
        if row.bad:
            continue
        grid = grids_by_id.get(located.get(row.number, -1))
        if grid is None:
            continue
        if scope is not None and not _may_edit(scope, grid, record, row, cols, errors):
            continue
        if record is None:
            new: Any = model(lon=row.lon, lat=row.lat, grid_id=grid.id, grid_path=grid.path)
            for name, value in row.values.items():
                if value is not None or name in ("floors", "year_built", "last_checked_on"):
                    setattr(new, name, value)
            new._ledger_grid_code = grid.code
            plan.creates.append(new)
            continue
        history = _apply(record, row, grid, now)
        if history:
            plan.updates.append((record, history))
        else:
            plan.unchanged += 1
    if progress is not None:
        progress(len(rows))
    plan.errors = sorted(errors.items, key=lambda e: e["row"])
    return plan


def _may_edit(
    scope: Any, grid: GridInfo, record: Any, row: _Row, cols: dict[str, Column], errors: _Errors
) -> bool:
    for path, name in (
        (grid.path, grid.name),
        *([(record.grid_path, record.grid.name)] if record else []),
    ):
        if not scope.may_edit_registry_in(path):
            message = (
                _("The grid %(grid)s is outside your area.")
                if not scope.covers(path)
                else _("Your role may not edit the registry of the grid %(grid)s.")
            )
            errors.add(row, cols["lon"], message % {"grid": name})
            return False
    return True


def _apply(record: Any, row: _Row, grid: GridInfo, now: Any) -> dict[str, Any]:
    history: dict[str, Any] = {}
    for name, value in row.values.items():
        old = getattr(record, name)
        if old != value and not _same_float(old, value):
            history[name] = [_plain(old), _plain(value)]
            setattr(record, name, value)
    if not (_same_float(record.lon, row.lon) and _same_float(record.lat, row.lat)):
        history["lon"], history["lat"] = [record.lon, row.lon], [record.lat, row.lat]
        record.lon, record.lat = row.lon, row.lat
    if record.grid_id != grid.id:
        history["grid"] = [record.grid.code, grid.code]
        record.grid_id, record.grid_path = grid.id, grid.path
    if history:
        record.updated_at = now
    return history


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def located_write(
    *, actor: Any, kind: str, plan: LocatedPlan, job_id: int | None = None
) -> dict[str, int]:
    model: Any = MODELS[kind]
    label = model._meta.model_name
    model.objects.bulk_create(plan.creates, batch_size=500)
    if plan.updates:
        names = {n for _r, history in plan.updates for n in history} - {"grid"}
        fields = sorted(names | {"grid", "grid_path", "lon", "lat", "updated_at"})
        model.objects.bulk_update([r for r, _h in plan.updates], fields, batch_size=500)
    source = {"ledger_import": job_id} if job_id is not None else {}
    events: list[tuple[str, Any, dict[str, Any]]] = [
        (
            f"{label}.create",
            record,
            {"name": record.name, "grid": record._ledger_grid_code, **source},
        )
        for record in plan.creates
    ]
    events += [(f"{label}.update", r, {"changes": h, **source}) for r, h in plan.updates]
    audit_record_many(actor=actor, events=events)
    return plan.counts


def _label(column: Column, value: Any) -> str:
    return next((label for stored, label in column.choices if stored == value), "")


def building_row(building: Building) -> list[Any]:
    spec = BUILDINGS
    return [
        building.pk,
        building.name,
        building.address,
        building.lon,
        building.lat,
        "WGS84",
        _label(spec.column("category"), building.category),
        building.floors,
        _label(spec.column("structure"), building.structure),
        building.year_built,
        building.note,
        building.grid.name,
    ]


def fire_resource_row(resource: FireResource) -> list[Any]:
    spec = FIRE_RESOURCES
    return [
        resource.pk,
        resource.name,
        _label(spec.column("kind"), resource.kind),
        resource.address,
        resource.lon,
        resource.lat,
        "WGS84",
        _label(spec.column("status"), resource.status),
        resource.last_checked_on,
        resource.keeper_name,
        resource.keeper_phone,
        resource.note,
        resource.grid.name,
    ]
